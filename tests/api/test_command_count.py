"""The nested records-of-processing query must not multiply database work as the register grows (no N+1)."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest_asyncio
from pymongo import monitoring

from bench.generate import FULL_RECORD_QUERY, Size, synthetic_inventory
from registry.app import create_app
from registry.config import Settings
from registry.services.seeding import SeedReport, store_inventory
from registry.storage.database import Database, open_database
from tests.api.test_prefetch import listed_and_alone
from tests.conftest import GraphQLClient

IGNORED = {"hello", "isMaster", "ismaster", "ping", "endSessions", "saslStart", "saslContinue", "buildInfo"}


class CommandCounter(monitoring.CommandListener):
    """Counts the commands the application sends, by name."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.get_mores = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        # getMore continues a query's own cursor over a large result: part of the same read, counted apart.
        if event.command_name == "getMore":
            self.get_mores += 1
        elif event.command_name not in IGNORED:
            self.counts[f"{event.command_name} {event.command.get(event.command_name)}"] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def counted(settings: Settings) -> AsyncIterator[tuple[Database, CommandCounter]]:
    counter = CommandCounter()
    assert settings.mongodb_uri
    own = Settings(mongodb_uri=settings.mongodb_uri + "counted")  # a database of its own, dropped below
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


async def commands_for(db: Database, counter: CommandCounter, slug: str) -> Counter[str]:
    app = create_app(Settings(auth_required=False), db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        await db.repos.cache.changed()  # counted from a cold cache, as after any change to the register
        counter.counts.clear()
        r = await c.post("/graphql", json={"query": FULL_RECORD_QUERY, "variables": {"slug": slug}})
        body = r.json()
        assert "errors" not in body, body
        assert len(body["data"]["organization"]["processingActivities"]) == int(slug.rsplit("-", 1)[1])
        return Counter(counter.counts)


async def test_commands_do_not_grow_with_activities(counted: tuple[Database, CommandCounter]) -> None:
    db, counter = counted
    small = await commands_for(db, counter, "synthetic-5")
    large = await commands_for(db, counter, "synthetic-400")
    assert large == small, f"5 activities: {dict(small)}; 400 activities: {dict(large)}"
    # One find per related collection and nesting level, at most.
    assert sum(large.values()) <= 14, dict(large)


async def test_synthetic_activities_listed_equal_the_same_read_alone(counted: tuple[Database, CommandCounter]) -> None:
    # The synthetic register states what the seed documents do not, such as subprocessors' countries.
    db, _ = counted
    app = create_app(Settings(auth_required=False), db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        listed = await listed_and_alone(GraphQLClient(c), "synthetic-5")
    assert any(r["countries"] for a in listed for r in a["subprocessors"])
    assert any(t["destination"] and t["mechanism"] for a in listed for t in a["transfers"])
