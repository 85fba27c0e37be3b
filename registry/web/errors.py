"""HTTP errors in the shape GraphQL errors have, so a tool reads every refusal the same way:
`{"errors": [{"message": "...", "extensions": {"code": "..."}}]}`; and the last line of defence: an error nobody
expected becomes such an answer with a reference, never a plain-text 500 or a stack trace, and the reference is
logged with the traceback so operators can find it."""

from __future__ import annotations

import logging
import uuid

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("registry.errors")

CODES = {400: "BAD_REQUEST", 401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED",
         413: "PAYLOAD_TOO_LARGE", 429: "TOO_MANY_REQUESTS", 500: "INTERNAL", 503: "DATABASE_UNAVAILABLE"}


def error_response(status: int, message: str, code: str | None = None, headers: dict[str, str] | None = None,
                   **extensions: str) -> JSONResponse:
    """One error, with a code a program can test and a message that says what to do."""
    return JSONResponse({"errors": [{"message": message, "extensions": {
        "code": code or CODES.get(status, "ERROR"), **extensions}}]}, status_code=status, headers=headers)


def internal_error(reference: str) -> JSONResponse:
    return error_response(500, f"Internal error. Give the registry's operators this reference: {reference}.",
                          reference=reference)


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (no such path, wrong method) in the same shape."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message = (f"Nothing at {request.url.path}. The API is POST /graphql; downloads are listed in the README "
                   "and in each record's `downloads` field.")
    elif exc.status_code == 405:
        message = f"{request.method} is not accepted at {request.url.path}."
    else:
        message = str(exc.detail)
    return error_response(exc.status_code, message, headers=dict(exc.headers or {}))


class InternalErrors:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except ClientDisconnect:  # the client went away before its request was read: no one to answer
            log.info("client went away during %s %s", scope.get("method"), scope.get("path"))
        except Exception:
            reference = uuid.uuid4().hex[:12]
            log.exception("unexpected error %s on %s %s", reference, scope.get("method"), scope.get("path"))
            if started:  # part of the answer is sent: the connection is cut, as nothing better can be done
                raise
            await internal_error(reference)(scope, receive, send)
