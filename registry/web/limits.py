"""Refuse request bodies over the configured size before reading them whole (413)."""

from __future__ import annotations

import re

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """`uploads`: paths (a pattern) that take files, and their own larger limit."""

    def __init__(self, app: ASGIApp, max_bytes: int, uploads: tuple[re.Pattern[str], int] | None = None):
        self.app, self.max_bytes, self.uploads = app, max_bytes, uploads

    def _refusal(self, limit: int) -> JSONResponse:
        return JSONResponse({"data": None, "errors": [{
            "message": f"The request body is larger than {limit} bytes; send a smaller query or file.",
            "extensions": {"code": "BAD_REQUEST", "reason": "BODY_TOO_LARGE"}}]}, status_code=413)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        if self.uploads and self.uploads[0].match(scope["path"]):
            limit = self.uploads[1]
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await self._refusal(limit)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except BodyTooLarge:
            await self._refusal(limit)(scope, receive, send)
