"""Cross-framework view: each activity's lawful basis under GDPR and under India's DPDP Act, side by side."""

from __future__ import annotations

from dataclasses import dataclass

from registry.domain import models as m
from registry.domain.enums import Framework, Role
from registry.domain.inventory import Inventory


@dataclass(frozen=True)
class FrameworkRow:
    activity: m.ProcessingActivity
    gdpr: list[str]
    dpdp: list[str]

    @property
    def missing_under(self) -> str | None:
        """The framework under which the activity has no basis while the other gives it one."""
        if self.gdpr and not self.dpdp:
            return "DPDP"
        if self.dpdp and not self.gdpr:
            return "GDPR"
        return None


def frameworks_in_scope(inv: Inventory) -> set[Framework]:
    """GDPR when the documents invoke it or record GDPR bases; DPDP for an organisation established in India
    (the Act applies to processing in India, s.3(a)) or whose documents invoke it."""
    org = inv.organization
    used = {b.basis.split(":")[0] for a in inv.processing_activities for p in a.purposes for b in p.lawful_bases}
    scope = set(org.frameworks)
    if "GDPR" in used:
        scope.add(Framework.GDPR)
    if org.country == "IN" or "DPDP" in used:
        scope.add(Framework.DPDP)
    return scope


def cross_framework(inv: Inventory) -> list[FrameworkRow]:
    """One row per controller activity for an organisation subject to both GDPR and the DPDP Act; else none."""
    if not {Framework.GDPR, Framework.DPDP} <= frameworks_in_scope(inv):
        return []
    rows = []
    for a in inv.processing_activities:
        if a.role == Role.PROCESSOR:
            continue
        ids = list(dict.fromkeys(b.basis for p in a.purposes for b in p.lawful_bases))
        gdpr = [i for i in ids if i.startswith("GDPR:")]
        rows.append(FrameworkRow(a, gdpr, [i for i in ids if i.startswith("DPDP:")]))
    return rows
