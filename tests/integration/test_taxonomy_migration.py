"""A register seeded before the shared taxonomy became fideslang's (issue 15) moves onto it: every reference
rewritten, one history entry per record changed, no dangling reference, the same findings, and nothing to do
the second time."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

import pytest

from registry.app import create_app
from registry.config import PROJECT_ROOT, Settings
from registry.domain import models as m
from registry.domain.former_taxonomy import FORMER_KEYS, moved_key
from registry.domain.inventory import Inventory
from registry.domain.kinds import DATA_CATEGORY, INVENTORY, PROCESSING_ACTIVITY, map_at, referrers
from registry.services import dpia
from registry.services.editing import Editor
from registry.services.findings import find
from registry.services.inventory_files import load_reference
from registry.services.records import records_of_processing
from registry.services.registers import read_inventory, read_reference
from registry.services.seeding import SeedReport, read_seed, store_inventory, store_reference
from registry.services.taxonomy_migration import ACTOR, apply_migration, holds_former_keys, plan_migration
from registry.storage.codec import encode
from registry.storage.database import Database
from registry.storage.repositories import Repository
from tests.support import cli, former_reference, own_database, seed_former_taxonomy

ON = dt.date(2026, 11, 24)
TAXONOMY = load_reference(PROJECT_ROOT / "seed" / "reference").data_categories
NAMES = {c.key: c.name for c in TAXONOMY}
SLUGS = ("cloudfzs-jini", "jalendos-kramax", "januscaler", "janusipm")
FINDINGS_PER_ORGANISATION = {"cloudfzs-jini": 24, "jalendos-kramax": 10, "januscaler": 17, "janusipm": 20}
"""Findings of each seed organisation on 24 Nov 2026, the same before the move and after it."""


async def _findings(db: Database) -> dict[str, list[Any]]:
    ref = await read_reference(db.repos)
    return {slug: find(await read_inventory(db.repos, slug), ref, ON) for slug in SLUGS}


async def _screenings(db: Database) -> dict[str, Any]:
    ref = await read_reference(db.repos)
    out = {}
    for slug in SLUGS:
        inv = await read_inventory(db.repos, slug)
        for a in inv.processing_activities:
            s = dpia.screen(a, inv, ref)
            out[a.id] = (s.verdict, [(c.number, c.status) for c in s.criteria], s.mandatory)
    return out


async def _ropa_shape(db: Database) -> list[tuple[str, str, list[tuple[str, int]]]]:
    """Each Art 30 record's entries with, per field, how many items it lists (names of categories may change)."""
    ref = await read_reference(db.repos)
    out = []
    for slug in SLUGS:
        inv = await read_inventory(db.repos, slug)
        for role in (m.Role.CONTROLLER, m.Role.PROCESSOR):
            for e in records_of_processing(inv, ref, role).entries:
                out.append((role.value, e.activity_id, [(f.point, len(f.items)) for f in e.fields]))
    return out


async def _named_categories(db: Database) -> list[tuple[str, str, str, bool]]:
    """(collection, record id, category id, archived) for every category every record names."""
    out = []
    for kind, ref in referrers(DATA_CATEGORY.collection):
        fields = {ref.path.split(".")[0]: 1, "archived": 1}
        async for doc in db.repos.of(kind).collection.find({}, fields).sort([("_id", 1)]):
            named: list[str] = []
            map_at(doc, ref.path, named.extend)
            out += [(kind.collection, doc["_id"], c, bool(doc.get("archived"))) for c in named]
    return out


async def test_a_register_seeded_before_the_move_moves_onto_fideslangs_taxonomy(settings: Settings) -> None:
    async with own_database(settings, "formertaxonomy", seeded=False) as former:
        await _moves_onto_fideslangs_taxonomy(former, await seed_former_taxonomy(former))


