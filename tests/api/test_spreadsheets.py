"""Registers in spreadsheets: the registry's workbook (template, export, import) and the UK ICO layout, planned
before anything is written, every problem with its sheet, row and column."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import Workbook, load_workbook

from registry.app import create_app
from registry.config import Settings
from registry.domain.enums import AccessRole
from registry.services.registers import read_inventory, read_reference
from registry.services.spreadsheets import ICO_QUESTIONS, export_csv, export_workbook, plan_workbook
from registry.services.tokens import create_token
from registry.storage.database import Database
from tests.support import bearer, cli, own_database

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SEED = ("januscaler", "janusipm", "cloudfzs-jini", "jalendos-kramax")


def xlsx(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def text_cell(ws: Any, ref: str, value: str) -> None:
    """A cell typed as text in Excel (what a user gets typing '=... with the quote prefix)."""
    ws[ref] = value
    ws[ref].data_type = "s"
    ws[ref].quotePrefix = True


async def editor_client(settings: Settings, db: Database, role: AccessRole = AccessRole.EDITOR) -> httpx.AsyncClient:
    _, token = await create_token(db.repos, "sheets", role)
    app = create_app(settings, db)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost",
                             headers=bearer(token))


async def upload(c: httpx.AsyncClient, slug: str, content: bytes, name: str = "register.xlsx",
                 confirm: str | None = None) -> httpx.Response:
    data = {"confirm": confirm} if confirm else {}
    return await c.post(f"/organizations/{slug}/import", files={"file": (name, content, XLSX)}, data=data)


async def test_the_template_has_instructions_and_drop_downs_from_the_reference_data(
        client: httpx.AsyncClient) -> None:
    r = await client.get("/templates/register.xlsx")
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[0] == "Instructions" and "Activities" in wb.sheetnames and "Lists" in wb.sheetnames
    assert "one row per record" in " ".join(str(c.value) for c in wb["Instructions"]["A"])
    lists = wb["Lists"]
    column = {lists.cell(row=1, column=i).value: [c.value for c in lists[lists.cell(row=1, column=i).column_letter]]
              for i in range(1, lists.max_column + 1, 2)}
    assert "GDPR:contract" in column["Lawful bases"] and "GDPR:art9-explicit-consent" in column["Art 9 conditions"]
    assert "US" in column["Countries"] and "scc-2021-module-2" in column["Mechanisms"]
    assert "user.contact.email" in column["Data categories"]
    activities = wb["Activities"]
    assert activities.max_row == 1  # empty
    validations = {str(dv.sqref).split(":")[0]: dv for dv in activities.data_validations.dataValidation}
    role = validations["C2"]  # the Role column
    assert role.type == "list" and role.formula1.startswith("=Lists!") and role.showErrorMessage
    categories = next(dv for ref, dv in validations.items() if ref.startswith("H"))
    assert categories.formula1.startswith("=Lists!") and not categories.showErrorMessage  # several values per cell
    bases = {str(dv.sqref).split(":")[0]: dv for dv in wb["Lawful bases"].data_validations.dataValidation}
    assert bases["C2"].showErrorMessage and "Lists!" in bases["C2"].formula1
    transfers = {str(dv.sqref).split(":")[0]: dv for dv in wb["Transfers"].data_validations.dataValidation}
    assert {"B2", "C2", "F2"} <= set(transfers)  # origin, destination, mechanism


async def test_the_registry_workbook_exported_then_imported_changes_nothing(settings: Settings) -> None:
    async with own_database(settings, "sheetsrt") as db:
        history = await db.repos.history.count()
        async with await editor_client(settings, db) as c:
            for slug in SEED:
                r = await c.get(f"/organizations/{slug}/register.xlsx")
                assert r.status_code == 200
                r = await upload(c, slug, r.content)
                assert r.status_code == 200, r.text
                plan = r.json()["plan"]
                assert plan["counts"]["create"] == plan["counts"]["change"] == 0 and not plan["problems"]
                assert plan["counts"]["unchanged"] > 10 and plan["layout"] == "registry"
                r = await upload(c, slug, r.content if False else (await c.get(
                    f"/organizations/{slug}/register.xlsx")).content, confirm=plan["hash"])
                assert r.json()["applied"] is True
            inv = await read_inventory(db.repos, "janusipm")
            sp = await plan_workbook(db.repos, export_csv(inv).encode(), "csv", "a.csv", "janusipm")
            assert not sp.problems and sp.counts["change"] == sp.counts["create"] == 0
        assert await db.repos.history.count() == history


