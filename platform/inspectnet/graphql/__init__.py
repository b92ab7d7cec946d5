"""GraphQL assembly: schema, context, Relay plumbing, errors. Resolvers stay thin."""
