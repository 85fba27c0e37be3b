"""An activity's DPIA draft as a file the CNIL's open-source PIA tool (LINCnil/pia, version 4) imports.

The file is what the tool's own export writes and its import reads (`PiaService.exportData` / `importData` in
src/app/services/pia.service.ts): a `pia` object, and lists of `answers`, `measures`, `evaluations` and
`comments`. An answer is keyed by its question's number in the tool's fixed structure
(src/assets/files/pia_architecture.json): section, item and question digits, `121` being "What are the data
processed?". Its `data` holds `text` (HTML, as the tool's editor writes it), `gauge` and `list`.

Pre-filled from the register: the context section (the processing, responsibilities, the data with their
recipients and retention), the fundamental principles (purposes, lawful bases, retention, processors and
transfers) and the existing measures (the register's security measures). The screening's verdict and the WP248
criteria met head the description of the processing. The risk and validation sections are the assessor's: they
are left empty, and so are the evaluations and comments.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from registry.domain import models as m
from registry.domain.inventory import Inventory, ReferenceData
from registry.services.dpia import Screening

NOT_RECORDED = "Not recorded in the register."

QUESTIONS = {
    111: "What is the processing under consideration?",
    112: "What are the responsibilities linked to the processing?",
    121: "What are the data processed?",
    211: "Are the processing purposes specified, explicit and legitimate?",
    212: "What are the legal basis making the processing lawful?",
    215: "What are the storage duration of the data?",
    226: "Are the obligations of the processors clearly identified and governed by a contract?",
    227: "In the case of data transfer outside the European Union, are the data adequately protected?",
}
"""The PIA tool's questions this export answers, by their number in the tool's structure."""


def _list(items: list[str]) -> str:
    if not items:
        return f"<p>{NOT_RECORDED}</p>"
    return "<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in items) + "</ul>"


def _para(label: str, text: str) -> str:
    return f"<p><strong>{html.escape(label)}</strong>: {html.escape(text)}</p>"


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def pia_file(s: Screening, inv: Inventory, ref: ReferenceData, now: dt.datetime | None = None) -> dict[str, Any]:
    """The PIA tool's import file for one activity's DPIA draft."""
    a, org = s.activity, inv.organization
    stamp = _iso(now or dt.datetime.now(dt.UTC))
    purposes = {p.key: p for p in inv.purposes}
    bases = {b.id: b for b in ref.legal_bases}
    cats = {c.id: c for c in [*ref.data_categories, *inv.data_categories]}
    subjects = {x.key: x for x in inv.data_subjects}
    recipients = {r.key: r for r in inv.recipients}
    retention = {r.key: r for r in inv.retention_rules}
    transfers = {t.key: t for t in inv.transfers}
    countries = {c.code: c for c in ref.countries}
    mechanisms = {x.code: x for x in ref.transfer_mechanisms}
    measures = {x.key: x for x in inv.security_measures}

    def category(k: str) -> str:
        c = cats.get(k)
        if c is None:
            return k
        flags = [f"special category, Art 9: {c.special_category.value.lower().replace('_', ' ')}"
                 if c.special_category else "", "criminal-offence data, Art 10" if c.criminal else ""]
        flags = [f for f in flags if f]
        return c.name + (f" ({'; '.join(flags)})" if flags else "")

    def basis(x: m.BasisAssignment) -> str:
        b = bases.get(x.basis)
        text = f"{b.article} ({b.title})" if b else x.basis
        if x.balancing_test:
            text += f"; balancing test (LIA) kept at {x.balancing_test}"
        if x.withdrawal:
            text += f"; consent is withdrawn by: {x.withdrawal}"
        return text

    rules = [r for k in a.retention_rules if (r := retention.get(k))]
    retention_lines = [f"{r.covers}: {r.period or r.stated_as or 'no period stated'}"
                       + (f", from {r.trigger}" if r.trigger else "") + (f" ({r.reason})" if r.reason else "")
                       for r in rules]
    shared = [r for k in a.recipients if (r := recipients.get(k))]
    processors = [r for r in shared if r.is_processor]
    verdict = s.verdict.value.replace("_", " ").lower()
    met = [f"{c.number}. {c.title}: {'; '.join(c.facts)}" for c in s.met]

    answers: dict[int, str] = {}
    answers[111] = (
        _para("Processing", a.name) + (f"<p>{html.escape(a.description)}</p>" if a.description else "")
        + _para("DPIA screening (WP248 rev.01, Art 35(3))", f"{verdict}. {s.explanation}")
        + "<p><strong>Criteria met</strong>:</p>" + _list(met)
        + ("<p><strong>Mandatory cases (Art 35(3))</strong>:</p>" + _list(s.mandatory) if s.mandatory else ""))
    dpo = org.dpo
    answers[112] = (
        _para("Controller", org.legal_name + (f", {org.address}" if org.address else ""))
        + _para("Role of the organisation for this processing", a.role.value.lower())
        + (_para("Controller on whose behalf it processes", a.controller) if a.controller else "")
        + _para("Data protection officer", ", ".join(x for x in (dpo.name, dpo.email) if x) if dpo else NOT_RECORDED)
        + "<p><strong>Processors</strong>:</p>" + _list([r.name for r in processors]))
    answers[121] = (
        "<p><strong>Personal data</strong>:</p>" + _list([category(k) for k in a.data_categories])
        + "<p><strong>Data subjects</strong>:</p>"
        + _list([subjects[k].name if k in subjects else k for k in a.data_subjects])
        + "<p><strong>Recipients</strong>:</p>" + _list([r.name for r in shared])
        + "<p><strong>Retention</strong>:</p>" + _list(retention_lines))
    answers[211] = _list([
        purposes[pa.purpose].name + (f": {purposes[pa.purpose].description}" if purposes[pa.purpose].description
                                     else "") if pa.purpose in purposes else pa.purpose for pa in a.purposes])
    answers[212] = _list([
        (purposes[pa.purpose].name if pa.purpose in purposes else pa.purpose) + ": "
        + ("; ".join(basis(x) for x in pa.lawful_bases) or "no lawful basis recorded")
        + ("; Art 9(2) condition: " + "; ".join(basis(x) for x in pa.special_category_conditions)
           if pa.special_category_conditions else "")
        for pa in a.purposes])
    answers[215] = _list(retention_lines)
    answers[226] = _list([
        f"{r.name}: " + {"SIGNED": "data-processing agreement signed", "STATED": "data-processing agreement stated",
                         "NOT_STATED": "no data-processing agreement on record"}[r.dpa.value]
        + (f" ({r.dpa_note})" if r.dpa_note else "")
        + (f"; services: {', '.join(r.services)}" if r.services else "") for r in processors])
    moves = [t for k in a.transfers if (t := transfers.get(k))]
    transfer_lines = []
    for t in moves:
        c = countries.get(t.destination or "")
        where = (f"{c.name} (adequacy: {c.adequacy.value.lower().replace('_', ' ')})" if c
                 else t.destination or t.destination_note or "destination not named")
        mech = mechanisms.get(t.mechanism or "")
        how = f"{mech.title} ({mech.article})" if mech else (t.mechanism or "no transfer mechanism recorded")
        tia = f"; transfer impact assessment {t.tia_date.isoformat()}" if t.tia_date else ""
        tia += f": {t.tia_outcome}" if t.tia_outcome else ""
        who = recipients[t.recipient].name + ", " if t.recipient in recipients else ""
        transfer_lines.append(f"{who}{where}: {how}{tia}")
    answers[227] = _list(transfer_lines) if moves else "<p>No transfer recorded for this processing.</p>"

    def answer(ref_to: int, text: str) -> dict[str, Any]:
        return {"reference_to": ref_to, "data": {"text": text, "gauge": 0, "list": []},
                "created_at": stamp, "updated_at": stamp}

    measure_list = [{"id": i + 1, "title": x.key.replace("-", " ").capitalize(), "content": x.description,
                     "placeholder": "measures.default_placeholder", "created_at": stamp, "updated_at": stamp}
                    for i, k in enumerate(a.security_measures) if (x := measures.get(k))]
    pia = {
        "name": a.name,
        "category": org.legal_name,
        "status": 0,
        "author_name": "",
        "evaluator_name": "",
        "validator_name": "",
        "dpo_status": None,
        "dpo_opinion": None,
        "concerned_people_opinion": None,
        "concerned_people_status": None,
        "concerned_people_searched_opinion": None,
        "concerned_people_searched_content": None,
        "rejection_reason": None,
        "applied_adjustments": None,
        "dpos_names": (dpo.name or dpo.email) if dpo else None,
        "people_names": None,
        "is_example": 0,
        "is_archive": 0,
        "created_at": stamp,
        "updated_at": stamp,
    }
    return {"pia": pia, "answers": [answer(k, v) for k, v in answers.items()], "measures": measure_list,
            "evaluations": [], "comments": []}