async def _moves_onto_fideslangs_taxonomy(former: Database, seeded_before: list[Inventory]) -> None:
    repos = former.repos
    assert await holds_former_keys(repos)
    before = await _findings(former)
    assert {s: len(f) for s, f in before.items()} == FINDINGS_PER_ORGANISATION
    screenings = await _screenings(former)
    ropa = await _ropa_shape(former)
    named_before = await _named_categories(former)
    history_before = await repos.history.count()

    plan = await plan_migration(repos, TAXONOMY)
    text = "\n".join(plan.lines())
    assert "rename   data_categories        januscaler/user.financial.payment_details.crypto_wallet -> " \
           "januscaler/user.payment.crypto_wallet" in text
    assert "user.contact.phone -> user.contact.phone_number" in text
    report = await apply_migration(repos, plan)
    assert report.left == []

    # every reference names a live category of the taxonomy as it is now; none a former key
    live = {c.id for c in await repos.data_categories.find({"archived": {"$ne": True}})}
    named_after = await _named_categories(former)
    assert len(named_after) == len(named_before)  # no two former keys of one record became one here
    for (collection, rid, old, _), (_, _, new, _) in zip(named_before, named_after, strict=True):
        assert new == (old.split("/")[0] + "/" + moved_key(old.split("/")[1]) if "/" in old else moved_key(old))
        assert new in live, (collection, rid, new)
    assert {c.key for c in (await read_reference(repos)).data_categories} == {c.key for c in TAXONOMY}

    # one history entry, by the migration, for each record it changed, and none for any other
    entries = await repos.history.find({"actor": ACTOR})
    per_record = Counter((e.entity_type, e.entity_id) for e in entries)
    assert set(per_record.values()) == {1}, [(k, n) for k, n in per_record.items() if n > 1]
    changed_records = {(c, rid) for c, rid, old, _ in named_before
                       if moved_key(old.split("/")[-1]) != old.split("/")[-1]}
    moved_own = {("data_categories", f"januscaler/{k}") for k in ("user.financial.payment_details.crypto_wallet",
                                                                  "user.payment.crypto_wallet")}
    former_shared = {("data_categories", k) for k, move in FORMER_KEYS.items() if move.new != k}
    assert changed_records | moved_own | former_shared <= set(per_record)
    others = set(per_record) - changed_records - moved_own - former_shared
    own_kept = {("data_categories", f"{o.organization.slug}/{c.key}") for o in seeded_before
                for c in o.data_categories if moved_key(c.key) == c.key}
    assert others == {("data_categories", c.key) for c in TAXONOMY} | own_kept, \
        "the rest: the shared taxonomy's categories, created or updated, and the organisations' own that keep their " \
        "key, which now say who defines them"
    assert await repos.history.count() == history_before + len(entries)

    # the same findings, each about the same record, and the same DPIA screenings and records of processing
    after = await _findings(former)
    assert {s: len(f) for s, f in after.items()} == FINDINGS_PER_ORGANISATION
    renamed = {f"'{move.name}'": f"'{NAMES[move.new]}'" for move in FORMER_KEYS.values()}

    def now(message: str) -> str:  # a category named in a message is named as the taxonomy names it now
        for old_name, new_name in renamed.items():
            message = message.replace(old_name, new_name)
        return message

    for slug in SLUGS:
        assert Counter((f.rule, f.subject_id, f.severity, f.message) for f in after[slug]) == \
            Counter((f.rule, f.subject_id, f.severity, now(f.message)) for f in before[slug])
    assert await _screenings(former) == screenings
    assert await _ropa_shape(former) == ropa

    # the migrated register is the register the seed as it is now makes
    ref_now, seeded = read_seed(PROJECT_ROOT / "seed")
    for inv in seeded:
        stored = await read_inventory(repos, inv.organization.slug)
        for kind in INVENTORY:
            assert _content(stored.of(kind)) == _content(inv.of(kind)), (inv.organization.slug, kind.collection)
    assert _content((await read_reference(repos)).data_categories) == _content(ref_now.data_categories)

    # a second run has nothing to do
    assert not await holds_former_keys(repos)
    again = await plan_migration(repos, TAXONOMY)
    assert again.empty, again.lines()
    assert (await apply_migration(repos, again)).changed == 0
    assert await repos.history.count() == history_before + len(entries)


def _content(records: list[Any]) -> list[dict[str, Any]]:
    return sorted(({k: v for k, v in encode(r).items() if k != "version"} for r in records),
                  key=lambda d: str(d.get("key")))


