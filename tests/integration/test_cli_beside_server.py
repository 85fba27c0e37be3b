"""Every command works while `registry serve` runs on the embedded database, against the same register: the
server publishes its database address in the data folder and the commands use it. A second `serve` is refused
with a message naming what works."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from registry.storage.embedded import SERVER_FILE
from tests.served import environment, serving

LEGAL_NAME = "{ organization(slug: \"januscaler\") { legalName } }"


@pytest.mark.subprocess
def test_commands_work_beside_a_running_server(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env: dict[str, str | None] = {"REGISTRY_DATA_DIR": str(data), "MONGODB_URI": None,
                                  "REGISTRY_BOOTSTRAP_ADMIN": "0"}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "registry", *args], env=environment(env), cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)

    with serving(env, tmp_path / "serve.log") as served:
        published = json.loads((data / SERVER_FILE).read_text())
        assert published["pid"] == served.process.pid
        assert published["uri"] == f"mongodb://{quote(str(data / 'ferretdb.sock'), safe='')}/registry"

        made = cli("token", "create", "--role", "admin", "--name", "ops")
        assert made.returncode == 0, made.stderr
        auth = {"Authorization": f"Bearer {made.stdout.strip().splitlines()[-1]}"}
        before = httpx.post(f"{served.url}/graphql", json={"query": LEGAL_NAME}, headers=auth)
        assert before.status_code == 200 and before.json()["data"]["organization"]["legalName"] == "Januscaler"

        exported = tmp_path / "januscaler.yaml"
        r = cli("export", "--organization", "januscaler", "--output", str(exported))
        assert r.returncode == 0, r.stderr
        exported.write_text(exported.read_text().replace("legal_name: Januscaler", "legal_name: Januscaler Ltd", 1))
        r = cli("import", str(exported), "--yes")
        assert r.returncode == 0 and "Applied." in r.stdout, r.stdout + r.stderr
        after = httpx.post(f"{served.url}/graphql", json={"query": LEGAL_NAME}, headers=auth)
        assert after.json()["data"]["organization"]["legalName"] == "Januscaler Ltd"  # seen at its next request

        r = cli("check", "--organization", "januscaler", "--fail-on", "info")
        assert r.returncode in (0, 1) and "findings for Januscaler Ltd" in r.stdout, r.stderr
        r = cli("records", "--organization", "januscaler", "--format", "json", "--output", "ropa.json")
        assert r.returncode == 0, r.stderr
        assert "Januscaler Ltd" in (tmp_path / "ropa.json").read_text()

        second = cli("serve", "--port", "1")
        assert second.returncode == 2
        assert "already serving" in second.stderr and f"MONGODB_URI={published['uri']}" in second.stderr

    assert not (data / SERVER_FILE).exists()
    alone = cli("token", "list")  # nothing runs now: the command starts the database itself, as before
    assert alone.returncode == 0 and "ops" in alone.stdout, alone.stderr
