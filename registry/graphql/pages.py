"""Pages of processing activities and subprocessors (Relay connections), for searches and browsing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry
from strawberry.relay import PageInfo

from registry.graphql.context import Info
from registry.graphql.errors import user_error
from registry.graphql.inventory.activity import ProcessingActivity
from registry.graphql.inventory.records import Recipient
from registry.graphql.inventory.systems import System
from registry.graphql.paging import check_page_size, decode_cursor, encode_cursor
from registry.graphql.prefetch import prefetch_activities
from registry.services import search
from registry.storage.repositories import Repository

N = TypeVar("N")


@strawberry.type(description="A record of a page, with its cursor.")
class Edge(Generic[N]):
    cursor: str = strawberry.field(description="Pass as `after` to continue after this record.")
    node: N = strawberry.field(description="The record.")


@strawberry.type(description="A page of records in the order of their IDs (Relay connection).")
class Connection(Generic[N]):
    edges: list[Edge[N]] = strawberry.field(description="The records of this page.")
    page_info: PageInfo = strawberry.field(description="Whether more follow, and from where.")
    query: strawberry.Private[dict[str, Any]]
    repo: strawberry.Private[Repository[Any]]

    @strawberry.field(description="How many records match in all pages (one more read of the register).")
    async def total_count(self) -> int:
        return await self.repo.count(self.query)


@strawberry.type(description="A page of processing activities in the order of their IDs (Relay connection).")
class ProcessingActivityConnection(Connection[ProcessingActivity]):
    pass


@strawberry.type(description="A page of subprocessors and service providers in the order of their IDs (Relay "
                 "connection).")
class SubprocessorConnection(Connection[Recipient]):
    pass


@strawberry.type(description="A page of systems (applications and data stores) in the order of their IDs (Relay "
                 "connection).")
class SystemConnection(Connection[System]):
    pass


def _cursor(kind: str, id_: str) -> str:
    return encode_cursor(kind, id_)


def _after(kind: str, cursor: str | None) -> str | None:
    return None if cursor is None else decode_cursor(kind, cursor)[0]


def _edges(kind: str, items: Sequence[Any], node: Callable[[Any], N]) -> list[Edge[N]]:
    return [Edge(cursor=_cursor(kind, o.id), node=node(o)) for o in items]


def _page_info(edges: Sequence[Any], has_next: bool) -> PageInfo:
    return PageInfo(has_next_page=has_next, has_previous_page=False,
                    start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None)


async def _read_page(info: Info, kind: str, repo: Repository[Any], make_query: Callable[..., dict[str, Any]],
                     query_args: dict[str, Any], first: int, after: str | None) -> search.Page[Any]:
    check_page_size(info, first)
    try:
        query = make_query(**query_args)
    except search.SearchError as e:
        raise user_error(str(e), "INVALID_SEARCH") from None
    return await search.page(repo, query, _after(kind, after), first)


def _connection(cls: Any, kind: str, page: search.Page[Any], node: Callable[[Any], Any], repo: Repository[Any]) -> Any:
    edges = _edges(kind, page.items, node)
    return cls(edges=edges, page_info=_page_info(edges, page.has_next), query=page.query, repo=repo)


async def activities_page(info: Info, query_args: dict[str, Any], first: int,
                          after: str | None) -> ProcessingActivityConnection:
    repo = info.context.repos.processing_activities
    page = await _read_page(info, "activity", repo, search.activity_query, query_args, first, after)
    await prefetch_activities(info, page.items, ("edges", "node"))
    connection: ProcessingActivityConnection = _connection(ProcessingActivityConnection, "activity", page,
                                                           ProcessingActivity.from_domain, repo)
    return connection


async def subprocessors_page(info: Info, query_args: dict[str, Any], first: int,
                             after: str | None) -> SubprocessorConnection:
    repo = info.context.repos.recipients
    page = await _read_page(info, "subprocessor", repo, search.subprocessor_query, query_args, first, after)
    connection: SubprocessorConnection = _connection(SubprocessorConnection, "subprocessor", page,
                                                     Recipient.from_domain, repo)
    return connection


async def systems_page(info: Info, query_args: dict[str, Any], first: int, after: str | None) -> SystemConnection:
    repo = info.context.repos.systems
    page = await _read_page(info, "system", repo, search.system_query, query_args, first, after)
    connection: SystemConnection = _connection(SystemConnection, "system", page, System.from_domain, repo)
    return connection
