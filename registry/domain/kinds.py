"""The record kinds of the register, described once.

Each kind says where its records are stored, which class they are, how they are keyed and ordered, and what
they refer to. Storage (repositories, indexes), validation, editing (what an archive must check, what an edit
must look up), import and export, and the GraphQL surface (node resolution, the CRUD mutations) are derived from
this table. Adding a record kind is: its entry here, its dataclass, its GraphQL type and its rules.

Order matters: a kind comes after every kind it refers to, which is the order an inventory is written in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from registry.domain import models as m


class Scope(str, Enum):
    """Who a kind's records belong to."""

    REGISTER = "REGISTER"
    """The organisations themselves."""
    ORGANIZATION = "ORGANIZATION"
    """One organisation's records, keyed `slug/key`."""
    TAXONOMY = "TAXONOMY"
    """Shared records keyed by their own key, which organisations extend with records of their own."""
    REFERENCE = "REFERENCE"
    """Shared reference data (the law), keyed by a natural code; read-only through the API."""


class Style(str, Enum):
    """How a reference's stored value names its target."""

    KEY = "KEY"
    """A key within the same organisation: the target's id is `slug/key`."""
    ID = "ID"
    """The target's id itself (a country code, a basis `FRAMEWORK:code`, a category id)."""
    CATEGORY_KEY = "CATEGORY_KEY"
    """A data-category key: the shared taxonomy's, or the organisation's own (`slug/key`)."""


@dataclass(frozen=True)
class Reference:
    """A field of a record that names records of another kind.

    `path` is dotted through nested records and lists: `purposes.lawful_bases.basis` names the basis of every
    lawful basis of every purpose."""

    path: str
    target: str
    style: Style = Style.KEY
    what: str = ""
    """The target in words, for error messages (defaults to the target kind's `label`)."""

    @property
    def head(self) -> str:
        return self.path.split(".", 1)[0]


@dataclass(frozen=True)
class RecordKind:
    """One kind of record of the register."""

    collection: str
    cls: type
    label: str
    """The kind in the privacy team's words, singular: "processing activity"."""
    scope: Scope
    order: tuple[str, ...]
    unique: tuple[str, ...]
    references: tuple[Reference, ...] = ()
    unknown_code: str = "UNKNOWN_REFERENCE"
    """The error code when a record names one of this kind that does not exist."""
    hint: str = "define it first or fix the key"
    """What to do when a record names one of this kind that does not exist."""
    key_field: str = "key"
    parents: tuple[str, ...] = field(default=())
    """Fields holding the key of a parent of the same kind (the taxonomy's `parent_key`)."""

    @property
    def name(self) -> str:
        """The class name, which is also the GraphQL type's."""
        return self.cls.__name__

    @property
    def singular(self) -> str:
        """The collection's name for one record, as the API's field names use it: `processing_activity`."""
        c = self.collection
        return c[:-3] + "y" if c.endswith("ies") else c[:-1]

    @property
    def editable(self) -> bool:
        return self.scope is not Scope.REFERENCE

    @property
    def in_inventory(self) -> bool:
        """Listed in an organisation's inventory (the organisation itself is its head, not a list)."""
        return self.scope in (Scope.ORGANIZATION, Scope.TAXONOMY)


COUNTRY = RecordKind(
    "countries", m.Country, "country", Scope.REFERENCE, ("code",), ("code",), key_field="code",
    unknown_code="UNKNOWN_COUNTRY",
    hint="use an ISO 3166-1 alpha-2 code (or an international organisation's code) from the countries list")
LEGAL_BASIS = RecordKind(
    "legal_bases", m.LegalBasis, "lawful basis", Scope.REFERENCE, ("framework", "code"), ("framework", "code"),
    key_field="code", unknown_code="UNKNOWN_LEGAL_BASIS",
    hint="use FRAMEWORK:code from the legal bases list, e.g. GDPR:contract")
TRANSFER_MECHANISM = RecordKind(
    "transfer_mechanisms", m.TransferMechanism, "transfer mechanism", Scope.REFERENCE, ("code",), ("code",),
    key_field="code", unknown_code="UNKNOWN_MECHANISM",
    hint="use a code from the transfer mechanisms list, e.g. scc-2021-module-2")
ORGANIZATION = RecordKind(
    "organizations", m.Organization, "organisation", Scope.REGISTER, ("slug",), ("slug",), key_field="slug",
    references=(Reference("country", "countries", Style.ID),),
    hint="create it first or fix the slug")
DATA_CATEGORY = RecordKind(
    "data_categories", m.DataCategory, "data category", Scope.TAXONOMY, ("key",), ("organization", "key"),
    parents=("parent_key",))
DATA_SUBJECT = RecordKind(
    "data_subjects", m.DataSubjectCategory, "data-subject category", Scope.ORGANIZATION, ("organization", "key"),
    ("organization", "key"))
PURPOSE = RecordKind("purposes", m.Purpose, "purpose", Scope.ORGANIZATION, ("organization", "key"),
                     ("organization", "key"))
RECIPIENT = RecordKind(
    "recipients", m.Recipient, "recipient", Scope.ORGANIZATION, ("organization", "key"), ("organization", "key"),
    references=(Reference("countries", "countries", Style.ID),))
