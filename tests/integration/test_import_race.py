"""An import running beside GraphQL edits of the same records (issue #11): no acknowledged change is dropped,
and every record's history is contiguous (each entry's `before` is the previous entry's `after`)."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import httpx

from registry.app import create_app
from registry.config import Settings
from registry.domain.enums import AccessRole
from registry.services.inventory_sync import apply, export_mapping, plan
from registry.services.registers import read_inventory
from registry.services.tokens import create_token
from registry.storage.database import Database
from tests.support import bearer, own_database

SLUG = "cloudfzs-jini"
UPDATE = """mutation($id: ID!, $v: Int!, $name: String!) {
  updatePurpose(input: {id: $id, version: $v, set: {name: $name}}) {
    purpose { version name } userErrors { code } } }"""


def gid(id_: str) -> str:
    return base64.b64encode(f"Purpose:{id_}".encode()).decode()


async def edits(http: httpx.AsyncClient, db: Database, purpose_id: str, client: int, rounds: int,
                acknowledged: list[tuple[str, int, str]]) -> None:
    """One privacy-team member changing one purpose's name again and again, as GraphiQL would."""
    for n in range(rounds):
        stored = await db.repos.purposes.get(purpose_id)
        assert stored is not None
        name = f"GQL-{client}-{n}"
        r = await http.post("/graphql", json={"query": UPDATE, "variables": {
            "id": gid(purpose_id), "v": stored.version, "name": name}})
        body = r.json()["data"]["updatePurpose"]
        if not body["userErrors"]:
            assert body["purpose"]["name"] == name
            acknowledged.append((purpose_id, body["purpose"]["version"], name))
        else:
            assert [e["code"] for e in body["userErrors"]] == ["VERSION_CONFLICT"], body
        await asyncio.sleep(0)


def contiguous(entries: list[Any]) -> dict[str, Any]:
    """Replay a record's history, checking each change starts where the previous one ended."""
    state: dict[str, Any] = {}
    for expected, e in enumerate(sorted(entries, key=lambda e: e.version), start=1):
        assert e.version == expected, [x.version for x in entries]
        for c in e.changes:
            assert state.get(c.field) == c.before, (e.entity_id, e.version, c.field, state.get(c.field), c.before)
            state[c.field] = c.after
    return state


async def test_an_import_beside_graphql_edits_drops_no_acknowledged_change(settings: Settings) -> None:
    async with own_database(settings, "importrace") as db:
        _, token = await create_token(db.repos, "race editor", AccessRole.EDITOR)
        data = export_mapping(await read_inventory(db.repos, SLUG))
        contested = [p["key"] for p in data["purposes"]][:16]
        for p in data["purposes"]:
            if p["key"] in contested:
                p["name"] = f"IMPORT-{p['key']}"
        data["purposes"] += [{"key": f"bulk-{i:03}", "name": f"Bulk purpose {i}"} for i in range(300)]
        the_plan = await plan(db.repos, data, "race.yaml")
        assert len(the_plan.change["purposes"]) == len(contested) and len(the_plan.create["purposes"]) == 300

        acknowledged: list[tuple[str, int, str]] = []
        app = create_app(Settings(), db)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost",
                                     headers=bearer(token), timeout=120) as http:
            ids = [f"{SLUG}/{k}" for k in contested]
            results = await asyncio.gather(
                apply(db.repos, the_plan, "import:race.yaml"),
                *(edits(http, db, pid, i, 4, acknowledged) for i, pid in enumerate(ids)))
        conflicts = results[0]
        assert acknowledged, "no GraphQL edit got through: the race was not run"

        history = await db.repos.history.find({"entity_type": "purposes", "committed": True})
        by_record: dict[str, list[Any]] = {}
        for e in history:
            by_record.setdefault(e.entity_id, []).append(e)
        # Every acknowledged GraphQL change has exactly one history entry, with its value.
        for purpose_id, version, name in acknowledged:
            [entry] = [e for e in by_record[purpose_id] if e.version == version]
            assert entry.actor.startswith("token:") and any(c.field == "name" and c.after == name
                                                            for c in entry.changes)
        # Every contested record's history is contiguous, and ends where the record is.
        for purpose_id in ids:
            state = contiguous(by_record[purpose_id])
            stored = await db.repos.purposes.get(purpose_id)
            assert stored is not None and state["name"] == stored.name
            assert stored.version == max(e.version for e in by_record[purpose_id])
            imported = [e for e in by_record[purpose_id] if e.actor == "import:race.yaml"]
            # The file's version was either applied (once) or reported as a conflict, never lost silently.
            assert len(imported) == 1 or purpose_id in conflicts, (purpose_id, conflicts)
        # The 300 new purposes were all created, each with its one history entry.
        created = [e for e in history if e.entity_id.startswith(f"{SLUG}/bulk-")]
        assert len(created) == 300 and all(e.version == 1 for e in created)
