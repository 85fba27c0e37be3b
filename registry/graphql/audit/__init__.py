"""GraphQL: the audit area."""
