"""GraphQL: the subprocessors area."""
