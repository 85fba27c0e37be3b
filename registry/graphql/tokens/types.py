"""API tokens as an admin sees them: never their secrets."""

from __future__ import annotations

import strawberry

from registry.domain import models as m
from registry.domain.enums import AccessRole as AccessRoleEnum
from registry.graphql.crud import UserError
from registry.graphql.enums import expose

AccessRole = expose(AccessRoleEnum, description="VIEWER reads; EDITOR also edits; ADMIN also manages tokens.")


@strawberry.type(description="An API token as an admin sees it: never its secret.")
class ApiTokenInfo:
    key: str = strawberry.field(description="The token's public key (the part after `rgy_`).")
    name: str = strawberry.field(description="Who or what uses it.")
    role: str = strawberry.field(description="VIEWER, EDITOR or ADMIN.")
    revoked: bool = strawberry.field(description="True once revoked.")

    @classmethod
    def from_domain(cls, t: m.ApiToken) -> ApiTokenInfo:
        return cls(key=t.key, name=t.name, role=t.role.value, revoked=t.revoked_at is not None)


@strawberry.input(description="A new API token.")
class CreateApiTokenInput:
    name: str = strawberry.field(description="Who or what will use it, e.g. ropa-exporter.")
    role: AccessRole = strawberry.field(description="What it may do.")  # type: ignore[valid-type]


@strawberry.type(description="A new API token: `token` is shown this once and cannot be read again.")
class CreateApiTokenPayload:
    token: str | None = strawberry.field(description="The full token to give its user; shown only now.")
    info: ApiTokenInfo | None = strawberry.field(description="The token's record.")
    user_errors: list[UserError] = strawberry.field(description="Why it could not be created.")


@strawberry.input(description="The token to revoke.")
class RevokeApiTokenInput:
    key: str = strawberry.field(description="The token's key.")
