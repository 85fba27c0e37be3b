"""Test fixtures: a real MongoDB-compatible server for the whole session, seeded once.

Without MONGODB_URI, the embedded FerretDB is started in a throwaway folder and stopped at the end; with it,
the tests use a fresh database on that server (dropped at the end) so nothing of yours is touched.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from pymongo import uri_parser

from registry.app import create_app
from registry.config import PROJECT_ROOT, Settings
from registry.domain.enums import AccessRole
from registry.services.seeding import seed
from registry.services.tokens import create_token
from registry.storage.database import Database, open_database
from registry.storage.embedded import EmbeddedFerretDB
from tests.support import GraphQLClient, bearer


@pytest.fixture(scope="session")
def server_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A MongoDB wire-protocol server URI with a database of our own."""
    name = f"registrytest{uuid.uuid4().hex[:8]}"
    external = os.environ.get("MONGODB_URI")
    if external:
        parsed = uri_parser.parse_uri(external)
        hosts = ",".join(f"{h}:{p}" for h, p in parsed["nodelist"])
        yield f"mongodb://{hosts}/{name}"
        return
    with EmbeddedFerretDB(PROJECT_ROOT / "bin" / "ferretdb", tmp_path_factory.mktemp("ferretdb")) as fdb:
        yield fdb.uri.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def settings(server_uri: str) -> Settings:
    return Settings(mongodb_uri=server_uri, seed_on_empty=False)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def database(settings: Settings) -> AsyncIterator[Database]:
    async with open_database(settings) as db:
        await seed(db.repos, settings.seed_dir)
        yield db
        await db.client.drop_database(db.db.name)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def tokens(database: Database) -> dict[str, str]:
    """A token of each role, by role name (viewer, editor, admin)."""
    out = {}
    for role in AccessRole:
        _, text = await create_token(database.repos, f"test {role.value.lower()}", role)
        out[role.value.lower()] = text
    return out


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def anonymous(settings: Settings, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client without a token."""
    app = create_app(settings, database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as c:
        yield c


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def client(anonymous: httpx.AsyncClient, tokens: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client with a VIEWER token: what a read-only internal tool has."""
    app = anonymous._transport.app  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost",
                                 headers=bearer(tokens["viewer"])) as c:
        yield c


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def editor(anonymous: httpx.AsyncClient, tokens: dict[str, str]) -> AsyncIterator[GraphQLClient]:
    """GraphQL as an EDITOR."""
    app = anonymous._transport.app  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost",
                                 headers=bearer(tokens["editor"])) as c:
        yield GraphQLClient(c)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    return PROJECT_ROOT / "seed"
