"""Versions and history without transactions: no lost update, no change without its history entry."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from registry.config import Settings
from registry.domain.history import Operation
from registry.storage.database import Database
from registry.storage.writer import VersionConflict, Writer
from tests.support import own_database

PURPOSE = "januscaler/customer-support"


@pytest_asyncio.fixture(loop_scope="session")
async def db(settings: Settings) -> AsyncIterator[Database]:
    async with own_database(settings, "history") as database:
        yield database


async def test_seeding_records_a_create_entry_for_every_record(db: Database) -> None:
    entry = await db.repos.history.get(f"purposes:{PURPOSE}:v1")
    assert entry is not None and entry.operation is Operation.CREATE and entry.actor == "seed" and entry.committed
    assert {c.field for c in entry.changes} >= {"name", "key", "organization"}
    editable = sum([await r.count() for r in (db.repos.organizations, db.repos.purposes, db.repos.recipients,
                                              db.repos.processing_activities)])
    assert await db.repos.history.count({"entity_type": {"$in": ["organizations", "purposes", "recipients",
                                                                  "processing_activities"]}}) == editable


async def test_a_crash_after_the_record_write_is_finished_by_recovery(db: Database) -> None:
    repo = db.repos.purposes
    purpose = await repo.get(PURPOSE)
    assert purpose is not None and purpose.version == 1

    class Crash(Exception):
        pass

    dying = Writer(db.repos)

    async def die(*args: object) -> None:  # the process dies after the record is written, before the commit
        raise Crash

    dying._commit = die  # type: ignore[method-assign]
    with pytest.raises(Crash):
        await dying.update(repo, dataclasses.replace(purpose, name="Helpdesk support"), 1, "alice")
    assert (await repo.get(PURPOSE)).version == 2  # type: ignore[union-attr]  # the change is stored...
    entry = await db.repos.history.get(f"purposes:{PURPOSE}:v2")
    assert entry is not None and entry.committed is False  # ...and so is its history, written first

    assert await Writer(db.repos).recover(grace=dt.timedelta(0)) == 1  # a restarted registry finishes it
    entry = await db.repos.history.get(f"purposes:{PURPOSE}:v2")
    assert entry is not None and entry.committed and entry.actor == "alice" and entry.operation is Operation.UPDATE
    assert [(c.field, c.before, c.after) for c in entry.changes] == [("name", purpose.name, "Helpdesk support")]
    assert await Writer(db.repos).recover(grace=dt.timedelta(0)) == 0


async def test_a_crash_before_the_record_write_is_aborted_by_recovery(db: Database) -> None:
    repo = db.repos.purposes
    key = "januscaler/marketing-communications"
    purpose = await repo.get(key)
    assert purpose is not None

    class Crash(Exception):
        pass

    async def die(*args: object, **kwargs: object) -> None:  # dies after the history entry, before the record
        raise Crash

    dying = Writer(db.repos)
    original = repo.collection.replace_one
    repo.collection.replace_one = die  # type: ignore[method-assign, assignment]
    try:
        with pytest.raises(Crash):
            await dying.update(repo, dataclasses.replace(purpose, name="Newsletters"), purpose.version, "dave")
    finally:
        repo.collection.replace_one = original  # type: ignore[method-assign]
    v = purpose.version + 1
    assert await Writer(db.repos).recover(grace=dt.timedelta(0)) == 1
    assert (await repo.get(key)).name == purpose.name  # type: ignore[union-attr]  # nothing half-written
    assert await db.repos.history.get(f"purposes:{key}:v{v}") is None  # the version number is free again
    aborted = await db.repos.history.find({"entity_id": key, "aborted": True})
    assert [a.actor for a in aborted] == ["dave"]  # the attempt stays visible as aborted
    # and the next edit from the same version goes through
    await Writer(db.repos).update(repo, dataclasses.replace(purpose, name="Newsletters"), purpose.version, "dave")


async def test_concurrent_conflicting_updates_have_exactly_one_winner(db: Database) -> None:
    repo = db.repos.purposes
    key = "januscaler/security"
    start = await repo.get(key)
    assert start is not None
    writer = Writer(db.repos)
    n = 12
    results = await asyncio.gather(
        *(writer.update(repo, dataclasses.replace(start, description=f"edit {i}"), start.version, f"editor-{i}")
          for i in range(n)), return_exceptions=True)
    wins = [r for r in results if not isinstance(r, BaseException)]
    conflicts = [r for r in results if isinstance(r, VersionConflict)]
    assert len(wins) == 1 and len(conflicts) == n - 1, results
    assert all(c.current == start.version + 1 and f"version {start.version + 1}" in str(c) for c in conflicts)
    final = await repo.get(key)
    assert final is not None and final.version == start.version + 1 and final.description == wins[0].description
    entries = await db.repos.history.find({"entity_id": key, "version": start.version + 1})
    assert len(entries) == 1 and entries[0].changes[0].after == final.description  # the winner's, nothing lost


async def test_a_stale_update_is_refused_with_the_current_version(db: Database) -> None:
    repo = db.repos.purposes
    key = "januscaler/legal-compliance"
    p = await repo.get(key)
    assert p is not None
    writer = Writer(db.repos)
    await writer.update(repo, dataclasses.replace(p, name="Legal obligations"), p.version, "bob")
    with pytest.raises(VersionConflict) as err:
        await writer.update(repo, dataclasses.replace(p, name="Compliance"), p.version, "carol")
    assert err.value.current == p.version + 1
    assert (await repo.get(key)).name == "Legal obligations"  # type: ignore[union-attr]


async def test_a_crash_in_a_bulk_load_is_finished_from_the_journal(db: Database) -> None:
    from registry.domain import models as m

    repo = db.repos.purposes
    new = [m.Purpose("januscaler", f"bulk-{i}", f"Bulk {i}") for i in range(3)]

    class Crash(Exception):
        pass

    dying = Writer(db.repos)

    async def die(*args: object) -> None:  # dies after the records are written, before their history is
        raise Crash

    dying._insert_committed = die  # type: ignore[method-assign]
    with pytest.raises(Crash):
        await dying.store_many(repo, new, "import:bulk.yaml")
    assert await db.repos.journal.count() == 1
    assert await db.repos.history.get("purposes:januscaler/bulk-0:v1") is None
    assert await Writer(db.repos).recover(grace=dt.timedelta(0)) == 1
    for i in range(3):
        entry = await db.repos.history.get(f"purposes:januscaler/bulk-{i}:v1")
        assert entry is not None and entry.committed and entry.actor == "import:bulk.yaml"
    assert await db.repos.journal.count() == 0


async def test_a_running_registry_finishes_an_interrupted_change_by_itself(
    db: Database, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import registry.app

    repo = db.repos.data_subjects
    subject = (await repo.find({"organization": "januscaler"}))[0]

    class Crash(Exception):
        pass

    async def die(*args: object) -> None:
        raise Crash

    dying = Writer(db.repos)
    dying._commit = die  # type: ignore[method-assign]
    with pytest.raises(Crash):
        await dying.update(repo, dataclasses.replace(subject, name="Changed"), subject.version, "bob")
    entry_id = f"data_subjects:{subject.id}:v{subject.version + 1}"
    # Make the interrupted entry older than the writer's grace period, as two minutes later.
    old = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)
    await db.repos.history.collection.update_one({"_id": entry_id}, {"$set": {"at": old}})

    monkeypatch.setattr(registry.app, "RECOVERY_EVERY", 0.05)
    task = asyncio.create_task(registry.app._keep_recovering(db))
    try:
        for _ in range(100):
            entry = await db.repos.history.get(entry_id)
            if entry is not None and entry.committed:
                break
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
    assert entry is not None and entry.committed and entry.actor == "bob"
