"""Findings: what a compliance rule found missing or wrong in a register."""

from __future__ import annotations

from dataclasses import dataclass

from registry.domain.enums import Severity
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
