"""The pure services, without a database: the Art 30 record builder, the write-time rules of an edit, and the
record-kinds table the rest is derived from."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from registry.domain import kinds
from registry.domain import models as m
from registry.domain.enums import Role
from registry.domain.inventory import Inventory
from registry.domain.kinds import KINDS, Scope
from registry.domain.validation import KnownRecords, known_in, references, wanted
from registry.services.editing import write_time_rules
from registry.services.records import NOT_RECORDED, records_of_processing
from registry.services.seeding import read_seed

SEED = Path(__file__).resolve().parents[2] / "seed"
REFERENCE, INVENTORIES = read_seed(SEED)
BY_SLUG = {i.organization.slug: i for i in INVENTORIES}


# --- the record-kinds table --------------------------------------------------------------------------------


def test_every_kind_comes_after_the_kinds_it_refers_to() -> None:
    seen: set[str] = set()
    for kind in KINDS:
        for ref in kind.references:
            assert ref.target in seen, (kind.collection, ref.path, ref.target)
        seen.add(kind.collection)


def test_every_reference_path_names_a_field_of_its_kind() -> None:
    for kind in KINDS:
        names = {f.name for f in dataclasses.fields(kind.cls)}
        for ref in kind.references:
            assert ref.head in names, (kind.collection, ref.path)


def test_the_inventory_has_a_list_per_inventory_kind() -> None:
    inv = BY_SLUG["januscaler"]
    assert set(inv.records) == {k.collection for k in kinds.INVENTORY}
    assert inv.size() == 1 + sum(len(v) for v in inv.records.values())
    assert {k.scope for k in kinds.INVENTORY} <= {Scope.ORGANIZATION, Scope.TAXONOMY}


def test_an_edit_looks_up_exactly_what_its_record_names() -> None:
    activity = BY_SLUG["jalendos-kramax"].processing_activities[0]
    looked_up = wanted(activity)
    named = {(t, i) for _, t, i in references(activity)}
    assert {(t, i) for t, ids in looked_up.items() for i in ids} == named
    assert all(i.startswith("jalendos-kramax/") for i in looked_up.get("purposes", ()))


# --- the Art 30 record -------------------------------------------------------------------------------------


def test_the_controller_record_lists_every_art_30_1_point_and_marks_the_silent_ones() -> None:
    record = records_of_processing(BY_SLUG["janusipm"], REFERENCE, Role.CONTROLLER)
    assert record.article == "Art 30(1)"
    points = {f.point for e in record.entries for f in e.fields}
    art30 = {"30(1)(b)", "30(1)(c)", "30(1)(d)", "30(1)(e)", "30(1)(f)", "30(1)(g)"}
    assert art30 <= points and all(p in art30 or not p.startswith("30") for p in points)  # then accountability
    assert all(e.activity for e in record.entries)
    org = BY_SLUG["janusipm"].organization
    silent = Inventory(organization=org, processing_activities=[
        m.ProcessingActivity(org.slug, "silent", "An activity nothing is recorded of", Role.CONTROLLER)])
    [entry] = records_of_processing(silent, REFERENCE, Role.CONTROLLER).entries
    silent_fields = [f for f in entry.fields if f.point != "30(1)(b)"]
    assert len(silent_fields) >= 6 and {f.text for f in silent_fields} == {NOT_RECORDED}  # silence shows


def test_the_processor_record_holds_only_processor_activities() -> None:
    inv = BY_SLUG["januscaler"]
    processor = records_of_processing(inv, REFERENCE, Role.PROCESSOR)
    expected = {a.id for a in inv.processing_activities if a.role is Role.PROCESSOR}
    assert processor.article == "Art 30(2)" and {e.activity_id for e in processor.entries} == expected
    assert expected


# --- write-time rules --------------------------------------------------------------------------------------


def _activity() -> m.ProcessingActivity:
    return BY_SLUG["jalendos-kramax"].processing_activities[0]


def test_a_new_legitimate_interest_needs_its_balancing_test_but_an_old_gap_does_not_block_other_edits() -> None:
    inv = BY_SLUG["jalendos-kramax"]
    known = known_in(inv, REFERENCE)
    a = _activity()
    li = m.BasisAssignment("GDPR:legitimate-interests")
    added = dataclasses.replace(a, purposes=[dataclasses.replace(a.purposes[0], lawful_bases=[li])])
    assert [p.code for p in write_time_rules(a, added, known)] == ["LIA_REQUIRED"]
    renamed = dataclasses.replace(added, name="Renamed")
    assert write_time_rules(added, renamed, known) == []  # the gap was there before; the finding reports it


def test_special_category_data_needs_an_art_9_condition_when_the_edit_touches_it() -> None:
    a = _activity()
    health = m.DataCategory("user.health", "Health", special_category=m.SpecialCategory.HEALTH)
    known = KnownRecords([health])
    with_health = dataclasses.replace(a, data_categories=[*a.data_categories, "user.health"])
    codes = {p.code for p in write_time_rules(a, with_health, known)}
    assert codes == {"ART9_CONDITION_REQUIRED"}
    as_processor = dataclasses.replace(with_health, role=Role.PROCESSOR)
    assert write_time_rules(a, as_processor, known) == []  # the controller decides the condition


def test_long_texts_and_nul_characters_are_refused_with_their_path() -> None:
    a = dataclasses.replace(_activity(), name="x" * 201, description="a\x00b")
    found = {(p.path, p.code) for p in write_time_rules(None, a, KnownRecords())}
    assert ("name", "TOO_LONG") in found and ("description", "INVALID") in found
