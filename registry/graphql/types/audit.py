"""The audit log: changes across the register, newest first, in pages."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import strawberry

from registry.graphql.errors import user_error
from registry.graphql.types.history import HistoryEntry

MAX_PAGE = 200
DEFAULT_PAGE = 50


@strawberry.type(description="An entry of the audit log with its cursor.")
class AuditLogEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this entry.")
    node: HistoryEntry = strawberry.field(description="The change.")


@strawberry.type(description="Where a page of the audit log ends.")
class AuditPageInfo:
    has_next_page: bool = strawberry.field(description="True when more entries follow.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last entry of this page.")


@strawberry.type(description="A page of the audit log (Relay connection).")
class AuditLogConnection:
    edges: list[AuditLogEdge] = strawberry.field(description="The entries of this page, newest first.")
    page_info: AuditPageInfo = strawberry.field(description="Whether more follow, and from where.")


def cursor_of(at: dt.datetime, id_: str) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{id_}".encode()).decode()


def parse_cursor(cursor: str) -> tuple[dt.datetime, str]:
    try:
        at, id_ = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        return dt.datetime.fromisoformat(at), id_
    except Exception:  # noqa: BLE001 - any malformed cursor is the caller's error
        raise user_error(f"'{cursor[:80]}' is not a cursor from this audit log; pass an `endCursor` as `after`.",
                         "INVALID_CURSOR") from None


def query_for(entity: str | None, entity_type: str | None, actor: str | None, since: dt.datetime | None,
              until: dt.datetime | None, organization: str | None) -> dict[str, Any]:
    q: dict[str, Any] = {"committed": True}
    if entity:
        q["entity_id"] = entity
    if entity_type:
        q["entity_type"] = entity_type
    if actor:
        q["actor"] = actor
    if organization:
        q["organization"] = organization
    at: dict[str, Any] = {}
    if since:
        at["$gte"] = since
    if until:
        at["$lt"] = until
    if at:
        q["at"] = at
    return q
