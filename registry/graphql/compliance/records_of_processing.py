"""The Art 30 record as GraphQL types."""

from __future__ import annotations

from typing import Self

import strawberry

from registry.graphql.base import Role
from registry.services import records as r


@strawberry.type(description="One field of the Art 30 record, in the article's words; `recorded` is false and "
                 "`value` says 'Not recorded' where the register holds nothing for it.")
class RecordField:
    article: str = strawberry.field(description="The point of Art 30, e.g. `Art 30(1)(f)`.")
    field: str = strawberry.field(description="The field as Art 30 words it.")
    value: str = strawberry.field(description="The entries joined, or 'Not recorded'.")
    items: list[str] = strawberry.field(description="The entries, one per item.")
    recorded: bool = strawberry.field(description="False where the register holds nothing for this field.")

    @classmethod
    def from_domain(cls, f: r.RecordField) -> Self:
        return cls(article=f"Art {f.point}", field=f.label, value=f.text, items=list(f.items), recorded=f.recorded)


@strawberry.type(description="The record of one processing activity.")
class RecordEntry:
    activity_id: str = strawberry.field(description="The activity's id (`slug/key`).")
    activity: str = strawberry.field(description="The activity's name.")
    fields: list[RecordField] = strawberry.field(description="Every field Art 30 lists for an activity.")


@strawberry.type(description="An organisation's record of processing activities: Art 30(1) as controller or "
                 "Art 30(2) as processor. Download it as JSON, CSV, XLSX or a printable page from `downloads`.")
class RecordsOfProcessing:
    organization: str = strawberry.field(description="The organisation's name.")
    role: Role = strawberry.field(description="Controller (Art 30(1)) or processor (Art 30(2)).")
    article: str = strawberry.field(description="`Art 30(1)` or `Art 30(2)`.")
    header: list[RecordField] = strawberry.field(description="Fields about the organisation: names and contacts.")
    entries: list[RecordEntry] = strawberry.field(description="One entry per processing activity in this role.")
    downloads: list[str] = strawberry.field(description="Paths of the same record as JSON, CSV, XLSX and HTML.")

    @classmethod
    def from_domain(cls, rec: r.RecordsOfProcessing, slug: str) -> Self:
        role = rec.role.value.lower() if rec.role.value != "JOINT_CONTROLLER" else "controller"
        base = f"/organizations/{slug}/records-of-processing"
        return cls(organization=rec.organization, role=rec.role, article=rec.article,
                   header=[RecordField.from_domain(f) for f in rec.header],
                   entries=[RecordEntry(activity_id=e.activity_id, activity=e.activity,
                                        fields=[RecordField.from_domain(f) for f in e.fields]) for e in rec.entries],
                   downloads=[f"{base}.{x}?role={role}" for x in ("json", "csv", "xlsx", "html")])
