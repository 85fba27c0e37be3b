"""Cross-framework view: each activity's lawful basis under GDPR and under India's DPDP Act, side by side."""

from __future__ import annotations

from dataclasses import dataclass

from registry.domain import models as m
from registry.domain.enums import Applicability, Framework, Role
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
    """The laws the register records as applying to the organisation. Nothing is inferred here: not from the
    codes of the bases recorded, nor from the country (that is an applicability decision, recorded with its
    ground and source)."""
    return {a.framework for a in inv.organization.applicability if a.status == Applicability.APPLIES}


def cross_framework(inv: Inventory) -> list[FrameworkRow]:
    """One row per controller activity for an organisation recorded as subject to both GDPR and the DPDP Act;
    else none. A GDPR consent counts as the DPDP s.6 consent too: it is the same consent (s.6(1) asks it to be
    free, specific, informed, unconditional and unambiguous, with a clear affirmative action)."""
    if not {Framework.GDPR, Framework.DPDP} <= frameworks_in_scope(inv):
        return []
    rows = []
    for a in inv.processing_activities:
        if a.role == Role.PROCESSOR:
            continue
        ids = list(dict.fromkeys(b.basis for p in a.purposes for b in p.lawful_bases))
        gdpr = [i for i in ids if i.startswith("GDPR:")]
        dpdp = [i for i in ids if i.startswith("DPDP:")]
        if "GDPR:consent" in gdpr and "DPDP:consent" not in dpdp:
            dpdp.append("DPDP:consent")
        rows.append(FrameworkRow(a, gdpr, dpdp))
    return rows
