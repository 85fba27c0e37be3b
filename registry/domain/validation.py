"""Invariants of the register's records, checked against what they refer to, with no I/O.

A record is checked on its own against a `Known` view of the register: the records it names. A whole inventory
is checked against itself and the reference data (seed, import); an edit against just the records it names,
which the editing service reads (`wanted` says which). Every problem names the path of the offending field,
what is wrong, and what to do about it.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol
from urllib.parse import urlsplit

from registry.domain import models as m
from registry.domain.durations import approximate_days, is_iso_duration
from registry.domain.enums import CategoryOrigin, DataSourceKind
from registry.domain.errors import Problem
from registry.domain.former_taxonomy import moved_key
from registry.domain.inventory import Inventory, ReferenceData
from registry.domain.kinds import (
    BY_COLLECTION,
    INVENTORY,
    RecordKind,
    Style,
    kind_of,
    organization_of,
    target_id,
    values_at,
)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REGISTRY_REFERENCE = re.compile(r"^registry:[A-Za-z0-9][A-Za-z0-9._/#-]*$")
"""A document kept in a document registry rather than on the web: `registry:<register>/<id>`."""
CATEGORY_KEY = re.compile(r"^[a-z0-9_]+(?:\.[a-z0-9_]+)*$")


class Known(Protocol):
    """What a record may refer to."""

    def get(self, collection: str, id_: str) -> Any | None:
        """The record of that kind with that id, or None when the register has none."""

    @property
    def documents(self) -> set[str] | None:
        """Keys of the organisation's source documents; None when sources are not to be checked."""

    def candidates(self, collection: str) -> Iterable[str]:
        """Ids of that kind an unknown reference may have meant (for "did you mean"); empty when not known."""


class KnownRecords:
    """A `Known` over records in memory, by collection and id."""

    def __init__(self, records: Iterable[Any] = (), documents: Iterable[str] | None = None):
        self.by_id: dict[str, dict[str, Any]] = {}
        self._documents = set(documents) if documents is not None else None
        self._candidates: dict[str, list[str]] = {}
        self.add(records)

    def suggest_from(self, collection: str, ids: Iterable[str]) -> None:
        """Offer these ids as suggestions for an unknown reference of that kind (when only some records of the
        kind were looked up, e.g. by an edit)."""
        self._candidates[collection] = list(ids)

    def candidates(self, collection: str) -> Iterable[str]:
        if collection in self._candidates:
            return self._candidates[collection]
        return self.by_id.get(collection, {}).keys()

    def add(self, records: Iterable[Any]) -> None:
        for r in records:
            self.by_id.setdefault(kind_of(r).collection, {})[r.id] = r

    def get(self, collection: str, id_: str) -> Any | None:
        return self.by_id.get(collection, {}).get(id_)

    @property
    def documents(self) -> set[str] | None:
        return self._documents


def known_in(inv: Inventory, ref: ReferenceData) -> KnownRecords:
    """Everything an inventory's records may refer to: the inventory itself and the reference data."""
    known = KnownRecords(documents=[d.key for d in inv.organization.documents])
    known.add([*ref.legal_bases, *ref.transfer_mechanisms, *ref.countries, *ref.data_categories,
               inv.organization])
    for kind in INVENTORY:
        known.add(inv.of(kind))
    return known


def _join(prefix: str, path: str) -> str:
    return f"{prefix}.{path}" if prefix and path else prefix or path


def references(record: Any) -> Iterator[tuple[str, str, str]]:
    """(field path, target collection, target id) for everything a record names, its taxonomy parent included."""
    kind = kind_of(record)
    org = organization_of(record) if kind.collection != "organizations" else None
    for ref in kind.references:
        for path, value in values_at(record, ref.path):
            yield path, ref.target, target_id(ref, org, value)
    for name in kind.parents:
        parent = getattr(record, name, None)
        if parent:
            yield "key", kind.collection, str(parent)
            if org:
                yield "key", kind.collection, m.scoped_id(org, str(parent))


