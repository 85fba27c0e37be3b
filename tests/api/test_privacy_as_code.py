"""Privacy-as-code: export an inventory, edit the file, import it; export then import changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from registry.config import Settings
from registry.services.inventory_sync import apply, export_mapping, plan
from registry.services.registers import read_inventory
from tests.support import cli, own_database


@pytest.mark.subprocess
async def test_export_then_import_is_a_no_op_through_the_cli(settings: Settings, tmp_path: Path) -> None:
    assert settings.mongodb_uri
    async with own_database(settings, "sync") as db:
        uri = settings.mongodb_uri + "sync"
        history = await db.repos.history.count()
        for slug in ("januscaler", "janusipm", "cloudfzs-jini", "jalendos-kramax"):
            out = tmp_path / f"{slug}.yaml"
            assert cli(uri, "export", "--organization", slug, "--output", str(out)).returncode == 0
            r = cli(uri, "import", str(out), "--yes")
            assert r.returncode == 0, r.stderr
            assert "Plan: 0 to create, 0 to change, 0 to archive" in r.stdout
            assert "Nothing to do" in r.stdout
        assert await db.repos.history.count() == history  # nothing was written


async def test_an_edited_file_is_planned_then_applied_with_history(settings: Settings, tmp_path: Path) -> None:
    async with own_database(settings, "sync2") as db:
        data = export_mapping(await read_inventory(db.repos, "jalendos-kramax"))
        rule = next(r for r in data["retention_rules"] if r["key"] == "authentication-logs")
        rule["period"] = "P180D"
        data["purposes"].append({"key": "audit", "name": "Audit trail"})
        data["security_measures"] = [m for m in data["security_measures"] if m["key"] != "employee-training"]
        for a in data["processing_activities"]:
            a["security_measures"] = [k for k in a.get("security_measures", []) if k != "employee-training"]
        p = await plan(db.repos, data, "edited.yaml")
        assert p.create == {"purposes": ["jalendos-kramax/audit"]}
        assert p.change["retention_rules"] == ["jalendos-kramax/authentication-logs"]
        assert p.archive == {"security_measures": ["jalendos-kramax/employee-training"]}
        steps: list[int] = []
        await apply(db.repos, p, "import:edited.yaml", steps.append)
        assert sum(steps) == p.size
        after = await read_inventory(db.repos, "jalendos-kramax")
        assert next(r for r in after.retention_rules if r.key == "authentication-logs").period == "P180D"
        assert "employee-training" not in {m.key for m in after.security_measures}
        entry = await db.repos.history.get("retention_rules:jalendos-kramax/authentication-logs:v2")
        assert entry is not None and entry.actor == "import:edited.yaml"
        assert [(c.field, c.before, c.after) for c in entry.changes] == [("period", "P90D", "P180D")]
        again = await plan(db.repos, data, "edited.yaml")
        assert again.empty  # applying is idempotent


@pytest.mark.subprocess
async def test_an_invalid_file_is_refused_with_every_problem(settings: Settings, tmp_path: Path) -> None:
    async with own_database(settings, "sync3") as db:
        data = export_mapping(await read_inventory(db.repos, "janusipm"))
        data["transfers"][0]["mechanism"] = "handshake"
        data["retention_rules"][0]["period"] = "two years"
        bad = tmp_path / "bad.yaml"
        bad.write_text(yaml.safe_dump(data), encoding="utf-8")
        assert settings.mongodb_uri
        r = cli(settings.mongodb_uri + "sync3", "import", str(bad), "--yes")
        assert r.returncode == 2
        assert "unknown transfer mechanism 'handshake'" in r.stderr and "'two years' is not an ISO 8601" in r.stderr
