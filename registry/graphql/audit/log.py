"""The audit log: changes across the register, newest first, in pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.relay import PageInfo

from registry.graphql.audit.history import HistoryEntry
from registry.graphql.errors import user_error
from registry.graphql.paging import decode_cursor, encode_cursor


@strawberry.type(description="An entry of the audit log with its cursor.")
class AuditLogEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this entry.")
    node: HistoryEntry = strawberry.field(description="The change.")


@strawberry.type(description="A page of the audit log (Relay connection).")
class AuditLogConnection:
    edges: list[AuditLogEdge] = strawberry.field(description="The entries of this page, newest first.")
    page_info: PageInfo = strawberry.field(description="Whether more follow, and from where.")


def cursor_of(at: dt.datetime, id_: str) -> str:
    return encode_cursor("audit", at.isoformat(), id_)


def parse_cursor(cursor: str) -> tuple[dt.datetime, str]:
    at, id_ = decode_cursor("audit", cursor, 2)
    try:
        return dt.datetime.fromisoformat(at), id_
    except ValueError:
        raise user_error(f"'{cursor[:80]}' is not a cursor of this list; pass the `endCursor` of the page before as "
                         "`after`.", "INVALID_CURSOR") from None


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
