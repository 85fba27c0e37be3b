"""The GraphQL endpoint over HTTP: per-request context and the offline GraphiQL page."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from registry.config import Limits
from registry.graphql.context import Context
from registry.graphql.errors_mask import quiet_client_errors
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
        quiet_client_errors()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as e:  # strawberry answers these in plain text; clients expect GraphQL's JSON shape
            response = JSONResponse({"data": None, "errors": [{"message": e.reason, "extensions": {
                "code": "BAD_REQUEST"}}]}, status_code=e.status_code)
        await response(scope, receive, send)

    def parse_json(self, data: str | bytes) -> Any:
        """The body must be a JSON object; nesting too deep for the parser is the client's error, not ours."""
        try:
            parsed = super().parse_json(data)
        except RecursionError:
            raise HTTPException(400, "The request body nests too deeply to be read; send a JSON object such as "
                                "{\"query\": \"{ organizations { slug } }\"}.") from None
        if not isinstance(parsed, dict | list):
            raise HTTPException(400, "The request body must be a JSON object such as {\"query\": \"{ organizations "
                                f"{{ slug }} }}\"}}; got a JSON {type(parsed).__name__}.")
        return parsed

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        repos: Repositories = self._repos_getter()
        state = request.scope.get("state", {})
        # The token check read the register's generation for this request: the loaders and edits share that read.
        generation = state.get("generation") or repos.cache.snapshot()
        return Context(repos=repos, loaders=Loaders(repos, generation), generation=generation, request=request,
                       response=response, token=state.get("token"), limits=self._limits)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(GRAPHIQL_HTML, headers=SECURITY_HEADERS)
