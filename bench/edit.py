"""Benchmark of a one-field edit as the privacy team makes it. Run: `./dev setup`, then
`.venv/bin/python -m bench.edit [--sizes 200,2000,20000] [--repeat 5]`.

Starts its own embedded FerretDB in a throwaway folder (or uses MONGODB_URI), loads a synthetic register of each
size through the registry's repositories, and sends `updateProcessingActivity` changing one field (the
description) of activities near the start, the middle and the end of the collection, through the GraphQL API
(in process, over ASGI) with an EDITOR token, access control on. Prints a Markdown table per size:
  - the database commands one edit sends (PyMongo command monitoring), by name;
  - the median latency of an edit, and the part of it spent outside database calls (latency minus the time the
    driver reports for the edit's commands), which is the registry's own cost.
The register grows between sizes (the sizes accumulate in one database), as a real one would.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import statistics
import sys
import time
from collections import Counter
from typing import Any

import httpx
from pymongo import monitoring

from bench.commands import IGNORED
from bench.generate import Size, synthetic_inventory
from bench.server import bench_database
from registry.app import create_app
from registry.cli import progress_bar
from registry.config import Settings
from registry.domain.enums import AccessRole
from registry.services.seeding import SeedReport, store_inventory
from registry.services.tokens import create_token
from registry.storage.database import Database

UPDATE = """mutation($id: ID!, $v: Int!, $d: String!) {
  updateProcessingActivity(input: {id: $id, version: $v, set: {description: $d}}) {
    processingActivity { version } userErrors { code message } } }"""


class TimedCounter(monitoring.CommandListener):
    """The commands sent, by name, and the time the driver reports for them."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.micros = 0

    def reset(self) -> None:
        self.counts.clear()
        self.micros = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name not in IGNORED:
            self.counts[f"{event.command_name} {event.command.get(event.command_name)}"] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        if event.command_name not in IGNORED:
            self.micros += event.duration_micros

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        if event.command_name not in IGNORED:
            self.micros += event.duration_micros


def gid(activity_id: str) -> str:
    return base64.b64encode(f"ProcessingActivity:{activity_id}".encode()).decode()


async def measure_size(db: Database, counter: TimedCounter, token: str, n: int, repeat: int) -> dict[str, Any]:
    slug = f"edit-{n}"
    inventory = synthetic_inventory(slug, Size(activities=n))
    await store_inventory(db.repos, inventory, SeedReport(), progress=progress_bar(inventory.size()))
    total = await db.repos.processing_activities.count()
    ids = [a.id for a in inventory.processing_activities]
    targets = [ids[len(ids) // 10], ids[len(ids) // 2], ids[len(ids) * 9 // 10]]
    versions = {t: 1 for t in targets}
    app = create_app(Settings(), db)
    latency, outside, commands = [], [], []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost", timeout=600,
                                 headers={"Authorization": f"Bearer {token}"}) as c:
        for i in range(repeat + 1):  # the first round warms the process, and is not counted
            for t in targets:
                counter.reset()
                start = time.perf_counter()
                r = await c.post("/graphql", json={"query": UPDATE, "variables": {
                    "id": gid(t), "v": versions[t], "d": f"edit {i} of {t}"}})
                elapsed = time.perf_counter() - start
                body = r.json()["data"]["updateProcessingActivity"]
                assert not body["userErrors"], body
                versions[t] = body["processingActivity"]["version"]
                if i:
                    latency.append(elapsed)
                    outside.append(elapsed - counter.micros / 1e6)
                    commands.append(dict(counter.counts))
    return {"n": n, "stored": total, "latency": latency, "outside": outside, "commands": commands}


async def main_async(sizes: list[int], repeat: int) -> str:
    counter = TimedCounter()
    async with bench_database("registryeditbench", [counter]) as (db, _):
        _, token = await create_token(db.repos, "edit benchmark", AccessRole.EDITOR)
        results = []
        for n in sizes:
            print(f"… {n} activities", file=sys.stderr, flush=True)
            results.append(await measure_size(db, counter, token, n, repeat))
    lines = ["| activities (stored) | commands per edit | median latency | median outside database calls |",
             "|---:|---:|---:|---:|"]
    for r in results:
        counts = {sum(c.values()) for c in r["commands"]}
        lines.append(f"| {r['n']:,} ({r['stored']:,}) | {'/'.join(str(x) for x in sorted(counts))} | "
                     f"{statistics.median(r['latency']) * 1000:.1f} ms | "
                     f"{statistics.median(r['outside']) * 1000:.1f} ms |")
    first, last = results[0], results[-1]
    lines += ["", "Commands of one edit at " + ", ".join(
        f"{r['n']:,}: " + ", ".join(f"{k} ×{v}" if v > 1 else k for k, v in sorted(r["commands"][-1].items()))
        for r in results)]
    if len(results) > 1:
        lines += ["", f"From {first['n']:,} to {last['n']:,} activities: latency ×"
                  f"{statistics.median(last['latency']) / statistics.median(first['latency']):.2f}, time outside "
                  f"database calls ×{statistics.median(last['outside']) / statistics.median(first['outside']):.2f}."]
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="200,2000,20000", help="comma-separated activity counts")
    p.add_argument("--repeat", type=int, default=5)
    a = p.parse_args()
    print(asyncio.run(main_async([int(s) for s in a.sizes.split(",")], a.repeat)))


if __name__ == "__main__":
    main()
