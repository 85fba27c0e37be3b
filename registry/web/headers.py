"""Security headers on every response, and on every HTML page a policy that keeps it out of frames.

One middleware instead of per-page header lists, so a page added later (or a static file) cannot miss them.
A page that sets its own Content-Security-Policy keeps it, with `frame-ancestors 'none'` added when missing.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'")
"""For HTML without a policy of its own (the static GraphiQL page): scripts from the registry only."""


class SecurityHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
                if headers.get("content-type", "").startswith("text/html"):
                    headers["X-Frame-Options"] = "DENY"
                    policy = headers.get("content-security-policy")
                    if policy is None:
                        headers["Content-Security-Policy"] = PAGE_POLICY
                    elif "frame-ancestors" not in policy:
                        headers["Content-Security-Policy"] = f"{policy}; frame-ancestors 'none'"
            await send(message)

        await self.app(scope, receive, with_headers)
