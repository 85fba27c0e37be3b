"""One repository per collection: domain objects in, domain objects out, reads batched with `$in`.

The repositories of the register's record kinds are made from the table in `registry/domain/kinds.py`. Every
write to a cached collection goes through a repository method that ends by telling the read cache
(`ReadCache.changed`), so no caller can forget it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from pymongo import ReplaceOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from registry.domain import models as m
from registry.domain.history import HistoryEntry, meaningful
from registry.domain.kinds import BY_COLLECTION, INVENTORY, KINDS, REFERENCE_DATA, RecordKind
from registry.storage.cache import ReadCache
from registry.storage.codec import decode, encode


class Identified(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=Identified)

# Fields the storage adds to a record; they are not part of the domain object.
STORAGE_FIELDS = ("_id", "_pending")
# Fields the writer owns: an idempotent load compares records without them.
WRITER_FIELDS = ("version", "archived", "_pending")


FIRST_BATCH = 101
"""Documents in a query's first reply when no batch size is given (MongoDB's default, which FerretDB follows)."""


@dataclass(frozen=True)
class WriteCounts:
    """What an idempotent write did; `conflicts` lists records someone else changed meanwhile (left alone)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: tuple[str, ...] = field(default=())

    def __add__(self, other: WriteCounts) -> WriteCounts:
        return WriteCounts(self.created + other.created, self.updated + other.updated,
                           self.unchanged + other.unchanged, self.conflicts + other.conflicts)