def ico_workbook(rows: list[dict[str, str]]) -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "ROPA"
    headers = ["Activity name", *(f"{k} {q}" for k, q in ICO_QUESTIONS)]
    ws.append(headers)
    for r in rows:
        ws.append([r.get("name"), *(r.get(k) for k, _ in ICO_QUESTIONS)])
    return wb


ICO_ROWS = [
    {"name": "Customer orders", "ICO.1.1": "Acme Widgets Ltd", "ICO.1.2": "Privacy team, privacy@acme.example",
     "ICO.1.3": "None", "ICO.1.4": "Jane Doe, dpo@acme.example", "ICO.1.6": "Controller", "ICO.1.7": "Sales",
     "ICO.1.8": "Head of Sales", "ICO.2.1": "Order fulfilment\nCustomer support",
     "ICO.2.2": "Taking, delivering and supporting orders.", "ICO.3.1": "Customers",
     "ICO.3.2": "Email address\nuser.name\nPostal address", "ICO.3.3": "No", "ICO.3.4": "The customers",
     "ICO.4.1": "Parcel couriers", "ICO.4.2": "Yes", "ICO.5.1": "United States", "ICO.5.2": "scc-2021-module-2",
     "ICO.6.1": "Order records: 6 years after the order", "ICO.6.2": "https://acme.example/retention",
     "ICO.6.3": "Yes", "ICO.7.1": "Encryption at rest\nRole-based access", "ICO.7.2": "EU data centres",
     "ICO.8.1": "Art 6(1)(b)", "ICO.10.1": "No", "ICO.11.1": "Access, rectification, erasure",
     "ICO.11.2": "https://acme.example/privacy", "ICO.13.1": "Breach log", "ICO.15.1": "2026-10-01, DPO"},
    {"name": "Newsletter", "ICO.1.1": "Acme Widgets Ltd", "ICO.1.6": "Controller", "ICO.2.1": "Newsletter",
     "ICO.3.1": "Customers\nProspects", "ICO.3.2": "Email address", "ICO.8.1": "GDPR:consent",
     "ICO.12.1": "https://acme.example/consents", "ICO.9.1": "No"},
    {"name": "Fraud checks", "ICO.1.1": "Acme Widgets Ltd", "ICO.1.6": "Controller", "ICO.2.1": "Fraud prevention",
     "ICO.3.1": "Customers", "ICO.3.2": "IP address\nPayment details", "ICO.8.1": "Legitimate interests",
     "ICO.8.2": "Preventing payment fraud", "ICO.8.3": "LIA-2026-01, DPO register", "ICO.9.1": "Yes",
     "ICO.9.2": "Orders scored for fraud risk", "ICO.10.1": "Yes", "ICO.10.2": "DPIA-7"},
]


