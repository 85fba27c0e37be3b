"""Who changed what: the audit log across the register, and any record by its global ID."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.relay import PageInfo

from registry.graphql.audit import log
from registry.graphql.audit.history import HistoryEntry
from registry.graphql.context import Info
from registry.graphql.errors import check_id, not_found
from registry.graphql.lookups import node_type
from registry.graphql.paging import DEFAULT_PAGE, check_page_size


@strawberry.type(description="Questions about records and their history.")
class AuditQuery:
    @strawberry.field(description="Any record by its global ID (as returned in `id` fields).")
    async def node(
        self, info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(  # noqa: A002 - the Relay name
            description="The record's global ID, as an `id` field returned it.")],
    ) -> relay.Node:
        cls = node_type(id)
        obj = await info.context.loaders.one(cls.collection, check_id(id))
        if obj is None:
            raise not_found(f"{cls.__name__} with id", id.node_id, "Use an `id` returned by another query.")
        await cls.read_ahead(info, [obj])
        return cls.from_domain(obj)

    @strawberry.field(description="Changes across the register, newest first, a page at a time, filtered by every "
                      "argument given.")
    async def audit_log(
        self, info: Info,
        entity: Annotated[relay.GlobalID | None, strawberry.argument(
            description="Only changes of this record (its global ID).")] = None,
        entity_type: Annotated[str | None, strawberry.argument(
            description="Only changes of this kind of record, by collection, e.g. processing_activities.")] = None,
        actor: Annotated[str | None, strawberry.argument(
            description="Only changes by this actor, e.g. `token:ropa-exporter` or `import:januscaler.yaml`.")
        ] = None,
        organization: Annotated[str | None, strawberry.argument(
            description="Only changes of this organisation's records (its slug).")] = None,
        since: Annotated[dt.datetime | None, strawberry.argument(
            description="Only changes at or after this time (ISO 8601, UTC).")] = None,
        until: Annotated[dt.datetime | None, strawberry.argument(
            description="Only changes before this time (ISO 8601, UTC).")] = None,
        first: Annotated[int, strawberry.argument(
            description="How many changes per page (default 50, at most 200).")] = DEFAULT_PAGE,
        after: Annotated[str | None, strawberry.argument(
            description="The `endCursor` of the page before; leave out for the first page.")] = None,
    ) -> log.AuditLogConnection:
        check_page_size(info, first)
        if entity is not None:
            entity_type = node_type(entity).collection
        q = log.query_for(entity.node_id if entity else None, entity_type, actor, since, until, organization)
        if after:
            at, id_ = log.parse_cursor(after)
            q = {"$and": [q, {"$or": [{"at": {"$lt": at}}, {"at": at, "_id": {"$lt": id_}}]}]}
        repo = info.context.repos.history
        docs = await repo.collection.find(q).sort([("at", -1), ("_id", -1)]).limit(first + 1).to_list(None)
        edges = [log.AuditLogEdge(cursor=log.cursor_of(d["at"], d["_id"]),
                                  node=HistoryEntry.from_domain(repo.from_doc(d))) for d in docs[:first]]
        return log.AuditLogConnection(edges=edges, page_info=PageInfo(
            has_next_page=len(docs) > first, has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))
