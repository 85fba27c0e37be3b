"""Records of processing activities as GDPR Art 30 lists them: 30(1) for a controller, 30(2) for a processor.

Every field the article lists is present; where the register holds nothing for it, the field says so
(`NOT_RECORDED`) instead of being dropped, so the gap shows in the record an authority would read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from registry.domain import models as m
from registry.domain.durations import in_words
from registry.domain.enums import Role
from registry.domain.inventory import Inventory, ReferenceData
from registry.services import ropa

NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class RecordField:
    """One field of the record: its Art 30 point, its label in the article's words, and its entries."""

    point: str
    label: str
    items: list[str] = field(default_factory=list)

    @property
    def recorded(self) -> bool:
        return bool(self.items)

    @property
    def text(self) -> str:
        return "; ".join(self.items) if self.items else NOT_RECORDED


@dataclass(frozen=True)
class RecordEntry:
    """The record of one processing activity."""

    activity_id: str
    activity: str
    fields: list[RecordField]


@dataclass(frozen=True)
class RecordsOfProcessing:
    """An organisation's Art 30(1) or 30(2) record."""

    organization: str
    role: Role
    article: str
    header: list[RecordField]
    entries: list[RecordEntry]


def _contacts(org: m.Organization) -> list[str]:
    out = [org.legal_name + (f", {org.address}" if org.address else "")]
    for c in org.contacts:
        ways = ", ".join(x for x in (c.email, c.phone, c.url) if x)
        if ways:
            out.append(f"{c.purpose}: {ways}")
    return out


def _person(p: m.Person | None) -> list[str]:
    if p is None:
        return []
    return [", ".join(x for x in (p.name, p.email, p.address) if x) or "named, without contact details"]


def _period(rule: m.RetentionRule) -> str:
    if rule.period:
        after = f" after {rule.trigger}" if rule.trigger else ""
        return f"{rule.covers}: {in_words(rule.period)}{after}"
    # No number: the document's own words, whole, and no trigger glued onto its sentence.
    said = f'as stated: "{rule.stated_as}"' if rule.stated_as else "no period stated"
    return f"{rule.covers}: no period given ({said})"


def _controllers(a: m.ProcessingActivity) -> list[str]:
    named = [", ".join(x for x in (c.name, c.email, c.address) if x) for c in a.controllers if c.name]
    if named:
        return named
    return [f"{a.controller} (no name and contact details recorded)"] if a.controller else []


def _inferred(inv: Inventory) -> list[str]:
    """Every fact of the register that is inferred rather than stated, with why: a reader must see the premise."""
    org = inv.organization
    out = []
    if org.roles_source and org.roles_source.inference:
        out.append(f"Roles ({', '.join(r.value.lower() for r in org.roles)}): {org.roles_source.inference}")
    for law in org.applicability:
        if law.source and law.source.inference:
            out.append(f"{law.framework.value} {law.status.value.lower().replace('_', ' ')}: {law.source.inference}")
    for a in inv.processing_activities:
        for name in ("systematic_monitoring", "evaluation_or_scoring", "automated_decisions", "matching_datasets",
                     "innovative_technology", "blocks_right_or_service", "public_area_monitoring"):
            f = getattr(a, name)
            if f and f.source and f.source.inference:
                out.append(f"{a.name}, {name.replace('_', ' ')}: {f.source.inference}")
    for subject in inv.data_subjects:
        if subject.vulnerable and subject.vulnerable.source and subject.vulnerable.source.inference:
            out.append(f"{subject.name}, vulnerable: {subject.vulnerable.source.inference}")
    return out


ACCOUNTABILITY = [
    ("26", "Joint controllers and the essence of the arrangement", "joint_controllers", False),
    ("30(1)(d)", "Data categories each recipient receives", "recipient_categories", False),
    ("5(2)", "Systems and where the data is located", "locations", True),
    ("5(2)", "Responsible department", "department", True),
    ("5(2)", "Data stewards", "stewards", True),
    ("14(2)(f)", "Sources of the personal data", "data_sources", False),
    ("22", "Profiling and solely automated decisions", "adm_or_profiling", False),
    ("22(2)", "Ground and safeguards of automated decisions", "adm_basis", False),
    ("12-22", "Rights that apply", "rights", False),
    ("5(1)(e)", "Keeps to the retention policy", "retention_adherence", False),
    ("5(1)(e)", "Why not", "retention_reason", False),
    ("5(2)", "Last review", "last_review", True),
]
"""Accountability facts the record shows after Art 30's own fields: (article, label, template topic, also in the
processor record). The text is the templates' answer, so the record and the templates say the same."""

DOCUMENTS = "Documents (privacy notice, LIA, DPIA, processor contract, record of consent, breach register, retention " \
    "policy)"


