"""Privacy-as-code: an organisation's inventory as a file in the seed format, and applying such a file.

`export_mapping` writes what `inventory_from_mapping` reads, so export then import is a no-op. `plan` compares a
file with the register; `apply` carries the plan out through the versioned writer, so every change it makes has
its history (actor `import:<file>`), and records the file no longer lists are archived, not deleted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from registry.domain.errors import InvalidInventory
from registry.domain.inventory import Inventory
from registry.domain.kinds import INVENTORY, ORGANIZATION, category_paths, map_at
from registry.domain.validation import validate_inventory
from registry.services.editing import Editor
from registry.services.inventory_files import LISTS, inventory_from_mapping
from registry.services.registers import read_inventory, read_reference
from registry.storage.codec import encode
from registry.storage.repositories import Repositories, same
from registry.storage.writer import Interrupted

BOOKKEEPING = ("organization", "version", "archived")


def _clean(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """Drop bookkeeping and fields left at their default, for a file a person can read."""
    defaults = {f.name: f.default if f.default is not dataclasses.MISSING else (
        f.default_factory() if f.default_factory is not dataclasses.MISSING else object())  # type: ignore[misc]
        for f in dataclasses.fields(cls)}
    return {k: v for k, v in data.items() if k not in BOOKKEEPING and v != encode(defaults.get(k, object()))}


def export_mapping(inv: Inventory) -> dict[str, Any]:
    slug = inv.organization.slug
    prefix = f"{slug}/"

    def keys(ids: list[str]) -> list[str]:
        return [i.removeprefix(prefix) for i in ids]

    org = {k: v for k, v in _clean(type(inv.organization), encode(inv.organization)).items()}
    org["slug"] = slug
    out: dict[str, Any] = {"organization": {"slug": slug, **{k: v for k, v in org.items() if k != "slug"}}}
    out["data_categories"] = [_clean(type(c), encode(c)) for c in inv.data_categories]
    for kind in LISTS:
        items = []
        for r in inv.of(kind):
            d = _clean(type(r), encode(r))
            for path in category_paths(kind):
                d = map_at(d, path, keys)
            items.append(d)
        out[kind.collection] = items
    return out


@dataclass
class Plan:
    """What applying a file would do, per collection."""

    inventory: Inventory
    create: dict[str, list[str]] = field(default_factory=dict)
    change: dict[str, list[str]] = field(default_factory=dict)
    archive: dict[str, list[str]] = field(default_factory=dict)
    unchanged: int = 0

    @property
    def empty(self) -> bool:
        return not any([*self.create.values(), *self.change.values(), *self.archive.values()])

    @property
    def size(self) -> int:
        return sum(len(v) for d in (self.create, self.change, self.archive) for v in d.values())

    def lines(self) -> list[str]:
        out = []
        for verb, what in (("create", self.create), ("change", self.change), ("archive", self.archive)):
            for collection, ids in what.items():
                out += [f"  {verb:8} {collection:22} {i}" for i in ids]
        total = {v: sum(len(x) for x in d.values()) for v, d in
                 (("create", self.create), ("change", self.change), ("archive", self.archive))}
        out.append(f"Plan: {total['create']} to create, {total['change']} to change, {total['archive']} to archive, "
                   f"{self.unchanged} unchanged.")
        return out


async def plan(repos: Repositories, data: Any, where: str) -> Plan:
    """Compare a file with the register; raises InvalidInventory listing every problem of the file."""
    ref = await read_reference(repos)
    inv = inventory_from_mapping(data, where, ref)
    problems = validate_inventory(inv, ref)
    if problems:
        raise InvalidInventory(where, problems)
    try:
        current: Inventory | None = await read_inventory(repos, inv.organization.slug)
    except LookupError:
        current = None
    p = Plan(inv)
    for kind in (ORGANIZATION, *INVENTORY):
        name = kind.collection
        new = [inv.organization] if kind is ORGANIZATION else inv.of(kind)
        old = ([current.organization] if kind is ORGANIZATION else current.of(kind)) if current else []
        repo = repos.of(kind)
        old_docs = {o.id: repo.to_doc(o) for o in old}
        for r in new:
            doc = repo.to_doc(r)
            if r.id not in old_docs:
                p.create.setdefault(name, []).append(r.id)
            elif not same(old_docs[r.id], doc):
                p.change.setdefault(name, []).append(r.id)
            else:
                p.unchanged += 1
        gone = sorted(set(old_docs) - {r.id for r in new})
        if gone:
            p.archive[name] = gone
    return p


async def apply(repos: Repositories, p: Plan, actor: str, progress: Callable[[int], None] | None = None,
                stop: Callable[[], bool] | None = None) -> list[str]:
    """Carry out a plan: create and change with history, then archive what the file no longer lists. Returns the
    ids of records someone else changed while the import ran: those keep the other change (the file's version
    of them is not applied), and the import says so."""
    from registry.services.seeding import SeedReport, store_inventory

    report = SeedReport()
    await store_inventory(repos, p.inventory, report, actor, stop=stop)
    if progress:
        progress(sum(len(v) for d in (p.create, p.change) for v in d.values()))
    editor = Editor(repos)
    for kind in reversed(INVENTORY):  # activities first: they are what refers to the rest
        for id_ in p.archive.get(kind.collection, []):
            if stop is not None and stop():
                raise Interrupted(p.size - sum(len(v) for v in p.archive.values()))
            record = await repos.of(kind).get(id_)
            if record is not None:
                result = await editor.archive(kind, id_, record.version, actor)
                if result.errors:
                    raise InvalidInventory(id_, result.errors)
            if progress:
                progress(1)
    return report.conflicts
