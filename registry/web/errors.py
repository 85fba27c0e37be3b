"""The last line of defence: an error nobody expected becomes a JSON answer with a reference, never a plain-text
500 or a stack trace; the reference is logged with the traceback so operators can find it."""

from __future__ import annotations

import logging
import uuid

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("registry.errors")


def internal_error(reference: str) -> JSONResponse:
    return JSONResponse({"error": {"code": "INTERNAL", "reference": reference, "message": "Internal error. Give "
                                   f"the registry's operators this reference: {reference}."}}, status_code=500)


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
        except Exception:
            reference = uuid.uuid4().hex[:12]
            log.exception("unexpected error %s on %s %s", reference, scope.get("method"), scope.get("path"))
            if started:  # part of the answer is sent: the connection is cut, as nothing better can be done
                raise
            await internal_error(reference)(scope, receive, send)
