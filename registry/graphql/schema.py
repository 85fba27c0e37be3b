"""The root schema: combines the Query and Mutation types, with the request limits of the settings."""

from __future__ import annotations

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig

from registry.config import Limits
from registry.graphql.errors_mask import RegistryErrors
from registry.graphql.mutations import Mutation
from registry.graphql.queries import Query


def build_schema(limits: Limits | None = None, development: bool = False) -> strawberry.Schema:
    limits = limits or Limits()
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(disable_field_suggestions=not development),
        # Factories, not instances: an extension is made per request (the error mask keeps per-request state).
        extensions=[
            lambda: QueryDepthLimiter(max_depth=limits.depth),
            lambda: MaxAliasesLimiter(max_alias_count=limits.aliases),
            lambda: MaxTokensLimiter(max_token_count=limits.tokens),
            RegistryErrors,
        ],
    )


schema = build_schema()
