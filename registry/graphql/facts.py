"""Facts recorded for applicability, DPIA screening and accountability, read back as they were recorded.

One shape for them all (what, its value, in plain words, where it is stated or why it is inferred) so every
record type shows its facts with one field, `recordedFacts`, and a new fact needs no new GraphQL type.
"""

from __future__ import annotations

from typing import Any

import strawberry

from registry.domain import models as m
from registry.graphql.base import DocumentSource

FACTS = {
    "Organization": ("sells_personal_data", "subprocessor_objection"),
    "ProcessingActivity": ("controllers", "controller_contract", "scale", "systematic_monitoring",
                           "public_area_monitoring", "evaluation_or_scoring", "automated_decisions",
                           "innovative_technology", "matching_datasets", "blocks_right_or_service"),
    "Transfer": ("within_adequacy_scope", "consent_mechanism", "due_diligence"),
    "DataSubjectCategory": ("vulnerable",),
}


@strawberry.type(description="A fact recorded about a record (e.g. systematic monitoring, the consent mechanism, "
                 "the scale), with where it is stated or, if inferred, why. Facts not yet recorded are absent.")
class RecordedFact:
    fact: str = strawberry.field(description="Which fact, by its input field name, e.g. `systematic_monitoring`.")
    value: str = strawberry.field(description="Its value: true/false, a mechanism such as OPT_OUT, a number, text.")
    detail: str | None = strawberry.field(description="The fact in plain words.")
    source: DocumentSource | None = strawberry.field(description="Where it is stated, or why it is inferred.")


def _one(name: str, v: Any) -> list[RecordedFact]:
    if isinstance(v, m.Fact):
        return [RecordedFact(fact=name, value=str(v.value).lower(), detail=v.detail,
                             source=DocumentSource.from_domain(v.source))]
    if isinstance(v, m.ConsentEvidence):
        return [RecordedFact(fact=name, value=v.method.value, detail=None,
                             source=DocumentSource.from_domain(v.source))]
    if isinstance(v, m.Scale):
        said = [f"{v.people} people" if v.people is not None else "",
                v.geographic_extent.value if v.geographic_extent else "",
                "" if v.large_scale is None else ("large-scale" if v.large_scale else "not large-scale")]
        value = "unknown" if v.large_scale is None else str(v.large_scale).lower()
        return [RecordedFact(fact=name, value=value, detail=", ".join(x for x in said if x) or None,
                             source=DocumentSource.from_domain(v.source))]
    if isinstance(v, m.Statement):
        return [RecordedFact(fact=name, value=v.description, detail=None,
                             source=DocumentSource.from_domain(v.source))]
    if isinstance(v, m.Person):
        contact = ", ".join(x for x in (v.email, v.address) if x) or None
        return [RecordedFact(fact=name, value=v.name or "", detail=contact,
                             source=DocumentSource.from_domain(v.source))]
    if isinstance(v, list):
        return [f for item in v for f in _one(name, item)]
    if isinstance(v, str):
        return [RecordedFact(fact=name, value=v, detail=None, source=None)]
    return []


def recorded_facts(obj: Any) -> list[RecordedFact]:
    """The recorded facts of a domain record, in a fixed order; facts not recorded are left out."""
    return [f for name in FACTS[type(obj).__name__] for f in _one(name, getattr(obj, name))]
