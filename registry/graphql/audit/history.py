"""History of changes, on every record and across the register (the audit log)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Self

import strawberry
from strawberry.scalars import JSON
from strawberry.utils.str_converters import to_camel_case

from registry.domain.history import HistoryEntry as DomainEntry
from registry.domain.history import Operation as DomainOperation
from registry.graphql.context import Info
from registry.graphql.enums import expose

Operation = expose(DomainOperation, description="What a change did: create, update, archive, restore.")


@strawberry.type(description="One field's value before and after a change (null when absent).")
class FieldChange:
    field: str = strawberry.field(description="The field, named as the API names it (e.g. `dataCategories`); a "
                                 "nested field as a dotted path.")
    before: JSON | None = strawberry.field(description="Its value before the change.")
    after: JSON | None = strawberry.field(description="Its value after the change.")


def api_name(stored: str) -> str:
    """A stored field name (`data_categories`, `scale.large_scale`) as the API spells it (`dataCategories`,
    `scale.largeScale`): storage keeps Python's names, people read the API's."""
    return ".".join(to_camel_case(part) for part in stored.split("."))


def _camel_keys(v: Any) -> Any:
    if isinstance(v, dict):
        return {api_name(k): _camel_keys(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_camel_keys(x) for x in v]
    return v


def _jsonable(v: Any) -> Any:
    """A stored value as JSON, its record fields named as in the API."""
    return _camel_keys(json.loads(json.dumps(v, default=str)))


@strawberry.type(description="One change of one record: who, when, what operation, and the fields it changed.")
class HistoryEntry:
    entity_type: str = strawberry.field(description="The collection, e.g. processing_activities.")
    entity_id: str = strawberry.field(description="The record's id (`slug/key`).")
    organization: str | None = strawberry.field(description="Slug of the organisation it belongs to.")
    version: int = strawberry.field(description="The record's version after the change.")
    operation: Operation = strawberry.field(description="What the change did.")  # type: ignore[valid-type]
    actor: str = strawberry.field(description="Who made it: `token:<key> (<name>)`, `seed` or `import:<file>`.")
    at: dt.datetime = strawberry.field(description="When (UTC).")
    changes: list[FieldChange] = strawberry.field(description="The fields changed, with before and after.")
    committed: bool = strawberry.field(description="False only while the change is being written.")

    @classmethod
    def from_domain(cls, e: DomainEntry) -> Self:
        return cls(entity_type=e.entity_type, entity_id=e.entity_id, organization=e.organization, version=e.version,
                   operation=e.operation, actor=e.actor, at=e.at, committed=e.committed,
                   changes=[FieldChange(field=api_name(c.field), before=_jsonable(c.before), after=_jsonable(c.after))
                            for c in e.changes])


@strawberry.interface(description="A record of the register that people edit: it has a version and a history.")
class Versioned:
    version: int = strawberry.field(description="Its version: state it when you update or archive the record.")
    archived: bool = strawberry.field(description="True when archived (soft-deleted); history stays readable.")

    @strawberry.field(description="Every change of this record, oldest first. The history of every record of a "
                      "list is read in one query.")
    async def history(self, info: Info) -> list[HistoryEntry]:
        entity_id = str(getattr(self, "id", None) or "")
        collection = str(getattr(type(self), "collection", ""))  # ids are unique only within a collection
        found = await info.context.loaders.history.load((collection, entity_id))
        return [HistoryEntry.from_domain(e) for e in found]
