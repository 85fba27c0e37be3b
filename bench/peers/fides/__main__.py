"""The registry beside Ethyca Fides, on the same machine, in one run. Run from the project root:
`.venv/bin/python -m bench.peers.fides [--size 2000] [--repeat 5] [--http-seconds 10] [--registry-only 20000]`.

Fides gets its own virtual environment (bench/out/fides-venv, ethyca-fides pinned below), PostgreSQL 15 and Redis
from Debian packages as throwaway instances on free loopback ports with their data under bench/out/fides-run,
and its webserver on loopback with OAuth on. The same synthetic shape as bench/generate.py is loaded into both:
`size` systems with 3 privacy declarations of 8 data categories each in Fides, `size` activities with 8 data
categories and 3 purposes each in the registry. Then, one after the other:
  - Fides' full listing `GET /api/v1/system` (every system with its declarations), median of `repeat`, measured
    before and after the registry's figures (the median of both rounds is reported);
  - the registry's full nested record right after another process edited one activity, then from an empty read
    cache, then repeated (bench/run.py: measure_size);
  - the repeat again with the answer's ETag, which must come back `304 Not Modified` with no body;
  - point reads from 32 concurrent connections (wrk) for `http-seconds`: Fides' `GET /api/v1/system/{fides_key}`, the
    registry's point query (bench/run.py: http_throughput) with a VIEWER token, with and without the response
    cache;
  - peak resident memory of each server.
Everything it started is stopped on exit, also on Ctrl-C. Needs root (apt-get, and PostgreSQL runs as the
`postgres` user). Not part of CI.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import base64
import contextlib
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench import wrk
from bench.commands import CommandCounter
from bench.generate import FULL_RECORD_QUERY
from bench.run import http_throughput, measure_size
from registry.app import create_app
from registry.config import PROJECT_ROOT, Settings
from registry.domain.enums import AccessRole
from registry.services.seeding import seed
from registry.services.tokens import create_token
from registry.storage.database import open_database
from registry.storage.embedded import EmbeddedFerretDB, free_port

FIDES_VERSION = "2.78.2"
OUT = PROJECT_ROOT / "bench" / "out"
VENV = OUT / "fides-venv"
RUN = OUT / "fides-run"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
CLIENT_ID, CLIENT_SECRET = "benchroot", "bench-root-secret-not-for-production"

_stack = contextlib.ExitStack()


def say(text: str) -> None:
    print(f"… {text}", file=sys.stderr, flush=True)


def ensure_debian_packages() -> None:
    missing = [pkg for pkg, path in (("postgresql", PG_BIN / "initdb"), ("redis-server", Path("/usr/bin/redis-server")),
                                     ("wrk", Path("/usr/bin/wrk"))) if not path.exists()]
    if missing:
        say(f"installing {', '.join(missing)} from Debian")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def ensure_fides() -> Path:
    python = VENV / "bin" / "python"
    check = [str(python), "-c", "import importlib.metadata as m; print(m.version('ethyca-fides'))"]
    if python.exists() and subprocess.run(check, capture_output=True, text=True).stdout.strip() == FIDES_VERSION:
        return python
    say(f"installing ethyca-fides=={FIDES_VERSION} into {VENV} (a few minutes)")
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", f"ethyca-fides=={FIDES_VERSION}"], check=True)
    return python


def start(cmd: list[str], log: Path, **kw: Any) -> subprocess.Popen[bytes]:
    """A child process in its own process group, stopped (the whole group) when this script exits."""
    out = log.open("wb")
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **kw)

    def stop() -> None:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        out.close()

    _stack.callback(stop)
    return proc


def start_postgres() -> int:
    data = RUN / "pg"
    shutil.rmtree(RUN, ignore_errors=True)
    data.mkdir(parents=True)
    shutil.chown(RUN, "postgres")
    shutil.chown(data, "postgres")
    as_pg = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*as_pg, str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
                   check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    # postgres itself, in the foreground of its own process group, so the exit handler stops exactly it.
    start([*as_pg, str(PG_BIN / "postgres"), "-D", str(data), "-p", str(port), "-k", str(data),
           "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"], RUN / "postgres.log")
    deadline = time.monotonic() + 30
    while subprocess.run([str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
                         capture_output=True).returncode != 0:
        if time.monotonic() > deadline:
            raise RuntimeError(f"PostgreSQL did not start; see {RUN / 'postgres.log'}")
        time.sleep(0.3)
    subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-qc", "CREATE DATABASE fides"],
                   check=True)
    return port


def start_redis() -> int:
    port = free_port()
    start(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
           "--requirepass", "redispass"], RUN / "redis.log")
    return port


def start_fides(python: Path, pg_port: int, redis_port: int) -> tuple[str, int]:
    port = free_port()
    env = {
        **os.environ,
        "FIDES__DATABASE__SERVER": "127.0.0.1", "FIDES__DATABASE__PORT": str(pg_port),
        "FIDES__DATABASE__USER": "postgres", "FIDES__DATABASE__PASSWORD": "postgres", "FIDES__DATABASE__DB": "fides",
        "FIDES__REDIS__HOST": "127.0.0.1", "FIDES__REDIS__PORT": str(redis_port),
        "FIDES__REDIS__PASSWORD": "redispass", "FIDES__REDIS__ENABLED": "true",
        "FIDES__SECURITY__APP_ENCRYPTION_KEY": "OLMkv91j8DHiDAULnK5Lxx3kSCov30b3",
        "FIDES__SECURITY__OAUTH_ROOT_CLIENT_ID": CLIENT_ID, "FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET": CLIENT_SECRET,
        "FIDES__SECURITY__ENV": "prod", "FIDES__USER__ANALYTICS_OPT_OUT": "true",
        "FIDES__LOGGING__LEVEL": "WARNING", "FIDES__EXECUTION__TASK_ALWAYS_EAGER": "true",
    }
    proc = start([str(python), "-m", "uvicorn", "fides.api.main:app", "--host", "127.0.0.1", "--port", str(port),
                  "--log-level", "warning", "--no-access-log"], RUN / "fides.log", env=env, cwd=RUN)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300  # the first start runs Fides' migrations
    while True:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                return base, proc.pid
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"Fides did not start (exit code {proc.poll()}); see {RUN / 'fides.log'}")
        time.sleep(1)


def fides_token(base: str) -> str:
    r = httpx.post(f"{base}/api/v1/oauth/token", data={"grant_type": "client_credentials", "client_id": CLIENT_ID,
                                                        "client_secret": CLIENT_SECRET})
    r.raise_for_status()
    return str(r.json()["access_token"])


def load_fides(c: httpx.Client, n: int) -> list[str]:
    """`n` systems, each with 3 privacy declarations of 8 data categories, from Fides' default taxonomy."""
    rnd = random.Random(7)
    categories = [x["fides_key"] for x in c.get("/api/v1/data_category").json() if x["fides_key"].startswith("user.")]
    uses = [x["fides_key"] for x in c.get("/api/v1/data_use").json()]
    subjects = [x["fides_key"] for x in c.get("/api/v1/data_subject").json()]
    keys = [f"system_{i:05d}" for i in range(n)]
    for start_at in range(0, n, 200):
        systems = [{
            "fides_key": key, "name": f"System {key}", "organization_fides_key": "default_organization",
            "system_type": "Service", "description": "Synthetic system",
            "privacy_declarations": [
                {"name": f"Declaration {d}", "data_use": rnd.choice(uses), "data_categories": rnd.sample(categories, 8),
                 "data_subjects": rnd.sample(subjects, 2)}
                for d in range(3)
            ],
        } for key in keys[start_at:start_at + 200]]
        r = c.post("/api/v1/system/upsert", json=systems)
        if r.status_code >= 300:
            raise RuntimeError(f"Fides refused the systems ({r.status_code}): {r.text[:500]}")
    return keys


