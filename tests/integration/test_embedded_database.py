"""The embedded FerretDB as a supervised, private part of the registry: real processes, real kills.

- Nobody else can reach it: no TCP listener at all (the debug listener only when asked for), a 0700 folder.
- kill -9 of the registry takes its FerretDB along; a FerretDB orphaned anyway keeps the data folder locked
  and is stopped before a new one starts, so two never serve the same SQLite files.
- Readiness reads real data: a FerretDB whose SQLite is wedged is reported not ready, though it answers pings.
- A crashed or wedged FerretDB is restarted by the registry, and no zombie is left.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pymongo
import pytest

from bench.server import registry_server
from registry.app import create_app
from registry.config import PROJECT_ROOT, Settings
from registry.storage.database import open_database
from registry.storage.embedded import GOGC, PID_NAME, EmbeddedFerretDB
from registry.storage.supervisor import supervise

pytestmark = [pytest.mark.faults, pytest.mark.subprocess]
BINARY = PROJECT_ROOT / "bin" / "ferretdb"


def alive(pid: int) -> bool:
    """Running, and not a zombie waiting to be collected."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def tcp_listeners(pid: int) -> list[str]:
    """The TCP ports a process listens on, from its socket file descriptors and the kernel's socket tables."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(fd)
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            cols = line.split()
            if cols[3] == "0A" and cols[9] in inodes:  # 0A: LISTEN
                ports.append(cols[1])
    return ports


@contextmanager
def wedged_sqlite(data_dir: Path) -> Iterator[None]:
    """Hold every WAL lock of the register's SQLite database from another process: FerretDB still answers pings,
    but every read waits, as when its SQLite connections are exhausted."""
    fd = os.open(data_dir / "sqlite" / "registry.sqlite-shm", os.O_RDWR)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX, 8, 120, os.SEEK_SET)  # WAL write, checkpoint, recover and read marks
        yield
    finally:
        os.close(fd)  # closing releases the locks


def test_the_embedded_database_is_reachable_only_through_its_private_socket(tmp_path: Path) -> None:
    with EmbeddedFerretDB(BINARY, tmp_path / "data") as fdb, pymongo.MongoClient(fdb.uri) as c:
        c.registry.notes.insert_one({"_id": "n"})
        assert fdb.pid is not None
        assert tcp_listeners(fdb.pid) == []  # neither the wire protocol nor the debug listener on TCP
        assert fdb.metrics_url is None
        assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700
        files = list((tmp_path / "data" / "sqlite").iterdir())
        assert files and {f.stat().st_mode & 0o777 for f in files} == {0o600}
    with EmbeddedFerretDB(BINARY, tmp_path / "debug", debug_addr="127.0.0.1:0") as fdb:
        assert fdb.pid is not None and len(tcp_listeners(fdb.pid)) == 1  # on only when asked for


def test_the_database_collects_its_garbage_less_often_unless_told_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    def gogc(pid: int) -> str | None:
        env = dict(v.split("=", 1) for v in Path(f"/proc/{pid}/environ").read_text().split("\0") if "=" in v)
        return env.get("GOGC")

    monkeypatch.delenv("GOGC", raising=False)
    with EmbeddedFerretDB(BINARY, tmp_path / "default") as fdb:
        assert fdb.pid is not None and gogc(fdb.pid) == GOGC
    monkeypatch.setenv("GOGC", "100")
    with EmbeddedFerretDB(BINARY, tmp_path / "told") as fdb:
        assert fdb.pid is not None and gogc(fdb.pid) == "100"


def test_kill_9_of_the_registry_stops_its_database(tmp_path: Path) -> None:
    env = {"REGISTRY_DATA_DIR": str(tmp_path), "REGISTRY_SEED_ON_EMPTY": "off", "REGISTRY_BOOTSTRAP_ADMIN": "off"}
    with registry_server(env, quiet=True) as (_, registry_pid):
        database_pid = int((tmp_path / PID_NAME).read_text())
        assert alive(database_pid)
        os.kill(registry_pid, signal.SIGKILL)
        assert wait_until(lambda: not alive(database_pid), 15), "FerretDB outlived the registry"


def test_an_orphaned_database_keeps_the_folder_locked_and_is_stopped_before_another_starts(tmp_path: Path) -> None:
    # A registry that cannot take its database along (die_with_parent off) is killed: its FerretDB lives on.
    program = ("import sys, time; from pathlib import Path; from registry.storage.embedded import EmbeddedFerretDB; "
               "f = EmbeddedFerretDB(Path(sys.argv[1]), Path(sys.argv[2]), die_with_parent=False).start(); "
               "print(f.pid, flush=True); time.sleep(600)")
    parent = subprocess.Popen([sys.executable, "-c", program, str(BINARY), str(tmp_path)], stdout=subprocess.PIPE,
                              cwd=PROJECT_ROOT)
    assert parent.stdout is not None
    orphan = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    try:
        assert alive(orphan)
        fd = os.open(tmp_path / ".lock", os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):  # the lock went with the database process, not the registry
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
        with EmbeddedFerretDB(BINARY, tmp_path) as fdb, pymongo.MongoClient(fdb.uri) as c:
            assert not alive(orphan)  # stopped first: never two FerretDBs on one set of SQLite files
            c.registry.notes.insert_one({"_id": "after"})
            assert c.registry.notes.count_documents({}) == 1
    finally:
        if alive(orphan):
            os.kill(orphan, signal.SIGKILL)


async def test_readiness_reads_real_data_and_reports_a_wedged_database(tmp_path: Path) -> None:
    with EmbeddedFerretDB(BINARY, tmp_path) as fdb:
        settings = Settings(mongodb_uri=fdb.uri)
        async with open_database(settings) as db:
            await db.repos.organizations.collection.insert_one({"_id": "probe-me"})
            app = create_app(settings, db)
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost",
                                         timeout=3) as c:
                assert (await c.get("/health/ready")).status_code == 200
                with wedged_sqlite(tmp_path):
                    await db.ping()  # a ping still answers: it does not touch SQLite
                    ready = await c.get("/health/ready")  # answers within the client's 3 s, does not hang
                    assert ready.status_code == 503 and ready.json()["status"] == "not ready"
                    assert (await c.get("/health/live")).status_code == 200
                assert (await c.get("/health/ready")).status_code == 200


async def test_a_killed_database_is_restarted_and_collected(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(data_dir=tmp_path, ferretdb_bin=BINARY, seed_on_empty=False, auth_required=False)
    app = create_app(settings)
    caplog.set_level(logging.WARNING, "registry.database")
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1", timeout=10) as c:
        query = {"query": "{ organizations { slug } }"}
        assert (await c.post("/graphql", json=query)).status_code == 200
        first = int((tmp_path / PID_NAME).read_text())
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while True:
            r = await c.post("/graphql", json=query)
            if r.status_code == 200 and "errors" not in r.json():
                break
            assert time.monotonic() < deadline, "the API did not answer again within 30 s"
            await asyncio.sleep(0.5)
        second = int((tmp_path / PID_NAME).read_text())
        assert second != first and alive(second)
        assert not Path(f"/proc/{first}").exists()  # collected: no zombie left
        assert "exited with code -9" in caplog.text


async def test_a_wedged_database_is_restarted(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, "registry.database")
    async with open_database(Settings(data_dir=tmp_path, ferretdb_bin=BINARY)) as db:
        assert db.embedded is not None
        await db.repos.organizations.collection.insert_one({"_id": "probe-me"})
        first = db.embedded.pid
        supervisor = asyncio.create_task(supervise(db, check_every=0.2, probe_every=0.5, wedged_after=2))
        try:
            with wedged_sqlite(tmp_path):
                for _ in range(100):
                    if db.embedded.pid != first:
                        break
                    await asyncio.sleep(0.2)
            assert db.embedded.pid != first
            assert "answered no read for 2 probes" in caplog.text
            await db.probe(5)
        finally:
            supervisor.cancel()


async def test_the_supervisor_keeps_trying_while_the_database_cannot_start(tmp_path: Path,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, "registry.database")
    binary = tmp_path / "ferretdb"
    shutil.copy(BINARY, binary)
    async with open_database(Settings(data_dir=tmp_path / "data", ferretdb_bin=binary)) as db:
        assert db.embedded is not None and db.embedded.pid is not None
        supervisor = asyncio.create_task(supervise(db, check_every=0.1, probe_every=60))
        try:
            binary.rename(tmp_path / "away")  # it cannot start again for a while
            os.kill(db.embedded.pid, signal.SIGKILL)
            for _ in range(100):
                if "did not start again" in caplog.text:
                    break
                await asyncio.sleep(0.1)
            assert "did not start again" in caplog.text and not supervisor.done()
            (tmp_path / "away").rename(binary)
            for _ in range(100):
                if "is back" in caplog.text:
                    break
                await asyncio.sleep(0.1)
            await db.probe(5)
        finally:
            supervisor.cancel()
