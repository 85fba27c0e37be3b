"""The GraphQL endpoint over HTTP: per-request context and the offline GraphiQL page."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from registry.config import Limits
from registry.graphql.context import Context
from registry.graphql.loaders import Loaders
from registry.graphql.schema import schema
from registry.storage.repositories import Repositories

GRAPHIQL_HTML = (files("registry.graphql") / "static" / "graphiql.html").read_text(encoding="utf-8")

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class RegistryGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with our context (fresh DataLoaders per request) and our GraphiQL page."""

    def __init__(self, repos_getter: Any, schema: Any = schema, graphiql: bool = True, limits: Limits | None = None,
                 **kwargs: Any):
        super().__init__(schema, graphql_ide="graphiql" if graphiql else None, **kwargs)
        self._repos_getter = repos_getter
        self._limits = limits or Limits()

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        repos: Repositories = self._repos_getter()
        state = request.scope.get("state", {})
        return Context(repos=repos, loaders=Loaders(repos), request=request, response=response,
                       token=state.get("token"), user=state.get("user"), limits=self._limits)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(GRAPHIQL_HTML, headers=SECURITY_HEADERS)
