"""The GraphQL API: types adapt domain objects; resolvers read through per-request DataLoaders."""
