"""Benchmark of the data map (issue #14). Run: `./dev setup`, then
`.venv/bin/python -m bench.datamap [--activities 2000] [--svg]`.

Loads a synthetic register (bench/generate.py) into a throwaway embedded FerretDB, serves it with a real
`registry serve`, opens /organizations/{slug}/data-map in headless Chromium (Debian's package) and prints the
time from navigation to the map drawn (ELK's layout done and the SVG in the page), measured by the browser; then
the same for the page filtered to one destination, and (with --svg) the time to the static picture.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import time

import httpx

from bench.generate import Size, synthetic_inventory
from bench.server import bench_database, registry_server
from registry.cli import progress_bar
from registry.domain.enums import AccessRole
from registry.services.seeding import SeedReport, store_inventory
from registry.services.tokens import create_token


def in_browser(base: str, token: str, slug: str) -> list[str]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    lines = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.set_extra_http_headers({"Authorization": f"Bearer {token}"})
        for visit in ("first visit", "again (the register's cache warm)"):
            start = time.perf_counter()
            page.goto(f"{base}/organizations/{slug}/data-map", wait_until="commit", timeout=120_000)
            page.wait_for_selector("html[data-rendered=true]", timeout=120_000)
            wall = time.perf_counter() - start
            t = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
                return {server: n.responseStart - n.requestStart, loaded: n.responseEnd,
                        interactive: n.domInteractive, drawn: performance.now()}; }""")
            error = page.evaluate("document.documentElement.dataset.error || ''")
            boxes, drawn = page.locator("g.node").count(), page.locator("path.edge").count()
            transfers = page.locator("path.edge.transfer").count()
            lines.append(f"- whole map, {visit}: {boxes} boxes, {drawn} lines ({transfers} transfers) drawn "
                         f"{t['drawn'] / 1000:.2f} s after navigation: the server answered in "
                         f"{t['server'] / 1000:.2f} s, the page was in by {t['loaded'] / 1000:.2f} s, scripts parsed "
                         f"by {t['interactive'] / 1000:.2f} s, ELK's layout and the drawing took "
                         f"{int(page.evaluate('document.documentElement.dataset.renderMs')) / 1000:.2f} s "
                         f"({wall:.2f} s seen from the test driver){' ERROR ' + error if error else ''}")
        first = page.locator("select[name=destination] option").nth(1).get_attribute("value")
        start = time.perf_counter()
        page.select_option("select[name=destination]", first)
        page.wait_for_selector("html[data-rendered=true]", timeout=120_000)
        lines.append(f"- filtered to {first}: {page.locator('g.node').count()} boxes in "
                     f"{time.perf_counter() - start:.2f} s")
        browser.close()
    return lines


async def main_async(activities: int, svg: bool) -> str:
    async with bench_database("registrydatamapbench") as (db, uri):
        slug = f"map-{activities}"
        inventory = synthetic_inventory(slug, Size(activities=activities))
        await store_inventory(db.repos, inventory, SeedReport(), progress=progress_bar(inventory.size()))
        _, token = await create_token(db.repos, "data map benchmark", AccessRole.VIEWER)
        with registry_server({"MONGODB_URI": uri, "REGISTRY_SEED_ON_EMPTY": "0"}, quiet=True) as (base, _):
            lines = [f"Data map of a {activities}-activity synthetic organisation (bench/generate.py):"]
            lines += await asyncio.to_thread(in_browser, base, token, slug)
            if svg:
                start = time.perf_counter()
                async with httpx.AsyncClient(timeout=300, headers={"Authorization": f"Bearer {token}"}) as c:
                    r = await c.get(f"{base}/organizations/{slug}/data-map.svg")
                lines.append(f"- static SVG (Graphviz dot): HTTP {r.status_code}, {len(r.content) / 1e6:.1f} MB in "
                             f"{time.perf_counter() - start:.1f} s")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--activities", type=int, default=2000)
    p.add_argument("--svg", action="store_true", help="also time the static picture")
    a = p.parse_args()
    print(asyncio.run(main_async(a.activities, a.svg)), file=sys.stdout)


if __name__ == "__main__":
    main()