TRANSFER = RecordKind(
    "transfers", m.Transfer, "transfer", Scope.ORGANIZATION, ("organization", "key"), ("organization", "key"),
    references=(Reference("origin", "countries", Style.ID), Reference("destination", "countries", Style.ID),
                Reference("recipient", "recipients"), Reference("mechanism", "transfer_mechanisms", Style.ID)))
RETENTION_RULE = RecordKind(
    "retention_rules", m.RetentionRule, "retention rule", Scope.ORGANIZATION, ("organization", "key"),
    ("organization", "key"), references=(Reference("data_categories", "data_categories", Style.ID),))
SECURITY_MEASURE = RecordKind(
    "security_measures", m.SecurityMeasure, "security measure", Scope.ORGANIZATION, ("organization", "key"),
    ("organization", "key"))
SYSTEM = RecordKind(
    "systems", m.System, "system", Scope.ORGANIZATION, ("organization", "key"), ("organization", "key"),
    references=(Reference("hosted_by", "recipients"), Reference("locations", "countries", Style.ID),
                Reference("data_categories", "data_categories", Style.ID),
                Reference("security_measures", "security_measures")))
PROCESSING_ACTIVITY = RecordKind(
    "processing_activities", m.ProcessingActivity, "processing activity", Scope.ORGANIZATION,
    ("organization", "key"), ("organization", "key"),
    references=(
        Reference("purposes.purpose", "purposes"),
        Reference("purposes.lawful_bases.basis", "legal_bases", Style.ID),
        Reference("purposes.special_category_conditions.basis", "legal_bases", Style.ID),
        Reference("data_categories", "data_categories", Style.ID),
        Reference("data_subjects", "data_subjects"),
        Reference("recipients", "recipients"),
        Reference("transfers", "transfers"),
        Reference("retention_rules", "retention_rules"),
        Reference("security_measures", "security_measures"),
        Reference("systems", "systems"),
        Reference("recipient_categories.recipient", "recipients"),
        Reference("recipient_categories.data_categories", "data_categories", Style.ID),
    ))

KINDS: tuple[RecordKind, ...] = (
    COUNTRY, LEGAL_BASIS, TRANSFER_MECHANISM, ORGANIZATION, DATA_CATEGORY, DATA_SUBJECT, PURPOSE, RECIPIENT,
    TRANSFER, RETENTION_RULE, SECURITY_MEASURE, SYSTEM, PROCESSING_ACTIVITY,
)
"""Every kind, each after the kinds it refers to."""

BY_COLLECTION: dict[str, RecordKind] = {k.collection: k for k in KINDS}
BY_CLASS: dict[type, RecordKind] = {k.cls: k for k in KINDS}
EDITABLE: tuple[RecordKind, ...] = tuple(k for k in KINDS if k.editable)
INVENTORY: tuple[RecordKind, ...] = tuple(k for k in KINDS if k.in_inventory)
"""The lists of an organisation's inventory, in the order they are written."""
REFERENCE_DATA: tuple[RecordKind, ...] = tuple(k for k in KINDS if k.scope is Scope.REFERENCE)


def kind_of(record: Any) -> RecordKind:
    return BY_CLASS[type(record)]


def referrers(target: str) -> Iterator[tuple[RecordKind, Reference]]:
    """Every (kind, reference) that can name a record of the `target` kind."""
    for k in KINDS:
        for ref in k.references:
            if ref.target == target:
                yield k, ref


def values_at(obj: Any, path: str, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(field path, value) for every non-empty value at a dotted path, lists indexed: `purposes[0].purpose`."""
    head, _, rest = path.partition(".")
    value = getattr(obj, head, None)
    where = f"{prefix}.{head}" if prefix else head
    items = [(f"{where}[{i}]", v) for i, v in enumerate(value)] if isinstance(value, list) else [(where, value)]
    for p, v in items:
        if v is None or v == "":
            continue
        if rest:
            yield from values_at(v, rest, p)
        else:
            yield p, str(v)


def category_paths(kind: RecordKind) -> list[str]:
    """The dotted paths of a kind's fields that name data categories (`recipient_categories.data_categories`)."""
    return [r.path for r in kind.references if r.target == "data_categories"]


def map_at(data: Any, path: str, fn: Any) -> Any:
    """A plain mapping (as decoded from YAML or input, or encoded for export) with `fn` applied to the list of
    strings at a dotted path, through nested mappings and lists; other values are left as they are."""
    if not isinstance(data, dict):
        return data
    head, _, rest = path.partition(".")
    if head not in data:
        return data
    value = data[head]
    if rest:
        new = [map_at(v, rest, fn) for v in value] if isinstance(value, list) else map_at(value, rest, fn)
    else:
        new = fn(value) if isinstance(value, list) else value
    return {**data, head: new}


def target_id(ref: Reference, organization: str | None, value: str) -> str:
    """The id of the record a reference's value names (for CATEGORY_KEY, the organisation's own category's)."""
    if ref.style is Style.KEY and organization:
        return m.scoped_id(organization, value)
    return value


def category_id(organization: str | None, key: str, shared: bool) -> str:
    """The id of a data category named by its key: the key itself in the shared taxonomy, `slug/key` for the
    organisation's own (an organisation cannot define a key the taxonomy has, so the two never clash)."""
    if shared or not organization or "/" in key:
        return key
    return m.scoped_id(organization, key)


def organization_of(record: Any) -> str | None:
    """The slug of the organisation a record belongs to (its own slug for an organisation)."""
    if isinstance(record, m.Organization):
        return record.slug
    return getattr(record, "organization", None)