def wanted(record: Any) -> dict[str, set[str]]:
    """The ids, by collection, that validating `record` looks up: what an edit must read first."""
    out: dict[str, set[str]] = {}
    for _, target, id_ in references(record):
        out.setdefault(target, set()).add(id_)
    if isinstance(record, m.DataCategory) and record.organization:
        out.setdefault("data_categories", set()).add(record.key)  # must not repeat a shared key
    return out


def sources(value: Any, path: str = "") -> Iterator[tuple[str, m.Source]]:
    """(field path, source) for every document source anywhere in a record."""
    if isinstance(value, m.Source):
        yield path, value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from sources(getattr(value, f.name), _join(path, f.name))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from sources(v, f"{path}[{i}]")


def _period(path: str, value: str | None) -> list[Problem]:
    if value is not None and not is_iso_duration(value):
        return [Problem(path, f"'{value}' is not an ISO 8601 duration; write e.g. P90D, P2Y, P26M or PT72H",
                        "INVALID_DURATION")]
    return []


def _empty(path: str, value: str, what: str, advice: str) -> list[Problem]:
    return [] if value.strip() else [Problem(path, f"the {what} is empty; {advice}", "EMPTY")]


def _organization(o: m.Organization, known: Known, p: str) -> list[Problem]:
    problems = []
    if not SLUG.match(o.slug):
        problems.append(Problem(_join(p, "slug"), f"'{o.slug}' must be lowercase letters, digits and hyphens",
                                "INVALID_SLUG"))
    problems += _empty(_join(p, "legal_name"), o.legal_name, "legal name", "give the name the documents use")
    problems += _period(_join(p, "subprocessor_notice_period"), o.subprocessor_notice_period)
    problems += duplicates(_join(p, "documents"), (d.key for d in o.documents))
    for i, c in enumerate(o.commitments):
        problems += _period(_join(p, f"commitments[{i}].period"), c.period)
    return problems


def _data_category(c: m.DataCategory, known: Known, p: str) -> list[Problem]:
    path = _join(p, "key")
    if not CATEGORY_KEY.match(c.key):
        return [Problem(path, f"'{c.key}' is not a dotted lowercase key like user.contact.email", "INVALID_KEY")]
    if c.organization is None:
        return []
    if c.category_origin is not CategoryOrigin.ORGANIZATION:
        return [Problem(_join(p, "category_origin"), f"'{c.key}' is the organisation's own category; only the shared "
                        "taxonomy has fideslang's categories and the registry's extensions", "INVALID_FIELD")]
    shared = known.get("data_categories", c.key)
    if shared is not None and shared.organization is None:
        return [Problem(path, f"'{c.key}' is already in the shared taxonomy; refer to it instead", "DUPLICATE_KEY")]
    parent = c.parent_key
    if parent is None or (known.get("data_categories", parent) is None
                          and known.get("data_categories", m.scoped_id(c.organization, parent)) is None):
        return [Problem(path, f"'{c.key}' must sit under an existing category (its parent '{parent}' does not "
                        "exist)", "UNKNOWN_PARENT")]
    return []


def _processing_activity(a: m.ProcessingActivity, known: Known, p: str) -> list[Problem]:
    problems = _empty(_join(p, "name"), a.name, "name", "name the activity as the privacy team knows it")
    for i, pa in enumerate(a.purposes):
        for field, art9 in (("lawful_bases", False), ("special_category_conditions", True)):
            for j, b in enumerate(getattr(pa, field)):
                basis = known.get("legal_bases", b.basis)
                if basis is not None and art9 != basis.code.startswith("art9-"):
                    want = "an Art 9(2) condition (GDPR:art9-...)" if art9 else \
                        "a lawful basis, not an Art 9(2) condition"
                    problems.append(Problem(_join(p, f"purposes[{i}].{field}[{j}].basis"),
                                            f"'{b.basis}' is not {want}", "WRONG_BASIS_KIND"))
    return problems + _accountability(a, p)


def document_location_problem(location: str) -> str | None:
    """Why a document link's location is not an absolute http(s) URL or a `registry:` reference; None when it is."""
    if REGISTRY_REFERENCE.match(location):
        return None
    parsed = urlsplit(location)
    if parsed.scheme in ("http", "https") and parsed.netloc and " " not in location:
        return None
    return (f"'{location}' is neither an absolute http(s) URL (https://host/path) nor a registry reference "
            "(registry:<register>/<id>, e.g. registry:dpo-register/LIA-2026-07); give where the document is kept")


