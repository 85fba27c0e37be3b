"""Processing activities (the Art 30 record) and the lawful-basis map."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Self

import strawberry
from strawberry import relay

from registry.domain import models as m
from registry.graphql.audit.history import Versioned
from registry.graphql.base import DocumentSource, RecordNode, Role, SubprocessorAuthorisation, wrap
from registry.graphql.context import Info
from registry.graphql.facts import RecordedFact, recorded_facts
from registry.graphql.inventory import accountability as acc
from registry.graphql.inventory.records import (
    DataSubjectCategory,
    Purpose,
    Recipient,
    RetentionRule,
    SecurityMeasure,
    Transfer,
)
from registry.graphql.inventory.systems import System
from registry.graphql.prefetch import every, first, now_or_later, prefetch_activities, reads_context_only
from registry.graphql.reference.types import DataCategory, LegalBasis
from registry.services.rights import rights_that_apply

if TYPE_CHECKING:
    from registry.graphql.inventory.organization import Organization


@strawberry.type(description="A lawful basis as the organisation's document states it for a purpose.")
class LawfulBasisStatement:
    stated_as: str | None = strawberry.field(description="The basis in the document's own words.")
    source: DocumentSource | None = strawberry.field(description="Where the document states it.")
    basis_id: strawberry.Private[str]

    @strawberry.field(description="The lawful basis the statement maps to.")
    @reads_context_only
    def legal_basis(self, info: Info) -> LegalBasis | None:
        return now_or_later(info, "legal_bases", [self.basis_id], first(LegalBasis))


def _statements(items: list[m.BasisAssignment]) -> list[LawfulBasisStatement]:
    return [
        LawfulBasisStatement(stated_as=a.stated_as, source=DocumentSource.from_domain(a.source), basis_id=a.basis)
        for a in items
    ]


@strawberry.type(description="A purpose of a processing activity, with the lawful bases that cover it.")
class ActivityPurpose:
    purpose_id: strawberry.Private[str]
    assignment: strawberry.Private[m.PurposeAssignment]

    @strawberry.field(description="The purpose.")
    @reads_context_only
    def purpose(self, info: Info) -> Purpose:
        return now_or_later(info, "purposes", [self.purpose_id], first(Purpose))

    @strawberry.field(description="Key of the purpose.")
    def key(self) -> str:
        return self.assignment.purpose

    @strawberry.field(description="Name of the purpose.")
    @reads_context_only
    def name(self, info: Info) -> str:
        return now_or_later(info, "purposes", [self.purpose_id],
                            lambda found: str(found[0].name) if found else self.assignment.purpose)

    @strawberry.field(description="The lawful bases relied on for this purpose; empty where the sources state none.")
    @reads_context_only
    def lawful_bases(self, info: Info) -> list[LegalBasis]:
        ids = [a.basis for a in self.assignment.lawful_bases]
        return now_or_later(info, "legal_bases", ids, every(LegalBasis))

    @strawberry.field(description="GDPR Art 9(2) conditions relied on for special-category data in this purpose.")
    @reads_context_only
    def special_category_conditions(self, info: Info) -> list[LegalBasis]:
        ids = [a.basis for a in self.assignment.special_category_conditions]
        return now_or_later(info, "legal_bases", ids, every(LegalBasis))

    @strawberry.field(description="Each lawful basis with the words and section of the document that state it.")
    def lawful_basis_statements(self) -> list[LawfulBasisStatement]:
        return _statements(self.assignment.lawful_bases + self.assignment.special_category_conditions)


@strawberry.type(description="Which categories of personal data one recipient of an activity receives.")
class RecipientShare:
    organization: strawberry.Private[str]
    share: strawberry.Private[m.RecipientShare]

    @strawberry.field(description="The recipient.")
    @reads_context_only
    def recipient(self, info: Info) -> Recipient | None:
        return now_or_later(info, "recipients", [m.scoped_id(self.organization, self.share.recipient)],
                            first(Recipient))

    @strawberry.field(description="The data categories it receives.")
    @reads_context_only
    def data_categories(self, info: Info) -> list[DataCategory]:
        return now_or_later(info, "data_categories", self.share.data_categories, every(DataCategory))


@strawberry.type(description="A processing activity: one entry of the record of processing activities (GDPR Art 30).")
class ProcessingActivity(RecordNode, Versioned):
    collection = "processing_activities"
    id: relay.NodeID[str]
    key: str = strawberry.field(description="Key unique within the organisation.")
    name: str = strawberry.field(description="Name of the activity.")
    description: str | None = strawberry.field(description="What the processing is, from the documents.")
    role: Role = strawberry.field(description="The organisation's role for this activity.")
    controller: str | None = strawberry.field(
        description="For a processor activity: the controller it acts for (Art 30(2)(a)), as stated."
    )
    subprocessor_authorisation: SubprocessorAuthorisation | None = strawberry.field(
        description="For a processor activity: the controller's authorisation for subprocessors (Art 28(2))."
    )
    source: DocumentSource | None = strawberry.field(description="Where the documents describe the activity.")
    department: str | None = strawberry.field(description="The department (business function) responsible.")
    data_stewards: list[acc.DataSteward] = strawberry.field(description="The designated data stewards.")
    data_sources: list[acc.DataSourceInfo] = strawberry.field(
        description="Where the personal data comes from: the person, a named third party, public sources.")
    automated_decisions: acc.StatedFact | None = strawberry.field(
        description="Whether decisions are made solely by automated means with legal or similarly significant "
        "effect (Art 22), and what they are; null where not assessed.")
    evaluation_or_scoring: acc.StatedFact | None = strawberry.field(
        description="Whether people are evaluated or scored, profiling included, and how; null where not assessed.")
    automated_decision_basis: acc.AutomatedDecisionBasis | None = strawberry.field(
        description="For automated decisions: the Art 22(2) ground and the safeguards; null where not recorded.")
    schedule1_condition: str | None = strawberry.field(
        description="UK only: the Data Protection Act 2018 Schedule 1 condition for Art 9 or Art 10 data.")
    has_joint_controllers: bool | None = strawberry.field(
        description="Whether another controller decides with the organisation (Art 26); null where not assessed.")
    joint_controllers: list[acc.JointController] = strawberry.field(
        description="The joint controllers, each with the essence of the arrangement (Art 26).")
    document_links: list[acc.DocumentLink] = strawberry.field(
        description="Where the documents that show accountability are kept.")
    retention_followed: acc.StatedFact | None = strawberry.field(
        description="Whether the processing keeps to the retention policy (the detail says why not); null where "
        "not assessed.")
    last_review: acc.Review | None = strawberry.field(description="When the entry was last reviewed, and by whom.")
    review_interval: str = strawberry.field(description="How often the entry is reviewed (ISO 8601, default P12M).")
    domain: strawberry.Private[m.ProcessingActivity]

    @classmethod
    def from_domain(cls, a: m.ProcessingActivity) -> Self:
        return cls(
            id=a.id,
            version=a.version,
            archived=a.archived,
            key=a.key,
            name=a.name,
            description=a.description,
            role=a.role,
            controller=a.controller,
            subprocessor_authorisation=a.subprocessor_authorisation,
            source=DocumentSource.from_domain(a.source),
            department=a.department,
            data_stewards=acc.stewards(a),
            data_sources=acc.sources(a),
            automated_decisions=acc.StatedFact.from_domain(a.automated_decisions),
            evaluation_or_scoring=acc.StatedFact.from_domain(a.evaluation_or_scoring),
            automated_decision_basis=acc.decision_basis(a),
            schedule1_condition=a.schedule1_condition,
            has_joint_controllers=a.has_joint_controllers,
            joint_controllers=acc.joint(a),
            document_links=acc.links(a),
            retention_followed=acc.StatedFact.from_domain(a.retention_followed),
            last_review=acc.review(a),
            review_interval=a.review_interval,
            domain=a,
        )

    @classmethod
    async def read_ahead(cls, info: Info, objs: Sequence[m.ProcessingActivity]) -> None:
        await prefetch_activities(info, objs)

    @strawberry.field(description="Facts recorded for DPIA screening (scale, monitoring, ...) and accountability "
                      "(controllers, contract), with their sources.")
    def recorded_facts(self) -> list[RecordedFact]:
        return recorded_facts(self.domain)

    def _ids(self, keys: list[str]) -> list[str]:
        return [m.scoped_id(self.domain.organization, k) for k in keys]

    @strawberry.field(description="The organisation whose register holds this activity.")
    def organization(
        self, info: Info
    ) -> Annotated[Organization, strawberry.lazy("registry.graphql.inventory.organization")]:
        from registry.graphql.inventory.organization import Organization

        return now_or_later(info, "organizations", [self.domain.organization], first(Organization))

    @strawberry.field(description="The purposes of the activity, each with its lawful bases.")
    def purposes(self) -> list[ActivityPurpose]:
        return [
            ActivityPurpose(purpose_id=m.scoped_id(self.domain.organization, p.purpose), assignment=p)
            for p in self.domain.purposes
        ]

    @strawberry.field(description="Every lawful basis relied on by any purpose of the activity, without repeats.")
    @reads_context_only
    def lawful_bases(self, info: Info) -> list[LegalBasis]:
        ids = list(dict.fromkeys(b.basis for p in self.domain.purposes for b in p.lawful_bases))
        return now_or_later(info, "legal_bases", ids, every(LegalBasis))

    @strawberry.field(description="The categories of personal data processed (Art 30(1)(c)).")
    @reads_context_only
    def data_categories(self, info: Info) -> list[DataCategory]:
        return now_or_later(info, "data_categories", self.domain.data_categories, every(DataCategory))

    @strawberry.field(description="The categories of data subjects (Art 30(1)(c)).")
    @reads_context_only
    def data_subjects(self, info: Info) -> list[DataSubjectCategory]:
        ids = self._ids(self.domain.data_subjects)
        return now_or_later(info, "data_subjects", ids, every(DataSubjectCategory))

    @strawberry.field(description="Every recipient of the data (Art 30(1)(d)).")
    @reads_context_only
    def recipients(self, info: Info) -> list[Recipient]:
        return now_or_later(info, "recipients", self._ids(self.domain.recipients), every(Recipient))

    @strawberry.field(
        description="Recipients that process the data on the organisation's behalf (subprocessors "
        "and service providers)."
    )
    @reads_context_only
    def subprocessors(self, info: Info) -> list[Recipient]:
        return now_or_later(info, "recipients", self._ids(self.domain.recipients),
                            lambda found: wrap(Recipient, [r for r in found if r.is_processor]))

    @strawberry.field(description="International transfers made for the activity (Art 30(1)(e)).")
    @reads_context_only
    def transfers(self, info: Info) -> list[Transfer]:
        return now_or_later(info, "transfers", self._ids(self.domain.transfers), every(Transfer))

    @strawberry.field(description="Retention rules: time limits for erasure (Art 30(1)(f)).")
    @reads_context_only
    def retention_rules(self, info: Info) -> list[RetentionRule]:
        return now_or_later(info, "retention_rules", self._ids(self.domain.retention_rules), every(RetentionRule))

    @strawberry.field(description="Technical and organisational security measures (Art 30(1)(g), Art 32(1)).")
    def security_measures(self, info: Info) -> list[SecurityMeasure]:
        ids = self._ids(self.domain.security_measures)
        return now_or_later(info, "security_measures", ids, every(SecurityMeasure))

    @strawberry.field(description="The systems (applications, data stores) the activity uses: where its data lives.")
    @reads_context_only
    def systems(self, info: Info) -> list[System]:
        return now_or_later(info, "systems", self._ids(self.domain.systems), every(System))

    @strawberry.field(description="For each recipient: the categories of personal data it receives.")
    def recipient_categories(self) -> list[RecipientShare]:
        return [RecipientShare(organization=self.domain.organization, share=s)
                for s in self.domain.recipient_categories]

    @strawberry.field(description="The rights of the people concerned that apply, derived from the lawful bases "
                      "and automated decision-making (Arts 7(3), 15-22, 77); empty when no GDPR Art 6 basis is "
                      "recorded.")
    def rights_that_apply(self) -> list[acc.ApplicableRightInfo]:
        return [acc.ApplicableRightInfo.from_domain(r) for r in rights_that_apply(self.domain)]


@strawberry.type(
    description="One row of the lawful-basis map: a data category processed for a purpose of an "
    "activity, with the lawful bases that cover it."
)
class LawfulBasisMapRow:
    activity: ProcessingActivity = strawberry.field(description="The processing activity.")
    purpose: ActivityPurpose | None = strawberry.field(
        description="The purpose; null when the activity records no purpose at all."
    )
    data_category: DataCategory | None = strawberry.field(
        description="The data category; null when the activity records no data category."
    )
    lawful_bases: list[LegalBasis] = strawberry.field(
        description="The lawful bases that cover this data for this purpose; empty where the sources state none."
    )
