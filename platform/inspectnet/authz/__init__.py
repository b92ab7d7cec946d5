"""The one door to data: actors, Casbin policy, readable scopes and require checks."""
