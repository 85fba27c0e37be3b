"""An organisation's whole inventory: the unit that is seeded, imported, exported and checked."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from registry.domain.kinds import BY_COLLECTION, INVENTORY, RecordKind, kind_of
from registry.domain.models import Country, DataCategory, LegalBasis, Organization, TransferMechanism


class _InventoryMethods:
    """What an inventory does beyond holding its lists."""

    organization: Organization

    def of(self, kind: RecordKind) -> list[Any]:
        return getattr(self, kind.collection)  # type: ignore[no-any-return]

    @property
    def records(self) -> dict[str, list[Any]]:
        return {k.collection: self.of(k) for k in INVENTORY}

    def everything(self) -> Iterator[tuple[RecordKind, Any]]:
        """(kind, record) for the organisation and every record, in the order they are written."""
        yield BY_COLLECTION["organizations"], self.organization
        for kind in INVENTORY:
            for record in self.of(kind):
                yield kind, record

    def size(self) -> int:
        """How many records writing this inventory stores: the organisation and every record."""
        return 1 + sum(len(self.of(k)) for k in INVENTORY)

    def replacing(self, record: Any) -> Any:
        """This inventory with `record` added, or in place of the record with its id."""
        if isinstance(record, Organization):
            return dataclasses.replace(self, organization=record)  # type: ignore[type-var]
        name = kind_of(record).collection
        items = [x for x in getattr(self, name) if x.id != record.id]
        return dataclasses.replace(self, **{name: [*items, record]})  # type: ignore[type-var]


if TYPE_CHECKING:
    class Inventory(_InventoryMethods):
        """One organisation with every record of its register: a list per kind of `kinds.INVENTORY`, named after
        its collection (`inv.processing_activities`)."""

        def __init__(self, organization: Organization, **lists: list[Any]) -> None: ...

        def __getattr__(self, name: str) -> list[Any]: ...

        def replacing(self, record: Any) -> Inventory: ...
else:
    # A frozen dataclass made from the record-kinds table: a field per list of an inventory, so a new kind needs
    # no change here, and `dataclasses.replace` works as on any record.
    Inventory = dataclasses.make_dataclass(
        "Inventory",
        [("organization", Organization),
         *((k.collection, list[Any], field(default_factory=list)) for k in INVENTORY)],
        bases=(_InventoryMethods,), frozen=True)
    Inventory.__module__ = __name__
    Inventory.__doc__ = ("One organisation with every record of its register: a list per kind of "
                         "`kinds.INVENTORY`, named after its collection (`inv.processing_activities`).")


@dataclass(frozen=True)
class ReferenceData:
    """The shared reference data every inventory refers to."""

    legal_bases: list[LegalBasis] = field(default_factory=list)
    transfer_mechanisms: list[TransferMechanism] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    data_categories: list[DataCategory] = field(default_factory=list)
