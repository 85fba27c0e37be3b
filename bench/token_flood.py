"""A flood of made-up token keys beside a real client: what it costs the client's point query.

Run: `.venv/bin/python -m bench.token_flood [--flooders 16] [--samples 200]`. It starts its own embedded FerretDB
and `registry serve`, measures the median of a point query alone, then again while `--flooders` clients send
well-formed random tokens as fast as they are answered (each gets 401), and prints both with the flood's rate.
`--malformed` sends tokens that fail the format check instead: the floor, where no token is looked up at all.
Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.server import registry_server
from registry.config import PROJECT_ROOT
from registry.storage.embedded import EmbeddedFerretDB

POINT = '{ organization(slug: "januscaler") { legalName } }'


async def median_ms(c: httpx.AsyncClient, samples: int) -> float:
    times = []
    for _ in range(samples):
        t = time.perf_counter()
        r = await c.post("/graphql", json={"query": POINT})
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200 and "errors" not in r.json(), r.text
    return statistics.median(times)


async def drive(base: str, token: str, flooders: int, samples: int, malformed: bool) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as c:
        await median_ms(c, 20)  # warm up
        idle = await median_ms(c, samples)
        stop = asyncio.Event()
        refused = 0

        async def flood() -> None:
            nonlocal refused
            async with httpx.AsyncClient(base_url=base, timeout=30) as f:
                while not stop.is_set():
                    fake = f"rgy_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"
                    fake = fake.upper() if malformed else fake
                    r = await f.post("/graphql", json={"query": POINT}, headers={"Authorization": f"Bearer {fake}"})
                    assert r.status_code == 401, r.status_code
                    refused += 1

        tasks = [asyncio.create_task(flood()) for _ in range(flooders)]
        t = time.perf_counter()
        busy = await median_ms(c, samples)
        elapsed = time.perf_counter() - t
        stop.set()
        await asyncio.gather(*tasks)
    return {"idle_ms": idle, "flooded_ms": busy, "refused_per_s": refused / elapsed}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--flooders", type=int, default=16)
    p.add_argument("--samples", type=int, default=200)
    p.add_argument("--malformed", action="store_true", help="flood with tokens that fail the format check")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp, EmbeddedFerretDB(PROJECT_ROOT / "bin" / "ferretdb", Path(tmp)) as fdb:
        uri = fdb.uri.rsplit("/", 1)[0] + "/registryflood"
        env = {**os.environ, "MONGODB_URI": uri, "REGISTRY_BOOTSTRAP_ADMIN": "0"}
        subprocess.run([sys.executable, "-m", "registry", "seed"], env=env, check=True, capture_output=True)
        made = subprocess.run([sys.executable, "-m", "registry", "token", "create", "--role", "viewer", "--name",
                               "flood"], env=env, check=True, capture_output=True, text=True)
        token = made.stdout.strip().splitlines()[-1]
        with registry_server(env, quiet=True) as (base, _):
            result = asyncio.run(drive(base, token, args.flooders, args.samples, args.malformed))
    print(f"point query median: {result['idle_ms']:.1f} ms alone, {result['flooded_ms']:.1f} ms beside "
          f"{args.flooders} clients sending {'malformed' if args.malformed else 'made-up'} tokens "
          f"({result['refused_per_s']:.0f} refused per second)")


if __name__ == "__main__":
    main()
