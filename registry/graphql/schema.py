"""The root schema: combines each area's Query and Mutation types, with the request limits of the settings."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
    max_aliases,
    query_depth_limiter,
)
from strawberry.schema.config import StrawberryConfig

from registry.config import Limits
from registry.graphql.audit.queries import AuditQuery
from registry.graphql.budget import query_budget
from registry.graphql.compliance.queries import ComplianceQuery
from registry.graphql.errors_mask import RegistryErrors
from registry.graphql.execution import RegistryExecutor
from registry.graphql.inventory.mutations import InventoryMutation
from registry.graphql.inventory.queries import InventoryQuery
from registry.graphql.reference.mutations import ReferenceMutation
from registry.graphql.reference.queries import ReferenceQuery
from registry.graphql.subprocessors.mutations import SubprocessorsMutation
from registry.graphql.subprocessors.queries import SubprocessorsQuery
from registry.graphql.tokens.mutations import TokensMutation
from registry.graphql.tokens.queries import TokensQuery

DOCUMENT_CACHE = 256
"""Distinct query texts whose parse and validation are kept (least recently used first out)."""


@strawberry.type(description="Questions the register answers.")
class Query(InventoryQuery, SubprocessorsQuery, ReferenceQuery, ComplianceQuery, AuditQuery, TokensQuery):
    pass


@strawberry.type(description="Changes to the register.")
class Mutation(InventoryMutation, SubprocessorsMutation, ReferenceMutation, TokensMutation):
    pass


def build_schema(limits: Limits | None = None, development: bool = False) -> strawberry.Schema:
    limits = limits or Limits()
    # The limit rules are built once, so every request validates with the same rule classes and a document
    # seen before is neither parsed nor validated again (ParserCache and ValidationCache key on them).
    # Parsing and validating were two thirds of a point query's time.
    rules: list[Any] = [query_depth_limiter.create_validator(limits.depth, None),
                        max_aliases.create_validator(limits.aliases)]
    budget = query_budget(limits)
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(disable_field_suggestions=not development),
        execution_context_class=RegistryExecutor,
        # Factories, not instances: an extension is made per request (the error mask keeps per-request state).
        extensions=[
            lambda: AddValidationRules(rules),
            lambda: MaxTokensLimiter(max_token_count=limits.tokens),
            lambda: ParserCache(maxsize=DOCUMENT_CACHE),
            lambda: ValidationCache(maxsize=DOCUMENT_CACHE),
            RegistryErrors,
            budget,
        ],
    )


schema = build_schema()
