"""The HTTP gateway: GraphQL-over-HTTP, limits, cost, persisted queries, budgets."""
