"""An organisation's inventory records: purposes, data subjects, recipients, transfers, retention, measures."""

from __future__ import annotations

from typing import Self

import strawberry
from strawberry import relay

from registry.domain import models as m
from registry.graphql.audit.history import Versioned
from registry.graphql.base import DocumentSource, DpaStatus, RecipientKind, RecordNode, Role
from registry.graphql.context import Info
from registry.graphql.facts import RecordedFact, recorded_facts
from registry.graphql.prefetch import every, first, now_or_later, reads_context_only
from registry.graphql.reference.types import Country, DataCategory, TransferMechanism


@strawberry.type(description="A purpose of processing, as the organisation states it.")
class Purpose(RecordNode, Versioned):
    collection = "purposes"
    id: relay.NodeID[str]
    key: str = strawberry.field(description="Key unique within the organisation.")
    name: str = strawberry.field(description="The purpose in a few words.")
    description: str | None = strawberry.field(description="The purpose as the document describes it.")
    source: DocumentSource | None = strawberry.field(description="Where the document states it.")

    @classmethod
    def from_domain(cls, p: m.Purpose) -> Self:
        return cls(
            id=p.id,
            version=p.version,
            archived=p.archived,
            key=p.key,
            name=p.name,
            description=p.description,
            source=DocumentSource.from_domain(p.source),
        )


@strawberry.type(description="A category of people whose personal data is processed (GDPR Art 30(1)(c)).")
class DataSubjectCategory(RecordNode, Versioned):
    collection = "data_subjects"
    id: relay.NodeID[str]
    key: str = strawberry.field(description="Key unique within the organisation.")
    name: str = strawberry.field(description="Who they are, e.g. Customers.")
    description: str | None = strawberry.field(description="Who is included, as the document says.")
    source: DocumentSource | None = strawberry.field(description="Where the document names them.")
    recorded_facts: list[RecordedFact] = strawberry.field(
        description="Facts recorded for screening and accountability, with their sources.")

    @classmethod
    def from_domain(cls, d: m.DataSubjectCategory) -> Self:
        return cls(
            id=d.id,
            version=d.version,
            archived=d.archived,
            key=d.key,
            name=d.name,
            description=d.description,
            source=DocumentSource.from_domain(d.source),
            recorded_facts=recorded_facts(d),
        )


@strawberry.type(
    description="A subprocessor, service provider or other recipient of personal data. Where a "
    "policy names no company, the name is the category of provider (e.g. Payment processors)."
)
class Recipient(RecordNode, Versioned):
    collection = "recipients"
    id: relay.NodeID[str]
    key: str = strawberry.field(description="Key unique within the organisation.")
    name: str = strawberry.field(description="Company name, or the category of provider.")
    named: bool = strawberry.field(description="True when the document names the company; false for a category.")
    kind: RecipientKind = strawberry.field(description="Subprocessor, service provider, authority, ...")
    role: Role | None = strawberry.field(description="The recipient's role; null when the document does not say.")
    services: list[str] = strawberry.field(description="What it does with the data.")
    country_codes: list[str] = strawberry.field(description="ISO codes of its countries of processing, as stated.")
    dpa_status: DpaStatus = strawberry.field(description="Whether a data-processing agreement is on record.")
    dpa_note: str | None = strawberry.field(description="What the document says about the contract.")
    source: DocumentSource | None = strawberry.field(description="Where the document names it.")

    @classmethod
    def from_domain(cls, r: m.Recipient) -> Self:
        return cls(
            id=r.id,
            version=r.version,
            archived=r.archived,
            key=r.key,
            name=r.name,
            named=r.named,
            kind=r.kind,
            role=r.role,
            services=list(r.services),
            country_codes=list(r.countries),
            dpa_status=r.dpa,
            dpa_note=r.dpa_note,
            source=DocumentSource.from_domain(r.source),
        )

    @strawberry.field(description="Countries where it processes the data; empty when the document does not say.")
    @reads_context_only
    def countries(self, info: Info) -> list[Country]:
        return now_or_later(info, "countries", self.country_codes, every(Country))


def _one(id_: str | None) -> list[str]:
    return [id_] if id_ else []


