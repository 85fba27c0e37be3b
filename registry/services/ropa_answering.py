"""What answering a regulator's template question rests on: the statuses, an answer, the register as the answers
read it, and the table of answerers by topic (filled by `ropa_facts` and `ropa_bases`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

from registry.domain import models as m
from registry.domain.enums import Adequacy, DocumentLinkKind
from registry.domain.inventory import Inventory, ReferenceData


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


def answered(text: str, *fields: str) -> Answer:
    return Answer(Status.ANSWERED, text, list(fields))


def partial(text: str, *fields: str) -> Answer:
    return Answer(Status.PARTIAL, text, list(fields))


def silent(*fields: str) -> Answer:
    return Answer(Status.NOT_RECORDED, None, list(fields))


def not_applicable(why: str, *fields: str) -> Answer:
    return Answer(Status.NOT_APPLICABLE, why, list(fields))


def some(a: A | None) -> A:
    assert a is not None, "an activity question answered without an activity"
    return a


def joined(items: list[str]) -> str:
    return "; ".join(items)


def document_link(reg: Register, a: A | None, kind: DocumentLinkKind, what: str) -> Answer:
    links = some(a).links(kind)
    if links:
        return answered(joined([f"{d.title}: {d.location}" if d.title else d.location for d in links]),
                         f"{ACT}.documentLinks[{kind.value}]")
    return silent(f"{ACT}.documentLinks[{kind.value}]")


def person_text(p: m.Person) -> str:
    return ", ".join(x for x in (p.name, p.email, p.address) if x)


def categories_of(reg: Register, a: A) -> list[m.DataCategory]:
    return [reg.categories[k] for k in a.data_categories if k in reg.categories]


def recipients_of(reg: Register, a: A) -> list[m.Recipient]:
    return [reg.recipients[k] for k in a.recipients if k in reg.recipients]


def transfers_of(reg: Register, a: A) -> list[m.Transfer]:
    return [reg.transfers[k] for k in a.transfers if k in reg.transfers]
