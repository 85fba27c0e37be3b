"""Reading a list's related records before the list is resolved, so its nested fields answer without waiting.

graphql-core awaits a resolver's result only when the result is awaitable. A field that shows related records
(an activity's data categories, a transfer's destination) answers with them at once when this request has
already read them, and with a coroutine that reads them through the batch loader otherwise (`now_or_later`).

A resolver that returns many parents, such as an organisation's processing activities, first reads the related
records of all of them (`prefetch_activities`): one batched read per collection and nesting level, for the
fields the query selects and no others. The thousands of nested fields below are then plain function calls
instead of coroutines and tasks, which is most of the cost of a large answer in graphql-core.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from strawberry.types.nodes import SelectedField, Selection

from registry.domain import models as m
from registry.graphql.context import Info
from registry.graphql.loaders import Loaders

R = TypeVar("R")

Tree = dict[str, "Tree"]
"""The fields a query selects below a field, by GraphQL name, fragments merged in."""


def now_or_later(info: Info, collection: str, ids: Sequence[str],
                 build: Callable[[list[Any]], Any] | _Shown) -> Any:
    """`build(records)` now when the records with these ids have been read in this request; otherwise an
    awaitable of it. Resolvers return this as their result: graphql-core accepts either. `build` is a function
    of the records, or `every(cls)` / `first(cls)`."""
    loaders = info.context.loaders
    if isinstance(build, _Shown):
        build = build.within(loaders.shown)
    found = loaders.ready(collection, ids)
    if found is not None:
        return build(found)

    async def later() -> Any:
        return build(await loaders.many(collection, ids))

    return later()


class _Shown:
    """Build: the records found as `cls` (all of them, or the first or None), each record's object made once per
    request (`Loaders.shown`): a category named by 400 activities is one object, not 400."""

    __slots__ = ("cls", "one")

    def __init__(self, cls: Any, one: bool):
        self.cls, self.one = cls, one

    def within(self, shown: dict[tuple[Any, int], Any]) -> Callable[[list[Any]], Any]:
        cls = self.cls

        def made(o: Any) -> Any:
            key = (cls, id(o))  # the request's loaders hold every record it read, so an id is not reused
            value = shown.get(key)
            if value is None:
                value = shown[key] = cls.from_domain(o)
            return value

        if self.one:
            return lambda found: made(found[0]) if found else None
        return lambda found: [made(o) for o in found]


def every(cls: Any) -> _Shown:
    """Build: each record found, as `cls`."""
    return _Shown(cls, one=False)


def first(cls: Any) -> _Shown:
    """Build: the one record found, as `cls`, or None."""
    return _Shown(cls, one=True)


def selected(info: Info) -> Tree:
    """The selection below the field being resolved."""
    return _tree(info.selected_fields[0].selections if info.selected_fields else [])


def _tree(selections: Iterable[Selection]) -> Tree:
    out: Tree = {}
    for s in selections:
        below = _tree(s.selections)
        if isinstance(s, SelectedField):
            _merge(out.setdefault(s.name, {}), below)
        else:  # a fragment: its fields belong to this level
            _merge(out, below)
    return out


def _merge(into: Tree, other: Tree) -> None:
    for name, below in other.items():
        _merge(into.setdefault(name, {}), below)


class _Reads:
    """The ids to read per collection for one nesting level."""

    def __init__(self) -> None:
        self.ids: dict[str, set[str]] = {}

    def add(self, collection: str, ids: Iterable[str | None]) -> None:
        self.ids.setdefault(collection, set()).update(i for i in ids if i)

    async def run(self, loaders: Loaders) -> dict[str, list[Any]]:
        wanted = {c: sorted(ids) for c, ids in self.ids.items() if ids}
        found = await asyncio.gather(*(loaders.many(c, ids) for c, ids in wanted.items()))
        return dict(zip(wanted, found, strict=True))


async def prefetch_activities(info: Info, activities: Sequence[m.ProcessingActivity], path: Sequence[str] = ()) -> None:
    """Read, in one batched read per collection and level, every related record the selection shows. `path`
    leads from the field being resolved to the activities' selection (e.g. `edges`, `node` in a connection)."""
    tree = selected(info)
    for name in path:
        tree = tree.get(name, {})
    if not activities or not tree:
        return

    def scoped(a: m.ProcessingActivity, keys: Iterable[str]) -> list[str]:
        return [m.scoped_id(a.organization, k) for k in keys]

    level1 = _Reads()
    for a in activities:
        if "organization" in tree:
            level1.add("organizations", [a.organization])
        if "dataCategories" in tree:
            level1.add("data_categories", a.data_categories)
        if "dataSubjects" in tree:
            level1.add("data_subjects", scoped(a, a.data_subjects))
        if "recipients" in tree or "subprocessors" in tree:
            level1.add("recipients", scoped(a, a.recipients))
        if "transfers" in tree:
            level1.add("transfers", scoped(a, a.transfers))
        if "retentionRules" in tree:
            level1.add("retention_rules", scoped(a, a.retention_rules))
        if "securityMeasures" in tree:
            level1.add("security_measures", scoped(a, a.security_measures))
        if "systems" in tree:
            level1.add("systems", scoped(a, a.systems))
        shares = tree.get("recipientCategories", {})
        if "recipient" in shares:
            level1.add("recipients", scoped(a, (r.recipient for r in a.recipient_categories)))
        if "dataCategories" in shares:
            level1.add("data_categories", (c for r in a.recipient_categories for c in r.data_categories))
        if "lawfulBases" in tree:
            level1.add("legal_bases", (b.basis for p in a.purposes for b in p.lawful_bases))
        purposes = tree.get("purposes", {})
        if "purpose" in purposes or "name" in purposes:
            level1.add("purposes", scoped(a, (p.purpose for p in a.purposes)))
        if purposes.keys() & {"lawfulBases", "specialCategoryConditions", "lawfulBasisStatements"}:
            level1.add("legal_bases", (b.basis for p in a.purposes for b in p.lawful_bases))
            level1.add("legal_bases", (b.basis for p in a.purposes for b in p.special_category_conditions))
    read = await level1.run(info.context.loaders)

    level2 = _Reads()
    recipients = tree.get("recipients", {}) | tree.get("subprocessors", {})
    if "countries" in recipients:
        level2.add("countries", (c for r in read.get("recipients", []) for c in r.countries))
    transfers = tree.get("transfers", {})
    for t in read.get("transfers", []):
        if "origin" in transfers:
            level2.add("countries", [t.origin])
        if "destination" in transfers:
            level2.add("countries", [t.destination])
        if "mechanism" in transfers:
            level2.add("transfer_mechanisms", [t.mechanism])
        if "recipient" in transfers:
            level2.add("recipients", [m.scoped_id(t.organization, t.recipient) if t.recipient else None])
    systems = tree.get("systems", {})
    for s in read.get("systems", []):
        if "locations" in systems:
            level2.add("countries", s.locations)
        if "dataCategories" in systems:
            level2.add("data_categories", s.data_categories)
        if "hostedBy" in systems:
            level2.add("recipients", [m.scoped_id(s.organization, s.hosted_by) if s.hosted_by else None])
        if "securityMeasures" in systems:
            level2.add("security_measures", (m.scoped_id(s.organization, k) for k in s.security_measures))
    if "dataCategories" in tree.get("retentionRules", {}):
        level2.add("data_categories", (c for r in read.get("retention_rules", []) for c in r.data_categories))
    await level2.run(info.context.loaders)


def reads_context_only(resolver: Callable[..., R]) -> Callable[..., R]:
    """Mark a resolver `(self, info)` that uses nothing of `info` but `info.context`: the executor may call it
    with the context alone (registry/graphql/execution.py). Put it under `@strawberry.field`."""
    resolver.__registry_context_only__ = True  # type: ignore[attr-defined]
    return resolver
