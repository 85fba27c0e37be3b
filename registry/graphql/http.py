"""The GraphQL endpoint over HTTP: per-request context, the offline GraphiQL page, and the response media type
and status code the GraphQL-over-HTTP spec asks for.

What each request did (operation name, outcome, error references) is left in `scope["state"]["graphql"]` for
the request log and the metrics, which sit outside this app."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.extensions import SchemaExtension
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from registry.config import Limits
from registry.graphql.context import Context
from registry.graphql.errors_mask import quiet_client_errors
from registry.graphql.loaders import Loaders
from registry.graphql.media_types import GRAPHQL_RESPONSE, response_media_type
from registry.graphql.response_cache import Question, ResponseCache
from registry.graphql.schema import schema
from registry.services.deadline import Deadline
from registry.storage.repositories import Repositories

GRAPHIQL_HTML = (files("registry.graphql") / "static" / "graphiql.html").read_text(encoding="utf-8")

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


OUTCOME_ORDER = ("INTERNAL_SERVER_ERROR", "DATABASE_UNAVAILABLE", "UNAUTHENTICATED", "FORBIDDEN")
"""When a response carries errors of several kinds, the outcome names the first of these it has."""


def _observation(request: Request | WebSocket) -> dict[str, Any]:
    state: dict[str, Any] = request.scope.setdefault("state", {})
    return state.setdefault("graphql", {})  # type: ignore[no-any-return]


class OperationName(SchemaExtension):
    """Notes the operation's name (as sent, or as named in the document) for the request log and metrics."""

    def on_operation(self):  # type: ignore[no-untyped-def]
        yield
        request = getattr(self.execution_context.context, "request", None)
        if request is not None:
            _observation(request)["operation"] = self.execution_context.operation_name


def _is_request_error(result: ExecutionResult) -> bool:
    """The request was refused before execution (parse, validation or variable errors): no data, and no error
    tied to a field."""
    errors = result.errors or []
    return result.data is None and bool(errors) and all(e.path is None for e in errors)


def _outcome(errors: list[GraphQLError]) -> str:
    codes = [str((e.extensions or {}).get("code", "BAD_USER_INPUT")) for e in errors]
    return next((c for c in OUTCOME_ORDER if c in codes), codes[0]) if codes else "ok"


class RegistryGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with our context (fresh DataLoaders per request) and our GraphiQL page."""

    def __init__(self, repos_getter: Any, schema: Any = schema, graphiql: bool = True, limits: Limits | None = None,
                 response_cache_bytes: int = 0, **kwargs: Any):
        super().__init__(schema, graphql_ide="graphiql" if graphiql else None, **kwargs)
        if OperationName not in schema.extensions:  # the schema's own list stays in schema.py; this one observes
            schema.extensions = (*schema.extensions, OperationName)
        self._repos_getter = repos_getter
        self._limits = limits or Limits()
        self._response_cache_bytes = response_cache_bytes
        self._responses: ResponseCache | None = None
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

    def encode_json(self, data: object) -> bytes:
        """Answers as compact UTF-8 JSON, written by orjson (a large record's JSON took the standard library's
        encoder about a tenth of the time spent building it). Anything orjson cannot write (an integer beyond
        64 bits from a custom scalar) is written by the standard library instead."""
        try:
            return orjson.dumps(data)
        except TypeError:
            return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()

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

    def responses(self) -> ResponseCache | None:
        """This process's cache of query answers (registry/graphql/response_cache.py), or None when it is off."""
        if self._responses is None and self._response_cache_bytes > 0:
            self._responses = ResponseCache(self._repos_getter().cache, self._response_cache_bytes)
        return self._responses if self._responses is not None and self._responses.enabled else None

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        responses = self.responses() if isinstance(request, Request) else None
        if responses is None or (request.method == "GET" and "query" not in request.query_params):
            return await self._run_one(request, context, root_value)
        try:
            data = await self.parse_http_body(self.request_adapter_class(request))
        except Exception:  # noqa: BLE001 - strawberry answers the same request with its own error message
            data = None
        if not isinstance(data, GraphQLRequestData) or data.protocol != "http" or not data.query:
            return await self._run_one(request, context, root_value)

        async def compute() -> tuple[Response, bool]:
            response = await self._run_one(request, context, root_value)
            return response, bool(getattr(request.state, "graphql_errors", False))

        token = request.scope.get("state", {}).get("token")
        role = token.role.value if token is not None else "access control off"
        return await responses.answer(request, Question(data.query, data.variables, data.operation_name), role,
                                      compute)


    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        repos: Repositories = self._repos_getter()
        state = request.scope.get("state", {})
        # The token check read the register's generation for this request: the loaders and edits share that read.
        generation = state.get("generation") or repos.cache.snapshot()
        # The request middleware gave the request its deadline; an app used without it gets one here.
        deadline = state.get("deadline") or Deadline(self._limits.seconds)
        return Context(repos=repos, loaders=Loaders(repos, generation, deadline), generation=generation,
                       request=request, response=response, token=state.get("token"), user=state.get("user"),
                       limits=self._limits, deadline=deadline)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(GRAPHIQL_HTML, headers=SECURITY_HEADERS)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        if result.errors:  # an answer with errors is never kept by the response cache
            request.state.graphql_errors = True
        response = await super().process_result(request, result)
        seen = _observation(request)
        seen["outcome"] = _outcome(result.errors or [])
        seen["error_refs"] = [str(e.extensions["correlationId"]) for e in result.errors or []
                              if e.extensions and "correlationId" in e.extensions]
        seen["request_error"] = _is_request_error(result)
        if seen["request_error"] and response_media_type(request.headers.get("accept")) == GRAPHQL_RESPONSE:
            response.pop("data", None)  # the spec: a refused request has no data entry at all
        return response

    async def _run_one(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """One GraphQL request, answered in the media type the client accepts (GraphQL over HTTP)."""
        response = await super().run(request, context, root_value)
        if (isinstance(response, Response) and response.media_type == "application/json"
                and response_media_type(request.headers.get("accept")) == GRAPHQL_RESPONSE):
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
            if _observation(request).get("request_error"):
                response.status_code = 400
        return response
