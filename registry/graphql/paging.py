"""Paging: the size of a page and the opaque cursors that say where the next one starts."""

from __future__ import annotations

import base64

from registry.graphql.context import Info
from registry.graphql.errors import user_error

DEFAULT_PAGE = 50


def check_page_size(info: Info, first: int) -> None:
    most = info.context.limits.page_size
    if not 1 <= first <= most:
        raise user_error(f"`first` must be between 1 and {most}; got {first}.", "INVALID_PAGE_SIZE")


def encode_cursor(kind: str, *parts: str) -> str:
    """An opaque cursor: which list it belongs to, and where in it."""
    return base64.urlsafe_b64encode("|".join([kind, *parts]).encode()).decode()


def decode_cursor(kind: str, cursor: str, parts: int = 1) -> list[str]:
    """The parts of a cursor of the list `kind`; a user error for any other text."""
    try:
        found = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", parts)
    except Exception:  # noqa: BLE001 - any malformed cursor is the caller's error
        found = []
    if len(found) != parts + 1 or found[0] != kind or not all(found[1:]):
        raise user_error(f"'{cursor[:80]}' is not a cursor of this list; pass the `endCursor` of the page before as "
                         "`after`.", "INVALID_CURSOR")
    return found[1:]
