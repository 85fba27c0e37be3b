"""Markdown outlines as Word documents (.docx): headings, bullets, tables and paragraphs, on A4, with the
document's title, author and date in its properties."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from docx import Document
from docx.shared import Mm

SEPARATOR = re.compile(r"[-|: ]*")
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters a Word document cannot hold; text typed into the register may carry them."""
EMPHASIS = re.compile(r"\*\*(.+?)\*\*|(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])")
"""Markdown's **bold** and _italic_; an underscore inside a word (user_id) is not emphasis."""


def add_text(paragraph: Any, text: str) -> None:
    """The text as runs: **bold** and _italic_ become formatting, not characters."""
    at = 0
    for m in EMPHASIS.finditer(text):
        if m.start() > at:
            paragraph.add_run(text[at:m.start()])
        run = paragraph.add_run(m.group(1) or m.group(2))
        run.bold, run.italic = bool(m.group(1)), bool(m.group(2))
        at = m.end()
    if at < len(text):
        paragraph.add_run(text[at:])


def markdown_to_docx(markdown: str, title: str = "", author: str = "",
                     now: dt.datetime | None = None) -> bytes:
    """Headings, bullets, tables and paragraphs. The text comes partly from the register, where people write
    what they like: a line that only looks like a table separator, or ragged rows, still give a document."""
    doc = Document()
    now = now or dt.datetime.now(dt.UTC)
    props = doc.core_properties  # python-docx's template says author "python-docx", created 2013
    props.title, props.author, props.last_modified_by = title, author, author
    props.created, props.modified, props.revision = now, now, 1
    props.comments = "Drafted from the register of processing activities."
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(20)
        section.top_margin = section.bottom_margin = Mm(20)
    table_rows: list[list[str]] = []

    def flush_table() -> None:
        rows = [r for r in table_rows if not SEPARATOR.fullmatch("|".join(r))]
        table_rows.clear()
        if not rows:
            return
        t = doc.add_table(rows=0, cols=max(len(r) for r in rows))
        t.style = "Table Grid"
        for i, row in enumerate(rows):
            for cell, text in zip(t.add_row().cells, row, strict=False):
                add_text(cell.paragraphs[0], f"**{text}**" if i == 0 and text else text)

    for line in NOT_IN_XML.sub("", markdown).splitlines():
        if line.startswith("|"):
            table_rows.append([c.strip() for c in line.strip().strip("|").split("|")])
            continue
        flush_table()
        if m := re.match(r"^(#{1,3}) (.*)", line):
            doc.add_heading(m.group(2), level=len(m.group(1)))
        elif line.startswith("- "):
            add_text(doc.add_paragraph(style="List Bullet"), line[2:])
        elif line.strip():
            add_text(doc.add_paragraph(), line)
    flush_table()
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
