"""fideslang interop: a register exported as Fides manifests that fideslang's own models accept, and Fides
manifests imported with a report of every key that mapped and every one that did not."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from fideslang.default_taxonomy import DEFAULT_TAXONOMY
from fideslang.manifests import union_manifests
from fideslang.models import Taxonomy

from registry.config import PROJECT_ROOT, Settings
from registry.services import fides
from registry.services.imports import plan_fides
from registry.services.inventory_sync import apply
from registry.services.registers import read_inventory, read_reference
from registry.storage.database import Database
from tests.support import cli, own_database

SEED = ("januscaler", "janusipm", "cloudfzs-jini", "jalendos-kramax")
DEMO = PROJECT_ROOT / "seed" / "fides" / "demo-manifest.yml"


@pytest.mark.parametrize("slug", SEED)
async def test_each_seed_organisation_exports_manifests_fideslang_accepts(database: Database, slug: str) -> None:
    inv = await read_inventory(database.repos, slug)
    manifest = fides.export_fides(inv, await read_reference(database.repos))
    text = yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True)
    taxonomy = Taxonomy.model_validate(yaml.safe_load(text))  # fideslang's own pydantic models
    activities = [s for s in taxonomy.system if s.system_type == fides.ACTIVITY_SYSTEM]
    assert len(activities) == len(inv.processing_activities)
    assert {s.fides_key for s in taxonomy.system if s.system_type == fides.RECIPIENT_SYSTEM} == {
        f"recipient.{r.key}" for r in inv.recipients}
    known = {c.fides_key for c in DEFAULT_TAXONOMY.data_category} | {c.fides_key for c in taxonomy.data_category}
    for s in activities:
        for d in s.privacy_declarations:
            assert set(d.data_categories) <= known, "every category is fideslang's or defined in the manifest"
    for c in taxonomy.data_category:  # custom categories sit under a category that exists
        assert c.parent_key in known


async def test_fideslang_export_then_import_changes_nothing(settings: Settings, tmp_path: Path) -> None:
    async with own_database(settings, "fidesrt") as db:
        history = await db.repos.history.count()
        ref = await read_reference(db.repos)
        for slug in SEED:
            manifest = fides.export_fides(await read_inventory(db.repos, slug), ref)
            plans, report = await plan_fides(db.repos, manifest, f"{slug}.yml")
            assert [p.inventory.organization.slug for p in plans] == [slug]
            assert plans[0].empty, plans[0].lines()
            assert not report.unmapped
        assert await db.repos.history.count() == history


async def test_the_demo_manifest_imports_with_a_report_of_what_mapped(settings: Settings) -> None:
    async with own_database(settings, "fidesdemo") as db:
        data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
        plans, report = await plan_fides(db.repos, data, DEMO.name)
        [p] = plans
        assert p.create["organizations"] == ["demo-bakery"]
        assert set(p.create["processing_activities"]) == {
            "demo-bakery/web-shop-orders-and-delivery", "demo-bakery/web-shop-newsletter", "demo-bakery/warehouse-db"}
        mapped, unmapped = "\n".join(report.mapped), "\n".join(report.unmapped)
        assert "data category user.contact.delivery_instructions -> the organisation's own category" in mapped
        assert "system courier (no privacy declaration) -> recipient 'courier'" in mapped
        for key in ("security_policy", "administrating_department", "features", "dataset_references",
                    "system.operations", "dataset orders", "egress to system warehouse_db"):
            assert key in unmapped, key
        await apply(db.repos, p, "import:demo")
        inv = await read_inventory(db.repos, "demo-bakery")
        orders = next(a for a in inv.processing_activities if a.key == "web-shop-orders-and-delivery")
        assert orders.recipients == ["courier"]
        assert orders.purposes[0].lawful_bases[0].basis == "GDPR:contract"
        # the shared taxonomy is fideslang's: its keys are kept as they are, however narrow
        assert orders.data_categories == ["user.name", "user.contact.email", "user.contact.phone_number",
                                          "user.contact.address.street",
                                          "demo-bakery/user.contact.delivery_instructions", "user.payment"]
        news = next(a for a in inv.processing_activities if a.key == "web-shop-newsletter")
        assert "user.demographic.date_of_birth" in news.data_categories
        [_, insights] = news.purposes
        assert insights.lawful_bases[0].balancing_test == "LIA-2026-03 in the DPO's register"
        assert inv.organization.dpo and inv.organization.dpo.email == "dpo@demo-bakery.example"
        entry = await db.repos.history.get("processing_activities:demo-bakery/web-shop-newsletter:v1")
        assert entry is not None and entry.actor == "import:demo"
        again, _ = await plan_fides(db.repos, data, DEMO.name)
        assert again[0].empty, again[0].lines()


async def test_a_manifest_written_before_the_taxonomy_became_fideslangs_is_read_through_the_former_keys(
        database: Database) -> None:
    """An export made when the registry kept its own taxonomy names its former keys as custom categories."""
    old = {
        "organization": [{"fides_key": "januscaler", "name": "Januscaler"}],
        "data_category": [
            {"fides_key": "user.financial.payment_details", "organization_fides_key": "januscaler",
             "name": "Payment details", "parent_key": "user.financial", "tags": ["registry-category"]},
            {"fides_key": "user.financial.payment_details.crypto_wallet", "organization_fides_key": "januscaler",
             "name": "Cryptocurrency wallet information", "parent_key": "user.financial.payment_details",
             "tags": ["registry-organisation-category"]},
            {"fides_key": "user.special", "organization_fides_key": "januscaler", "name": "Special categories",
             "parent_key": "user", "tags": ["registry-category"]},
            {"fides_key": "user.special.trade_union", "organization_fides_key": "januscaler",
             "name": "Trade-union membership", "parent_key": "user.special", "tags": ["registry-category"]}],
        "system": [{"fides_key": "payroll", "organization_fides_key": "januscaler", "name": "Payroll",
                    "system_type": fides.ACTIVITY_SYSTEM, "privacy_declarations": [{
                        "name": "Payroll", "data_use": "employment", "data_subjects": ["employee"],
                        "data_categories": ["user.financial.payment_details.crypto_wallet",
                                            "user.special.trade_union"]}]}]}
    plans, report = await plan_fides(database.repos, old, "old.yml")
    [p] = plans
    payroll = next(a for a in p.inventory.processing_activities if a.key == "payroll")
    assert payroll.data_categories == ["januscaler/user.payment.crypto_wallet",
                                       "user.demographic.trade_union_membership"]
    assert "data_categories" not in p.create, "no category is made for a former key"
    assert "data category user.special.trade_union -> user.demographic.trade_union_membership (the registry's former " \
           "key" in "\n".join(report.mapped)


async def test_an_invalid_manifest_is_refused_with_fideslangs_own_errors(database: Database) -> None:
    bad = {"system": [{"fides_key": "x y", "system_type": "Application",
                       "privacy_declarations": [{"data_use": "marketing", "data_categories": ["user"],
                                                 "legal_basis_for_processing": "Because"}]}]}
    with pytest.raises(fides.InvalidInventory) as e:
        await plan_fides(database.repos, bad, "bad.yml")
    text = str(e.value)
    assert "system.0.fides_key" in text and "legal_basis_for_processing" in text


@pytest.mark.subprocess
async def test_the_cli_exports_fides_and_imports_it_back(settings: Settings, tmp_path: Path) -> None:
    assert settings.mongodb_uri
    async with own_database(settings, "fidescli"):
        uri = settings.mongodb_uri + "fidescli"
        out = tmp_path / "janusipm.fides.yml"
        r = cli(uri, "export", "--organization", "janusipm", "--format", "fides", "--output", str(out))
        assert r.returncode == 0, r.stderr
        r = cli(uri, "import", str(out))
        assert r.returncode == 0, r.stderr
        assert "What the Fides manifest became" in r.stdout and "Nothing to do" in r.stdout
        r = cli(uri, "import", str(DEMO), "--yes")
        assert r.returncode == 0, r.stderr
        assert "NOT MAPPED" in r.stdout and "Applied." in r.stdout


@pytest.mark.skipif(not os.environ.get("FIDES_SAMPLE_RESOURCES"),
                    reason="set FIDES_SAMPLE_RESOURCES to ethyca-fides' fides/data/sample_project/sample_resources")
async def test_ethyca_fides_sample_resources_import(settings: Settings) -> None:
    """The sample manifests the ethyca-fides package ships (not committed here: a 5 MB wheel with many
    dependencies). Unzip the wheel and point FIDES_SAMPLE_RESOURCES at that folder."""
    folder = Path(os.environ["FIDES_SAMPLE_RESOURCES"])
    data = union_manifests([yaml.safe_load(f.read_text()) for f in sorted(folder.glob("*.yml"))])
    async with own_database(settings, "fidessample") as db:
        plans, report = await plan_fides(db.repos, data, folder.name)
        assert plans and plans[0].create["processing_activities"]
        assert any("dataset" in u for u in report.unmapped)
