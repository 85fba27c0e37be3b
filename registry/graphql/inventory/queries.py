"""Reading the inventory: organisations, their records, the lawful-basis map, searches across activities."""

from __future__ import annotations

from typing import Annotated

import strawberry

from registry.domain import models as m
from registry.graphql import pages
from registry.graphql.base import Role, SystemKind, wrap
from registry.graphql.context import Info
from registry.graphql.inventory.activity import ActivityPurpose, LawfulBasisMapRow, ProcessingActivity
from registry.graphql.inventory.organization import Organization
from registry.graphql.lookups import load_organization
from registry.graphql.paging import DEFAULT_PAGE
from registry.graphql.reference.types import DataCategory, LegalBasis
from registry.services.lawful_basis_map import lawful_basis_map


@strawberry.type(description="Questions about the inventory.")
class InventoryQuery:
    @strawberry.field(description="Every organisation in the register, by slug.")
    async def organizations(self, info: Info) -> list[Organization]:
        return wrap(Organization, await info.context.repos.organizations.find())

    @strawberry.field(description="One organisation by its slug; an unknown slug is an error that says so.")
    async def organization(
        self, info: Info,
        slug: Annotated[str, strawberry.argument(
            description="The organisation's slug, e.g. `januscaler`.")],
    ) -> Organization:
        return Organization.from_domain(await load_organization(info, slug))

    @strawberry.field(description="Which lawful basis covers each item: one row per processing activity, purpose "
                      "and data category of the organisation.")
    async def lawful_basis_map(
        self, info: Info,
        organization: Annotated[str, strawberry.argument(description="The organisation's slug.")],
    ) -> list[LawfulBasisMapRow]:
        org = await load_organization(info, organization)
        activities = await info.context.loaders.of_organization("processing_activities", org.slug)
        rows = lawful_basis_map(activities)
        loaders = info.context.loaders
        categories = {c.id: c for c in await loaders.many("data_categories", [r.data_category for r in rows
                                                                              if r.data_category])}
        bases = {b.id: b for b in await loaders.many("legal_bases", [b for r in rows for b in r.lawful_bases])}
        wrapped = {a.id: ProcessingActivity.from_domain(a) for a in activities}
        return [
            LawfulBasisMapRow(
                activity=wrapped[r.activity.id],
                purpose=ActivityPurpose(purpose_id=m.scoped_id(org.slug, r.purpose.purpose), assignment=r.purpose)
                if r.purpose else None,
                data_category=DataCategory.from_domain(categories[r.data_category])
                if r.data_category in categories else None,
                lawful_bases=[LegalBasis.from_domain(bases[b]) for b in r.lawful_bases if b in bases],
            )
            for r in rows
        ]

    @strawberry.field(description="Processing activities across the register, or of one `organization`, that match "
                      "every filter given. In pages of `first` in the order of their IDs; pass a page's `endCursor` "
                      "as `after` for the next.")
    async def search_processing_activities(
        self, info: Info,
        organization: Annotated[str | None, strawberry.argument(
            description="Only this organisation's activities (its slug).")] = None,
        text: Annotated[str | None, strawberry.argument(
            description="Words found in the name, key or description, in any case (at most 200 characters, matched "
            "literally).")] = None,
        role: Annotated[Role | None, strawberry.argument(
            description="Only activities where the organisation takes this role.")] = None,
        data_category: Annotated[str | None, strawberry.argument(
            description="Only activities processing this data category: a taxonomy key such as "
            "user.contact.email, or the organisation's own category key.")] = None,
        purpose: Annotated[str | None, strawberry.argument(
            description="Only activities with this purpose (a purpose key).")] = None,
        first: Annotated[int, strawberry.argument(
            description="How many activities per page (default 50, at most 200).")] = DEFAULT_PAGE,
        after: Annotated[str | None, strawberry.argument(
            description="The `endCursor` of the page before; leave out for the first page.")] = None,
    ) -> pages.ProcessingActivityConnection:
        if organization is not None:
            await load_organization(info, organization)
        args = {"organization": organization, "text": text, "role": role, "data_category": data_category,
                "purpose": purpose}
        return await pages.activities_page(info, args, first, after)

    @strawberry.field(description="Systems (applications and data stores holding personal data) across the "
                      "register, or of one `organization`, that match every filter given. In pages of `first` in the "
                      "order of their IDs; pass a page's `endCursor` as `after` for the next.")
    async def search_systems(
        self, info: Info,
        organization: Annotated[str | None, strawberry.argument(
            description="Only this organisation's systems (its slug).")] = None,
        text: Annotated[str | None, strawberry.argument(
            description="Words found in the name, key or description, in any case (at most 200 characters, matched "
            "literally).")] = None,
        kind: Annotated[SystemKind | None, strawberry.argument(
            description="Only systems of this kind.")] = None,
        location: Annotated[str | None, strawberry.argument(
            description="Only systems whose data is stored or processed there (a country code, e.g. US).")] = None,
        data_category: Annotated[str | None, strawberry.argument(
            description="Only systems holding this data category: a taxonomy key such as user.contact.email, or "
            "the organisation's own category key.")] = None,
        first: Annotated[int, strawberry.argument(
            description="How many systems per page (default 50, at most 200).")] = DEFAULT_PAGE,
        after: Annotated[str | None, strawberry.argument(
            description="The `endCursor` of the page before; leave out for the first page.")] = None,
    ) -> pages.SystemConnection:
        if organization is not None:
            await load_organization(info, organization)
        args = {"organization": organization, "text": text, "kind": kind, "location": location,
                "data_category": data_category}
        return await pages.systems_page(info, args, first, after)
