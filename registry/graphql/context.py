"""The per-request context and the typed Info alias resolvers receive."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from registry.config import Limits
from registry.domain.models import ApiToken
from registry.graphql.loaders import Loaders
from registry.storage.repositories import Repositories


@dataclass
class Context:
    """What a resolver may use: the repositories and this request's loaders."""

    repos: Repositories
    loaders: Loaders
    request: Any = None
    response: Any = None
    limits: Limits = field(default_factory=Limits)
    token: ApiToken | None = None
    """The caller's API token (None only when access control is off)."""
    user: str | None = None
    """`user:<email>` for a person signed in by single sign-on (their session's role is in `token`)."""

    @property
    def actor(self) -> str:
        if self.user:
            return self.user
        return f"token:{self.token.name}" if self.token else "anonymous"


Info = StrawberryInfo[Context, None]