MAX_REVIEW_INTERVAL_DAYS = 3653
"""Ten years: an entry reviewed less often is not being kept up to date."""


def _accountability(a: m.ProcessingActivity, p: str) -> list[Problem]:
    problems = _period(_join(p, "review_interval"), a.review_interval)
    days = approximate_days(a.review_interval)
    if not problems and (days is None or not 1 <= days <= MAX_REVIEW_INTERVAL_DAYS):
        problems.append(Problem(_join(p, "review_interval"), f"'{a.review_interval}' is not an interval between a "
                                "day and ten years; write e.g. P12M or P6M", "INVALID_DURATION"))
    for i, d in enumerate(a.document_links):
        why = document_location_problem(d.location)
        if why:
            problems.append(Problem(_join(p, f"document_links[{i}].location"), why, "INVALID_LOCATION"))
    for i, s in enumerate(a.data_sources):
        if s.kind == DataSourceKind.THIRD_PARTY and not (s.name or "").strip():
            problems.append(Problem(_join(p, f"data_sources[{i}].name"), "a third-party source needs the name of the "
                                    "third party (Art 14(2)(f)); give it, or use PUBLICLY_AVAILABLE", "EMPTY"))
    for i, j in enumerate(a.joint_controllers):
        problems += _empty(_join(p, f"joint_controllers[{i}].name"), j.name, "joint controller's name",
                           "name the other controller")
    if a.has_joint_controllers is False and a.joint_controllers:
        problems.append(Problem(_join(p, "has_joint_controllers"), "the activity says it has no joint controller but "
                                "names some; set hasJointControllers to true or remove them", "CONTRADICTION"))
    shared = [r.recipient for r in a.recipient_categories]
    problems += duplicates(_join(p, "recipient_categories"), shared)
    for i, r in enumerate(a.recipient_categories):
        if r.recipient not in a.recipients:
            problems.append(Problem(_join(p, f"recipient_categories[{i}].recipient"), f"'{r.recipient}' is not one of "
                                    "the activity's recipients; link it first (recipients) or fix the key",
                                    "NOT_LINKED"))
    return problems


def _system(s: m.System, known: Known, p: str) -> list[Problem]:
    return _empty(_join(p, "name"), s.name, "name", "name the system as the organisation knows it")


def _retention_rule(r: m.RetentionRule, known: Known, p: str) -> list[Problem]:
    return _period(_join(p, "period"), r.period)


KIND_RULES: dict[str, Callable[[Any, Known, str], list[Problem]]] = {
    "organizations": _organization,
    "data_categories": _data_category,
    "processing_activities": _processing_activity,
    "retention_rules": _retention_rule,
    "systems": _system,
}
"""The invariants particular to a kind, beyond keys, references and sources."""


def validate_record(record: Any, known: Known, prefix: str = "",
                    checked: set[tuple[str, str]] | None = None) -> list[Problem]:
    """Every problem of one record. References in `checked` (collection, id) were valid before and are not
    looked up again."""
    kind = kind_of(record)
    problems: list[Problem] = []
    if kind.scope.value == "ORGANIZATION" and not SLUG.match(record.key):
        problems.append(Problem(_join(prefix, "key"), f"'{record.key}' must be lowercase letters, digits and "
                                "hyphens", "INVALID_KEY"))
    for path, target, id_ in references(record):
        if path == "key":  # the taxonomy's parent: its own rule says what is wrong
            continue
        if checked and (target, id_) in checked:
            continue
        if known.get(target, id_) is None:
            problems.append(_unknown(kind, _join(prefix, path), target, id_, known.candidates(target)))
    documents = known.documents
    if documents is not None:
        for path, src in sources(record):
            if src.document not in documents:
                problems.append(Problem(_join(_join(prefix, path), "document"),
                                        f"'{src.document}' is not one of the organisation's documents "
                                        f"({', '.join(sorted(documents)) or 'none listed'}); add it under "
                                        "organization.documents", "UNKNOWN_DOCUMENT"))
    rule = KIND_RULES.get(kind.collection)
    if rule:
        problems += rule(record, known, prefix)
    return problems


