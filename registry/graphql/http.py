"""The GraphQL endpoint over HTTP: per-request context and the offline GraphiQL page."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from registry.config import Limits
from registry.graphql.context import Context
from registry.graphql.loaders import Loaders
from registry.graphql.response_cache import Question, ResponseCache
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
                 response_cache_bytes: int = 0, **kwargs: Any):
        super().__init__(schema, graphql_ide="graphiql" if graphiql else None, **kwargs)
        self._repos_getter = repos_getter
        self._limits = limits or Limits()
        self._response_cache_bytes = response_cache_bytes
        self._responses: ResponseCache | None = None

    def responses(self) -> ResponseCache | None:
        """This process's cache of query answers (registry/graphql/response_cache.py), or None when it is off."""
        if self._responses is None and self._response_cache_bytes > 0:
            self._responses = ResponseCache(self._repos_getter().cache, self._response_cache_bytes)
        return self._responses if self._responses is not None and self._responses.enabled else None

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        responses = self.responses() if isinstance(request, Request) else None
        if responses is None or (request.method == "GET" and "query" not in request.query_params):
            return await super().run(request, context, root_value)
        try:
            data = await self.parse_http_body(self.request_adapter_class(request))
        except Exception:  # noqa: BLE001 - strawberry answers the same request with its own error message
            data = None
        if not isinstance(data, GraphQLRequestData) or data.protocol != "http" or not data.query:
            return await super().run(request, context, root_value)

        async def compute() -> tuple[Response, bool]:
            response = await super(RegistryGraphQL, self).run(request, context, root_value)
            return response, bool(getattr(request.state, "graphql_errors", False))

        token = request.scope.get("state", {}).get("token")
        role = token.role.value if token is not None else "access control off"
        return await responses.answer(request, Question(data.query, data.variables, data.operation_name), role,
                                      compute)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        if result.errors:  # an answer with errors is never kept by the response cache
            request.state.graphql_errors = True
        return await super().process_result(request, result)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        repos: Repositories = self._repos_getter()
        token = request.scope.get("state", {}).get("token")
        return Context(repos=repos, loaders=Loaders(repos), request=request, response=response, token=token,
                       limits=self._limits)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(GRAPHIQL_HTML, headers=SECURITY_HEADERS)
