"""The answers about why and on what footing an activity processes data: lawful bases, Art 9 conditions, automated
decisions and profiling, assessments, rights, and the links that prove them. Each registers itself for its template
topic."""

from __future__ import annotations

from registry.domain import models as m
from registry.domain.enums import CommitmentKind, DocumentLinkKind, Role
from registry.services.dpia import Verdict, screen
from registry.services.rights import rights_that_apply
from registry.services.ropa_answering import (
    ACT,
    ORG,
    A,
    Answer,
    Register,
    Status,
    answered,
    categories_of,
    document_link,
    joined,
    not_applicable,
    partial,
    recipients_of,
    silent,
    some,
    topic,
    transfers_of,
)

# --- lawful bases -----------------------------------------------------------------------------------------------


def _bases(a: A) -> list[m.BasisAssignment]:
    return [b for p in a.purposes for b in p.lawful_bases]


def _processor(a: A) -> Answer | None:
    if a.role == Role.PROCESSOR:
        return not_applicable("Processed on a controller's behalf: the controller determines the lawful basis.",
                               f"{ACT}.role")
    return None


def _uses(a: A, basis: str) -> bool | None:
    """Whether any purpose rests on `basis`; None when no basis is recorded at all (the register cannot tell)."""
    bases = _bases(a)
    return None if not bases else any(b.basis == basis for b in bases)


@topic("lawful_basis")
def lawful_basis(reg: Register, a: A | None) -> Answer:
    act = some(a)
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
    return Answer(Status.PARTIAL if missing else Status.ANSWERED, joined(items), fields)


LI = "GDPR:legitimate-interests"
CONSENT = "GDPR:consent"


@topic("legitimate_interests")
def legitimate_interests(reg: Register, a: A | None) -> Answer:
    act = some(a)
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
    return Answer(Status.ANSWERED, joined(items), fields)


@topic("lia")
def lia(reg: Register, a: A | None) -> Answer:
    act = some(a)
    if (na := _processor(act)) is not None:
        return na
    uses = _uses(act, LI)
    if uses is False:
        return not_applicable("Legitimate interests is not relied on.", f"{ACT}.purposes.lawfulBases")
    link = document_link(reg, act, DocumentLinkKind.LIA, "LIA")
    if link.status is Status.ANSWERED or uses is None:
        return link
    notes = [b.balancing_test for b in _bases(act) if b.basis == LI and b.balancing_test]
    if notes:
        return partial("Kept at: " + joined(notes) + " (no checked link)", f"{ACT}.purposes.lawfulBases.balancingTest")
    return link


def _special_categories(reg: Register, a: A) -> list[m.DataCategory]:
    return [c for c in categories_of(reg, a) if c.special_category]


@topic("art9_condition")
def art9_condition(reg: Register, a: A | None) -> Answer:
    act = some(a)
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
    return Answer(Status.ANSWERED if done else Status.PARTIAL, joined(list(dict.fromkeys(items))), fields)


SCHEDULE1_NEEDED = {"GDPR:art9-employment", "GDPR:art9-substantial-public-interest", "GDPR:art9-health-care",
                    "GDPR:art9-public-health", "GDPR:art9-archiving-research"}
"""Art 9(2) conditions that UK law completes with a DPA 2018 Schedule 1 condition (s.10: (b), (g), (h), (i), (j))."""


@topic("schedule1")
def schedule1(reg: Register, a: A | None) -> Answer:
    act = some(a)
    fields = [f"{ACT}.schedule1Condition", f"{ACT}.purposes.specialCategoryConditions", f"{ACT}.dataCategories"]
    if act.schedule1_condition:
        return Answer(Status.ANSWERED, act.schedule1_condition, fields)
    cats = categories_of(reg, act)
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
    act = some(a)
    ad, pr = act.automated_decisions, act.evaluation_or_scoring
    fields = [f"{ACT}.automatedDecisions", f"{ACT}.evaluationOrScoring"]
    parts = [x for x in (_fact(ad, "Solely automated decisions", "No solely automated decisions"),
                         _fact(pr, "Profiling", "No profiling")) if x]
    if not parts:
        return Answer(Status.NOT_RECORDED, None, fields)
    known = (ad is not None and pr is not None) or (ad is not None and ad.value) or (pr is not None and pr.value)
    return Answer(Status.ANSWERED if known else Status.PARTIAL, joined(parts), fields)


def _neither(act: A) -> bool:
    return act.automated_decisions is not None and not act.automated_decisions.value and \
        act.evaluation_or_scoring is not None and not act.evaluation_or_scoring.value


@topic("adm_description")
def adm_description(reg: Register, a: A | None) -> Answer:
    act = some(a)
    fields = [f"{ACT}.automatedDecisions.detail", f"{ACT}.evaluationOrScoring.detail"]
    if _neither(act):
        return Answer(Status.NOT_APPLICABLE, "Neither profiling nor solely automated decisions.", fields)
    items = [f.detail for f in (act.automated_decisions, act.evaluation_or_scoring) if f and f.value and f.detail]
    made = [f for f in (act.automated_decisions, act.evaluation_or_scoring) if f and f.value]
    if not items:
        return Answer(Status.NOT_RECORDED, None, fields)
    return Answer(Status.ANSWERED if len(items) == len(made) else Status.PARTIAL, joined(items), fields)


