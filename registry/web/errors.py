"""HTTP errors in the shape GraphQL errors have, so a tool reads every refusal the same way:
`{"errors": [{"message": "...", "extensions": {"code": "..."}}]}`."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

CODES = {400: "BAD_REQUEST", 401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED",
         413: "PAYLOAD_TOO_LARGE", 429: "TOO_MANY_REQUESTS", 503: "DATABASE_UNAVAILABLE"}


def error_response(status: int, message: str, code: str | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    """One error, with a code a program can test and a message that says what to do."""
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code or CODES.get(status, "ERROR")}}]},
                        status_code=status, headers=headers)


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
