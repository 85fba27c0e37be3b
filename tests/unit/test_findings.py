"""The compliance rules on the seed inventories (what the documents deserve) and on made-up registers."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from registry.domain import models as m
from registry.domain.enums import DpaStatus, RecipientKind, Role, Severity
from registry.domain.findings import Finding
from registry.domain.inventory import Inventory
from registry.services.findings import RULES, find
from registry.services.seeding import read_seed

SEED = Path(__file__).resolve().parents[2] / "seed"
REFERENCE, INVENTORIES = read_seed(SEED)
BY_SLUG = {i.organization.slug: i for i in INVENTORIES}
TODAY = dt.date(2026, 11, 24)


def findings(slug: str) -> list[Finding]:
    return find(BY_SLUG[slug], REFERENCE, TODAY)


def rules(slug: str) -> Counter[str]:
    return Counter(f.rule for f in findings(slug))


def test_rule_ids_are_unique_and_cite_an_article() -> None:
    assert len({r.id for r in RULES}) == len(RULES)
    assert all(r.article for r in RULES)


def test_janusipm_names_no_basis_and_sends_data_to_the_us_on_consent() -> None:
    found = findings("janusipm")
    [none] = [f for f in found if f.rule == "NO_LAWFUL_BASIS_STATED"]
    assert none.severity is Severity.HIGH and none.subject_id == "janusipm"
    [transfer] = [f for f in found if f.rule == "SYSTEMATIC_TRANSFER_ON_DEROGATION"]
    assert transfer.subject_id == "janusipm/to-united-states"
    assert "represents your agreement to that transfer" in transfer.message
    assert transfer.source is not None and transfer.source.section == "10. Data Transfers"
    # Its documents invoke no legitimate interests and no consent basis: no finding says otherwise.
    assert rules("janusipm")["LEGITIMATE_INTERESTS_WITHOUT_LIA"] == 0
    assert rules("janusipm")["CONSENT_WITHOUT_WITHDRAWAL"] == 0


def test_januscaler_legitimate_interests_lack_a_balancing_test() -> None:
    li = [f for f in findings("januscaler") if f.rule == "LEGITIMATE_INTERESTS_WITHOUT_LIA"]
    assert {f.subject_id for f in li} == {"januscaler/service-improvement", "januscaler/security",
                                           "januscaler/service-communications"}
    assert all(f.source and f.source.section and f.source.section.startswith("5") for f in li)


def test_januscaler_states_how_to_withdraw_consent_so_no_finding_claims_otherwise() -> None:
    assert rules("januscaler")["CONSENT_WITHOUT_WITHDRAWAL"] == 0
    assert rules("januscaler")["NO_LAWFUL_BASIS_STATED"] == 0


def test_januscaler_processor_side_is_complete() -> None:
    # s.7.1 names the Customer as controller; s.7.3 gives general authorisation: neither gap is reported.
    r = rules("januscaler")
    assert r["PROCESSOR_WITHOUT_CONTROLLER"] == 0 and r["SUBPROCESSORS_WITHOUT_AUTHORISATION"] == 0
    # The content subprocessors of s.7.3 are not said to be bound by contract; s.6.1's providers are.
    [dpa] = [f for f in findings("januscaler") if f.rule == "SUBPROCESSOR_WITHOUT_DPA"]
    assert dpa.subject_id == "januscaler/content-subprocessors"


def test_januscaler_and_jalendos_name_sccs_but_not_the_module_nor_the_destination() -> None:
    for slug in ("januscaler", "jalendos-kramax"):
        r = rules(slug)
        assert r["SCC_MODULE_NOT_RECORDED"] == 1 and r["TRANSFER_DESTINATION_NOT_NAMED"] == 1
        assert r["TRANSFER_WITHOUT_SAFEGUARD"] == 0  # SCCs are a safeguard


def test_cloudfzs_transfer_has_no_mechanism_and_no_basis_is_stated() -> None:
    found = findings("cloudfzs-jini")
    [t] = [f for f in found if f.rule == "TRANSFER_WITHOUT_SAFEGUARD"]
    assert t.severity is Severity.HIGH and "no transfer mechanism" in t.message
    assert rules("cloudfzs-jini")["NO_LAWFUL_BASIS_STATED"] == 1


def test_jalendos_table_bases_are_not_reported_missing() -> None:
    missing = {f.subject_id for f in findings("jalendos-kramax") if f.rule == "PURPOSE_WITHOUT_LAWFUL_BASIS"}
    # The purpose table gives a basis for its four rows; only the two activities outside the table lack one.
    assert missing == {"jalendos-kramax/cookies-and-tracking", "jalendos-kramax/payment-processing"}


def test_findings_are_most_severe_first() -> None:
    ranks = [f.severity.rank for f in findings("januscaler")]
    assert ranks == sorted(ranks, reverse=True)


# --- made-up registers for the rules the seed documents do not trigger -----------------------------------


def register(**changes: object) -> Inventory:
    base = BY_SLUG["jalendos-kramax"]
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def only(inv: Inventory, rule: str) -> list[Finding]:
    return [f for f in find(inv, REFERENCE, TODAY) if f.rule == rule]


def test_special_category_without_art9_condition() -> None:
    a = BY_SLUG["jalendos-kramax"].processing_activities[0]
    health = dataclasses.replace(a, data_categories=[*a.data_categories, "user.special.health"])
    [f] = only(register(processing_activities=[health]), "SPECIAL_CATEGORY_WITHOUT_CONDITION")
    assert "HEALTH" in f.message
    ok = dataclasses.replace(health, purposes=[dataclasses.replace(
        health.purposes[0], special_category_conditions=[m.BasisAssignment("GDPR:art9-explicit-consent")])])
    assert only(register(processing_activities=[ok]), "SPECIAL_CATEGORY_WITHOUT_CONDITION") == []


def test_criminal_data_without_authority() -> None:
    a = dataclasses.replace(BY_SLUG["jalendos-kramax"].processing_activities[0], data_categories=["user.criminal"])
    assert len(only(register(processing_activities=[a]), "CRIMINAL_DATA_WITHOUT_AUTHORITY")) == 1
    a = dataclasses.replace(a, art10_authority="Member State law X")
    assert only(register(processing_activities=[a]), "CRIMINAL_DATA_WITHOUT_AUTHORITY") == []


def _vendor(**kw: object) -> m.Recipient:
    base = m.Recipient("jalendos-kramax", "cloudco", "CloudCo Inc", named=True, kind=RecipientKind.SUBPROCESSOR,
                       role=Role.PROCESSOR, countries=["US"], dpa=DpaStatus.SIGNED)
    return dataclasses.replace(base, **kw)  # type: ignore[arg-type]


def _transfer_register(mechanism: str, vendor: m.Recipient, role: Role = Role.CONTROLLER) -> Inventory:
    t = m.Transfer("jalendos-kramax", "to-cloudco", origin="DE", destination="US", recipient="cloudco",
                   mechanism=mechanism)
    a = dataclasses.replace(BY_SLUG["jalendos-kramax"].processing_activities[0], transfers=["to-cloudco"],
                            recipients=["cloudco"], role=role, controller="Acme",
                            subprocessor_authorisation=None if role == Role.CONTROLLER else None)
    return register(transfers=[t], recipients=[vendor], processing_activities=[a])


def test_dpf_needs_a_recorded_certification() -> None:
    assert len(only(_transfer_register("eu-us-dpf", _vendor()), "DPF_WITHOUT_CERTIFICATION")) == 1
    certified = _vendor(dpf_certification="DPF list entry checked 2026-11-01")
    assert only(_transfer_register("eu-us-dpf", certified), "DPF_WITHOUT_CERTIFICATION") == []


def test_pre_2021_sccs_have_expired() -> None:
    [f] = only(_transfer_register("scc-pre-2021", _vendor()), "SCC_EXPIRED_OR_WRONG_MODULE")
    assert "27 Dec 2022" in f.message


def test_scc_module_must_fit_the_roles() -> None:
    # A processor exporting to a processor needs Module 3, not Module 2.
    [f] = only(_transfer_register("scc-2021-module-2", _vendor(), Role.PROCESSOR), "SCC_EXPIRED_OR_WRONG_MODULE")
    assert "Module 3" in f.fix
    assert only(_transfer_register("scc-2021-module-3", _vendor(), Role.PROCESSOR), "SCC_EXPIRED_OR_WRONG_MODULE") == []
    assert only(_transfer_register("scc-2021-module-2", _vendor()), "SCC_EXPIRED_OR_WRONG_MODULE") == []


def test_adequacy_claimed_for_a_country_without_it() -> None:
    t = m.Transfer("jalendos-kramax", "to-india", origin="DE", destination="IN", mechanism="adequacy")
    assert len(only(register(transfers=[t]), "TRANSFER_WITHOUT_SAFEGUARD")) == 1
    t = dataclasses.replace(t, destination="JP")
    assert only(register(transfers=[t]), "TRANSFER_WITHOUT_SAFEGUARD") == []


def test_an_occasional_transfer_may_rest_on_a_derogation() -> None:
    t = m.Transfer("jalendos-kramax", "one-off", destination="IN", mechanism="derogation-legal-claims", occasional=True)
    assert only(register(transfers=[t]), "SYSTEMATIC_TRANSFER_ON_DEROGATION") == []


def test_processor_activity_needs_controller_and_authorisation() -> None:
    a = dataclasses.replace(BY_SLUG["jalendos-kramax"].processing_activities[0], role=Role.PROCESSOR,
                            controller=None, recipients=["technical-infrastructure-providers"])
    inv = register(processing_activities=[a])
    assert len(only(inv, "PROCESSOR_WITHOUT_CONTROLLER")) == 1
    assert len(only(inv, "SUBPROCESSORS_WITHOUT_AUTHORISATION")) == 1


def test_children_against_a_stated_minimum_age() -> None:
    kids = m.DataSubjectCategory("jalendos-kramax", "students", "School students", children=True)
    a = dataclasses.replace(BY_SLUG["jalendos-kramax"].processing_activities[0], data_subjects=["students"])
    [f] = only(register(data_subjects=[kids], processing_activities=[a]), "CHILDREN_BELOW_STATED_MINIMUM_AGE")
    assert "under 18" in f.message


@pytest.mark.parametrize("slug", sorted(BY_SLUG))
def test_every_finding_names_its_record(slug: str) -> None:
    for f in findings(slug):
        assert f.subject_id and f.message and f.fix and f.article
