"""Reading whole registers back from storage as domain inventories (for findings, exports, records)."""

from __future__ import annotations

from registry.domain.errors import NotFound
from registry.domain.inventory import Inventory, ReferenceData
from registry.storage.repositories import Repositories


async def read_reference(repos: Repositories) -> ReferenceData:
    return ReferenceData(
        legal_bases=await repos.legal_bases.find(),
        transfer_mechanisms=await repos.transfer_mechanisms.find(),
        countries=await repos.countries.find(),
        data_categories=await repos.data_categories.find({"organization": None}),
    )


async def read_inventory(repos: Repositories, slug: str) -> Inventory:
    """One organisation's whole register, one query per collection."""
    org = await repos.organizations.get(slug)
    if org is None:
        raise NotFound(f"No organisation with slug '{slug}'.")
    q = {"organization": slug, "archived": {"$ne": True}}
    return Inventory(
        organization=org,
        data_categories=await repos.data_categories.find(q),
        data_subjects=await repos.data_subjects.find(q),
        purposes=await repos.purposes.find(q),
        recipients=await repos.recipients.find(q),
        transfers=await repos.transfers.find(q),
        retention_rules=await repos.retention_rules.find(q),
        security_measures=await repos.security_measures.find(q),
        processing_activities=await repos.processing_activities.find(q),
    )
