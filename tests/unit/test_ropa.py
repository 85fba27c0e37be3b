"""The regulators' templates answered from a register, in memory: question by question, with no database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
import yaml

from registry.domain import models as m
from registry.domain.enums import Role
from registry.domain.inventory import Inventory
from registry.domain.ropa_templates import QUESTIONS, Template, questions
from registry.domain.validation import validate_inventory
from registry.services.inventory_files import inventory_from_mapping
from registry.services.ropa import ANSWERERS, Status, TemplateAnswers, answer_template
from registry.services.seeding import read_seed

ROOT = Path(__file__).resolve().parents[2]
REFERENCE, SEEDS = read_seed(ROOT / "seed")
FULL = inventory_from_mapping(yaml.safe_load((ROOT / "tests/data/full-register.yaml").read_text("utf-8")),
                              "full-register.yaml", REFERENCE)
TODAY = dt.date(2026, 11, 26)


def answers(inv: Inventory, template: Template) -> TemplateAnswers:
    return answer_template(inv, REFERENCE, template, today=TODAY)


def status_of(t: TemplateAnswers, key: str, activity: str | None = None) -> Status:
    if activity is None:
        return next(qa.answer.status for qa in t.controller if qa.question.key == key)
    act = next(x for x in t.activities if x.activity.key == activity)
    return next(qa.answer.status for qa in act.answers if qa.question.key == key)


def test_the_templates_have_every_question_of_the_regulators_models() -> None:
    assert [len(questions(t)) for t in Template] == [42, 41, 38]
    assert len({q.key for q in QUESTIONS}) == len(QUESTIONS)
    assert {q.topic for q in QUESTIONS} <= set(ANSWERERS)
    assert all(q.french for q in questions(Template.FR_CNIL))
    assert not any(q.french for q in QUESTIONS if q.template is not Template.FR_CNIL)


def test_the_full_register_is_valid() -> None:
    assert validate_inventory(FULL, REFERENCE) == []


@pytest.mark.parametrize("template", list(Template))
def test_a_register_with_every_fact_answers_every_question_for_every_activity(template: Template) -> None:
    t = answers(FULL, template)
    seen = {qa.question.key for qa in t.controller} | {qa.question.key for x in t.activities for qa in x.answers}
    assert seen == {q.key for q in questions(template)}
    assert len(t.activities) == 2
    for qa in [*t.controller, *(qa for x in t.activities for qa in x.answers)]:
        assert qa.answer.covered, (qa.question.key, qa.answer)
        assert qa.answer.text and qa.answer.fields, qa.question.key
    assert all(c.ratio == 1.0 for c in t.coverage) and t.overall == 1.0


def test_not_applicable_only_where_the_register_knows_the_condition_is_false() -> None:
    ico, dpc = answers(FULL, Template.UK_ICO), answers(FULL, Template.IE_DPC)
    assert status_of(ico, "ICO.1.5") is Status.ANSWERED  # established in Ireland: a UK representative is named
    assert status_of(dpc, "DPC.1.4") is Status.NOT_APPLICABLE  # established in the EU
    assert status_of(ico, "ICO.1.3", "booking-screening") is Status.NOT_APPLICABLE  # says it has none
    assert status_of(ico, "ICO.1.3", "rostering") is Status.ANSWERED
    assert status_of(ico, "ICO.8.3", "rostering") is Status.NOT_APPLICABLE  # contract and legal obligation only
    assert status_of(ico, "ICO.12.1", "rostering") is Status.NOT_APPLICABLE
    assert status_of(ico, "ICO.9.2", "rostering") is Status.NOT_APPLICABLE  # neither profiling nor decisions
    assert status_of(ico, "ICO.6.4", "rostering") is Status.NOT_APPLICABLE  # keeps to the policy
    assert status_of(ico, "ICO.6.4", "booking-screening") is Status.ANSWERED
    assert status_of(ico, "ICO.8.5", "booking-screening") is Status.NOT_APPLICABLE  # explicit consent needs none
    assert status_of(ico, "ICO.8.5", "rostering") is Status.ANSWERED


def _bare(a: m.ProcessingActivity) -> m.ProcessingActivity:
    """The activity with nothing recorded but its name and role."""
    return m.ProcessingActivity(a.organization, a.key, a.name, a.role)


def test_silence_is_not_recorded_never_not_applicable() -> None:
    org = dataclasses.replace(FULL.organization, country=None, dpo=None, uk_representative=None, contacts=[],
                              address=None, commitments=[], documents=[])
    bare = dataclasses.replace(FULL, organization=org, processing_activities=[
        _bare(a) for a in FULL.processing_activities])
    for template in Template:
        t = answers(bare, template)
        statuses = {qa.question.key: qa.answer.status for x in [*t.activities] for qa in x.answers}
        statuses |= {qa.question.key: qa.answer.status for qa in t.controller}
        assert Status.NOT_APPLICABLE not in statuses.values()
        answered = {k for k, s in statuses.items() if s is Status.ANSWERED}
        # Only what a bare entry still states: the controller's name, the activity's name and role.
        assert answered <= {"ICO.1.1", "ICO.1.6", "DPC.1.5", "CNIL.1.1", "CNIL.2.5"}, answered
        for qa in [*t.controller, *(qa for x in t.activities for qa in x.answers)]:
            if qa.answer.status is Status.NOT_RECORDED:
                assert qa.answer.text is None and qa.answer.fields


def test_a_processor_activity_leaves_the_lawful_basis_to_the_controller() -> None:
    a = dataclasses.replace(FULL.processing_activities[1], role=Role.PROCESSOR, controller="St Example Hospital")
    t = answer_template(dataclasses.replace(FULL, processing_activities=[a]), REFERENCE, Template.IE_DPC,
                        role=Role.PROCESSOR, today=TODAY)
    assert status_of(t, "DPC.8.1", "rostering") is Status.NOT_APPLICABLE
    assert status_of(t, "DPC.1.5", "rostering") is Status.ANSWERED
    assert answer_template(FULL, REFERENCE, Template.IE_DPC, role=Role.PROCESSOR).activities == []


def test_partial_answers_say_what_is_missing() -> None:
    a = FULL.processing_activities[0]
    changed = dataclasses.replace(a, recipient_categories=a.recipient_categories[:1], document_links=[],
                                  joint_controllers=[m.JointController("Other Ltd")], has_joint_controllers=True)
    t = answers(dataclasses.replace(FULL, processing_activities=[changed]), Template.IE_DPC)
    got = {qa.question.key: qa.answer for qa in t.activities[0].answers}
    assert got["DPC.4.3"].status is Status.PARTIAL and "not recorded for Example Insurance plc" in got["DPC.4.3"].text
    assert got["DPC.1.2"].status is Status.PARTIAL and "arrangement not recorded" in got["DPC.1.2"].text
    assert got["DPC.8.3"].status is Status.PARTIAL and "LIA-2026-01" in got["DPC.8.3"].text  # a note, not a link
    assert got["DPC.10.1"].status is Status.PARTIAL and "Screening" in got["DPC.10.1"].text
    assert got["DPC.12.1"].status is Status.NOT_RECORDED
    cov = {c.question.key: c for c in t.coverage}
    assert cov["DPC.4.3"].counts[Status.PARTIAL] == 1 and cov["DPC.4.3"].ratio == 0.0


@pytest.mark.parametrize("template", list(Template))
def test_seed_answers_come_only_from_what_the_documents_state(template: Template) -> None:
    for inv in SEEDS:
        t = answers(inv, template)
        for x in t.activities:
            for qa in x.answers:
                if qa.question.topic in ("department", "stewards", "retention_adherence",
                                         "retention_policy", "last_review", "breach_register", "dpia",
                                         "privacy_notice", "automated_decisions", "profiling", "adm_or_profiling"):
                    # the seeds' documents state none of these facts, so the answers must be silent
                    assert qa.answer.status is Status.NOT_RECORDED, (inv.organization.slug, qa.question.key)
                if qa.answer.status in (Status.ANSWERED, Status.PARTIAL):
                    assert qa.answer.text and qa.answer.fields
        assert 0 < t.overall < 1


def test_seed_sources_are_answered_where_the_documents_state_them() -> None:
    by_slug = {i.organization.slug: i for i in SEEDS}
    ico = answers(by_slug["januscaler"], Template.UK_ICO)
    assert status_of(ico, "ICO.3.4", "customer-support") is Status.ANSWERED
    assert status_of(ico, "ICO.3.4", "business-transfers") is Status.NOT_RECORDED  # the policy does not say
    content = next(qa.answer.text for x in ico.activities if x.activity.key == "customer-content-processing"
                   for qa in x.answers if qa.question.key == "ICO.3.4")
    assert content and "the Customer (the controller)" in content
    silent = answers(by_slug["janusipm"], Template.UK_ICO)  # its policy never says where the data comes from
    assert all(status_of(silent, "ICO.3.4", x.activity.key) is Status.NOT_RECORDED for x in silent.activities)


def test_the_readme_states_the_seeds_coverage_as_computed() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    for inv in SEEDS:
        cells = []
        for template in Template:
            t = answers(inv, template)
            total = sum(c.total for c in t.coverage)
            partial = sum(c.counts[Status.PARTIAL] for c in t.coverage)
            cells.append(f"{t.overall:.0%} ({partial / total:.0%} partial)")
        row = f"| `{inv.organization.slug}` | {len(inv.processing_activities)} | {' | '.join(cells)} |"
        assert row in readme, row


def test_the_full_register_survives_the_yaml_round_trip() -> None:
    from registry.services.inventory_sync import export_mapping

    data = export_mapping(FULL)
    rostering = next(a for a in data["processing_activities"] if a["key"] == "rostering")
    # The organisation's own category is written by its key, in the list and in the recipient's share alike.
    assert "user.health_and_medical.fitness_for_work" in rostering["data_categories"]
    assert rostering["recipient_categories"][0]["data_categories"][1] == "user.health_and_medical.fitness_for_work"
    again = inventory_from_mapping(yaml.safe_load(yaml.safe_dump(data)), "again.yaml", REFERENCE)
    assert again == FULL
