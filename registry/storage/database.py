"""Opening the database: the server at MONGODB_URI, or the embedded FerretDB when it is unset."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pymongo
from pymongo import AsyncMongoClient, uri_parser
from pymongo.asynchronous.database import AsyncDatabase

from registry.config import Settings
from registry.storage.embedded import DataFolderInUse, EmbeddedFerretDB, publish_server, withdraw_server
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


async def _start_embedded(
    settings: Settings, stack: AsyncExitStack, serve: bool
) -> tuple[str, EmbeddedFerretDB | None]:
    """The embedded FerretDB's address: one started now, or, for a command other than `serve` while a registry
    serves the same data folder, that registry's own."""
    embedded = EmbeddedFerretDB(settings.ferretdb_bin, settings.data_dir, settings.ferretdb_debug_addr)
    try:
        await asyncio.to_thread(embedded.prepare)
    except DataFolderInUse as e:
        if serve or e.server is None:
            raise
        print(f"(using the database of the registry serving {settings.data_dir}, PID {e.server[1]})", file=sys.stderr)
        return e.server[0], None
    stack.callback(embedded.stop)
    await start_embedded(embedded)
    return embedded.uri, embedded


@asynccontextmanager
async def open_database(settings: Settings, serve: bool = False, **client_kwargs: Any) -> AsyncIterator[Database]:
    """Connect (starting the embedded FerretDB if needed), create indexes, and close everything on exit.

    `serve`: for `registry serve`, which publishes its embedded database's address in the data folder and is
    refused on a folder another registry serves; other commands connect to that registry's database instead."""
    async with AsyncExitStack() as stack:
        embedded = None
        uri = settings.mongodb_uri
        if uri is None:
            uri, embedded = await _start_embedded(settings, stack, serve)
        client = make_client(uri, settings, **client_kwargs)
        stack.push_async_callback(client.close)
        probe_client = make_client(uri, settings, maxPoolSize=2, appname="registry-probe")
        stack.push_async_callback(probe_client.close)
        db = client[database_name(uri)]
        database = Database(client, db, Repositories(db, settings.read_cache_items), embedded, probe_client)
        await database.ping()
        await ensure_indexes(database.repos)
        if serve and embedded is not None:
            publish_server(settings.data_dir, uri)
            stack.callback(withdraw_server, settings.data_dir)
        yield database
