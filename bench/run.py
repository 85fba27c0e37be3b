"""Benchmark of the whole register in one query. Run: `./dev registry` setup, then
`.venv/bin/python -m bench.run [--sizes 200,2000,20000] [--repeat 7]`.

Starts its own embedded FerretDB in a throwaway folder (or uses MONGODB_URI), loads synthetic inventories
through the registry's repositories, and prints a Markdown table:
  a'. the full nested records-of-processing query through the GraphQL API (in process, over ASGI) right after a
     second process on the same database edited one activity: the read cache drops that activity only;
  a. the same from an empty read cache (a write whose records are unknown, as at a process's start), and
     repeated with no change in between (answered by the response cache, registry/graphql/response_cache.py);
  b. the same documents fetched directly with PyMongo from the same server: the floor for (a);
  c. the database commands (a) sends from a cold cache, by PyMongo command monitoring;
  d. a point query (one activity by ID with its lawful bases and transfers) from 32 concurrent HTTP clients
     against uvicorn, next to `{ __typename }` on the same server, without and with access control;
  e. peak resident memory of the process serving (a), and of the uvicorn process serving (d).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import resource
import statistics
import sys
import time
from typing import Any

import httpx

from bench import wrk
from bench.commands import CommandCounter
from bench.generate import FULL_RECORD_QUERY, Size, synthetic_inventory
from bench.server import bench_database, registry_server
from registry.app import create_app, settle_heap, tune_garbage_collection
from registry.cli import progress_bar
from registry.config import Settings
from registry.domain.enums import AccessRole
from registry.services.seeding import SeedReport, inventory_size, store_inventory
from registry.services.tokens import create_token
from registry.storage.database import Database
from registry.storage.repositories import Repositories
from registry.storage.writer import Writer

POINT_QUERY = """query($id: ID!) { node(id: $id) { ... on ProcessingActivity {
  name purposes { name lawfulBases { article title } }
  transfers { destination { code adequacy } mechanism { code article } } } } }"""


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


async def direct_fetch(db: Database, slug: str) -> int:
    """Floor: the same documents, straight from PyMongo, with the same batched $in reads and no GraphQL."""
    d = db.db
    acts = await d.processing_activities.find({"organization": slug}).to_list(None)

    def ids(field: str) -> list[str]:
        return list({f"{slug}/{k}" for a in acts for k in a[field]})

    cats = list({c for a in acts for c in a["data_categories"]})
    purposes = list({f"{slug}/{p['purpose']}" for a in acts for p in a["purposes"]})
    bases = list({b["basis"] for a in acts for p in a["purposes"] for b in p["lawful_bases"]})
    r = await asyncio.gather(
        d.data_categories.find({"_id": {"$in": cats}}).to_list(None),
        d.purposes.find({"_id": {"$in": purposes}}).to_list(None),
        d.legal_bases.find({"_id": {"$in": bases}}).to_list(None),
        d.data_subjects.find({"_id": {"$in": ids("data_subjects")}}).to_list(None),
        d.recipients.find({"_id": {"$in": ids("recipients")}}).to_list(None),
        d.transfers.find({"_id": {"$in": ids("transfers")}}).to_list(None),
        d.retention_rules.find({"_id": {"$in": ids("retention_rules")}}).to_list(None),
    )
    recipients, transfers = r[4], r[5]
    codes = list({c for x in recipients for c in x["countries"]} | {t["destination"] for t in transfers})
    mechs = list({t["mechanism"] for t in transfers})
    await asyncio.gather(d.countries.find({"_id": {"$in": codes}}).to_list(None),
                         d.transfer_mechanisms.find({"_id": {"$in": mechs}}).to_list(None))
    return len(acts)


async def measure_size(db: Database, counter: CommandCounter, n: int, repeat: int) -> dict[str, Any]:
    slug = f"bench-{n}"
    t0 = time.perf_counter()
    inventory = synthetic_inventory(slug, Size(activities=n))
    await store_inventory(db.repos, inventory, SeedReport(), progress=progress_bar(inventory_size(inventory)))
    load_s = time.perf_counter() - t0
    tune_garbage_collection()  # as `registry serve` does
    app = create_app(Settings(auth_required=False), db)
    api, warm, floor = [], [], []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost", timeout=600) as c:

        async def full_record() -> float:
            t = time.perf_counter()
            r = await c.post("/graphql", json={"query": FULL_RECORD_QUERY, "variables": {"slug": slug}})
            elapsed = time.perf_counter() - t
            body = r.json()
            assert "errors" not in body and len(body["data"]["organization"]["processingActivities"]) == n
            return elapsed

        other = Repositories(db.db)  # a second process on the same database, making the changes
        after_change = []
        for i in range(repeat + 1):  # the first round warms the process (imports, code paths), not the cache
            stored = await other.processing_activities.get(f"{slug}/activity-{(i * 37) % n + 1:05d}")
            assert stored is not None
            await Writer(other).update(other.processing_activities,
                                       dataclasses.replace(stored, name=f"{stored.name} (edited)"), stored.version,
                                       "benchmark")
            changed = await full_record()  # the first read after a one-activity change made elsewhere
            await db.repos.cache.changed()
            counter.counts.clear()
            counter.get_mores = 0
            cold = await full_record()  # a process holding nothing: every record read again
            commands, get_mores = dict(counter.counts), counter.get_mores
            hot = await full_record()
            t = time.perf_counter()
            assert await direct_fetch(db, slug) == n
            if i == 0:
                settle_heap()  # as `registry serve` does once its start-up fill holds the register
            if i:
                after_change.append(changed)
                api.append(cold)
                warm.append(hot)
                floor.append(time.perf_counter() - t)
    return {"n": n, "load_s": load_s, "api": api, "after_change": after_change, "warm": warm, "floor": floor,
            "commands": commands,
            "get_mores": get_mores, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def http_throughput(uri: str, activity_id: str, seconds: float, token: str | None,
                    clients: int = 32, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Point query and `{ __typename }` from `clients` concurrent connections against a real `registry serve`: by
    wrk (bench/wrk.py) when it is installed, else by httpx in this process (a lower ceiling on 2 cores)."""
    env = {"MONGODB_URI": uri, "REGISTRY_SEED_ON_EMPTY": "0", "REGISTRY_AUTH": "on" if token else "off", **(env or {})}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    point = {"query": POINT_QUERY, "variables": {"id": activity_id}}
    with registry_server(env) as (root, pid):
        base = f"{root}/graphql"
        r = httpx.post(base, json=point, headers=headers)
        assert r.status_code == 200 and r.json()["data"]["node"], r.text[:300]

        def by_wrk(payload: dict[str, Any]) -> tuple[int, int]:
            rate = wrk.load(base, seconds, {**headers, "Content-Type": "application/json"}, json.dumps(payload),
                            clients)
            answered = rate.requests_per_second * seconds * (rate.requests - rate.failed) / max(1, rate.requests)
            return round(answered), rate.failed

        async def by_httpx(payload: dict[str, Any]) -> tuple[int, int]:
            ok = errors = 0
            deadline = time.perf_counter() + seconds
            async with httpx.AsyncClient(timeout=30, headers=headers) as c:
                async def worker() -> None:
                    nonlocal ok, errors
                    while time.perf_counter() < deadline:
                        r = await c.post(base, json=payload)
                        if r.status_code == 200 and "errors" not in r.json():
                            ok += 1
                        else:
                            errors += 1
                await asyncio.gather(*(worker() for _ in range(clients)))
            return ok, errors

        def run(payload: dict[str, Any]) -> tuple[int, int]:
            return by_wrk(payload) if wrk.available() else asyncio.run(by_httpx(payload))

        typename_ok, e1 = run({"query": "{ __typename }"})
        point_ok, e2 = run(point)
        r = httpx.post(base, json=point, headers=headers)  # still the right answer after the load
        assert r.status_code == 200 and r.json()["data"]["node"], r.text[:300]
        with open(f"/proc/{pid}/status") as f:
            hwm = next(int(x.split()[1]) for x in f if x.startswith("VmHWM"))
    return {"typename_rps": typename_ok / seconds, "point_rps": point_ok / seconds, "errors": e1 + e2,
            "server_rss_mb": hwm / 1024, "client": "wrk" if wrk.available() else "httpx"}


