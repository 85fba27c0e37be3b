"""Moving a stored register onto the shared taxonomy of fideslang (issue 15), with history for every record changed.

A database seeded before the move holds the registry's former keys (`user.special.health`) in the shared
taxonomy, in the records that name data categories, and as the parents of organisations' own categories. The
migration maps every one of them through `former_taxonomy.moved_key`, through the versioned writer (actor
`taxonomy-migration`), in an order that never leaves a stored reference naming a category that is not there:

1. the shared taxonomy as it is now is stored: fideslang's categories and the registry's extensions created,
   those whose name, description or flags changed updated; the former keys stay live meanwhile;
2. an organisation's own category under a renamed key is created under its new key (parents first);
3. every record naming a moved category is rewritten to name its new key: the kinds that refer to data
   categories are read from the kinds table (`kinds.referrers`), so a new kind that names categories is migrated
   without a change here; archived records are rewritten too, so restoring one names live keys;
4. the organisation's own categories that moved are archived (children first), and so are the former shared
   categories, each only once nothing live names it.

Running it again changes nothing. A register that never held a former key has nothing to migrate.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from registry.domain import models as m
from registry.domain.enums import CategoryOrigin
from registry.domain.former_taxonomy import FORMER_KEYS, RENAMED, moved_key
from registry.domain.history import Operation
from registry.domain.kinds import DATA_CATEGORY, RecordKind, category_paths, map_at, referrers
from registry.services.editing import Editor
from registry.storage.codec import decode
from registry.storage.repositories import STORAGE_FIELDS, Repositories, same
from registry.storage.writer import AlreadyExists, VersionConflict, Writer

ACTOR = "taxonomy-migration"


@dataclass(frozen=True)
class OwnMove:
    """An organisation's own category whose key moves: to `new_id`, a category created for it (`created`), or
    one that already exists (a shared category, or another of the organisation's own), which it merges into."""

    old: m.DataCategory
    new_id: str
    created: m.DataCategory | None


@dataclass(frozen=True)
class Rewrite:
    """A record that names moved categories, as stored (`before`) and as it will be (`after`)."""

    kind: RecordKind
    before: dict[str, Any]
    after: Any
    moves: tuple[tuple[str, str], ...]


@dataclass
class TaxonomyPlan:
    """What migrating the register would do."""

    taxonomy: list[m.DataCategory]
    """The shared taxonomy as it is now, stored in step 1."""
    create_shared: list[str] = field(default_factory=list)
    change_shared: list[str] = field(default_factory=list)
    own_moves: list[OwnMove] = field(default_factory=list)
    own_completed: list[tuple[dict[str, Any], m.DataCategory]] = field(default_factory=list)
    """An organisation's own categories that keep their key, stored before the move: (stored, with the fields the
    move added, such as who defines it)."""
    rewrites: list[Rewrite] = field(default_factory=list)
    archive_shared: list[m.DataCategory] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def holds_former_keys(self) -> bool:
        return bool(self.own_moves or self.rewrites or self.archive_shared)

    @property
    def empty(self) -> bool:
        return not (self.create_shared or self.change_shared or self.own_completed or self.holds_former_keys)

    def lines(self) -> list[str]:
        out = [f"  create   data_categories        {k}" for k in self.create_shared]
        out += [f"  change   data_categories        {k}" for k in self.change_shared]
        for o in self.own_moves:
            how = "rename" if o.created else "merge"
            out.append(f"  {how:8} data_categories        {o.old.id} -> {o.new_id}")
        out += [f"  change   data_categories        {c.id}: records who defines it" for _, c in self.own_completed]
        for r in self.rewrites:
            moves = ", ".join(f"{a} -> {b}" for a, b in r.moves)
            out.append(f"  change   {r.kind.collection:22} {r.before['_id']}: {moves}")
        out += [f"  archive  data_categories        {c.key} (now {moved_key(c.key)})" for c in self.archive_shared]
        out += [f"  note     {n}" for n in self.notes]
        created = len(self.create_shared) + sum(1 for o in self.own_moves if o.created)
        archived = len(self.archive_shared) + len(self.own_moves)
        changed = len(self.change_shared) + len(self.own_completed) + len(self.rewrites)
        out.append(f"Plan: {created} to create, {changed} to change, {archived} to archive.")
        return out


@dataclass
class MigrationReport:
    """What applying a plan did; `left` lists what it could not do (someone changed the record meanwhile)."""

    changed: int = 0
    left: list[str] = field(default_factory=list)


async def holds_former_keys(repos: Repositories) -> bool:
    """True when the shared taxonomy still holds a live former key: the register was seeded before the move and
    not migrated yet (the migration archives those last, so this holds until it has finished)."""
    return await repos.data_categories.count(
        {"_id": {"$in": sorted(RENAMED)}, "organization": None, "archived": {"$ne": True}}) > 0


async def plan_migration(repos: Repositories, taxonomy: list[m.DataCategory]) -> TaxonomyPlan:
    """Compare the register with the shared taxonomy `taxonomy` (as `load_reference` reads it)."""
    plan = TaxonomyPlan(taxonomy)
    repo = repos.data_categories
    shared_docs = {d["_id"]: d async for d in repo.collection.find({"organization": None})}
    new = {c.key for c in taxonomy}
    for c in taxonomy:
        doc = shared_docs.get(c.key)
        if doc is None:
            plan.create_shared.append(c.key)
        elif not same(doc, repo.to_doc(c)):
            plan.change_shared.append(c.key)

    moves: dict[str, str] = {}
    for key, doc in shared_docs.items():
        if key not in new and not doc.get("archived"):
            if moved_key(key) in new:
                moves[key] = moved_key(key)
                plan.archive_shared.append(repo.from_doc(doc))
            else:
                plan.notes.append(f"'{key}' is no longer in the shared taxonomy and has no new key; it is left as "
                                  "it is (archive it once nothing names it)")
    plan.archive_shared.sort(key=lambda c: -c.key.count("."))

    own_docs = {d["_id"]: d async for d in repo.collection.find({"organization": {"$ne": None},
                                                                  "archived": {"$ne": True}})}
    own = [repo.from_doc(d) for d in own_docs.values()]
    will_exist = {c.id for c in own}
    for c in sorted(own, key=lambda c: c.key.count(".")):  # parents first
        key = moved_key(c.key)
        if key == c.key and key not in new:
            if not same(own_docs[c.id], repo.to_doc(c)):
                plan.own_completed.append((own_docs[c.id], c))
            continue
        assert c.organization is not None
        target = key if key in new else m.scoped_id(c.organization, key)
        created = None
        if target in will_exist or key in new:
            plan.notes.append(f"{c.id} merges into {target}, which already exists: what named it names that now")
        else:
            created = dataclasses.replace(c, key=key, version=0)
            will_exist.add(target)
        moves[c.id] = target
        plan.own_moves.append(OwnMove(c, target, created))

    def moved(value: str) -> str:
        if value in moves:
            return moves[value]
        if "/" not in value and value not in new and moved_key(value) in new:  # a former key not stored
            return moved_key(value)
        return value

    used: set[str] = set()
    for kind, paths in _referring_kinds():
        krepo = repos.of(kind)
        async for doc in krepo.collection.find({}).sort([("_id", 1)]):
            data = {k: v for k, v in doc.items() if k not in STORAGE_FIELDS}
            changed: list[tuple[str, str]] = []

            def rename(ids: list[Any], changed: list[tuple[str, str]] = changed) -> list[Any]:
                out = []
                for i in ids:
                    j = moved(i) if isinstance(i, str) else i
                    if j != i:
                        changed.append((i, j))
                    if j not in out:  # two former keys that became one are named once
                        out.append(j)
                return out

            for path in paths:
                data = map_at(data, path, rename)
            if changed:
                used.update(a for a, _ in changed)
                plan.rewrites.append(Rewrite(kind, doc, decode(kind.cls, data, where=kind.collection),
                                             tuple(dict.fromkeys(changed))))
    for key in sorted(used):
        note = FORMER_KEYS.get(key.split("/")[-1])
        if note is not None and note.note:
            plan.notes.append(f"{key} -> {note.new}: {note.note}")
    return plan


def _referring_kinds() -> Iterable[tuple[RecordKind, list[str]]]:
    """Each kind that names data categories, with the paths of its fields that do (from the kinds table)."""
    seen: dict[str, RecordKind] = {}
    for kind, _ in referrers(DATA_CATEGORY.collection):
        seen.setdefault(kind.collection, kind)
    return [(kind, category_paths(kind)) for kind in seen.values()]


async def apply_migration(repos: Repositories, plan: TaxonomyPlan, actor: str = ACTOR) -> MigrationReport:
    """Carry out a plan in the order the module's docstring gives; each record changed gets one history entry."""
    report = MigrationReport()
    writer = Writer(repos)
    editor = Editor(repos)
    repo = repos.data_categories
    counts = await writer.store_many(repo, plan.taxonomy, actor)
    report.changed += counts.created + counts.updated
    report.left += list(counts.conflicts)
    for doc, c in plan.own_completed:
        try:
            await writer.update(repo, c, doc.get("version", 0), actor, before=doc)
            report.changed += 1
        except VersionConflict:
            report.left.append(f"{c.id} (changed meanwhile: run the migration again)")
    for o in plan.own_moves:
        if o.created is not None:
            try:
                await writer.create(repo, o.created, actor)
                report.changed += 1
            except AlreadyExists:  # created meanwhile: the records move onto that one
                pass
    for r in plan.rewrites:
        try:
            await writer.update(repos.of(r.kind), r.after, r.before.get("version", 0), actor, before=r.before)
            report.changed += 1
        except VersionConflict:
            report.left.append(f"{r.before['_id']} (changed meanwhile: run the migration again)")
    own_old = sorted((o.old for o in plan.own_moves), key=lambda c: -c.key.count("."))
    for c in [*own_old, *plan.archive_shared]:  # children first, then the former shared keys
        refs = await editor.references_to(DATA_CATEGORY, c)
        if c.organization and moved_key(c.key) == c.key:  # merged into fideslang's category of the same key: its
            # own children keep their keys, under fideslang's now
            refs = [r for r in refs if not r.startswith(f"{c.id}.")]
        if refs:
            report.left.append(f"{c.id} (still named by {', '.join(sorted(refs)[:5])}: run the migration again)")
            continue
        stored = await repo.collection.find_one({"_id": c.id})
        if stored is None or stored.get("archived"):
            continue
        gone = dataclasses.replace(c, archived=True, category_origin=CategoryOrigin.ORGANIZATION if c.organization
                                   else CategoryOrigin.REGISTRY)
        try:
            await writer.update(repo, gone, stored.get("version", 0), actor, Operation.ARCHIVE, before=stored)
            report.changed += 1
        except VersionConflict:
            report.left.append(f"{c.id} (changed meanwhile: run the migration again)")
    return report


async def migrate_if_needed(repos: Repositories, taxonomy: Callable[[], list[m.DataCategory]]) -> list[str]:
    """For `registry serve`: migrate a register that still holds former keys onto `taxonomy()` (read only then);
    the lines saying what changed, none when there was nothing to migrate."""
    if not await holds_former_keys(repos):
        return []
    plan = await plan_migration(repos, taxonomy())
    report = await apply_migration(repos, plan)
    lines = ["The register held the data-category keys of the registry's former taxonomy; it now uses fideslang's "
             f"(the README's table of former keys). {report.changed} record(s) changed, each with a history entry "
             f"by '{ACTOR}':", *plan.lines()]
    lines += [f"  NOT DONE {x}" for x in report.left]
    return lines


def former_keys_table(taxonomy: list[m.DataCategory]) -> str:
    """The README's table of the former keys (Markdown), made from `former_taxonomy.FORMER_KEYS`."""
    by_key = {c.key: c for c in taxonomy}
    who = {CategoryOrigin.FIDESLANG: "fideslang", CategoryOrigin.REGISTRY: "registry extension"}
    rows = ["| Former key | Its name then | Key now | Defined by | Note |", "| --- | --- | --- | --- | --- |"]
    for old, move in FORMER_KEYS.items():
        now = by_key[move.new]
        key = f"`{move.new}`" if move.new != old else "same"
        rows.append(f"| `{old}` | {move.name} | {key} | {who[now.category_origin]} | {move.note or ''} |")
    return "\n".join(rows)
