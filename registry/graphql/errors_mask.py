"""Errors the client sees: its own mistakes in full; the database being down said plainly; anything else masked
to a generic message with a correlation ID that is also in the server log with the traceback."""

from __future__ import annotations

import logging
import uuid

from graphql import GraphQLError
from pymongo.errors import ConnectionFailure, ExecutionTimeout, ServerSelectionTimeoutError
from strawberry.extensions import MaskErrors

log = logging.getLogger("registry.errors")
DB_DOWN = (ConnectionFailure, ServerSelectionTimeoutError, ExecutionTimeout)
LOGGED_CHARS = 200


class _ClientErrorsAtInfo(logging.Filter):
    """Strawberry logs every error of a request at ERROR, a syntax error with the whole query quoted. A client's
    own mistake (no original exception) is not the operators' problem: log it at INFO, shortened."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.msg
        if not isinstance(error, GraphQLError) or not _is_client_error(error):
            return True
        if not record.name or not logging.getLogger(record.name).isEnabledFor(logging.INFO):
            return False
        message = error.message if len(error.message) <= LOGGED_CHARS else error.message[:LOGGED_CHARS] + "..."
        record.levelno, record.levelname = logging.INFO, "INFO"
        record.msg, record.args, record.exc_info, record.stack_info = "client error: %s", (message,), None, None
        return True


def quiet_client_errors() -> None:
    """Install the filter above once on strawberry's execution logger."""
    logger = logging.getLogger("strawberry.execution")
    if not any(isinstance(f, _ClientErrorsAtInfo) for f in logger.filters):
        logger.addFilter(_ClientErrorsAtInfo())


def _is_client_error(error: GraphQLError) -> bool:
    original = error.original_error
    return original is None or isinstance(original, GraphQLError)


class RegistryErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda e: not _is_client_error(e))

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        out = []
        for error in super()._process_errors(errors):
            # What is left unmasked is the caller's own error (bad literal, unknown id, ...): say so with a code,
            # so a client or a fuzzer can tell it from a bug even when it carries a path.
            if not (error.extensions or {}).get("code"):
                error = GraphQLError(error.message, nodes=error.nodes, source=error.source, positions=error.positions,
                                     path=error.path, original_error=error.original_error,
                                     extensions={**(error.extensions or {}), "code": "BAD_USER_INPUT"})
            out.append(error)
        return out

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, DB_DOWN):
            log.warning("database unavailable: %s", type(original).__name__)
            return GraphQLError("The database is unavailable right now; try again shortly.", nodes=error.nodes,
                                path=error.path, extensions={"code": "DATABASE_UNAVAILABLE"})
        ref = uuid.uuid4().hex[:12]
        log.error("unexpected error %s at %s", ref, error.path, exc_info=original)
        return GraphQLError(f"Internal error. Give the registry's operators this reference: {ref}.",
                            nodes=error.nodes, path=error.path,
                            extensions={"code": "INTERNAL_SERVER_ERROR", "correlationId": ref})
