"""GraphQL: the inventory area."""