def _accountability(reg: ropa.Register, a: m.ProcessingActivity, processor: bool) -> list[RecordField]:
    out = []
    for point, label, topic, for_processor in ACCOUNTABILITY:
        if processor and not for_processor:
            continue
        answer = ropa.ANSWERERS[topic](reg, a)
        out.append(RecordField(point, label, [answer.text] if answer.text else []))
    links = [f"{d.kind.value.replace('_', ' ').lower()}: {d.location}" for d in a.document_links]
    out.append(RecordField("5(2)", DOCUMENTS, links))
    return out


def records_of_processing(inv: Inventory, ref: ReferenceData, role: Role) -> RecordsOfProcessing:
    """The controller record (role CONTROLLER or JOINT_CONTROLLER) or the processor record (PROCESSOR)."""
    org = inv.organization
    purposes = {p.key: p for p in inv.purposes}
    subjects = {s.key: s for s in inv.data_subjects}
    categories = {c.id: c for c in [*ref.data_categories, *inv.data_categories]}
    recipients = {r.key: r for r in inv.recipients}
    transfers = {t.key: t for t in inv.transfers}
    retention = {r.key: r for r in inv.retention_rules}
    measures = {s.key: s for s in inv.security_measures}
    countries = {c.code: c for c in ref.countries}
    mechanisms = {t.code: t for t in ref.transfer_mechanisms}
    bases = {b.id: f"{b.article} {b.title.lower()}" for b in ref.legal_bases}
    processor = role == Role.PROCESSOR

    def transfer_text(key: str) -> str:
        t = transfers[key]
        dest = countries[t.destination].name if t.destination in countries else (t.destination_note or "country "
                                                                                 "not named")
        mech = mechanisms.get(t.mechanism or "")
        how = f"{mech.title} ({mech.article})" if mech else "no mechanism recorded"
        return f"{dest}: {how}"

    activities = [a for a in inv.processing_activities if (a.role == Role.PROCESSOR) == processor]
    reg = ropa.Register(inv, ref, dt.date.today())
    entries = []
    for a in activities:
        used = [k for s in a.systems if s in reg.systems for k in reg.systems[s].security_measures]
        measures_text = [measures[k].description for k in dict.fromkeys([*a.security_measures, *used])
                         if k in measures]
        transfer_items = [transfer_text(k) for k in a.transfers if k in transfers]
        if processor:
            fields = [
                RecordField("30(2)(a)", "Controller on whose behalf the processor acts", _controllers(a)),
                RecordField("30(2)(b)", "Categories of processing carried out on behalf of the controller",
                            [a.name + (f": {a.description}" if a.description else "")]),
                RecordField("30(2)(c)", "Transfers to a third country or an international organisation",
                            transfer_items),
                RecordField("30(2)(d)", "General description of the technical and organisational security measures",
                            measures_text),
            ]
        else:
            basis_text = []
            for pa in a.purposes:
                name = purposes[pa.purpose].name if pa.purpose in purposes else pa.purpose
                cited = ", ".join(bases.get(b.basis, b.basis) for b in pa.lawful_bases) or "no lawful basis recorded"
                basis_text.append(f"{name} ({cited})")
            fields = [
                RecordField("30(1)(b)", "Purposes of the processing", basis_text),
                RecordField("30(1)(c)", "Categories of data subjects",
                            [subjects[k].name for k in a.data_subjects if k in subjects]),
                RecordField("30(1)(c)", "Categories of personal data",
                            [categories[k].name for k in a.data_categories if k in categories]),
                RecordField("30(1)(d)", "Categories of recipients, including in third countries",
                            [recipients[k].name for k in a.recipients if k in recipients]),
                RecordField("30(1)(e)", "Transfers to a third country or an international organisation",
                            transfer_items),
                RecordField("30(1)(f)", "Envisaged time limits for erasure",
                            [_period(retention[k]) for k in a.retention_rules if k in retention]),
                RecordField("30(1)(g)", "General description of the technical and organisational security measures",
                            measures_text),
            ]
        entries.append(RecordEntry(a.id, a.name, fields + _accountability(reg, a, processor)))

    if processor:
        header = [
            RecordField("30(2)(a)", "Name and contact details of the processor", _contacts(org)),
            RecordField("30(2)(a)", "Controllers on whose behalf the processor acts",
                        sorted({c for a in activities for c in _controllers(a)})),
            RecordField("30(2)(a)", "Representative", _person(org.representative)),
            RecordField("30(2)(a)", "Data protection officer", _person(org.dpo)),
        ]
        article = "Art 30(2)"
    else:
        header = [
            RecordField("30(1)(a)", "Name and contact details of the controller", _contacts(org)),
            RecordField("30(1)(a)", "Joint controller", sorted({a.controller for a in inv.processing_activities
                                                                if a.role == Role.JOINT_CONTROLLER and a.controller})),
            RecordField("30(1)(a)", "Representative", _person(org.representative)),
            RecordField("30(1)(a)", "Data protection officer", _person(org.dpo)),
        ]
        article = "Art 30(1)"
    header.append(RecordField("5(2)", "Facts inferred, not stated in the documents (why)", _inferred(inv)))
    return RecordsOfProcessing(org.legal_name, role, article, header, entries)
