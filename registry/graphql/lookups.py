"""Finding the records a query names: organisations by slug, records by global ID, with errors that say what to do."""

from __future__ import annotations

from functools import cache

from strawberry import relay

from registry.domain import models as m
from registry.graphql.base import RecordNode
from registry.graphql.context import Info
from registry.graphql.errors import check_id, not_found, user_error

SLUG_HINT = "List the registered organisations with `{ organizations { slug } }`."
ACTIVITY_HINT = "Take an `id` from `organization(slug: ...) { processingActivities { id name } }`."


@cache
def node_types() -> dict[str, type[RecordNode]]:
    """Every GraphQL type of a stored record, by name: each `RecordNode` subclass."""
    out: dict[str, type[RecordNode]] = {}
    todo = list(RecordNode.__subclasses__())
    while todo:
        cls = todo.pop()
        out[cls.__name__] = cls
        todo += cls.__subclasses__()
    return out


async def load_organization(info: Info, slug: str) -> m.Organization:
    org = await info.context.loaders.one("organizations", slug)
    if org is None:
        raise not_found("organisation with slug", slug, SLUG_HINT)
    return org  # type: ignore[no-any-return]


async def load_activity(info: Info, activity: relay.GlobalID) -> m.ProcessingActivity:
    found = await info.context.loaders.one("processing_activities", check_id(activity, "ProcessingActivity"))
    if found is None:
        raise not_found("ProcessingActivity with id", activity.node_id, ACTIVITY_HINT)
    return found  # type: ignore[no-any-return]


def node_type(gid: relay.GlobalID) -> type[RecordNode]:
    cls = node_types().get(gid.type_name)
    if cls is None:
        raise user_error(f"'{gid}' is a global ID of type '{gid.type_name}', which the register does not have; "
                         f"known types: {', '.join(sorted(node_types()))}.", "INVALID_ID")
    return cls
