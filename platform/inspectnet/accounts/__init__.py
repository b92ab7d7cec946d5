"""User accounts bound to persons, and the roles they hold in offices."""
