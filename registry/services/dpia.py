"""DPIA screening (GDPR Art 35(1), 35(3); WP248 rev.01 criteria) and a draft outline (Art 35(7), CNIL method).

Screening reads facts the register holds: data categories, data subjects, recipients, transfers and the
wording of purposes. Each criterion met names the facts that triggered it. What the register cannot tell
(scale, above all) is reported as not assessable rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from registry.domain import models as m
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
KEYWORDS = {
    1: r"profil|\bscor(e|ing)\b|usage patterns|analy[sz]|personali[sz]|predict",
    2: r"automated decision|automatic(ally)? (decid|decision)|solely automated",
    3: r"monitor|track|surveil|cctv|call and message|telecalling",
    6: r"\bcombin|\bmatching\b|enrich",
    8: r"\bai\b|artificial intelligence|machine learning|biometric|facial|voice recognition",
    9: r"deny|refus|suspen|blocklist|eligib",
}
HIGHLY_PERSONAL = ("user.identification.government_id", "user.financial", "user.location",
                   "user.communications.call_message_logs", "user.content", "user.account.credentials")
VULNERABLE = r"employee|staff|worker|patient|child|student|minor|elderly|asylum"
PUBLIC_AREA = r"cctv|public(ly)? (area|space)|street|video surveillance"


class Verdict(str, Enum):
    REQUIRED = "REQUIRED"
    LIKELY_REQUIRED = "LIKELY_REQUIRED"
    NOT_INDICATED = "NOT_INDICATED"


@dataclass(frozen=True)
class CriterionResult:
    number: int
    title: str
    met: bool
    assessable: bool
    facts: list[str] = field(default_factory=list)


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


def _texts(a: m.ProcessingActivity, inv: Inventory) -> list[tuple[str, str]]:
    purposes = {p.key: p for p in inv.purposes}
    out = [(f"activity '{a.name}'", a.name), (f"activity '{a.name}' description", a.description or "")]
    for pa in a.purposes:
        p = purposes.get(pa.purpose)
        if p:
            out += [(f"purpose '{p.name}'", p.name), (f"purpose '{p.name}'", p.description or "")]
    return out


def screen(a: m.ProcessingActivity, inv: Inventory, ref: ReferenceData) -> Screening:
    cats = {c.id: c for c in [*ref.data_categories, *inv.data_categories]}
    subjects = {s.key: s for s in inv.data_subjects}
    found: dict[int, list[str]] = {n: [] for n in WP248}
    texts = _texts(a, inv)
    for n, pattern in KEYWORDS.items():
        for where, text in texts:
            hit = re.search(pattern, text, re.IGNORECASE)
            if hit:
                found[n].append(f"{where} says \"{hit.group(0)}\"")
    for k in a.data_categories:
        c = cats.get(k)
        if c is None:
            continue
        if c.special_category:
            found[4].append(f"special-category data: {c.name} (Art 9(1))")
        if c.criminal:
            found[4].append(f"criminal-offence data: {c.name} (Art 10)")
        if any(k.split("/")[-1].startswith(h) for h in HIGHLY_PERSONAL):
            found[4].append(f"highly personal data: {c.name}")
        if c.ccpa and c.ccpa.value == "K":
            found[1].append(f"inferences or profiles: {c.name}")
        if c.special_category and c.special_category.value == "BIOMETRIC_DATA":
            found[8].append(f"biometric data: {c.name}")
    for k in a.data_subjects:
        s = subjects.get(k)
        if s and (s.children or re.search(VULNERABLE, f"{s.name} {s.description or ''}", re.IGNORECASE)):
            found[7].append(f"data subjects: {s.name}" + (" (children)" if s.children else ""))
    criteria = [CriterionResult(n, t, bool(found[n]), n != 5, found[n]) for n, t in WP248.items()]
    special = [f for f in found[4] if "special-category" in f or "criminal" in f]
    mandatory = []
    if found[1] and found[2]:
        mandatory.append("Art 35(3)(a): systematic and extensive evaluation with legal or similarly significant "
                         "effects")
    if special:
        mandatory.append("Art 35(3)(b), if on a large scale: processing of special-category or criminal-offence data "
                         "(the register does not record scale: check it)")
    if any(re.search(PUBLIC_AREA, t, re.IGNORECASE) for _, t in texts):
        mandatory.append("Art 35(3)(c): systematic monitoring of a publicly accessible area on a large scale")
    met = sum(c.met for c in criteria)
    firm = [x for x in mandatory if "if on a large scale" not in x]
    if firm:
        verdict = Verdict.REQUIRED
    elif met >= 2 or mandatory:
        verdict = Verdict.LIKELY_REQUIRED
    else:
        verdict = Verdict.NOT_INDICATED
    explanation = (f"{met} of the 9 WP248 criteria met"
                   + (f"; mandatory cases: {len(mandatory)}" if mandatory else "")
                   + ". Scale (criterion 5) is not recorded in the register and was not assessed; if the processing"
                   " is large-scale, add it to the count. WP248: two or more criteria mean a DPIA is likely required.")
    return Screening(a, criteria, mandatory, verdict, explanation)


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
    retention_lines = [f"{r.covers}: {r.period or r.stated_as or 'no period stated'}"
                       + (f" from {r.trigger}" if r.trigger else "") for r in rules]
    moves = [t for k in a.transfers if (t := transfers.get(k))]
    transfer_lines = [f"{t.destination or t.destination_note or 'destination not named'}: "
                      f"{t.mechanism or 'no mechanism recorded'}" for t in moves]
    criteria_lines = [f"{c.number}. {c.title}: " + ("; ".join(c.facts) if c.met else
                      ("not met" if c.assessable else "not assessable from the register")) for c in s.criteria]
    risk_rows = "\n".join(f"| {ev} | {todo} | {todo} | {todo} |" for ev in
                          ("Illegitimate access to data", "Unwanted modification of data", "Disappearance of data"))
    return f"""# Data protection impact assessment (draft): {a.name}

Controller: {org.legal_name}. Role for this processing: {a.role.value.lower()}.
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
