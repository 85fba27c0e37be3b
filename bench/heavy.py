"""Benchmark of heavy queries beside light ones (issue #11). Run: `./dev setup`, then
`.venv/bin/python -m bench.heavy [--activities 2000] [--seconds 10]`.

Starts its own embedded FerretDB in a throwaway folder (or uses MONGODB_URI), loads the seed and a synthetic
register, and serves it with a real `registry serve` (uvicorn, access control on). Prints:
  - the history of every activity of every organisation in one query, and the same thirty times over in
    aliases: how long each takes, and whether it is answered or refused (and how fast the refusal comes);
  - the point query's median latency from 4 clients, idle, then while 10 clients send the whole register of
    the synthetic organisation again and again.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import statistics
import sys
import time
from typing import Any

import httpx

from bench.generate import FULL_RECORD_QUERY, Size, synthetic_inventory
from bench.run import POINT_QUERY
from bench.server import bench_database, registry_server
from registry.cli import progress_bar
from registry.domain.enums import AccessRole
from registry.services.seeding import SeedReport, store_inventory
from registry.services.tokens import create_token

HISTORY = "{ organizations { processingActivities { history { version actor changes { field before after } } } } }"


def aliased(query: str, n: int) -> str:
    body = query.strip()[1:-1].strip()
    return "{ " + " ".join(f"a{i}: {body}" for i in range(n)) + " }"


async def timed(c: httpx.AsyncClient, url: str, payload: dict[str, Any]) -> tuple[float, str]:
    start = time.perf_counter()
    r = await c.post(url, json=payload)
    elapsed = time.perf_counter() - start
    body = r.json()
    errors = body.get("errors") or []
    outcome = "answered" if not errors else errors[0].get("extensions", {}).get("reason") or errors[0]["message"]
    return elapsed, f"{outcome} ({len(r.content) / 1e6:.1f} MB)"


async def point_latencies(c: httpx.AsyncClient, url: str, activity: str, seconds: float,
                          clients: int = 4) -> list[float]:
    out: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            t = time.perf_counter()
            r = await c.post(url, json={"query": POINT_QUERY, "variables": {"id": activity}})
            assert r.status_code == 200 and "errors" not in r.json(), r.text[:300]
            out.append(time.perf_counter() - t)

    await asyncio.gather(*(worker() for _ in range(clients)))
    return out


async def measure(base: str, token: str, slug: str, seconds: float) -> list[str]:
    url = f"{base}/graphql"
    activity = base64.b64encode(f"ProcessingActivity:{slug}/activity-00001".encode()).decode()
    lines = []
    async with httpx.AsyncClient(timeout=300, headers={"Authorization": f"Bearer {token}"}) as c:
        await timed(c, url, {"query": POINT_QUERY, "variables": {"id": activity}})  # warm the server
        for label, query in (("history of every activity", HISTORY),
                             ("the same, 30 aliases", aliased(HISTORY, 30))):
            elapsed, outcome = await timed(c, url, {"query": query})
            lines.append(f"- {label}: {outcome} in {elapsed * 1000:.0f} ms")
        idle = await point_latencies(c, url, activity, seconds)
        stop = asyncio.Event()
        heavy_done = 0

        async def heavy() -> None:
            nonlocal heavy_done
            while not stop.is_set():
                r = await c.post(url, json={"query": FULL_RECORD_QUERY, "variables": {"slug": slug}})
                assert r.status_code in (200, 400), r.text[:300]
                heavy_done += 1

        loaders = [asyncio.create_task(heavy()) for _ in range(10)]
        await asyncio.sleep(1)
        busy = await point_latencies(c, url, activity, seconds)
        stop.set()
        await asyncio.gather(*loaders)
    i, b = statistics.median(idle), statistics.median(busy)
    lines.append(f"- point query median, 4 clients: idle {i * 1000:.1f} ms ({len(idle)} requests); beside 10 "
                 f"clients sending the whole {slug} register {b * 1000:.1f} ms ({len(busy)} requests, "
                 f"{heavy_done} whole registers served): ×{b / i:.2f}")
    return lines


async def main_async(activities: int, seconds: float) -> str:
    async with bench_database("registryheavybench") as (db, uri):
        slug = f"heavy-{activities}"
        inventory = synthetic_inventory(slug, Size(activities=activities))
        await store_inventory(db.repos, inventory, SeedReport(), progress=progress_bar(inventory.size()))
        _, token = await create_token(db.repos, "heavy benchmark", AccessRole.VIEWER)
        with registry_server({"MONGODB_URI": uri, "REGISTRY_SEED_ON_EMPTY": "0"}, quiet=True) as (base, _):
            lines = await measure(base, token, slug, seconds)
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--activities", type=int, default=2000)
    p.add_argument("--seconds", type=float, default=10)
    a = p.parse_args()
    print(asyncio.run(main_async(a.activities, a.seconds)), file=sys.stdout)


if __name__ == "__main__":
    main()
