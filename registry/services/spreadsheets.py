"""Registers in spreadsheets: the registry's own workbook, and the UK ICO's record-of-processing layout.

**The registry's workbook** has a sheet per kind of record (Activities, Lawful bases, Purposes, Data subjects,
Recipients, Transfers, Retention rules, Security measures, Data categories), an Organisation sheet, an
Instructions sheet and a Lists sheet of the reference data behind the drop-down lists. A row is a record, keyed by
its Key column; a list cell holds one value per line. An activity's purposes are its rows in Lawful bases (one
row per purpose and lawful basis, with the LIA location and the Art 9(2) condition). A column the workbook leaves
out, and what no column holds (sources, stated wordings), keep the register's values; a record the workbook does
not list is kept, not archived.

**The ICO layout** is one row per activity with the ICO's questions (`../shared/ROPA-TEMPLATES.md`) as headers,
optionally after "Activity key" and "Activity name" columns. `ICO_COLUMNS` says what each question becomes.

Reading never evaluates anything: a formula is refused, a text starting with `=`, `+`, `-` or `@` is kept as text,
and written back as text (XLSX: a text cell with Excel's quote prefix; CSV: a leading apostrophe), so no value
becomes a formula in anyone's spreadsheet.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from rapidfuzz import fuzz, process

from registry.domain import models as m
from registry.domain.enums import DpaStatus, RecipientKind, Role, SubprocessorAuthorisation
from registry.domain.errors import InvalidInventory
from registry.domain.former_taxonomy import FORMER_NAMES
from registry.domain.inventory import Inventory, ReferenceData
from registry.domain.kinds import BY_COLLECTION, INVENTORY, ORGANIZATION, category_id, kind_of
from registry.domain.ropa_templates import Template, questions
from registry.services.cells import escape_csv, put, unescape_csv
from registry.services.imports import current_inventories, plan_inventory
from registry.services.inventory_sync import Plan
from registry.services.registers import read_reference
from registry.storage.codec import encode
from registry.storage.repositories import Repositories

NOT_RECORDED = "Not recorded"
MAX_ROWS = 1000
"""Rows per sheet an import takes by default (REGISTRY_MAX_IMPORT_ROWS)."""
MAX_UNZIPPED_BYTES = 200_000_000
"""An XLSX file is a zip archive: the most its parts may unpack to (a guard against zip bombs). XML inside is
parsed with defusedxml, which openpyxl uses when it is installed (entity-expansion bombs)."""
SUGGEST_AT = 60.0
"""The least rapidfuzz score (0-100) at which a close value is offered as a suggestion."""


# --- columns --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of a sheet: the record field it holds, its header and how a cell is read."""

    field: str
    header: str
    kind: str = "text"
    """text, list, bool, date, enum, country, countries, mechanism, basis, categories, keys:<collection> (a list of
    keys), ref:<collection> (one key)."""
    required: bool = False
    choices: str | None = None
    """The Lists column behind its drop-down."""
    help: str = ""


K = Column("key", "Key", required=True, help="lowercase letters, digits and hyphens; unique in the sheet")
SHEETS: dict[str, tuple[str, list[Column]]] = {
    "Activities": ("processing_activities", [
        K, Column("name", "Name", required=True),
        Column("role", "Role", "enum", True, "Roles", "CONTROLLER or PROCESSOR"),
        Column("description", "Description"),
        Column("controller", "Controller (for a processor)"),
        Column("subprocessor_authorisation", "Subprocessor authorisation", "enum", choices="Authorisations"),
        Column("art10_authority", "Art 10 authority"),
        Column("data_categories", "Data categories", "categories", choices="Data categories",
               help="one key (or name) per line, e.g. user.contact.email"),
        Column("data_subjects", "Data subjects", "keys:data_subjects", help="keys from Data subjects, one per line"),
        Column("recipients", "Recipients", "keys:recipients", help="keys from Recipients, one per line"),
        Column("transfers", "Transfers", "keys:transfers", help="keys from Transfers, one per line"),
        Column("retention_rules", "Retention rules", "keys:retention_rules", help="keys from Retention rules"),
        Column("security_measures", "Security measures", "keys:security_measures", help="keys from Security measures"),
    ]),
    "Lawful bases": ("purposes_of_activities", [
        Column("activity", "Activity", "key", True, help="the activity's key"),
        Column("purpose", "Purpose", "ref:purposes", True, help="the purpose's key, from Purposes"),
        Column("basis", "Lawful basis", "basis", choices="Lawful bases", help="e.g. GDPR:contract"),
        Column("balancing_test", "LIA (where the balancing test is kept)"),
        Column("condition", "Art 9(2) condition", "basis", choices="Art 9 conditions"),
    ]),
    "Purposes": ("purposes", [K, Column("name", "Name", required=True), Column("description", "Description")]),
    "Data subjects": ("data_subjects", [
        K, Column("name", "Name", required=True), Column("description", "Description"),
        Column("children", "Includes children", "bool", choices="Yes/no")]),
    "Recipients": ("recipients", [
        K, Column("name", "Name", required=True),
        Column("kind", "Kind", "enum", choices="Recipient kinds"),
        Column("role", "Role", "enum", choices="Roles"),
        Column("named", "Named in the policy", "bool", choices="Yes/no"),
        Column("services", "Services", "list"),
        Column("countries", "Countries", "countries", choices="Countries", help="ISO codes, one per line"),
        Column("dpa", "DPA", "enum", choices="DPA statuses"),
        Column("dpa_note", "DPA note"), Column("dpf_certification", "DPF certification")]),
    "Transfers": ("transfers", [
        K, Column("origin", "Origin", "country", choices="Countries"),
        Column("destination", "Destination", "country", choices="Countries"),
        Column("destination_note", "Destination note"),
        Column("recipient", "Recipient", "ref:recipients", help="a key from Recipients"),
        Column("mechanism", "Mechanism", "mechanism", choices="Mechanisms"),
        Column("stated_as", "Stated as"), Column("occasional", "Occasional", "bool", choices="Yes/no"),
        Column("tia_date", "TIA date", "date"), Column("tia_outcome", "TIA outcome")]),
    "Retention rules": ("retention_rules", [
        K, Column("covers", "Covers", required=True),
        Column("data_categories", "Data categories", "categories", choices="Data categories"),
        Column("period", "Period", help="ISO 8601 duration, e.g. P2Y"), Column("trigger", "From"),
        Column("reason", "Reason"), Column("stated_as", "Stated as")]),
    "Security measures": ("security_measures", [K, Column("description", "Description", required=True)]),
    "Data categories": ("data_categories", [
        Column("key", "Key", required=True, help="dotted, under an existing category: user.contact.fax"),
        Column("name", "Name", required=True), Column("description", "Description")]),
}
ORG_FIELDS = [Column("slug", "Slug", required=True), Column("legal_name", "Legal name", required=True),
              Column("description", "Description"), Column("country", "Country", "country", choices="Countries"),
              Column("address", "Address")]
ENUMS: dict[str, type[Enum]] = {"role": Role, "subprocessor_authorisation": SubprocessorAuthorisation,
                          "kind": RecipientKind, "dpa": DpaStatus}

