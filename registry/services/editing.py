"""Editing the register: the use-cases behind every create, update, archive, restore and link.

Each use-case reads the record it changes once, merges the change, validates the result against just the
records it names that it did not name before (not the whole register), and hands the stored document it read
to the versioned writer, which claims the next version and records the history. An edit therefore sends the
same few database commands whatever the size of the register. Problems come back as user errors with a path
into the caller's input; nothing is written then.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from registry.domain import models as m
from registry.domain.errors import Problem
from registry.domain.history import Operation
from registry.domain.kinds import (
    BY_COLLECTION,
    INVENTORY,
    RecordKind,
    Scope,
    category_id,
    category_paths,
    kind_of,
    map_at,
    referrers,
)
from registry.domain.validation import KnownRecords, references, sources, validate_record, wanted
from registry.services.notices import subprocessor_changes
from registry.services.registers import read_reference
from registry.storage.codec import DecodeError, decode, encode
from registry.storage.repositories import Repositories, Repository
from registry.storage.writer import AlreadyExists, Missing, VersionConflict, Writer

MAX_ITEMS = 1000
MAX_LENGTH = {"name": 200, "legal_name": 200, "key": 100, "slug": 60, "covers": 500, "quote": 2000}
DEFAULT_MAX = 5000
NOT_EDITABLE = ("version", "archived")

Generation = Callable[[], Awaitable[str | None]]
"""The register's generation as this request read it (see storage/cache.py)."""


@dataclass
class EditResult:
    record: Any = None
    errors: list[Problem] = field(default_factory=list)


def _refused(problems: list[Problem]) -> EditResult:
    return EditResult(errors=problems)


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


def write_time_rules(before: Any, after: Any, known: KnownRecords, max_items: int = MAX_ITEMS) -> list[Problem]:
    """Rules an edit must meet even though a faithful seed of a document may not (findings report those). An
    edit is held to them for what it changes: an edit elsewhere need not fix an old gap."""
    problems = _strings(after, "", max_items)
    for name in ("name", "legal_name", "covers"):
        v = getattr(after, name, None)
        if isinstance(v, str) and not v.strip():
            problems.append(Problem(name, "is empty; give it a name the privacy team will recognise.", "EMPTY"))
    if isinstance(after, m.ProcessingActivity):
        old = {(p.purpose, b.basis): b for p in (before.purposes if before else []) for b in p.lawful_bases}
        for i, pa in enumerate(after.purposes):
            for j, b in enumerate(pa.lawful_bases):
                unchanged = old.get((pa.purpose, b.basis)) == b
                if b.basis == "GDPR:legitimate-interests" and not b.balancing_test and not unchanged:
                    problems.append(Problem(f"purposes[{i}].lawfulBases[{j}].balancingTest",
                                            "legitimate interests (Art 6(1)(f)) needs a note of where its balancing "
                                            "test (LIA) is kept; add balancingTest.", "LIA_REQUIRED"))
        touched = before is None or (before.data_categories, before.purposes, before.role) != (
            after.data_categories, after.purposes, after.role)
        special = [c for c in (known.get("data_categories", k) for k in after.data_categories)
                   if c is not None and c.special_category]
        if touched and special and after.role != m.Role.PROCESSOR:
            for i, pa in enumerate(after.purposes):
                if not pa.special_category_conditions:
                    names = ", ".join(c.name for c in special)
                    problems.append(Problem(f"purposes[{i}].specialCategoryConditions",
                                            f"the activity processes special-category data ({names}); add an Art 9(2) "
                                            "condition (e.g. GDPR:art9-explicit-consent) to this purpose.",
                                            "ART9_CONDITION_REQUIRED"))
    return problems


