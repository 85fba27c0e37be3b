"""A regulator's template rendered in its own layout: the controller block once, then one row per activity with the
template's questions as column headers (the CNIL's French term first). Unanswered cells say so, visibly."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from registry.domain.ropa_templates import questions
from registry.services.ropa import Answer, Status, TemplateAnswers

MARKS = {Status.NOT_RECORDED: "NOT RECORDED", Status.NOT_APPLICABLE: "Not applicable"}
FILLS = {Status.NOT_RECORDED: "FFC7CE", Status.PARTIAL: "FFEB9C", Status.NOT_APPLICABLE: "EDEDED"}
"""Cell colours: red for nothing recorded, amber for a partial answer, grey for not applicable."""


def cell(a: Answer) -> str:
    """The text of an answer's cell: the answer, marked where partial, or what stands in for none."""
    if a.status is Status.PARTIAL:
        return f"PARTIAL: {a.text}"
    if a.status is Status.NOT_APPLICABLE:
        return f"Not applicable: {a.text}" if a.text else MARKS[a.status]
    return a.text or MARKS[Status.NOT_RECORDED]


def controller_rows(t: TemplateAnswers) -> list[list[str]]:
    return [[qa.question.key, qa.question.wording, cell(qa.answer), qa.answer.status.value] for qa in t.controller]


def activity_table(t: TemplateAnswers) -> tuple[list[str], list[list[str]], list[list[Status]]]:
    """The column headers, a row per activity, and each cell's status."""
    qs = [q for q in questions(t.template) if not q.controller]
    columns = ["Processing activity", *(f"{q.key} {q.wording}" for q in qs)]
    rows, statuses = [], []
    for x in t.activities:
        by_key = {qa.question.key: qa.answer for qa in x.answers}
        rows.append([x.activity.name, *(cell(by_key[q.key]) for q in qs)])
        statuses.append([Status.ANSWERED, *(by_key[q.key].status for q in qs)])
    return columns, rows, statuses


CONTROLLER_COLUMNS = ["Question", "Wording", "Answer", "Status"]


def as_csv(t: TemplateAnswers) -> str:
    """The controller block (question, wording, answer, status), a blank line, then the activity table."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(CONTROLLER_COLUMNS)
    w.writerows(controller_rows(t))
    w.writerow([])
    columns, rows, _ = activity_table(t)
    w.writerow(columns)
    w.writerows(rows)
    return out.getvalue()


def _style(ws: object, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width  # type: ignore[attr-defined]


def as_xlsx(t: TemplateAnswers) -> bytes:
    """Two sheets: `Controller` (the block once) and `Activities` (a row per activity, a column per question);
    header rows bold and frozen, unanswered cells red, partial ones amber, not applicable grey."""
    wb = Workbook()
    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
    wrap = Alignment(wrap_text=True, vertical="top")
    ctl = wb.active
    assert ctl is not None
    ctl.title = "Controller"
    ctl.append(CONTROLLER_COLUMNS)
    fills = {status: PatternFill("solid", fgColor=colour) for status, colour in FILLS.items()}
    for r, (row, qa) in enumerate(zip(controller_rows(t), t.controller, strict=True), start=2):
        ctl.append(row)
        if qa.answer.status in fills:
            ctl.cell(r, 3).fill = fills[qa.answer.status]
    _style(ctl, [12, 60, 80, 16])
    acts = wb.create_sheet("Activities")
    columns, rows, statuses = activity_table(t)
    acts.append(columns)
    for r, (row, marks) in enumerate(zip(rows, statuses, strict=True), start=2):
        acts.append(row)
        for i, status in enumerate(marks, start=1):
            if status in fills:
                acts.cell(r, i).fill = fills[status]
    _style(acts, [30, *([36] * (len(columns) - 1))])
    acts.freeze_panes = "B2"
    for ws in (ctl, acts):
        for c in ws[1]:
            c.font, c.fill, c.alignment = head_font, head_fill, wrap
        for r in ws.iter_rows(min_row=2):
            for c in r:
                c.alignment = wrap
        ws.auto_filter.ref = ws.dimensions
    about = wb.create_sheet("About")
    about.append([t.title])
    about.append([f"{t.organization.legal_name}; coverage {t.overall:.0%} of the questions answered or not "
                  "applicable"])
    about.append(["NOT RECORDED: the register is silent. PARTIAL: part of the answer is recorded. Not applicable: "
                  "the register knows the condition is false."])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
