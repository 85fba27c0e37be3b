"""Compliance rules: plain functions over an inventory and the reference data, with no database.

Each rule has a stable ID, a severity, the article it rests on, the laws it enforces, and yields findings that
name the record and the document sentence behind them. `RULES` lists them; `find(inventory, reference,
as_of)` runs those whose law the register records as applying, with the law in force on `as_of` (see
registry/services/rulebook.py for how applicability and dates decide).
"""

from __future__ import annotations

import datetime as dt

from registry.domain.findings import Finding
from registry.domain.inventory import Inventory, ReferenceData
from registry.services import (  # noqa: F401 - they register rules
    accountability_findings,
    rules_basis,
    rules_processors,
    rules_transfers,
)
from registry.services.rulebook import RULES, Governing, Register, Rule

__all__ = ["RULES", "Rule", "find"]


def _readiness(message: str, gov: Governing) -> str:
    assert gov.in_force_from is not None and gov.framework is not None
    return (f"Readiness, not a breach: this {gov.framework.value} duty applies from "
            f"{gov.in_force_from:%d %b %Y}. {message}")


def _inferred(reg: Register, gov: Governing) -> str:
    """A note for findings under a law whose applicability is itself an inference, so the DPO sees the premise."""
    decided = reg.applicability.get(gov.framework) if gov.framework else None
    if decided and decided.source and decided.source.inference:
        return (f" (That {gov.framework.value if gov.framework else ''} applies is inferred, not stated: "
                f"{decided.source.inference})")
    return ""


def find(inv: Inventory, ref: ReferenceData, as_of: dt.date | None = None) -> list[Finding]:
    """Every finding for one organisation's register under the law in force on `as_of` (default today), most
    severe first; readiness findings (duties not yet in force) after the breaches of the same severity."""
    reg = Register(inv, ref, as_of or dt.date.today())
    out = []
    for r in RULES:
        gov = r.governing(reg) if r.frameworks else Governing(None)
        if gov is None:
            continue  # none of the rule's laws is recorded as applying: APPLICABILITY_UNDETERMINED asks
        inferred = _inferred(reg, gov)
        for st, sid, sname, msg, src, fix in r.check(reg, gov):
            msg = (_readiness(msg, gov) if gov.readiness else msg) + inferred
            out.append(Finding(r.id, r.severity, r.article, msg, fix,
                               st, sid, sname, src, framework=gov.framework, readiness=gov.readiness,
                               in_force_from=gov.in_force_from))
    return sorted(out, key=lambda f: (-f.severity.rank, f.readiness))
