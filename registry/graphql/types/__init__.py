"""GraphQL types: adapters over domain objects with a `from_domain` constructor."""
