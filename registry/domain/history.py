"""The history of the register: who changed what, when, with the before and after of each field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Operation(str, Enum):
    """What a change did to a record."""

    CREATE = "CREATE"
    UPDATE = "UPDATE"
    ARCHIVE = "ARCHIVE"
    RESTORE = "RESTORE"


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after a change (null when absent)."""

    field: str
    before: Any = None
    after: Any = None


@dataclass(frozen=True)
class HistoryEntry:
    """One change of one record. Its id is the record's id and new version, so writing it twice is harmless."""

    entity_type: str
    entity_id: str
    organization: str | None
    version: int
    operation: Operation
    actor: str
    at: dt.datetime
    changes: list[FieldChange] = field(default_factory=list)
    committed: bool = False
    """False while the change is being written; an entry left uncommitted by a crash is finished or aborted."""
    aborted: bool = False

    @property
    def id(self) -> str:
        return f"{self.entity_type}:{self.entity_id}:v{self.version}"


META_FIELDS = ("_id", "version", "archived")


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> list[FieldChange]:
    """The fields whose values differ, storage fields left out. An empty value and an absent one are the same
    (a stored document leaves empty optional fields out; older ones hold them as null or [])."""
    before = before or {}
    keys = [k for k in dict.fromkeys([*before, *after]) if k not in META_FIELDS]
    return [FieldChange(k, before.get(k), after.get(k)) for k in keys
            if meaningful(before.get(k)) != meaningful(after.get(k))]


def meaningful(value: Any) -> Any:
    """A stored value with its empty parts left out (null, [] and mappings' fields holding them), for comparing
    documents written with and without their empty optional fields."""
    if isinstance(value, dict):
        return {k: meaningful(v) for k, v in value.items() if v is not None and v != []}
    if isinstance(value, list):
        return [meaningful(v) for v in value] or None
    return value