def fides_listing(c: httpx.Client, n: int, repeat: int) -> list[float]:
    times = []
    for i in range(repeat + 1):  # the first round warms the server's code paths
        t = time.perf_counter()
        r = c.get("/api/v1/system")
        elapsed = time.perf_counter() - t
        body = r.json()
        assert r.status_code == 200 and len(body) == n, (r.status_code, str(body)[:300])
        assert all(len(s["privacy_declarations"]) == 3 for s in body), "the listing holds every declaration"
        if i:
            times.append(elapsed)
    return times


def fides_point_reads(base: str, token: str, key: str, seconds: float, clients: int = 32) -> tuple[float, int]:
    """`GET /api/v1/system/{key}` from `clients` connections, by wrk (bench/wrk.py) as the registry's point reads."""
    r = httpx.get(f"{base}/api/v1/system/{key}", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json()["fides_key"] == key, r.text[:300]
    rate = wrk.load(f"{base}/api/v1/system/{key}", seconds, {"Authorization": f"Bearer {token}"}, None, clients)
    return rate.requests_per_second * (rate.requests - rate.failed) / max(1, rate.requests), rate.failed


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory of a process and its children that are still running (uvicorn has none here)."""
    with open(f"/proc/{pid}/status") as f:
        return next(int(x.split()[1]) for x in f if x.startswith("VmHWM")) / 1024


async def registry_figures(sizes: list[int], repeat: int, http_seconds: float) -> dict[str, Any]:
    """The registry's side, from bench/run.py's own measurements, on an embedded FerretDB of its own."""
    counter = CommandCounter()
    out: dict[str, Any] = {"sizes": []}
    with tempfile.TemporaryDirectory() as tmp:
        fdb = EmbeddedFerretDB(PROJECT_ROOT / "bin" / "ferretdb", Path(tmp)).start()
        uri = fdb.uri.rsplit("/", 1)[0] + "/registrypeer"
        try:
            settings = Settings(mongodb_uri=uri)
            async with open_database(settings, event_listeners=[counter], socketTimeoutMS=900_000) as db:
                await seed(db.repos, settings.seed_dir)
                for i, n in enumerate(sizes):
                    say(f"registry: {n:,} activities")
                    try:
                        r = await measure_size(db, counter, n, repeat)
                        r["not_modified"] = await not_modified(db, n, repeat)
                    except Exception as e:
                        if not i:
                            raise
                        say(f"registry at {n:,} activities failed, figures left out: {e!r}")
                        break
                    out["sizes"].append(r)
                    if not i and http_seconds > 0:  # point reads against the same size as Fides holds
                        gid = base64.b64encode(f"ProcessingActivity:bench-{n}/activity-00001".encode()).decode()
                        _, token = await create_token(db.repos, "benchmark", AccessRole.VIEWER)
                        say("registry: point query, 32 clients, response cache on")
                        out["http"] = await asyncio.to_thread(http_throughput, uri, gid, http_seconds, token)
                        say("registry: point query, 32 clients, response cache off")
                        out["http_off"] = await asyncio.to_thread(
                            http_throughput, uri, gid, http_seconds, token, env={"REGISTRY_RESPONSE_CACHE_BYTES": "0"})
                await db.client.drop_database(db.db.name)
        finally:
            fdb.stop()
    return out


async def not_modified(db: Any, n: int, repeat: int) -> list[float]:
    """The full record asked again with the ETag of the answer held: `304 Not Modified`, no body."""
    app = create_app(Settings(auth_required=False), db)
    payload = {"query": FULL_RECORD_QUERY, "variables": {"slug": f"bench-{n}"}}
    times = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost", timeout=600) as c:
        etag = (await c.post("/graphql", json=payload)).headers["etag"]
        for _ in range(repeat):
            t = time.perf_counter()
            r = await c.post("/graphql", json=payload, headers={"If-None-Match": etag})
            times.append(time.perf_counter() - t)
            assert r.status_code == 304 and r.content == b"", (r.status_code, r.content[:200])
    return times


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", type=int, default=2000, help="systems in Fides, activities in the registry")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--http-seconds", type=float, default=10)
    p.add_argument("--registry-only", default="", help="further registry sizes, comma-separated (e.g. 20000)")
    a = p.parse_args()
    if os.geteuid() != 0:
        sys.exit("Run as root: PostgreSQL and Redis come from Debian packages and PostgreSQL runs as `postgres`.")
    atexit.register(_stack.close)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ensure_debian_packages()
    python = ensure_fides()
    with _stack:
        say("starting PostgreSQL, Redis and Fides")
        base, fides_pid = start_fides(python, start_postgres(), start_redis())
        token = fides_token(base)
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=600) as c:
            say(f"Fides: loading {a.size:,} systems")
            t = time.perf_counter()
            keys = load_fides(c, a.size)
            fides_load = time.perf_counter() - t
            say("Fides: full listing")
            listing = fides_listing(c, a.size, a.repeat)
            sizes = [a.size] + [int(s) for s in a.registry_only.split(",") if s.strip()]
            reg = asyncio.run(registry_figures(sizes, a.repeat, a.http_seconds))
            say("Fides: full listing again, then point reads")
            listing += fides_listing(c, a.size, a.repeat)
        point_rps, point_errors = fides_point_reads(base, token, keys[1], a.http_seconds) if a.http_seconds else (0, 0)
        fides_rss = peak_rss_mb(fides_pid)
    print(table(a, listing, fides_load, point_rps, point_errors, fides_rss, reg))


def table(a: argparse.Namespace, listing: list[float], fides_load: float, point_rps: float, point_errors: int,
          fides_rss: float, reg: dict[str, Any]) -> str:
    f = statistics.median(listing)
    r = reg["sizes"][0]
    changed, cold, warm, nm = (statistics.median(r[k]) for k in ("after_change", "api", "warm", "not_modified"))
    ms = lambda s: f"{s * 1000:,.0f} ms" if s >= 0.01 else f"{s * 1000:.1f} ms"  # noqa: E731
    lines = [f"Fides {FIDES_VERSION}: {a.size:,} systems; the registry: {a.size:,} activities; medians of "
             f"{len(listing)} and {a.repeat} runs.", "",
             "| measure | Fides | registry | registry / Fides |", "|---|---:|---:|---:|",
             f"| whole register, first read after a change (registry: one activity edited by another process) | "
             f"{ms(f)} | {ms(changed)} | {changed / f:.2f} |",
             f"| whole register, first read by a process holding nothing (registry: empty read cache) | {ms(f)} | "
             f"{ms(cold)} | {cold / f:.2f} |",
             f"| whole register again, no change in between | {ms(f)} | {ms(warm)} | {warm / f:.3f} |",
             f"| whole register again with its ETag: `304`, no body | {ms(f)} | {ms(nm)} | {nm / f:.4f} |"]
    if "http" in reg:
        h, off = reg["http"], reg["http_off"]
        lines += [f"| point read, 32 clients (req/s; registry: VIEWER token) | {point_rps:,.0f} | "
                  f"{h['point_rps']:,.0f} | {h['point_rps'] / point_rps:.1f}× |",
                  f"| the same, registry's response cache off | {point_rps:,.0f} | {off['point_rps']:,.0f} | "
                  f"{off['point_rps'] / point_rps:.1f}× |",
                  f"| peak RSS of the server during the point reads | {fides_rss:.0f} MB | "
                  f"{h['server_rss_mb']:.0f} MB | |"]
    lines += ["", f"Errors: Fides point reads {point_errors}; registry point queries "
              f"{reg.get('http', {}).get('errors', 0)} and {reg.get('http_off', {}).get('errors', 0)}. "
              f"Load time: Fides {fides_load:.1f} s (bulk upsert), the registry {r['load_s']:.1f} s. "
              f"Registry PyMongo floor (bench/run.py (b)): {ms(statistics.median(r['floor']))}."]
    for s in reg["sizes"]:
        lines.append(f"Registry at {s['n']:,} activities: after a one-activity change "
                     f"{ms(statistics.median(s['after_change']))}, cold {ms(statistics.median(s['api']))}, again "
                     f"{ms(statistics.median(s['warm']))}, with ETag {ms(statistics.median(s['not_modified']))}, "
                     f"floor {ms(statistics.median(s['floor']))}, peak RSS of the measuring process "
                     f"{s['rss_mb']:.0f} MB.")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
