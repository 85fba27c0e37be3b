"""The regulators' templates over the API: an organisation built through GraphQL with every fact recorded answers
every question of the ICO, DPC and CNIL templates; the downloads read back with openpyxl."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
import pytest_asyncio
import yaml

from registry.app import create_app
from registry.config import Settings
from registry.domain.enums import AccessRole
from registry.domain.ropa_templates import Template, questions
from registry.services.tokens import create_token
from tests.support import GraphQLClient, bearer, cli, own_database

FULL = yaml.safe_load((Path(__file__).resolve().parents[1] / "data/full-register.yaml").read_text("utf-8"))
SLUG = FULL["organization"]["slug"]
MUTATIONS = [("data_categories", "createDataCategory", "CreateDataCategoryInput"),
             ("data_subjects", "createDataSubject", "CreateDataSubjectCategoryInput"),
             ("purposes", "createPurpose", "CreatePurposeInput"),
             ("recipients", "createRecipient", "CreateRecipientInput"),
             ("transfers", "createTransfer", "CreateTransferInput"),
             ("retention_rules", "createRetentionRule", "CreateRetentionRuleInput"),
             ("security_measures", "createSecurityMeasure", "CreateSecurityMeasureInput"),
             ("systems", "createSystem", "CreateSystemInput"),
             ("processing_activities", "createProcessingActivity", "CreateProcessingActivityInput")]


def camel(value: Any) -> Any:
    """A seed-format mapping as GraphQL input: snake_case names in camelCase, dates as text."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            head, *rest = k.split("_")
            out[head + "".join(p.title() for p in rest)] = camel(v)
        return out
    if isinstance(value, list):
        return [camel(v) for v in value]
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def api(settings: Settings) -> AsyncIterator[tuple[GraphQLClient, httpx.AsyncClient, str]]:
    async with own_database(settings, "ropa") as db:
        token = (await create_token(db.repos, "dpo", AccessRole.EDITOR))[1]
        app = create_app(Settings(), db)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost",
                                     headers=bearer(token)) as c:
            gql = GraphQLClient(c)
            await build_through_the_api(gql)
            assert settings.mongodb_uri
            yield gql, c, settings.mongodb_uri + "ropa"


async def build_through_the_api(gql: GraphQLClient) -> None:
    async def create(name: str, input_type: str, record: dict[str, Any]) -> None:
        body = await gql.data(f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ "
                              "userErrors { field message } } }", {"i": camel(record)})
        assert body[name]["userErrors"] == [], (name, record.get("key"), body[name]["userErrors"])

    await create("createOrganization", "CreateOrganizationInput", FULL["organization"])
    for section, name, input_type in MUTATIONS:
        for record in FULL[section]:
            await create(name, input_type, {"organization": SLUG, **record})


TEMPLATE_QUERY = """query($o: String!, $t: RopaTemplateName!) { ropaTemplate(organization: $o, template: $t) {
  title overallCoverage downloads
  controller { question { key } status answer fields }
  activities { activity { key } answers { question { key } status answer fields } }
  coverage { question { key required } answered partial notRecorded notApplicable coverage } } }"""


@pytest.mark.parametrize("template", list(Template))
async def test_every_question_is_answered_for_every_activity(
        api: tuple[GraphQLClient, httpx.AsyncClient, str], template: Template) -> None:
    gql, _, _ = api
    t = (await gql.data(TEMPLATE_QUERY, {"o": SLUG, "t": template.value}))["ropaTemplate"]
    keys = [q.key for q in questions(template)]
    assert [c["question"]["key"] for c in t["coverage"]] == keys
    activities = {a["activity"]["key"]: a["answers"] for a in t["activities"]}
    assert set(activities) == {"booking-screening", "rostering"}
    for key in keys:  # question by question
        controller = [a for a in t["controller"] if a["question"]["key"] == key]
        per_activity = [a for answers in activities.values() for a in answers if a["question"]["key"] == key]
        given = controller or per_activity
        assert len(given) == (1 if controller else 2), key
        for a in given:
            assert a["status"] in ("ANSWERED", "NOT_APPLICABLE"), (key, a)
            assert a["answer"] and a["fields"], (key, a)
    assert all(c["coverage"] == 1.0 and c["partial"] == c["notRecorded"] == 0 for c in t["coverage"])
    assert t["overallCoverage"] == 1.0
    assert t["downloads"] == [f"/organizations/{SLUG}/ropa/{template.slug}.xlsx",
                              f"/organizations/{SLUG}/ropa/{template.slug}.csv"]


