"""The organisation whose register it is, and its inventory."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Self

import strawberry
from strawberry import relay

from registry.domain import models as m
from registry.graphql import pages as search
from registry.graphql.audit.history import Versioned
from registry.graphql.base import (
    Applicability,
    CommitmentKind,
    DocumentKind,
    DocumentSource,
    Framework,
    RecordNode,
    Role,
    wrap,
)
from registry.graphql.context import Info
from registry.graphql.facts import RecordedFact, recorded_facts
from registry.graphql.inventory.activity import ProcessingActivity
from registry.graphql.inventory.records import (
    DataSubjectCategory,
    Purpose,
    Recipient,
    RetentionRule,
    SecurityMeasure,
    Transfer,
)
from registry.graphql.inventory.systems import System
from registry.graphql.paging import DEFAULT_PAGE
from registry.graphql.prefetch import prefetch_activities
from registry.graphql.reference.types import Country, DataCategory


@strawberry.type(description="A way to reach the organisation for a stated purpose.")
class Contact:
    purpose: str = strawberry.field(description="What the contact is for, e.g. privacy, GDPR requests.")
    email: str | None = strawberry.field(description="Email address, as published.")
    phone: str | None = strawberry.field(description="Telephone number, as published.")
    url: str | None = strawberry.field(description="Web address, as published.")
    source: DocumentSource | None = strawberry.field(description="Where the document gives it.")


@strawberry.type(description="A named person or office: a data protection officer or a representative.")
class Person:
    name: str | None = strawberry.field(description="Name.")
    email: str | None = strawberry.field(description="Email address.")
    address: str | None = strawberry.field(description="Postal address.")
    source: DocumentSource | None = strawberry.field(description="Where the document names them.")


@strawberry.type(description="The minimum age the organisation states for its users.")
class AgeLimit:
    age: int = strawberry.field(description="Minimum age in years.")
    source: DocumentSource | None = strawberry.field(description="Where the document states it.")


@strawberry.type(
    description="A time-bound promise the policy makes: rights response, breach notice, notice of changes, deletion."
)
class Commitment:
    kind: CommitmentKind = strawberry.field(description="What kind of promise.")
    description: str = strawberry.field(description="The promise in plain words.")
    period: str | None = strawberry.field(description="ISO 8601 duration; null where the document gives no number.")
    business_days: bool = strawberry.field(description="True when the period counts business days.")
    stated_as: str | None = strawberry.field(description="The promise in the document's words.")
    source: DocumentSource | None = strawberry.field(description="Where the document makes it.")


@strawberry.type(description="A published document an inventory was translated from.")
class SourceDocumentInfo:
    key: str = strawberry.field(description="Key used by `DocumentSource.document`.")
    title: str = strawberry.field(description="The document's title.")
    kind: DocumentKind = strawberry.field(description="Privacy policy, refund policy, ...")
    effective_date: dt.date | None = strawberry.field(description="Effective or last-updated date it states.")
    note: str | None = strawberry.field(description="Remarks on the document (e.g. where its text is incomplete).")


@strawberry.type(description="Whether a law applies to the organisation, on which ground, and where that is "
                 "established. A law without one is undetermined: its rules are not run.")
class LawApplicability:
    framework: Framework = strawberry.field(description="The law.")
    status: Applicability = strawberry.field(description="APPLIES, DOES_NOT_APPLY or UNDETERMINED.")
    ground: str | None = strawberry.field(description="The provision that makes it apply, e.g. GDPR Art 3(2)(a).")
    note: str | None = strawberry.field(description="Remarks, e.g. what is still to be determined.")
    source: DocumentSource | None = strawberry.field(description="Where it is established (or why inferred).")


def _src(s: m.Source | None) -> DocumentSource | None:
    return DocumentSource.from_domain(s)


def _person(p: m.Person | None) -> Person | None:
    return Person(name=p.name, email=p.email, address=p.address, source=_src(p.source)) if p else None


@strawberry.type(description="An organisation (controller or processor) and its register of processing.")
class Organization(RecordNode, Versioned):
    collection = "organizations"
    id: relay.NodeID[str]
    slug: str = strawberry.field(description="Short unique name used to look it up, e.g. `januscaler`.")
    legal_name: str = strawberry.field(description="Name as the documents give it.")
    description: str | None = strawberry.field(description="What the organisation does.")
    address: str | None = strawberry.field(description="Postal address, as published.")
    roles: list[Role] = strawberry.field(description="Roles the documents say it takes.")
    roles_source: DocumentSource | None = strawberry.field(
        description="Where the documents state the roles; marked as an inference where they do not.")
    frameworks: list[Framework] = strawberry.field(description="Laws the documents themselves invoke.")
    recorded_facts: list[RecordedFact] = strawberry.field(
        description="Facts recorded for screening and accountability, with their sources.")
    applicability: list[LawApplicability] = strawberry.field(
        description="Per law, the recorded decision whether it applies; laws not listed are undetermined.")
    contacts: list[Contact] = strawberry.field(description="Published contacts (Art 30(1)(a)).")
    dpo: Person | None = strawberry.field(description="Data protection officer; null where none is named.")
    representative: Person | None = strawberry.field(
        description="Representative in the EU (Art 27); null where none is named."
    )
    uk_representative: Person | None = strawberry.field(
        description="Representative in the UK (UK GDPR Art 27); null where none is named.")
    minimum_age: AgeLimit | None = strawberry.field(description="Minimum user age; null where none is stated.")
    commitments: list[Commitment] = strawberry.field(description="Time-bound promises its policies make.")
    subprocessor_notice_period: str | None = strawberry.field(
        description="Notice given before a new subprocessor takes effect (ISO 8601); null where none is stated."
    )
    documents: list[SourceDocumentInfo] = strawberry.field(description="The documents its inventory comes from.")
    country_code: str | None = strawberry.field(description="ISO code of its country of establishment, if stated.")

    @classmethod
    def from_domain(cls, o: m.Organization) -> Self:
        return cls(
            id=o.id,
            version=o.version,
            archived=o.archived,
            slug=o.slug,
            legal_name=o.legal_name,
            description=o.description,
            address=o.address,
            roles=list(o.roles),
            roles_source=_src(o.roles_source),
            recorded_facts=recorded_facts(o),
            frameworks=list(o.frameworks),
            applicability=[LawApplicability(framework=a.framework, status=a.status, ground=a.ground, note=a.note,
                                            source=_src(a.source)) for a in o.applicability],
            contacts=[
                Contact(purpose=c.purpose, email=c.email, phone=c.phone, url=c.url, source=_src(c.source))
                for c in o.contacts
            ],
            dpo=_person(o.dpo),
            representative=_person(o.representative),
            uk_representative=_person(o.uk_representative),
            minimum_age=AgeLimit(age=o.minimum_age.age, source=_src(o.minimum_age.source)) if o.minimum_age else None,
            commitments=[
                Commitment(
                    kind=c.kind,
                    description=c.description,
                    period=c.period,
                    business_days=c.business_days,
                    stated_as=c.stated_as,
                    source=_src(c.source),
                )
                for c in o.commitments
            ],
            subprocessor_notice_period=o.subprocessor_notice_period,
            documents=[
                SourceDocumentInfo(key=d.key, title=d.title, kind=d.kind, effective_date=d.effective_date, note=d.note)
                for d in o.documents
            ],
            country_code=o.country,
        )

    @strawberry.field(description="Country of establishment; null where the documents do not state it.")
    async def country(self, info: Info) -> Country | None:
        c = await info.context.loaders.one("countries", self.country_code)
        return Country.from_domain(c) if c else None

    @strawberry.field(description="Its processing activities: the record of processing (Art 30).")
    async def processing_activities(self, info: Info) -> list[ProcessingActivity]:
        activities = await info.context.loaders.of_organization("processing_activities", self.slug)
        await prefetch_activities(info, activities)
        return wrap(ProcessingActivity, activities)

    @strawberry.field(description="Its processing activities a page at a time, in the order of their IDs: `first` "
                      "(default 50, at most 200) after the cursor `after`. `processingActivities` gives them all.")
    async def processing_activities_paged(
        self, info: Info,
        first: Annotated[int, strawberry.argument(
            description="How many activities per page (default 50, at most 200).")] = DEFAULT_PAGE,
        after: Annotated[str | None, strawberry.argument(
            description="The `endCursor` of the page before; leave out for the first page.")] = None,
    ) -> search.ProcessingActivityConnection:
        return await search.activities_page(info, {"organization": self.slug}, first, after)

    @strawberry.field(description="Its subprocessors and service providers a page at a time, in the order of their "
                      "IDs: `first` (default 50, at most 200) after the cursor `after`. `subprocessors` gives them "
                      "all.")
    async def subprocessors_paged(
        self, info: Info,
        first: Annotated[int, strawberry.argument(
            description="How many subprocessors per page (default 50, at most 200).")] = DEFAULT_PAGE,
        after: Annotated[str | None, strawberry.argument(
            description="The `endCursor` of the page before; leave out for the first page.")] = None,
    ) -> search.SubprocessorConnection:
        return await search.subprocessors_page(info, {"organization": self.slug}, first, after)

    @strawberry.field(description="Its systems (applications and data stores holding personal data) a page at a "
                      "time, in the order of their IDs: `first` (default 50, at most 200) after the cursor `after`. "
                      "`systems` gives them all.")
    async def systems_paged(
        self, info: Info,
        first: Annotated[int, strawberry.argument(
            description="How many systems per page (default 50, at most 200).")] = DEFAULT_PAGE,
        after: Annotated[str | None, strawberry.argument(
            description="The `endCursor` of the page before; leave out for the first page.")] = None,
    ) -> search.SystemConnection:
        return await search.systems_page(info, {"organization": self.slug}, first, after)

    @strawberry.field(description="Its systems: the applications and data stores that hold personal data.")
    async def systems(self, info: Info) -> list[System]:
        return wrap(System, await info.context.loaders.of_organization("systems", self.slug))

    @strawberry.field(
        description="Recipients that process personal data on its behalf (subprocessors and service providers)."
    )
    async def subprocessors(self, info: Info) -> list[Recipient]:
        found = await info.context.loaders.of_organization("recipients", self.slug)
        return wrap(Recipient, [r for r in found if r.is_processor])

    @strawberry.field(description="Every recipient of personal data: subprocessors, authorities, acquirers, ...")
    async def recipients(self, info: Info) -> list[Recipient]:
        return wrap(Recipient, await info.context.loaders.of_organization("recipients", self.slug))

    @strawberry.field(description="Its international transfers.")
    async def transfers(self, info: Info) -> list[Transfer]:
        return wrap(Transfer, await info.context.loaders.of_organization("transfers", self.slug))

    @strawberry.field(description="Its retention rules.")
    async def retention_rules(self, info: Info) -> list[RetentionRule]:
        return wrap(RetentionRule, await info.context.loaders.of_organization("retention_rules", self.slug))

    @strawberry.field(description="Its purposes of processing.")
    async def purposes(self, info: Info) -> list[Purpose]:
        return wrap(Purpose, await info.context.loaders.of_organization("purposes", self.slug))

    @strawberry.field(description="Its categories of data subjects.")
    async def data_subjects(self, info: Info) -> list[DataSubjectCategory]:
        return wrap(DataSubjectCategory, await info.context.loaders.of_organization("data_subjects", self.slug))

    @strawberry.field(description="Data categories it defined under the shared taxonomy.")
    async def own_data_categories(self, info: Info) -> list[DataCategory]:
        return wrap(DataCategory, await info.context.loaders.of_organization("data_categories", self.slug))

    @strawberry.field(description="Its technical and organisational security measures.")
    async def security_measures(self, info: Info) -> list[SecurityMeasure]:
        return wrap(SecurityMeasure, await info.context.loaders.of_organization("security_measures", self.slug))