async def test_a_workbook_in_the_ico_layout_imports_with_every_row_and_column_accounted_for(
        settings: Settings) -> None:
    content = xlsx(ico_workbook(ICO_ROWS))
    async with own_database(settings, "sheetsico") as db:
        async with await editor_client(settings, db) as c:
            r = await upload(c, "acme-widgets-ltd", content, "ropa.xlsx")
            assert r.status_code == 200, r.text
            plan = r.json()["plan"]
            assert plan["layout"] == "ICO" and not plan["problems"]
            # every column: what it becomes, or why it is not imported
            assert len(plan["columns"]) == 1 + len(ICO_QUESTIONS)
            for key, _ in ICO_QUESTIONS:
                [line] = [x for x in plan["columns"] if f" {key}: " in x]
                assert line.split(": ", 1)[1]
            assert any("ICO.1.7: not imported" in x for x in plan["columns"])
            assert any("ICO.3.3: not imported: the registry derives it" in x for x in plan["columns"])
            # every row: an activity created, with its fields before and after
            activity_rows = {x["row"]: x for x in plan["rows"] if x["collection"] == "processing_activities"}
            assert set(activity_rows) == {2, 3, 4} and all(x["action"] == "create" for x in activity_rows.values())
            orders = {f["field"]: f["after"] for f in activity_rows[2]["changes"]}
            assert orders["data_categories"] == ["user.contact.email", "user.name", "user.contact.address"]
            assert orders["role"] == "CONTROLLER" and orders["transfers"] == ["customer-orders-to-us"]
            r = await upload(c, "acme-widgets-ltd", content, "ropa.xlsx", confirm=plan["hash"])
            assert r.status_code == 200 and r.json()["applied"] is True
            again = (await upload(c, "acme-widgets-ltd", content, "ropa.xlsx")).json()["plan"]
            assert again["counts"]["create"] == again["counts"]["change"] == 0
        inv = await read_inventory(db.repos, "acme-widgets-ltd")
        assert inv.organization.legal_name == "Acme Widgets Ltd"
        assert inv.organization.dpo and inv.organization.dpo.email == "dpo@acme.example"
        fraud = next(a for a in inv.processing_activities if a.key == "fraud-checks")
        [basis] = fraud.purposes[0].lawful_bases
        assert (basis.basis, basis.balancing_test, basis.stated_as) == (
            "GDPR:legitimate-interests", "LIA-2026-01, DPO register", "Preventing payment fraud")
        transfer = next(t for t in inv.transfers if t.key == "customer-orders-to-us")
        assert (transfer.destination, transfer.mechanism) == ("US", "scc-2021-module-2")
        entry = await db.repos.history.get("processing_activities:acme-widgets-ltd/customer-orders:v1")
        assert entry is not None and entry.actor.startswith("import:ropa.xlsx")


async def test_a_bad_workbook_gets_every_problem_with_its_place_and_nothing_is_written(settings: Settings) -> None:
    rows = [dict(ICO_ROWS[0], name=f"Activity {i}") for i in range(1001)]
    rows[0] |= {"ICO.8.1": "Art 6(1)(z) because we can"}
    rows[1] |= {"ICO.5.1": "Atlantis"}
    rows[2] |= {"ICO.3.2": "Email addresses"}
    for r in rows:
        r["ICO.2.1"] = ""  # the required column is empty
    wb = ico_workbook(rows)
    ws = wb.active
    assert ws is not None
    ws["B5"] = "=CONCAT(\"Acme\", \" Ltd\")"  # a formula (ICO.1.1 of row 5)
    ws.merge_cells("C6:D6")
    content = xlsx(wb)
    async with own_database(settings, "sheetsbad") as db:
        history = await db.repos.history.count()
        async with await editor_client(settings, db) as c:
            r = await upload(c, "acme-widgets-ltd", content, "bad.xlsx")
            assert r.status_code == 422
            body = r.json()
            problems = body["plan"]["problems"]
            codes = {p["code"] for p in problems}
            assert {"FORMULA", "MERGED_CELLS", "TOO_MANY_ROWS", "REQUIRED"} <= codes
            formula = next(p for p in problems if p["code"] == "FORMULA")
            assert (formula["sheet"], formula["row"], formula["column"]) == ("ROPA", 5, "B (ICO.1.1 Legal name of "
                                                                             "the controller)")
            merged = next(p for p in problems if p["code"] == "MERGED_CELLS")
            assert (merged["row"], merged["column"]) == (6, "C") and "C6:D6" in merged["message"]
            required = [p for p in problems if p["code"] == "REQUIRED"]
            assert len(required) == 1001 and required[0]["column"].startswith("J (ICO.2.1")
            assert next(p for p in problems if p["code"] == "TOO_MANY_ROWS")["row"] == 1002  # the 1,001st row
            # nothing written, even when confirmed with the plan's hash
            r = await upload(c, "acme-widgets-ltd", content, "bad.xlsx", confirm=body["plan"]["hash"])
            assert r.status_code == 422 and r.json()["applied"] is False
        # with the purposes filled, the cell-level problems of the values show
        for r_ in rows:
            r_["ICO.2.1"] = "Orders"
        wb = ico_workbook(rows[:3])
        sp = await plan_workbook(db.repos, xlsx(wb), "xlsx", "bad.xlsx", "acme-widgets-ltd")
        by_code = {p.code: p for p in sp.problems}
        basis = by_code["UNKNOWN_LEGAL_BASIS"]
        assert (basis.sheet, basis.row) == ("ROPA", 2) and basis.column and "ICO.8.1" in basis.column
        country = by_code["UNKNOWN_COUNTRY"]
        assert country.row == 3 and "'Atlantis' is not a known country" in country.message
        category = by_code["UNKNOWN_DATA_CATEGORY"]
        assert category.row == 4 and category.suggestion and category.suggestion.startswith("user.contact.email")
        assert category.score is not None and category.score >= 80
        assert "Did you mean user.contact.email (User Contact Email)?" in category.line()
        assert sp.plan is None
        assert await db.repos.history.count() == history
        with pytest.raises(LookupError):
            await read_inventory(db.repos, "acme-widgets-ltd")


