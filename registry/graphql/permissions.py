"""Role checks: reading needs any token; changing the register needs EDITOR; managing tokens needs ADMIN."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from registry.domain.enums import AccessRole
from registry.graphql.context import Info


class _Needs(BasePermission):
    needed: AccessRole = AccessRole.VIEWER
    error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        token = info.context.token
        if token is None:  # access control is off (REGISTRY_AUTH=off)
            return True
        return token.role.allows(self.needed)


class IsEditor(_Needs):
    needed = AccessRole.EDITOR
    message = "Forbidden: changing the register needs an EDITOR or ADMIN token; yours is a VIEWER token."


class IsAdmin(_Needs):
    needed = AccessRole.ADMIN
    message = "Forbidden: managing API tokens needs an ADMIN token."
