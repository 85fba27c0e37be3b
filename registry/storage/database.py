"""Opening the database: the server at MONGODB_URI, or the embedded FerretDB when it is unset."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pymongo
from pymongo import AsyncMongoClient, uri_parser
from pymongo.asynchronous.database import AsyncDatabase

from registry.config import Settings
from registry.storage.embedded import EmbeddedFerretDB
from registry.storage.indexes import ensure_indexes
from registry.storage.repositories import Repositories

DEFAULT_DB_NAME = "registry"
PROBE_COLLECTION = "organizations"
PROBE_TIMEOUT = 0.8
"""Seconds the readiness probe waits for its read: health checks answer within a second."""


@dataclass
class Database:
    """An open connection: the client, the database and its repositories."""

    client: AsyncMongoClient[dict[str, Any]]
    db: AsyncDatabase[dict[str, Any]]
    repos: Repositories
    embedded: EmbeddedFerretDB | None = None
    probe_client: AsyncMongoClient[dict[str, Any]] | None = None
    """A client of its own for the readiness probe, so a busy request pool never delays it."""

    async def ping(self) -> None:
        await self.client.admin.command("ping")

    async def probe(self, timeout: float = PROBE_TIMEOUT) -> None:
        """Read real data, within `timeout` seconds, or raise. A ping is not enough: FerretDB answers it without
        touching its SQLite files, so a wedged database would still look ready."""
        client = self.probe_client or self.client
        with pymongo.timeout(timeout):
            await client[self.db.name][PROBE_COLLECTION].find_one({}, {"_id": 1})


def database_name(uri: str) -> str:
    """The database named in the URI's path, `registry` when it names none."""
    return uri_parser.parse_uri(uri).get("database") or DEFAULT_DB_NAME


def make_client(uri: str, settings: Settings, **kwargs: Any) -> AsyncMongoClient[dict[str, Any]]:
    options: dict[str, Any] = {
        "serverSelectionTimeoutMS": settings.db_timeout_ms,
        "connectTimeoutMS": settings.db_timeout_ms,
        "socketTimeoutMS": max(settings.db_timeout_ms * 6, 30000),
        "appname": "registry",
    }
    if settings.mongodb_password and settings.mongodb_uri:  # for the user named in MONGODB_URI
        options["password"] = settings.mongodb_password
    return AsyncMongoClient(uri, **{**options, **kwargs})


async def start_embedded(embedded: EmbeddedFerretDB) -> None:
    """Start (or restart) the embedded FerretDB without blocking the event loop for long. The process itself is
    started from the event loop's thread, which lives as long as the registry: the database is tied to the
    thread that started it and would stop with a short-lived worker thread."""
    await asyncio.to_thread(embedded.prepare)
    embedded.spawn()
    await asyncio.to_thread(embedded.wait_ready)


@asynccontextmanager
async def open_database(settings: Settings, **client_kwargs: Any) -> AsyncIterator[Database]:
    """Connect (starting the embedded FerretDB if needed), create indexes, and close everything on exit."""
    async with AsyncExitStack() as stack:
        embedded = None
        uri = settings.mongodb_uri
        if uri is None:
            embedded = EmbeddedFerretDB(settings.ferretdb_bin, settings.data_dir, settings.ferretdb_debug_addr)
            stack.callback(embedded.stop)
            await start_embedded(embedded)
            uri = embedded.uri
        client = make_client(uri, settings, **client_kwargs)
        stack.push_async_callback(client.close)
        probe_client = make_client(uri, settings, maxPoolSize=2, appname="registry-probe")
        stack.push_async_callback(probe_client.close)
        db = client[database_name(uri)]
        database = Database(client, db, Repositories(db, settings.read_cache_items), embedded, probe_client)
        await database.ping()
        await ensure_indexes(database.repos)
        yield database