async def test_formula_like_text_is_stored_as_text_and_exported_escaped(settings: Settings) -> None:
    async with own_database(settings, "sheetsformula") as db:
        inv = await read_inventory(db.repos, "janusipm")
        wb = load_workbook(io.BytesIO(export_workbook(inv, await read_reference(db.repos))))
        ws = wb["Security measures"]
        text_cell(ws, "B2", "=HYPERLINK(\"http://evil.example\",\"x\")")
        text_cell(ws, "B3", "-1+1 keeps working")
        text_cell(ws, "B4", "@SUM(A1)")
        text_cell(ws, "B5", "+44 20 7946 0000")
        keys = [ws[f"A{i}"].value for i in range(2, 6)]
        async with await editor_client(settings, db) as c:
            r = await upload(c, "janusipm", xlsx(wb))
            assert r.status_code == 200, r.text
            r = await upload(c, "janusipm", xlsx(wb), confirm=r.json()["plan"]["hash"])
            assert r.json()["applied"] is True
            after = {x.key: x.description for x in (await read_inventory(db.repos, "janusipm")).security_measures}
            assert [after[k] for k in keys] == ["=HYPERLINK(\"http://evil.example\",\"x\")", "-1+1 keeps working",
                                                "@SUM(A1)", "+44 20 7946 0000"]
            # exported back: text cells, never formulas
            r = await c.get("/organizations/janusipm/register.xlsx")
            back = load_workbook(io.BytesIO(r.content))["Security measures"]
            cells = {back[f"A{i}"].value: back[f"B{i}"] for i in range(2, back.max_row + 1)}
            for k in keys:
                assert cells[k].data_type == "s" and cells[k].quotePrefix is True
            # the same through CSV: a leading apostrophe, removed again on import
        activity = inv.processing_activities[0]
        inv2 = inv.replacing(type(activity)(**{**vars(activity), "description": "=1+2"}))
        text = export_csv(inv2)
        row = next(r for r in csv.reader(io.StringIO(text)) if r[0] == activity.key)
        assert row[3] == "'=1+2"
        sp = await plan_workbook(db.repos, text.encode(), "csv", "a.csv", "janusipm")
        [change] = [x for x in sp.rows if x.action == "change"]
        assert [(f.field, f.after) for f in change.changes] == [("description", "=1+2")]


async def test_importing_needs_an_editor_and_a_current_plan(settings: Settings) -> None:
    async with own_database(settings, "sheetsroles") as db:
        content = export_workbook(await read_inventory(db.repos, "januscaler"), await read_reference(db.repos))
        async with await editor_client(settings, db, AccessRole.VIEWER) as viewer:
            r = await upload(viewer, "januscaler", content)
            assert r.status_code == 403 and "EDITOR" in r.json()["errors"][0]["message"]
        wb = load_workbook(io.BytesIO(content))
        wb["Purposes"]["B2"] = "A renamed purpose"
        changed = xlsx(wb)
        async with await editor_client(settings, db) as c:
            plan = (await upload(c, "januscaler", changed)).json()["plan"]
            [row] = [x for x in plan["rows"] if x["action"] != "unchanged"]
            assert len(plan["rows"]) == plan["counts"]["unchanged"] + 1  # every row, the unchanged ones too
            assert (row["sheet"], row["row"], row["action"]) == ("Purposes", 2, "change")
            assert row["changes"][0]["field"] == "name" and row["changes"][0]["after"] == "A renamed purpose"
            r = await upload(c, "januscaler", changed, confirm="0" * 64)
            assert r.status_code == 409 and "plan changed" in r.json()["errors"][0]["message"]
            r = await c.post("/organizations/januscaler/import", json={"file": "x"})
            assert r.status_code == 415