async def test_no_reader_ever_sees_a_reference_to_a_category_that_is_not_there(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """After every write of the migration, each live record names only live categories, and each organisation's
    own category sits under a live one: the order of the writes, not a transaction, keeps a reader safe."""
    async with own_database(settings, "taxonomyorder", seeded=False) as db:
        await seed_former_taxonomy(db)
        checked = 0
        written = Repository._written

        async def check_after_write(self: Repository[Any], ids: Iterable[str]) -> None:
            nonlocal checked
            await written(self, ids)
            live = {d["_id"]: d.get("key") async for d in db.repos.data_categories.collection.find(
                {"archived": {"$ne": True}}, {"key": 1, "organization": 1})}
            for collection, rid, cid, archived in await _named_categories(db):
                assert archived or cid in live, f"{collection} {rid} names {cid}, which is not live"
            for cid, key in live.items():
                parent = key.rpartition(".")[0] if key else ""
                if "/" in cid and parent:
                    assert parent in live or f"{cid.split('/')[0]}/{parent}" in live, f"{cid} has no parent"
            checked += 1

        monkeypatch.setattr(Repository, "_written", check_after_write)
        report = await apply_migration(db.repos, await plan_migration(db.repos, TAXONOMY))
        assert report.left == [] and checked > 50


async def test_own_categories_archived_records_and_merges(settings: Settings) -> None:
    """An organisation's own categories nested under a renamed key move with it; one whose key fideslang now has
    merges into fideslang's; an archived record is rewritten and stays archived; two former keys that became one
    are named once."""
    async with own_database(settings, "taxonomyedges", seeded=False) as db:
        ref = former_reference()
        await store_reference(db.repos, ref, SeedReport())
        org = m.Organization(slug="acme", legal_name="Acme")
        health = m.SpecialCategory.HEALTH  # as inherited when the file was read
        own = [m.DataCategory("user.special.health.vaccination", "Vaccination status", organization="acme",
                              special_category=health, ccpa=m.CcpaCategory.L),
               m.DataCategory("user.special.health.vaccination.boosters", "Boosters", organization="acme"),
               m.DataCategory("user.contact.fax_number", "Fax", organization="acme"),
               m.DataCategory("user.contact.fax_number.office", "Office fax", organization="acme")]
        activities = [
            m.ProcessingActivity("acme", "clinic", "Clinic", m.Role.CONTROLLER, data_categories=[
                "acme/user.special.health.vaccination.boosters", "user.special", "user",
                "acme/user.contact.fax_number", "acme/user.contact.fax_number.office"]),
            m.ProcessingActivity("acme", "old", "Old", m.Role.CONTROLLER, data_categories=["user.criminal"])]
        await store_inventory(db.repos, Inventory(organization=org, data_categories=own,
                                                  processing_activities=activities), SeedReport())
        assert not (await Editor(db.repos).archive(PROCESSING_ACTIVITY, "acme/old", 1, "alice")).errors
        plan = await plan_migration(db.repos, TAXONOMY)
        text = "\n".join(plan.lines())
        assert "merge    data_categories        acme/user.contact.fax_number -> user.contact.fax_number" in text
        assert "user.special -> user: a grouping only" in text
        report = await apply_migration(db.repos, plan)
        assert report.left == []
        clinic = await db.repos.processing_activities.get("acme/clinic")
        assert clinic.data_categories == ["acme/user.health_and_medical.vaccination.boosters", "user",
                                          "user.contact.fax_number", "acme/user.contact.fax_number.office"]
        old = await db.repos.processing_activities.get("acme/old")
        assert old.archived and old.data_categories == ["user.criminal_history"]
        cats = {c.id: c for c in await db.repos.data_categories.find({"organization": "acme"})}
        moved = cats["acme/user.health_and_medical.vaccination"]  # renamed only: its flags are kept
        assert (moved.special_category, moved.ccpa, moved.name) == (health, m.CcpaCategory.L, "Vaccination status")
        assert not cats["acme/user.health_and_medical.vaccination.boosters"].archived
        assert not cats["acme/user.contact.fax_number.office"].archived  # now under fideslang's fax number
        assert all(cats[f"acme/{k}"].archived for k in ("user.special.health.vaccination",
                                                        "user.special.health.vaccination.boosters",
                                                        "user.contact.fax_number"))
        assert (await plan_migration(db.repos, TAXONOMY)).empty


async def test_serve_migrates_a_register_it_finds_with_former_keys(
        settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    async with own_database(settings, "taxonomyserve", seeded=False) as db:
        await seed_former_taxonomy(db)
        assert settings.mongodb_uri
        app = create_app(Settings(mongodb_uri=settings.mongodb_uri + "taxonomyserve"))
        async with app.router.lifespan_context(app):
            pass
        out = capsys.readouterr().out
        assert "it now uses fideslang's" in out and "januscaler/user.payment.crypto_wallet" in out
        assert not await holds_former_keys(db.repos)
        entry = await db.repos.history.find({"entity_id": "januscaler/user.payment.crypto_wallet"})
        assert [e.actor for e in entry] == [ACTOR]
        async with app.router.lifespan_context(app):  # started again: nothing to do, nothing said
            pass
        assert "fideslang" not in capsys.readouterr().out


@pytest.mark.subprocess
async def test_the_cli_shows_the_plan_and_applies_it_with_yes(settings: Settings) -> None:
    async with own_database(settings, "taxonomycli", seeded=False) as db:
        await seed_former_taxonomy(db)
        assert settings.mongodb_uri
        uri = settings.mongodb_uri + "taxonomycli"
        r = cli(uri, "migrate-taxonomy")
        assert r.returncode == 0, r.stderr
        assert "change   processing_activities" in r.stdout and "Nothing applied" in r.stdout
        assert await holds_former_keys(db.repos)
        r = cli(uri, "migrate-taxonomy", "--yes")
        assert r.returncode == 0, r.stderr
        assert "Applied:" in r.stdout and ACTOR in r.stdout
        r = cli(uri, "migrate-taxonomy")
        assert r.returncode == 0 and "Nothing to do" in r.stdout
        r = cli(uri, "seed")  # the seed as it is now agrees with the migrated register
        assert r.returncode == 0 and "Seed loaded: nothing changed." in r.stdout, r.stdout
