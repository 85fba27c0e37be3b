"""Records read by id, kept in this process while the register does not change.

Why: FerretDB v1 (SQLite) answers even a one-document read in tens of milliseconds on a large register (it
filters in Go after reading the collection), so a point query cost ~90 ms of database time per request.
Records change rarely and are read constantly.

How it stays correct with several API processes on one database:
- Every write to the register ends by storing a new random *generation* in one small document
  (`registry_state`, `_id: generation`), after the records are written (`changed()`).
- A request that wants cached records first reads the current generation (`generation()`), in a read that
  *starts after the request arrived*: concurrent requests share one such read, so under load the database
  sees about one tiny read per round trip instead of one per request. When the generation differs from the
  one the cache holds, the cache is emptied. So a write is visible to every request that starts after the
  write was acknowledged, in every process; a request running concurrently with a write may see either
  version, as without the cache.
- Records read under an older generation are not kept, and an older generation never replaces a newer one.
- A writer that dies after writing a record and before storing the new generation leaves other processes'
  caches stale until the next change or restart (every start stores a new generation). Writes made
  directly in the database, outside the registry, are not seen until then either: set
  REGISTRY_READ_CACHE_ITEMS=0 to turn the cache off.

Only reads by id and whole small reference collections are cached, for the GraphQL loaders and token
checks. Edits read the stored record itself, never the cache, to compare versions.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

if TYPE_CHECKING:
    from registry.storage.repositories import Repository

GENERATION_ID = "generation"


class Snapshot:
    """A request's one read of the register's generation. Awaiting it gives the generation (None when the cache
    is off); `read()` also gives the read's sequence number, for caches that follow the newest generation."""

    def __init__(self, cache: ReadCache):
        self.cache = cache
        self._read: asyncio.Future[tuple[str, int]] | None = None

    async def read(self) -> tuple[str, int]:
        if self._read is None:
            self._read = asyncio.ensure_future(self.cache.generation())
        return await self._read

    async def __call__(self) -> str | None:
        if not self.cache.enabled:
            return None
        return (await self.read())[0]
_ABSENT = object()


