"""What the compliance rules share: the register they read, the law in force on the date asked, and which law
governs a rule for this organisation.

A rule names the laws it enforces (`frameworks`). It runs only where the register records that one of them
applies to the organisation; a law with no recorded decision is undetermined and gets one question, not a
cascade of findings that assume the answer. Where the law applies but the duty is not yet in force on the date
asked (the DPDP Act's duties before 13 May 2027), the finding is a readiness finding, not a breach. Dates come
from the reference data (`countries[].provisions`), so a change of commencement needs no code change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

from registry.domain import models as m
from registry.domain.enums import Applicability, Framework, Role, Severity
from registry.domain.inventory import Inventory, ReferenceData

H, M, L, I = Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO  # noqa: E741
GDPR_LIKE = (Framework.GDPR, Framework.UK_GDPR)
DUTIES = "fiduciary-duties"
"""The provision key a DPDP rule rests on unless it names another (see seed/reference/countries.yaml)."""

Hit = tuple[str, str, str, str, m.Source | None, str]
"""What a rule yields: (subject type, subject id, subject name, message, source, fix)."""


@dataclass(frozen=True)
class Register:
    """An inventory with its reference data indexed for the rules, evaluated on `as_of`."""

    inv: Inventory
    ref: ReferenceData
    as_of: dt.date

    @cached_property
    def countries(self) -> dict[str, m.Country]:
        return {c.code: c for c in self.ref.countries}

    @cached_property
    def provisions(self) -> dict[tuple[Framework, str], m.Provision]:
        return {(p.framework, p.key): p for c in self.ref.countries for p in c.provisions}

    @cached_property
    def mechanisms(self) -> dict[str, m.TransferMechanism]:
        return {t.code: t for t in self.ref.transfer_mechanisms}

    @cached_property
    def categories(self) -> dict[str, m.DataCategory]:
        return {c.id: c for c in [*self.ref.data_categories, *self.inv.data_categories]}

    def lineage(self, category_id: str) -> list[m.DataCategory]:
        """The category an id names and its ancestors, nearest first (an organisation's own category sits under
        its own or shared ones): the flags a rule reads hold for a category's children too."""
        cats, slug = self.categories, self.inv.organization.slug
        key = category_id.split("/")[-1]
        parts = key.split(".")
        line = []
        for i in range(len(parts), 0, -1):
            head = ".".join(parts[:i])
            found = cats.get(m.scoped_id(slug, head)) or cats.get(head)
            if found is not None:
                line.append(found)
        return line

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

    @cached_property
    def applicability(self) -> dict[Framework, m.FrameworkApplicability]:
        return {a.framework: a for a in self.inv.organization.applicability}

    def applies(self, framework: Framework) -> bool:
        a = self.applicability.get(framework)
        return a is not None and a.status == Applicability.APPLIES

    def in_force_from(self, framework: Framework, provision: str) -> dt.date | None:
        """The date a provision applies from, when that is after `as_of`; None when it is in force."""
        p = self.provisions.get((framework, provision))
        if p is None or p.in_force(self.as_of):
            return None
        return p.applies_from

    def activities_with_transfer(self, key: str) -> list[m.ProcessingActivity]:
        return [a for a in self.inv.processing_activities if key in a.transfers]

    @cached_property
    def processor_activities(self) -> list[m.ProcessingActivity]:
        return [a for a in self.inv.processing_activities if a.role == Role.PROCESSOR]


@dataclass(frozen=True)
class Governing:
    """The law a rule's findings are made under for one organisation, and whether its duty is in force."""

    framework: Framework | None
    """None for a rule about which law applies."""
    in_force_from: dt.date | None = None

    @property
    def readiness(self) -> bool:
        return self.in_force_from is not None

    def activities(self, reg: Register) -> list[m.ProcessingActivity]:
        """The activities whose duties this law puts on the organisation: under the DPDP Act the duties are the
        Data Fiduciary's (s.8), so processing done as someone else's processor is left out; the GDPR also
        binds processors (Art 28, 30(2), 32, 33(2))."""
        if self.framework == Framework.DPDP:
            return [a for a in reg.inv.processing_activities if a.role != Role.PROCESSOR]
        return list(reg.inv.processing_activities)


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    article: str
    title: str
    check: Callable[[Register, Governing], Iterator[Hit]]
    frameworks: tuple[Framework, ...] = GDPR_LIKE
    """The laws the rule enforces; empty for a rule about which law applies."""
    provision: str = DUTIES

    def governing(self, reg: Register) -> Governing | None:
        """The first law of the rule that applies and is in force; else the first that applies (a readiness
        finding); None when none of them is recorded as applying."""
        applying = [f for f in self.frameworks if reg.applies(f)]
        for f in applying:
            if reg.in_force_from(f, self.provision) is None:
                return Governing(f)
        if applying:
            return Governing(applying[0], reg.in_force_from(applying[0], self.provision))
        return None


RULES: list[Rule] = []


def rule(id_: str, severity: Severity, article: str, title: str,
         frameworks: tuple[Framework, ...] = GDPR_LIKE) -> Callable[..., object]:
    def register(fn: Callable[[Register, Governing], Iterator[Hit]]) -> object:
        RULES.append(Rule(id_, severity, article, title, fn, frameworks))
        return fn

    return register


def activity(a: m.ProcessingActivity) -> tuple[str, str, str]:
    return "ProcessingActivity", a.id, a.name


def organization(reg: Register) -> tuple[str, str, str]:
    org = reg.inv.organization
    return "Organization", org.id, org.legal_name


def transfer(t: m.Transfer) -> tuple[str, str, str]:
    return "Transfer", t.id, t.destination_note or t.destination or t.key


def recipient(r: m.Recipient) -> tuple[str, str, str]:
    return "Recipient", r.id, r.name


def controller_role(role: Role | None) -> Role | None:
    """A joint controller is a controller (GDPR Art 26): as exporter it uses the controller modules of the SCCs."""
    return Role.CONTROLLER if role == Role.JOINT_CONTROLLER else role
