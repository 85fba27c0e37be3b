"""Loading the seed (reference data and organisation inventories) through the repositories, idempotently."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from registry.domain.errors import InvalidInventory
from registry.domain.inventory import Inventory, ReferenceData
from registry.domain.kinds import INVENTORY, ORGANIZATION
from registry.domain.validation import validate_inventory, validate_reference
from registry.services.inventory_files import inventory_files, load_inventory_file, load_reference
from registry.services.notices import subprocessor_changes
from registry.storage.repositories import Repositories, WriteCounts
from registry.storage.writer import Writer


@dataclass
class SeedReport:
    """What a seed run wrote, per collection."""

    counts: dict[str, WriteCounts] = field(default_factory=dict)

    def add(self, name: str, c: WriteCounts) -> None:
        self.counts[name] = self.counts.get(name, WriteCounts()) + c

    @property
    def changed(self) -> int:
        return sum(c.created + c.updated for c in self.counts.values())

    @property
    def conflicts(self) -> list[str]:
        """Records changed by someone else while this write ran: left as they made them."""
        return [i for c in self.counts.values() for i in c.conflicts]

    def lines(self) -> list[str]:
        return [f"{n:24} created {c.created:5}  updated {c.updated:5}  unchanged {c.unchanged:5}"
                for n, c in self.counts.items()]


def read_seed(seed_dir: Path) -> tuple[ReferenceData, list[Inventory]]:
    """Read and validate every seed file; raises InvalidInventory listing every problem found."""
    reference = load_reference(seed_dir / "reference")
    problems = validate_reference(reference)
    if problems:
        raise InvalidInventory(str(seed_dir / "reference"), problems)
    inventories = []
    for path in inventory_files(seed_dir):
        inv = load_inventory_file(path, reference)
        problems = validate_inventory(inv, reference)
        if problems:
            raise InvalidInventory(str(path), problems)
        inventories.append(inv)
    return reference, inventories


async def store_reference(repos: Repositories, reference: ReferenceData, report: SeedReport) -> None:
    report.add("legal_bases", await repos.legal_bases.upsert_many(reference.legal_bases))
    report.add("transfer_mechanisms", await repos.transfer_mechanisms.upsert_many(reference.transfer_mechanisms))
    report.add("countries", await repos.countries.upsert_many(reference.countries))
    report.add("data_categories", await repos.data_categories.upsert_many(reference.data_categories))


def _now_ms() -> dt.datetime:
    """Now, to the millisecond: what a BSON datetime keeps, so ids built from it survive a round trip."""
    now = dt.datetime.now(dt.UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


async def store_inventory(repos: Repositories, inv: Inventory, report: SeedReport, actor: str = "seed",
                          progress: Callable[[int], None] | None = None,
                          stop: Callable[[], bool] | None = None) -> None:
    """Write an inventory, referenced records first, so no stored reference ever points at nothing.

    Changes to the organisation's subprocessors are recorded as notices first, so a feed never misses one.
    `progress` is told how many records each written batch held (`inventory_size` in all); `stop` is asked
    between writes, and true stops the write there (storage/writer.py: `Interrupted`)."""
    known = await repos.organizations.get(inv.organization.slug)
    before = (await repos.recipients.by_organizations([inv.organization.slug]))[inv.organization.slug]
    notices = subprocessor_changes(inv.organization, before if known else None, inv.recipients,
                                   _now_ms())
    report.add("subprocessor_changes", await repos.subprocessor_changes.upsert_many(notices))
    writer = Writer(repos, stop)
    for kind in (ORGANIZATION, *INVENTORY):
        records = [inv.organization] if kind is ORGANIZATION else inv.of(kind)
        report.add(kind.collection, await writer.store_many(repos.of(kind), records, actor, progress=progress))


def inventory_size(inv: Inventory) -> int:
    """How many records `store_inventory` writes for an inventory."""
    return inv.size()


async def seed(repos: Repositories, seed_dir: Path) -> SeedReport:
    """Load the whole seed; running it twice changes nothing the second time."""
    reference, inventories = read_seed(seed_dir)
    report = SeedReport()
    await store_reference(repos, reference, report)
    for inv in inventories:
        await store_inventory(repos, inv, report)
    return report


async def is_empty(repos: Repositories) -> bool:
    return await repos.organizations.count() == 0 and await repos.legal_bases.count() == 0
