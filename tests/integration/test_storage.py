"""Repositories, indexes and seeding against the real server."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pymongo.errors import DuplicateKeyError, PyMongoError

from registry.config import PROJECT_ROOT, Settings
from registry.services.seeding import read_seed, seed
from registry.storage.database import Database, database_name, open_database
from registry.storage.embedded import EmbeddedDatabaseError, EmbeddedFerretDB


async def test_seeding_twice_changes_nothing(database: Database, seed_dir: Path) -> None:
    report = await seed(database.repos, seed_dir)
    assert report.changed == 0
    assert sum(c.unchanged for c in report.counts.values()) > 300


async def test_every_seeded_record_is_stored(database: Database, seed_dir: Path) -> None:
    reference, inventories = read_seed(seed_dir)
    repos = database.repos
    assert await repos.legal_bases.count() == len(reference.legal_bases)
    assert await repos.countries.count() == len(reference.countries)
    assert await repos.processing_activities.count() == sum(len(i.processing_activities) for i in inventories)
    for inv in inventories:
        stored = (await repos.processing_activities.by_organizations([inv.organization.slug]))[inv.organization.slug]
        assert [dataclasses.replace(a, version=0) for a in stored] == sorted(inv.processing_activities,
                                                                             key=lambda a: a.key)
        assert {a.version for a in stored} == {1}


async def test_natural_keys_are_unique_in_the_database(database: Database) -> None:
    coll = database.repos.purposes.collection
    existing = await coll.find_one({"organization": "januscaler"})
    assert existing is not None
    clash = {**existing, "_id": "another-id"}
    with pytest.raises(PyMongoError) as err:
        await coll.insert_one(clash)
    assert isinstance(err.value, DuplicateKeyError) or "duplicate" in str(err.value).lower()
    assert await coll.count_documents({"organization": "januscaler", "key": existing["key"]}) == 1


async def test_a_batched_read_is_one_query_for_many_ids(database: Database) -> None:
    ids = ["GDPR:contract", "GDPR:consent", "DPDP:consent", "GDPR:nonexistent"]
    found = await database.repos.legal_bases.get_many(ids)
    assert sorted(found) == ["DPDP:consent", "GDPR:consent", "GDPR:contract"]
    assert found["GDPR:contract"].article == "Art 6(1)(b)"


def test_database_name_comes_from_the_uri_path() -> None:
    assert database_name("mongodb://localhost:27017/ropa") == "ropa"
    assert database_name("mongodb://localhost:27017/") == "registry"
    assert database_name("mongodb://localhost:27017") == "registry"


def test_embedded_data_persists_across_restarts(tmp_path: Path) -> None:
    import pymongo

    binary = PROJECT_ROOT / "bin" / "ferretdb"
    with EmbeddedFerretDB(binary, tmp_path) as fdb, pymongo.MongoClient(fdb.uri, serverSelectionTimeoutMS=5000) as c:
        c.registry.notes.insert_one({"_id": "kept", "text": "still here"})
    with EmbeddedFerretDB(binary, tmp_path) as fdb, pymongo.MongoClient(fdb.uri) as c:
        assert c.registry.notes.find_one({"_id": "kept"}) == {"_id": "kept", "text": "still here"}


def test_two_registries_cannot_share_a_data_folder(tmp_path: Path) -> None:
    binary = PROJECT_ROOT / "bin" / "ferretdb"
    with EmbeddedFerretDB(binary, tmp_path), pytest.raises(EmbeddedDatabaseError, match="is using the data folder"):
        EmbeddedFerretDB(binary, tmp_path).start()


def test_a_missing_binary_says_how_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(EmbeddedDatabaseError, match="scripts/setup.sh"):
        EmbeddedFerretDB(tmp_path / "nope", tmp_path).start()


def test_indexes_can_be_created_again_on_a_server_with_data(tmp_path: Path) -> None:
    # FerretDB v1.24.2 drops the connection when one createIndexes names several existing indexes; ours must not.
    import asyncio

    from registry.config import Settings
    from registry.storage.database import open_database

    async def start_twice() -> None:
        with EmbeddedFerretDB(PROJECT_ROOT / "bin" / "ferretdb", tmp_path) as fdb:
            for _ in range(2):
                async with open_database(Settings(mongodb_uri=fdb.uri)) as db:
                    await db.repos.history.collection.insert_one({"at": 1})

    asyncio.run(start_twice())


async def test_loading_an_inventory_reports_progress_to_the_last_record(settings: Settings) -> None:
    from bench.generate import Size, synthetic_inventory
    from registry.services.seeding import SeedReport, inventory_size, store_inventory

    inv = synthetic_inventory("progress-test", Size(activities=30, categories=10, subprocessors=5, purposes=4,
                                                     transfers_pool=5, retention_pool=5))
    steps: list[int] = []
    assert settings.mongodb_uri
    async with open_database(Settings(mongodb_uri=settings.mongodb_uri + "progress")) as db:
        try:
            await store_inventory(db.repos, inv, SeedReport(), progress=steps.append)
        finally:
            await db.client.drop_database(db.db.name)
    assert sum(steps) == inventory_size(inv) == 70


async def test_documents_written_with_their_empty_fields_read_and_compare_the_same(database: Database) -> None:
    # Registers stored before empty fields were left out hold them as null and []: such a document reads as the
    # same record, an idempotent write finds nothing to change, and an edit's history names only what changed.
    from registry.storage.codec import encode
    from registry.storage.writer import Writer

    repo = database.repos.processing_activities
    stored = await repo.collection.find_one({"organization": "januscaler"})
    assert stored is not None
    record = repo.from_doc(stored)
    old_shape = {**stored, **encode(record)}  # every field, the empty ones as null and []
    assert any(v is None for v in old_shape.values()) and len(old_shape) > len(stored)
    await repo.collection.replace_one({"_id": stored["_id"]}, old_shape)
    assert (await repo.get(stored["_id"])) == record
    counts = await Writer(database.repos).store_many(repo, [record], "test")
    assert (counts.unchanged, counts.updated) == (1, 0)
    await Writer(database.repos).update(repo, dataclasses.replace(record, name="Renamed"), record.version, "test")
    entry = (await database.repos.history.find({"entity_id": stored["_id"], "version": record.version + 1}))[0]
    assert [c.field for c in entry.changes] == ["name"]
    empty = [k for k, v in old_shape.items() if v is None or v == []]
    rewritten = await repo.collection.find_one({"_id": stored["_id"]}) or {}
    assert empty and not set(empty) & set(rewritten)
