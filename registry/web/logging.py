"""Logs through structlog: one JSON object per line when standard error is not a terminal (for a log
collector), readable coloured lines when it is. The registry's own and uvicorn's stdlib loggers go through the
same renderer, so everything the server writes has one shape.

Each request gets one `request` line: request_id, method, path, status, operation, outcome, token_key, role,
duration_ms and, for masked errors, error_refs. See registry/web/observe.py for what is never in it.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

from registry.web.observe import RequestRecord

requests_log = structlog.get_logger("registry.requests")


def configure_logging(level: str = "info", json_lines: bool | None = None) -> None:
    """Send every log record to standard error: JSON lines, or plain lines when `json_lines` is False (by
    default: when standard error is a terminal)."""
    if json_lines is None:
        json_lines = not sys.stderr.isatty()
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    # Tracebacks without the frames' local variables: those hold request headers (a bearer token), cookies and
    # the values of a query's variables, which no log line may carry.
    tracebacks = structlog.processors.ExceptionRenderer(
        structlog.tracebacks.ExceptionDictTransformer(show_locals=False))
    renderer: list[Any] = ([tracebacks, structlog.processors.JSONRenderer()] if json_lines
                           else [structlog.dev.ConsoleRenderer(exception_formatter=structlog.dev.plain_traceback)])
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,  # tests configure it more than once in one process
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *renderer]))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    # Strawberry logs every GraphQL error with the query text around it, and a variable's value may be in the
    # message: the request line's outcome says the same, and unexpected errors are logged with their reference
    # and traceback by registry/graphql/errors_mask.py.
    logging.getLogger("strawberry.execution").setLevel(logging.CRITICAL + 1)


def log_request(record: RequestRecord) -> None:
    """The request's one log line: info when it went well or the caller hung up, warning for the caller's
    errors, error for ours."""
    fields: dict[str, Any] = {
        "request_id": record.request_id, "method": record.method, "path": record.path, "status": record.status,
        "operation": record.operation, "outcome": record.outcome, "token_key": record.token_key,
        "role": record.role, "duration_ms": round(record.duration * 1000, 1),
    }
    if record.error_refs:
        fields["error_refs"] = record.error_refs
    if record.outcome == "CLIENT_GONE":  # the caller left: nothing went wrong here
        requests_log.info("request", **fields)
    elif record.status >= 500 or record.outcome == "INTERNAL_SERVER_ERROR":
        requests_log.error("request", **fields)
    elif record.status >= 400 or record.outcome != "ok":
        requests_log.warning("request", **fields)
    else:
        requests_log.info("request", **fields)
