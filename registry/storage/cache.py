"""Records read by id, kept in this process while the register does not change.

Why: FerretDB v1 (SQLite) answers even a one-document read in tens of milliseconds on a large register (it
filters in Go after reading the collection), so a point query cost ~90 ms of database time per request.
Records change rarely and are read constantly.

How it stays correct with several API processes on one database:
- Every write to the register ends by storing a new random *generation* in one small document
  (`registry_state`, `_id: generation`), after the records are written (`changed()`).
- Every write also leaves a *change entry* naming the collection and the ids it wrote (`registry_changes`),
  after the records and before the new generation. Entries are kept for `RETAIN`.
- A request that wants cached records first reads the current generation (`generation()`), in a read that
  *starts after the request arrived*: concurrent requests share one such read, so under load the database
  sees about one tiny read per round trip instead of one per request. When the generation differs from the
  one the cache holds, the same read fetches the change entries written since the cache was last confirmed
  current (less `MARGIN`, for clocks and delays) and drops exactly the records they name, and the lists of
  the organisations those records belong to. Everything else stays: after a one-activity edit, the whole
  register is served from memory but that activity. So a write is visible to every request that starts
  after the write was acknowledged, in every process; a request running concurrently with a write may see
  either version, as without the cache.
- A record read before a write and kept after it is dropped when its entry arrives: the entry is written
  after the record, and it is dated after the read started, so it falls in the next window.
- When the entries cannot be trusted to be complete (the cache was last confirmed more than `RETAIN` less
  `MARGIN` ago, an entry says "everything", or the change log cannot be read), the cache is emptied, as it
  was at every change before the log existed.
- Records read under an older generation are not kept, and an older generation never replaces a newer one.
- A writer that dies after writing a record and before its change entry leaves other processes' caches
  stale for that record until it changes again or the writer's claim is settled (storage/writer.py
  `recover`, which empties every cache). Writes made directly in the database, outside the registry, are not
  seen: set REGISTRY_READ_CACHE_ITEMS=0 to turn the cache off.

Reads by id, whole small collections and each organisation's list of live records are cached, for the
GraphQL loaders and token checks. Edits read the stored record itself, never the cache, to compare versions.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

if TYPE_CHECKING:
    from registry.storage.repositories import Repository

GENERATION_ID = "generation"
RETAIN = dt.timedelta(minutes=10)
"""How long change entries are kept. A process whose cache was last confirmed longer ago empties it instead."""
MARGIN = dt.timedelta(seconds=60)
"""Read entries from this long before the cache was last confirmed: for clocks of several API hosts and for
the moment between an entry being dated and being stored."""
PRUNE_EVERY = 60.0
"""Seconds between two removals of expired change entries by one process."""
EVERYTHING = "*"
NAMED_IDS = 100
"""At most this many ids in a change entry; a larger write (an import's batch) names its collection alone, which
other processes then drop whole. Every process reads the entries by a scan on FerretDB, so entries listing
thousands of ids (loading 20,000 activities wrote 40 of 500) made each read after a change slower."""


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
    """Records by (collection, id), whole small collections and organisations' lists, kept current by the change
    entries of every write (see the module's docstring)."""

    def __init__(self, state: AsyncCollection[dict[str, Any]], max_items: int,
                 changes: AsyncCollection[dict[str, Any]] | None = None):
        self.state = state
        self.changes = changes if changes is not None else state.database["registry_changes"]
        self.max_items = max_items
        self.records: dict[tuple[str, str], Any] = {}
        self.collections: dict[str, dict[str, Any]] = {}
        self.lists: dict[tuple[str, str], list[str]] = {}
        """The ids of an organisation's live records, in the collection's order, by (collection, slug)."""
        self.stale: dict[tuple[str, str], set[str]] = {}
        """Ids changed since a list was read, by (collection, slug): read again when the list is next used."""
        self.held: str | None = None
        """The generation the cached records belong to."""
        self.held_seq = -1
        self.seq = 0
        """Counts generation reads as they start: a later start knows a later generation."""
        self.confirmed_at: float | None = None
        """Wall-clock start of the last generation read that found the cache current or brought it up to date."""
        self.applied: dict[str, float] = {}
        """Change entries already applied, with their dates, so a window read twice applies them once."""
        self.pruned_at = time.time()
        self.running: asyncio.Future[tuple[str, int]] | None = None
        self.following: asyncio.Future[tuple[str, int]] | None = None
        self.reading: dict[tuple[str, str, str], asyncio.Future[dict[str, Any]]] = {}
        """Reads under way, by (generation, collection, id)."""
        self.reading_whole: dict[tuple[str, str], asyncio.Future[dict[str, Any]]] = {}
        self.reading_lists: dict[tuple[str, str, str], asyncio.Future[dict[str, list[Any]]]] = {}
        self.hits = self.misses = self.reads = self.generation_reads = self.emptied = 0

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
        started = time.time()
        self.generation_reads += 1
        doc = await self.state.find_one({"_id": GENERATION_ID})
        generation = str(doc["value"]) if doc else ""
        entries = None
        if generation != self.held and seq > self.held_seq:
            # An empty cache reads the recent entries too, only to know them as applied: they describe writes
            # made before anything it will keep was read.
            entries = await self._entries_since(started if self.held is None else self.confirmed_at, started)
        self._hold(generation, seq, entries, started)
        return generation, seq

    async def _entries_since(self, confirmed: float | None, now: float) -> list[dict[str, Any]] | None:
        """The change entries that may not have been applied yet; None when they may be incomplete."""
        if confirmed is None or now - confirmed > (RETAIN - MARGIN).total_seconds():
            return None
        since = dt.datetime.fromtimestamp(confirmed, dt.UTC) - MARGIN
        try:
            return await self.changes.find({"at": {"$gte": since}}).to_list(None)
        except Exception:  # noqa: BLE001 - without the entries the cache is emptied, which is always correct
            return None

    def _hold(self, generation: str, seq: int, entries: list[dict[str, Any]] | None = None,
              started: float | None = None) -> None:
        """Make `generation` the cache's, applying the change entries read with it (None: empty the cache).
        Runs without awaiting, so no read can store a record between the entries and the new generation."""
        if seq <= self.held_seq:
            return
        if generation != self.held:
            if self.held is None:  # nothing is kept yet (a new cache, or emptied by this process's own write)
                self._empty()
                self.applied.update((e["_id"], started or time.time()) for e in entries or ())
            else:
                new = None if entries is None else [e for e in entries if e["_id"] not in self.applied]
                if new is None or any(e["collection"] == EVERYTHING for e in new):
                    self._empty()
                    new = entries or []
                else:
                    for e in new:
                        self._drop(e["collection"], e.get("ids"))
                self.applied.update((e["_id"], started or time.time()) for e in new)
            self.held = generation
        self.held_seq = seq
        if started is not None:
            self.confirmed_at = started
            horizon = started - (RETAIN + MARGIN).total_seconds()
            if len(self.applied) > 1000:
                self.applied = {k: v for k, v in self.applied.items() if v > horizon}

    def _empty(self) -> None:
        self.records.clear()
        self.collections.clear()
        self.lists.clear()
        self.stale.clear()
        self.applied.clear()
        self.emptied += 1

    def _drop(self, collection: str, ids: Sequence[str] | None) -> None:
        """Forget what a write to `collection` changed: its records (all of them when `ids` is None), the whole
        collection if held, and mark the lists of the organisations the records belong to."""
        self.collections.pop(collection, None)
        if ids is None:
            for key in [k for k in self.records if k[0] == collection]:
                del self.records[key]
            for key in [k for k in self.lists if k[0] == collection]:
                del self.lists[key]
                self.stale.pop(key, None)
            return
        for i in ids:
            self.records.pop((collection, i), None)
            slug, slash, _ = i.partition("/")
            if slash and (collection, slug) in self.lists:
                self.stale.setdefault((collection, slug), set()).add(i)

    async def changed(self, collection: str | None = None, ids: Iterable[str] | None = None) -> None:
        """Record a write: its change entry, then a new generation. Every process's cache drops what it names at
        its next request: the records with these ids, or the whole collection when there are more than
        NAMED_IDS. With no collection, every cache is emptied (a write whose records are not known)."""
        self.seq += 1
        now = time.time()
        name = collection or EVERYTHING
        written = sorted(set(ids)) if ids is not None and collection is not None else None
        if written is not None and len(written) > NAMED_IDS:
            written = None
        await self.changes.insert_one({"_id": uuid.uuid4().hex, "at": dt.datetime.fromtimestamp(now, dt.UTC),
                                       "collection": name, "ids": written})
        value = uuid.uuid4().hex
        try:
            await self.state.replace_one({"_id": GENERATION_ID}, {"_id": GENERATION_ID, "value": value}, upsert=True)
        except DuplicateKeyError:  # two first upserts raced; the document exists now
            await self.state.replace_one({"_id": GENERATION_ID}, {"_id": GENERATION_ID, "value": value})
        # This process forgets what it wrote at once; the generation it stored is taken up by its next read,
        # with the entries of other writers that came before it.
        if name == EVERYTHING:
            self._empty()
            self.held = None
        else:
            self._drop(name, written)
        if now - self.pruned_at > PRUNE_EVERY:
            self.pruned_at = now
            await self.changes.delete_many({"at": {"$lt": dt.datetime.fromtimestamp(now, dt.UTC) - RETAIN}})

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

    async def of_organizations(self, repo: Repository[Any], slugs: Iterable[str],
                               generation: str | None = None) -> dict[str, list[Any]]:
        """Like `repo.by_organizations`: each organisation's live records in the collection's order. A list is read
        once per organisation and then kept current record by record: a change entry marks the ids it names, and
        only those are read again (the next `get_many`) when the list is next used."""
        wanted = list(dict.fromkeys(slugs))
        if not self.enabled:
            return await repo.by_organizations(wanted)
        if generation is None:
            generation, _ = await self.generation()
        out: dict[str, list[Any]] = {}
        unread = [s for s in wanted if (repo.name, s) not in self.lists]
        if unread:
            out.update(await self._read_lists(repo, unread, generation))
        for slug in wanted:
            if slug not in out:
                out[slug] = await self._current_list(repo, slug, generation)
        return out

    async def _current_list(self, repo: Repository[Any], slug: str, generation: str) -> list[Any]:
        key = (repo.name, slug)
        ids = self.lists.get(key)
        if ids is None:  # dropped while this request waited
            return (await self._read_lists(repo, [slug], generation))[slug]
        changed = self.stale.pop(key, set())
        if changed:
            again = await self.get_many(repo, sorted(changed), generation)
            live = [again[i] for i in sorted(changed)
                    if i in again and again[i].organization == slug and not again[i].archived]
            kept = [i for i in ids if i not in changed]
            records = await self.get_many(repo, kept, generation)
            members = repo.in_order([*records.values(), *live])
            ids = [r.id for r in members]
            if self.held == generation and key in self.lists:
                self.lists[key] = ids
            else:  # the register moved on while this was read: the next request reads the ids again
                self.stale.setdefault(key, set()).update(changed)
            return members
        found = await self.get_many(repo, ids, generation)
        return [found[i] for i in ids if i in found]

    async def _read_lists(self, repo: Repository[Any], slugs: list[str], generation: str) -> dict[str, list[Any]]:
        """Read organisations' lists, sharing a read under way for the same organisation and generation."""
        out: dict[str, list[Any]] = {}
        reads: dict[asyncio.Future[dict[str, list[Any]]], list[str]] = {}
        unread = []
        for slug in slugs:
            under_way = self.reading_lists.get((generation, repo.name, slug))
            if under_way is None:
                unread.append(slug)
            else:
                reads.setdefault(under_way, []).append(slug)
        if unread:
            read: asyncio.Future[dict[str, list[Any]]] = asyncio.ensure_future(
                self._list_records(repo, unread, generation))
            for slug in unread:
                self.reading_lists[(generation, repo.name, slug)] = read
            reads[read] = unread
        for under_way, mine in reads.items():
            lists = await asyncio.shield(under_way)
            out.update((slug, lists[slug]) for slug in mine)
        return out

    async def _list_records(self, repo: Repository[Any], slugs: list[str], generation: str) -> dict[str, list[Any]]:
        self.reads += 1
        try:
            lists = await repo.by_organizations(slugs)
        finally:
            for slug in slugs:
                self.reading_lists.pop((generation, repo.name, slug), None)
        if self.held == generation:
            self.keep(repo, [r for records in lists.values() for r in records], generation)
            for slug, records in lists.items():
                self.lists[(repo.name, slug)] = [r.id for r in records]
                self.stale.pop((repo.name, slug), None)
        return lists

    def keep(self, repo: Repository[Any], records: list[Any], generation: str) -> None:
        """Hold records read under `generation` by whoever read them (a list, the start-up fill); dropped when
        the register has moved on since."""
        if not self.enabled or self.held != generation:
            return
        if len(self.records) + len(records) > self.max_items:
            self._evict(len(records))
        self.records.update(((repo.name, r.id), r) for r in records)

    def _evict(self, room: int) -> None:
        """Drop the oldest entries, making room and a tenth of the cache more, so eviction runs rarely."""
        drop = len(self.records) + room - self.max_items + self.max_items // 10
        for key in list(self.records)[:drop]:
            del self.records[key]
