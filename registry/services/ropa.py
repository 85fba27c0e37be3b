"""Every question of a supervisory authority's record-of-processing template, answered from the register.

A pure function of an inventory and the reference data. Each answer says what the register holds for the
question, the register fields it came from, and its status: ANSWERED; PARTIAL (something is recorded, not all the
question asks); NOT_APPLICABLE only where the register knows the condition is false (the activity says it has no
joint controller, no recorded data category is special, no recorded basis is consent, ...); NOT_RECORDED where the
register is silent. Silence is never "not applicable", and nothing is filled in that the register does not hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

from registry.domain import models as m
from registry.domain.durations import add_to
from registry.domain.enums import Adequacy, CommitmentKind, DocumentLinkKind, Role
from registry.domain.inventory import Inventory, ReferenceData
from registry.domain.ropa_templates import TITLES, Question, Template, questions
from registry.services.dpia import Verdict, screen
from registry.services.rights import rights_that_apply


class Status(str, Enum):
    """How far the register answers a question."""

    ANSWERED = "ANSWERED"
    PARTIAL = "PARTIAL"
    NOT_RECORDED = "NOT_RECORDED"
    NOT_APPLICABLE = "NOT_APPLICABLE"


@dataclass(frozen=True)
class Answer:
    """The register's answer to one question: the text, the fields it came from, how complete it is."""

    status: Status
    text: str | None = None
    fields: list[str] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return self.status in (Status.ANSWERED, Status.NOT_APPLICABLE)


@dataclass(frozen=True)
class QuestionAnswer:
    question: Question
    answer: Answer


@dataclass(frozen=True)
class ActivityAnswers:
    activity: m.ProcessingActivity
    answers: list[QuestionAnswer]


