"""Spreadsheet cells that never become formulas (CSV/formula injection, OWASP): text starting with `=`, `+`, `-`
or `@` is written as text, in XLSX with Excel's quote prefix and in CSV behind a leading apostrophe."""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import Cell

FORMULA_START = ("=", "+", "-", "@")


def escape_csv(value: str) -> str:
    """A CSV value a spreadsheet will not run: a leading apostrophe before `=`, `+`, `-` or `@`."""
    return "'" + value if value.startswith(FORMULA_START) else value


def unescape_csv(value: str) -> str:
    """What `escape_csv` wrote, read back."""
    return value[1:] if value.startswith("'") and value[1:2] and value[1:2] in FORMULA_START else value


def put(cell: Cell, value: Any) -> None:
    """Write a value; a text starting like a formula stays text (Excel's quote prefix)."""
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True
