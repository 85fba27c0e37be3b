"""The rules on accountability facts, each with a register that breaks it and one that does not (no database)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import yaml

from registry.domain import models as m
from registry.domain.enums import DocumentLinkKind, Role
from registry.domain.inventory import Inventory
from registry.services.findings import RULES, find
from registry.services.inventory_files import inventory_from_mapping
from registry.services.seeding import read_seed

ROOT = Path(__file__).resolve().parents[2]
REFERENCE, _ = read_seed(ROOT / "seed")
FULL = inventory_from_mapping(yaml.safe_load((ROOT / "tests/data/full-register.yaml").read_text("utf-8")),
                              "full-register.yaml", REFERENCE)
TODAY = dt.date(2026, 11, 26)
NEW = ("REVIEW_OVERDUE", "AUTOMATED_DECISIONS_WITHOUT_ART22_FOOTING", "JOINT_CONTROLLERS_WITHOUT_ARRANGEMENT",
       "SYSTEM_OUTSIDE_ADEQUACY_WITHOUT_TRANSFER", "LEGITIMATE_INTERESTS_WITHOUT_LIA_LINK",
       "CONSENT_WITHOUT_RECORD_LINK")
BOOKING, ROSTERING = FULL.processing_activities


def hits(inv: Inventory, rule: str, today: dt.date = TODAY) -> list[str]:
    return [f.message for f in find(inv, REFERENCE, today) if f.rule == rule]


def with_activity(a: m.ProcessingActivity) -> Inventory:
    return dataclasses.replace(FULL, processing_activities=[a if x.key == a.key else x
                                                            for x in FULL.processing_activities])


def without_link(a: m.ProcessingActivity, kind: DocumentLinkKind) -> m.ProcessingActivity:
    return dataclasses.replace(a, document_links=[d for d in a.document_links if d.kind != kind])


def test_the_rules_are_listed_with_article_and_severity() -> None:
    listed = {r.id: r for r in RULES}
    assert set(NEW) <= set(listed)
    assert all(listed[r].article.startswith("GDPR Art") for r in NEW)


def test_a_register_with_every_fact_recorded_breaks_none_of_them() -> None:
    assert [f.rule for f in find(FULL, REFERENCE, TODAY) if f.rule in NEW] == []


def test_review_overdue() -> None:
    assert hits(FULL, "REVIEW_OVERDUE", dt.date(2027, 4, 15)) == []  # rostering's is due that day
    [six_months] = hits(FULL, "REVIEW_OVERDUE", dt.date(2027, 4, 16))  # rostering is reviewed every P6M
    assert "Staff rostering" in six_months and "every P6M" in six_months
    both = hits(FULL, "REVIEW_OVERDUE", dt.date(2027, 9, 2))  # booking screening: every P12M from 2026-09-01
    assert len(both) == 2
    assert any("last reviewed on 2026-09-01 by DPO" in x and "due on 2027-09-01" in x for x in both)


def test_automated_decisions_need_a_ground_and_safeguards() -> None:
    no_safeguards = dataclasses.replace(BOOKING, automated_decision_basis=m.AutomatedDecisionBasis(
        exception=BOOKING.automated_decision_basis.exception if BOOKING.automated_decision_basis else None))
    [msg] = hits(with_activity(no_safeguards), "AUTOMATED_DECISIONS_WITHOUT_ART22_FOOTING")
    assert "but no safeguards are recorded" in msg and "cancelled automatically" in msg
    nothing = dataclasses.replace(BOOKING, automated_decision_basis=None)
    [msg] = hits(with_activity(nothing), "AUTOMATED_DECISIONS_WITHOUT_ART22_FOOTING")
    assert "but no Art 22(2) ground and no safeguards are recorded" in msg
    # No decisions made: nothing to found.
    none_made = dataclasses.replace(nothing, automated_decisions=m.Fact(False))
    assert hits(with_activity(none_made), "AUTOMATED_DECISIONS_WITHOUT_ART22_FOOTING") == []


def test_joint_controllers_need_an_arrangement() -> None:
    vague = dataclasses.replace(ROSTERING, joint_controllers=[m.JointController("St Example Hospital")])
    [msg] = hits(with_activity(vague), "JOINT_CONTROLLERS_WITHOUT_ARRANGEMENT")
    assert "St Example Hospital" in msg and "essence of the arrangement" in msg
    linked = dataclasses.replace(vague, document_links=[
        *vague.document_links, m.DocumentLink(DocumentLinkKind.JOINT_CONTROLLER_ARRANGEMENT,
                                              "https://intranet.fullrecord.example/joint-rostering")])
    assert hits(with_activity(linked), "JOINT_CONTROLLERS_WITHOUT_ARRANGEMENT") == []
    unnamed = dataclasses.replace(ROSTERING, joint_controllers=[])
    assert "not named" in hits(with_activity(unnamed), "JOINT_CONTROLLERS_WITHOUT_ARRANGEMENT")[0]
    single = dataclasses.replace(unnamed, role=Role.CONTROLLER, has_joint_controllers=False)
    assert hits(with_activity(single), "JOINT_CONTROLLERS_WITHOUT_ARRANGEMENT") == []


def test_a_system_outside_the_adequate_world_needs_a_transfer() -> None:
    in_india = dataclasses.replace(FULL.systems[0], locations=["NL", "IN"])
    inv = dataclasses.replace(FULL, systems=[in_india, FULL.systems[1]])
    [msg] = hits(inv, "SYSTEM_OUTSIDE_ADEQUACY_WITHOUT_TRANSFER")
    assert "Booking database" in msg and "India" in msg
    # The US is only partly adequate: without the recorded transfer to the US, the HR suite is found too.
    no_us = dataclasses.replace(inv, transfers=[t for t in inv.transfers if t.destination != "US"])
    assert len(hits(no_us, "SYSTEM_OUTSIDE_ADEQUACY_WITHOUT_TRANSFER")) == 2
    # Switzerland is adequate, and a transfer to India recorded covers the system there.
    fine = dataclasses.replace(inv, systems=[dataclasses.replace(in_india, locations=["CH"]), FULL.systems[1]])
    assert hits(fine, "SYSTEM_OUTSIDE_ADEQUACY_WITHOUT_TRANSFER") == []
    covered = dataclasses.replace(inv, transfers=[*inv.transfers, m.Transfer(
        "full-register", "to-india", origin="IE", destination="IN", mechanism="scc-2021-module-2")])
    assert hits(covered, "SYSTEM_OUTSIDE_ADEQUACY_WITHOUT_TRANSFER") == []


def test_legitimate_interests_need_a_link_to_the_assessment() -> None:
    unlinked = without_link(BOOKING, DocumentLinkKind.LIA)
    [msg] = hits(with_activity(unlinked), "LEGITIMATE_INTERESTS_WITHOUT_LIA_LINK")
    assert "LIA-2026-01" in msg
    assert hits(FULL, "LEGITIMATE_INTERESTS_WITHOUT_LIA_LINK") == []


def test_consent_needs_a_link_to_the_record_of_consent() -> None:
    [msg] = hits(with_activity(without_link(BOOKING, DocumentLinkKind.CONSENT_RECORD)), "CONSENT_WITHOUT_RECORD_LINK")
    assert "relies on consent" in msg
    assert hits(with_activity(without_link(ROSTERING, DocumentLinkKind.CONSENT_RECORD)),
                "CONSENT_WITHOUT_RECORD_LINK") == []  # rostering does not rest on consent


def test_a_review_at_the_end_of_the_calendar_is_never_overdue_and_never_fails() -> None:
    late = dataclasses.replace(BOOKING, last_review=m.Review(dt.date(9999, 12, 31), "DPO"))
    assert late.review_due() is None
    assert hits(with_activity(late), "REVIEW_OVERDUE") == []


def test_a_review_interval_must_be_between_a_day_and_ten_years() -> None:
    from registry.domain.validation import KnownRecords, validate_record

    for bad in ("P100Y", "PT1H", "yearly"):
        problems = validate_record(dataclasses.replace(BOOKING, review_interval=bad), KnownRecords(REFERENCE.countries))
        assert any(p.path == "review_interval" and p.code == "INVALID_DURATION" for p in problems), bad
    ok = validate_record(dataclasses.replace(BOOKING, review_interval="P10Y"), KnownRecords(REFERENCE.countries))
    assert not any(p.path == "review_interval" for p in ok)
