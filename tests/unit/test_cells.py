"""No exported cell becomes a formula: the records of processing in CSV and XLSX escape formula-like text."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from registry.domain.enums import Role
from registry.services.cells import escape_csv, unescape_csv
from registry.services.exports import as_csv, as_xlsx
from registry.services.records import RecordEntry, RecordField, RecordsOfProcessing


def test_escaping_round_trips_and_leaves_other_text_alone() -> None:
    for text in ("=1+2", "+44 20 7946 0000", "-x", "@SUM(A1)"):
        assert escape_csv(text) == "'" + text and unescape_csv(escape_csv(text)) == text
    for text in ("plain", "'quoted", "", "a=b"):
        assert escape_csv(text) == text and unescape_csv(text) == text


def test_the_records_of_processing_exports_escape_formula_like_text() -> None:
    evil = '=HYPERLINK("http://evil.example","click")'
    records = RecordsOfProcessing("acme", Role.CONTROLLER, "Art 30(1)", [RecordField("1(a)", "Controller", ["Acme"])],
                                  [RecordEntry("acme/x", evil, [RecordField("1(b)", "Purposes", ["@SUM(A1)"])])])
    [_, row] = list(csv.reader(io.StringIO(as_csv(records))))
    assert row[0] == "'" + evil and row[2] == "'@SUM(A1)"
    ws = load_workbook(io.BytesIO(as_xlsx([records]))).active
    assert ws is not None
    assert ws["A2"].value == evil and ws["A2"].data_type == "s" and ws["A2"].quotePrefix
