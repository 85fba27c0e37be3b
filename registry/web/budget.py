"""Each API request gets a time budget, and is told when its client goes away.

The request's `Deadline` (registry/graphql/budget.py) goes in `scope["state"]["deadline"]`: GraphQL starts no
new database read after it. This middleware also watches the connection: a client that disconnects ends its
request's budget at once, so a query nobody waits for stops reading instead of holding the database.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from registry.services.deadline import Deadline


class RequestBudget:
    def __init__(self, app: ASGIApp, seconds: float, paths: tuple[str, ...] = ("/graphql",)):
        self.app, self.seconds, self.paths = app, seconds, paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        deadline = Deadline(self.seconds)
        state: dict[str, Any] = scope.setdefault("state", {})
        state["deadline"] = deadline
        body_done = asyncio.Event()
        gone = asyncio.Event()

        async def relay() -> Message:
            """The app reads the request through here; once the body is in, the watcher takes over `receive`."""
            if body_done.is_set():
                await gone.wait()
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.disconnect":
                deadline.client_gone()
                gone.set()
            elif not message.get("more_body", False):
                body_done.set()
            return message

        async def watch() -> None:
            await body_done.wait()
            message = await receive()
            if message["type"] == "http.disconnect":
                deadline.client_gone()
                gone.set()

        watcher = asyncio.ensure_future(watch())
        try:
            await self.app(scope, relay, send)
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