class ReadCache:
    """Records by (collection, id) and whole reference collections, for one generation of the register."""

    def __init__(self, state: AsyncCollection[dict[str, Any]], max_items: int):
        self.state = state
        self.max_items = max_items
        self.records: dict[tuple[str, str], Any] = {}
        self.collections: dict[str, dict[str, Any]] = {}
        self.held: str | None = None
        """The generation the cached records belong to."""
        self.held_seq = -1
        self.seq = 0
        """Counts generation reads as they start: a later start knows a later generation."""
        self.running: asyncio.Future[tuple[str, int]] | None = None
        self.following: asyncio.Future[tuple[str, int]] | None = None
        self.reading: dict[tuple[str, str, str], asyncio.Future[dict[str, Any]]] = {}
        """Reads under way, by (generation, collection, id)."""
        self.reading_whole: dict[tuple[str, str], asyncio.Future[dict[str, Any]]] = {}
        self.hits = self.misses = self.reads = self.generation_reads = 0

    @property
    def enabled(self) -> bool:
        return self.max_items > 0

    def snapshot(self) -> Snapshot:
        """One request's read of the generation: made at its first use and shared by every later use in the same
        request (the token check, the response cache, the loaders, an edit's lookups)."""
        return Snapshot(self)

    async def generation(self) -> tuple[str, int]:
        """The current generation, from a read that started after this call, shared with concurrent callers."""
        if self.running is None or self.running.done():
            self.running = asyncio.ensure_future(self._read())
            return await asyncio.shield(self.running)
        if self.following is None:  # a read is already under way, started too early for this caller
            self.following = asyncio.ensure_future(self._after(self.running))
        return await asyncio.shield(self.following)

    async def _after(self, running: asyncio.Future[tuple[str, int]]) -> tuple[str, int]:
        with contextlib.suppress(Exception):  # the callers of that read got its error; this read is new
            await running
        self.running, self.following = asyncio.ensure_future(self._read()), None
        return await self.running

    async def _read(self) -> tuple[str, int]:
        self.seq += 1
        seq = self.seq
        self.generation_reads += 1
        doc = await self.state.find_one({"_id": GENERATION_ID})
        generation = str(doc["value"]) if doc else ""
        self._hold(generation, seq)
        return generation, seq

    def _hold(self, generation: str, seq: int) -> None:
        if seq <= self.held_seq:
            return
        if generation != self.held:
            self.records.clear()
            self.collections.clear()
            self.held = generation
        self.held_seq = seq

    async def changed(self) -> None:
        """Store a new generation: every process's cache drops what it holds at its next request."""
        self.seq += 1
        seq = self.seq
        value = uuid.uuid4().hex
        try:
            await self.state.replace_one({"_id": GENERATION_ID}, {"_id": GENERATION_ID, "value": value}, upsert=True)
        except DuplicateKeyError:  # two first upserts raced; the document exists now
            await self.state.replace_one({"_id": GENERATION_ID}, {"_id": GENERATION_ID, "value": value})
        self._hold(value, seq)

    async def get_many(
        self, repo: Repository[Any], ids: Iterable[str], generation: str | None = None
    ) -> dict[str, Any]:
        """Like `repo.get_many`, served from the cache where it can be. A request reading several times passes
        the generation it read first, so it checks once and reads one generation throughout."""
        if not self.enabled:
            return await repo.get_many(ids)
        if generation is None:
            generation, _ = await self.generation()
        found: dict[str, Any] = {}
        missing = []
        for i in dict.fromkeys(ids):
            value = self.records.get((repo.name, i), _ABSENT)
            if value is _ABSENT:
                missing.append(i)
            elif value is not None:
                found[i] = value
        self.hits += len(found)
        if missing:
            self.misses += len(missing)
            # Share reads under way: after a change every request misses the same records at once, and on
            # FerretDB each read scans its collection, so a burst of 32 requests would cost 32 scans.
            reads: dict[asyncio.Future[dict[str, Any]], list[str]] = {}
            unread = []
            for i in missing:
                under_way = self.reading.get((generation, repo.name, i))
                if under_way is None:
                    unread.append(i)
                else:
                    reads.setdefault(under_way, []).append(i)
            if unread:
                read: asyncio.Future[dict[str, Any]] = asyncio.ensure_future(
                    self._read_records(repo, unread, generation))
                for i in unread:
                    self.reading[(generation, repo.name, i)] = read
                reads[read] = unread
            for read, wanted in reads.items():
                records = await asyncio.shield(read)  # a caller that goes away does not cancel others' read
                found.update((i, records[i]) for i in wanted if records.get(i) is not None)
        return found

    async def _read_records(self, repo: Repository[Any], ids: list[str], generation: str) -> dict[str, Any]:
        self.reads += 1
        try:
            read = await repo.get_many(ids)
        finally:
            for i in ids:
                self.reading.pop((generation, repo.name, i), None)
        if self.held == generation:
            if len(self.records) + len(ids) > self.max_items:
                self._evict(len(ids))
            for i in ids:
                self.records[(repo.name, i)] = read.get(i)  # None: known not to exist in this generation
        return read

    async def whole(self, repo: Repository[Any], generation: str | None = None) -> dict[str, Any]:
        """Every record of a small collection (countries, legal bases, transfer mechanisms), by id."""
        if not self.enabled:
            return {o.id: o for o in await repo.find()}
        if generation is None:
            generation, _ = await self.generation()
        cached = self.collections.get(repo.name)
        if cached is not None:
            return cached
        read = self.reading_whole.get((generation, repo.name))
        if read is None:
            read = self.reading_whole[(generation, repo.name)] = asyncio.ensure_future(
                self._read_whole(repo, generation))
        return await asyncio.shield(read)

    async def _read_whole(self, repo: Repository[Any], generation: str) -> dict[str, Any]:
        try:
            everything = {o.id: o for o in await repo.find()}
        finally:
            self.reading_whole.pop((generation, repo.name), None)
        if self.held == generation:
            self.collections[repo.name] = everything
        return everything

    def _evict(self, room: int) -> None:
        """Drop the oldest entries, making room and a tenth of the cache more, so eviction runs rarely."""
        drop = len(self.records) + room - self.max_items + self.max_items // 10
        for key in list(self.records)[:drop]:
            del self.records[key]
