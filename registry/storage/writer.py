"""Every change to the register goes through here: versioned, and never without its history entry.

FerretDB v1 has no multi-document transactions, and its conditional updates are not atomic (an update filtered
on `version` is a read then a write: concurrent writers can both match). What it does guarantee is a unique
`_id`. So the history entry, whose id is the record's id and new version, is written FIRST, as a claim: of
concurrent writers from the same version exactly one can insert it; the others get a conflict. The winner then
writes the record and marks the entry committed. The history is a write-ahead log:
- a change is never stored without its entry, because the entry is stored before it;
- if the process dies between the two writes, `recover()` commits the entry when the record has the new
  version, and otherwise marks it aborted (the client never got an answer) and frees the version number.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from pymongo.errors import BulkWriteError, DuplicateKeyError

from registry.domain.history import HistoryEntry, Operation, diff
from registry.storage.codec import decode, encode
from registry.storage.repositories import Identified, Repositories, Repository, WriteCounts
from registry.storage.repositories import same as _same

T = TypeVar("T", bound=Identified)
RECOVERY_GRACE = dt.timedelta(seconds=60)
"""An uncommitted entry younger than this may belong to a write in progress: recovery leaves it alone."""


class VersionConflict(Exception):
    """The record changed since the version the update was based on."""

    def __init__(self, entity_id: str, expected: int, current: int, in_progress: bool = False):
        self.entity_id, self.expected, self.current = entity_id, expected, current
        if in_progress:  # the next version is claimed by a change not yet stored
            super().__init__(f"'{entity_id}' is at version {current}, not {expected}: another change to it is being "
                             f"written. Read it again in a moment and reapply your change on version {current}; "
                             f"if it still shows version {expected}, that change was interrupted, and it is cleared "
                             "within a minute.")
        else:
            super().__init__(f"'{entity_id}' is at version {current}, not {expected}: someone changed it since you "
                             f"read it. Read it again and reapply your change on version {current}.")


class AlreadyExists(Exception):
    """A record with the same natural key exists."""


class Missing(Exception):
    """The record to change does not exist."""


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def now() -> dt.datetime:
    t = dt.datetime.now(dt.UTC)
    return t.replace(microsecond=t.microsecond // 1000 * 1000)


class Interrupted(Exception):
    """A bulk write was asked to stop; it stopped between two whole writes, so nothing is half-written."""

    def __init__(self, done: int):
        self.done = done
        super().__init__(f"Stopped after {done} record(s), between two whole writes: nothing is half-written. "
                         "Run the same import again to finish it (what is already stored is left as it is).")


BATCH = 200
"""Records per bulk command: small enough that each finishes well inside the database timeout on FerretDB."""


class Writer:
    """Versioned writes with write-ahead history over one database's repositories. `stop`, when given, is asked
    between the writes of a bulk write: true makes it stop there (Ctrl-C during an import)."""

    def __init__(self, repos: Repositories, stop: Callable[[], bool] | None = None):
        self.repos = repos
        self.history = repos.history
        self.stop = stop
        self.written = 0
        """Records a bulk write has stored so far (for the message when it is stopped)."""

    def _check_stop(self) -> None:
        if self.stop is not None and self.stop():
            raise Interrupted(self.written)

    def _entry(self, repo: Repository[Any], before: dict[str, Any] | None, after: dict[str, Any], version: int,
               op: Operation, actor: str) -> HistoryEntry:
        org = after.get("organization") or (after["_id"] if repo.name == "organizations" else None)
        return HistoryEntry(repo.name, after["_id"], org, version, op, actor, now(), diff(before, after))

    async def _claim(self, entry: HistoryEntry, expected: int, retry: bool = True) -> None:
        try:
            await self.history.collection.insert_one({"_id": entry.id, **encode(entry)})
            return
        except DuplicateKeyError:
            held = await self.history.collection.find_one({"_id": entry.id})
        if held is None and retry:  # released meanwhile
            return await self._claim(entry, expected, retry=False)
        if held is None or held.get("committed"):
            raise VersionConflict(entry.entity_id, expected, entry.version)
        # An uncommitted claim: a change in progress, or one whose writer died. Past the grace period it is
        # finished or aborted here, at once, instead of refusing edits until the next recovery pass.
        claim = decode(HistoryEntry, {k: v for k, v in held.items() if k != "_id"})
        if retry and _aware(claim.at) <= now() - RECOVERY_GRACE:
            await self._settle(claim)
            return await self._claim(entry, expected, retry=False)
        record = await self.repos.of(claim.entity_type).collection.find_one({"_id": claim.entity_id},
                                                                             {"version": 1}) \
            if claim.entity_type in self.repos.records else None
        stored = (record or {}).get("version", 0)
        raise VersionConflict(entry.entity_id, expected, claim.version, in_progress=stored < claim.version)

    async def _settle(self, claim: HistoryEntry) -> None:
        """Commit an interrupted change whose record was written; abort one whose record was not."""
        record = await self.repos.of(claim.entity_type).collection.find_one({"_id": claim.entity_id},
                                                                             {"version": 1})
        if record is not None and record.get("version", 0) >= claim.version:
            await self._commit([claim])
        else:
            await self._release(claim)

    async def _commit(self, entries: Sequence[HistoryEntry]) -> None:
        # One update by `_id` equality per entry: FerretDB v1 stops at the first match of an update_one, while an
        # `$in` update scans and rewrites through the whole history (1.6 s against 94 ms at 3,800 entries).
        for e in entries:
            await self.history.collection.update_one({"_id": e.id}, {"$set": {"committed": True}})

    async def _release(self, entry: HistoryEntry) -> None:
        """Keep an aborted attempt in the history under another id, and free its version number."""
        aborted = {**encode(entry), "aborted": True, "committed": False}
        await self.history.collection.replace_one({"_id": f"{entry.id}:aborted:{entry.at.timestamp():.3f}"},
                                                  aborted, upsert=True)
        await self.history.collection.delete_one({"_id": entry.id})

    async def create(self, repo: Repository[T], obj: T, actor: str, op: Operation = Operation.CREATE) -> T:
        doc = {**repo.to_doc(obj), "version": 1, "archived": False}
        if await repo.collection.find_one({"_id": doc["_id"]}, {"_id": 1}):
            raise AlreadyExists(doc["_id"])
        entry = self._entry(repo, None, doc, 1, op, actor)
        try:
            await self._claim(entry, 0)
        except VersionConflict:
            raise AlreadyExists(doc["_id"]) from None
        try:
            await repo.insert(doc)
        except DuplicateKeyError:  # the natural key is taken by another record
            await self._release(entry)
            raise AlreadyExists(doc["_id"]) from None
        await self._commit([entry])
        return replace(obj, version=1, archived=False)  # type: ignore[type-var]

    async def update(self, repo: Repository[T], obj: T, expected_version: int, actor: str,
                     op: Operation = Operation.UPDATE, before: dict[str, Any] | None = None) -> T:
        """Store `obj` as the next version after `expected_version`. `before` is the stored document the caller
        read to make the change (read here when not given); the claim, not this read, decides who wins."""
        new = repo.to_doc(obj)
        if before is None:
            before = await repo.collection.find_one({"_id": new["_id"]})
        if before is None:
            raise Missing(new["_id"])
        if before.get("version", 0) != expected_version:
            raise VersionConflict(new["_id"], expected_version, before.get("version", 0))
        version = expected_version + 1
        doc = {**new, "version": version}
        entry = self._entry(repo, before, doc, version, op, actor)
        await self._claim(entry, expected_version)  # exactly one concurrent writer gets past this line
        if not await repo.replace(doc, expected_version):
            await self._release(entry)
            current = await repo.collection.find_one({"_id": new["_id"]}, {"version": 1})
            raise VersionConflict(new["_id"], expected_version, (current or {}).get("version", 0))
        await self._commit([entry])
        return replace(obj, version=version)  # type: ignore[type-var]

    async def store_many(self, repo: Repository[T], objs: Sequence[T], actor: str, batch: int = BATCH,
                         progress: Callable[[int], None] | None = None) -> WriteCounts:
        """Create new records and update changed ones, history first; unchanged ones are left alone. `progress`
        is told how many records each finished batch held.

        Changed records go through `update`, the same claim as every other edit, so an edit made meanwhile is
        never overwritten: the record is left as the edit made it and reported in `conflicts`. New records are
        written in bulk, where the unique `_id` of the insert decides a race with a concurrent create."""
        total = WriteCounts()
        for start in range(0, len(objs), batch):
            self._check_stop()
            docs = [repo.to_doc(o) for o in objs[start : start + batch]]
            stored = await repo.docs([d["_id"] for d in docs])
            inserts, entries, conflicts, updated, unchanged = [], [], [], 0, 0
            for obj, d in zip(objs[start : start + batch], docs, strict=True):
                old = stored.get(d["_id"])
                if old is not None and _same(old, d):
                    unchanged += 1
                elif old is None:
                    d = {**d, "version": 1, "archived": False}
                    entries.append(self._entry(repo, None, d, 1, Operation.CREATE, actor))
                    inserts.append(d)
                else:
                    self._check_stop()
                    try:
                        archived = bool(old.get("archived", False))
                        await self.update(repo, replace(obj, archived=archived),  # type: ignore[type-var]
                                          old.get("version", 0), actor, before=old)
                        updated += 1
                        self.written += 1
                    except VersionConflict:
                        conflicts.append(d["_id"])
            created = await self._create_many(repo, inserts, entries)
            self.written += len(created)
            conflicts += [e.entity_id for e in entries if e.entity_id not in created]
            total = total + WriteCounts(len(created), updated, unchanged, tuple(conflicts))
            if progress:
                progress(len(docs))
        return total

    async def _create_many(self, repo: Repository[Any], docs: list[dict[str, Any]],
                           entries: list[HistoryEntry]) -> set[str]:
        """Insert new records with their history; the ids of the records actually created are returned.

        Bulk writes keep their history through a journal, not per-entry updates (FerretDB v1 takes tens of
        milliseconds per updated document): the batch's entries are journalled in one document, the records
        written, the entries of the records written inserted already committed, and the journal removed."""
        if not docs:
            return set()
        journal_id = f"{repo.name}:{entries[0].at.isoformat()}:{uuid.uuid4().hex[:8]}"
        await self.repos.journal.collection.insert_one(
            {"_id": journal_id, "at": now(), "entries": [{"_id": e.id, **encode(e)} for e in entries]})
        taken = await repo.insert_new(docs)  # created meanwhile by someone else: theirs stands, with their history
        kept = [e for e in entries if e.entity_id not in taken]
        await self._insert_committed(kept)
        await self.repos.journal.collection.delete_one({"_id": journal_id})
        return {e.entity_id for e in kept}

    async def _insert_committed(self, entries: Sequence[HistoryEntry]) -> None:
        docs = [{"_id": e.id, **encode(replace(e, committed=True))} for e in entries]
        pending = docs
        for _ in range(40):
            if not pending:
                return
            try:
                await self.history.collection.insert_many(pending, ordered=False)
                return
            except BulkWriteError as e:
                errors = e.details.get("writeErrors", [])
                if any(err.get("code") != 11000 for err in errors):
                    raise
                taken = [pending[err["index"]] for err in errors]
            # An entry already there is fine when it is this write's (a replayed journal). One that is another
            # writer's uncommitted claim is a concurrent create that lost the record's insert to this one: it
            # releases its claim at once, so wait for that and insert this record's entry.
            held = {d["_id"]: d for d in await self.history.collection.find(
                {"_id": {"$in": [d["_id"] for d in taken]}}).to_list(None)}
            pending = [d for d in taken if d["_id"] not in held or (
                not held[d["_id"]].get("committed") and held[d["_id"]].get("actor") != d["actor"])]
            if pending:
                await asyncio.sleep(0.05)
        raise RuntimeError(f"history entries {[d['_id'] for d in pending]} stayed claimed by another writer")

    async def recover(self, grace: dt.timedelta = RECOVERY_GRACE) -> int:
        """Finish or abort changes whose writer died between the history entry and the record."""
        repos = {r.name: r for r in self.repos.all()}
        cutoff = now() - grace
        done = 0
        async for j in self.repos.journal.collection.find({}):
            if _aware(j["at"]) > cutoff:
                continue
            entries = [decode(HistoryEntry, {k: v for k, v in e.items() if k != "_id"}) for e in j["entries"]]
            stored = []
            for entry in entries:  # keep the entries whose record was written; drop the rest
                record = await repos[entry.entity_type].collection.find_one({"_id": entry.entity_id}, {"version": 1})
                if record is not None and record.get("version", 0) >= entry.version:
                    stored.append(entry)
            await self._insert_committed(stored)
            await self.repos.journal.collection.delete_one({"_id": j["_id"]})
            done += 1
        async for d in self.history.collection.find({"committed": False, "aborted": {"$ne": True}}):
            entry = decode(HistoryEntry, {k: v for k, v in d.items() if k != "_id"})
            if entry.at > cutoff or entry.entity_type not in repos:
                continue
            record = await repos[entry.entity_type].collection.find_one({"_id": entry.entity_id}, {"version": 1})
            if record is not None and record.get("version", 0) >= entry.version:
                await self._commit([entry])
            else:
                await self._release(entry)
            done += 1
        if done:  # a record written by the stopped process may never have told the caches
            await self.repos.cache.changed()
        return done
