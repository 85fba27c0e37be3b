"""Reference data: lawful bases, transfer mechanisms, countries, the data-category taxonomy."""

from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry
from strawberry import relay

from registry.domain import models as m
from registry.graphql.audit.history import Versioned
from registry.graphql.base import (
    Adequacy,
    CategoryOrigin,
    CcpaCategory,
    DestinationKind,
    DocumentSource,
    Framework,
    MechanismKind,
    RecordNode,
    Role,
    SpecialCategory,
)
from registry.graphql.context import Info


@strawberry.type(description="A lawful basis for processing, or a GDPR Art 9(2) condition, of one framework.")
class LegalBasis(RecordNode):
    collection = "legal_bases"
    id: relay.NodeID[str]
    framework: Framework = strawberry.field(description="The law this basis belongs to.")
    code: str = strawberry.field(description="Short code, unique within the framework (e.g. `legitimate-interests`).")
    article: str = strawberry.field(description="Citation as the law writes it, e.g. `Art 6(1)(f)`, `s.7(a)`.")
    title: str = strawberry.field(description="The basis in a few words.")
    description: str | None = strawberry.field(description="What the law requires for this basis.")
    is_special_category_condition: bool = strawberry.field(
        description="True for a GDPR Art 9(2) condition for special-category data."
    )

    @classmethod
    def from_domain(cls, b: m.LegalBasis) -> Self:
        return cls(id=b.id, framework=b.framework, code=b.code, article=b.article, title=b.title,
                   description=b.description, is_special_category_condition=b.code.startswith("art9-"))


@strawberry.type(description="A legal route for an international transfer (GDPR Chapter V, and UK equivalents).")
class TransferMechanism(RecordNode):
    collection = "transfer_mechanisms"
    id: relay.NodeID[str]
    code: str = strawberry.field(description="Stable code, e.g. `scc-2021-module-2`, `derogation-explicit-consent`.")
    kind: MechanismKind = strawberry.field(description="Adequacy, safeguard or derogation.")
    article: str = strawberry.field(description="Citation, e.g. `Art 46(2)(c)` for SCCs, `Art 49(1)(a)`.")
    title: str = strawberry.field(description="The mechanism in a few words.")
    description: str | None = strawberry.field(description="What it is and its limits.")
    scc_module: int | None = strawberry.field(description="The 2021 SCC module (1-4), where it is one.")
    parties: list[Role] = strawberry.field(description="Exporter and importer roles an SCC module is written for.")
    valid_until: dt.date | None = strawberry.field(description="Last day it provided safeguards, if it expired.")

    @classmethod
    def from_domain(cls, t: m.TransferMechanism) -> Self:
        return cls(id=t.id, code=t.code, kind=t.kind, article=t.article, title=t.title, description=t.description,
                   scc_module=t.scc_module, parties=list(t.parties), valid_until=t.valid_until)


@strawberry.type(description="A transfer destination (a country or an international organisation), with its EU "
                 "adequacy decision and the dates it applies.")
class Country(RecordNode):
    collection = "countries"
    id: relay.NodeID[str]
    code: str = strawberry.field(description="ISO 3166-1 alpha-2 code.")
    name: str = strawberry.field(description="English short name.")
    adequacy: Adequacy = strawberry.field(description="EU adequacy status (GDPR Art 45).")
    adequacy_note: str | None = strawberry.field(description="Limits of a partial adequacy decision, and updates.")
    adequacy_decision: str | None = strawberry.field(description="The Commission decision granting adequacy.")
    kind: DestinationKind = strawberry.field(description="COUNTRY or INTERNATIONAL_ORGANISATION.")
    adequacy_from: dt.date | None = strawberry.field(description="The date the adequacy decision applies from.")
    adequacy_until: dt.date | None = strawberry.field(description="The date it expires, where it does.")
    certification_list: str | None = strawberry.field(
        description="Where the decision covers only listed organisations (the DPF List): that list.")

    @classmethod
    def from_domain(cls, c: m.Country) -> Self:
        return cls(id=c.id, code=c.code, name=c.name, adequacy=c.adequacy, adequacy_note=c.note,
                   adequacy_decision=c.decision, kind=c.kind, adequacy_from=c.adequacy_from,
                   adequacy_until=c.adequacy_until, certification_list=c.certification_list)


@strawberry.type(description="A data category of the hierarchical taxonomy (dotted keys: the parent is the key "
                 "minus its last segment). Shared categories belong to no organisation.")
class DataCategory(RecordNode, Versioned):
    collection = "data_categories"
    id: relay.NodeID[str]
    key: str = strawberry.field(description="Dotted key, e.g. `user.contact.email`.")
    name: str = strawberry.field(description="Name in plain words.")
    description: str | None = strawberry.field(description="What the category covers.")
    parent_key: str | None = strawberry.field(description="Key of the parent category; null at the root.")
    organization_slug: str | None = strawberry.field(
        description="The organisation that defined this category; null for the shared taxonomy."
    )
    special_category: SpecialCategory | None = strawberry.field(
        description="The GDPR Art 9(1) special category it falls in; null when none."
    )
    criminal_offence_data: bool = strawberry.field(
        description="True for GDPR Art 10 data on criminal convictions and offences."
    )
    ccpa_category: CcpaCategory | None = strawberry.field(description="CCPA/CPRA category letter, where it has one.")
    flags_inference: str | None = strawberry.field(
        description="Why a flag is inferred rather than given by the category's definition (e.g. fideslang's "
        "biometric data, which GDPR Art 9(1) covers only when processed to identify a person uniquely); null where "
        "none is.")
    origin: CategoryOrigin = strawberry.field(
        description="Who defines it: fideslang (its own taxonomy, which is the shared one), the registry (an "
        "extension where fideslang has no category) or an organisation (its own).")
    source: DocumentSource | None = strawberry.field(description="Where the organisation's document names it.")

    @classmethod
    def from_domain(cls, c: m.DataCategory) -> Self:
        return cls(id=c.id, version=c.version, archived=c.archived, key=c.key, name=c.name,
                   description=c.description, parent_key=c.parent_key,
                   organization_slug=c.organization, special_category=c.special_category,
                   criminal_offence_data=c.criminal, ccpa_category=c.ccpa, flags_inference=c.flags_inference,
                   origin=c.category_origin, source=DocumentSource.from_domain(c.source))

    @strawberry.field(description="The parent category; null at the root.")
    async def parent(self, info: Info) -> DataCategory | None:
        if self.parent_key is None:
            return None
        ids = [self.parent_key]
        if self.organization_slug:
            ids.insert(0, m.scoped_id(self.organization_slug, self.parent_key))
        for found in await info.context.loaders.many("data_categories", ids):
            return DataCategory.from_domain(found)
        return None
