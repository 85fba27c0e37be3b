"""Finding subprocessors and service providers across the register."""

from __future__ import annotations

from typing import Annotated

import strawberry

from registry.graphql import pages
from registry.graphql.context import Info
from registry.graphql.lookups import load_organization
from registry.graphql.paging import DEFAULT_PAGE


@strawberry.type(description="Questions about subprocessors.")
class SubprocessorsQuery:
    @strawberry.field(description="Subprocessors and service providers across the register, or of one "
                      "`organization`, that match every filter given. In pages of `first` in the order of their IDs; "
                      "pass a page's `endCursor` as `after` for the next.")
    async def search_subprocessors(
        self, info: Info,
        organization: Annotated[str | None, strawberry.argument(
            description="Only this organisation's subprocessors (its slug).")] = None,
        text: Annotated[str | None, strawberry.argument(
            description="Words found in the name, key or services, in any case (at most 200 characters, matched "
            "literally).")] = None,
        country: Annotated[str | None, strawberry.argument(
            description="Only those processing data in this country (ISO 3166-1 alpha-2 code).")] = None,
        first: Annotated[int, strawberry.argument(
            description="How many per page (default 50, at most 200).")] = DEFAULT_PAGE,
        after: Annotated[str | None, strawberry.argument(
            description="The `endCursor` of the page before; leave out for the first page.")] = None,
    ) -> pages.SubprocessorConnection:
        if organization is not None:
            await load_organization(info, organization)
        args = {"organization": organization, "text": text, "country": country}
        return await pages.subprocessors_page(info, args, first, after)
