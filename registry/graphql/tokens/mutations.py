"""Creating and revoking API tokens (admins only)."""

from __future__ import annotations

import strawberry

from registry.domain.enums import AccessRole as AccessRoleEnum
from registry.graphql.context import Info
from registry.graphql.crud import UserError
from registry.graphql.permissions import IsAdmin
from registry.graphql.tokens.types import ApiTokenInfo, CreateApiTokenInput, CreateApiTokenPayload, RevokeApiTokenInput
from registry.services.tokens import create_token, revoke


@strawberry.type(description="Changes to API tokens.")
class TokensMutation:
    @strawberry.mutation(description="Create an API token; its text is returned this once.",
                         permission_classes=[IsAdmin])
    async def create_api_token(self, info: Info, input: CreateApiTokenInput) -> CreateApiTokenPayload:  # noqa: A002
        try:
            token, text = await create_token(info.context.repos, input.name, AccessRoleEnum(input.role))
        except ValueError as e:
            return CreateApiTokenPayload(
                token=None, info=None, user_errors=[UserError(field="name", message=str(e), code="INVALID")]
            )
        return CreateApiTokenPayload(token=text, info=ApiTokenInfo.from_domain(token), user_errors=[])

    @strawberry.mutation(description="Revoke an API token; null when no token has that key.",
                         permission_classes=[IsAdmin])
    async def revoke_api_token(self, info: Info, input: RevokeApiTokenInput) -> ApiTokenInfo | None:  # noqa: A002
        t = await revoke(info.context.repos, input.key)
        return ApiTokenInfo.from_domain(t) if t else None
