"""Fixtures of the API tests: a database holding two synthetic registers (5 and 400 activities), with its commands
counted."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from bench.commands import CommandCounter
from bench.generate import Size, synthetic_inventory
from registry.config import Settings
from registry.services.seeding import SeedReport, store_inventory
from registry.storage.database import Database, open_database


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def synthetic(settings: Settings) -> AsyncIterator[tuple[Database, CommandCounter]]:
    counter = CommandCounter()
    assert settings.mongodb_uri
    own = Settings(mongodb_uri=settings.mongodb_uri + "synthetic")  # a database of its own, dropped below
    async with open_database(own, event_listeners=[counter]) as db:
        for n in (5, 400):
            size = Size(activities=n, categories=40, subprocessors=30, purposes=12, transfers_pool=20,
                        retention_pool=20)
            await store_inventory(db.repos, synthetic_inventory(f"synthetic-{n}", size), SeedReport())
        await seed_reference(db)
        yield db, counter
        await db.client.drop_database(db.db.name)


async def seed_reference(db: Database) -> None:
    from registry.services.inventory_files import load_reference
    from registry.services.seeding import store_reference

    await store_reference(db.repos, load_reference(Settings().seed_dir / "reference"), SeedReport())


