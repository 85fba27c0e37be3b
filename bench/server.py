"""A real `registry serve` process on a free loopback port, for benchmarks and end-to-end tests."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx

from registry.config import PROJECT_ROOT, Settings
from registry.services.seeding import seed
from registry.storage.database import Database, open_database
from registry.storage.embedded import EmbeddedFerretDB, free_port


@contextmanager
def registry_server(env: dict[str, str], log_level: str = "warning", quiet: bool = False,
                    port: int | None = None) -> Iterator[tuple[str, int]]:
    """Yield (base URL, pid) once /health/ready answers 200; stop the server on exit. `port` when the address must
    be known beforehand (an identity provider registers the sign-in callback)."""
    port = port or free_port()
    out = subprocess.DEVNULL if quiet else None
    proc = subprocess.Popen([sys.executable, "-m", "registry", "serve", "--port", str(port), "--log-level", log_level],
                            env={**os.environ, **env}, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health/ready").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"registry serve did not become ready (exit code {proc.poll()})")
            time.sleep(0.2)
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@asynccontextmanager
async def bench_database(name: str, event_listeners: list[Any] | None = None) -> AsyncIterator[tuple[Database, str]]:
    """A seeded database for a benchmark, and its URI: on the embedded FerretDB, started in a throwaway folder (or
    on MONGODB_URI's server), dropped afterwards. Large registers make single FerretDB queries outlast the API's
    default timeout, so its client waits longer."""
    with tempfile.TemporaryDirectory() as tmp:
        external = os.environ.get("MONGODB_URI")
        fdb = None if external else EmbeddedFerretDB(PROJECT_ROOT / "bin" / "ferretdb", Path(tmp)).start()
        uri = external or fdb.uri.rsplit("/", 1)[0] + f"/{name}"  # type: ignore[union-attr]
        try:
            settings = Settings(mongodb_uri=uri)
            async with open_database(settings, event_listeners=event_listeners or [],
                                     socketTimeoutMS=900_000) as db:
                await seed(db.repos, settings.seed_dir)
                try:
                    yield db, uri
                finally:
                    await db.client.drop_database(db.db.name)
        finally:
            if fdb:
                fdb.stop()
