"""A client that goes away before its request is read is not an internal error (registry/web/errors.py)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from starlette.requests import Request

from registry.web.errors import InternalErrors


async def test_a_client_gone_before_its_body_was_read_gets_no_error_reference(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await Request(scope, receive).body()  # the client hangs up: the body never comes

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    caplog.set_level(logging.INFO, "registry")
    await InternalErrors(app)({"type": "http", "method": "POST", "path": "/graphql", "headers": []}, receive, send)
    assert sent == []
    assert "client went away during POST /graphql" in caplog.text and "unexpected error" not in caplog.text


async def test_any_other_failure_is_still_an_internal_error(caplog: pytest.LogCaptureFixture) -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("a bug")

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    await InternalErrors(app)({"type": "http", "method": "POST", "path": "/graphql", "headers": []}, receive, send)
    assert sent[0]["status"] == 500 and "unexpected error" in caplog.text
