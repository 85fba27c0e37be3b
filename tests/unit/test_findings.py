"""The compliance rules on the seed inventories: what their documents establish, and nothing more.

The made-up registers that exercise each rule are in test_legal_scenarios.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from registry.domain import models as m
from registry.domain.enums import Applicability, Framework, Severity
from registry.domain.findings import Finding
from registry.domain.inventory import Inventory
from registry.services.findings import RULES, find
from registry.services.seeding import read_seed

SEED = Path(__file__).resolve().parents[2] / "seed"
REFERENCE, INVENTORIES = read_seed(SEED)
BY_SLUG = {i.organization.slug: i for i in INVENTORIES}
TODAY = dt.date(2026, 11, 24)
DPDP_IN_FORCE = dt.date(2027, 5, 13)
CHAPTER_V = {"TRANSFER_WITHOUT_SAFEGUARD", "TRANSFER_DESTINATION_NOT_NAMED", "ADEQUACY_WITHOUT_DPF_CERTIFICATION",
             "ADEQUACY_SCOPE_NOT_ESTABLISHED", "SYSTEMATIC_TRANSFER_ON_DEROGATION", "TRANSFER_CONSENT_NOT_EXPLICIT",
             "SCC_EXPIRED_OR_WRONG_MODULE", "SCC_MODULE_NOT_RECORDED", "SAFEGUARD_NOT_IDENTIFIED"}


def findings(slug: str, on: dt.date = TODAY) -> list[Finding]:
    return find(BY_SLUG[slug], REFERENCE, on)


def rules(slug: str, on: dt.date = TODAY) -> Counter[str]:
    return Counter(f.rule for f in findings(slug, on))


def with_gdpr(inv: Inventory, ground: str = "GDPR Art 3(1)") -> Inventory:
    """The register as it would be if the DPO recorded that the GDPR applies (the documents do not say so)."""
    law = m.FrameworkApplicability(Framework.GDPR, Applicability.APPLIES, ground)
    org = inv.organization
    kept = [a for a in org.applicability if a.framework != Framework.GDPR]
    return dataclasses.replace(inv, organization=dataclasses.replace(org, applicability=[*kept, law]))


def test_rule_ids_are_unique_and_cite_an_article() -> None:
    assert len({r.id for r in RULES}) == len(RULES)
    assert all(r.article for r in RULES)


@pytest.mark.parametrize("slug", sorted(BY_SLUG))
@pytest.mark.parametrize("on", [TODAY, dt.date(2027, 6, 1)])
def test_no_seed_finding_rests_on_an_applicability_the_register_does_not_record(slug: str, on: dt.date) -> None:
    applies = {a.framework for a in BY_SLUG[slug].organization.applicability if a.status == Applicability.APPLIES}
    for f in findings(slug, on):
        assert f.framework is None and f.rule == "APPLICABILITY_UNDETERMINED" or f.framework in applies, f


def test_cloudfzs_gets_no_chapter_v_finding_while_the_gdpr_is_not_recorded_as_applying() -> None:
    assert not CHAPTER_V & set(rules("cloudfzs-jini"))
    questions = [f for f in findings("cloudfzs-jini") if f.rule == "APPLICABILITY_UNDETERMINED"]
    assert len(questions) == 3 and any("Art 3(2)(a)" in f.fix for f in questions)  # GDPR, UK GDPR, CCPA: one each
    # Once the DPO records that the GDPR applies, its unnamed destination is found.
    found = {f.rule for f in find(with_gdpr(BY_SLUG["cloudfzs-jini"]), REFERENCE, TODAY)}
    assert {"TRANSFER_WITHOUT_SAFEGUARD", "TRANSFER_DESTINATION_NOT_NAMED"} <= found


@pytest.mark.parametrize("slug", ["cloudfzs-jini", "jalendos-kramax", "januscaler"])
def test_dpdp_findings_before_13_may_2027_are_readiness_not_breach(slug: str) -> None:
    before = [f for f in findings(slug) if f.framework == Framework.DPDP]
    assert before and all(f.readiness and f.message.startswith("Readiness, not a breach") for f in before)
    assert all(f.in_force_from == DPDP_IN_FORCE for f in before)
    after = [f for f in findings(slug, DPDP_IN_FORCE) if f.framework == Framework.DPDP]
    assert after and not any(f.readiness for f in after)
    assert {f.rule for f in before} == {f.rule for f in after}


def test_an_inferred_applicability_is_shown_in_the_findings_it_carries() -> None:
    [f] = [f for f in findings("januscaler") if f.rule == "NO_USABLE_CONTACT"]
    assert "inferred, not stated" in f.message and "based in India" in f.message
    # Jalendos Kramax states that it processes in India: nothing to flag as inferred.
    assert not any("inferred, not stated" in f.message for f in findings("jalendos-kramax"))


def test_janusipm_states_gdpr_applies_names_no_basis_and_transfers_on_policy_acceptance() -> None:
    found = findings("janusipm")
    [none] = [f for f in found if f.rule == "NO_LAWFUL_BASIS_STATED"]
    assert none.severity is Severity.HIGH and none.framework == Framework.GDPR
    [systematic] = [f for f in found if f.rule == "SYSTEMATIC_TRANSFER_ON_DEROGATION"]
    assert "represents your agreement to that transfer" in systematic.message
    [consent] = [f for f in found if f.rule == "TRANSFER_CONSENT_NOT_EXPLICIT"]
    assert consent.source is not None and consent.source.section == "10. Data Transfers"
    # Its ground under Art 3 is not stated: asked for, and no Art 27 finding assumes Art 3(2).
    assert rules("janusipm")["APPLICABILITY_GROUND_NOT_RECORDED"] == 1
    assert rules("janusipm")["REPRESENTATIVE_NOT_DESIGNATED"] == 0
    assert rules("janusipm")["LEGITIMATE_INTERESTS_WITHOUT_LIA"] == 0


def test_januscaler_gdpr_rules_do_not_run_while_the_gdpr_is_undetermined() -> None:
    # The old expectation (LIA findings for three activities) assumed the GDPR applies; its documents do not say so.
    r = rules("januscaler")
    assert r["LEGITIMATE_INTERESTS_WITHOUT_LIA"] == 0 and r["APPLICABILITY_UNDETERMINED"] == 3
    [gdpr_question] = [f for f in findings("januscaler") if "the GDPR applies" in f.message]
    assert gdpr_question.source is not None and gdpr_question.source.section == "7.1 Your Responsibility"


def test_januscaler_under_the_gdpr_shows_its_processor_gaps() -> None:
    found = find(with_gdpr(BY_SLUG["januscaler"]), REFERENCE, TODAY)
    by_rule = Counter(f.rule for f in found)
    # "the Customer" is no controller's name and contact (Art 30(2)(a)).
    [ctrl] = [f for f in found if f.rule == "PROCESSOR_WITHOUT_CONTROLLER"]
    assert "the Customer" in ctrl.message
    for rule_id in ("PROCESSOR_WITHOUT_CONTROLLER_CONTRACT", "GENERAL_AUTHORISATION_WITHOUT_OBJECTION",
                    "NO_BREACH_NOTICE_TO_CONTROLLER", "SAFEGUARD_NOT_IDENTIFIED", "LEGITIMATE_INTERESTS_WITHOUT_LIA"):
        assert by_rule[rule_id] >= 1, rule_id
    # Section 11 states a safeguard without naming it: not "no safeguard", not "SCCs without a module".
    assert by_rule["TRANSFER_WITHOUT_SAFEGUARD"] == 0 and by_rule["SCC_MODULE_NOT_RECORDED"] == 0
    [cookies] = [f for f in found if f.rule == "CONSENT_NOT_AFFIRMATIVE"]
    assert "Planet49" in cookies.message and cookies.source and "opt out" in (cookies.source.quote or "")


def test_jalendos_table_bases_are_no_dpdp_ground() -> None:
    found = findings("jalendos-kramax", DPDP_IN_FORCE)
    missing = {f.subject_id for f in found if f.rule == "PURPOSE_WITHOUT_LAWFUL_BASIS"}
    assert "jalendos-kramax/security-monitoring" in missing  # legitimate interest: no DPDP equivalent
    [li] = [f for f in found if f.subject_id == "jalendos-kramax/security-monitoring"
            and f.rule == "PURPOSE_WITHOUT_LAWFUL_BASIS"]
    assert "no ground under the DPDP Act" in li.message and "s.7(a)" in li.fix


def test_seed_corrections_are_recorded() -> None:
    jan = BY_SLUG["januscaler"]
    [backup] = [r for r in jan.retention_rules if r.key == "backup-copies"]
    assert backup.period is None and "until overwritten" in (backup.stated_as or "")
    [t] = jan.transfers
    assert t.mechanism == "art46-unspecified"
    assert jan.organization.sells_personal_data and jan.organization.sells_personal_data.value is False
    jal = BY_SLUG["jalendos-kramax"]
    [sp] = [a for a in jal.processing_activities if a.key == "service-provision"]
    assert {"user.name", "user.contact.phone_number", "user.job_title"} <= set(sp.data_categories)
    assert jal.transfers[0].due_diligence is not None
    for slug in ("janusipm", "cloudfzs-jini", "jalendos-kramax"):
        src = BY_SLUG[slug].organization.roles_source
        assert src and src.inference, slug  # no document uses the word "controller"
    [doc] = BY_SLUG["cloudfzs-jini"].organization.documents
    assert doc.note and "7 August 2024" in doc.note


def test_findings_are_most_severe_first() -> None:
    ranks = [f.severity.rank for f in findings("januscaler")]
    assert ranks == sorted(ranks, reverse=True)


@pytest.mark.parametrize("slug", sorted(BY_SLUG))
def test_every_finding_names_its_record(slug: str) -> None:
    for f in findings(slug):
        assert f.subject_id and f.message and f.fix and f.article
