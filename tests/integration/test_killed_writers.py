"""A client killed in the middle of a bulk write (issue #11): `registry import --yes` or a raw PyMongo client,
kill -9 while its inserts are on the wire. The served registry answers again within 30 s without anyone
touching it, and readiness reports an outage while one lasts (never 'ready' while queries fail)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pymongo
import pytest
import yaml

from tests.served import environment, serving

pytestmark = [pytest.mark.faults, pytest.mark.subprocess]

QUERY = {"query": '{ organization(slug: "januscaler") { purposes { key } } }'}
BULK = """
import sys, pymongo
c = pymongo.MongoClient(sys.argv[1])
docs = [{"n": i, "text": "x" * 2000} for i in range(500)]
while True:
    c.get_database().scratch.insert_many([dict(d) for d in docs])
"""


def answers_within(url: str, seconds: float) -> tuple[bool, list[int]]:
    """Whether a query is answered within `seconds`, and the readiness codes seen meanwhile."""
    deadline = time.monotonic() + seconds
    ready: list[int] = []
    while time.monotonic() < deadline:
        try:
            ready.append(httpx.get(f"{url}/health/ready", timeout=2).status_code)
            r = httpx.post(f"{url}/graphql", json=QUERY, timeout=5)
            if r.status_code == 200 and "errors" not in r.json():
                assert ready[-1] == 200  # answering: readiness must say so too
                return True, ready
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    return False, ready


def test_a_killed_import_or_bulk_client_leaves_the_registry_answering(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"REGISTRY_DATA_DIR": str(data), "REGISTRY_AUTH": "off", "REGISTRY_BOOTSTRAP_ADMIN": "off"}
    with serving(env, tmp_path / "serve.log") as served:
        uri = json.loads((data / "server.json").read_text())["uri"]
        # 1. A raw client writing in bulk, killed mid-write.
        raw = subprocess.Popen([sys.executable, "-c", BULK, uri], env=environment({}))
        time.sleep(1.5)
        os.kill(raw.pid, signal.SIGKILL)
        raw.wait()
        ok, ready = answers_within(served.url, 30)
        assert ok, f"not answering 30 s after a bulk client was killed (readiness: {ready})\n{served.output()}"

        # 2. `registry import --yes` beside the server, killed while its batches are being written.
        export = subprocess.run([sys.executable, "-m", "registry", "export", "--organization", "januscaler"],
                                env=environment(env), capture_output=True, text=True, timeout=120)
        assert export.returncode == 0, export.stderr
        inventory = yaml.safe_load(export.stdout)
        inventory["purposes"] += [{"key": f"bulk-{i:04}", "name": f"Bulk purpose {i}"} for i in range(3000)]
        path = tmp_path / "big.yaml"
        path.write_text(yaml.safe_dump(inventory, sort_keys=False), encoding="utf-8")
        purposes = pymongo.MongoClient(uri).get_database().purposes
        before = purposes.count_documents({"organization": "januscaler"})
        with (tmp_path / "import.log").open("w") as log:
            imp = subprocess.Popen([sys.executable, "-m", "registry", "import", str(path), "--yes"],
                                   env=environment(env), stdout=log, stderr=subprocess.STDOUT)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and imp.poll() is None:
                if purposes.count_documents({"organization": "januscaler"}) > before:
                    break  # its first batch is in: the next ones are on their way
                time.sleep(0.02)
            assert imp.poll() is None, "the import finished before it could be killed"
            os.kill(imp.pid, signal.SIGKILL)
            imp.wait()
        written = purposes.count_documents({"organization": "januscaler"}) - before
        assert 0 < written < 3000, written
        ok, ready = answers_within(served.url, 30)
        assert ok, f"not answering 30 s after an import was killed (readiness: {ready})\n{served.output()}"
