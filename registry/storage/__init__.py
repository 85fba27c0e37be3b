"""Storage: the MongoDB client, BSON <-> domain mapping, repositories and indexes."""
