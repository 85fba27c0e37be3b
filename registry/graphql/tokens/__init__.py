"""GraphQL: the tokens area."""