@dataclass(frozen=True)
class Coverage:
    """How the activities (or, for a controller question, the organisation) answer one question."""

    question: Question
    counts: dict[Status, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def ratio(self) -> float:
        """Answered or not applicable, as a share of all answers (1.0 when there is nothing to answer)."""
        covered = self.counts[Status.ANSWERED] + self.counts[Status.NOT_APPLICABLE]
        return covered / self.total if self.total else 1.0


@dataclass(frozen=True)
class TemplateAnswers:
    """A template answered for one organisation: the controller block once, then each activity."""

    template: Template
    title: str
    organization: m.Organization
    role: Role | None
    controller: list[QuestionAnswer]
    activities: list[ActivityAnswers]

    @cached_property
    def coverage(self) -> list[Coverage]:
        out = []
        for q in questions(self.template):
            answers = [qa.answer for qa in self.controller if qa.question == q] if q.controller else \
                [qa.answer for x in self.activities for qa in x.answers if qa.question == q]
            out.append(Coverage(q, {s: sum(a.status == s for a in answers) for s in Status}))
        return out

    @property
    def overall(self) -> float:
        """Answered or not applicable, as a share of every answer (controller block included)."""
        total = sum(c.total for c in self.coverage)
        covered = sum(c.counts[Status.ANSWERED] + c.counts[Status.NOT_APPLICABLE] for c in self.coverage)
        return covered / total if total else 1.0


# --- what the answers read ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Register:
    """An inventory with its reference data indexed for answering."""

    inv: Inventory
    ref: ReferenceData
    today: dt.date

    @cached_property
    def countries(self) -> dict[str, m.Country]:
        return {c.code: c for c in self.ref.countries}

    @cached_property
    def categories(self) -> dict[str, m.DataCategory]:
        return {c.id: c for c in [*self.ref.data_categories, *self.inv.data_categories]}

    @cached_property
    def bases(self) -> dict[str, m.LegalBasis]:
        return {b.id: b for b in self.ref.legal_bases}

    @cached_property
    def mechanisms(self) -> dict[str, m.TransferMechanism]:
        return {t.code: t for t in self.ref.transfer_mechanisms}

    @cached_property
    def purposes(self) -> dict[str, m.Purpose]:
        return {r.key: r for r in self.inv.purposes}

    @cached_property
    def subjects(self) -> dict[str, m.DataSubjectCategory]:
        return {r.key: r for r in self.inv.data_subjects}

    @cached_property
    def recipients(self) -> dict[str, m.Recipient]:
        return {r.key: r for r in self.inv.recipients}

    @cached_property
    def transfers(self) -> dict[str, m.Transfer]:
        return {r.key: r for r in self.inv.transfers}

    @cached_property
    def retention(self) -> dict[str, m.RetentionRule]:
        return {r.key: r for r in self.inv.retention_rules}

    @cached_property
    def measures(self) -> dict[str, m.SecurityMeasure]:
        return {r.key: r for r in self.inv.security_measures}

    @cached_property
    def systems(self) -> dict[str, m.System]:
        return {r.key: r for r in self.inv.systems}

    def country(self, code: str) -> str:
        c = self.countries.get(code)
        return c.name if c else code

    def in_eea(self, code: str | None) -> bool:
        c = self.countries.get(code or "")
        return c is not None and c.adequacy == Adequacy.EEA


A = m.ProcessingActivity
Answerer = Callable[[Register, A | None], Answer]
ANSWERERS: dict[str, Answerer] = {}

ACT = "processingActivity"
ORG = "organization"


def topic(name: str) -> Callable[[Answerer], Answerer]:
    def register(fn: Answerer) -> Answerer:
        ANSWERERS[name] = fn
        return fn

    return register


def _answered(text: str, *fields: str) -> Answer:
    return Answer(Status.ANSWERED, text, list(fields))


def _partial(text: str, *fields: str) -> Answer:
    return Answer(Status.PARTIAL, text, list(fields))


def _silent(*fields: str) -> Answer:
    return Answer(Status.NOT_RECORDED, None, list(fields))


def _not_applicable(why: str, *fields: str) -> Answer:
    return Answer(Status.NOT_APPLICABLE, why, list(fields))


def _some(a: A | None) -> A:
    assert a is not None, "an activity question answered without an activity"
    return a


def _list(items: list[str]) -> str:
    return "; ".join(items)


def _link(reg: Register, a: A | None, kind: DocumentLinkKind, what: str) -> Answer:
    links = _some(a).links(kind)
    if links:
        return _answered(_list([f"{d.title}: {d.location}" if d.title else d.location for d in links]),
                         f"{ACT}.documentLinks[{kind.value}]")
    return _silent(f"{ACT}.documentLinks[{kind.value}]")


def _person(p: m.Person) -> str:
    return ", ".join(x for x in (p.name, p.email, p.address) if x)


# --- the controller block ---------------------------------------------------------------------------------------


def _ways(org: m.Organization) -> list[str]:
    out = []
    for c in org.contacts:
        ways = ", ".join(x for x in (c.email, c.phone, c.url) if x)
        if ways:
            out.append(f"{c.purpose}: {ways}")
    return out


@topic("controller_name")
def controller_name(reg: Register, a: A | None) -> Answer:
    return _answered(reg.inv.organization.legal_name, f"{ORG}.legalName")


@topic("controller_contact")
def controller_contact(reg: Register, a: A | None) -> Answer:
    org = reg.inv.organization
    ways = _ways(org)
    if ways:
        return _answered(_list([*([org.address] if org.address else []), *ways]), f"{ORG}.address", f"{ORG}.contacts")
    if org.address:
        return _partial(f"{org.address} (no email, telephone or web contact recorded)", f"{ORG}.address")
    return _silent(f"{ORG}.address", f"{ORG}.contacts")


@topic("controller_name_contact")
def controller_name_contact(reg: Register, a: A | None) -> Answer:
    contact = controller_contact(reg, a)
    name = reg.inv.organization.legal_name
    if contact.status is Status.NOT_RECORDED:
        return _partial(f"{name} (no contact details recorded)", f"{ORG}.legalName", *contact.fields)
    return Answer(contact.status, f"{name}; {contact.text}", [f"{ORG}.legalName", *contact.fields])


@topic("dpo")
def dpo(reg: Register, a: A | None) -> Answer:
    p = reg.inv.organization.dpo
    if p is None:
        return _silent(f"{ORG}.dpo")
    if p.email or p.address:
        return _answered(_person(p), f"{ORG}.dpo")
    return _partial(f"{p.name} (no contact details recorded)", f"{ORG}.dpo")


def _representative(reg: Register, p: m.Person | None, field_name: str, established: bool | None,
                    where: str) -> Answer:
    if established:
        return _not_applicable(f"The controller is established in the {where} (country "
                               f"{reg.inv.organization.country}).", f"{ORG}.country")
    if p is not None:
        return _answered(_person(p) or "named, without contact details", f"{ORG}.{field_name}")
    return _silent(f"{ORG}.{field_name}", f"{ORG}.country")


@topic("uk_representative")
def uk_representative(reg: Register, a: A | None) -> Answer:
    country = reg.inv.organization.country
    return _representative(reg, reg.inv.organization.uk_representative, "ukRepresentative",
                           country == "GB" if country else None, "UK")


@topic("eu_representative")
def eu_representative(reg: Register, a: A | None) -> Answer:
    country = reg.inv.organization.country
    return _representative(reg, reg.inv.organization.representative, "representative",
                           reg.in_eea(country) if country else None, "EU/EEA")


@topic("breach_procedure")
def breach_procedure(reg: Register, a: A | None) -> Answer:
    promises = [c for c in reg.inv.organization.commitments if c.kind == CommitmentKind.BREACH_NOTIFICATION]
    if not promises:
        return _silent(f"{ORG}.commitments[BREACH_NOTIFICATION]")
    text = _list([f"{c.description}" + (f" within {c.period}" if c.period else "") +
                  (f" (\"{c.stated_as}\")" if c.stated_as else "") for c in promises])
    return _answered(text, f"{ORG}.commitments[BREACH_NOTIFICATION]")


# --- who and what ------------------------------------------------------------------------------------------------


@topic("name")
def name(reg: Register, a: A | None) -> Answer:
    return _answered(_some(a).name, f"{ACT}.name")


@topic("role")
def role(reg: Register, a: A | None) -> Answer:
    act = _some(a)
    words = {Role.CONTROLLER: "Controller", Role.PROCESSOR: "Processor", Role.JOINT_CONTROLLER: "Joint controller"}
    extra = f" for {act.controller}" if act.role == Role.PROCESSOR and act.controller else ""
    return _answered(words[act.role] + extra, f"{ACT}.role")


@topic("joint_controllers")
def joint_controllers(reg: Register, a: A | None) -> Answer:
    act = _some(a)
    fields = (f"{ACT}.jointControllers", f"{ACT}.hasJointControllers")
    if act.joint_controllers:
        text = _list([j.name + (f" ({j.contact})" if j.contact else "") +
                      (f": {j.responsibilities}" if j.responsibilities else ": arrangement not recorded")
                      for j in act.joint_controllers])
        done = all(j.responsibilities for j in act.joint_controllers)
        return Answer(Status.ANSWERED if done else Status.PARTIAL, text, list(fields))
    if act.has_joint_controllers is False and act.role != Role.JOINT_CONTROLLER:
        return _not_applicable("None: the activity has no joint controller.", *fields)
    return _silent(*fields)


@topic("department")
def department(reg: Register, a: A | None) -> Answer:
    d = _some(a).department
    return _answered(d, f"{ACT}.department") if d else _silent(f"{ACT}.department")


@topic("stewards")
def stewards(reg: Register, a: A | None) -> Answer:
    people = _some(a).data_stewards
    return _answered(_list([_person(p) for p in people]), f"{ACT}.dataStewards") if people \
        else _silent(f"{ACT}.dataStewards")


@topic("purposes")
def purposes(reg: Register, a: A | None) -> Answer:
    act = _some(a)
    if not act.purposes:
        return _silent(f"{ACT}.purposes")
    items = []
    for pa in act.purposes:
        p = reg.purposes.get(pa.purpose)
        items.append(f"{p.name}: {p.description}" if p and p.description else (p.name if p else pa.purpose))
    return _answered(_list(items), f"{ACT}.purposes")


@topic("description")
def description(reg: Register, a: A | None) -> Answer:
    act = _some(a)
    systems = [reg.systems[k] for k in act.systems if k in reg.systems]
    used = f" Systems: {', '.join(s.name for s in systems)}." if systems else ""
    if act.description:
        return _answered(act.description + used, f"{ACT}.description", *([f"{ACT}.systems"] if systems else []))
    if systems:
        return _partial(used.strip(), f"{ACT}.systems")
    return _silent(f"{ACT}.description", f"{ACT}.systems")


@topic("data_subjects")
def data_subjects(reg: Register, a: A | None) -> Answer:
    names = [reg.subjects[k].name for k in _some(a).data_subjects if k in reg.subjects]
    return _answered(_list(names), f"{ACT}.dataSubjects") if names else _silent(f"{ACT}.dataSubjects")


def _categories(reg: Register, a: A) -> list[m.DataCategory]:
    return [reg.categories[k] for k in a.data_categories if k in reg.categories]


@topic("data_categories")
def data_categories(reg: Register, a: A | None) -> Answer:
    names = [c.name for c in _categories(reg, _some(a))]
    return _answered(_list(names), f"{ACT}.dataCategories") if names else _silent(f"{ACT}.dataCategories")


def _sensitive(reg: Register, a: A | None, criminal: bool) -> Answer:
    cats = _categories(reg, _some(a))
    if not cats:
        return _silent(f"{ACT}.dataCategories")
    special = [f"{c.name} (Art 9, {c.special_category.value.lower().replace('_', ' ')})" for c in cats
               if c.special_category]
    crim = [f"{c.name} (Art 10)" for c in cats if criminal and c.criminal]
    if special or crim:
        return _answered("Yes: " + _list(special + crim), f"{ACT}.dataCategories")
    what = "special category or criminal offence data" if criminal else "special category data"
    return _answered(f"No: none of the recorded data categories is {what}.", f"{ACT}.dataCategories")


@topic("special_or_criminal")
def special_or_criminal(reg: Register, a: A | None) -> Answer:
    return _sensitive(reg, a, criminal=True)


@topic("special")
def special(reg: Register, a: A | None) -> Answer:
    return _sensitive(reg, a, criminal=False)


@topic("data_sources")
def data_sources(reg: Register, a: A | None) -> Answer:
    words = {"DATA_SUBJECT": "from the person", "THIRD_PARTY": "from a third party",
             "PUBLICLY_AVAILABLE": "publicly available"}
    items = [words[s.kind.value] + (f" ({s.name})" if s.name else "") + (f": {s.description}" if s.description
                                                                          else "") for s in _some(a).data_sources]
    return _answered(_list(items), f"{ACT}.dataSources") if items else _silent(f"{ACT}.dataSources")


# --- recipients and transfers -----------------------------------------------------------------------------------


def _recipients(reg: Register, a: A) -> list[m.Recipient]:
    return [reg.recipients[k] for k in a.recipients if k in reg.recipients]


@topic("recipients")
def recipients(reg: Register, a: A | None) -> Answer:
    found = _recipients(reg, _some(a))
    if not found:
        return _silent(f"{ACT}.recipients")
    return _answered(_list([f"{r.name} ({r.kind.value.lower().replace('_', ' ')})" for r in found]),
                     f"{ACT}.recipients")


@topic("third_parties")
def third_parties(reg: Register, a: A | None) -> Answer:
    found = _recipients(reg, _some(a))
    if not found:
        return _silent(f"{ACT}.recipients")
    third = [r.name for r in found if not r.is_processor]
    if third:
        return _answered("Yes: " + _list(third), f"{ACT}.recipients")
    return _answered("No: every recipient recorded processes the data on the organisation's behalf.",
                     f"{ACT}.recipients")


@topic("recipient_categories")
def recipient_categories(reg: Register, a: A | None) -> Answer:
    act = _some(a)
    found = _recipients(reg, act)
    fields = (f"{ACT}.recipientCategories", f"{ACT}.recipients")
    if not found:
        return _silent(*fields)
    shares = {s.recipient: s for s in act.recipient_categories}
    items = [f"{r.name}: " + ", ".join(reg.categories[c].name for c in shares[r.key].data_categories
                                       if c in reg.categories) for r in found if r.key in shares]
    if not items:
        return _silent(*fields)
    missing = [r.name for r in found if r.key not in shares]
    if missing:
        return _partial(_list(items) + f" (not recorded for {', '.join(missing)})", *fields)
    return _answered(_list(items), *fields)


def _transfers(reg: Register, a: A) -> list[m.Transfer]:
    return [reg.transfers[k] for k in a.transfers if k in reg.transfers]


@topic("transfers")
def transfers(reg: Register, a: A | None) -> Answer:
    found = _transfers(reg, _some(a))
    if not found:
        return _silent(f"{ACT}.transfers")
    items = [reg.country(t.destination) if t.destination else (t.destination_note or "destination not named")
             for t in found]
    named = all(t.destination for t in found)
    return Answer(Status.ANSWERED if named else Status.PARTIAL, _list(items), [f"{ACT}.transfers"])


@topic("transfer_safeguards")
def transfer_safeguards(reg: Register, a: A | None) -> Answer:
    found = _transfers(reg, _some(a))
    fields = (f"{ACT}.transfers", "transfer.mechanism")
    if not found:
        return _silent(*fields)
    items = []
    for t in found:
        mech = reg.mechanisms.get(t.mechanism or "")
        dest = reg.country(t.destination) if t.destination else (t.destination_note or "destination not named")
        items.append(f"{dest}: {mech.title} ({mech.article})" if mech else f"{dest}: no mechanism recorded")
    covered = sum(1 for t in found if t.mechanism in reg.mechanisms)
    if covered == 0:
        return _silent(*fields)
    return Answer(Status.ANSWERED if covered == len(found) else Status.PARTIAL, _list(items), list(fields))


# --- retention, security, location -------------------------------------------------------------------------------


@topic("retention")
def retention(reg: Register, a: A | None) -> Answer:
    rules = [reg.retention[k] for k in _some(a).retention_rules if k in reg.retention]
    if not rules:
        return _silent(f"{ACT}.retentionRules")
    items = [f"{r.covers}: " + (r.period or r.stated_as or "no period stated") +
             (f" after {r.trigger}" if r.trigger else "") for r in rules]
    return Answer(Status.ANSWERED if all(r.period for r in rules) else Status.PARTIAL, _list(items),
                  [f"{ACT}.retentionRules"])


@topic("retention_policy")
def retention_policy(reg: Register, a: A | None) -> Answer:
    return _link(reg, a, DocumentLinkKind.RETENTION_POLICY, "retention policy")


@topic("retention_adherence")
def retention_adherence(reg: Register, a: A | None) -> Answer:
    f = _some(a).retention_followed
    if f is None:
        return _silent(f"{ACT}.retentionFollowed")
    return _answered("Yes" if f.value else "No", f"{ACT}.retentionFollowed")


@topic("retention_reason")
def retention_reason(reg: Register, a: A | None) -> Answer:
    f = _some(a).retention_followed
    if f is not None and f.value:
        return _not_applicable("The processing keeps to the retention policy.", f"{ACT}.retentionFollowed")
    if f is not None and f.detail:
        return _answered(f.detail, f"{ACT}.retentionFollowed.detail")
    return _silent(f"{ACT}.retentionFollowed.detail")


@topic("security")
def security(reg: Register, a: A | None) -> Answer:
    act = _some(a)
    systems = [reg.systems[k] for k in act.systems if k in reg.systems]
    keys = list(dict.fromkeys([*act.security_measures, *(k for s in systems for k in s.security_measures)]))
    items = [reg.measures[k].description for k in keys if k in reg.measures]
    if not items:
        return _silent(f"{ACT}.securityMeasures", "system.securityMeasures")
    return _answered(_list(items), f"{ACT}.securityMeasures", *(["system.securityMeasures"] if act.systems else []))


@topic("locations")
def locations(reg: Register, a: A | None) -> Answer:
    systems = [reg.systems[k] for k in _some(a).systems if k in reg.systems]
    fields = (f"{ACT}.systems", "system.locations")
    placed = [s for s in systems if s.locations]
    if not placed:
        return _silent(*fields)
    items = [f"{s.name}: {', '.join(reg.country(c) for c in s.locations)}" +
             (f" (hosted by {reg.recipients[s.hosted_by].name})" if s.hosted_by in reg.recipients else "")
             for s in placed]
    missing = [s.name for s in systems if not s.locations]
    if missing:
        return _partial(_list(items) + f" (no location recorded for {', '.join(missing)})", *fields)
    return _answered(_list(items), *fields)


# --- lawful bases -----------------------------------------------------------------------------------------------


def _bases(a: A) -> list[m.BasisAssignment]:
    return [b for p in a.purposes for b in p.lawful_bases]


def _processor(a: A) -> Answer | None:
    if a.role == Role.PROCESSOR:
        return _not_applicable("Processed on a controller's behalf: the controller determines the lawful basis.",
                               f"{ACT}.role")
    return None


def _uses(a: A, basis: str) -> bool | None:
    """Whether any purpose rests on `basis`; None when no basis is recorded at all (the register cannot tell)."""
    bases = _bases(a)
    return None if not bases else any(b.basis == basis for b in bases)


@topic("lawful_basis")
def lawful_basis(reg: Register, a: A | None) -> Answer:
    act = _some(a)
    if (na := _processor(act)) is not None:
        return na
    items, missing = [], 0
    for pa in act.purposes:
        p = reg.purposes.get(pa.purpose)
        cited = ", ".join(f"{reg.bases[b.basis].article} {reg.bases[b.basis].title.lower()}" if b.basis in reg.bases
                          else b.basis for b in pa.lawful_bases)
        missing += not pa.lawful_bases
        if cited:
            items.append(f"{p.name if p else pa.purpose}: {cited}")
    fields = [f"{ACT}.purposes.lawfulBases"]
    if not items:
        return Answer(Status.NOT_RECORDED, None, fields)
    return Answer(Status.PARTIAL if missing else Status.ANSWERED, _list(items), fields)


LI = "GDPR:legitimate-interests"
CONSENT = "GDPR:consent"


@topic("legitimate_interests")
def legitimate_interests(reg: Register, a: A | None) -> Answer:
    act = _some(a)
    if (na := _processor(act)) is not None:
        return na
    uses = _uses(act, LI)
    fields = [f"{ACT}.purposes.lawfulBases"]
    if uses is False:
        return Answer(Status.NOT_APPLICABLE, "Legitimate interests is not relied on.", fields)
    if uses is None:
        return Answer(Status.NOT_RECORDED, None, fields)
    items = []
    for pa in act.purposes:
        for b in pa.lawful_bases:
            if b.basis == LI:
                p = reg.purposes.get(pa.purpose)
                interest = b.stated_as or (p.description if p else None) or (p.name if p else pa.purpose)
                items.append(f"{p.name if p else pa.purpose}: {interest}")
    return Answer(Status.ANSWERED, _list(items), fields)


@topic("lia")
def lia(reg: Register, a: A | None) -> Answer:
    act = _some(a)
    if (na := _processor(act)) is not None:
        return na
    uses = _uses(act, LI)
    if uses is False:
        return _not_applicable("Legitimate interests is not relied on.", f"{ACT}.purposes.lawfulBases")
    link = _link(reg, act, DocumentLinkKind.LIA, "LIA")
    if link.status is Status.ANSWERED or uses is None:
        return link
    notes = [b.balancing_test for b in _bases(act) if b.basis == LI and b.balancing_test]
    if notes:
        return _partial("Kept at: " + _list(notes) + " (no checked link)", f"{ACT}.purposes.lawfulBases.balancingTest")
    return link


def _special_categories(reg: Register, a: A) -> list[m.DataCategory]:
    return [c for c in _categories(reg, a) if c.special_category]


@topic("art9_condition")
def art9_condition(reg: Register, a: A | None) -> Answer:
    act = _some(a)
    fields = [f"{ACT}.purposes.specialCategoryConditions", f"{ACT}.dataCategories"]
    if not act.data_categories:
        return Answer(Status.NOT_RECORDED, None, fields)
    if not _special_categories(reg, act):
        return Answer(Status.NOT_APPLICABLE, "No special category data is recorded for the activity.", fields)
    if (na := _processor(act)) is not None:
        return na
    items = [f"{reg.bases[b.basis].article} {reg.bases[b.basis].title.lower()}" if b.basis in reg.bases else b.basis
             for p in act.purposes for b in p.special_category_conditions]
    if not items:
        return Answer(Status.NOT_RECORDED, None, fields)
    done = all(p.special_category_conditions for p in act.purposes)
    return Answer(Status.ANSWERED if done else Status.PARTIAL, _list(list(dict.fromkeys(items))), fields)


SCHEDULE1_NEEDED = {"GDPR:art9-employment", "GDPR:art9-substantial-public-interest", "GDPR:art9-health-care",
                    "GDPR:art9-public-health", "GDPR:art9-archiving-research"}
"""Art 9(2) conditions that UK law completes with a DPA 2018 Schedule 1 condition (s.10: (b), (g), (h), (i), (j))."""


@topic("schedule1")
def schedule1(reg: Register, a: A | None) -> Answer:
    act = _some(a)
    fields = [f"{ACT}.schedule1Condition", f"{ACT}.purposes.specialCategoryConditions", f"{ACT}.dataCategories"]
    if act.schedule1_condition:
        return Answer(Status.ANSWERED, act.schedule1_condition, fields)
    cats = _categories(reg, act)
    if not act.data_categories:
        return Answer(Status.NOT_RECORDED, None, fields)
    criminal = any(c.criminal for c in cats)
    conditions = {b.basis for p in act.purposes for b in p.special_category_conditions}
    if not criminal and not _special_categories(reg, act):
        return Answer(Status.NOT_APPLICABLE, "No special category or criminal offence data is recorded.", fields)
    if not criminal and conditions and all(p.special_category_conditions for p in act.purposes) \
            and not conditions & SCHEDULE1_NEEDED:
        return Answer(Status.NOT_APPLICABLE, "The Art 9(2) conditions relied on need no Schedule 1 condition.",
                      fields)
    return Answer(Status.NOT_RECORDED, None, fields)


# --- automated decisions and profiling -------------------------------------------------------------------------


def _fact(f: m.Fact | None, yes: str, no: str) -> str | None:
    if f is None:
        return None
    return (yes + (f": {f.detail}" if f.detail else "")) if f.value else no


@topic("adm_or_profiling")
def adm_or_profiling(reg: Register, a: A | None) -> Answer:
    act = _some(a)
    ad, pr = act.automated_decisions, act.evaluation_or_scoring
    fields = [f"{ACT}.automatedDecisions", f"{ACT}.evaluationOrScoring"]
    parts = [x for x in (_fact(ad, "Solely automated decisions", "No solely automated decisions"),
                         _fact(pr, "Profiling", "No profiling")) if x]
    if not parts:
        return Answer(Status.NOT_RECORDED, None, fields)
    known = (ad is not None and pr is not None) or (ad is not None and ad.value) or (pr is not None and pr.value)
    return Answer(Status.ANSWERED if known else Status.PARTIAL, _list(parts), fields)


def _neither(act: A) -> bool:
    return act.automated_decisions is not None and not act.automated_decisions.value and \
        act.evaluation_or_scoring is not None and not act.evaluation_or_scoring.value


@topic("adm_description")
def adm_description(reg: Register, a: A | None) -> Answer:
    act = _some(a)
    fields = [f"{ACT}.automatedDecisions.detail", f"{ACT}.evaluationOrScoring.detail"]
    if _neither(act):
        return Answer(Status.NOT_APPLICABLE, "Neither profiling nor solely automated decisions.", fields)
    items = [f.detail for f in (act.automated_decisions, act.evaluation_or_scoring) if f and f.value and f.detail]
    made = [f for f in (act.automated_decisions, act.evaluation_or_scoring) if f and f.value]
    if not items:
        return Answer(Status.NOT_RECORDED, None, fields)
    return Answer(Status.ANSWERED if len(items) == len(made) else Status.PARTIAL, _list(items), fields)


@topic("adm_basis")
def adm_basis(reg: Register, a: A | None) -> Answer:
    act = _some(a)
    fields = [f"{ACT}.automatedDecisionBasis", f"{ACT}.purposes.lawfulBases"]
    if _neither(act):
        return Answer(Status.NOT_APPLICABLE, "Neither profiling nor solely automated decisions.", fields)
    items = []
    if act.automated_decisions is not None and act.automated_decisions.value:
        b = act.automated_decision_basis
        if b is None or b.exception is None:
            return Answer(Status.NOT_RECORDED, None, fields)
        words = {"CONTRACT": "Art 22(2)(a) contract", "AUTHORISED_BY_LAW": "Art 22(2)(b) authorised by law",
                 "EXPLICIT_CONSENT": "Art 22(2)(c) explicit consent"}
        items.append(words[b.exception.value] + (f"; safeguards: {', '.join(b.safeguards)}" if b.safeguards else ""))
    elif act.evaluation_or_scoring is not None and act.evaluation_or_scoring.value:
        basis = lawful_basis(reg, act)
        if basis.status is Status.NOT_RECORDED or basis.text is None:
            return Answer(Status.NOT_RECORDED, None, fields)
        items.append(f"Profiling rests on the activity's lawful basis: {basis.text}")
    else:
        return Answer(Status.NOT_RECORDED, None, fields)
    return Answer(Status.ANSWERED, _list(items), fields)


@topic("automated_decisions")
def automated_decisions(reg: Register, a: A | None) -> Answer:
    text = _fact(_some(a).automated_decisions, "Yes", "No")
    return _answered(text, f"{ACT}.automatedDecisions") if text else _silent(f"{ACT}.automatedDecisions")


@topic("profiling")
def profiling(reg: Register, a: A | None) -> Answer:
    text = _fact(_some(a).evaluation_or_scoring, "Yes", "No")
    return _answered(text, f"{ACT}.evaluationOrScoring") if text else _silent(f"{ACT}.evaluationOrScoring")


# --- assessments, rights, notices, proofs ----------------------------------------------------------------------


@topic("dpia_required")
def dpia_required(reg: Register, a: A | None) -> Answer:
    act = _some(a)
    if act.links(DocumentLinkKind.DPIA):
        return _answered("Yes: a DPIA is documented.", f"{ACT}.documentLinks[DPIA]")
    s = screen(act, reg.inv, reg.ref)
    words = {Verdict.REQUIRED: "required", Verdict.LIKELY_REQUIRED: "likely required",
             Verdict.NOT_INDICATED: "not indicated"}
    return _partial(f"Screening of the recorded facts: {words[s.verdict]} (no DPIA and no decision recorded).",
                    "dpiaScreening", f"{ACT}.documentLinks[DPIA]")


@topic("dpia")
def dpia(reg: Register, a: A | None) -> Answer:
    return _link(reg, a, DocumentLinkKind.DPIA, "DPIA")


@topic("other_assessment")
def other_assessment(reg: Register, a: A | None) -> Answer:
    act = _some(a)
    link = _link(reg, act, DocumentLinkKind.OTHER_IMPACT_ASSESSMENT, "impact assessment")
    if link.status is Status.ANSWERED:
        return link
    tias = [t for t in _transfers(reg, act) if t.tia_date]
    if tias:
        return _partial(_list([f"Transfer impact assessment of {t.tia_date.isoformat()}" for t in tias if t.tia_date]) +
                        " (where it is kept is not recorded)", "transfer.tiaDate")
    return link


@topic("rights")
def rights(reg: Register, a: A | None) -> Answer:
    act = _some(a)
    found = rights_that_apply(act)
    fields = [f"{ACT}.rightsThatApply", f"{ORG}.contacts", f"{ORG}.commitments[RIGHTS_RESPONSE]"]
    if not found:
        return Answer(Status.NOT_RECORDED, None, fields)
    org = reg.inv.organization
    how = [f"{c.purpose}: {', '.join(x for x in (c.email, c.url) if x)}" for c in org.contacts if c.email or c.url]
    answers = [c for c in org.commitments if c.kind == CommitmentKind.RIGHTS_RESPONSE]
    text = ", ".join(f"{r.title.removeprefix('Right to ').removeprefix('Right of ')} ({r.article})" for r in found)
    if how:
        text += ". Exercised through " + "; ".join(how)
        if answers and answers[0].period:
            text += f", answered within {answers[0].period}"
        return Answer(Status.ANSWERED, text + ".", fields)
    return Answer(Status.PARTIAL, text + " (how to exercise them is not recorded).", fields)


@topic("privacy_policy")
def privacy_policy(reg: Register, a: A | None) -> Answer:
    link = _link(reg, a, DocumentLinkKind.PRIVACY_POLICY, "privacy policy")
    if link.status is Status.ANSWERED:
        return link
    policies = [d for d in reg.inv.organization.documents if d.kind.value == "PRIVACY_POLICY"]
    if policies:
        return _partial(_list([d.title + (f" ({d.effective_date.isoformat()})" if d.effective_date else "")
                               for d in policies]) + " (no link recorded)", f"{ORG}.documents")
    return link


@topic("privacy_notice")
def privacy_notice(reg: Register, a: A | None) -> Answer:
    return _link(reg, a, DocumentLinkKind.PRIVACY_NOTICE, "privacy notice")


@topic("consent_record")
def consent_record(reg: Register, a: A | None) -> Answer:
    act = _some(a)
    if (na := _processor(act)) is not None:
        return na
    if _uses(act, CONSENT) is False:
        return _not_applicable("Consent is not relied on.", f"{ACT}.purposes.lawfulBases")
    return _link(reg, act, DocumentLinkKind.CONSENT_RECORD, "record of consent")


@topic("breach_register")
def breach_register(reg: Register, a: A | None) -> Answer:
    return _link(reg, a, DocumentLinkKind.BREACH_REGISTER, "breach register")


@topic("processor_contract")
def processor_contract(reg: Register, a: A | None) -> Answer:
    act = _some(a)
    found = _recipients(reg, act)
    if found and not any(r.is_processor for r in found):
        return _not_applicable("No recipient of the activity is a processor.", f"{ACT}.recipients")
    link = _link(reg, act, DocumentLinkKind.PROCESSOR_CONTRACT, "processor contract")
    if link.status is Status.ANSWERED:
        return link
    signed = [r.name for r in found if r.is_processor and r.dpa.value in ("SIGNED", "STATED")]
    if signed:
        return _partial(f"A contract is on record or stated for {', '.join(signed)} (no link recorded).",
                        "recipient.dpa")
    return link


@topic("last_review")
def last_review(reg: Register, a: A | None) -> Answer:
    act = _some(a)
    r = act.last_review
    if r is None:
        return _silent(f"{ACT}.lastReview")
    due = add_to(dt.datetime.combine(r.date, dt.time()), act.review_interval).date()
    return _answered(f"{r.date.isoformat()} by {r.by} (next review due {due.isoformat()})", f"{ACT}.lastReview",
                     f"{ACT}.reviewInterval")


# --- the template -------------------------------------------------------------------------------------------------


def answer_template(inv: Inventory, ref: ReferenceData, template: Template, role: Role | None = None,
                    today: dt.date | None = None) -> TemplateAnswers:
    """Every question of `template` answered for the organisation (the controller block) and for each of its
    activities in `role` (every activity when `role` is None; JOINT_CONTROLLER counts as controller)."""
    reg = Register(inv, ref, today or dt.date.today())
    qs = questions(template)
    missing = {q.topic for q in qs} - set(ANSWERERS)
    if missing:
        raise LookupError(f"no answer for the topics {sorted(missing)}")
    controller = [QuestionAnswer(q, ANSWERERS[q.topic](reg, None)) for q in qs if q.controller]
    wanted = [a for a in inv.processing_activities
              if role is None or (a.role == Role.PROCESSOR) == (role == Role.PROCESSOR)]
    activities = [ActivityAnswers(a, [QuestionAnswer(q, ANSWERERS[q.topic](reg, a)) for q in qs if not q.controller])
                  for a in wanted]
    return TemplateAnswers(template, TITLES[template], inv.organization, role, controller, activities)
