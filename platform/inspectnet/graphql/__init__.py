"""The kit every domain builds its GraphQL on: context, Relay ids and connections, the mutation
adapter, errors. It imports no domain; the assembly (``inspectnet.schema``) and the HTTP gateway
(``inspectnet.http``) sit above it."""