async def main_async(sizes: list[int], repeat: int, http_seconds: float) -> str:
    counter = CommandCounter()
    async with bench_database("registrybench", [counter]) as (db, uri):
        results = []
        for n in sizes:
            print(f"… {n} activities", file=sys.stderr, flush=True)
            results.append(await measure_size(db, counter, n, repeat))
        http = http_auth = None
        if http_seconds > 0:
            import base64
            gid = base64.b64encode(f"ProcessingActivity:bench-{sizes[0]}/activity-00001".encode()).decode()
            http = await asyncio.to_thread(http_throughput, uri, gid, http_seconds, None)
            _, token = await create_token(db.repos, "benchmark", AccessRole.VIEWER)
            http_auth = await asyncio.to_thread(http_throughput, uri, gid, http_seconds, token)
    lines = ["| activities | (a') after a one-activity change elsewhere: median | (a) API, cold cache: median / p95 "
             "| (b) PyMongo floor: median / p95 | (a)/(b) | (c) queries (+ getMore) | (a) again, no change: median "
             "| load time | peak RSS |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        a, b, w = statistics.median(r["api"]), statistics.median(r["floor"]), statistics.median(r["warm"])
        c = statistics.median(r["after_change"])
        lines.append(f"| {r['n']:,} | {c*1000:.0f} ms | {a*1000:.0f} ms / {pct(r['api'], .95)*1000:.0f} ms | "
                     f"{b*1000:.0f} ms / "
                     f"{pct(r['floor'], .95)*1000:.0f} ms | {a/b:.2f}× | {sum(r['commands'].values())} "
                     f"(+{r['get_mores']}) | {w*1000:.0f} ms | {r['load_s']:.1f} s | {r['rss_mb']:.0f} MB |")
    lines += ["", "(c) by command: " + "; ".join(
        f"{r['n']:,}: " + ", ".join(f"{k} ×{v}" if v > 1 else k for k, v in sorted(r["commands"].items()))
        for r in results)]
    for label, h in (("access control off", http), ("access control on, a VIEWER token", http_auth)):
        if h:
            lines += ["", f"(d) {label}, 32 concurrent HTTP clients for {http_seconds:.0f} s each: point query "
                      f"{h['point_rps']:.0f} req/s, `{{ __typename }}` {h['typename_rps']:.0f} req/s "
                      f"({h['point_rps'] / h['typename_rps']:.0%}); errors {h['errors']}; "
                      f"(e) uvicorn peak RSS {h['server_rss_mb']:.0f} MB."]
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="200,2000", help="comma-separated activity counts")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--http-seconds", type=float, default=10, help="0 skips (d)")
    a = p.parse_args()
    print(asyncio.run(main_async([int(s) for s in a.sizes.split(",")], a.repeat, a.http_seconds)))


if __name__ == "__main__":
    main()
