"""Creating and revoking API tokens (admins only)."""

from __future__ import annotations

from typing import Annotated

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
    async def create_api_token(
        self, info: Info,
        input: Annotated[CreateApiTokenInput, strawberry.argument(  # noqa: A002 - the GraphQL convention
            description="Who will use the token, and what it may do.")],
    ) -> CreateApiTokenPayload:
        try:
            token, text = await create_token(info.context.repos, input.name, AccessRoleEnum(input.role))
        except ValueError as e:
            return CreateApiTokenPayload(
                token=None, info=None, user_errors=[UserError(field="name", message=str(e), code="INVALID")]
            )
        return CreateApiTokenPayload(token=text, info=ApiTokenInfo.from_domain(token), user_errors=[])

    @strawberry.mutation(description="Revoke an API token; null when no token has that key.",
                         permission_classes=[IsAdmin])
    async def revoke_api_token(
        self, info: Info,
        input: Annotated[RevokeApiTokenInput, strawberry.argument(  # noqa: A002
            description="The key of the token to revoke.")],
    ) -> ApiTokenInfo | None:
        t = await revoke(info.context.repos, input.key)
        return ApiTokenInfo.from_domain(t) if t else None
