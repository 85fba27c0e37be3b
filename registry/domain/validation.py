"""Invariants of an inventory, checked against the reference data, with no I/O.

Every problem names the path of the offending field, what is wrong, and what to do about it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from registry.domain.durations import is_iso_duration
from registry.domain.errors import Problem
from registry.domain.inventory import Inventory, ReferenceData
from registry.domain.models import BasisAssignment, Source

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CATEGORY_KEY = re.compile(r"^[a-z0-9_]+(?:\.[a-z0-9_]+)*$")


def _duplicates(path: str, keys: Iterable[str]) -> list[Problem]:
    return [
        Problem(path, f"key '{k}' is used {n} times; each key must be unique within the list", "DUPLICATE_KEY")
        for k, n in Counter(keys).items()
        if n > 1
    ]


def validate_reference(ref: ReferenceData) -> list[Problem]:
    """Check the shared reference data: unique keys and a taxonomy whose parents exist."""
    problems = _duplicates("legal_bases", (b.id for b in ref.legal_bases))
    problems += _duplicates("transfer_mechanisms", (m.code for m in ref.transfer_mechanisms))
    problems += _duplicates("countries", (c.code for c in ref.countries))
    problems += _duplicates("data_categories", (c.key for c in ref.data_categories))
    keys = {c.key for c in ref.data_categories}
    for i, c in enumerate(ref.data_categories):
        if not CATEGORY_KEY.match(c.key):
            problems.append(Problem(f"data_categories[{i}].key", f"'{c.key}' is not a dotted lowercase key"))
        if c.parent_key and c.parent_key not in keys:
            problems.append(
                Problem(f"data_categories[{i}].key", f"parent '{c.parent_key}' of '{c.key}' is not in the taxonomy")
            )
    return problems


def validate_inventory(inv: Inventory, ref: ReferenceData) -> list[Problem]:
    """Every problem of an inventory; an empty list means it can be stored."""
    org = inv.organization
    problems: list[Problem] = []
    countries = {c.code for c in ref.countries}
    bases = {b.id: b for b in ref.legal_bases}
    mechanisms = {m.code for m in ref.transfer_mechanisms}
    shared_categories = {c.key for c in ref.data_categories}
    own_categories = {c.key for c in inv.data_categories}
    documents = {d.key for d in org.documents}

    def country(path: str, code: str | None) -> None:
        if code is not None and code not in countries:
            problems.append(
                Problem(path, f"unknown country code '{code}'; use an ISO 3166-1 alpha-2 code from the countries list",
                        "UNKNOWN_COUNTRY")
            )

    def source(path: str, src: Source | None) -> None:
        if src is not None and src.document not in documents:
            problems.append(
                Problem(f"{path}.document", f"'{src.document}' is not one of the organisation's documents "
                        f"({', '.join(sorted(documents)) or 'none listed'}); add it under organization.documents",
                        "UNKNOWN_DOCUMENT")
            )

    def period(path: str, value: str | None) -> None:
        if value is not None and not is_iso_duration(value):
            problems.append(
                Problem(path, f"'{value}' is not an ISO 8601 duration; write e.g. P90D, P2Y, P26M or PT72H",
                        "INVALID_DURATION")
            )

    def refs(path: str, wanted: Iterable[str], known: set[str], what: str) -> None:
        for i, key in enumerate(wanted):
            if key not in known:
                problems.append(Problem(f"{path}[{i}]", f"unknown {what} '{key}'; define it first or fix the key",
                                        "UNKNOWN_REFERENCE"))

    def basis(path: str, a: BasisAssignment, art9: bool) -> None:
        b = bases.get(a.basis)
        if b is None:
            problems.append(Problem(f"{path}.basis", f"unknown lawful basis '{a.basis}'; use FRAMEWORK:code from "
                                    "the legal bases list, e.g. GDPR:contract", "UNKNOWN_LEGAL_BASIS"))
        elif art9 != b.code.startswith("art9-"):
            want = "an Art 9(2) condition (GDPR:art9-...)" if art9 else "a lawful basis, not an Art 9(2) condition"
            problems.append(Problem(f"{path}.basis", f"'{a.basis}' is not {want}", "WRONG_BASIS_KIND"))
        source(f"{path}.source", a.source)

    if not SLUG.match(org.slug):
        problems.append(Problem("organization.slug", f"'{org.slug}' must be lowercase letters, digits and hyphens",
                                "INVALID_SLUG"))
    if not org.legal_name.strip():
        problems.append(Problem("organization.legal_name", "the legal name is empty; give the name the documents use",
                                "EMPTY"))
    country("organization.country", org.country)
    period("organization.subprocessor_notice_period", org.subprocessor_notice_period)
    problems += _duplicates("organization.documents", (d.key for d in org.documents))
    for i, c in enumerate(org.commitments):
        period(f"organization.commitments[{i}].period", c.period)
        source(f"organization.commitments[{i}].source", c.source)
    for i, ct in enumerate(org.contacts):
        source(f"organization.contacts[{i}].source", ct.source)
    if org.minimum_age:
        source("organization.minimum_age.source", org.minimum_age.source)

    for i, cat in enumerate(inv.data_categories):
        p = f"data_categories[{i}]"
        if not CATEGORY_KEY.match(cat.key):
            problems.append(Problem(f"{p}.key", f"'{cat.key}' is not a dotted lowercase key like user.contact.email",
                                    "INVALID_KEY"))
        elif cat.key in shared_categories:
            problems.append(Problem(f"{p}.key", f"'{cat.key}' is already in the shared taxonomy; refer to it instead",
                                    "DUPLICATE_KEY"))
        elif cat.parent_key is None or cat.parent_key not in shared_categories | own_categories:
            problems.append(Problem(f"{p}.key", f"'{cat.key}' must sit under an existing category (its parent "
                                    f"'{cat.parent_key}' does not exist)", "UNKNOWN_PARENT"))
        source(f"{p}.source", cat.source)
    # Records refer to data categories by id: a shared key, or slug/key for the organisation's own.
    categories = shared_categories | {c.id for c in inv.data_categories}

    lists: dict[str, list[Any]] = {
        "data_subjects": inv.data_subjects,
        "purposes": inv.purposes,
        "recipients": inv.recipients,
        "transfers": inv.transfers,
        "retention_rules": inv.retention_rules,
        "security_measures": inv.security_measures,
        "processing_activities": inv.processing_activities,
    }
    for name, records in lists.items():
        problems += _duplicates(name, (r.key for r in records))
        for i, r in enumerate(records):
            if not SLUG.match(r.key):
                problems.append(Problem(f"{name}[{i}].key", f"'{r.key}' must be lowercase letters, digits and hyphens",
                                        "INVALID_KEY"))
            source(f"{name}[{i}].source", r.source)
    problems += _duplicates("data_categories", (c.key for c in inv.data_categories))

    recipients = {r.key for r in inv.recipients}
    for i, r in enumerate(inv.recipients):
        for j, code in enumerate(r.countries):
            country(f"recipients[{i}].countries[{j}]", code)
    for i, t in enumerate(inv.transfers):
        country(f"transfers[{i}].origin", t.origin)
        country(f"transfers[{i}].destination", t.destination)
        if t.recipient is not None and t.recipient not in recipients:
            problems.append(Problem(f"transfers[{i}].recipient", f"unknown recipient '{t.recipient}'",
                                    "UNKNOWN_REFERENCE"))
        if t.mechanism is not None and t.mechanism not in mechanisms:
            problems.append(Problem(f"transfers[{i}].mechanism", f"unknown transfer mechanism '{t.mechanism}'; use a "
                                    "code from the transfer mechanisms list, e.g. scc-2021-module-2",
                                    "UNKNOWN_MECHANISM"))
    for i, rr in enumerate(inv.retention_rules):
        period(f"retention_rules[{i}].period", rr.period)
        refs(f"retention_rules[{i}].data_categories", rr.data_categories, categories, "data category")

    keys = {name: {r.key for r in records} for name, records in lists.items()}
    for i, a in enumerate(inv.processing_activities):
        p = f"processing_activities[{i}]"
        if not a.name.strip():
            problems.append(Problem(f"{p}.name", "the name is empty; name the activity as the privacy team knows it",
                                    "EMPTY"))
        for j, pa in enumerate(a.purposes):
            if pa.purpose not in keys["purposes"]:
                problems.append(Problem(f"{p}.purposes[{j}].purpose", f"unknown purpose '{pa.purpose}'",
                                        "UNKNOWN_REFERENCE"))
            for k, b in enumerate(pa.lawful_bases):
                basis(f"{p}.purposes[{j}].lawful_bases[{k}]", b, art9=False)
            for k, b in enumerate(pa.special_category_conditions):
                basis(f"{p}.purposes[{j}].special_category_conditions[{k}]", b, art9=True)
        refs(f"{p}.data_categories", a.data_categories, categories, "data category")
        refs(f"{p}.data_subjects", a.data_subjects, keys["data_subjects"], "data-subject category")
        refs(f"{p}.recipients", a.recipients, keys["recipients"], "recipient")
        refs(f"{p}.transfers", a.transfers, keys["transfers"], "transfer")
        refs(f"{p}.retention_rules", a.retention_rules, keys["retention_rules"], "retention rule")
        refs(f"{p}.security_measures", a.security_measures, keys["security_measures"], "security measure")
    return problems
