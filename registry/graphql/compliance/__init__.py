"""GraphQL: the compliance area."""
