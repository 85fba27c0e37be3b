"""Bearer-token access control in front of the API: a missing or bad token gets 401 before any work is done.

Open without a token: the GraphiQL page itself (a plain GET for HTML), its static files, the health checks and
the public subprocessor notices. Everything else needs `Authorization: Bearer <token>`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pymongo.errors import PyMongoError
from starlette.datastructures import Headers, QueryParams
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from registry.services.tokens import TokenChecker
from registry.storage.repositories import Repositories

PUBLIC = re.compile(r"/(static/.*|health/.*|organizations/[^/]+/subprocessors\.(json|html|atom)|)")
"""Matched against the whole path (fullmatch): `$` would also match before a final newline (`%0a`)."""


def database_unavailable() -> JSONResponse:
    return JSONResponse({"data": None, "errors": [{"message": "The database is unavailable right now; try again "
                         "shortly.", "extensions": {"code": "DATABASE_UNAVAILABLE"}}]}, status_code=503,
                        headers={"Retry-After": "5"})


def _unauthorised(message: str) -> JSONResponse:
    return JSONResponse(
        {"data": None, "errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]},
        status_code=401, headers={"WWW-Authenticate": 'Bearer realm="registry"'})


class TokenGuard:
    """ASGI middleware: puts the caller's token in `scope["state"]["token"]`, or answers 401."""

    def __init__(self, app: ASGIApp, repos_getter: Callable[[], Repositories], required: bool = True):
        self.app, self.repos_getter, self.required = app, repos_getter, required
        self.checker = TokenChecker()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.required:
            await self.app(scope, receive, send)
            return
        path, headers = scope["path"], Headers(scope=scope)
        query = QueryParams(scope["query_string"])
        ide_page = (path == "/graphql" and scope["method"] == "GET" and "query" not in query
                    and "text/html" in headers.get("accept", ""))
        state: dict[str, Any] = scope.setdefault("state", {})
        # SessionGate (web/session.py) has let in a sign-in page or a browser with a live session cookie.
        if PUBLIC.fullmatch(path) or ide_page or state.get("public") or state.get("token"):
            await self.app(scope, receive, send)
            return
        auth = headers.get("authorization", "")
        if not auth.lower().startswith("bearer "):
            await _unauthorised("Missing API token: send the header 'Authorization: Bearer <token>'. Create one "
                                "with `registry token create --role viewer --name <who>`.")(scope, receive, send)
            return
        repos = self.repos_getter()
        generation = repos.cache.snapshot()  # this request's one read of the generation, shared with GraphQL
        try:
            token = await self.checker.verify(repos, auth[7:], generation)
        except PyMongoError:
            await database_unavailable()(scope, receive, send)
            return
        if token is None:
            await _unauthorised("Invalid or revoked API token. Ask an admin for a new one.")(scope, receive, send)
            return
        state["token"] = token
        state["generation"] = generation
        await self.app(scope, receive, send)
