"""Shared pieces of the GraphQL types: enums exposed from the domain, nodes, document sources."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Self

import strawberry
from strawberry import relay

from registry.domain import enums as e
from registry.domain import models as m
from registry.domain.enums import (  # noqa: F401 - exposed as GraphQL enums below
    Adequacy,
    Applicability,
    Art22Exception,
    CategoryOrigin,
    CcpaCategory,
    CommitmentKind,
    ConsentMechanism,
    DataSourceKind,
    DestinationKind,
    DocumentKind,
    DocumentLinkKind,
    DpaStatus,
    Framework,
    MechanismKind,
    RecipientKind,
    Role,
    Severity,
    SpecialCategory,
    SubprocessorAuthorisation,
    SystemKind,
)
from registry.graphql.context import Info
from registry.graphql.enums import expose

expose(e.Role, description="The role an organisation takes for processing (GDPR Art 4(7), 4(8), 26).")
expose(e.Framework, description="A data-protection law: GDPR, India's DPDP Act 2023, or CCPA.")
expose(e.Adequacy,
    description="EU adequacy status under GDPR Art 45: EEA (no Chapter V transfer), FULL, PARTIAL (only some "
    "recipients are covered: see the country's note), NONE.",
)
expose(e.MechanismKind, description="A Chapter V route: ADEQUACY (Art 45), SAFEGUARD (Art 46/47), DEROGATION (Art 49)."
)
expose(e.SpecialCategory, description="A special category of personal data, GDPR Art 9(1).")
expose(e.CcpaCategory, description="A CCPA/CPRA personal-information category letter, Cal. Civ. Code 1798.140(v)(1)."
)
expose(e.CategoryOrigin, description="Who defines a data category: fideslang, the registry (an extension of "
       "fideslang's taxonomy) or an organisation (its own).")
expose(e.RecipientKind, description="What kind of recipient of personal data this is.")
expose(e.DpaStatus,
    description="Whether a data-processing agreement is on record: SIGNED, STATED (the policy says a contract "
    "binds the recipient) or NOT_STATED.",
)
expose(e.SubprocessorAuthorisation,
    description="The controller's written authorisation to engage subprocessors, GDPR Art 28(2): GENERAL or SPECIFIC.",
)
expose(e.CommitmentKind, description="The kind of time-bound promise a policy makes.")
expose(e.DocumentKind, description="The kind of published document.")
expose(e.SystemKind, description="What kind of application or data store a system is.")
expose(e.DataSourceKind, description="Where personal data comes from: the person, a named third party, or public "
       "sources (Art 13, 14).")
expose(e.Art22Exception, description="The Art 22(2) ground that allows solely automated decisions with legal or "
       "similarly significant effect.")
expose(e.DocumentLinkKind, description="A document that shows accountability for an activity (Art 5(2)).")
expose(e.Severity, description="How serious a finding is: HIGH, MEDIUM, LOW, INFO.")
expose(e.Applicability, description="Whether a law applies to an organisation: APPLIES, DOES_NOT_APPLY, "
                "UNDETERMINED (its rules are not run; a finding asks the question).")
expose(e.DestinationKind, description="COUNTRY or INTERNATIONAL_ORGANISATION (GDPR Art 44).")
expose(e.ConsentMechanism, description="How consent is obtained: OPT_IN (an affirmative act), OPT_OUT or "
                "POLICY_ACCEPTANCE (neither is valid consent: GDPR Art 4(11), CJEU Planet49).")
expose(e.GeographicExtent, description="How widely an activity reaches: LOCAL, REGIONAL, NATIONAL, "
                "INTERNATIONAL.")


@strawberry.type(description="Where in a published document a fact was stated.")
class DocumentSource:
    document: str = strawberry.field(description="Key of the organisation's source document (see `documents`).")
    section: str | None = strawberry.field(description="The document's own section number or heading.")
    quote: str | None = strawberry.field(description="A short verbatim excerpt of the statement.")
    inference: str | None = strawberry.field(
        description="Set when the fact is inferred, not stated: why. Null for a fact the document states.")

    @classmethod
    def from_domain(cls, s: m.Source | None) -> DocumentSource | None:
        return cls(document=s.document, section=s.section, quote=s.quote, inference=s.inference) if s else None


class RecordNode(relay.Node):
    """A node stored in one collection; `from_domain` builds it from a domain record."""

    collection: ClassVar[str]

    @classmethod
    def from_domain(cls, obj: Any) -> Self:
        raise NotImplementedError

    @classmethod
    async def read_ahead(cls, info: Info, objs: Sequence[Any]) -> None:
        """Read, before these records are resolved, the related records the query selects (nothing by default;
        see registry/graphql/prefetch.py)."""

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        objs = await info.context.loaders.by_id[cls.collection].load_many(list(node_ids))
        await cls.read_ahead(info, [o for o in objs if o is not None])
        return [cls.from_domain(o) if o is not None else None for o in objs]


def wrap(cls: Any, objs: Iterable[Any]) -> list[Any]:
    return [cls.from_domain(o) for o in objs]