# The ICO layout: question key -> (what it becomes, the registry field or None when not imported)
ICO_QUESTIONS: list[tuple[str, str]] = [(q.key, q.english) for q in questions(Template.UK_ICO)]
"""The ICO layout's columns: the questions of registry/domain/ropa_templates.py, the one list of them."""
ICO_IMPORTED = {
    "ICO.1.1": "the organisation's legal name", "ICO.1.2": "a contact of the organisation",
    "ICO.1.4": "the organisation's DPO", "ICO.1.5": "the organisation's representative",
    "ICO.1.6": "the activity's role", "ICO.2.1": "the activity's purposes (one per line)",
    "ICO.2.2": "the activity's description", "ICO.3.1": "the activity's data subjects (one per line)",
    "ICO.3.2": "the activity's data categories (taxonomy keys or names, one per line)",
    "ICO.4.1": "the activity's recipients (one per line)",
    "ICO.5.1": "the activity's transfers (a country code or name per line)",
    "ICO.5.2": "each transfer's mechanism (one per line, in the order of ICO.5.1, or one for all)",
    "ICO.6.1": "the activity's retention rules (one per line)",
    "ICO.7.1": "the activity's security measures (one per line)",
    "ICO.8.1": "the lawful basis of each purpose", "ICO.8.2": "the stated wording of the legitimate-interests basis",
    "ICO.8.3": "where the legitimate-interests balancing test (LIA) is kept",
    "ICO.8.4": "the Art 9(2) condition of each purpose",
}
ICO_DERIVED = {
    "ICO.3.3": "the registry derives it from the data categories' Art 9/10 flags",
    "ICO.4.2": "the registry derives it from the recipients",
    "ICO.10.1": "the registry's DPIA screening answers it",
    "ICO.11.1": "the registry derives the rights from the lawful bases",
}
def retention_line(r: m.RetentionRule) -> str:
    """A retention rule as one line of ICO.6.1 (and how an import recognises it again)."""
    how = r.period or (r.stated_as if r.stated_as and r.stated_as != r.covers else None)
    return one_line(r.covers + (f": {how}" if how else "") + (f" from {r.trigger}" if r.trigger and r.period else ""))


ICO_HEADERS = {f"{k} {q}".lower(): k for k, q in ICO_QUESTIONS} | {k.lower(): k for k, _ in ICO_QUESTIONS} | {
    q.lower(): k for k, q in ICO_QUESTIONS}


# --- the plan -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetProblem:
    """Something wrong in a cell (or a row, or the workbook): where, what, and what to do."""

    sheet: str
    row: int | None
    column: str | None
    message: str
    suggestion: str | None = None
    score: float | None = None
    code: str = "INVALID_CELL"

    @property
    def place(self) -> str:
        return self.sheet + (f", row {self.row}" if self.row else "") + (f", column {self.column}" if self.column
                                                                        else "")

    def line(self) -> str:
        hint = f" Did you mean {self.suggestion}? (score {self.score:.0f})" if self.suggestion and self.score \
            else f" {self.suggestion}" if self.suggestion else ""
        return f"  PROBLEM  {self.place}: {self.message}{hint}"


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class RowOutcome:
    """What one row becomes: a record created, changed (field by field) or unchanged."""

    sheet: str
    row: int
    collection: str
    id: str
    action: str
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class SheetPlan:
    """A workbook's import plan: per row what it does, every problem with its place, and what each column became.
    Nothing is written until the plan is confirmed (by its hash over HTTP, `--yes` on the command line)."""

    source: str
    layout: str
    organization: str | None
    rows: list[RowOutcome] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    plan: Plan | None = None

    @property
    def hash(self) -> str:
        body = json.dumps([self.layout, self.organization, [dataclasses.asdict(r) for r in self.rows],
                           [dataclasses.asdict(p) for p in self.problems]], sort_keys=True, default=str)
        return hashlib.sha256(body.encode()).hexdigest()

    @property
    def counts(self) -> dict[str, int]:
        out = {"create": 0, "change": 0, "unchanged": 0}
        for r in self.rows:
            out[r.action] += 1
        return out

    def lines(self) -> list[str]:
        out = [f"{self.source}: the {self.layout} layout, organisation {self.organization or '(unknown)'}"]
        out += [f"  column   {c}" for c in self.columns]
        for r in self.rows:
            if r.action == "unchanged":
                continue
            out.append(f"  {r.action:9} {r.sheet}, row {r.row}: {r.collection} {r.id}")
            out += [f"             {c.field}: {_show(c.before)} -> {_show(c.after)}" for c in r.changes]
        out += [p.line() for p in self.problems]
        c = self.counts
        out.append(f"Plan: {c['create']} to create, {c['change']} to change, {c['unchanged']} unchanged; "
                   f"{len(self.problems)} problem(s). Plan hash {self.hash[:16]}.")
        return out

    def as_json(self) -> dict[str, Any]:
        return {"source": self.source, "layout": self.layout, "organization": self.organization,
                "hash": self.hash, "counts": self.counts, "columns": self.columns,
                "rows": [dataclasses.asdict(r) for r in self.rows],
                "problems": [{**dataclasses.asdict(p), "place": p.place} for p in self.problems]}


def _show(v: Any) -> str:
    if v is None or v == [] or v == "":
        return "(empty)"
    return json.dumps(v, ensure_ascii=False, default=str) if not isinstance(v, str) else repr(v)


# --- reading cells --------------------------------------------------------------------------------------------


@dataclass
class Table:
    """One sheet as header names and rows of raw cell values, with the sheet's own problems."""

    title: str
    headers: list[str]
    rows: list[tuple[int, list[Any]]]


