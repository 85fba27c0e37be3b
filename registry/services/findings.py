"""Compliance rules: plain functions over an inventory and the reference data, with no database.

Each rule has a stable ID, a severity, the article it rests on, and yields findings that name the record and
the document sentence behind them. `RULES` lists them; `find(inventory, reference)` runs them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

from registry.domain import models as m
from registry.domain.enums import Adequacy, MechanismKind, Role, Severity
from registry.domain.findings import Finding
from registry.domain.inventory import Inventory, ReferenceData

H, M, L, I = Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO  # noqa: E741


@dataclass(frozen=True)
class Register:
    """An inventory with its reference data indexed for the rules."""

    inv: Inventory
    ref: ReferenceData
    today: dt.date

    @cached_property
    def countries(self) -> dict[str, m.Country]:
        return {c.code: c for c in self.ref.countries}

    @cached_property
    def mechanisms(self) -> dict[str, m.TransferMechanism]:
        return {t.code: t for t in self.ref.transfer_mechanisms}

    @cached_property
    def categories(self) -> dict[str, m.DataCategory]:
        return {c.id: c for c in [*self.ref.data_categories, *self.inv.data_categories]}

    @cached_property
    def recipients(self) -> dict[str, m.Recipient]:
        return {r.key: r for r in self.inv.recipients}

    @cached_property
    def transfers(self) -> dict[str, m.Transfer]:
        return {t.key: t for t in self.inv.transfers}

    @cached_property
    def retention(self) -> dict[str, m.RetentionRule]:
        return {r.key: r for r in self.inv.retention_rules}

    @cached_property
    def subjects(self) -> dict[str, m.DataSubjectCategory]:
        return {s.key: s for s in self.inv.data_subjects}

    def activities_with_transfer(self, key: str) -> list[m.ProcessingActivity]:
        return [a for a in self.inv.processing_activities if key in a.transfers]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    article: str
    title: str
    check: Callable[[Register], Iterator[tuple[str, str, str, str, m.Source | None, str]]]
    """Yields (subject type, subject id, subject name, message, source, fix)."""


RULES: list[Rule] = []


def rule(id_: str, severity: Severity, article: str, title: str) -> Callable[..., object]:
    def register(fn: Callable[[Register], Iterator[tuple[str, str, str, str, m.Source | None, str]]]) -> object:
        RULES.append(Rule(id_, severity, article, title, fn))
        return fn

    return register


def _activity(a: m.ProcessingActivity) -> tuple[str, str, str]:
    return "ProcessingActivity", a.id, a.name


def _special(reg: Register, a: m.ProcessingActivity) -> list[m.DataCategory]:
    return [c for k in a.data_categories if (c := reg.categories.get(k)) and c.special_category]


@rule("NO_LAWFUL_BASIS_STATED", H, "GDPR Art 6(1), Art 13(1)(c); DPDP Act s.4",
      "The organisation's documents state no lawful basis for any processing")
def no_basis_at_all(reg: Register) -> Iterator[tuple[str, str, str, str, m.Source | None, str]]:
    controller = [a for a in reg.inv.processing_activities if a.role != Role.PROCESSOR]
    if controller and not any(p.lawful_bases for a in controller for p in a.purposes):
        org = reg.inv.organization
        yield ("Organization", org.id, org.legal_name,
               f"None of the {len(controller)} processing activities of {org.legal_name} has a lawful basis: "
               "its documents name none.", None,
               "Determine and record the lawful basis of each purpose, and state it in the privacy notice.")


@rule("PURPOSE_WITHOUT_LAWFUL_BASIS", H, "GDPR Art 6(1); DPDP Act s.4", "A purpose has no lawful basis")
def purpose_without_basis(reg: Register) -> Iterator[tuple[str, str, str, str, m.Source | None, str]]:
    purposes = {p.key: p for p in reg.inv.purposes}
    for a in reg.inv.processing_activities:
        if a.role == Role.PROCESSOR:
            continue  # the controller determines the basis of processing done on its behalf
        if not a.purposes:
            yield (*_activity(a), f"'{a.name}' records no purpose, so no lawful basis either.", a.source,
                   "Record the purposes of the activity and the lawful basis of each.")
        for pa in a.purposes:
            if not pa.lawful_bases:
                p = purposes.get(pa.purpose)
                name = p.name if p else pa.purpose
                yield (*_activity(a), f"Purpose '{name}' of '{a.name}' has no lawful basis recorded.",
                       p.source if p else a.source,
                       "Assign a lawful basis (GDPR Art 6(1)(a)-(f), or DPDP consent / legitimate use).")


@rule("SPECIAL_CATEGORY_WITHOUT_CONDITION", H, "GDPR Art 9(2)",
      "Special-category data without an Art 9(2) condition")
def special_without_condition(reg: Register) -> Iterator[tuple[str, str, str, str, m.Source | None, str]]:
    for a in reg.inv.processing_activities:
        special = _special(reg, a)
        if special and a.role != Role.PROCESSOR:
            for pa in a.purposes or [m.PurposeAssignment(purpose="(none)")]:
                if not pa.special_category_conditions:
                    names = ", ".join(f"{c.name} ({c.special_category.value})" for c in special if c.special_category)
                    yield (*_activity(a), f"'{a.name}' processes {names} for purpose '{pa.purpose}' without an "
                           "Art 9(2) condition.", a.source, "Record the Art 9(2) condition (e.g. GDPR:art9-explicit-"
                           "consent) in addition to the Art 6 basis, or stop processing the data.")


@rule("CRIMINAL_DATA_WITHOUT_AUTHORITY", H, "GDPR Art 10", "Criminal-offence data without recorded authority")
def criminal_without_authority(reg: Register) -> Iterator[tuple[str, str, str, str, m.Source | None, str]]:
    for a in reg.inv.processing_activities:
        crim = [c for k in a.data_categories if (c := reg.categories.get(k)) and c.criminal]
        if crim and not a.art10_authority:
            yield (*_activity(a), f"'{a.name}' processes criminal-offence data ({', '.join(c.name for c in crim)}) "
                   "with no official authority or authorising law recorded.", a.source,
                   "Record the authority or Union/Member State law that authorises it (art10_authority).")


@rule("LEGITIMATE_INTERESTS_WITHOUT_LIA", M, "GDPR Art 6(1)(f), Art 5(2)",
      "Legitimate interests without a recorded balancing test")
def li_without_lia(reg: Register) -> Iterator[tuple[str, str, str, str, m.Source | None, str]]:
    for a in reg.inv.processing_activities:
        for pa in a.purposes:
            for b in pa.lawful_bases:
                if b.basis == "GDPR:legitimate-interests" and not b.balancing_test:
                    yield (*_activity(a), f"Purpose '{pa.purpose}' of '{a.name}' relies on legitimate interests "
                           "with no note of where its balancing test (LIA) is kept.", b.source or a.source,
                           "Carry out the three-part test (purpose, necessity, balancing) and record where it is kept.")


@rule("CONSENT_WITHOUT_WITHDRAWAL", M, "GDPR Art 7(3)", "Consent without a recorded way to withdraw it")
def consent_without_withdrawal(reg: Register) -> Iterator[tuple[str, str, str, str, m.Source | None, str]]:
    general = reg.inv.organization.consent_withdrawal
    for a in reg.inv.processing_activities:
        for pa in a.purposes:
            for b in pa.lawful_bases:
                if b.basis in ("GDPR:consent", "DPDP:consent") and not (b.withdrawal or general):
                    yield (*_activity(a), f"Purpose '{pa.purpose}' of '{a.name}' relies on consent, but no way to "
                           "withdraw it is recorded.", b.source or a.source,
                           "Record how consent is withdrawn: it must be as easy as giving it.")


def _transfer(t: m.Transfer) -> tuple[str, str, str]:
    return "Transfer", t.id, t.destination_note or t.destination or t.key


@rule("TRANSFER_WITHOUT_SAFEGUARD", H, "GDPR Art 44, 45, 46",
      "A transfer to a country without adequacy rests on no Art 46 safeguard")
def transfer_without_safeguard(reg: Register) -> Iterator[tuple[str, str, str, str, m.Source | None, str]]:
    for t in reg.inv.transfers:
        country = reg.countries.get(t.destination) if t.destination else None
        mech = reg.mechanisms.get(t.mechanism) if t.mechanism else None
        if country and country.adequacy in (Adequacy.EEA, Adequacy.FULL):
            continue
        if mech is None:
            where = country.name if country else "an unnamed destination"
            yield (*_transfer(t), f"Personal data goes to {where} with no transfer mechanism recorded.", t.source,
                   "Record the mechanism: an adequacy decision, SCCs (2021, the right module), BCRs, ...")
        elif country and country.adequacy == Adequacy.PARTIAL and mech.kind == MechanismKind.ADEQUACY:
            continue  # the partial-adequacy case (e.g. DPF) is checked by its own rule
        elif mech.kind == MechanismKind.ADEQUACY and (country is None or country.adequacy == Adequacy.NONE):
            yield (*_transfer(t), f"'{mech.title}' is relied on, but {country.name if country else 'the destination'} "
                   "has no adequacy decision.", t.source, "Use an Art 46 safeguard such as the 2021 SCCs.")


@rule("TRANSFER_DESTINATION_NOT_NAMED", M, "GDPR Art 30(1)(e)", "A transfer does not name its destination")
def destination_not_named(reg: Register) -> Iterator[tuple[str, str, str, str, m.Source | None, str]]:
    for t in reg.inv.transfers:
        if not t.destination:
            yield (*_transfer(t), "The record of a transfer must name the third country; this one says only "
                   f"'{t.destination_note or 'outside the country'}'.", t.source,
                   "Name each destination country, one transfer record per country.")


@rule("SYSTEMATIC_TRANSFER_ON_DEROGATION", H, "GDPR Art 49(1); EDPB Guidelines 2/2018",
      "Systematic transfers rest only on an Art 49 derogation")
def derogation_for_systematic(reg: Register) -> Iterator[tuple[str, str, str, str, m.Source | None, str]]:
    for t in reg.inv.transfers:
        mech = reg.mechanisms.get(t.mechanism or "")
        if mech and mech.kind == MechanismKind.DEROGATION and not t.occasional:
            users = reg.activities_with_transfer(t.key)
            said = f" (the document: \"{t.stated_as}\")" if t.stated_as else ""
            yield (*_transfer(t), f"'{mech.title}' ({mech.article}){said} carries a transfer used by {len(users)} "
                   "activities; derogations are for occasional transfers, not systematic ones.", t.source,
                   "Put an Art 46 safeguard in place (e.g. 2021 SCCs with a transfer impact assessment), or rely on "
                   "adequacy / the DPF where the importer is certified.")


@rule("DPF_WITHOUT_CERTIFICATION", H, "GDPR Art 45; Decision (EU) 2023/1795",
      "A US recipient relies on the DPF without recorded certification")
def dpf_uncertified(reg: Register) -> Iterator[tuple[str, str, str, str, m.Source | None, str]]:
    for t in reg.inv.transfers:
        if t.mechanism in ("eu-us-dpf", "uk-dpf-extension"):
            r = reg.recipients.get(t.recipient or "")
            if r is None or not r.dpf_certification:
                who = r.name if r else "an unnamed recipient"
                yield (*_transfer(t), f"The transfer to {who} relies on the Data Privacy Framework, which covers only "
                       "certified organisations, but no certification is recorded.", t.source,
                       "Check the recipient on the DPF list and record its entry, or use the 2021 SCCs.")


@rule("SCC_EXPIRED_OR_WRONG_MODULE", H, "GDPR Art 46(2)(c); Implementing Decision (EU) 2021/914",
      "SCCs are the pre-2021 clauses, or the module does not fit the parties' roles")
def scc_checks(reg: Register) -> Iterator[tuple[str, str, str, str, m.Source | None, str]]:
    for t in reg.inv.transfers:
        mech = reg.mechanisms.get(t.mechanism or "")
        if mech is None:
            continue
        if mech.valid_until and mech.valid_until < reg.today:
            yield (*_transfer(t), f"'{mech.title}' stopped providing safeguards on {mech.valid_until:%d %b %Y}.",
                   t.source, "Replace them with the 2021 SCCs (Decision 2021/914), choosing the module by roles.")
        if mech.parties:
            importer = reg.recipients.get(t.recipient or "")
            for a in reg.activities_with_transfer(t.key):
                roles = [a.role, importer.role if importer else None]
                if importer and importer.role and roles != list(mech.parties):
                    fits = next((x.title for x in reg.mechanisms.values() if x.scc_module and x.parties == roles), None)
                    yield (*_transfer(t), f"{mech.title} is for {' to '.join(p.value.lower() for p in mech.parties)}, "
                           f"but in '{a.name}' the exporter is a {a.role.value.lower()} and {importer.name} a "
                           f"{importer.role.value.lower()}.", t.source, f"Use {fits or 'the module that fits'}.")


@rule("SCC_MODULE_NOT_RECORDED", L, "GDPR Art 46(2)(c)", "SCCs are relied on without the module")
def scc_module_missing(reg: Register) -> Iterator[tuple[str, str, str, str, m.Source | None, str]]:
    for t in reg.inv.transfers:
        if t.mechanism == "scc":
            yield (*_transfer(t), "Standard contractual clauses are named, but not which 2021 module.", t.source,
                   "Record the module (1 C2C, 2 C2P, 3 P2P, 4 P2C) that fits the parties' roles.")


def _recipient(r: m.Recipient) -> tuple[str, str, str]:
    return "Recipient", r.id, r.name


@rule("SUBPROCESSOR_WITHOUT_DPA", H, "GDPR Art 28(3), 28(4)", "A subprocessor without a data-processing agreement")
def subprocessor_without_dpa(reg: Register) -> Iterator[tuple[str, str, str, str, m.Source | None, str]]:
    for r in reg.inv.recipients:
        if r.is_processor and r.dpa.value == "NOT_STATED":
            yield (*_recipient(r), f"{r.name} processes personal data on the organisation's behalf, but no "
                   "data-processing agreement is recorded.", r.source,
                   "Sign an Art 28(3) agreement (or confirm one binds them) and record it.")


@rule("SUBPROCESSOR_WITHOUT_COUNTRIES", M, "GDPR Art 28(2), 30(1)(e); EDPB Opinion 22/2024",
      "A subprocessor without countries of processing")
def subprocessor_without_countries(reg: Register) -> Iterator[tuple[str, str, str, str, m.Source | None, str]]:
    for r in reg.inv.recipients:
        if r.is_processor and not r.countries:
            what = "is named only as a category of provider" if not r.named else "has no countries recorded"
            yield (*_recipient(r), f"{r.name} {what}: where it processes the data is unknown.", r.source,
                   "Identify the provider and record the countries where it processes personal data.")


@rule("CATEGORY_WITHOUT_RETENTION", M, "GDPR Art 5(1)(e), 30(1)(f)", "A data category has no retention rule")
def category_without_retention(reg: Register) -> Iterator[tuple[str, str, str, str, m.Source | None, str]]:
    for a in reg.inv.processing_activities:
        rules = [reg.retention[k] for k in a.retention_rules if k in reg.retention]
        if not rules:
            yield (*_activity(a), f"'{a.name}' has no retention rule for any of its data.", a.source,
                   "Record how long each category is kept and from which event.")
            continue
        if any(not r.data_categories for r in rules):
            continue  # a rule that names no category covers all of the activity's data
        covered = {k for r in rules for k in r.data_categories}
        for k in a.data_categories:
            if not any(k == c or k.split("/")[-1].startswith(c.split("/")[-1] + ".") for c in covered):
                cat = reg.categories.get(k)
                yield (*_activity(a), f"'{cat.name if cat else k}' in '{a.name}' is covered by no retention rule.",
                       a.source, "Add a retention rule covering this category.")


@rule("RETENTION_WITHOUT_PERIOD", L, "GDPR Art 5(1)(e), 13(2)(a)", "A retention rule states no period")
def retention_without_period(reg: Register) -> Iterator[tuple[str, str, str, str, m.Source | None, str]]:
    for r in reg.inv.retention_rules:
        if r.period is None:
            yield ("RetentionRule", r.id, r.covers, f"'{r.covers}' is kept "
                   f"'{r.stated_as or 'for an unstated time'}': no period is given.", r.source,
                   "State a period (ISO 8601, e.g. P2Y) or the criteria that fix it.")


@rule("PROCESSOR_WITHOUT_CONTROLLER", H, "GDPR Art 30(2)(a)", "A processor activity names no controller")
def processor_without_controller(reg: Register) -> Iterator[tuple[str, str, str, str, m.Source | None, str]]:
    for a in reg.inv.processing_activities:
        if a.role == Role.PROCESSOR and not a.controller:
            yield (*_activity(a), f"'{a.name}' is done as processor, but for which controller is not recorded.",
                   a.source, "Name each controller the processing is done for.")


@rule("SUBPROCESSORS_WITHOUT_AUTHORISATION", H, "GDPR Art 28(2)",
      "Subprocessors engaged without the controller's authorisation type recorded")
def subprocessors_without_authorisation(reg: Register) -> Iterator[tuple[str, str, str, str, m.Source | None, str]]:
    for a in reg.inv.processing_activities:
        subs = [r for k in a.recipients if (r := reg.recipients.get(k)) and r.is_processor]
        if a.role == Role.PROCESSOR and subs and a.subprocessor_authorisation is None:
            yield (*_activity(a), f"'{a.name}' engages {len(subs)} subprocessor(s) with no record of the "
                   "controller's authorisation (specific or general).", a.source,
                   "Record whether the controller gave specific or general written authorisation.")


@rule("CHILDREN_BELOW_STATED_MINIMUM_AGE", H, "GDPR Art 8; DPDP Act s.9",
      "Children's data where the organisation states a minimum age")
def children_below_minimum_age(reg: Register) -> Iterator[tuple[str, str, str, str, m.Source | None, str]]:
    age = reg.inv.organization.minimum_age
    for a in reg.inv.processing_activities:
        kids = [s for k in a.data_subjects if (s := reg.subjects.get(k)) and s.children]
        if kids and age:
            yield (*_activity(a), f"'{a.name}' processes data of {', '.join(s.name for s in kids)}, while the "
                   f"organisation states its service is not for anyone under {age.age}.", age.source,
                   "Reconcile the activity with the stated age limit; for children, record parental consent.")


@rule("CROSS_FRAMEWORK_GAP", M, "GDPR Art 6(1); DPDP Act s.4, 6, 7",
      "An activity is covered under one framework that applies but not under the other")
def cross_framework_gap(reg: Register) -> Iterator[tuple[str, str, str, str, m.Source | None, str]]:
    from registry.services.frameworks import cross_framework

    for row in cross_framework(reg.inv):
        if row.missing_under == "DPDP":
            li = " Legitimate interests has no DPDP equivalent." if "GDPR:legitimate-interests" in row.gdpr else ""
            yield (*_activity(row.activity), f"'{row.activity.name}' has a GDPR basis ({', '.join(row.gdpr)}) but no "
                   f"DPDP Act basis, though the Act applies to the organisation.{li}", row.activity.source,
                   "Record the DPDP basis: consent (s.6) or a legitimate use (s.7), e.g. s.7(a) voluntary provision.")
        elif row.missing_under == "GDPR":
            yield (*_activity(row.activity), f"'{row.activity.name}' has a DPDP Act basis but no GDPR basis.",
                   row.activity.source, "Record the GDPR Art 6(1) basis.")


from registry.services import accountability_findings  # noqa: E402, F401 - registers its rules in RULES


def find(inv: Inventory, ref: ReferenceData, today: dt.date | None = None) -> list[Finding]:
    """Every finding for one organisation's register, most severe first."""
    reg = Register(inv, ref, today or dt.date.today())
    out = [Finding(r.id, r.severity, r.article, msg, fix, st, sid, sname, src)
           for r in RULES for st, sid, sname, msg, src, fix in r.check(reg)]
    return sorted(out, key=lambda f: -f.severity.rank)