@pytest.mark.subprocess
async def test_the_cli_shows_the_plan_then_applies_it_with_a_progress_bar(settings: Settings, tmp_path: Path) -> None:
    assert settings.mongodb_uri
    async with own_database(settings, "sheetscli") as db:
        uri = settings.mongodb_uri + "sheetscli"
        out = tmp_path / "register.xlsx"
        r = cli(uri, "export", "--organization", "jalendos-kramax", "--format", "xlsx", "--output", str(out))
        assert r.returncode == 0, r.stderr
        r = cli(uri, "import", str(out))
        assert r.returncode == 0 and "Nothing to do" in r.stdout, r.stdout + r.stderr
        for fmt in ("ico", "csv"):
            out = tmp_path / f"register.{fmt}.{'csv' if fmt == 'csv' else 'xlsx'}"
            r = cli(uri, "export", "--organization", "jalendos-kramax", "--format", fmt, "--output", str(out))
            assert r.returncode == 0, r.stderr
            r = cli(uri, "import", str(out), "--organization", "jalendos-kramax")
            assert r.returncode == 0 and "Nothing to do" in r.stdout, r.stdout + r.stderr
        ico = tmp_path / "ropa.xlsx"
        ico.write_bytes(xlsx(ico_workbook(ICO_ROWS)))
        r = cli(uri, "import", str(ico))
        assert r.returncode == 0 and "create" in r.stdout and "Nothing applied" in r.stdout, r.stdout + r.stderr
        assert await db.repos.organizations.get("acme-widgets-ltd") is None
        r = cli(uri, "import", str(ico), "--yes")
        assert r.returncode == 0 and "Applied." in r.stdout, r.stdout + r.stderr
        assert "] " in r.stderr and "#" in r.stderr  # the progress bar
        assert await db.repos.organizations.get("acme-widgets-ltd") is not None


async def test_the_ico_layout_export_imports_back_without_a_change(settings: Settings) -> None:
    async with own_database(settings, "sheetsicort") as db:
        history = await db.repos.history.count()
        async with await editor_client(settings, db) as c:
            for slug in SEED:
                r = await c.get(f"/organizations/{slug}/register-ico.xlsx")
                assert r.status_code == 200
                ws = load_workbook(io.BytesIO(r.content)).active
                assert ws is not None
                headers = [x.value for x in ws[1]]
                assert headers[:3] == ["Activity key", "Activity name", "ICO.1.1 Legal name of the controller"]
                assert len(headers) == 2 + len(ICO_QUESTIONS)
                inv = await read_inventory(db.repos, slug)
                assert ws.max_row == 1 + len(inv.processing_activities)
                plan = (await upload(c, slug, r.content, f"{slug}-ico.xlsx")).json()["plan"]
                assert plan["layout"] == "ICO" and not plan["problems"], plan["problems"][:3]
                assert plan["counts"]["create"] == plan["counts"]["change"] == 0
        assert await db.repos.history.count() == history


async def test_a_zip_bomb_or_a_non_workbook_is_refused_before_it_is_read(database: Database,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import zipfile

    from registry.services import spreadsheets

    monkeypatch.setattr(spreadsheets, "MAX_UNZIPPED_BYTES", 1_000_000)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * 2_000_000)  # 2 MB unpacked, a few KB packed
    sp = await plan_workbook(database.repos, buf.getvalue(), "xlsx", "bomb.xlsx", "januscaler")
    assert [p.code for p in sp.problems] == ["TOO_LARGE"] and sp.plan is None
    sp = await plan_workbook(database.repos, b"not a zip", "xlsx", "x.xlsx", "januscaler")
    assert [p.code for p in sp.problems] == ["NOT_A_WORKBOOK"]
    assert "save it as Excel Workbook (.xlsx) or CSV" in sp.problems[0].message
