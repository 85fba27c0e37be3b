"""Records of processing rendered for people and tools: JSON, CSV, XLSX and a printable HTML page."""

from __future__ import annotations

import csv
import html
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from registry.services.cells import escape_csv, put
from registry.services.records import NOT_RECORDED, RecordsOfProcessing

SHEET_TITLES = {"Art 30(1)": "Controller record Art 30(1)", "Art 30(2)": "Processor record Art 30(2)"}


def as_json(records: list[RecordsOfProcessing]) -> list[dict[str, Any]]:
    return [
        {
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


def as_xlsx(records: list[RecordsOfProcessing]) -> bytes:
    """One sheet per record type, Art 30's words as column headers, frozen header row, readable widths."""
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
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
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


PAGE_CSS = """
body { font: 11pt/1.4 system-ui, sans-serif; margin: 2em; color: #111; }
h1 { font-size: 18pt; margin-bottom: 0; } h2 { font-size: 14pt; margin-top: 2em; }
table { border-collapse: collapse; width: 100%; margin-top: .5em; }
th, td { border: 1px solid #999; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #dde4ee; } .missing { color: #9c0006; font-style: italic; }
dl { display: grid; grid-template-columns: max-content auto; gap: 2px 1em; } dt { font-weight: 600; }
@media print { body { margin: 0; font-size: 9pt; } h2 { break-before: page; } tr { break-inside: avoid; } }
"""


def as_html(records: list[RecordsOfProcessing], generated: str) -> str:
    """A printable page with both record types, missing fields shown as such."""
    e = html.escape

    def cell(text: str) -> str:
        return f'<td class="missing">{e(text)}</td>' if text == NOT_RECORDED else f"<td>{e(text)}</td>"

    parts = []
    for r in records:
        head = "".join(f"<dt>{e(f.label)} (Art {e(f.point)})</dt><dd{' class=missing' if not f.recorded else ''}>"
                       f"{e(f.text)}</dd>" for f in r.header)
        if r.entries:
            cols = "".join(f"<th>{e(f.label)}<br><small>Art {e(f.point)}</small></th>" for f in r.entries[0].fields)
            rows = "".join(f"<tr><th scope=row>{e(x.activity)}</th>{''.join(cell(f.text) for f in x.fields)}</tr>"
                           for x in r.entries)
            body = f"<table><thead><tr><th>Processing activity</th>{cols}</tr></thead><tbody>{rows}</tbody></table>"
        else:
            body = '<p class="missing">No processing activity in this role is recorded.</p>'
        parts.append(f"<h2>{e(SHEET_TITLES.get(r.article, r.article))}</h2><dl>{head}</dl>{body}")
    org = e(records[0].organization) if records else ""
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Records of processing · {org}</title>"
            f"<style>{PAGE_CSS}</style></head><body><h1>Records of processing activities</h1>"
            f"<p>{org} · GDPR Article 30 · generated {e(generated)}</p>{''.join(parts)}</body></html>")
