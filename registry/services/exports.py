"""Records of processing rendered for people and tools: JSON, CSV, XLSX and a printable HTML page."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from collections import Counter
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from registry.services.cells import escape_csv, put
from registry.services.records import NOT_RECORDED, RecordField, RecordsOfProcessing

SHEET_TITLES = {"Art 30(1)": "Controller record Art 30(1)", "Art 30(2)": "Processor record Art 30(2)"}


@dataclass(frozen=True)
class Stamp:
    """When a download was made and which state of the register it shows."""

    generated: dt.datetime
    version: str
    """The register's version: the time of its last recorded change (its history), in UTC."""

    @property
    def generated_text(self) -> str:
        return self.generated.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def as_json(records: list[RecordsOfProcessing], stamp: Stamp | None = None) -> list[dict[str, Any]]:
    about = {"generatedAt": stamp.generated.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
             "registerVersion": stamp.version} if stamp else {}
    return [
        {
            **about,
            "organization": r.organization,
            "role": r.role.value,
            "article": r.article,
            "header": [{"article": f"Art {f.point}", "field": f.label, "value": f.text, "recorded": f.recorded}
                       for f in r.header],
            "entries": [
                {"activity": e.activity, "id": e.activity_id,
                 "fields": [{"article": f"Art {f.point}", "field": f.label, "value": f.text, "recorded": f.recorded}
                            for f in e.fields]}
                for e in r.entries
            ],
        }
        for r in records
    ]


def table(r: RecordsOfProcessing) -> tuple[list[str], list[list[str]]]:
    """One row per activity; the organisation-level fields repeat on each row so every row is a whole entry."""
    columns = ["Processing activity", *(f"{f.label} (Art {f.point})" for f in r.header)]
    if r.entries:
        columns += [f"{f.label} (Art {f.point})" for f in r.entries[0].fields]
    rows = [[e.activity, *(f.text for f in r.header), *(f.text for f in e.fields)] for e in r.entries]
    return columns, rows


def as_csv(r: RecordsOfProcessing) -> str:
    out = io.StringIO()
    columns, rows = table(r)
    w = csv.writer(out)
    w.writerow(columns)
    w.writerows([[escape_csv(v) for v in row] for row in rows])
    return out.getvalue()


def as_xlsx(records: list[RecordsOfProcessing], stamp: Stamp | None = None) -> bytes:
    """One sheet per record type, Art 30's words as column headers, frozen header row, readable widths; printed
    on A4 landscape, fitted to the page's width, the header row repeated on every page; the generation date and
    the register's version in the document's properties, each page's footer and an 'About' sheet."""
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    org = records[0].organization if records else ""
    footer = f"{org} · generated {stamp.generated_text} · register version {stamp.version}" if stamp else org
    for r in records:
        ws = wb.create_sheet(SHEET_TITLES.get(r.article, r.article)[:31])
        columns, rows = table(r)
        for n, values in enumerate([columns, *rows], start=1):
            for i, v in enumerate(values, start=1):
                put(ws.cell(row=n, column=i), v)
        bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
        for cell in ws[1]:
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if cell.value == NOT_RECORDED:
                    cell.font = Font(italic=True, color="9C0006")
        for i, col in enumerate(columns, start=1):
            longest = max([len(col), *(len(str(row[i - 1])) for row in rows)])
            ws.column_dimensions[get_column_letter(i)].width = max(14, min(60, longest + 2))
        ws.freeze_panes = "B2"
        ws.auto_filter.ref = ws.dimensions
        ws.print_title_rows = "1:1"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0  # one page wide, as many pages long as needed
        ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
        ws.oddFooter.left.text = footer
        ws.oddFooter.right.text = "Page &P of &N"
    if stamp:
        about = wb.create_sheet("About")
        for line in (("Organisation", org), ("Generated", stamp.generated_text),
                     ("Register version (its last recorded change)", stamp.version)):
            about.append(line)
        about.column_dimensions["A"].width, about.column_dimensions["B"].width = 44, 40
        wb.properties.created = wb.properties.modified = stamp.generated.replace(tzinfo=None)
        wb.properties.version = stamp.version
    wb.properties.title = f"Records of processing activities · {org}"
    wb.properties.creator = org
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


PAGE_CSS = """
@page { size: A4 landscape; margin: 10mm; }
body { font: 10pt/1.35 system-ui, sans-serif; margin: 2em; color: #111; }
h1 { font-size: 16pt; margin: 0; } h2 { font-size: 13pt; margin: 1.2em 0 .3em; } h3 { font-size: 11pt; }
table { border-collapse: collapse; width: 100%; margin-top: .5em; }
th, td { border: 1px solid #999; padding: 3px 5px; vertical-align: top; text-align: left; }
thead th { background: #dde4ee; } tbody th { width: 11em; } .missing { color: #9c0006; font-style: italic; }
td ul, dd ul { margin: 0; padding-left: 1.1em; } .see { color: #333; font-style: italic; white-space: nowrap; }
dl { display: grid; grid-template-columns: 18em auto; gap: 2px 1em; margin: .3em 0; } dt { font-weight: 600; }
dd { margin: 0; } ol.notes { padding-left: 2em; } ol.notes li { margin-bottom: .3em; }
@media print {
  body { margin: 0; font-size: 7.5pt; } h1 { font-size: 12pt; } h2 { font-size: 10pt; }
  section + section { break-before: page; } thead { display: table-header-group; }
  tr { break-inside: auto; } h2, h3 { break-after: avoid; }
}
"""
SHARED_MIN = 60
"""An entry at least this long that several activities share is printed once, as a numbered note."""


