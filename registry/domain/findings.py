"""Findings: what a compliance rule found missing or wrong in a register."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from registry.domain.enums import Framework, Severity
from registry.domain.models import Source


@dataclass(frozen=True)
class Finding:
    """One gap or problem, traceable to the record and the sentence that caused it."""

    rule: str
    severity: Severity
    article: str
    message: str
    fix: str
    subject_type: str
    subject_id: str
    subject_name: str
    source: Source | None = None
    framework: Framework | None = None
    """The law the finding is made under; null for a question about which law applies."""
    readiness: bool = False
    """True when the duty is not yet in force on the date evaluated: a gap to close before it is, not a breach."""
    in_force_from: dt.date | None = None
    """For a readiness finding: the date the duty applies from."""
