"""Stop the real database while clients read and write: the API stays up, says the database is unavailable
within the configured timeout, reports not-ready, and recovers by itself; every acknowledged write survives."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path

import httpx
import pytest

from registry.app import create_app
from registry.config import PROJECT_ROOT, Settings
from registry.domain.enums import AccessRole
from registry.services.seeding import seed
from registry.services.tokens import create_token
from registry.storage.database import open_database
from registry.storage.embedded import EmbeddedFerretDB
from registry.storage.writer import Writer
from tests.support import bearer

CREATE = ("mutation($i: CreatePurposeInput!) { createPurpose(input: $i) { purpose { key } "
          "userErrors { code } } }")
TIMEOUT_MS = 1500

pytestmark = pytest.mark.faults



async def test_database_outage_and_recovery(tmp_path: Path) -> None:
    fdb = EmbeddedFerretDB(PROJECT_ROOT / "bin" / "ferretdb", tmp_path).start()
    try:
        settings = Settings(mongodb_uri=fdb.uri, db_timeout_ms=TIMEOUT_MS)
        async with open_database(settings) as db:
            await seed(db.repos, settings.seed_dir)
            _, token = await create_token(db.repos, "faults", AccessRole.EDITOR)
            app = create_app(settings, db)
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost",
                                         headers=bearer(token), timeout=30) as c:
                acked: list[str] = []
                outcomes: list[str] = []
                slowest = 0.0

                async def write(n: int) -> None:
                    nonlocal slowest
                    key = f"outage-{n}"
                    t = time.perf_counter()
                    r = await c.post("/graphql", json={"query": CREATE, "variables": {"i": {
                        "organization": "januscaler", "key": key, "name": f"Purpose {n}"}}})
                    slowest = max(slowest, time.perf_counter() - t)
                    body = r.json()
                    if r.status_code == 200 and (body.get("data") or {}).get("createPurpose", {}).get("purpose"):
                        acked.append(key)
                        outcomes.append("ok")
                    else:
                        codes = {e.get("extensions", {}).get("code") for e in body.get("errors", [])}
                        assert codes == {"DATABASE_UNAVAILABLE"}, body  # clear, and no stack trace
                        assert "Traceback" not in r.text
                        outcomes.append("down")

                for n in range(5):
                    await write(n)
                assert (await c.get("/health/ready")).status_code == 200
                fdb.stop()  # the database goes away while clients keep going
                ready = await c.get("/health/ready")
                assert ready.status_code == 503 and ready.json()["status"] == "not ready"
                assert (await c.get("/health/live")).status_code == 200
                for n in range(5, 10):
                    await write(n)
                r = await c.post("/graphql", json={"query": "{ organizations { slug } }"})
                assert r.status_code == 503 and "database is unavailable" in r.text
                assert slowest < TIMEOUT_MS / 1000 + 3, slowest  # no hang beyond the configured timeout
                fdb.start()  # it comes back, same data folder; the registry is not restarted
                for _ in range(100):
                    if (await c.get("/health/ready")).status_code == 200:
                        break
                    await asyncio.sleep(0.2)
                else:
                    raise AssertionError("the registry did not become ready again")
                for n in range(10, 15):
                    await write(n)
                assert outcomes[:5] == ["ok"] * 5 and outcomes[5:10] == ["down"] * 5 and outcomes[10:] == ["ok"] * 5
            await Writer(db.repos).recover(grace=dt.timedelta(0))
            stored = {p.key for p in await db.repos.purposes.find({"organization": "januscaler"})}
            assert set(acked) <= stored  # every acknowledged write is present
            for key in acked:
                entry = await db.repos.history.get(f"purposes:januscaler/{key}:v1")
                assert entry is not None and entry.committed
            pending = await db.repos.history.count({"committed": False, "aborted": {"$ne": True}})
            assert pending == 0  # no half-written change
    finally:
        fdb.stop()
