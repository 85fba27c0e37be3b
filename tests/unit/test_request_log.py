"""The request log line's two shapes: JSON for a log collector, plain text in a terminal."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from registry.web.logging import configure_logging, log_request
from registry.web.observe import RequestRecord, handler_of

RECORD = RequestRecord(request_id="r1", method="POST", path="/graphql", handler="/graphql", status=200,
                       duration=0.0123, outcome="INTERNAL_SERVER_ERROR", operation="Records", token_key="abc123",
                       role="EDITOR", error_refs=["0123456789ab"])


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level
    structlog.reset_defaults()


def test_json_line(restore_logging: None, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("info", json_lines=True)
    log_request(RECORD)
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["event"] == "request" and line["level"] == "error" and line["error_refs"] == ["0123456789ab"]
    assert line["duration_ms"] == 12.3 and line["operation"] == "Records" and line["token_key"] == "abc123"


def test_plain_line_in_a_terminal(restore_logging: None, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("info", json_lines=False)
    log_request(RECORD)
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert not line.startswith("{") and "request" in line and "operation" in line and "Records" in line


def test_handlers_are_a_bounded_set() -> None:
    assert handler_of("/organizations/acme/records-of-processing.xlsx") == "/organizations/{slug}/records-of-processing"
    assert handler_of("/organizations/acme/activities/a1/dpia-draft.md") == \
        "/organizations/{slug}/activities/{key}/dpia-draft"
    assert handler_of("/static/graphiql/x.js") == "/static" and handler_of("/anything/else") == "other"


@pytest.mark.parametrize("json_lines", [True, False])
def test_a_logged_traceback_carries_no_local_variables(restore_logging: None, capsys: pytest.CaptureFixture[str],
                                                       json_lines: bool) -> None:
    # An unexpected error's traceback once listed each frame's locals: the request's headers, bearer token included.
    configure_logging("info", json_lines=json_lines)

    def handle(authorization: str) -> None:
        raise RuntimeError("boom")

    header = "Bearer rgy_0123456789ab_" + "secret-part-of-the-token"
    try:
        handle(header)
    except RuntimeError:
        logging.getLogger("registry.errors").exception("unexpected error 0123456789ab on POST /graphql")
    err = capsys.readouterr().err
    assert "unexpected error 0123456789ab" in err and "RuntimeError" in err
    assert "secret-part-of-the-token" not in err
    assert "handle" in err  # the frames are there, only their variables are not
