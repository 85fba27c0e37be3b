"""One record per HTTP request, for the request log and the metrics: who asked (token key and role), what
(GraphQL operation name), how it ended (status, outcome, error references) and how long it took.

Only these fields leave the request: never a header's value, a query string, a request body or a GraphQL
variable, so no token secret, cookie or personal data a variable may hold can reach a log line or a metric.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
"""An X-Request-ID a caller (or a proxy in front) may set; anything else is replaced by a fresh one."""

CLIENT_GONE = 499
"""The status recorded for a request whose client hung up before its answer (nginx's "client closed request"):
not the registry's error, and no answer was sent."""

STATUS_OUTCOMES = {401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 503: "DATABASE_UNAVAILABLE"}


@dataclass(frozen=True)
class RequestRecord:
    """What one request did, as the request log and the metrics see it."""

    request_id: str
    method: str
    path: str
    handler: str
    """The kind of endpoint (`/graphql`, `/organizations/{slug}/subprocessors`, ...): a bounded label."""
    status: int
    duration: float
    """Seconds from the request's arrival to the end of its response."""
    outcome: str
    """`ok`, or the error code: BAD_USER_INPUT, FORBIDDEN, UNAUTHENTICATED, INTERNAL_SERVER_ERROR, CLIENT_GONE..."""
    operation: str | None = None
    token_key: str | None = None
    role: str | None = None
    error_refs: list[str] = field(default_factory=list)
    """Correlation references of masked errors: the same reference the caller was shown."""


def handler_of(path: str) -> str:
    if path == "/graphql" or path == "/metrics":
        return path
    if path.startswith("/organizations/"):
        tail = path.rsplit("/", 1)[-1].split(".", 1)[0]
        if tail in ("records-of-processing", "subprocessors"):
            return f"/organizations/{{slug}}/{tail}"
        if tail == "dpia-draft":
            return "/organizations/{slug}/activities/{key}/dpia-draft"
    for prefix in ("/health/", "/static/"):
        if path.startswith(prefix):
            return prefix.rstrip("/")
    return "/" if path == "/" else "other"


def _outcome(status: int, graphql: dict[str, Any]) -> str:
    if status < 400 and graphql.get("outcome"):
        return str(graphql["outcome"])
    if status < 400:
        return "ok"
    if status == 400 and graphql.get("outcome"):  # a GraphQL request refused under graphql-response+json
        return str(graphql["outcome"])
    return STATUS_OUTCOMES.get(status, "BAD_REQUEST" if status < 500 else "INTERNAL_SERVER_ERROR")


class ObserveRequests:
    """ASGI middleware: gives each request an ID (echoed in the X-Request-ID response header), then hands a
    `RequestRecord` to each observer once the response is sent."""

    def __init__(self, app: ASGIApp, observers: Sequence[Callable[[RequestRecord], None]]):
        self.app, self.observers = app, observers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given = Headers(scope=scope).get("x-request-id", "")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        status, completed = 500, False

        async def send_with_id(message: Message) -> None:
            nonlocal status, completed
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                completed = True
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            graphql: dict[str, Any] = state.get("graphql", {})
            token = state.get("token")
            outcome = _outcome(status, graphql)
            if getattr(state.get("deadline"), "gone", False) and (not completed or outcome != "ok"):
                # The client hung up before its answer: its request was dropped or stopped (web/budget.py).
                status, outcome = CLIENT_GONE, "CLIENT_GONE"
            record = RequestRecord(
                request_id=request_id, method=scope["method"], path=scope["path"], handler=handler_of(scope["path"]),
                status=status, duration=time.perf_counter() - started, outcome=outcome,
                operation=graphql.get("operation"), token_key=getattr(token, "key", None),
                role=getattr(getattr(token, "role", None), "value", None), error_refs=graphql.get("error_refs", []))
            for observe in self.observers:
                observe(record)
