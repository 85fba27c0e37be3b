"""A bounded load test: concurrent readers and editors against the real server for a fixed time.

Run: `.venv/bin/python -m bench.load [--seconds 30] [--readers 16] [--editors 8]`. It starts its own embedded
FerretDB (or uses MONGODB_URI) and `registry serve`, then checks afterwards that every acknowledged write is
present, that the history holds exactly one entry per acknowledged change, and samples the server's memory.
Traffic goes to 127.0.0.1 only, and every loop stops at the deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pymongo

from bench.server import registry_server
from registry.config import PROJECT_ROOT
from registry.storage.embedded import EmbeddedFerretDB

READ = """{ organization(slug: "januscaler") { processingActivities { name purposes { name lawfulBases { article } }
  transfers { destination { code } mechanism { code } } } } }"""
GET = "query($id: ID!) { node(id: $id) { ... on Purpose { version description } } }"
UPDATE = """mutation($i: UpdatePurposeInput!) { updatePurpose(input: $i) { purpose { version description }
  userErrors { code } } }"""


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        return next(int(x.split()[1]) for x in f if x.startswith("VmRSS")) / 1024


async def drive(base: str, token: str, seconds: float, readers: int, editors: int, pid: int) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    stats = {"reads": 0, "writes_acked": 0, "conflicts": 0, "errors": 0}
    acked: dict[str, tuple[int, str]] = {}  # purpose id -> (version, description) of the last acknowledged write
    memory: list[float] = []
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as c:
        purposes = (await c.post("/graphql", json={"query": '{ organization(slug: "januscaler") { purposes { id } } }'}
                                 )).json()["data"]["organization"]["purposes"]
        ids = [p["id"] for p in purposes]

        async def reader() -> None:
            while time.monotonic() < deadline:
                r = await c.post("/graphql", json={"query": READ})
                if r.status_code == 200 and not r.json().get("errors"):
                    stats["reads"] += 1
                else:
                    stats["errors"] += 1

        async def editor(n: int) -> None:
            i = 0
            while time.monotonic() < deadline:
                pid_ = ids[(n + i) % len(ids)]
                i += 1
                cur = (await c.post("/graphql", json={"query": GET, "variables": {"id": pid_}})).json()["data"]["node"]
                text = f"editor {n} change {i}"
                r = await c.post("/graphql", json={"query": UPDATE, "variables": {"i": {
                    "id": pid_, "version": cur["version"], "set": {"description": text}}}})
                body = r.json()
                out = (body.get("data") or {}).get("updatePurpose")
                if r.status_code != 200 or body.get("errors") or out is None:
                    stats["errors"] += 1
                elif out["userErrors"]:
                    if [e["code"] for e in out["userErrors"]] == ["VERSION_CONFLICT"]:
                        stats["conflicts"] += 1
                    else:
                        stats["errors"] += 1
                else:
                    stats["writes_acked"] += 1
                    v = out["purpose"]["version"]
                    if v > acked.get(pid_, (0, ""))[0]:
                        acked[pid_] = (v, text)

        async def sampler() -> None:
            while time.monotonic() < deadline:
                memory.append(rss_mb(pid))
                await asyncio.sleep(0.5)

        await asyncio.gather(sampler(), *(reader() for _ in range(readers)), *(editor(n) for n in range(editors)))
        stats["requests"] = stats["reads"] + stats["writes_acked"] + stats["conflicts"] + stats["errors"]
        # every acknowledged write is present: each purpose holds its last acknowledged version and text
        lost = 0
        for pid_, (version, text) in acked.items():
            now = (await c.post("/graphql", json={"query": GET, "variables": {"id": pid_}})).json()["data"]["node"]
            if (now["version"], now["description"]) != (version, text):
                lost += 1
        stats["writes_checked"] = len(acked)
        stats["lost_writes"] = lost
    third = max(1, len(memory) // 3)
    stats["memory_mb"] = {"start": round(sum(memory[:third]) / third, 1),
                          "end": round(sum(memory[-third:]) / third, 1), "peak": round(max(memory), 1)}
    return stats


def run(seconds: float, readers: int, editors: int, uri: str | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        fdb = None if uri else EmbeddedFerretDB(PROJECT_ROOT / "bin" / "ferretdb", Path(tmp)).start()
        uri = uri or fdb.uri.rsplit("/", 1)[0] + "/registryload"  # type: ignore[union-attr]
        env = {**os.environ, "MONGODB_URI": uri, "REGISTRY_BOOTSTRAP_ADMIN": "0"}
        try:
            subprocess.run([sys.executable, "-m", "registry", "seed"], env=env, check=True, capture_output=True)
            made = subprocess.run([sys.executable, "-m", "registry", "token", "create", "--role", "editor", "--name",
                                   "load"], env=env, check=True, capture_output=True, text=True)
            token = made.stdout.strip().splitlines()[-1]
            with registry_server(env) as (base, pid):
                stats = asyncio.run(drive(base, token, seconds, readers, editors, pid))
            with pymongo.MongoClient(uri) as client:
                db = client[uri.rsplit("/", 1)[1]]
                stats["history_entries"] = db.history.count_documents({"actor": f"token:{token.split('_')[1]} (load)",
                                                                      "committed": True})
                client.drop_database(db.name)
        finally:
            if fdb:
                fdb.stop()
    stats.update(seconds=seconds, readers=readers, editors=editors)
    return stats


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--readers", type=int, default=16)
    p.add_argument("--editors", type=int, default=8)
    a = p.parse_args()
    print(json.dumps(run(a.seconds, a.readers, a.editors, os.environ.get("MONGODB_URI")), indent=2))


if __name__ == "__main__":
    main()
