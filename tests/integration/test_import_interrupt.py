"""Ctrl-C during `registry import --yes` (issue #11): the import stops between two whole writes, says how to
finish, leaves nothing half-written, and running it again completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from registry.config import Settings
from registry.services.inventory_sync import export_mapping
from registry.services.registers import read_inventory
from tests.support import cli, own_database

pytestmark = pytest.mark.subprocess


async def test_ctrl_c_stops_an_import_between_whole_writes(settings: Settings, tmp_path: Path) -> None:
    assert settings.mongodb_uri
    async with own_database(settings, "interrupt") as db:
        uri = settings.mongodb_uri + "interrupt"
        data = export_mapping(await read_inventory(db.repos, "januscaler"))
        data["purposes"] += [{"key": f"bulk-{i:04}", "name": f"Bulk purpose {i}"} for i in range(3000)]
        path = tmp_path / "big.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        log = (tmp_path / "out.txt").open("w")  # the plan is long: a pipe nobody reads would block the import
        proc = subprocess.Popen([sys.executable, "-m", "registry", "import", str(path), "--yes"],
                                env={**os.environ, "MONGODB_URI": uri}, stdout=log, stderr=subprocess.PIPE,
                                text=True)
        before = await db.repos.purposes.count({"organization": "januscaler"})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and await db.repos.purposes.count({"organization": "januscaler"}) == before:
            time.sleep(0.02)  # wait until the first batch is in
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        log.close()
        assert proc.returncode == 130, err
        assert "Interrupted" in err and "nothing is half-written" in err and "again" in err
        stored = await db.repos.purposes.count({"organization": "januscaler"}) - before
        assert 0 < stored < 3000  # stopped part way...
        assert await db.repos.journal.count() == 0  # ...with no bulk write left open
        assert await db.repos.history.count({"committed": False, "aborted": {"$ne": True}}) == 0
        bulk = [e for e in await db.repos.history.find({"entity_type": "purposes", "organization": "januscaler"})
                if e.entity_id.startswith("januscaler/bulk-")]
        assert len(bulk) == stored and all(e.committed and e.version == 1 for e in bulk)
        finished = cli(uri, "import", str(path), "--yes")
        assert finished.returncode == 0, finished.stdout + finished.stderr
        assert await db.repos.purposes.count({"organization": "januscaler"}) - before == 3000
