"""The root schema: combines the per-area Query types."""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig

from registry.graphql.mutations import Mutation
from registry.graphql.queries import Query

schema = strawberry.Schema(query=Query, mutation=Mutation, config=StrawberryConfig(disable_field_suggestions=False))
