"""The read cache (registry/storage/cache.py) against the real server, with two API processes on one database:
each is a `Repositories` of its own over the same database, as two uvicorn workers would be."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import time
from collections.abc import AsyncIterator

import pytest_asyncio

from registry.app import create_app
from registry.config import Settings
from registry.domain.enums import AccessRole
from registry.services.tokens import create_token, revoke, verify
from registry.storage.cache import RETAIN
from registry.storage.database import Database
from registry.storage.repositories import Repositories
from registry.storage.writer import Writer
from tests.support import own_database

PURPOSE = "januscaler/service-provision"


@pytest_asyncio.fixture(loop_scope="session")
async def two_processes(settings: Settings) -> AsyncIterator[tuple[Database, Repositories]]:
    async with own_database(settings, "cache") as db:
        yield db, Repositories(db.db, cache_items=1000)


async def test_a_change_in_one_process_is_read_by_the_next_request_in_another(
    two_processes: tuple[Database, Repositories],
) -> None:
    db, other = two_processes
    first = (await other.cache.get_many(other.purposes, [PURPOSE]))[PURPOSE]
    reads = other.cache.misses
    assert (await other.cache.get_many(other.purposes, [PURPOSE]))[PURPOSE] == first
    assert other.cache.misses == reads, "the second read is served from memory"

    stored = await db.repos.purposes.get(PURPOSE)
    assert stored is not None
    await Writer(db.repos).update(db.repos.purposes, dataclasses.replace(stored, name="Changed"), stored.version,
                                  "test")

    again = (await other.cache.get_many(other.purposes, [PURPOSE]))[PURPOSE]
    assert (again.name, again.version) == ("Changed", stored.version + 1)


async def test_a_revoked_token_is_refused_by_every_process(two_processes: tuple[Database, Repositories]) -> None:
    db, other = two_processes
    token, text = await create_token(db.repos, "cache test", AccessRole.VIEWER)
    assert await verify(other, text) == token
    assert await verify(other, text) == token  # now from memory
    await revoke(db.repos, token.key)
    assert await verify(other, text) is None


async def test_a_record_created_after_a_miss_is_found(two_processes: tuple[Database, Repositories]) -> None:
    db, other = two_processes
    assert await other.cache.get_many(other.purposes, ["januscaler/new-purpose"]) == {}
    stored = await db.repos.purposes.get(PURPOSE)
    assert stored is not None
    await Writer(db.repos).create(db.repos.purposes, dataclasses.replace(stored, key="new-purpose"), "test")
    assert set(await other.cache.get_many(other.purposes, ["januscaler/new-purpose"])) == {"januscaler/new-purpose"}


async def test_concurrent_requests_share_generation_reads(two_processes: tuple[Database, Repositories]) -> None:
    _, other = two_processes
    before = other.cache.generation_reads
    answers = await asyncio.gather(*(other.cache.generation() for _ in range(50)))
    assert len({g for g, _ in answers}) == 1
    # One read under way when the first asks; every later caller shares the one read that starts after it.
    assert other.cache.generation_reads - before <= 2


async def test_requests_missing_the_same_records_share_one_read(
    two_processes: tuple[Database, Repositories],
) -> None:
    # On FerretDB every read scans its collection: a burst after a change must not scan once per request.
    db, other = two_processes
    await db.repos.cache.changed()
    reads = other.cache.reads
    found = await asyncio.gather(*(other.cache.get_many(other.purposes, [PURPOSE]) for _ in range(32)),
                                 *(other.cache.whole(other.countries) for _ in range(32)))
    assert all(PURPOSE in f for f in found[:32]) and all("US" in f for f in found[32:])
    assert other.cache.reads == reads + 1
    assert not other.cache.reading and not other.cache.reading_whole


async def test_an_older_generation_never_replaces_a_newer_one(two_processes: tuple[Database, Repositories]) -> None:
    _, other = two_processes
    cache = other.cache
    await cache.get_many(other.purposes, [PURPOSE])
    held, seq = cache.held, cache.held_seq
    cache._hold("an older read", seq - 1)
    assert (cache.held, cache.held_seq) == (held, seq) and cache.records


async def test_the_cache_stays_within_its_size(database: Database) -> None:
    repos = Repositories(database.db, cache_items=20)
    ids = [c.id for c in await repos.data_categories.find()][:50]
    assert len(ids) == 50
    for start in range(0, 50, 10):
        found = await repos.cache.get_many(repos.data_categories, ids[start : start + 10])
        assert set(found) == set(ids[start : start + 10])
        assert len(repos.cache.records) <= 20


async def test_a_cache_of_size_zero_reads_the_database_every_time(database: Database) -> None:
    repos = Repositories(database.db, cache_items=0)
    for _ in range(2):
        assert PURPOSE in await repos.cache.get_many(repos.purposes, [PURPOSE])
    assert not repos.cache.records and repos.cache.generation_reads == 0


async def _live(repos: Repositories, slug: str) -> list[tuple[str, str, int]]:
    return [(p.id, p.name, p.version) for p in (await repos.purposes.by_organizations([slug]))[slug]]


async def test_a_change_drops_only_the_records_it_names(two_processes: tuple[Database, Repositories]) -> None:
    db, other = two_processes
    ids = [p.id for p in (await db.repos.purposes.by_organizations(["januscaler"]))["januscaler"]][:3]
    assert len(ids) == 3
    await other.cache.get_many(other.purposes, ids)
    stored = await db.repos.purposes.get(ids[0])
    assert stored is not None
    await Writer(db.repos).update(db.repos.purposes, dataclasses.replace(stored, name="Edited once"), stored.version,
                                  "test")
    misses, emptied = other.cache.misses, other.cache.emptied
    found = await other.cache.get_many(other.purposes, ids)
    assert found[ids[0]].name == "Edited once"
    assert other.cache.misses == misses + 1, "only the edited record is read again"
    assert other.cache.emptied == emptied


async def test_an_organisations_list_follows_creates_edits_and_archives(
    two_processes: tuple[Database, Repositories],
) -> None:
    db, other = two_processes
    before = await other.cache.of_organizations(other.purposes, ["januscaler"])
    assert [(p.id, p.name, p.version) for p in before["januscaler"]] == await _live(db.repos, "januscaler")
    first, second = before["januscaler"][:2]
    writer = Writer(db.repos)
    await writer.create(db.repos.purposes, dataclasses.replace(first, key="aaa-first-in-order", version=1), "test")
    await writer.update(db.repos.purposes, dataclasses.replace(first, name="Renamed"), first.version, "test")
    await writer.update(db.repos.purposes, dataclasses.replace(second, archived=True), second.version, "test")

    reads = other.cache.reads
    after = await other.cache.of_organizations(other.purposes, ["januscaler"])
    assert [(p.id, p.name, p.version) for p in after["januscaler"]] == await _live(db.repos, "januscaler")
    assert after["januscaler"][0].key == "aaa-first-in-order"
    assert second.id not in {p.id for p in after["januscaler"]}
    assert other.cache.reads == reads + 1, "one read of the three changed records, not of the whole list"
    reads = other.cache.reads
    await other.cache.of_organizations(other.purposes, ["januscaler"])
    assert other.cache.reads == reads, "the list is kept again"


async def test_a_write_of_unknown_records_empties_every_cache(two_processes: tuple[Database, Repositories]) -> None:
    db, other = two_processes
    await other.cache.get_many(other.purposes, [PURPOSE])
    emptied = other.cache.emptied
    await db.repos.cache.changed()
    await other.cache.get_many(other.purposes, [PURPOSE])
    assert other.cache.emptied == emptied + 1


async def test_a_cache_not_confirmed_within_the_log_s_keeping_is_emptied(
    two_processes: tuple[Database, Repositories],
) -> None:
    # The change log keeps entries for RETAIN: a cache confirmed longer ago cannot know it saw every entry.
    db, other = two_processes
    await other.cache.get_many(other.purposes, [PURPOSE])
    other.cache.confirmed_at = time.time() - RETAIN.total_seconds()
    stored = await db.repos.purposes.get(PURPOSE)
    assert stored is not None
    await Writer(db.repos).update(db.repos.purposes, dataclasses.replace(stored, description="d"), stored.version,
                                  "test")
    emptied = other.cache.emptied
    await other.cache.get_many(other.purposes, [PURPOSE])
    assert other.cache.emptied == emptied + 1


async def test_expired_change_entries_are_removed(two_processes: tuple[Database, Repositories]) -> None:
    db, _ = two_processes
    old = dt.datetime.now(dt.UTC) - RETAIN - dt.timedelta(seconds=1)
    await db.db.registry_changes.insert_one({"_id": "expired", "at": old, "collection": "purposes", "ids": []})
    db.repos.cache.pruned_at = 0
    await db.repos.cache.changed("purposes", [PURPOSE])
    assert await db.db.registry_changes.find_one({"_id": "expired"}) is None
    assert await db.db.registry_changes.count_documents({}) >= 1


async def test_a_warmed_cache_answers_an_organisation_without_reading_the_database(database: Database) -> None:
    repos = Repositories(database.db)
    held = await repos.warm_cache()
    assert held > 100
    reads, misses = repos.cache.reads, repos.cache.misses
    lists = await repos.cache.of_organizations(repos.processing_activities, ["januscaler", "janusipm"])
    assert [a.id for a in lists["januscaler"]] == [a.id for a in await repos.processing_activities.find(
        {"organization": "januscaler", "archived": {"$ne": True}})]
    assert "GDPR:consent" in await repos.cache.whole(repos.legal_bases)
    assert (repos.cache.reads, repos.cache.misses) == (reads, misses)


async def test_a_register_larger_than_the_cache_is_not_warmed(database: Database) -> None:
    repos = Repositories(database.db, cache_items=50)
    assert await repos.warm_cache() == 0
    assert not repos.cache.records


async def test_a_server_stopped_while_its_cache_fills_stops_at_once(settings: Settings) -> None:
    # The fill at start must not outlive a stop: a stop swallowed by a read under way once left it waiting.
    async with own_database(settings, "stopfill"):
        app = create_app(Settings(mongodb_uri=f"{settings.mongodb_uri}stopfill", seed_on_empty=False,
                                  auth_required=False))
        async with asyncio.timeout(30):
            async with app.router.lifespan_context(app):
                pass


async def test_a_server_keeps_its_filled_cache_out_of_later_collections(settings: Settings) -> None:
    # After the start-up fill, the records held are frozen for the garbage collector (registry/app.py
    # settle_heap): full collections then walk only what requests make.
    import gc

    async with own_database(settings, "settle"):
        app = create_app(Settings(mongodb_uri=f"{settings.mongodb_uri}settle", auth_required=False))
        gc.unfreeze()
        try:
            async with asyncio.timeout(60), app.router.lifespan_context(app):
                while gc.get_freeze_count() == 0:
                    await asyncio.sleep(0.05)
            assert gc.get_freeze_count() > 10_000
        finally:
            gc.unfreeze()


async def test_a_large_write_names_its_collection_and_other_processes_drop_it_whole(
    two_processes: tuple[Database, Repositories],
) -> None:
    # An import's batch of hundreds of records writes one short change entry, not a list of every id (each read
    # after a change scans the entries on FerretDB); other processes forget the collection and read it again.
    from registry.storage.cache import NAMED_IDS

    db, other = two_processes
    before = (await other.cache.get_many(other.purposes, [PURPOSE]))[PURPOSE]
    stored = await db.repos.purposes.get(PURPOSE)
    assert stored is not None
    await db.repos.purposes.collection.update_one({"_id": PURPOSE}, {"$set": {"name": "Renamed in bulk"}})
    ids = [PURPOSE, *(f"januscaler/bulk-{i}" for i in range(NAMED_IDS))]
    await db.repos.cache.changed("purposes", ids)
    entry = await db.db.registry_changes.find_one({"collection": "purposes"}, sort=[("at", -1)])
    assert entry is not None and entry["ids"] is None
    again = (await other.cache.get_many(other.purposes, [PURPOSE]))[PURPOSE]
    assert before.name != "Renamed in bulk" and again.name == "Renamed in bulk"
    await db.repos.purposes.collection.update_one({"_id": PURPOSE}, {"$set": {"name": stored.name}})
    await db.repos.cache.changed("purposes", [PURPOSE])
