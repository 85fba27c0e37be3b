"""An activity's accountability facts as the API shows them: who answers for it, where the data comes from,
automated decisions, joint controllers, document links, retention adherence, reviews and the rights that apply."""

from __future__ import annotations

import datetime as dt

import strawberry

from registry.domain import models as m
from registry.graphql.base import Art22Exception, DataSourceKind, DocumentLinkKind, DocumentSource
from registry.services.rights import ApplicableRight


@strawberry.type(description="A yes/no fact about the processing, what it is in plain words, and where it is "
                 "stated.")
class StatedFact:
    value: bool = strawberry.field(description="True or false.")
    detail: str | None = strawberry.field(description="What it is, or why, in plain words.")
    source: DocumentSource | None = strawberry.field(description="Where it is stated.")

    @classmethod
    def from_domain(cls, f: m.Fact | None) -> StatedFact | None:
        return cls(value=f.value, detail=f.detail, source=DocumentSource.from_domain(f.source)) if f else None


@strawberry.type(description="A designated data steward of an activity.")
class DataSteward:
    name: str | None = strawberry.field(description="Name or role.")
    email: str | None = strawberry.field(description="Email address.")
    address: str | None = strawberry.field(description="Postal address.")


@strawberry.type(description="Where an activity's personal data comes from (Art 13, 14(2)(f)).")
class DataSourceInfo:
    kind: DataSourceKind = strawberry.field(description="From the person, a named third party, or public sources.")
    name: str | None = strawberry.field(description="For a third party: who it is.")
    description: str | None = strawberry.field(description="What comes from there, in plain words.")
    source: DocumentSource | None = strawberry.field(description="Where it is stated.")


@strawberry.type(description="The footing of solely automated decisions with legal or similar effect (Art 22).")
class AutomatedDecisionBasis:
    exception: Art22Exception | None = strawberry.field(description="The Art 22(2) ground that allows them.")
    safeguards: list[str] = strawberry.field(description="Measures protecting the person (Art 22(3)).")
    source: DocumentSource | None = strawberry.field(description="Where it is stated.")


@strawberry.type(description="A controller that decides with the organisation why and how (Art 26).")
class JointController:
    name: str = strawberry.field(description="The other controller.")
    contact: str | None = strawberry.field(description="How to reach it.")
    responsibilities: str | None = strawberry.field(description="The essence of the arrangement: who does what.")
    source: DocumentSource | None = strawberry.field(description="Where it is stated.")


@strawberry.type(description="Where a document that shows accountability is kept.")
class DocumentLink:
    kind: DocumentLinkKind = strawberry.field(description="Which document: privacy notice, LIA, DPIA, ...")
    location: str = strawberry.field(description="An absolute http(s) URL or a `registry:` reference.")
    title: str | None = strawberry.field(description="Its title.")


@strawberry.type(description="When an activity's entry was last reviewed, and by whom.")
class Review:
    date: dt.date = strawberry.field(description="The day of the review.")
    by: str = strawberry.field(description="Who reviewed it: a name or a role.")


@strawberry.type(description="A right of the people whose data an activity processes, derived from its lawful bases "
                 "and automated decision-making (never typed by hand).")
class ApplicableRightInfo:
    key: str = strawberry.field(description="Stable key, e.g. `erasure`, `portability`, `withdraw-consent`.")
    article: str = strawberry.field(description="The GDPR article, e.g. `Art 17`.")
    title: str = strawberry.field(description="The right in a few words.")
    because: str = strawberry.field(description="The bases (or the decision-making) it follows from, with any "
                                    "condition.")

    @classmethod
    def from_domain(cls, r: ApplicableRight) -> ApplicableRightInfo:
        return cls(key=r.key, article=r.article, title=r.title, because=r.because)


def stewards(a: m.ProcessingActivity) -> list[DataSteward]:
    return [DataSteward(name=p.name, email=p.email, address=p.address) for p in a.data_stewards]


def sources(a: m.ProcessingActivity) -> list[DataSourceInfo]:
    return [DataSourceInfo(kind=s.kind, name=s.name, description=s.description,
                           source=DocumentSource.from_domain(s.source)) for s in a.data_sources]


def decision_basis(a: m.ProcessingActivity) -> AutomatedDecisionBasis | None:
    b = a.automated_decision_basis
    return AutomatedDecisionBasis(exception=b.exception, safeguards=list(b.safeguards),
                                  source=DocumentSource.from_domain(b.source)) if b else None


def joint(a: m.ProcessingActivity) -> list[JointController]:
    return [JointController(name=j.name, contact=j.contact, responsibilities=j.responsibilities,
                            source=DocumentSource.from_domain(j.source)) for j in a.joint_controllers]


def links(a: m.ProcessingActivity) -> list[DocumentLink]:
    return [DocumentLink(kind=d.kind, location=d.location, title=d.title) for d in a.document_links]


def review(a: m.ProcessingActivity) -> Review | None:
    return Review(date=a.last_review.date, by=a.last_review.by) if a.last_review else None