async def test_a_seed_organisation_shows_its_gaps(api: tuple[GraphQLClient, httpx.AsyncClient, str]) -> None:
    gql, _, _ = api
    t = (await gql.data(TEMPLATE_QUERY, {"o": "januscaler", "t": "UK_ICO"}))["ropaTemplate"]
    assert 0 < t["overallCoverage"] < 1
    review = next(c for c in t["coverage"] if c["question"]["key"] == "ICO.15.1")
    assert review["notRecorded"] == len(t["activities"]) and review["coverage"] == 0
    silent = [a for x in t["activities"] for a in x["answers"] if a["status"] == "NOT_RECORDED"]
    assert silent and all(a["answer"] is None for a in silent)


@pytest.mark.parametrize("template", list(Template))
async def test_the_xlsx_download_has_every_question_column_and_activity_row(
        api: tuple[GraphQLClient, httpx.AsyncClient, str], template: Template) -> None:
    _, http, _ = api
    r = await http.get(f"/organizations/{SLUG}/ropa/{template.slug}.xlsx")
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    controller, activities = wb["Controller"], wb["Activities"]
    block = {row[0]: row for row in controller.iter_rows(min_row=2, values_only=True)}
    qs = questions(template)
    assert set(block) == {q.key for q in qs if q.controller}
    header = [c.value for c in activities[1]]
    wanted = [f"{q.key} {q.wording}" for q in qs if not q.controller]
    assert header == ["Processing activity", *wanted]
    if template is Template.FR_CNIL:
        assert "CNIL.3.1 Finalités du traitement: purposes" in header
    rows = list(activities.iter_rows(min_row=2, values_only=True))
    assert sorted(row[0] for row in rows) == ["Booking screening and reminders", "Staff rostering"]
    assert all(cell for row in rows for cell in row)  # every cell answered in the full register


async def test_downloads_mark_unanswered_cells_and_need_a_token(
        api: tuple[GraphQLClient, httpx.AsyncClient, str]) -> None:
    _, http, _ = api
    r = await http.get("/organizations/januscaler/ropa/ie-dpc.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    controller_part, table_part = r.text.split("\r\n\r\n", 1)
    table = list(csv.reader(io.StringIO(table_part)))
    assert table[0][0] == "Processing activity" and len(table[0]) == 1 + len(
        [q for q in questions(Template.IE_DPC) if not q.controller])
    assert any(cell == "NOT RECORDED" for row in table[1:] for cell in row)
    assert "DPC.1.1" in controller_part
    wb = openpyxl.load_workbook(io.BytesIO((await http.get("/organizations/januscaler/ropa/ie-dpc.xlsx")).content))
    marked = [c for row in wb["Activities"].iter_rows(min_row=2) for c in row if c.value == "NOT RECORDED"]
    assert marked and all(c.fill.fgColor.rgb.endswith("FFC7CE") for c in marked)
    async with httpx.AsyncClient(transport=http._transport, base_url="http://localhost") as anonymous:
        assert (await anonymous.get("/organizations/januscaler/ropa/ie-dpc.csv")).status_code == 401
    assert (await http.get("/organizations/nobody/ropa/ie-dpc.csv")).status_code == 404
    bad = await http.get("/organizations/januscaler/ropa/us-ftc.csv")
    assert bad.status_code == 404 and "uk-ico, ie-dpc or fr-cnil" in bad.json()["errors"][0]["message"]


@pytest.mark.subprocess
async def test_the_command_line_writes_the_template(api: tuple[GraphQLClient, httpx.AsyncClient, str],
                                                    tmp_path: Path) -> None:
    _, _, uri = api
    out = tmp_path / "dpc.xlsx"
    r = cli(uri, "ropa", "--organization", SLUG, "--template", "ie-dpc", "--format", "xlsx", "--output", str(out))
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out)
    assert wb["Activities"].max_row == 3
    bad = cli(uri, "ropa", "--organization", SLUG, "--template", "gdpr", "--format", "xlsx")
    assert bad.returncode == 2 and "uk-ico" in bad.stderr


async def test_the_art30_record_shows_the_accountability_facts(
        api: tuple[GraphQLClient, httpx.AsyncClient, str]) -> None:
    _, http, _ = api
    js = (await http.get(f"/organizations/{SLUG}/records-of-processing.json")).json()
    [controller] = [r for r in js if r["article"] == "Art 30(1)"]
    booking = next(e for e in controller["entries"] if e["activity"] == "Booking screening and reminders")
    fields = {f["field"]: f["value"] for f in booking["fields"]}
    assert fields["Responsible department"] == "Patient services"
    assert fields["Systems and where the data is located"] == "Booking database: Netherlands (hosted by CloudHost BV)"
    assert "Art 22(2)(a) contract" in fields["Ground and safeguards of automated decisions"]
    assert "registry:dpo-register/LIA-2026-01" in fields[next(k for k in fields if k.startswith("Documents"))]
    assert fields["Last review"].startswith("2026-09-01 by DPO")
    page = (await http.get(f"/organizations/{SLUG}/records-of-processing.html")).text
    assert "St Example Hospital" in page and "FraudSignals Ltd" in page
