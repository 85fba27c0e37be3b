"""The nested records-of-processing query must not multiply database work as the register grows (no N+1)."""

from __future__ import annotations

import dataclasses
from collections import Counter

import httpx

from bench.commands import CommandCounter
from bench.generate import FULL_RECORD_QUERY
from registry.app import create_app
from registry.config import Settings
from registry.storage.database import Database
from registry.storage.repositories import Repositories
from registry.storage.writer import Writer
from tests.support import GraphQLClient, listed_and_alone


async def commands_for(db: Database, counter: CommandCounter, slug: str) -> Counter[str]:
    app = create_app(Settings(auth_required=False), db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as c:
        await db.repos.cache.changed()  # counted from a cold cache, as after any change to the register
        counter.counts.clear()
        r = await c.post("/graphql", json={"query": FULL_RECORD_QUERY, "variables": {"slug": slug}})
        body = r.json()
        assert "errors" not in body, body
        assert len(body["data"]["organization"]["processingActivities"]) == int(slug.rsplit("-", 1)[1])
        return Counter(counter.counts)


async def test_commands_do_not_grow_with_activities(synthetic: tuple[Database, CommandCounter]) -> None:
    db, counter = synthetic
    small = await commands_for(db, counter, "synthetic-5")
    large = await commands_for(db, counter, "synthetic-400")
    assert large == small, f"5 activities: {dict(small)}; 400 activities: {dict(large)}"
    # One find per related collection and nesting level, at most.
    assert sum(large.values()) <= 14, dict(large)


async def test_synthetic_activities_listed_equal_the_same_read_alone(
    synthetic: tuple[Database, CommandCounter],
) -> None:
    # The synthetic register states what the seed documents do not, such as subprocessors' countries.
    db, _ = synthetic
    app = create_app(Settings(auth_required=False), db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as c:
        listed = await listed_and_alone(GraphQLClient(c), "synthetic-5")
    assert any(r["countries"] for a in listed for r in a["subprocessors"])
    assert any(t["destination"] and t["mechanism"] for a in listed for t in a["transfers"])


async def test_after_another_process_edits_one_activity_only_that_activity_is_read_again(
    synthetic: tuple[Database, CommandCounter],
) -> None:
    db, counter = synthetic
    slug, edited = "synthetic-400", "synthetic-400/activity-00007"
    app = create_app(Settings(auth_required=False), db)
    variables = {"slug": slug}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as c:
        gql = GraphQLClient(c)
        await gql.data(FULL_RECORD_QUERY, variables)  # this process now holds the register
        other = Repositories(db.db)  # a second API process on the same database
        stored = await other.processing_activities.get(edited)
        assert stored is not None
        await Writer(other).update(other.processing_activities, dataclasses.replace(stored, name="Edited elsewhere"),
                                   stored.version, "test")
        counter.counts.clear()
        after = await gql.data(FULL_RECORD_QUERY, variables)
        commands = Counter(counter.counts)
        await db.repos.cache.changed()  # everything read again, for comparison
        assert after == await gql.data(FULL_RECORD_QUERY, variables)
    names = {a["id"]: a["name"] for a in after["organization"]["processingActivities"]}
    assert "Edited elsewhere" in names.values()
    # The generation, the change entries since, and the one activity the entry names: not the collection.
    assert commands == Counter({"find registry_state": 1, "find registry_changes": 1,
                                "find processing_activities": 1}), dict(commands)
