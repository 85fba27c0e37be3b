"""DataLoaders, created per request: related records are read in one `$in` query per collection and level,
through the process's read cache (registry/storage/cache.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from registry.domain.history import HistoryEntry
from registry.domain.kinds import REFERENCE_DATA
from registry.graphql.batching import BatchLoader as DataLoader
from registry.graphql.budget import check
from registry.services.deadline import Deadline
from registry.storage.cache import ReadCache
from registry.storage.repositories import Repositories, Repository

Generation = Callable[[], Awaitable[str | None]]


def _by_id(repo: Repository[Any], cache: ReadCache, generation: Generation,
           deadline: Deadline | None) -> DataLoader[str, Any]:
    async def load(ids: Sequence[str]) -> list[Any]:
        check(deadline)
        found = await cache.get_many(repo, ids, await generation())
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


def _by_organization(repo: Repository[Any], cache: ReadCache, generation: Generation,
                     deadline: Deadline | None) -> DataLoader[str, list[Any]]:
    async def load(slugs: Sequence[str]) -> list[list[Any]]:
        check(deadline)
        found = await cache.of_organizations(repo, slugs, await generation())
        return [found.get(s, []) for s in slugs]

    return DataLoader(load_fn=load)


def _history(repo: Repository[HistoryEntry],
             deadline: Deadline | None) -> DataLoader[tuple[str, str], list[HistoryEntry]]:
    """Committed history of records by (collection, id): one query for every record of a nesting level."""
    async def load(keys: Sequence[tuple[str, str]]) -> list[list[HistoryEntry]]:
        check(deadline)
        ids = sorted({i for _, i in keys})
        query: dict[str, Any] = {"entity_id": ids[0] if len(ids) == 1 else {"$in": ids}, "committed": True}
        found: dict[tuple[str, str], list[HistoryEntry]] = {}
        for e in await repo.find(query):
            found.setdefault((e.entity_type, e.entity_id), []).append(e)
        return [sorted(found.get(k, []), key=lambda e: e.version) for k in keys]

    return DataLoader(load_fn=load)


# Small, static collections that nearly every answer needs: read whole, at most once per request. Their records
# are asked for from several parents (a transfer's destination, a subprocessor's countries) whose loads can land
# in different event-loop ticks; reading the collection once keeps it to one command whatever the timing.
REFERENCE = tuple(k.collection for k in REFERENCE_DATA)


def _whole_collection(repo: Repository[Any], cache: ReadCache, generation: Generation,
                      deadline: Deadline | None) -> DataLoader[str, Any]:
    everything: asyncio.Task[dict[str, Any]] | None = None

    async def read_all() -> dict[str, Any]:
        check(deadline)
        return await cache.whole(repo, await generation())

    async def load(ids: Sequence[str]) -> list[Any]:
        nonlocal everything
        if everything is None:
            everything = asyncio.ensure_future(read_all())
        found = await everything
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


class _OnDemand(dict[str, Any]):
    """A loader per collection name, made at its first use."""

    def __init__(self, make: Callable[[str], Any]):
        super().__init__()
        self.make = make

    def __missing__(self, name: str) -> Any:
        loader = self[name] = self.make(name)
        return loader


_UNREAD = object()


class Loaders:
    """A loader by id and a loader by organisation for every collection, and one for records' history."""

    def __init__(self, repos: Repositories, generation: Generation | None = None, deadline: Deadline | None = None):
        """`deadline` (registry/graphql/budget.py) stops new reads once the request's time is up."""
        generation = generation or repos.cache.snapshot()
        by_name = {r.name: r for r in repos.all()}

        def by_id(name: str) -> DataLoader[str, Any]:
            repo = by_name[name]
            if name in REFERENCE:
                return _whole_collection(repo, repos.cache, generation, deadline)
            return _by_id(repo, repos.cache, generation, deadline)

        # Made when first asked for: a point query uses five of the thirty-two.
        self.by_id: dict[str, DataLoader[str, Any]] = _OnDemand(by_id)
        self.by_organization: dict[str, DataLoader[str, list[Any]]] = _OnDemand(
            lambda name: _by_organization(by_name[name], repos.cache, generation, deadline)
        )
        self.history = _history(repos.history, deadline)
        self.shown: dict[tuple[Any, int], Any] = {}
        """The object each related record is shown as, made once per request (registry/graphql/prefetch.py)."""

    async def many(self, collection: str, ids: Sequence[str]) -> list[Any]:
        """The records with these ids, in order, skipping ids that resolve to nothing."""
        if not ids:
            return []
        return [x for x in await self.by_id[collection].load_many(list(ids)) if x is not None]

    def ready(self, collection: str, ids: Sequence[str]) -> list[Any] | None:
        """Like `many`, without waiting, when every id has already been read in this request; else None."""
        values = self.by_id[collection].values
        out = []
        for i in ids:
            value = values.get(i, _UNREAD)
            if value is _UNREAD:
                return None
            if value is not None:
                out.append(value)
        return out

    async def one(self, collection: str, id_: str | None) -> Any:
        if id_ is None:
            return None
        return await self.by_id[collection].load(id_)

    async def of_organization(self, collection: str, slug: str) -> list[Any]:
        return await self.by_organization[collection].load(slug)
