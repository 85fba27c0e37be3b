"""Plain HTTP routes beside the GraphQL endpoint: downloads and public pages."""
