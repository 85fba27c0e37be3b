"""Markdown outlines as Word documents (.docx): headings, bullets, tables and paragraphs."""

from __future__ import annotations

import io
import re

from docx import Document

SEPARATOR = re.compile(r"[-|: ]*")
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters a Word document cannot hold; text typed into the register may carry them."""


def markdown_to_docx(markdown: str) -> bytes:
    """Headings, bullets, tables and paragraphs. The text comes partly from the register, where people write
    what they like: a line that only looks like a table separator, or ragged rows, still give a document."""
    doc = Document()
    table_rows: list[list[str]] = []

    def flush_table() -> None:
        rows = [r for r in table_rows if not SEPARATOR.fullmatch("|".join(r))]
        table_rows.clear()
        if not rows:
            return
        t = doc.add_table(rows=0, cols=max(len(r) for r in rows))
        t.style = "Table Grid"
        for row in rows:
            for cell, text in zip(t.add_row().cells, row, strict=False):
                cell.text = text

    for line in NOT_IN_XML.sub("", markdown).splitlines():
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
