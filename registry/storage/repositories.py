"""One repository per collection: domain objects in, domain objects out, reads batched with `$in`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from pymongo import ReplaceOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from registry.domain import models as m
from registry.domain.history import HistoryEntry
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
    """What an idempotent write did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: WriteCounts) -> WriteCounts:
        return WriteCounts(
            self.created + other.created, self.updated + other.updated, self.unchanged + other.unchanged
        )


class Repository(Generic[T]):
    """Stores one kind of record in one collection, keyed by the record's natural id."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]], name: str, cls: type[T], order: Sequence[str]):
        self.collection: AsyncCollection[dict[str, Any]] = db[name]
        self.name = name
        self.cls = cls
        self.order = [(f, 1) for f in order]
        self.on_change: Callable[[], Awaitable[None]] | None = None
        """Called after `upsert_many` changed something (the repositories set it to the read cache's `changed`)."""

    def to_doc(self, obj: T) -> dict[str, Any]:
        return {"_id": obj.id, **encode(obj)}

    def from_doc(self, doc: dict[str, Any]) -> T:
        return decode(self.cls, {k: v for k, v in doc.items() if k not in STORAGE_FIELDS}, where=self.name)

    async def get_many(self, ids: Iterable[str]) -> dict[str, T]:
        """The records with these ids, in one query; missing ids are absent from the result."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        # Ids are unique, so a limit changes no answer. FerretDB v1 (SQLite) scans the collection for any filter
        # and stops at the limit, so a read of a few records scans half the collection on average, not all of it.
        # Only for reads that fit the first batch: FerretDB leaves a limited cursor open past it, which costs a
        # killCursors command.
        cursor = self.collection.find(_id_filter(wanted))
        if len(wanted) <= FIRST_BATCH:
            cursor = cursor.limit(len(wanted))
        docs = await cursor.to_list(None)
        return {d["_id"]: self.from_doc(d) for d in docs}

    async def get(self, id_: str) -> T | None:
        doc = await self.collection.find_one({"_id": id_})
        return self.from_doc(doc) if doc else None

    async def find(self, query: dict[str, Any] | None = None) -> list[T]:
        docs = await self.collection.find(query or {}).sort(self.order).to_list(None)
        return [self.from_doc(d) for d in docs]

    async def by_organizations(self, slugs: Iterable[str]) -> dict[str, list[T]]:
        """Each organisation's records, for several organisations in one query."""
        wanted = list(dict.fromkeys(slugs))
        out: dict[str, list[T]] = {s: [] for s in wanted}
        if wanted:
            query: dict[str, Any] = {"organization": wanted[0] if len(wanted) == 1 else {"$in": wanted},
                                     "archived": {"$ne": True}}
            cursor = self.collection.find(query).sort(self.order)
            async for d in cursor:
                out[d["organization"]].append(self.from_doc(d))
        return out

    async def page(self, query: dict[str, Any], after: str | None, limit: int) -> list[T]:
        """At most `limit` records matching `query`, in the order of their ids, after the id `after`."""
        if after is not None:
            query = {"$and": [query, {"_id": {"$gt": after}}]}
        docs = await self.collection.find(query).sort([("_id", 1)]).limit(limit).to_list(None)
        return [self.from_doc(d) for d in docs]

    async def count(self, query: dict[str, Any] | None = None) -> int:
        return await self.collection.count_documents(query or {})

    async def upsert_many(self, objs: Sequence[T], batch: int = 500) -> WriteCounts:
        """Write records that are new or differ from what is stored; running it twice changes nothing."""
        total = WriteCounts()
        for start in range(0, len(objs), batch):
            chunk = objs[start : start + batch]
            docs = [self.to_doc(o) for o in chunk]
            stored = {
                d["_id"]: d
                async for d in self.collection.find({"_id": {"$in": [d["_id"] for d in docs]}})
            }
            new = [d for d in docs if d["_id"] not in stored]
            changed = [d for d in docs if d["_id"] in stored and not _same(stored[d["_id"]], d)]
            # New records are inserted (no per-record lookup); only changed ones are replaced by _id.
            if new:
                await self.collection.insert_many(new, ordered=True)
            if changed:
                await self.collection.bulk_write([ReplaceOne({"_id": d["_id"]}, d) for d in changed], ordered=True)
            if (new or changed) and self.on_change:
                await self.on_change()
            total = total + WriteCounts(len(new), len(changed), len(docs) - len(new) - len(changed))
        return total


def _id_filter(ids: list[str]) -> dict[str, Any]:
    """A filter on `_id`: equality for one id, `$in` for more. Still one command per batch."""
    return {"_id": ids[0]} if len(ids) == 1 else {"_id": {"$in": ids}}


def _same(stored: dict[str, Any], new: dict[str, Any]) -> bool:
    def content(d: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if k not in WRITER_FIELDS}

    return content(stored) == content(new)


class Repositories:
    """Every repository of the register, over one database."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]], cache_items: int = 50_000):
        self.cache = ReadCache(db["registry_state"], cache_items)
        """Records read by id for the API; every write to the register ends with `cache.changed()`."""
        self.organizations = Repository(db, "organizations", m.Organization, ["slug"])
        self.data_categories = Repository(db, "data_categories", m.DataCategory, ["key"])
        self.data_subjects = Repository(db, "data_subjects", m.DataSubjectCategory, ["organization", "key"])
        self.purposes = Repository(db, "purposes", m.Purpose, ["organization", "key"])
        self.recipients = Repository(db, "recipients", m.Recipient, ["organization", "key"])
        self.transfers = Repository(db, "transfers", m.Transfer, ["organization", "key"])
        self.retention_rules = Repository(db, "retention_rules", m.RetentionRule, ["organization", "key"])
        self.security_measures = Repository(db, "security_measures", m.SecurityMeasure, ["organization", "key"])
        self.processing_activities = Repository(
            db, "processing_activities", m.ProcessingActivity, ["organization", "key"]
        )
        self.legal_bases = Repository(db, "legal_bases", m.LegalBasis, ["framework", "code"])
        self.transfer_mechanisms = Repository(db, "transfer_mechanisms", m.TransferMechanism, ["code"])
        self.countries = Repository(db, "countries", m.Country, ["code"])
        self.history = Repository(db, "history", HistoryEntry, ["at"])
        self.tokens = Repository(db, "tokens", m.ApiToken, ["created_at"])
        self.journal = Repository(db, "journal", HistoryEntry, ["_id"])  # raw documents: see storage/writer.py
        self.subprocessor_changes = Repository(db, "subprocessor_changes", m.SubprocessorChange,
                                               ["organization", "announced"])
        for repo in self.all():
            repo.on_change = self.cache.changed

    def all(self) -> list[Repository[Any]]:
        return [v for v in vars(self).values() if isinstance(v, Repository)]