@strawberry.type(description="A transfer of personal data to another country, with its transfer mechanism.")
class Transfer(RecordNode, Versioned):
    collection = "transfers"
    id: relay.NodeID[str]
    key: str = strawberry.field(description="Key unique within the organisation.")
    destination_note: str | None = strawberry.field(
        description="The destination in the document's words, e.g. 'jurisdictions outside India'."
    )
    stated_as: str | None = strawberry.field(description="The mechanism in the document's words.")
    source: DocumentSource | None = strawberry.field(description="Where the document states the transfer.")
    recorded_facts: list[RecordedFact] = strawberry.field(
        description="Facts recorded for screening and accountability, with their sources.")
    origin_code: strawberry.Private[str | None]
    destination_code: strawberry.Private[str | None]
    recipient_id: strawberry.Private[str | None]
    mechanism_code: strawberry.Private[str | None]

    @classmethod
    def from_domain(cls, t: m.Transfer) -> Self:
        return cls(
            id=t.id,
            version=t.version,
            archived=t.archived,
            key=t.key,
            destination_note=t.destination_note,
            stated_as=t.stated_as,
            source=DocumentSource.from_domain(t.source),
            recorded_facts=recorded_facts(t),
            origin_code=t.origin,
            destination_code=t.destination,
            recipient_id=m.scoped_id(t.organization, t.recipient) if t.recipient else None,
            mechanism_code=t.mechanism,
        )

    @strawberry.field(description="Country the data leaves; null where the document does not say.")
    @reads_context_only
    def origin(self, info: Info) -> Country | None:
        return now_or_later(info, "countries", _one(self.origin_code), first(Country))

    @strawberry.field(description="Country the data goes to; null where the document does not name it.")
    @reads_context_only
    def destination(self, info: Info) -> Country | None:
        return now_or_later(info, "countries", _one(self.destination_code), first(Country))

    @strawberry.field(description="Who receives the data; null where the document does not say.")
    @reads_context_only
    def recipient(self, info: Info) -> Recipient | None:
        return now_or_later(info, "recipients", _one(self.recipient_id), first(Recipient))

    @strawberry.field(description="The transfer mechanism relied on; null where the document states none.")
    @reads_context_only
    def mechanism(self, info: Info) -> TransferMechanism | None:
        return now_or_later(info, "transfer_mechanisms", _one(self.mechanism_code), first(TransferMechanism))


@strawberry.type(description="How long some data is kept: an ISO 8601 period running from a trigger event.")
class RetentionRule(RecordNode, Versioned):
    collection = "retention_rules"
    id: relay.NodeID[str]
    key: str = strawberry.field(description="Key unique within the organisation.")
    covers: str = strawberry.field(description="What the rule covers, in the document's words.")
    period: str | None = strawberry.field(
        description="ISO 8601 duration, e.g. `P90D`, `P2Y`; null where the document gives no number."
    )
    trigger: str | None = strawberry.field(description="The event the period runs from, e.g. account closure.")
    reason: str | None = strawberry.field(description="Why the data is kept that long, as stated.")
    stated_as: str | None = strawberry.field(description="The rule in the document's words.")
    source: DocumentSource | None = strawberry.field(description="Where the document states it.")
    category_ids: strawberry.Private[list[str]]

    @classmethod
    def from_domain(cls, r: m.RetentionRule) -> Self:
        return cls(
            id=r.id,
            version=r.version,
            archived=r.archived,
            key=r.key,
            covers=r.covers,
            period=r.period,
            trigger=r.trigger,
            reason=r.reason,
            stated_as=r.stated_as,
            source=DocumentSource.from_domain(r.source),
            category_ids=list(r.data_categories),
        )

    @strawberry.field(description="The data categories the rule applies to.")
    @reads_context_only
    def data_categories(self, info: Info) -> list[DataCategory]:
        return now_or_later(info, "data_categories", self.category_ids, every(DataCategory))


@strawberry.type(description="A technical or organisational security measure (GDPR Art 32(1)).")
class SecurityMeasure(RecordNode, Versioned):
    collection = "security_measures"
    id: relay.NodeID[str]
    key: str = strawberry.field(description="Key unique within the organisation.")
    description: str = strawberry.field(description="The measure as the document describes it.")
    source: DocumentSource | None = strawberry.field(description="Where the document states it.")

    @classmethod
    def from_domain(cls, s: m.SecurityMeasure) -> Self:
        return cls(
            id=s.id,
            version=s.version,
            archived=s.archived,
            key=s.key,
            description=s.description,
            source=DocumentSource.from_domain(s.source),
        )
