"""Markdown outlines as Word documents (.docx): headings, bullets, tables and paragraphs."""

from __future__ import annotations

import io
import re

from docx import Document


def markdown_to_docx(markdown: str) -> bytes:
    doc = Document()
    table_rows: list[list[str]] = []

    def flush_table() -> None:
        if not table_rows:
            return
        header, *body = [r for r in table_rows if not re.fullmatch(r"\|?[-| ]+\|?", "|".join(r))]
        t = doc.add_table(rows=1, cols=len(header))
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, header, strict=False):
            cell.text = text
        for row in body:
            cells = t.add_row().cells
            for cell, text in zip(cells, row, strict=False):
                cell.text = text
        table_rows.clear()

    for line in markdown.splitlines():
        if line.startswith("|"):
            table_rows.append([c.strip() for c in line.strip().strip("|").split("|")])
            continue
        flush_table()
        plain = line.replace("**", "").replace("_", "")
        if m := re.match(r"^(#{1,3}) (.*)", line):
            doc.add_heading(m.group(2), level=len(m.group(1)))
        elif line.startswith("- "):
            doc.add_paragraph(plain[2:], style="List Bullet")
        elif plain.strip():
            doc.add_paragraph(plain)
    flush_table()
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
