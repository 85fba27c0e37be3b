"""Systems: the applications and data stores that hold an organisation's personal data."""

from __future__ import annotations

from typing import Self

import strawberry
from strawberry import relay

from registry.domain import models as m
from registry.graphql.audit.history import Versioned
from registry.graphql.base import DocumentSource, RecordNode, SystemKind
from registry.graphql.context import Info
from registry.graphql.inventory.records import Recipient, SecurityMeasure
from registry.graphql.prefetch import every, first, now_or_later, reads_context_only
from registry.graphql.reference.types import Country, DataCategory


@strawberry.type(description="Who answers for a system: the department, a person or role, and how to reach them.")
class SystemOwner:
    department: str | None = strawberry.field(description="The department (business function) that owns it.")
    person: str | None = strawberry.field(description="A person's name or a role, e.g. Head of IT.")
    contact: str | None = strawberry.field(description="How to reach them.")

    @classmethod
    def from_domain(cls, o: m.Owner | None) -> SystemOwner | None:
        return cls(department=o.department, person=o.person, contact=o.contact) if o else None


@strawberry.type(description="An application or data store that holds personal data: what it is, who hosts it, "
                 "where the data lives, what it holds, who owns it and how it is protected.")
class System(RecordNode, Versioned):
    collection = "systems"
    id: relay.NodeID[str]
    key: str = strawberry.field(description="Key unique within the organisation.")
    name: str = strawberry.field(description="Name as the organisation knows it, e.g. Customer database.")
    description: str | None = strawberry.field(description="What it is and what it is used for.")
    kind: SystemKind = strawberry.field(description="Database, SaaS application, file store, ...")
    owner: SystemOwner | None = strawberry.field(description="Who answers for it; null where not recorded.")
    location_codes: list[str] = strawberry.field(description="Codes of the countries (or international "
                                                 "organisations) where its data is stored or processed.")
    source: DocumentSource | None = strawberry.field(description="Where the documents describe it.")
    domain: strawberry.Private[m.System]

    @classmethod
    def from_domain(cls, s: m.System) -> Self:
        return cls(id=s.id, version=s.version, archived=s.archived, key=s.key, name=s.name,
                   description=s.description, kind=s.kind, owner=SystemOwner.from_domain(s.owner),
                   location_codes=list(s.locations), source=DocumentSource.from_domain(s.source), domain=s)

    def _ids(self, keys: list[str]) -> list[str]:
        return [m.scoped_id(self.domain.organization, k) for k in keys]

    @strawberry.field(description="The recipient (subprocessor) that hosts it; null when the organisation hosts it "
                      "itself or it is not recorded.")
    def hosted_by(self, info: Info) -> Recipient | None:
        ids = self._ids([self.domain.hosted_by]) if self.domain.hosted_by else []
        return now_or_later(info, "recipients", ids, first(Recipient))

    @strawberry.field(description="Where its data is stored or processed; empty where not recorded.")
    @reads_context_only
    def locations(self, info: Info) -> list[Country]:
        return now_or_later(info, "countries", self.domain.locations, every(Country))

    @strawberry.field(description="The categories of personal data it holds.")
    @reads_context_only
    def data_categories(self, info: Info) -> list[DataCategory]:
        return now_or_later(info, "data_categories", self.domain.data_categories, every(DataCategory))

    @strawberry.field(description="The technical and organisational measures that protect it (Art 32(1)).")
    def security_measures(self, info: Info) -> list[SecurityMeasure]:
        ids = self._ids(self.domain.security_measures)
        return now_or_later(info, "security_measures", ids, every(SecurityMeasure))
