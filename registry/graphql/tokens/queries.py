"""Listing API tokens (admins only)."""

from __future__ import annotations

import strawberry

from registry.graphql.context import Info
from registry.graphql.permissions import IsAdmin
from registry.graphql.tokens.types import ApiTokenInfo
from registry.services.tokens import list_tokens


@strawberry.type(description="Questions about API tokens.")
class TokensQuery:
    @strawberry.field(description="API tokens (never their secrets). Needs an ADMIN token.",
                      permission_classes=[IsAdmin])
    async def api_tokens(self, info: Info) -> list[ApiTokenInfo]:
        return [ApiTokenInfo.from_domain(t) for t in await list_tokens(info.context.repos)]
