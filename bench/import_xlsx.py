"""Benchmark of a large spreadsheet import. Run: `./dev setup`, then
`.venv/bin/python -m bench.import_xlsx [--activities 2000]`.

Starts its own embedded FerretDB in a throwaway folder (or uses MONGODB_URI), loads the reference data, and
writes a synthetic register (bench/generate.py: 2,000 activities with their purposes, 300 data categories, 500
subprocessors, transfers and retention rules) as the registry's workbook (XLSX). Then, as `registry import` does:
  - plans the workbook against the register (reading, checking every cell, merging, validating, comparing);
  - applies the plan (every record written with its history entry);
  - plans the same workbook again, which must find nothing to do.
Prints the workbook's size and a Markdown table of the timings. Targets: plan < 30 s, apply < 2 min.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import Size, synthetic_inventory
from registry.cli import progress_bar
from registry.config import PROJECT_ROOT, Settings
from registry.services.inventory_sync import apply
from registry.services.registers import read_reference
from registry.services.seeding import seed
from registry.services.spreadsheets import export_workbook, plan_workbook
from registry.storage.database import open_database
from registry.storage.embedded import EmbeddedFerretDB


async def run(uri: str, activities: int) -> None:
    async with open_database(Settings(mongodb_uri=uri)) as db:
        empty_seed = Path(tempfile.mkdtemp()) / "seed"
        (empty_seed / "organizations").mkdir(parents=True)
        (empty_seed / "reference").symlink_to(PROJECT_ROOT / "seed" / "reference")
        await seed(db.repos, empty_seed)
        ref = await read_reference(db.repos)
        inv = synthetic_inventory("bench-xlsx", Size(activities=activities))
        t = time.perf_counter()
        content = export_workbook(inv, ref)
        written = time.perf_counter() - t
        rows = inv.size()
        print(f"Workbook: {len(content) / 1e6:.1f} MB, {activities} activities, {rows} records; written in "
              f"{written:.1f} s", file=sys.stderr)
        limit = max(10 * activities, 1000)
        t = time.perf_counter()
        plan = await plan_workbook(db.repos, content, "xlsx", "bench.xlsx", "bench-xlsx", max_rows=limit)
        planned = time.perf_counter() - t
        assert not plan.problems, plan.problems[:5]
        assert plan.plan is not None
        counts = plan.counts
        t = time.perf_counter()
        conflicts = await apply(db.repos, plan.plan, "import:bench.xlsx", progress_bar(plan.plan.size))
        applied = time.perf_counter() - t
        assert not conflicts
        t = time.perf_counter()
        again = await plan_workbook(db.repos, content, "xlsx", "bench.xlsx", "bench-xlsx", max_rows=limit)
        replanned = time.perf_counter() - t
        assert again.plan is not None and again.plan.empty, again.lines()[-1]
        history = await db.repos.history.count()
    print(f"\n| activities | records created | plan (empty register) | apply | plan again (no change) | "
          f"history entries |\n|---:|---:|---:|---:|---:|---:|\n| {activities:,} | {counts['create']:,} | "
          f"{planned:.1f} s | {applied:.1f} s | {replanned:.1f} s | {history:,} |")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--activities", type=int, default=2000)
    args = p.parse_args()
    if os.environ.get("MONGODB_URI"):
        asyncio.run(run(os.environ["MONGODB_URI"].rstrip("/") + "/benchxlsx", args.activities))
        return
    with tempfile.TemporaryDirectory() as d, EmbeddedFerretDB(PROJECT_ROOT / "bin" / "ferretdb", Path(d)) as fdb:
        asyncio.run(run(fdb.uri, args.activities))


if __name__ == "__main__":
    main()
