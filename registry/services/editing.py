"""Editing the register: every change is validated against the whole inventory, versioned and recorded.

Validation applies the change to the organisation's inventory in memory and runs the same invariants as the
seed and imports (unknown references, ISO durations, duplicate keys, ...), plus the write-time rules below.
Problems come back as user errors with a path into the caller's input; nothing is written then.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from registry.domain import models as m
from registry.domain.errors import NotFound, Problem
from registry.domain.history import Operation
from registry.domain.inventory import EDITABLE_RECORDS, Inventory, ReferenceData
from registry.domain.validation import validate_inventory
from registry.services.registers import read_inventory, read_reference
from registry.storage.repositories import Repositories, Repository
from registry.storage.writer import AlreadyExists, Missing, VersionConflict, Writer

# The inventory lists that hold an organisation's records (each named as its collection).
LISTS = [c for c in EDITABLE_RECORDS if c != "organizations"]
MAX_ITEMS = 1000
MAX_LENGTH = {"name": 200, "legal_name": 200, "key": 100, "slug": 60, "covers": 500, "quote": 2000}
DEFAULT_MAX = 5000
# Which lists of an activity refer to which collection, for archiving checks.
ACTIVITY_REFS = {"data_subjects": "data_subjects", "recipients": "recipients", "transfers": "transfers",
                 "retention_rules": "retention_rules", "security_measures": "security_measures"}


@dataclass
class EditResult:
    record: Any = None
    errors: list[Problem] = field(default_factory=list)


def _strings(value: Any, path: str, max_items: int = MAX_ITEMS) -> list[Problem]:
    out: list[Problem] = []
    if isinstance(value, str):
        name = path.rsplit(".", 1)[-1].split("[")[0]
        limit = MAX_LENGTH.get(name, DEFAULT_MAX)
        if len(value) > limit:
            out.append(Problem(path, f"is {len(value)} characters long; the limit is {limit}. Shorten it.",
                               "TOO_LONG"))
        if "\x00" in value:
            out.append(Problem(path, "contains a NUL character; remove it.", "INVALID"))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            out += _strings(getattr(value, f.name), f"{path}.{f.name}" if path else f.name, max_items)
    elif isinstance(value, list):
        if len(value) > max_items:
            return [Problem(path, f"has {len(value)} items; the limit is {max_items}. Split the change.", "TOO_MANY")]
        for i, v in enumerate(value):
            out += _strings(v, f"{path}[{i}]", max_items)
    return out


def write_time_rules(before: Any, after: Any, inv: Inventory, ref: ReferenceData,
                     max_items: int = MAX_ITEMS) -> list[Problem]:
    """Rules an edit must meet even though a faithful seed of a document may not (findings report those)."""
    problems = _strings(after, "", max_items)
    for name in ("name", "legal_name", "covers", "description"):
        v = getattr(after, name, None)
        if isinstance(v, str) and not v.strip() and name != "description":
            problems.append(Problem(name, "is empty; give it a name the privacy team will recognise.", "EMPTY"))
    if isinstance(after, m.ProcessingActivity):
        old = {(p.purpose, b.basis): b for p in (before.purposes if before else []) for b in p.lawful_bases}
        for i, pa in enumerate(after.purposes):
            for j, b in enumerate(pa.lawful_bases):
                unchanged = old.get((pa.purpose, b.basis)) == b  # an edit elsewhere need not fix an old gap
                if b.basis == "GDPR:legitimate-interests" and not b.balancing_test and not unchanged:
                    problems.append(Problem(f"purposes[{i}].lawfulBases[{j}].balancingTest",
                                            "legitimate interests (Art 6(1)(f)) needs a note of where its balancing "
                                            "test (LIA) is kept; add balancingTest.", "LIA_REQUIRED"))
        cats = {c.id: c for c in [*ref.data_categories, *inv.data_categories]}
        special = [cats[k] for k in after.data_categories if k in cats and cats[k].special_category]
        if special and after.role != m.Role.PROCESSOR:
            for i, pa in enumerate(after.purposes):
                if not pa.special_category_conditions:
                    names = ", ".join(c.name for c in special)
                    problems.append(Problem(f"purposes[{i}].specialCategoryConditions",
                                            f"the activity processes special-category data ({names}); add an Art 9(2) "
                                            "condition (e.g. GDPR:art9-explicit-consent) to this purpose.",
                                            "ART9_CONDITION_REQUIRED"))
    return problems


def _replace_in(inv: Inventory, collection: str, record: Any) -> Inventory:
    if collection == "organizations":
        return dataclasses.replace(inv, organization=record)
    items = [x for x in getattr(inv, collection) if x.id != record.id]
    return dataclasses.replace(inv, **{collection: [*items, record]})  # type: ignore[arg-type]


def _input_path(path: str, collection: str, index: int) -> str:
    prefix = f"{collection}[{index}]"
    if path.startswith(prefix):
        return path[len(prefix):].lstrip(".") or "input"
    return path.removeprefix("organization.") if collection == "organizations" else path


class Editor:
    """The register's write side, as the API and the importer use it."""

    def __init__(self, repos: Repositories, max_items: int = MAX_ITEMS):
        self.repos = repos
        self.writer = Writer(repos)
        self.max_items = max_items

    def repo(self, collection: str) -> Repository[Any]:
        return getattr(self.repos, collection)  # type: ignore[no-any-return]

    async def _inventory(self, slug: str) -> Inventory | None:
        try:
            return await read_inventory(self.repos, slug)
        except NotFound:
            return None

    async def save(self, collection: str, record: Any, expected_version: int | None, actor: str) -> EditResult:
        """Create (expected_version None) or update a record, after validating it in its inventory."""
        slug = record.slug if collection == "organizations" else record.organization
        inv = await self._inventory(slug)
        if inv is None:
            if collection != "organizations":
                return EditResult(errors=[Problem("organization", f"no organisation with slug '{slug}'; create it "
                                                  "first or fix the slug.", "UNKNOWN_REFERENCE")])
            inv = Inventory(organization=record)
        ref = await read_reference(self.repos)
        before = None if expected_version is None else await self.repo(collection).get(record.id)
        if expected_version is not None and before is None:
            return EditResult(errors=[Problem("id", f"no record '{record.id}'.", "NOT_FOUND")])
        changed = _replace_in(inv, collection, record)
        index = len(getattr(changed, collection)) - 1 if collection != "organizations" else 0
        problems = [Problem(_input_path(p.path, collection, index), p.message, p.code)
                    for p in validate_inventory(changed, ref)]
        problems += write_time_rules(before, record, changed, ref, self.max_items)
        if problems:
            return EditResult(errors=problems)
        try:
            if expected_version is None:
                saved = await self.writer.create(self.repo(collection), record, actor)
            else:
                saved = await self.writer.update(self.repo(collection), record, expected_version, actor)
        except VersionConflict as e:
            return EditResult(errors=[Problem("version", str(e), "VERSION_CONFLICT")])
        except AlreadyExists:
            return EditResult(errors=[Problem("key", f"'{record.id}' already exists; choose another key or update "
                                              "the existing record.", "DUPLICATE_KEY")])
        except Missing:
            return EditResult(errors=[Problem("id", f"no record '{record.id}'.", "NOT_FOUND")])
        return EditResult(record=saved)

    async def references_to(self, collection: str, record: Any) -> list[str]:
        """Ids of live records that refer to this one."""
        if collection == "organizations":
            inv = await self._inventory(record.slug)
            if inv is None:
                return []
            return [x.id for name in LISTS for x in getattr(inv, name)]
        inv = await self._inventory(record.organization)
        if inv is None:
            return []
        refs = []
        for a in inv.processing_activities:
            if collection == "purposes" and any(p.purpose == record.key for p in a.purposes):
                refs.append(a.id)
            if collection == "data_categories" and record.id in a.data_categories:
                refs.append(a.id)
            field_name = {v: k for k, v in ACTIVITY_REFS.items()}.get(collection)
            if field_name and record.key in getattr(a, field_name):
                refs.append(a.id)
        if collection == "recipients":
            refs += [t.id for t in inv.transfers if t.recipient == record.key]
        if collection == "data_categories":
            refs += [r.id for r in inv.retention_rules if record.id in r.data_categories]
            refs += [c.id for c in inv.data_categories if c.parent_key == record.key]
        return refs

    async def archive(self, collection: str, id_: str, expected_version: int, actor: str) -> EditResult:
        """Archive (soft-delete) a record nothing refers to; its history stays readable."""
        record = await self.repo(collection).get(id_)
        if record is None or record.archived:
            return EditResult(errors=[Problem("id", f"no live record '{id_}'.", "NOT_FOUND")])
        refs = await self.references_to(collection, record)
        if refs:
            return EditResult(errors=[Problem("id", f"'{id_}' is still referred to by {', '.join(sorted(refs))}; "
                                              "remove those references first.", "REFERENCED")])
        try:
            saved = await self.writer.update(self.repo(collection), dataclasses.replace(record, archived=True),
                                             expected_version, actor, Operation.ARCHIVE)
        except VersionConflict as e:
            return EditResult(errors=[Problem("version", str(e), "VERSION_CONFLICT")])
        return EditResult(record=saved)
