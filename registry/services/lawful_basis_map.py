"""Which lawful basis covers each item: one row per (processing activity, purpose, data category)."""

from __future__ import annotations

from dataclasses import dataclass

from registry.domain.models import ProcessingActivity, PurposeAssignment


@dataclass(frozen=True)
class LawfulBasisRow:
    """A data category processed for a purpose of an activity, and the ids of the bases that cover it."""

    activity: ProcessingActivity
    purpose: PurposeAssignment | None
    data_category: str | None
    lawful_bases: list[str]


def lawful_basis_map(activities: list[ProcessingActivity]) -> list[LawfulBasisRow]:
    """Every (activity, purpose, data category) with its bases.

    An activity with no purpose or no data category still yields rows (with the missing side empty), so the
    gap stays visible instead of vanishing from the map.
    """
    rows: list[LawfulBasisRow] = []
    for a in activities:
        purposes: list[PurposeAssignment | None] = list(a.purposes) or [None]
        categories: list[str | None] = list(a.data_categories) or [None]
        for p in purposes:
            bases = [b.basis for b in p.lawful_bases] if p else []
            rows.extend(LawfulBasisRow(a, p, c, bases) for c in categories)
    return rows
