"""The reference data: the taxonomy, lawful bases, transfer mechanisms and countries."""

from __future__ import annotations

from typing import Annotated

import strawberry

from registry.domain.enums import Framework as FrameworkEnum
from registry.graphql.base import Framework, wrap
from registry.graphql.context import Info
from registry.graphql.lookups import load_organization
from registry.graphql.reference.types import Country, DataCategory, LegalBasis, TransferMechanism


@strawberry.type(description="Questions about the reference data.")
class ReferenceQuery:
    @strawberry.field(description="The data-category taxonomy: the shared categories, plus an organisation's own "
                      "when `organization` is given.")
    async def data_categories(
        self, info: Info,
        organization: Annotated[str | None, strawberry.argument(
            description="Also list this organisation's own categories (its slug).")] = None,
    ) -> list[DataCategory]:
        query: dict[str, object] = {"organization": None}
        if organization is not None:
            await load_organization(info, organization)
            query = {"organization": {"$in": [None, organization]}}
        return wrap(DataCategory, await info.context.repos.data_categories.find(query))

    @strawberry.field(description="Lawful bases and Art 9(2) conditions, of one framework or all.")
    async def legal_bases(
        self, info: Info,
        framework: Annotated[Framework | None, strawberry.argument(
            description="Only this law's bases; leave out for every law.")] = None,
    ) -> list[LegalBasis]:
        query = {"framework": FrameworkEnum(framework).value} if framework is not None else {}
        return wrap(LegalBasis, await info.context.repos.legal_bases.find(query))

    @strawberry.field(description="Transfer mechanisms: adequacy, SCC modules, BCRs, DPF, UK IDTA, Art 49 derogations.")
    async def transfer_mechanisms(self, info: Info) -> list[TransferMechanism]:
        return wrap(TransferMechanism, await info.context.repos.transfer_mechanisms.find())

    @strawberry.field(description="Countries with their EU adequacy status.")
    async def countries(self, info: Info) -> list[Country]:
        return wrap(Country, await info.context.repos.countries.find())
