"""The per-request context and the typed Info alias resolvers receive."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from registry.config import Limits
from registry.domain.models import ApiToken
from registry.graphql.loaders import Loaders
from registry.services.deadline import Deadline
from registry.storage.repositories import Repositories


@dataclass
class Context:
    """What a resolver may use: the repositories, this request's loaders, and its read of the register's
    generation (shared with the token check, so a request reads it once)."""

    repos: Repositories
    loaders: Loaders
    generation: Callable[[], Awaitable[str | None]]
    request: Any = None
    response: Any = None
    limits: Limits = field(default_factory=Limits)
    token: ApiToken | None = None
    """The caller's API token (None only when access control is off)."""
    deadline: Deadline | None = None
    """When this request's time is up (registry/graphql/budget.py)."""
    user: str | None = None
    """`user:<email>` for a person signed in by single sign-on (their session's role is in `token`)."""

    @property
    def actor(self) -> str:
        if self.user:
            return self.user
        return f"token:{self.token.key} ({self.token.name})" if self.token else "anonymous"


Info = StrawberryInfo[Context, None]
