"""inspectnet: the linked network of party inspection offices as one GraphQL service."""