def _now() -> dt.datetime:
    t = dt.datetime.now(dt.UTC)
    return t.replace(microsecond=t.microsecond // 1000 * 1000)


class Editor:
    """The register's write side, as the API, the importer and the command line use it."""

    def __init__(self, repos: Repositories, max_items: int = MAX_ITEMS, generation: Generation | None = None):
        self.repos = repos
        self.writer = Writer(repos)
        self.max_items = max_items
        self.generation = generation

    def repo(self, kind: RecordKind) -> Repository[Any]:
        return self.repos.of(kind)

    # --- reading what a change needs ---------------------------------------------------------------------------

    async def _generation(self) -> str | None:
        if not self.repos.cache.enabled:
            return None
        if self.generation is not None:
            return await self.generation()
        return (await self.repos.cache.generation())[0]

    async def _lookup(self, wants: dict[str, set[str]]) -> KnownRecords:
        """The live records with these ids, through the read cache: one read per collection, sent together."""
        generation = await self._generation()
        cache = self.repos.cache
        names = [n for n, ids in wants.items() if ids]
        found = await asyncio.gather(*(cache.get_many(self.repos.of(n), wants[n], generation) for n in names))
        known = KnownRecords()
        for records in found:
            known.add(r for r in records.values() if not getattr(r, "archived", False))
        return known

    async def _category_ids(self, organization: str, keys: list[str]) -> list[str]:
        """Category keys as ids: a key of the shared taxonomy stays as it is, the organisation's own becomes
        `slug/key` (an organisation cannot define a key the taxonomy has)."""
        plain = [k for k in keys if isinstance(k, str) and "/" not in k]
        known = await self._lookup({"data_categories": set(plain)}) if plain else KnownRecords()
        return [category_id(organization, k, (c := known.get("data_categories", k)) is not None
                            and c.organization is None) if isinstance(k, str) else k for k in keys]

    async def _decode(self, kind: RecordKind, data: dict[str, Any], categories: bool) -> tuple[Any, list[Problem]]:
        if categories:
            for path in category_paths(kind):
                named: list[Any] = []
                map_at(data, path, named.extend)
                ids = dict(zip(map(str, named), await self._category_ids(data.get("organization") or "", named),
                               strict=True))
                data = map_at(data, path, lambda ks, ids=ids: [ids.get(k, k) if isinstance(k, str) else k
                                                               for k in ks])
        try:
            return decode(kind.cls, data, strict=True), []
        except DecodeError as e:
            return None, [Problem(str(e).split(":")[0].split(".", 1)[-1], str(e), "INVALID_FIELD")]

    async def _check(self, before: Any, after: Any) -> tuple[list[Problem], KnownRecords]:
        """Validate a change against the records it newly names (and the organisation's documents, when it cites
        one it did not cite before)."""
        old = {(t, i) for _, t, i in references(before)} if before is not None else set()
        wants = {t: {i for i in ids if (t, i) not in old} for t, ids in wanted(after).items()}
        if isinstance(after, m.ProcessingActivity) and before is not None and (
                before.data_categories, before.purposes, before.role) != (
                after.data_categories, after.purposes, after.role):
            wants.setdefault("data_categories", set()).update(after.data_categories)  # for the Art 9 rule
        if before is None and kind_of(after).scope is not Scope.REGISTER:
            wants.setdefault("organizations", set()).add(after.organization)
        cited = {s.document for _, s in sources(after)}
        if before is not None:
            cited -= {s.document for _, s in sources(before)}
        documents: set[str] | None = None
        if isinstance(after, m.Organization):
            documents = {d.key for d in after.documents}
        elif cited:
            wants.setdefault("organizations", set()).add(after.organization)
        known = await self._lookup(wants)
        if any(known.get("data_categories", i) is None for i in wants.get("data_categories", ())):
            # an unknown category: the taxonomy's keys, for "did you mean" (read through the cache)
            known.suggest_from("data_categories", [c.id for c in (await read_reference(self.repos)).data_categories])
        if documents is None and cited:
            org = known.get("organizations", after.organization)
            documents = {d.key for d in org.documents} if org else set()
        known._documents = documents
        problems = []
        if before is None and kind_of(after).scope is not Scope.REGISTER and \
                known.get("organizations", after.organization) is None:
            problems.append(Problem("organization", f"no organisation with slug '{after.organization}'; create it "
                                    "first or fix the slug.", "UNKNOWN_REFERENCE"))
        problems += validate_record(after, known, "", checked=old)
        problems += write_time_rules(before, after, known, self.max_items)
        return problems, known

    async def _stored(self, kind: RecordKind, id_: str) -> tuple[dict[str, Any] | None, Any]:
        doc = await self.repo(kind).collection.find_one({"_id": id_})
        return (doc, self.repo(kind).from_doc(doc)) if doc else (None, None)

    # --- the use-cases -----------------------------------------------------------------------------------------

    async def create(self, kind: RecordKind, data: dict[str, Any], actor: str) -> EditResult:
        """Create a record from plain input values (category keys allowed where categories are named)."""
        record, problems = await self._decode(kind, data, categories=True)
        if problems:
            return _refused(problems)
        problems, _ = await self._check(None, record)
        if problems:
            return _refused(problems)
        try:
            saved = await self.writer.create(self.repo(kind), record, actor)
        except AlreadyExists:
            return _refused([Problem("key", f"'{record.id}' already exists; choose another key or update the "
                                     "existing record.", "DUPLICATE_KEY")])
        await self._announce(None, saved)
        await self._verify_targets(kind, None, saved, actor)
        return EditResult(record=saved)

    async def update(self, kind: RecordKind, id_: str, version: int, changes: dict[str, Any], actor: str) -> EditResult:
        """Change the fields given in `changes` (plain input values); the rest keep their stored values."""
        doc, current = await self._stored(kind, id_)
        if current is None:
            return _refused([Problem("id", f"no record '{id_}'.", "NOT_FOUND")])
        if current.archived:
            return _refused([Problem("id", f"'{id_}' is archived; restore it first (restore mutation) if it is "
                                     "to be used again.", "ARCHIVED")])
        data = {k: v for k, v in encode(current).items() if k not in NOT_EDITABLE}
        data.update(changes)
        record, problems = await self._decode(kind, data, categories=bool(changes.keys() & {
            p.split(".", 1)[0] for p in category_paths(kind)}))
        if problems:
            return _refused(problems)
        return await self.save(kind, current, record, version, actor, doc)

    async def save(self, kind: RecordKind, current: Any, record: Any, version: int, actor: str,
                   doc: dict[str, Any] | None = None, op: Operation = Operation.UPDATE) -> EditResult:
        """Store `record` in place of `current` (read from `doc`), after validating the change."""
        if current.version != version:
            return _refused([Problem("version", str(VersionConflict(current.id, version, current.version)),
                                     "VERSION_CONFLICT")])
        problems, _ = await self._check(current, record)
        if problems:
            return _refused(problems)
        try:
            saved = await self.writer.update(self.repo(kind), record, version, actor, op, before=doc)
        except VersionConflict as e:
            return _refused([Problem("version", str(e), "VERSION_CONFLICT")])
        except Missing:
            return _refused([Problem("id", f"no record '{record.id}'.", "NOT_FOUND")])
        await self._announce(current, saved)
        return await self._verify_targets(kind, current, saved, actor)

    async def archive(self, kind: RecordKind, id_: str, version: int, actor: str) -> EditResult:
        """Archive (soft-delete) a record nothing refers to; its history stays readable."""
        doc, record = await self._stored(kind, id_)
        if record is None or record.archived:
            return _refused([Problem("id", f"no live record '{id_}'.", "NOT_FOUND")])
        refs = await self.references_to(kind, record)
        if refs:
            return _refused([Problem("id", f"'{id_}' is still referred to by {', '.join(sorted(refs))}; remove "
                                     "those references first.", "REFERENCED")])
        try:
            saved = await self.writer.update(self.repo(kind), dataclasses.replace(record, archived=True), version,
                                             actor, Operation.ARCHIVE, before=doc)
        except VersionConflict as e:
            return _refused([Problem("version", str(e), "VERSION_CONFLICT")])
        # A link made while this archive was being written would be left pointing at an archived record: look
        # again, and undo the archive if one appeared. (A link does the same check the other way round, so of
        # two racing changes at least one sees the other.)
        refs = await self.references_to(kind, saved)
        if refs:
            await self.writer.update(self.repo(kind), record, saved.version, f"{actor} (undone: referenced)",
                                     Operation.RESTORE)
            return _refused([Problem("id", f"'{id_}' was linked by {', '.join(sorted(refs))} while it was being "
                                     "archived; it is left as it was. Remove those references first.", "REFERENCED")])
        await self._announce(record, saved)
        return EditResult(record=saved)

    async def restore(self, kind: RecordKind, id_: str, version: int, actor: str) -> EditResult:
        """Bring an archived record back, as an explicit RESTORE in its history."""
        doc, record = await self._stored(kind, id_)
        if record is None or not record.archived:
            return _refused([Problem("id", f"no archived record '{id_}'.", "NOT_FOUND")])
        try:
            saved = await self.writer.update(self.repo(kind), dataclasses.replace(record, archived=False), version,
                                             actor, Operation.RESTORE, before=doc)
        except VersionConflict as e:
            return _refused([Problem("version", str(e), "VERSION_CONFLICT")])
        await self._announce(record, saved)
        return EditResult(record=saved)

    async def link(self, activity_id: str, version: int, field_name: str, key: str, unlink: bool,
                   actor: str) -> EditResult:
        """Link a record to a processing activity (or unlink it). `field_name` is the activity's list
        (`purposes`, `data_categories`, `recipients`, ...); `key` the record's key."""
        kind = BY_COLLECTION["processing_activities"]
        doc, a = await self._stored(kind, activity_id)
        if a is None:
            return _refused([Problem("activity", f"no processing activity '{activity_id}'.", "NOT_FOUND")])
        current = [p.purpose for p in a.purposes] if field_name == "purposes" else list(getattr(a, field_name))
        value = key
        if field_name == "data_categories":
            value = (await self._category_ids(a.organization, [key]))[0]
        if unlink:
            if value not in current:
                return _refused([Problem("key", f"'{key}' is not linked to this activity.", "NOT_LINKED")])
            new = [k for k in current if k != value]
        else:
            if value in current:
                return _refused([Problem("key", f"'{key}' is already linked.", "ALREADY_LINKED")])
            new = [*current, value]
        if field_name == "purposes":
            kept = {p.purpose: p for p in a.purposes}
            changed = dataclasses.replace(a, purposes=[kept.get(k) or m.PurposeAssignment(k) for k in new])
        else:
            changed = dataclasses.replace(a, **{field_name: new})
        return await self.save(kind, a, changed, version, actor, doc)

    async def assign_basis(self, activity_id: str, version: int, purpose: str, assignment: m.BasisAssignment,
                           remove: bool, actor: str) -> EditResult:
        """Assign a lawful basis or Art 9(2) condition to a purpose of an activity (or remove it); the purpose is
        added to the activity when missing."""
        kind = BY_COLLECTION["processing_activities"]
        doc, a = await self._stored(kind, activity_id)
        if a is None:
            return _refused([Problem("activity", f"no processing activity '{activity_id}'.", "NOT_FOUND")])
        art9 = assignment.basis.split(":", 1)[-1].startswith("art9-")
        purposes = list(a.purposes)
        index = next((i for i, p in enumerate(purposes) if p.purpose == purpose), None)
        if index is None:
            if remove:
                return _refused([Problem("purpose", f"the activity has no purpose '{purpose}'.", "NOT_LINKED")])
            purposes.append(m.PurposeAssignment(purpose))
            index = len(purposes) - 1
        p = purposes[index]
        field_name = "special_category_conditions" if art9 else "lawful_bases"
        items = list(getattr(p, field_name))
        others = [b for b in items if b.basis != assignment.basis]
        if remove and len(others) == len(items):
            return _refused([Problem("basis", f"'{assignment.basis}' is not assigned to '{purpose}'.", "NOT_LINKED")])
        purposes[index] = dataclasses.replace(p, **{field_name: others if remove else [*others, assignment]})
        return await self.save(kind, a, dataclasses.replace(a, purposes=purposes), version, actor, doc)

    # --- what refers to what -----------------------------------------------------------------------------------

    async def references_to(self, kind: RecordKind, record: Any) -> list[str]:
        """Ids of live records that refer to this one: one query per kind that can refer to it."""
        if kind.scope is Scope.REGISTER:
            found = await asyncio.gather(*(
                self.repos.of(k).collection.find({"organization": record.slug, "archived": {"$ne": True}},
                                                 {"_id": 1}).limit(5).to_list(None) for k in INVENTORY))
            return [d["_id"] for docs in found for d in docs]
        slug = getattr(record, "organization", None)
        value = record.key if kind.scope is Scope.ORGANIZATION else record.id
        by_kind: dict[str, list[dict[str, Any]]] = {}
        for k, ref in referrers(kind.collection):
            by_kind.setdefault(k.collection, []).append({ref.path: value})
        queries = []
        for name, conditions in by_kind.items():
            q: dict[str, Any] = {"archived": {"$ne": True},
                                 **(conditions[0] if len(conditions) == 1 else {"$or": conditions})}
            if slug:
                q["organization"] = slug
            queries.append(self.repos.of(name).collection.find(q, {"_id": 1}).limit(20).to_list(None))
        if kind.parents and slug:  # an organisation's own categories under this one
            queries.append(self.repos.of(kind).collection.find(
                {"organization": slug, "archived": {"$ne": True}}, {"_id": 1, "key": 1}).to_list(None))
        found = await asyncio.gather(*queries)
        out = [d["_id"] for docs in found[:len(by_kind)] for d in docs]
        if kind.parents and slug:
            out += [d["_id"] for d in found[-1] if d.get("key", "").startswith(f"{record.key}.")]
        return out

    async def _verify_targets(self, kind: RecordKind, before: Any, saved: Any, actor: str) -> EditResult:
        """After a change that names records it did not name before, check they are still live (one may have been
        archived while the change was written); if not, undo the change."""
        old = {(t, i) for _, t, i in references(before)} if before is not None else set()
        new = {(t, i) for _, t, i in references(saved) if (t, i) not in old
               and BY_COLLECTION[t].scope is not Scope.REFERENCE and t != kind.collection}
        if not new:
            return EditResult(record=saved)
        by_collection: dict[str, set[str]] = {}
        for t, i in new:
            by_collection.setdefault(t, set()).add(i)
        found = await asyncio.gather(*(self.repos.of(t).docs(ids) for t, ids in by_collection.items()))
        gone = sorted(i for docs in found for i, d in docs.items() if d.get("archived"))
        if not gone:
            return EditResult(record=saved)
        if before is not None:
            await self.writer.update(self.repo(kind), dataclasses.replace(before, version=saved.version),
                                     saved.version, f"{actor} (undone: archived meanwhile)")
        else:
            await self.writer.update(self.repo(kind), dataclasses.replace(saved, archived=True), saved.version,
                                     f"{actor} (undone: archived meanwhile)", Operation.ARCHIVE)
        return _refused([Problem("id", f"{', '.join(gone)} was archived while this change was being written; the "
                                 "change is undone. Link a live record instead.", "UNKNOWN_REFERENCE")])

    # --- subprocessor notices ----------------------------------------------------------------------------------

    async def _announce(self, before: Any, after: Any) -> None:
        """Record the notice a change of a subprocessor calls for, effective after the notice period: the same
        notices whether the change comes from the API, an import or the seed."""
        if not isinstance(after, m.Recipient) or not (after.is_processor or (before and before.is_processor)):
            return
        org = await self.repos.organizations.get(after.organization)
        if org is None:
            return
        old = [before] if before is not None and not before.archived else []
        new = [after] if not after.archived else []
        notices = subprocessor_changes(org, old, new, _now())
        if notices:
            await self.repos.subprocessor_changes.upsert_many(notices)