class Repository(Generic[T]):
    """Stores one kind of record in one collection, keyed by the record's natural id."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]], name: str, cls: type[T], order: Sequence[str],
                 cache: ReadCache | None = None):
        self.collection: AsyncCollection[dict[str, Any]] = db[name]
        self.name = name
        self.cls = cls
        self.order = [(f, 1) for f in order]
        self.cache = cache
        """The read cache this collection's records may sit in: every write here ends by telling it."""

    def to_doc(self, obj: T) -> dict[str, Any]:
        """The stored document: empty optional fields are left out (see `codec.encode`)."""
        return {"_id": obj.id, **encode(obj, stored=True)}

    def from_doc(self, doc: dict[str, Any]) -> T:
        return decode(self.cls, {k: v for k, v in doc.items() if k not in STORAGE_FIELDS}, where=self.name)

    # --- reads ------------------------------------------------------------------------------------------------

    async def get_many(self, ids: Iterable[str]) -> dict[str, T]:
        """The records with these ids, in one query; missing ids are absent from the result."""
        docs = await self.docs(ids)
        return {i: self.from_doc(d) for i, d in docs.items()}

    async def docs(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The stored documents with these ids, in one query."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        # Ids are unique, so a limit changes no answer. FerretDB v1 (SQLite) scans the collection for any filter
        # and stops at the limit, so a read of a few records scans half the collection on average, not all of it.
        # Only for reads that fit the first batch: FerretDB leaves a limited cursor open past it, which costs a
        # killCursors command.
        cursor = self.collection.find(id_filter(wanted))
        if len(wanted) <= FIRST_BATCH:
            cursor = cursor.limit(len(wanted))
        return {d["_id"]: d for d in await cursor.to_list(None)}

    async def get(self, id_: str) -> T | None:
        doc = await self.collection.find_one({"_id": id_})
        return self.from_doc(doc) if doc else None

    async def find(self, query: dict[str, Any] | None = None) -> list[T]:
        docs = await self.collection.find(query or {}).sort(self.order).to_list(None)
        return [self.from_doc(d) for d in docs]

    async def by_organizations(self, slugs: Iterable[str]) -> dict[str, list[T]]:
        """Each organisation's live records, for several organisations in one query (`ReadCache.of_organizations`
        keeps them)."""
        wanted = list(dict.fromkeys(slugs))
        out: dict[str, list[T]] = {s: [] for s in wanted}
        if wanted:
            query: dict[str, Any] = {"organization": wanted[0] if len(wanted) == 1 else {"$in": wanted},
                                     "archived": {"$ne": True}}
            # Sorted here, not by the database: FerretDB v1 sorts by holding every matching document in memory
            # (a 20,000-activity read raised its memory from 60 MB to 400 MB and took longer), while an unsorted
            # read streams. MongoDB uses its index either way.
            async for d in self.collection.find(query):
                out[d["organization"]].append(self.from_doc(d))
            for records in out.values():
                records[:] = self.in_order(records)
        return out

    def in_order(self, records: Iterable[T]) -> list[T]:
        """Records sorted as the database sorts them by `order` (ascending; a missing value first)."""
        fields = [f for f, _ in self.order]

        def key(record: T) -> tuple[Any, ...]:
            values = (getattr(record, f, None) for f in fields)
            return tuple((v is not None, v) for v in values)

        return sorted(records, key=key)

    async def page(self, query: dict[str, Any], after: str | None, limit: int) -> list[T]:
        """At most `limit` records matching `query`, in the order of their ids, after the id `after`."""
        if after is not None:
            query = {"$and": [query, {"_id": {"$gt": after}}]}
        docs = await self.collection.find(query).sort([("_id", 1)]).limit(limit).to_list(None)
        return [self.from_doc(d) for d in docs]

    async def count(self, query: dict[str, Any] | None = None) -> int:
        return await self.collection.count_documents(query or {})

    # --- writes: each ends by telling the read cache -------------------------------------------------------------

    async def _written(self, ids: Iterable[str]) -> None:
        if self.cache is not None:
            await self.cache.changed(self.name, ids)

    async def insert(self, doc: dict[str, Any]) -> None:
        await self.collection.insert_one(doc)
        await self._written([doc["_id"]])

    async def insert_new(self, docs: Sequence[dict[str, Any]]) -> set[str]:
        """Insert documents whose ids are free; the ids that were taken (by a concurrent writer) are returned."""
        taken: set[str] = set()
        if not docs:
            return taken
        try:
            await self.collection.insert_many(list(docs), ordered=False)
        except BulkWriteError as e:
            errors = e.details.get("writeErrors", [])
            if any(err.get("code") != 11000 for err in errors):
                raise
            taken = {docs[err["index"]]["_id"] for err in errors}
        finally:
            await self._written([d["_id"] for d in docs])
        return taken

    async def replace(self, doc: dict[str, Any], version: int | None = None) -> bool:
        """Replace the stored document (at `version`, when given); False when none matched."""
        query: dict[str, Any] = {"_id": doc["_id"]}
        if version is not None:
            query["version"] = version
        result = await self.collection.replace_one(query, doc)
        await self._written([doc["_id"]])
        return result.matched_count > 0

    async def upsert_many(self, objs: Sequence[T], batch: int = 500) -> WriteCounts:
        """Write records that are new or differ from what is stored; running it twice changes nothing. For data
        without history (reference data, notices)."""
        total = WriteCounts()
        for start in range(0, len(objs), batch):
            docs = [self.to_doc(o) for o in objs[start : start + batch]]
            stored = {d["_id"]: d async for d in self.collection.find(id_filter([d["_id"] for d in docs]))}
            new = [d for d in docs if d["_id"] not in stored]
            changed = [d for d in docs if d["_id"] in stored and not same(stored[d["_id"]], d)]
            if new:
                await self.collection.insert_many(new, ordered=True)
            if changed:
                await self.collection.bulk_write([ReplaceOne({"_id": d["_id"]}, d) for d in changed], ordered=True)
            if new or changed:
                await self._written([d["_id"] for d in [*new, *changed]])
            total = total + WriteCounts(len(new), len(changed), len(docs) - len(new) - len(changed))
        return total


def id_filter(ids: list[str]) -> dict[str, Any]:
    """A filter on `_id`: equality for one id, `$in` for more. Still one command per batch."""
    return {"_id": ids[0]} if len(ids) == 1 else {"_id": {"$in": ids}}


def same(stored: dict[str, Any], new: dict[str, Any]) -> bool:
    """True when two documents hold the same record, whatever their versions."""

    def content(d: dict[str, Any]) -> Any:
        return meaningful({k: v for k, v in d.items() if k not in WRITER_FIELDS})

    return content(stored) == content(new)


class Repositories:
    """Every repository of the register, over one database: one per record kind of `domain/kinds.py`, read as
    an attribute named after its collection (`repos.processing_activities`), plus the history, the journal of
    bulk writes, API tokens and subprocessor notices."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]], cache_items: int = 50_000):
        self.cache = ReadCache(db["registry_state"], cache_items)
        self.records: dict[str, Repository[Any]] = {
            k.collection: Repository(db, k.collection, k.cls, k.order, self.cache) for k in KINDS}
        self.history: Repository[HistoryEntry] = Repository(db, "history", HistoryEntry, ["at"])
        self.journal: Repository[HistoryEntry] = Repository(db, "journal", HistoryEntry, ["_id"])
        """Raw documents: see storage/writer.py."""
        self.tokens: Repository[m.ApiToken] = Repository(db, "tokens", m.ApiToken, ["created_at"], self.cache)
        self.subprocessor_changes: Repository[m.SubprocessorChange] = Repository(
            db, "subprocessor_changes", m.SubprocessorChange, ["organization", "announced"], self.cache)

    def __getattr__(self, name: str) -> Repository[Any]:
        try:
            return self.__dict__["records"][name]  # type: ignore[no-any-return]
        except KeyError:
            raise AttributeError(name) from None

    def of(self, kind: RecordKind | str) -> Repository[Any]:
        return self.records[kind if isinstance(kind, str) else kind.collection]

    def kind(self, repo: Repository[Any]) -> RecordKind | None:
        return BY_COLLECTION.get(repo.name)

    def all(self) -> list[Repository[Any]]:
        return [*self.records.values(), self.history, self.journal, self.tokens, self.subprocessor_changes]

    async def warm_cache(self) -> int:
        """Read the whole register into the read cache: every organisation, its records and lists, the shared
        taxonomy and the reference data, one query per collection. For a server at start, so its first requests
        do not each wait for FerretDB's scans. Skipped (0) when the register is larger than the cache holds; the
        number of records held otherwise."""
        cache = self.cache
        if not cache.enabled:
            return 0
        total = sum([await self.of(k).count() for k in INVENTORY]) + await self.organizations.count()
        if total > cache.max_items * 0.9:
            return 0
        generation, _ = await cache.generation()
        organizations = await self.organizations.find()
        cache.keep(self.organizations, organizations, generation)
        slugs = [o.slug for o in organizations]
        for kind in INVENTORY:
            await cache.of_organizations(self.of(kind), slugs, generation)
        cache.keep(self.data_categories, await self.data_categories.find({"organization": None}), generation)
        for kind in REFERENCE_DATA:
            await cache.whole(self.of(kind), generation)
        return len(cache.records)

