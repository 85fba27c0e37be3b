"""GraphQL: the reference area."""