@topic("adm_basis")
def adm_basis(reg: Register, a: A | None) -> Answer:
    act = some(a)
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
    return Answer(Status.ANSWERED, joined(items), fields)


@topic("automated_decisions")
def automated_decisions(reg: Register, a: A | None) -> Answer:
    text = _fact(some(a).automated_decisions, "Yes", "No")
    return answered(text, f"{ACT}.automatedDecisions") if text else silent(f"{ACT}.automatedDecisions")


@topic("profiling")
def profiling(reg: Register, a: A | None) -> Answer:
    text = _fact(some(a).evaluation_or_scoring, "Yes", "No")
    return answered(text, f"{ACT}.evaluationOrScoring") if text else silent(f"{ACT}.evaluationOrScoring")


# --- assessments, rights, notices, proofs ----------------------------------------------------------------------


@topic("dpia_required")
def dpia_required(reg: Register, a: A | None) -> Answer:
    act = some(a)
    if act.links(DocumentLinkKind.DPIA):
        return answered("Yes: a DPIA is documented.", f"{ACT}.documentLinks[DPIA]")
    s = screen(act, reg.inv, reg.ref)
    words = {Verdict.REQUIRED: "required", Verdict.LIKELY_REQUIRED: "likely required",
             Verdict.UNDETERMINED: "undetermined until the unknown criteria are answered",
             Verdict.NOT_INDICATED: "not indicated"}
    return partial(f"Screening of the recorded facts: {words[s.verdict]} (no DPIA and no decision recorded).",
                    "dpiaScreening", f"{ACT}.documentLinks[DPIA]")


@topic("dpia")
def dpia(reg: Register, a: A | None) -> Answer:
    return document_link(reg, a, DocumentLinkKind.DPIA, "DPIA")


@topic("other_assessment")
def other_assessment(reg: Register, a: A | None) -> Answer:
    act = some(a)
    link = document_link(reg, act, DocumentLinkKind.OTHER_IMPACT_ASSESSMENT, "impact assessment")
    if link.status is Status.ANSWERED:
        return link
    tias = [t for t in transfers_of(reg, act) if t.tia_date]
    if tias:
        return partial(joined([f"Transfer impact assessment of {t.tia_date.isoformat()}" for t in tias if t.tia_date]) +
                        " (where it is kept is not recorded)", "transfer.tiaDate")
    return link


@topic("rights")
def rights(reg: Register, a: A | None) -> Answer:
    act = some(a)
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
    link = document_link(reg, a, DocumentLinkKind.PRIVACY_POLICY, "privacy policy")
    if link.status is Status.ANSWERED:
        return link
    policies = [d for d in reg.inv.organization.documents if d.kind.value == "PRIVACY_POLICY"]
    if policies:
        return partial(joined([d.title + (f" ({d.effective_date.isoformat()})" if d.effective_date else "")
                               for d in policies]) + " (no link recorded)", f"{ORG}.documents")
    return link


@topic("privacy_notice")
def privacy_notice(reg: Register, a: A | None) -> Answer:
    return document_link(reg, a, DocumentLinkKind.PRIVACY_NOTICE, "privacy notice")


@topic("consent_record")
def consent_record(reg: Register, a: A | None) -> Answer:
    act = some(a)
    if (na := _processor(act)) is not None:
        return na
    if _uses(act, CONSENT) is False:
        return not_applicable("Consent is not relied on.", f"{ACT}.purposes.lawfulBases")
    return document_link(reg, act, DocumentLinkKind.CONSENT_RECORD, "record of consent")


@topic("breach_register")
def breach_register(reg: Register, a: A | None) -> Answer:
    return document_link(reg, a, DocumentLinkKind.BREACH_REGISTER, "breach register")


@topic("processor_contract")
def processor_contract(reg: Register, a: A | None) -> Answer:
    act = some(a)
    found = recipients_of(reg, act)
    if found and not any(r.is_processor for r in found):
        return not_applicable("No recipient of the activity is a processor.", f"{ACT}.recipients")
    link = document_link(reg, act, DocumentLinkKind.PROCESSOR_CONTRACT, "processor contract")
    if link.status is Status.ANSWERED:
        return link
    signed = [r.name for r in found if r.is_processor and r.dpa.value in ("SIGNED", "STATED")]
    if signed:
        return partial(f"A contract is on record or stated for {', '.join(signed)} (no link recorded).",
                        "recipient.dpa")
    return link


@topic("last_review")
def last_review(reg: Register, a: A | None) -> Answer:
    act = some(a)
    r = act.last_review
    if r is None:
        return silent(f"{ACT}.lastReview")
    due = act.review_due()
    when = f" (next review due {due.isoformat()})" if due else ""
    return answered(f"{r.date.isoformat()} by {r.by}{when}", f"{ACT}.lastReview",
                     f"{ACT}.reviewInterval")
