"""Helpers the tests share: HTTP and GraphQL clients, a database of a test's own, the command line."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import yaml

from registry.config import PROJECT_ROOT, Settings
from registry.domain import models as m
from registry.domain.inventory import Inventory, ReferenceData
from registry.domain.validation import validate_inventory
from registry.services.inventory_files import load_inventory_file, load_reference
from registry.services.seeding import SeedReport, seed, store_inventory, store_reference
from registry.storage.codec import decode
from registry.storage.database import Database, open_database


@asynccontextmanager
async def own_database(settings: Settings, name: str, seeded: bool = True,
                       **client_kwargs: Any) -> AsyncIterator[Database]:
    """A seeded (or, with `seeded=False`, empty) database of the test's own on the same server, dropped afterwards
    (for tests that change data)."""
    assert settings.mongodb_uri
    async with open_database(Settings(mongodb_uri=settings.mongodb_uri + name), **client_kwargs) as db:
        if seeded:
            await seed(db.repos, settings.seed_dir)
        try:
            yield db
        finally:
            await db.client.drop_database(db.db.name)


FORMER_TAXONOMY = PROJECT_ROOT / "tests" / "data" / "former-taxonomy"
"""The seed as it was before the shared taxonomy became fideslang's (issue 15): the registry's own taxonomy
(`data_categories.yaml` in its former format) and the four organisations' files with the former keys."""


def former_reference() -> ReferenceData:
    """Today's reference data with the former taxonomy in place of fideslang's."""
    ref = load_reference(PROJECT_ROOT / "seed" / "reference")
    data = yaml.safe_load((FORMER_TAXONOMY / "data_categories.yaml").read_text(encoding="utf-8"))
    old = [decode(m.DataCategory, d, strict=True) for d in data["data_categories"]]
    return dataclasses.replace(ref, data_categories=old)


async def seed_former_taxonomy(db: Database) -> list[Inventory]:
    """Store the seed as a registry before issue 15 stored it: the former shared taxonomy, the organisations with
    the former keys, and no field the move added (category_origin, flags_inference, terminal_storage)."""
    ref = former_reference()
    report = SeedReport()
    await store_reference(db.repos, ref, report)
    inventories = []
    for path in sorted((FORMER_TAXONOMY / "organizations").glob("*.yaml")):
        inv = load_inventory_file(path, ref)
        assert validate_inventory(inv, ref) == [], path
        await store_inventory(db.repos, inv, report)
        inventories.append(inv)
    await db.repos.data_categories.collection.update_many(
        {}, {"$unset": {"category_origin": "", "flags_inference": "", "terminal_storage": ""}})
    await db.repos.cache.changed()
    return inventories


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class GraphQLClient:
    """Sends GraphQL over HTTP, as internal tools and GraphiQL do."""

    def __init__(self, http: httpx.AsyncClient):
        self.http = http

    async def __call__(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        r = await self.http.post("/graphql", json={"query": query, "variables": variables or {}})
        assert r.status_code < 500, r.text
        return dict(r.json())

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = await self(query, variables)
        assert not body.get("errors"), body["errors"]
        return dict(body["data"])


def cli(uri: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `registry ARGS` as a user would, against the database at `uri`."""
    return subprocess.run([sys.executable, "-m", "registry", *args], env={**os.environ, "MONGODB_URI": uri},
                          capture_output=True, text=True, timeout=120)


ACTIVITY = """
fragment Activity on ProcessingActivity {
  id key name role
  organization { slug }
  lawfulBases { code }
  purposes {
    key name purpose { key description }
    lawfulBases { code article } specialCategoryConditions { code }
    lawfulBasisStatements { statedAs legalBasis { code } }
  }
  ... on ProcessingActivity { dataCategories { key name specialCategory parent { key } } }
  dataSubjects { key name }
  recipients { key countries { code } }
  subprocessors { name countries { code adequacy } }
  transfers {
    key origin { code } destination { code adequacy } mechanism { code article }
    recipient { key countries { code } }
  }
  retentionRules { covers period dataCategories { key } }
  securityMeasures { key description }
}
"""


async def listed_and_alone(gql: GraphQLClient, slug: str) -> list[dict[str, Any]]:
    """The organisation's activities as listed, after checking each against the same activity read by ID, in a
    page of a search, and reached without reading ahead."""
    listed: list[dict[str, Any]] = (await gql.data(
        ACTIVITY + "query($slug: String!) { organization(slug: $slug) { processingActivities { ...Activity } } }",
        {"slug": slug},
    ))["organization"]["processingActivities"]
    assert listed
    paged = (await gql.data(
        ACTIVITY + "query($slug: String!) { searchProcessingActivities(organization: $slug, first: 200) { "
        "edges { node { ...Activity } } } }", {"slug": slug},
    ))["searchProcessingActivities"]["edges"]
    assert sorted(listed, key=lambda a: a["key"]) == [e["node"] for e in paged]
    for activity in listed:
        alone = (await gql.data(ACTIVITY + "query($id: ID!) { node(id: $id) { ...Activity } }",
                                {"id": activity["id"]}))["node"]
        assert alone == activity
        unread = (await gql.data(ACTIVITY + "query($id: ID!) { dpiaScreening(activity: $id) { activity { "
                                 "...Activity } } }", {"id": activity["id"]}))["dpiaScreening"]["activity"]
        assert unread == activity
    return listed
