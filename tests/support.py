"""Helpers the tests share: HTTP and GraphQL clients, a database of a test's own, the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from registry.config import Settings
from registry.services.seeding import seed
from registry.storage.database import Database, open_database


@asynccontextmanager
async def own_database(settings: Settings, name: str, **client_kwargs: Any) -> AsyncIterator[Database]:
    """A seeded database of the test's own on the same server, dropped afterwards (for tests that change data)."""
    assert settings.mongodb_uri
    async with open_database(Settings(mongodb_uri=settings.mongodb_uri + name), **client_kwargs) as db:
        await seed(db.repos, settings.seed_dir)
        try:
            yield db
        finally:
            await db.client.drop_database(db.db.name)


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