@dataclass(frozen=True)
class Cell:
    """A field of one activity as printed: its own entries, and the numbers of the shared notes it refers to."""

    items: list[str]
    notes: list[int]


@dataclass(frozen=True)
class PrintedRecord:
    """A record laid out for reading: the fields every activity has alike, once; long entries several activities
    share, once as numbered notes; the rest in the table."""

    common: list[RecordField]
    columns: list[RecordField]
    rows: list[tuple[str, list[Cell]]]
    notes: list[str]


def printed(r: RecordsOfProcessing) -> PrintedRecord:
    if not r.entries:
        return PrintedRecord([], [], [], [])
    width = len(r.entries[0].fields)
    common = [j for j in range(width)
              if len({tuple(e.fields[j].items) for e in r.entries}) == 1 and r.entries[0].fields[j].items
              and (len(r.entries) > 1 and sum(map(len, r.entries[0].fields[j].items)) >= SHARED_MIN)]
    kept = [j for j in range(width) if j not in common]
    notes: list[str] = []
    number: dict[str, int] = {}
    for j in kept:
        seen = Counter(i for e in r.entries for i in set(e.fields[j].items) if len(i) >= SHARED_MIN)
        for item in (i for e in r.entries for i in e.fields[j].items):
            if seen[item] > 1 and item not in number:
                notes.append(item)
                number[item] = len(notes)
    rows = [(e.activity, [Cell([i for i in e.fields[j].items if i not in number],
                               [number[i] for i in e.fields[j].items if i in number]) for j in kept])
            for e in r.entries]
    return PrintedRecord([r.entries[0].fields[j] for j in common], [r.entries[0].fields[j] for j in kept], rows,
                         notes)


def as_html(records: list[RecordsOfProcessing], generated: str, version: str = "") -> str:
    """A page to read and print (A4 landscape): each record's organisation-level fields, the fields alike for
    every activity once, a table of the activities, and long entries several activities share once as notes.
    Missing fields are shown as such."""
    e = html.escape

    def items(xs: list[str]) -> str:
        if len(xs) == 1 or all(len(x) < 40 for x in xs):  # short names read well on one line
            return e("; ".join(xs))
        return "<ul>" + "".join(f"<li>{e(x)}</li>" for x in xs) + "</ul>"

    def field(f: RecordField) -> str:
        return (f"<dt>{e(f.label)} (Art {e(f.point)})</dt><dd{' class=missing' if not f.recorded else ''}>"
                f"{items(f.items) if f.items else NOT_RECORDED}</dd>")

    def cell(c: Cell) -> str:
        if not c.items and not c.notes:
            return f'<td class="missing">{NOT_RECORDED}</td>'
        see = f"<span class=see>see note{'s' if len(c.notes) > 1 else ''} {', '.join(map(str, c.notes))}</span>" \
            if c.notes else ""
        return f"<td>{items(c.items) if c.items else ''}{' ' if c.items and see else ''}{see}</td>"

    parts = []
    for r in records:
        p = printed(r)
        head = "".join(field(f) for f in r.header)
        if r.entries:
            alike = ("<h3>The same for every activity below</h3><dl>" + "".join(field(f) for f in p.common)
                     + "</dl>") if p.common else ""
            cols = "".join(f"<th>{e(f.label)}<br><small>Art {e(f.point)}</small></th>" for f in p.columns)
            rows = "".join(f"<tr><th scope=row>{e(name)}</th>{''.join(cell(c) for c in cells)}</tr>"
                           for name, cells in p.rows)
            notes = ("<h3>Notes: entries several activities share</h3><ol class=notes>"
                     + "".join(f"<li>{e(n)}</li>" for n in p.notes) + "</ol>") if p.notes else ""
            body = (f"{alike}<table><thead><tr><th>Processing activity</th>{cols}</tr></thead><tbody>{rows}</tbody>"
                    f"</table>{notes}")
        else:
            body = '<p class="missing">No processing activity in this role is recorded.</p>'
        parts.append(f"<section><h2>{e(SHEET_TITLES.get(r.article, r.article))}</h2><dl>{head}</dl>{body}"
                     "</section>")
    org = e(records[0].organization) if records else ""
    stamp = f"generated {e(generated)}" + (f" · register version {e(version)}" if version else "")
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Records of processing · {org}</title>"
            f"<style>{PAGE_CSS}</style></head><body><h1>Records of processing activities</h1>"
            f"<p>{org} · GDPR Article 30 · {stamp}</p>{''.join(parts)}</body></html>")
