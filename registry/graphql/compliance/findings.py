"""Findings of the compliance rules."""

from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry

from registry.domain.findings import Finding as DomainFinding
from registry.graphql.base import DocumentSource, Framework, Severity
from registry.services.findings import Rule


@strawberry.type(description="A gap or problem a compliance rule found, traceable to the record and the document "
                 "sentence behind it.")
class Finding:
    rule_id: str = strawberry.field(description="Stable ID of the rule, e.g. `PURPOSE_WITHOUT_LAWFUL_BASIS`.")
    severity: Severity = strawberry.field(description="HIGH, MEDIUM, LOW or INFO.")
    article: str = strawberry.field(description="The provision the rule rests on.")
    message: str = strawberry.field(description="What is wrong or missing.")
    suggested_fix: str = strawberry.field(description="What to do about it.")
    subject_type: str = strawberry.field(description="The kind of record concerned, e.g. ProcessingActivity.")
    subject_id: str = strawberry.field(description="Its id (`slug/key`); its global ID is `subjectType:subjectId`.")
    subject_name: str = strawberry.field(description="Its name.")
    source: DocumentSource | None = strawberry.field(
        description="The document sentence the finding traces to; null for a register-wide absence."
    )
    framework: Framework | None = strawberry.field(
        description="The law the finding is made under (one recorded as applying); null for a question about which "
                    "law applies.")
    readiness: bool = strawberry.field(
        description="True when the duty is not yet in force on the date asked: a gap to close, not a breach.")
    in_force_from: dt.date | None = strawberry.field(description="For a readiness finding: when the duty applies.")

    @classmethod
    def from_domain(cls, f: DomainFinding) -> Self:
        return cls(rule_id=f.rule, severity=f.severity, article=f.article, message=f.message, suggested_fix=f.fix,
                   subject_type=f.subject_type, subject_id=f.subject_id, subject_name=f.subject_name,
                   source=DocumentSource.from_domain(f.source), framework=f.framework, readiness=f.readiness,
                   in_force_from=f.in_force_from)


@strawberry.type(description="A compliance rule the registry checks.")
class ComplianceRule:
    id: str = strawberry.field(description="Stable ID.")
    severity: Severity = strawberry.field(description="Severity of its findings.")
    article: str = strawberry.field(description="The provision it rests on.")
    title: str = strawberry.field(description="What it checks.")
    frameworks: list[Framework] = strawberry.field(
        description="The laws it enforces: it runs only where one is recorded as applying. Empty for the rule that "
                    "asks which laws apply.")

    @classmethod
    def from_domain(cls, r: Rule) -> Self:
        return cls(id=r.id, severity=r.severity, article=r.article, title=r.title, frameworks=list(r.frameworks))
