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


async def test_the_request_log_records_a_client_gone_as_such_not_as_our_error() -> None:
    # wrk stopping its 32 connections left 55 "500 INTERNAL_SERVER_ERROR" lines at error level in a benchmark's
    # log: requests whose client hung up before their body was read, or while their answer was built.
    from registry.web.budget import RequestBudget
    from registry.web.observe import CLIENT_GONE, ObserveRequests, RequestRecord

    async def reads_body(scope: Any, receive: Any, send: Any) -> None:
        await Request(scope, receive).body()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    def served(app: Any) -> tuple[Any, list[RequestRecord]]:
        records: list[RequestRecord] = []
        return ObserveRequests(InternalErrors(RequestBudget(app, seconds=5)), [records.append]), records

    async def hangs_up() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def asks() -> dict[str, Any]:
        return {"type": "http.request", "body": b"{}"}

    async def send(message: dict[str, Any]) -> None:
        pass

    scope = {"type": "http", "method": "POST", "path": "/graphql", "headers": []}
    app, records = served(reads_body)
    await app(dict(scope), hangs_up, send)
    assert (records[0].status, records[0].outcome) == (CLIENT_GONE, "CLIENT_GONE")
    app, records = served(reads_body)
    await app(dict(scope), asks, send)
    assert (records[0].status, records[0].outcome) == (200, "ok")