def _shown(target: str, id_: str) -> str:
    t = BY_COLLECTION[target]
    return id_.split("/", 1)[1] if "/" in id_ and t.scope.value in ("ORGANIZATION", "TAXONOMY") else id_


def closest(wrong: str, options: Iterable[str], n: int = 3) -> list[str]:
    """The keys `wrong` most likely meant: those whose last dotted part is (nearly) its last part ('user.email'
    -> 'user.contact.email'), then near misspellings of the whole key. Shared prefixes such as 'user.' do not
    count as likeness, so 'user.shoe_size' suggests nothing."""
    options = sorted(set(options))
    tails: dict[str, list[str]] = {}
    for o in options:
        tails.setdefault(o.rsplit(".", 1)[-1], []).append(o)
    near = [o for t in difflib.get_close_matches(wrong.rsplit(".", 1)[-1], list(tails), n=n, cutoff=0.8)
            for o in tails[t]]
    near += difflib.get_close_matches(wrong, options, n=n, cutoff=0.8)
    return list(dict.fromkeys(near))[:n]


def _unknown(kind: RecordKind, path: str, target: str, id_: str, candidates: Iterable[str] = ()) -> Problem:
    t = BY_COLLECTION[target]
    shown = _shown(target, id_)
    what = "country code" if target == "countries" else t.label
    if target == "data_categories" and moved_key(shown) != shown:
        return Problem(path, f"unknown {what} '{shown}': the shared taxonomy became fideslang's, and this key is now "
                       f"'{moved_key(shown)}' (the README's table of former keys); use that key", t.unknown_code)
    close = closest(shown, (_shown(target, c) for c in candidates))
    meant = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return Problem(path, f"unknown {what} '{shown}'; {t.hint}.{meant}" if meant else
                   f"unknown {what} '{shown}'; {t.hint}", t.unknown_code)


def duplicates(path: str, keys: Iterable[str]) -> list[Problem]:
    return [
        Problem(path, f"key '{k}' is used {n} times; each key must be unique within the list", "DUPLICATE_KEY")
        for k, n in Counter(keys).items()
        if n > 1
    ]


def validate_reference(ref: ReferenceData) -> list[Problem]:
    """Check the shared reference data: unique keys and a taxonomy whose parents exist."""
    problems = duplicates("legal_bases", (b.id for b in ref.legal_bases))
    problems += duplicates("transfer_mechanisms", (x.code for x in ref.transfer_mechanisms))
    problems += duplicates("countries", (c.code for c in ref.countries))
    problems += duplicates("data_categories", (c.key for c in ref.data_categories))
    keys = {c.key for c in ref.data_categories}
    for i, c in enumerate(ref.data_categories):
        if not CATEGORY_KEY.match(c.key):
            problems.append(Problem(f"data_categories[{i}].key", f"'{c.key}' is not a dotted lowercase key"))
        if c.organization is not None or c.category_origin is CategoryOrigin.ORGANIZATION:
            problems.append(Problem(f"data_categories[{i}]", f"'{c.key}' is in the shared taxonomy: fideslang's or "
                                    "the registry's extension, not an organisation's"))
        if c.parent_key and c.parent_key not in keys:
            problems.append(
                Problem(f"data_categories[{i}].key", f"parent '{c.parent_key}' of '{c.key}' is not in the taxonomy")
            )
    return problems


def validate_inventory(inv: Inventory, ref: ReferenceData) -> list[Problem]:
    """Every problem of an inventory; an empty list means it can be stored."""
    known = known_in(inv, ref)
    problems = validate_record(inv.organization, known, "organization")
    for kind in INVENTORY:
        records = inv.of(kind)
        problems += duplicates(kind.collection, (r.key for r in records))
        for i, r in enumerate(records):
            problems += validate_record(r, known, f"{kind.collection}[{i}]")
    return problems


__all__ = ["Known", "KnownRecords", "Style", "validate_inventory", "validate_record", "validate_reference",
           "wanted", "known_in", "references"]
