"""Reading whole registers back from storage as domain inventories (for findings, exports, records)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Collection

from registry.domain.errors import NotFound
from registry.domain.inventory import Inventory, ReferenceData
from registry.domain.kinds import INVENTORY
from registry.storage.repositories import Repositories


async def read_reference(repos: Repositories) -> ReferenceData:
    """The reference data, its four reads sent together; the taxonomy's live categories only (a category the
    taxonomy no longer has, archived by the taxonomy migration, cannot be named again)."""
    bases, mechanisms, countries, categories = await asyncio.gather(
        repos.legal_bases.find(), repos.transfer_mechanisms.find(), repos.countries.find(),
        repos.data_categories.find({"organization": None, "archived": {"$ne": True}}),
    )
    return ReferenceData(legal_bases=bases, transfer_mechanisms=mechanisms, countries=countries,
                         data_categories=categories)


async def read_inventory(repos: Repositories, slug: str, only: Collection[str] | None = None) -> Inventory:
    """One organisation's whole register (or only the collections named in `only`, the other lists left empty),
    one query per collection, sent together: the server works on them at once instead of one after another."""
    org = await repos.organizations.get(slug)
    if org is None:
        raise NotFound(f"No organisation with slug '{slug}'.")
    q = {"organization": slug, "archived": {"$ne": True}}
    kinds = [k for k in INVENTORY if only is None or k.collection in only]
    lists = await asyncio.gather(*(repos.of(kind).find(q) for kind in kinds))
    return Inventory(organization=org, **{k.collection: found for k, found in zip(kinds, lists, strict=True)})



async def last_change(repos: Repositories, slug: str) -> dt.datetime | None:
    """When the organisation's register last changed (the newest entry of its history): the version a download
    shows, so two copies of the record can be told apart."""
    doc = await repos.history.collection.find_one({"organization": slug}, sort=[("at", -1)], projection={"at": 1})
    if not doc:
        return None
    at: dt.datetime = doc["at"]
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)
