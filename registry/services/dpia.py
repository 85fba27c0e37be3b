"""DPIA screening (GDPR Art 35(1), 35(3); WP248 rev.01 criteria) and a draft outline (Art 35(7), CNIL method).

Screening reads only recorded facts: the activity's screening facts (scale, systematic monitoring, evaluation or
scoring, automated decisions, innovative technology, matching datasets, blocking a right or a service), the
Art 9 / Art 10 / highly-personal flags of its data categories and the children / vulnerable facts of its data
subjects. No word of a name or description counts. Each criterion is MET, NOT_MET or UNKNOWN with the facts
behind it; UNKNOWN names the question to answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from registry.domain import models as m
from registry.domain.durations import in_words
from registry.domain.enums import Role
from registry.domain.inventory import Inventory, ReferenceData

WP248 = {
    1: "Evaluation or scoring",
    2: "Automated decision-making with legal or similarly significant effect",
    3: "Systematic monitoring",
    4: "Sensitive data or data of a highly personal nature",
    5: "Data processed on a large scale",
    6: "Matching or combining datasets",
    7: "Data concerning vulnerable data subjects",
    8: "Innovative use or applying new technological or organisational solutions",
    9: "Processing that prevents data subjects from exercising a right or using a service or a contract",
}
# The activity's fact behind each yes/no criterion, and the question to ask while it is not recorded.
FACTS = {
    1: ("evaluation_or_scoring", "Are people evaluated or scored, profiling included (e.g. their performance, "
        "economic situation, reliability, behaviour, location)?"),
    2: ("automated_decisions", "Are decisions with legal or similarly significant effect on people taken solely by "
        "automated means (Art 22)?"),
    3: ("systematic_monitoring", "Are people systematically observed, monitored or controlled (including through "
        "networks, or in a publicly accessible area)?"),
    6: ("matching_datasets", "Are datasets from different operations or controllers matched or combined beyond "
        "what people would expect?"),
    8: ("innovative_technology", "Does the activity use new technology or an innovative organisational solution "
        "(e.g. biometrics, AI, connected devices)?"),
    9: ("blocks_right_or_service", "Can the processing keep people from exercising a right or from using a "
        "service or a contract (e.g. screening for credit or eligibility)?"),
}


class Status(str, Enum):
    MET = "MET"
    NOT_MET = "NOT_MET"
    UNKNOWN = "UNKNOWN"


class Verdict(str, Enum):
    REQUIRED = "REQUIRED"
    LIKELY_REQUIRED = "LIKELY_REQUIRED"
    UNDETERMINED = "UNDETERMINED"
    NOT_INDICATED = "NOT_INDICATED"


@dataclass(frozen=True)
class CriterionResult:
    number: int
    title: str
    status: Status
    facts: list[str] = field(default_factory=list)
    question: str | None = None

    @property
    def met(self) -> bool:
        return self.status == Status.MET

    @property
    def assessable(self) -> bool:
        return self.status != Status.UNKNOWN


@dataclass(frozen=True)
class Screening:
    activity: m.ProcessingActivity
    criteria: list[CriterionResult]
    mandatory: list[str]
    verdict: Verdict
    explanation: str

    @property
    def met(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.met]


def cite(src: m.Source | None) -> str:
    """A source as a DPO cites it: document, section, quote; and why, where the fact is inferred."""
    if src is None:
        return "recorded in the register"
    out = src.document + (f", {src.section}" if src.section else "") + (f': "{src.quote}"' if src.quote else "")
    return out + (f" [inferred: {src.inference}]" if src.inference else "")


def _fact(n: int, a: m.ProcessingActivity) -> CriterionResult:
    name, question = FACTS[n]
    f: m.Fact | None = getattr(a, name)
    if f is None:
        return CriterionResult(n, WP248[n], Status.UNKNOWN, [], question)
    said = f"{name.replace('_', ' ')}: {'yes' if f.value else 'no'}" + (f" ({f.detail})" if f.detail else "")
    return CriterionResult(n, WP248[n], Status.MET if f.value else Status.NOT_MET, [f"{said}; {cite(f.source)}"])


def _lineage(key: str, cats: dict[str, m.DataCategory]) -> list[m.DataCategory]:
    """The category and its ancestors in the taxonomy (an organisation's own category sits under a shared one)."""
    own = cats.get(key)
    bare = key.split("/")[-1]
    parts = bare.split(".")
    found = [cats[k] for i in range(len(parts), 0, -1) if (k := ".".join(parts[:i])) in cats]
    return ([own] if own and own not in found else []) + found


def _sensitive(a: m.ProcessingActivity, cats: dict[str, m.DataCategory]) -> tuple[CriterionResult, bool]:
    facts, art9_10 = [], False
    for k in a.data_categories:
        line = _lineage(k, cats)
        if not line:
            continue
        c = line[0]
        special = next((x for x in line if x.special_category), None)
        if special and special.special_category:
            facts.append(f"special-category data (Art 9(1), {special.special_category.value}): {c.name}")
            art9_10 = True
        elif any(x.criminal for x in line):
            facts.append(f"criminal-offence data (Art 10): {c.name}")
            art9_10 = True
        elif hp := next((x for x in line if x.highly_personal), None):
            facts.append(f"highly personal data: {c.name}" + (f" (under {hp.name})" if hp is not c else ""))
    n = 4
    if facts:
        return CriterionResult(n, WP248[n], Status.MET, facts), art9_10
    if a.data_categories:
        return CriterionResult(n, WP248[n], Status.NOT_MET, [
            f"none of its {len(a.data_categories)} data categories is flagged special (Art 9), criminal (Art 10) "
            "or highly personal"]), False
    return CriterionResult(n, WP248[n], Status.UNKNOWN, [], "Which categories of personal data does the activity "
                           "process?"), False


def _scale(a: m.ProcessingActivity) -> CriterionResult:
    n, s = 5, a.scale
    question = ("Is the processing large-scale? Record the number of people concerned, the geographic extent, and "
                "the assessment (WP248: number of people, volume of data, duration, geographic extent).")
    if s is None:
        return CriterionResult(n, WP248[n], Status.UNKNOWN, [], question)
    facts = ([f"people concerned: {s.people:,}"] if s.people is not None else []) + (
        [f"geographic extent: {s.geographic_extent.value.lower()}"] if s.geographic_extent else [])
    facts = [f"{'; '.join(facts) or 'scale assessed'}; {cite(s.source)}"]
    if s.large_scale is None:
        return CriterionResult(n, WP248[n], Status.UNKNOWN, facts, question)
    return CriterionResult(n, WP248[n], Status.MET if s.large_scale else Status.NOT_MET,
                           [f"assessed as {'large' if s.large_scale else 'not large'}-scale", *facts])


def _vulnerable(a: m.ProcessingActivity, inv: Inventory) -> CriterionResult:
    n = 7
    subjects = [s for k in a.data_subjects if (s := next((x for x in inv.data_subjects if x.key == k), None))]
    met = [f"{s.name}: children" for s in subjects if s.children] + [
        f"{s.name}: vulnerable ({s.vulnerable.detail or 'recorded'}); {cite(s.vulnerable.source)}"
        for s in subjects if s.vulnerable and s.vulnerable.value]
    if met:
        return CriterionResult(n, WP248[n], Status.MET, met)
    unassessed = [s.name for s in subjects if s.vulnerable is None]
    if subjects and not unassessed:
        return CriterionResult(n, WP248[n], Status.NOT_MET, [f"{s.name}: not vulnerable" for s in subjects])
    who = ", ".join(unassessed) or "the people concerned (no data subjects are recorded)"
    return CriterionResult(n, WP248[n], Status.UNKNOWN, [], f"Are {who} vulnerable (children, employees, patients, "
                           "the elderly, asylum seekers, or others in an imbalance of power with the controller)?")


def screen(a: m.ProcessingActivity, inv: Inventory, ref: ReferenceData) -> Screening:
    """Screen one activity against the WP248 criteria and the Art 35(3) cases, from recorded facts only."""
    cats = {c.id: c for c in [*ref.data_categories, *inv.data_categories]}
    sensitive, art9_10 = _sensitive(a, cats)
    by_number = {n: _fact(n, a) for n in FACTS} | {4: sensitive, 5: _scale(a), 7: _vulnerable(a, inv)}
    criteria = [by_number[n] for n in sorted(by_number)]
    large = by_number[5].status
    mandatory, pending = [], []
    if by_number[1].met and by_number[2].met:
        mandatory.append("Art 35(3)(a): systematic and extensive evaluation of personal aspects, on which decisions "
                         "with legal or similarly significant effects are based")
    if art9_10 and large == Status.MET:
        mandatory.append("Art 35(3)(b): large-scale processing of special-category or criminal-offence data")
    elif art9_10 and large == Status.UNKNOWN:
        pending.append("Art 35(3)(b), if the processing is large-scale: special-category or criminal-offence data")
    public = a.public_area_monitoring
    if public and public.value and large == Status.MET:
        mandatory.append("Art 35(3)(c): large-scale systematic monitoring of a publicly accessible area")
    elif public and public.value and large == Status.UNKNOWN:
        pending.append("Art 35(3)(c), if the processing is large-scale: monitoring of a publicly accessible area")
    met = sum(c.met for c in criteria)
    unknown = [c for c in criteria if c.status == Status.UNKNOWN]
    if mandatory:
        verdict = Verdict.REQUIRED
    elif met >= 2:
        verdict = Verdict.LIKELY_REQUIRED
    elif pending or met + len(unknown) >= 2:
        verdict = Verdict.UNDETERMINED
    else:
        verdict = Verdict.NOT_INDICATED
    explanation = (f"{met} of the 9 WP248 criteria met, {len(unknown)} unknown"
                   + (f" (criteria {', '.join(str(c.number) for c in unknown)}: answer their questions)"
                      if unknown else "")
                   + (f"; mandatory cases: {len(mandatory)}" if mandatory else "")
                   + (f"; possible mandatory cases: {len(pending)}" if pending else "")
                   + ". WP248: two or more criteria mean a DPIA is likely required.")
    if a.role == Role.PROCESSOR:
        explanation += (f" This activity is done as processor for {a.controller or 'a controller not recorded'}: "
                        "the DPIA is the controller's duty (Art 35(1)); the processor assists it (Art 28(3)(f)).")
    return Screening(a, criteria, mandatory + pending, verdict, explanation)


def sentence(text: str) -> str:
    """Text ending as a sentence: a full stop added only where none ends it ("Pvt. Ltd." stays as it is)."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def clause(text: str | None) -> str | None:
    """Text used inside a sentence: without its own closing full stop, so "named." does not run into ": ..."."""
    return text.strip().rstrip(".").strip() if text else text


def draft_markdown(s: Screening, inv: Inventory, ref: ReferenceData) -> str:
    """A DPIA outline with the Art 35(7) sections and the CNIL structure, pre-filled from the inventory."""
    a, org = s.activity, inv.organization
    purposes = {p.key: p for p in inv.purposes}
    bases = {b.id: f"{b.article} ({b.title})" for b in ref.legal_bases}
    cats = {c.id: c.name for c in [*ref.data_categories, *inv.data_categories]}
    subjects = {x.key: x.name for x in inv.data_subjects}
    recipients = {r.key: r.name for r in inv.recipients}
    retention = {r.key: r for r in inv.retention_rules}
    measures = {x.key: x.description for x in inv.security_measures}
    transfers = {t.key: t for t in inv.transfers}
    countries = {c.code: c.name for c in ref.countries}
    mechanisms = {x.code: f"{x.title} ({x.article})" for x in ref.transfer_mechanisms}
    todo = "_To be completed by the assessor._"

    def bullets(items: list[str]) -> str:
        return "\n".join(f"- {x}" for x in items) if items else "- Not recorded in the register."

    purpose_lines = []
    for pa in a.purposes:
        name = purposes[pa.purpose].name if pa.purpose in purposes else pa.purpose
        b = ", ".join(bases.get(x.basis, x.basis) for x in pa.lawful_bases) or "no lawful basis recorded"
        lia = [x.balancing_test for x in pa.lawful_bases if x.balancing_test]
        purpose_lines.append(f"{name}: {b}" + (f"; balancing test kept at {lia[0]}" if lia else ""))
    rules = [r for k in a.retention_rules if (r := retention.get(k))]
    retention_lines = [f"{r.covers}: {in_words(r.period)}" + (f" after {r.trigger}" if r.trigger else "")
                       if r.period else f"{r.covers}: {r.stated_as or 'no period stated'}" for r in rules]
    moves = [t for k in a.transfers if (t := transfers.get(k))]
    transfer_lines = [
        f"{countries.get(t.destination or '') or t.destination or clause(t.destination_note) or 'not named'}: "
        f"{mechanisms.get(t.mechanism or '') or t.mechanism or 'no mechanism recorded'}" for t in moves]
    criteria_lines = [f"{c.number}. {c.title}: {c.status.value.replace('_', ' ').lower()}"
                      + (f" ({'; '.join(c.facts)})" if c.facts else "")
                      + (f". To answer: {c.question}" if c.question else "") for c in s.criteria]
    if a.role == Role.PROCESSOR:
        parties = (f"{sentence('Controller: ' + (a.controller or 'not recorded'))} Processor: {org.legal_name} "
                   "(this DPIA is the controller's; the processor assists it, Art 28(3)(f)).")
    else:
        parties = sentence(f"Controller: {org.legal_name}")
    risk_rows = "\n".join(f"| {ev} | {todo} | {todo} | {todo} |" for ev in
                          ("Illegitimate access to data", "Unwanted modification of data", "Disappearance of data"))
    return f"""# Data protection impact assessment (draft): {a.name}

{parties} Role of {org.legal_name} for this processing: {a.role.value.lower().replace('_', ' ')}.
Screening verdict: **{s.verdict.value.replace('_', ' ').lower()}**. {s.explanation}

## Screening (WP248 rev.01 criteria; Art 35(3))
{bullets(criteria_lines)}

Mandatory cases (Art 35(3)):
{bullets(s.mandatory)}

## 1. Context: systematic description of the processing (Art 35(7)(a))
{a.description or 'Not recorded in the register.'}

### Purposes and lawful bases (including the legitimate interest pursued)
{bullets(purpose_lines)}

### Personal data
{bullets([cats.get(k, k) for k in a.data_categories])}

### Data subjects
{bullets([subjects.get(k, k) for k in a.data_subjects])}

### Recipients and processors
{bullets([recipients.get(k, k) for k in a.recipients])}

### Transfers outside the country
{bullets(transfer_lines)}

## 2. Fundamental principles: necessity and proportionality (Art 35(7)(b))
### Retention periods
{bullets(retention_lines)}

### Data minimisation, accuracy, information, rights of data subjects
{todo}

## 3. Risks to the rights and freedoms of data subjects (Art 35(7)(c)) — CNIL method
Rate each feared event for severity and likelihood: negligible, limited, significant or maximum.

| Feared event | Potential impacts on data subjects | Severity | Likelihood |
|---|---|---|---|
{risk_rows}

## 4. Measures to address the risks (Art 35(7)(d))
### Existing security measures (from the register)
{bullets([measures.get(k, k) for k in a.security_measures])}

### Planned measures
{todo}

## 5. Validation
Opinion of the DPO and, where appropriate, the views of data subjects (Art 35(2), 35(9)): {todo}
"""
