"""Reading whole registers back from storage as domain inventories (for findings, exports, records)."""

from __future__ import annotations

import asyncio

from registry.domain.errors import NotFound
from registry.domain.inventory import EDITABLE_RECORDS, Inventory, ReferenceData
from registry.storage.repositories import Repositories


async def read_reference(repos: Repositories) -> ReferenceData:
    """The reference data, its four reads sent together."""
    bases, mechanisms, countries, categories = await asyncio.gather(
        repos.legal_bases.find(), repos.transfer_mechanisms.find(), repos.countries.find(),
        repos.data_categories.find({"organization": None}),
    )
    return ReferenceData(legal_bases=bases, transfer_mechanisms=mechanisms, countries=countries,
                         data_categories=categories)


async def read_inventory(repos: Repositories, slug: str) -> Inventory:
    """One organisation's whole register, one query per collection, sent together: the server works on them
    at once instead of one after another."""
    org = await repos.organizations.get(slug)
    if org is None:
        raise NotFound(f"No organisation with slug '{slug}'.")
    q = {"organization": slug, "archived": {"$ne": True}}
    names = [c for c in EDITABLE_RECORDS if c != "organizations"]
    lists = await asyncio.gather(*(getattr(repos, name).find(q) for name in names))
    return Inventory(organization=org, **dict(zip(names, lists, strict=True)))

