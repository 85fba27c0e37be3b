"""Which media type a GraphQL response is sent as, from the client's Accept header (GraphQL over HTTP spec).

`application/graphql-response+json` lets a client tell a request the server refused (status 4xx, no `data`)
from a result with errors; `application/json` is the legacy type every client understands (status 200).
"""

from __future__ import annotations

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


def _quality(params: list[str]) -> float:
    for p in params:
        name, _, value = p.partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


def response_media_type(accept: str | None) -> str:
    """The type to answer with: the better-rated of the two the spec names, `application/graphql-response+json`
    on a tie; `application/json` when the header is missing, names only wildcards, or names neither."""
    best, best_q = JSON, 0.0
    for item in (accept or "").split(","):
        media, *params = item.split(";")
        media = media.strip().lower()
        q = _quality(params)
        if media == GRAPHQL_RESPONSE and q > 0 and q >= best_q:
            best, best_q = GRAPHQL_RESPONSE, q
        elif media == JSON and q > best_q:
            best, best_q = JSON, q
    return best