def _read_xlsx(content: bytes, problems: list[SheetProblem], max_rows: int) -> list[Table]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
        if unpacked > MAX_UNZIPPED_BYTES:
            problems.append(SheetProblem("(workbook)", None, None, f"the workbook unpacks to {unpacked:,} bytes, more "
                                         f"than the {MAX_UNZIPPED_BYTES:,} an import reads; split it",
                                         code="TOO_LARGE"))
            return []
        wb = load_workbook(io.BytesIO(content), data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        problems.append(SheetProblem("(workbook)", None, None, f"not an XLSX workbook ({type(e).__name__}); save it "
                                     "as Excel Workbook (.xlsx) or CSV", code="NOT_A_WORKBOOK"))
        return []
    tables = []
    for ws in wb.worksheets:
        if ws.title in ("Instructions", "Lists"):
            continue
        for rng in ws.merged_cells.ranges:
            problems.append(SheetProblem(ws.title, rng.min_row, get_column_letter(rng.min_col),
                                         f"merged cells {rng.coord}: only the first keeps a value; unmerge them and "
                                         "fill each cell", code="MERGED_CELLS"))
        rows = list(ws.iter_rows())
        if not rows:
            continue
        headers = [str(c.value).strip() if c.value is not None else "" for c in rows[0]]
        body: list[tuple[int, list[Any]]] = []
        for r in rows[1:]:
            values: list[Any] = []
            for c in r:
                if c.data_type == "f":
                    problems.append(SheetProblem(ws.title, c.row, _col(c.column, headers),
                                                 f"a formula ({c.value}): the registry does not compute formulas; "
                                                 "type the value itself", code="FORMULA"))
                    values.append(None)
                else:
                    values.append(c.value)
            if any(v not in (None, "") for v in values):
                body.append((r[0].row, values))
        if len(body) > max_rows:
            problems.append(SheetProblem(ws.title, body[max_rows][0], None,
                                         f"{len(body)} rows: an import takes at most {max_rows} rows per sheet; split "
                                         "the workbook (or raise REGISTRY_MAX_IMPORT_ROWS)", code="TOO_MANY_ROWS"))
        tables.append(Table(ws.title, headers, body))
    return tables


def _read_csv(content: bytes, problems: list[SheetProblem], max_rows: int, title: str) -> list[Table]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(SheetProblem(title, None, None, "not UTF-8 text: save the CSV file as UTF-8",
                                     code="NOT_UTF8"))
        return []
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return []
    body = [(i, [unescape_csv(v) for v in r]) for i, r in enumerate(rows[1:], start=2) if any(v.strip() for v in r)]
    if len(body) > max_rows:
        problems.append(SheetProblem(title, body[max_rows][0], None, f"{len(body)} rows: an import takes at most "
                                     f"{max_rows} rows; split the file", code="TOO_MANY_ROWS"))
    return [Table(title, [h.strip() for h in rows[0]], body)]


def _col(index: int, headers: list[str]) -> str:
    name = headers[index - 1] if 0 < index <= len(headers) else ""
    return f"{get_column_letter(index)} ({name})" if name else get_column_letter(index)


def _norm(header: str) -> str:
    return re.sub(r"\s+", " ", header.replace("*", "")).strip().lower()


def _split(value: Any, semicolons: bool = True) -> list[str]:
    """The values of a list cell: one per line (or separated by ';' where values are keys)."""
    if value is None:
        return []
    return [x.strip() for x in re.split(r"[\n;]" if semicolons else r"\n", str(value)) if x.strip()]


def one_line(text: str) -> str:
    """A value as one line of a list cell."""
    return " ".join(text.split())


# --- matching values against the reference data ---------------------------------------------------------------


class Matcher:
    """Matches what a cell says to the register's keys: exactly by key or name, else a problem with the closest
    choice and rapidfuzz's score."""

    def __init__(self, choices: dict[str, str], what: str, aliases: dict[str, str] | None = None):
        self.by_key = {k.lower(): k for k in choices}
        self.by_name = {v.lower(): k for k, v in choices.items()}
        self.by_alias = {a: k for a, k in (aliases or {}).items() if k in choices and a not in self.by_name}
        """Other names a cell may give for a key (lower-cased): a data category's name before the taxonomy
        became fideslang's."""
        self.labels = {k: f"{k} ({v})" if v and v != k else k for k, v in choices.items()}
        self.search = {k: f"{k} {v}" for k, v in choices.items()}
        self.what = what

    def __call__(self, text: str) -> tuple[str | None, str | None, float | None]:
        t = text.strip().lower()
        if t in self.by_key:
            return self.by_key[t], None, None
        if t in self.by_name:
            return self.by_name[t], None, None
        if t in self.by_alias:
            return self.by_alias[t], None, None
        best = process.extractOne(text, self.search, scorer=fuzz.WRatio, processor=lambda s: s.lower())
        if best and best[1] >= SUGGEST_AT:
            return None, self.labels[best[2]], float(best[1])
        return None, None, None


# --- building the inventory -----------------------------------------------------------------------------------


class Builder:
    """The register's inventory with a workbook's rows merged in, and every problem found on the way."""

    def __init__(self, inv: Inventory, ref: ReferenceData, source: str):
        self.inv, self.ref, self.source = inv, ref, source
        self.slug = inv.organization.slug
        self.problems: list[SheetProblem] = []
        self.origin: dict[tuple[str, str], tuple[str, int]] = {}
        """(collection, record id) -> (sheet, row) it came from."""
        self.countries = Matcher({c.code: c.name for c in ref.countries}, "country")
        self.mechanisms = Matcher({x.code: x.title for x in ref.transfer_mechanisms}, "transfer mechanism")
        art6 = sorted((b for b in ref.legal_bases if not b.code.startswith("art9-")),
                      key=lambda b: b.framework.value == "GDPR")  # GDPR's last: its titles win a tie ("Consent")
        self.bases = Matcher({b.id: b.title for b in art6}, "lawful basis")
        self.bases_ids = {b.article.lower(): b.id for b in ref.legal_bases if b.framework.value == "GDPR"} | {
            f"{b.article} {b.title}".lower(): b.id for b in ref.legal_bases if b.framework.value == "GDPR"}
        self.conditions = Matcher({b.id: b.title for b in ref.legal_bases if b.code.startswith("art9-")},
                                  "Art 9(2) condition")
        self.shared = {c.key for c in ref.data_categories}
        self._categories: tuple[tuple[m.DataCategory, ...], Matcher] | None = None

    def problem(self, sheet: str, row: int | None, column: str | None, message: str, suggestion: str | None = None,
                score: float | None = None, code: str = "INVALID_CELL") -> None:
        self.problems.append(SheetProblem(sheet, row, column, message, suggestion, score, code))

    def categories(self) -> Matcher:
        own = tuple(self.inv.data_categories)
        if self._categories is None or self._categories[0] != own:
            names = {c.key: c.name for c in self.ref.data_categories} | {c.key: c.name for c in own}
            self._categories = (own, Matcher(names, "data category", FORMER_NAMES))
        return self._categories[1]

    def category_ids(self, values: list[str], sheet: str, row: int, column: str) -> list[str]:
        match = self.categories()
        out = []
        for v in values:
            key, hint, score = match(v)
            if key is None:
                self.problem(sheet, row, column, f"'{v}' is not a data category of the taxonomy or of the "
                             "organisation (see the Lists sheet, or add it in Data categories)", hint, score,
                             "UNKNOWN_DATA_CATEGORY")
            else:
                out.append(category_id(self.slug, key, key in self.shared))
        return out

    def one(self, matcher: Matcher, value: str, sheet: str, row: int, column: str, code: str) -> str | None:
        article = self.bases_ids.get(value.strip().lower()) if matcher in (self.bases, self.conditions) else None
        if article is not None and (matcher is self.conditions) == article.startswith("GDPR:art9-"):
            return article
        key, hint, score = matcher(value)
        if key is None:
            self.problem(sheet, row, column, f"'{value}' is not a known {matcher.what}", hint, score, code)
        return key

    def keep(self, record: Any, sheet: str, row: int) -> None:
        at = (kind_of(record).collection, record.id)
        if at in self.origin and self.origin[at][0] == sheet:
            self.problem(sheet, row, "Key", f"the key '{record.key}' is already on row {self.origin[at][1]}; keys "
                         "are unique", code="DUPLICATE_KEY")
            return
        self.origin[at] = (sheet, row)
        self.inv = self.inv.replacing(record)

    def came_from(self, record: Any) -> tuple[str, int] | None:
        return self.origin.get((kind_of(record).collection, record.id))


# The registry's layout -----------------------------------------------------------------------------------------


def _cell_value(b: Builder, col: Column, raw: Any, sheet: str, row: int, letter: str) -> tuple[bool, Any]:
    """(ok, value) for one cell of a registry sheet."""
    where = f"{letter} ({col.header})"
    if isinstance(raw, str):
        raw = raw.strip()
    if raw is None or raw == "":
        if col.required:
            b.problem(sheet, row, where, f"{col.header} is required", code="REQUIRED")
            return False, None
        return True, [] if col.kind in ("list", "countries", "categories") or col.kind.startswith("keys:") else (
            False if col.kind == "bool" else None)
    if col.kind == "text" or col.kind == "key":
        return True, str(raw) if not isinstance(raw, float) or not raw.is_integer() else str(int(raw))
    if col.kind == "list":
        return True, _split(raw)
    if col.kind == "bool":
        s = str(raw).strip().lower()
        if isinstance(raw, bool) or s in ("true", "false", "yes", "no", "1", "0"):
            return True, raw if isinstance(raw, bool) else s in ("true", "yes", "1")
        b.problem(sheet, row, where, f"'{raw}' is not yes or no", code="INVALID_BOOLEAN")
        return False, None
    if col.kind == "date":
        if isinstance(raw, dt.datetime):
            return True, raw.date()
        if isinstance(raw, dt.date):
            return True, raw
        try:
            return True, dt.date.fromisoformat(str(raw).strip())
        except ValueError:
            b.problem(sheet, row, where, f"'{raw}' is not a date: write it as YYYY-MM-DD", code="INVALID_DATE")
            return False, None
    if col.kind == "enum":
        enum = ENUMS[col.field]
        s = str(raw).strip().upper().replace(" ", "_")
        if s in enum.__members__:
            return True, enum[s]
        b.problem(sheet, row, where, f"'{raw}' is not one of {', '.join(enum.__members__)}", code="INVALID_CHOICE")
        return False, None
    if col.kind == "country":
        return True, b.one(b.countries, str(raw), sheet, row, where, "UNKNOWN_COUNTRY")
    if col.kind == "countries":
        return True, [c for v in _split(raw) if (c := b.one(b.countries, v, sheet, row, where, "UNKNOWN_COUNTRY"))]
    if col.kind == "mechanism":
        return True, b.one(b.mechanisms, str(raw), sheet, row, where, "UNKNOWN_MECHANISM")
    if col.kind == "categories":
        return True, b.category_ids(_split(raw), sheet, row, where)
    if col.kind.startswith("keys:"):
        return True, _split(raw)
    if col.kind.startswith("ref:"):
        return True, str(raw).strip()
    raise AssertionError(col.kind)


def _columns(table: Table, spec: list[Column], b: Builder) -> dict[int, Column]:
    """Which spec column each header is; unknown headers are problems (nothing is silently dropped)."""
    by_header = {_norm(c.header): c for c in spec} | {c.field: c for c in spec}
    out: dict[int, Column] = {}
    for i, h in enumerate(table.headers):
        if not h:
            continue
        col = by_header.get(_norm(h))
        if col is None:
            b.problem(table.title, 1, f"{get_column_letter(i + 1)} ({h})", f"unknown column '{h}'; the columns of "
                      f"{table.title} are: {', '.join(c.header for c in spec)}", code="UNKNOWN_COLUMN")
        else:
            out[i] = col
    present = {c.field for c in out.values()}
    for c in spec:
        if c.required and c.field not in present:
            b.problem(table.title, 1, None, f"the required column '{c.header}' is missing", code="MISSING_COLUMN")
    return out


def _registry_layout(b: Builder, tables: dict[str, Table]) -> list[str]:
    notes = []
    order = ["Data categories", "Purposes", "Data subjects", "Recipients", "Transfers", "Retention rules",
             "Security measures", "Activities"]
    for title in order:
        table = tables.get(title)
        if table is None:
            continue
        collection, spec = SHEETS[title]
        kind = BY_COLLECTION[collection]
        cols = _columns(table, spec, b)
        notes.append(f"{title}: {', '.join(c.header for c in cols.values())}")
        existing = {r.key: r for r in b.inv.of(kind)}
        for row, values in table.rows:
            fields: dict[str, Any] = {}
            ok = True
            for i, col in cols.items():
                good, value = _cell_value(b, col, values[i] if i < len(values) else None, title, row,
                                          get_column_letter(i + 1))
                ok = ok and good
                fields[col.field] = value
            if not ok or not fields.get("key"):
                continue
            key = fields["key"]
            cur = existing.get(key)
            try:
                record = dataclasses.replace(cur, **fields) if cur else kind.cls(organization=b.slug, **fields)
            except TypeError as e:
                b.problem(title, row, None, f"incomplete row: {e}", code="INCOMPLETE_ROW")
                continue
            b.keep(record, title, row)
    table = tables.get("Lawful bases")
    if table is not None:
        notes.append("Lawful bases: the purposes of each activity, with their bases and Art 9(2) conditions")
        _lawful_bases(b, table)
    return notes


def _lawful_bases(b: Builder, table: Table) -> None:
    cols = _columns(table, SHEETS["Lawful bases"][1], b)
    activities = {a.key for a in b.inv.processing_activities}
    per: dict[str, dict[str, tuple[list[tuple[str, str | None]], list[str]]]] = {}
    for row, values in table.rows:
        cells: dict[str, Any] = {}
        for i, col in cols.items():
            raw = values[i] if i < len(values) else None
            raw = raw.strip() if isinstance(raw, str) else raw
            where = f"{get_column_letter(i + 1)} ({col.header})"
            if raw in (None, ""):
                if col.required:
                    b.problem(table.title, row, where, f"{col.header} is required", code="REQUIRED")
                cells[col.field] = None
            elif col.field == "basis":
                cells["basis"] = b.one(b.bases, str(raw), table.title, row, where, "UNKNOWN_LEGAL_BASIS") or "?"
            elif col.field == "condition":
                cells["condition"] = b.one(b.conditions, str(raw), table.title, row, where, "UNKNOWN_LEGAL_BASIS") \
                    or "?"
            else:
                cells[col.field] = str(raw)
        if not cells.get("activity") or not cells.get("purpose"):
            continue
        bases, conditions = per.setdefault(cells["activity"], {}).setdefault(cells["purpose"], ([], []))
        if cells.get("basis"):
            bases.append((cells["basis"], cells.get("balancing_test")))
        if cells.get("condition") and cells["condition"] not in conditions:
            conditions.append(cells["condition"])
        if cells["activity"] not in activities:
            b.problem(table.title, row, "A (Activity)", f"no activity '{cells['activity']}' in Activities or the "
                      "register", code="UNKNOWN_REFERENCE")
    for a in b.inv.processing_activities:
        if a.key not in per and b.came_from(a) is None:
            continue  # an activity the workbook does not list keeps its purposes
        old = {pa.purpose: pa for pa in a.purposes}
        purposes = []
        for purpose, (bases, conditions) in per.get(a.key, {}).items():
            prev = old.get(purpose)
            kept = {x.basis: x for x in prev.lawful_bases} if prev else {}
            lawful = [dataclasses.replace(kept[basis], balancing_test=lia) if basis in kept else
                      m.BasisAssignment(basis=basis, balancing_test=lia) for basis, lia in bases]
            kept9 = {x.basis: x for x in prev.special_category_conditions} if prev else {}
            cond = [kept9.get(c) or m.BasisAssignment(basis=c) for c in conditions]
            purposes.append(m.PurposeAssignment(purpose=purpose, lawful_bases=lawful, special_category_conditions=cond))
        if purposes != a.purposes:
            b.inv = b.inv.replacing(dataclasses.replace(a, purposes=purposes))
            b.origin.setdefault(("processing_activities", a.id), ("Lawful bases", 0))


def _organization_sheet(b: Builder, table: Table | None) -> None:
    if table is None:
        return
    org = b.inv.organization
    fields: dict[str, Any] = {}
    spec = {_norm(c.header): c for c in ORG_FIELDS} | {c.field: c for c in ORG_FIELDS}
    for row, values in [(1, table.headers), *table.rows]:
        label = str(values[0]).strip() if values and values[0] is not None else ""
        col = spec.get(_norm(label))
        if col is None:
            if label and _norm(label) != "field":
                b.problem(table.title, row, "A", f"unknown field '{label}'; the fields are: "
                          f"{', '.join(c.header for c in ORG_FIELDS)}", code="UNKNOWN_FIELD")
            continue
        ok, value = _cell_value(b, col, values[1] if len(values) > 1 else None, table.title, row, "B")
        if ok:
            fields[col.field] = value
    slug = fields.pop("slug", None)
    if slug and slug != org.slug:
        b.problem(table.title, None, "B (Slug)", f"the workbook is for '{slug}', not '{org.slug}'",
                  code="WRONG_ORGANIZATION")
        return
    new = dataclasses.replace(org, **fields)
    if new != org:
        b.inv = dataclasses.replace(b.inv, organization=new)  # type: ignore[type-var]
    b.origin[("organizations", org.id)] = (table.title, 2)


# The ICO layout ------------------------------------------------------------------------------------------------


def _ico_columns(table: Table, b: Builder) -> tuple[dict[int, str], list[str]]:
    cols: dict[int, str] = {}
    notes = []
    for i, h in enumerate(table.headers):
        n = _norm(h)
        if not n:
            continue
        if n in ("activity key", "key"):
            cols[i] = "key"
            notes.append(f"{get_column_letter(i + 1)} {h}: the activity's key")
            continue
        if n in ("activity name", "activity", "name"):
            cols[i] = "name"
            notes.append(f"{get_column_letter(i + 1)} {h}: the activity's name")
            continue
        key = ICO_HEADERS.get(n) or next((k for k, _ in ICO_QUESTIONS if n.startswith(k.lower() + " ")), None)
        if key is None:
            b.problem(table.title, 1, f"{get_column_letter(i + 1)} ({h})", f"unknown column '{h}': not an ICO "
                      "question (headers are the question keys, e.g. 'ICO.2.1 Purposes of the processing')",
                      code="UNKNOWN_COLUMN")
            continue
        cols[i] = key
        fate = ICO_IMPORTED.get(key) or (f"not imported: {ICO_DERIVED[key]}" if key in ICO_DERIVED else
                                          "not imported: the register has no field for it yet")
        notes.append(f"{get_column_letter(i + 1)} {key}: {fate}")
    present = set(cols.values())
    for required in ("ICO.2.1",):
        if required not in present:
            b.problem(table.title, 1, None, f"the column {required} (Purposes of the processing) is missing: an "
                      "activity is recorded by its purposes", code="MISSING_COLUMN")
    return cols, notes


def _person(text: str) -> m.Person:
    email = re.search(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", text)
    name = text.replace(email.group(0), "").strip(" ,;<>()") if email else text
    return m.Person(name=name or None, email=email.group(0) if email else None)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-") or "unnamed"


def _ico_layout(b: Builder, table: Table) -> list[str]:
    cols, notes = _ico_columns(table, b)
    sheet = table.title
    org = b.inv.organization
    subjects = {one_line(s.name).lower(): s.key for s in b.inv.data_subjects} | {
        s.key: s.key for s in b.inv.data_subjects}
    recipients = {one_line(r.name).lower(): r.key for r in b.inv.recipients} | {r.key: r.key for r in b.inv.recipients}
    purposes = {one_line(p.name).lower(): p.key for p in b.inv.purposes} | {p.key: p.key for p in b.inv.purposes}
    measures = {one_line(x.description).lower(): x.key for x in b.inv.security_measures}
    seen_keys: dict[str, int] = {}
    for row, values in table.rows:
        cell: dict[str, str] = {}
        letter: dict[str, str] = {}
        for i, key in cols.items():
            raw = values[i] if i < len(values) else None
            if raw is not None and str(raw).strip():
                cell[key] = str(raw).strip() if not isinstance(raw, float) else str(raw)
            letter[key] = f"{get_column_letter(i + 1)} ({table.headers[i]})"

        def where(key: str, letter: dict[str, str] = letter) -> str:
            return letter.get(key, key)

        if "ICO.2.1" in cols.values() and not cell.get("ICO.2.1"):
            b.problem(sheet, row, where("ICO.2.1"), "the purposes are required (one per line)", code="REQUIRED")
            continue
        purpose_texts = _split(cell.get("ICO.2.1"), semicolons=False)
        name = cell.get("name") or (purpose_texts[0] if purpose_texts else "")
        key = cell.get("key") or _slug(name)
        if key in seen_keys:
            b.problem(sheet, row, where("key"), f"activity '{key}' is already on row {seen_keys[key]}",
                      code="DUPLICATE_KEY")
            continue
        seen_keys[key] = row
        # the organisation (the first row that says it wins; a differing row is a problem)
        org_fields: dict[str, Any] = {}
        if "ICO.1.1" in cell:
            org_fields["legal_name"] = cell["ICO.1.1"]
        if "ICO.1.4" in cell:
            p = _person(cell["ICO.1.4"])
            org_fields["dpo"] = org.dpo if org.dpo and (org.dpo.name, org.dpo.email) == (p.name, p.email) else p
        if "ICO.1.5" in cell:
            p = _person(cell["ICO.1.5"])
            same = org.representative and (org.representative.name, org.representative.email) == (p.name, p.email)
            org_fields["representative"] = org.representative if same else p
        if "ICO.1.2" in cell:
            p = _person(cell["ICO.1.2"])
            if p.email and not any(c.email == p.email for c in org.contacts):
                org_fields["contacts"] = [*org.contacts, m.Contact(purpose="controller", email=p.email)]
        first = b.came_from(org)
        for f, v in org_fields.items():
            if getattr(b.inv.organization, f) != v and first is not None:
                b.problem(sheet, row, where({"legal_name": "ICO.1.1", "dpo": "ICO.1.4", "representative": "ICO.1.5",
                                             "contacts": "ICO.1.2"}[f]),
                          f"differs from row {first[1]}: one organisation per workbook",
                          code="CONFLICTING_ORGANIZATION")
        if first is None:
            b.inv = dataclasses.replace(b.inv, organization=dataclasses.replace(org, **org_fields))  # type: ignore
            b.origin[("organizations", org.id)] = (sheet, row)
        cur = next((a for a in b.inv.processing_activities if a.key == key), None)
        by_text: dict[str, str] = {}
        for text in purpose_texts:
            pkey = purposes.get(text.lower()) or purposes.get(text) or _slug(text)
            if pkey not in {p.key for p in b.inv.purposes}:
                b.keep(m.Purpose(organization=b.slug, key=pkey, name=text), "Purposes (from ICO.2.1)", row)
                purposes[text.lower()] = pkey
            by_text[one_line(text).lower()] = pkey

        def per_purpose(column: str, by_text: dict[str, str] = by_text,
                        cell: dict[str, str] = cell) -> dict[str | None, list[str]]:
            """Lines 'purpose: value' go to that purpose; other lines to every purpose of the row."""
            out: dict[str | None, list[str]] = {}
            for line in _split(cell.get(column), semicolons=False):
                hit = next(((t, k) for t, k in by_text.items() if line.lower().startswith(t + ":")), None)
                if hit:
                    out.setdefault(hit[1], []).append(line[len(hit[0]) + 1:].strip())
                else:
                    out.setdefault(None, []).append(line)
            return out

        bases_of, lia_of, conds_of = per_purpose("ICO.8.1"), per_purpose("ICO.8.3"), per_purpose("ICO.8.4")
        interests_of = per_purpose("ICO.8.2")
        assignments = []
        for pkey in dict.fromkeys(by_text.values()):
            prev = next((pa for pa in (cur.purposes if cur else []) if pa.purpose == pkey), None)
            old_bases = {x.basis: x for x in (prev.lawful_bases if prev else [])}
            lia = next(iter(lia_of.get(pkey) or lia_of.get(None) or []), None)
            interest = next(iter(interests_of.get(pkey) or interests_of.get(None) or []), None)
            lawful: list[m.BasisAssignment] = []
            for text in [*bases_of.get(pkey, []), *bases_of.get(None, [])]:
                basis = b.one(b.bases, text, sheet, row, where("ICO.8.1"), "UNKNOWN_LEGAL_BASIS")
                if basis is None or basis in {x.basis for x in lawful}:
                    continue
                x = old_bases.get(basis) or m.BasisAssignment(basis=basis)
                if basis == "GDPR:legitimate-interests":
                    x = dataclasses.replace(x, **({"balancing_test": lia} if lia else {}),
                                            **({"stated_as": interest} if interest else {}))
                lawful.append(x)
            old_conds = {x.basis: x for x in (prev.special_category_conditions if prev else [])}
            conditions: list[m.BasisAssignment] = []
            for text in [*conds_of.get(pkey, []), *conds_of.get(None, [])]:
                cond = b.one(b.conditions, text, sheet, row, where("ICO.8.4"), "UNKNOWN_LEGAL_BASIS")
                if cond and cond not in {x.basis for x in conditions}:
                    conditions.append(old_conds.get(cond) or m.BasisAssignment(basis=cond))
            assignments.append(m.PurposeAssignment(purpose=pkey, lawful_bases=lawful,
                                                   special_category_conditions=conditions))
        fields: dict[str, Any] = {"name": name, "purposes": assignments}
        if "ICO.1.6" in cell:
            r = cell["ICO.1.6"].strip().upper()
            if r.startswith("CONTROL"):
                fields["role"] = Role.CONTROLLER
            elif r.startswith("PROCESS"):
                fields["role"] = Role.PROCESSOR
            else:
                b.problem(sheet, row, where("ICO.1.6"), f"'{cell['ICO.1.6']}' is neither controller nor processor",
                          code="INVALID_CHOICE")
        if "ICO.2.2" in cell:
            fields["description"] = cell["ICO.2.2"]
        if "ICO.3.2" in cell:
            fields["data_categories"] = b.category_ids(_split(cell["ICO.3.2"], semicolons=False), sheet, row,
                                                       where("ICO.3.2"))
        if "ICO.3.1" in cell:
            keys = []
            for text in _split(cell["ICO.3.1"], semicolons=False):
                k = subjects.get(text.lower()) or subjects.get(text) or _slug(text)
                if k not in {s.key for s in b.inv.data_subjects}:
                    b.keep(m.DataSubjectCategory(organization=b.slug, key=k, name=text),
                           "Data subjects (from ICO.3.1)", row)
                    subjects[text.lower()] = k
                keys.append(k)
            fields["data_subjects"] = list(dict.fromkeys(keys))
        if "ICO.4.1" in cell:
            keys = []
            for text in _split(cell["ICO.4.1"], semicolons=False):
                k = recipients.get(text.lower()) or recipients.get(text) or _slug(text)
                if k not in {r.key for r in b.inv.recipients}:
                    b.keep(m.Recipient(organization=b.slug, key=k, name=text), "Recipients (from ICO.4.1)", row)
                    recipients[text.lower()] = k
                keys.append(k)
            fields["recipients"] = list(dict.fromkeys(keys))
        if "ICO.5.1" in cell:
            mechs = _split(cell.get("ICO.5.2"), semicolons=False)
            mine = [t for k in (cur.transfers if cur else []) for t in b.inv.transfers if t.key == k]
            keys = []
            for n, text in enumerate(_split(cell["ICO.5.1"], semicolons=False)):
                code = b.one(b.countries, text, sheet, row, where("ICO.5.1"), "UNKNOWN_COUNTRY")
                mtext = mechs[n] if n < len(mechs) else (mechs[0] if len(mechs) == 1 else None)
                mech = b.one(b.mechanisms, mtext, sheet, row, where("ICO.5.2"), "UNKNOWN_MECHANISM") \
                    if mtext and mtext.lower() != NOT_RECORDED.lower() else None
                if code is None:
                    continue
                old = next((t for t in mine if t.destination == code and t.key not in keys), None) or next(
                    (t for t in b.inv.transfers if t.destination == code and t.mechanism == mech
                     and t.key not in keys), None)
                tkey = old.key if old else f"{key}-to-{code.lower()}"
                t = dataclasses.replace(old, mechanism=mech) if old else m.Transfer(
                    organization=b.slug, key=tkey, destination=code, mechanism=mech)
                if t != old:
                    b.keep(t, "Transfers (from ICO.5.1)", row)
                keys.append(tkey)
            # transfers without a destination cannot be named in ICO.5.1: they stay
            fields["transfers"] = keys + [t.key for t in mine if not t.destination and t.key not in keys]
        if "ICO.6.1" in cell:
            rendered = {retention_line(r): r for r in b.inv.retention_rules}
            keys = []
            for n, text in enumerate(_split(cell["ICO.6.1"], semicolons=False), start=1):
                existing = rendered.get(text)
                if existing is not None:
                    keys.append(existing.key)
                    continue
                rkey = f"{key}-retention-{n}"
                old = next((r for r in b.inv.retention_rules if r.key == rkey), None)
                rule = dataclasses.replace(old, covers=text, stated_as=text) if old else m.RetentionRule(
                    organization=b.slug, key=rkey, covers=text, stated_as=text)
                if rule != old:
                    b.keep(rule, "Retention rules (from ICO.6.1)", row)
                keys.append(rkey)
            fields["retention_rules"] = keys
        if "ICO.7.1" in cell:
            keys = []
            for text in _split(cell["ICO.7.1"], semicolons=False):
                k = measures.get(text.lower()) or _slug(text)
                if k not in {x.key for x in b.inv.security_measures}:
                    b.keep(m.SecurityMeasure(organization=b.slug, key=k, description=text),
                           "Security measures (from ICO.7.1)", row)
                    measures[text.lower()] = k
                keys.append(k)
            fields["security_measures"] = list(dict.fromkeys(keys))
        if cur is None and "role" not in fields:
            fields["role"] = Role.CONTROLLER
        activity = dataclasses.replace(cur, **fields) if cur else m.ProcessingActivity(
            organization=b.slug, key=key, **fields)
        b.keep(activity, sheet, row)
    return notes


# --- the import -----------------------------------------------------------------------------------------------


def layout_of(tables: list[Table]) -> str:
    names = {t.title for t in tables}
    if "Activities" in names:
        return "registry"
    for t in tables:
        if any(ICO_HEADERS.get(_norm(h)) or re.match(r"^ico\.\d+\.\d+", _norm(h)) for h in t.headers):
            return "ICO"
    if tables and any(_norm(h) in ("key", "name", "role") for h in tables[0].headers):
        return "registry"
    return "unknown"


async def plan_workbook(repos: Repositories, content: bytes, fmt: str, source: str,
                        organization: str | None = None, max_rows: int = MAX_ROWS) -> SheetPlan:
    """Read a workbook (XLSX) or CSV file, merge it into the organisation's register and plan the result; nothing
    is written. Every problem is listed with its sheet, row and column."""
    problems: list[SheetProblem] = []
    tables = (_read_xlsx(content, problems, max_rows) if fmt == "xlsx" else
              _read_csv(content, problems, max_rows, "Activities" if fmt == "csv" else source))
    if not tables and problems:  # nothing could be read: say why, and only that
        return SheetPlan(source, "unknown", organization, problems=problems)
    layout = layout_of(tables)
    if fmt == "csv" and layout == "ICO":
        tables[0].title = "ICO"
    by_title = {t.title: t for t in tables}
    slug = organization
    org_table = by_title.get("Organisation")
    if org_table is not None:
        for r in [org_table.headers, *(r for _, r in org_table.rows)]:
            label, value = ([*r, None, None])[:2]
            if label and _norm(str(label)) == "slug" and value:
                if slug and slug != str(value).strip():
                    problems.append(SheetProblem("Organisation", None, "B (Slug)", f"the workbook is for "
                                                 f"'{str(value).strip()}', not '{slug}'", code="WRONG_ORGANIZATION"))
                slug = slug or str(value).strip()
    ico_table = next((t for t in tables if layout == "ICO" and any(
        ICO_HEADERS.get(_norm(h)) or re.match(r"^ico\.\d+\.\d+", _norm(h)) for h in t.headers)), None)
    if slug is None and ico_table is not None:
        name_col = next((i for i, h in enumerate(ico_table.headers) if ICO_HEADERS.get(_norm(h)) == "ICO.1.1"), None)
        names = {str(r[name_col]).strip() for _, r in ico_table.rows if name_col is not None and name_col < len(r)
                 and r[name_col]}
        if len(names) == 1:
            slug = _slug(names.pop())
    sp = SheetPlan(source, layout, slug, problems=problems)
    if layout == "unknown":
        sp.problems.append(SheetProblem(tables[0].title if tables else "(workbook)", 1, None,
                                        "neither the registry's layout (an Activities sheet) nor the ICO's (its "
                                        "question keys as headers); start from /templates/register.xlsx",
                                        code="UNKNOWN_LAYOUT"))
        return sp
    if slug is None:
        sp.problems.append(SheetProblem("(workbook)", None, None, "which organisation is this? Add an Organisation "
                                        "sheet with its slug, fill ICO.1.1, or pass --organization",
                                        code="NO_ORGANIZATION"))
        return sp
    ref = await read_reference(repos)
    current = (await current_inventories(repos, [slug])).get(slug)
    if current is None:
        current = Inventory(organization=m.Organization(slug=slug, legal_name=slug))
    b = Builder(current, ref, source)
    if layout == "registry":
        _organization_sheet(b, org_table)
        sp.columns = _registry_layout(b, by_title)
        for t in tables:
            if t.title not in SHEETS and t.title != "Organisation":
                b.problem(t.title, None, None, f"unknown sheet '{t.title}'; the registry's sheets are: "
                          f"Organisation, {', '.join(SHEETS)}", code="UNKNOWN_SHEET")
    else:
        assert ico_table is not None
        sp.columns = _ico_layout(b, ico_table)
    sp.problems += b.problems
    if sp.problems:
        return sp
    try:
        p = await plan_inventory(repos, b.inv, source)
    except InvalidInventory as e:
        for prob in e.problems:
            sheet, row = _place_of(prob.path, b)
            sp.problems.append(SheetProblem(sheet, row, None, prob.message, code=prob.code))
        return sp
    sp.plan = p
    sp.rows = _outcomes(repos, current, b, p)
    return sp


def _place_of(path: str, b: Builder) -> tuple[str, int | None]:
    """The sheet and row a validation problem's path (`processing_activities[3].recipients[0]`) came from."""
    hit = re.match(r"(\w+)\[(\d+)\]", path)
    if hit and hit.group(1) in BY_COLLECTION:
        items = b.inv.of(BY_COLLECTION[hit.group(1)]) if hit.group(1) != "organizations" else []
        i = int(hit.group(2))
        place = b.came_from(items[i]) if i < len(items) else None
        if place is not None:
            return place[0], place[1] or None
    return "(workbook)", None


def _outcomes(repos: Repositories, current: Inventory, b: Builder, p: Plan) -> list[RowOutcome]:
    out = []
    created = {(c, i) for c, ids in p.create.items() for i in ids}
    changed = {(c, i) for c, ids in p.change.items() for i in ids}
    for kind in (ORGANIZATION, *INVENTORY):
        old = {r.id: r for r in ([current.organization] if kind is ORGANIZATION else current.of(kind))}
        new = [p.inventory.organization] if kind is ORGANIZATION else p.inventory.of(kind)
        for r in new:
            place = b.came_from(r)
            if place is None:
                continue
            sheet, row = place
            before = encode(old[r.id]) if r.id in old else {}
            after = encode(r)
            if (kind.collection, r.id) in created:
                action = "create"
            elif (kind.collection, r.id) in changed:
                action = "change"
            else:
                action = "unchanged"
            changes = [] if action == "unchanged" else [
                FieldChange(f, before.get(f), after.get(f)) for f in after
                if f not in ("version", "archived") and before.get(f) != after.get(f)]
            out.append(RowOutcome(sheet, row, kind.collection, r.id, action, changes))
    return out


# --- writing --------------------------------------------------------------------------------------------------


def _lists(ref: ReferenceData, inv: Inventory | None) -> dict[str, list[tuple[str, str]]]:
    own = inv.data_categories if inv else []
    return {
        "Lawful bases": [(b.id, f"{b.article} {b.title}") for b in ref.legal_bases if not b.code.startswith("art9-")],
        "Art 9 conditions": [(b.id, f"{b.article} {b.title}") for b in ref.legal_bases if b.code.startswith("art9-")],
        "Mechanisms": [(x.code, x.title) for x in ref.transfer_mechanisms],
        "Countries": [(c.code, c.name) for c in ref.countries],
        "Data categories": [(c.key, c.name) for c in [*ref.data_categories, *own]],
        "Roles": [(r.value, r.value.lower()) for r in Role],
        "Authorisations": [(r.value, r.value.lower()) for r in SubprocessorAuthorisation],
        "Recipient kinds": [(r.value, r.value.lower().replace("_", " ")) for r in RecipientKind],
        "DPA statuses": [(r.value, r.value.lower().replace("_", " ")) for r in DpaStatus],
        "Yes/no": [("TRUE", "yes"), ("FALSE", "no")],
    }


INSTRUCTIONS = [
    "How to fill in this workbook",
    "",
    "One sheet per kind of record; one row per record. Key columns hold lowercase letters, digits and hyphens, "
    "unique in their sheet. Columns marked * are required.",
    "A list cell holds one value per line (Alt+Enter in Excel), or values separated by ';'.",
    "Organisation: the register's slug and the organisation's identity (one field per row).",
    "Activities: the processing activities (GDPR Art 30). Data categories are taxonomy keys (or their names) from "
    "the Lists sheet; data subjects, recipients, transfers, retention rules and security measures are keys of rows "
    "in their own sheets (or already in the register).",
    "Lawful bases: one row per activity, purpose and lawful basis. An activity's purposes are its rows here. Give "
    "the LIA location for legitimate interests, and the Art 9(2) condition where special-category data is used.",
    "Drop-down lists come from the registry's reference data (Lists sheet). Where a cell takes several values, "
    "pick one and type the others on new lines.",
    "A row missing from the workbook is not archived: archive records in the registry itself. Columns you delete "
    "keep the register's values.",
    "Formulas are not computed: type values. Text starting with =, +, - or @ is kept as text.",
    "Import: `registry import register.xlsx` (shows the plan), then `--yes`; or POST the file to "
    "/organizations/{slug}/import (EDITOR token), then again with the plan's hash as `confirm`.",
]


def _sheet(wb: Workbook, title: str, headers: list[str], rows: Iterable[list[Any]]) -> Worksheet:
    ws = wb.create_sheet(title)
    for i, h in enumerate(headers, start=1):
        put(ws.cell(row=1, column=i), h)
    n = 1
    for n, row in enumerate(rows, start=2):
        for i, v in enumerate(row, start=1):
            put(ws.cell(row=n, column=i), v)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, h in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(14, min(50, len(h) + 4))
    ws.freeze_panes = "A2"
    del n
    return ws


def _lines(values: Iterable[str]) -> str | None:
    text = "\n".join(values)
    return text or None


def _registry_rows(inv: Inventory, title: str) -> list[list[Any]]:
    collection, spec = SHEETS[title]
    slug = inv.organization.slug
    if title == "Lawful bases":
        rows = []
        for a in inv.processing_activities:
            for pa in a.purposes:
                n = max(len(pa.lawful_bases), len(pa.special_category_conditions), 1)
                for i in range(n):
                    b = pa.lawful_bases[i] if i < len(pa.lawful_bases) else None
                    c = pa.special_category_conditions[i] if i < len(pa.special_category_conditions) else None
                    rows.append([a.key, pa.purpose, b.basis if b else None, b.balancing_test if b else None,
                                 c.basis if c else None])
        return rows
    out = []
    for r in inv.of(BY_COLLECTION[collection]):
        row = []
        for col in spec:
            v = getattr(r, col.field)
            if col.kind == "bool":
                v = bool(v)
            elif isinstance(v, list):
                v = _lines(x.removeprefix(f"{slug}/") for x in v)
            elif hasattr(v, "value"):
                v = v.value
            elif isinstance(v, dt.date):
                v = v.isoformat()
            row.append(v)
        out.append(row)
    return out


def export_workbook(inv: Inventory | None, ref: ReferenceData) -> bytes:
    """The registry's workbook: filled with an organisation's register, or empty (the template) without one."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Instructions"
    for i, line in enumerate(INSTRUCTIONS, start=1):
        put(ws.cell(row=i, column=1), line)
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 120
    lists = _lists(ref, inv)
    org = inv.organization if inv else None
    org_rows = [[c.header + (" *" if c.required else ""), getattr(org, c.field) if org else None]
                for c in ORG_FIELDS]
    org_ws = _sheet(wb, "Organisation", ["Field", "Value"], org_rows)
    org_ws.column_dimensions["B"].width = 60
    list_ws = wb.create_sheet("Lists")
    ranges: dict[str, str] = {}
    for i, (name, items) in enumerate(lists.items()):
        col = get_column_letter(2 * i + 1)
        put(list_ws.cell(row=1, column=2 * i + 1), name)
        put(list_ws.cell(row=1, column=2 * i + 2), "meaning")
        for n, (key, label) in enumerate(items, start=2):
            put(list_ws.cell(row=n, column=2 * i + 1), key)
            put(list_ws.cell(row=n, column=2 * i + 2), label)
        ranges[name] = f"Lists!${col}$2:${col}${max(2, len(items) + 1)}"
    _validate(org_ws, "B5", ranges["Countries"], strict=True)
    for title, (_, spec) in SHEETS.items():
        rows = _registry_rows(inv, title) if inv else []
        sheet = _sheet(wb, title, [c.header + (" *" if c.required else "") for c in spec], rows)
        last = max(len(rows) + 1, 1000)
        for i, col in enumerate(spec, start=1):
            letter = get_column_letter(i)
            if col.choices:
                multi = col.kind in ("countries", "categories")
                _validate(sheet, f"{letter}2:{letter}{last}", ranges[col.choices], strict=not multi,
                          prompt=col.help or f"Pick from the {col.choices} list (Lists sheet)")
    wb.move_sheet("Lists", offset=len(wb.sheetnames))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _validate(ws: Worksheet, cells: str, source: str, strict: bool, prompt: str = "") -> None:
    dv = DataValidation(type="list", formula1=f"={source}", allow_blank=True, showDropDown=False)
    dv.showErrorMessage = strict
    dv.error = "Pick a value from the list (see the Lists sheet)."
    if prompt:
        dv.prompt, dv.showInputMessage = prompt[:255], True
    ws.add_data_validation(dv)
    dv.add(cells)


def export_csv(inv: Inventory) -> str:
    """The Activities sheet as CSV (UTF-8), values that look like formulas escaped."""
    spec = SHEETS["Activities"][1]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([c.header for c in spec])
    for row in _registry_rows(inv, "Activities"):
        w.writerow([escape_csv(str(v)) if v is not None else "" for v in row])
    return buf.getvalue()


ProgressFn = Callable[[int], None]


def ico_rows(inv: Inventory, ref: ReferenceData) -> tuple[list[str], list[list[str | None]]]:
    """The register in the ICO layout: one row per activity, the ICO's questions as headers. A question the register
    cannot answer is left blank (silence is not "not applicable")."""
    from registry.services.dpia import screen

    org, slug = inv.organization, inv.organization.slug
    cats = {c.id: c for c in [*ref.data_categories, *inv.data_categories]}
    bases = {b.id: b for b in ref.legal_bases}
    names = {"purposes": {p.key: p.name for p in inv.purposes},
             "subjects": {x.key: x.name for x in inv.data_subjects},
             "recipients": {r.key: r.name for r in inv.recipients},
             "measures": {x.key: x.description for x in inv.security_measures}}
    transfers = {t.key: t for t in inv.transfers}
    retention = {r.key: r for r in inv.retention_rules}
    countries = {c.code: c.name for c in ref.countries}

    def person(p: m.Person | None) -> str | None:
        return ", ".join(x for x in (p.name, p.email) if x) or None if p else None

    def basis(code: str) -> str:
        b = bases.get(code)
        return f"{b.article} {b.title}" if b and b.framework.value == "GDPR" else code

    def lines(values: Iterable[str | None]) -> str | None:
        return "\n".join(one_line(v) for v in values if v) or None

    contact = next((c for c in org.contacts if c.email), None)
    headers = ["Activity key", "Activity name", *(f"{k} {q}" for k, q in ICO_QUESTIONS)]
    rows: list[list[str | None]] = []
    for a in inv.processing_activities:
        purposes = {pa.purpose: one_line(names["purposes"].get(pa.purpose, pa.purpose)) for pa in a.purposes}
        flagged = [c for k in a.data_categories if (c := cats.get(k)) and (c.special_category or c.criminal)]
        moves = [t for k in a.transfers if (t := transfers.get(k)) and t.destination]
        shared = len(a.purposes) > 1
        v: dict[str, str | None] = {
            "ICO.1.1": org.legal_name,
            "ICO.1.2": f"{contact.purpose}, {contact.email}" if contact else org.address,
            "ICO.1.4": person(org.dpo), "ICO.1.5": person(org.representative),
            "ICO.1.6": a.role.value.capitalize(),
            "ICO.2.1": lines(purposes.values()), "ICO.2.2": a.description,
            "ICO.3.1": lines(names["subjects"].get(k, k) for k in a.data_subjects),
            "ICO.3.2": lines(k.removeprefix(f"{slug}/") for k in a.data_categories),
            "ICO.3.3": ("Yes: " + "; ".join(c.name for c in flagged)) if flagged else "No",
            "ICO.4.1": lines(names["recipients"].get(k, k) for k in a.recipients),
            "ICO.4.2": "Yes" if a.recipients else "No",
            "ICO.5.1": lines(countries.get(t.destination or "", t.destination) for t in moves),
            "ICO.5.2": lines(t.mechanism or NOT_RECORDED for t in moves),
            "ICO.6.1": lines(retention_line(r) for k in a.retention_rules if (r := retention.get(k))),
            "ICO.7.1": lines(names["measures"].get(k, k) for k in a.security_measures),
            "ICO.8.1": lines((f"{purposes[pa.purpose]}: " if shared else "") + basis(x.basis)
                             for pa in a.purposes for x in pa.lawful_bases),
            "ICO.8.2": lines((f"{purposes[pa.purpose]}: " if shared else "") + x.stated_as
                             for pa in a.purposes for x in pa.lawful_bases
                             if x.basis == "GDPR:legitimate-interests" and x.stated_as),
            "ICO.8.3": lines((f"{purposes[pa.purpose]}: " if shared else "") + x.balancing_test
                             for pa in a.purposes for x in pa.lawful_bases
                             if x.basis == "GDPR:legitimate-interests" and x.balancing_test),
            "ICO.8.4": lines((f"{purposes[pa.purpose]}: " if shared else "") + basis(x.basis)
                             for pa in a.purposes for x in pa.special_category_conditions),
            "ICO.10.1": screen(a, inv, ref).verdict.value.replace("_", " ").capitalize(),
        }
        rows.append([a.key, a.name, *(v.get(k) for k, _ in ICO_QUESTIONS)])
    return headers, rows


def export_ico(inv: Inventory, ref: ReferenceData) -> bytes:
    """The register as a workbook in the ICO layout."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    wb.remove(ws)
    headers, rows = ico_rows(inv, ref)
    sheet = _sheet(wb, "ICO record of processing", headers, rows)
    for i in range(3, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(i)].width = 40
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
