"""The Art 30 record over GraphQL and as downloads: every field present, gaps said as such."""

from __future__ import annotations

import csv
import io

import httpx
from openpyxl import load_workbook

from tests.support import GraphQLClient

CONTROLLER_COLUMNS = [
    "Processing activity",
    "Name and contact details of the controller (Art 30(1)(a))", "Joint controller (Art 30(1)(a))",
    "Representative (Art 30(1)(a))", "Data protection officer (Art 30(1)(a))",
    "Facts inferred, not stated in the documents (why) (Art 5(2))",  # every export shows what is inferred
    "Purposes of the processing (Art 30(1)(b))", "Categories of data subjects (Art 30(1)(c))",
    "Categories of personal data (Art 30(1)(c))",
    "Categories of recipients, including in third countries (Art 30(1)(d))",
    "Transfers to a third country or an international organisation (Art 30(1)(e))",
    "Envisaged time limits for erasure (Art 30(1)(f))",
    "General description of the technical and organisational security measures (Art 30(1)(g))",
    "Joint controllers and the essence of the arrangement (Art 26)",
    "Data categories each recipient receives (Art 30(1)(d))", "Systems and where the data is located (Art 5(2))",
    "Responsible department (Art 5(2))", "Data stewards (Art 5(2))", "Sources of the personal data (Art 14(2)(f))",
    "Profiling and solely automated decisions (Art 22)", "Ground and safeguards of automated decisions (Art 22(2))",
    "Rights that apply (Art 12-22)", "Keeps to the retention policy (Art 5(1)(e))", "Why not (Art 5(1)(e))",
    "Last review (Art 5(2))",
    "Documents (privacy notice, LIA, DPIA, processor contract, record of consent, breach register, retention policy) "
    "(Art 5(2))",
]

ACCOUNTABILITY_ARTICLES = ["Art 26", "Art 30(1)(d)", "Art 5(2)", "Art 5(2)", "Art 5(2)", "Art 14(2)(f)", "Art 22",
                           "Art 22(2)", "Art 12-22", "Art 5(1)(e)", "Art 5(1)(e)", "Art 5(2)", "Art 5(2)"]

Q = """query($org: String!, $role: Role!) { recordsOfProcessing(organization: $org, role: $role) {
  article header { article field value recorded } entries { activity fields { article field value recorded } }
  downloads } }"""


async def test_controller_record_lists_every_field_and_says_what_is_missing(gql: GraphQLClient) -> None:
    rec = (await gql.data(Q, {"org": "janusipm", "role": "CONTROLLER"}))["recordsOfProcessing"]
    assert rec["article"] == "Art 30(1)"
    dpo = next(f for f in rec["header"] if f["field"] == "Data protection officer")
    assert dpo == {"article": "Art 30(1)(a)", "field": "Data protection officer", "value": "Not recorded",
                   "recorded": False}
    for entry in rec["entries"]:
        assert [f["article"] for f in entry["fields"]] == [
            "Art 30(1)(b)", "Art 30(1)(c)", "Art 30(1)(c)", "Art 30(1)(d)", "Art 30(1)(e)", "Art 30(1)(f)",
            "Art 30(1)(g)", *ACCOUNTABILITY_ARTICLES]
        # The documents are silent on the accountability facts: the record says so instead of guessing.
        review = next(f for f in entry["fields"] if f["field"] == "Last review")
        assert review == {"article": "Art 5(2)", "field": "Last review", "value": "Not recorded", "recorded": False}
    support = next(e for e in rec["entries"] if e["activity"] == "Customer support")
    purposes = next(f for f in support["fields"] if f["article"] == "Art 30(1)(b)")
    assert "no lawful basis recorded" in purposes["value"]
    transfers = next(f for f in support["fields"] if f["article"] == "Art 30(1)(e)")
    assert transfers["value"] == ("United States: Explicit consent after being informed of the risks "
                                  "(Art 49(1)(a))")


async def test_processor_record_names_the_controller(gql: GraphQLClient) -> None:
    rec = (await gql.data(Q, {"org": "januscaler", "role": "PROCESSOR"}))["recordsOfProcessing"]
    assert rec["article"] == "Art 30(2)"
    [entry] = rec["entries"]
    controller = entry["fields"][0]
    # "the Customer" is what the document says, not a controller's name and contact: the record says so.
    assert controller["article"] == "Art 30(2)(a)" and controller["value"].startswith("the Customer")
    assert controller["value"].endswith("(no name and contact details recorded)")


async def test_retention_reads_as_words_and_inferences_are_listed(gql: GraphQLClient) -> None:
    rec = (await gql.data(Q, {"org": "januscaler", "role": "CONTROLLER"}))["recordsOfProcessing"]
    erasure = next(f for f in rec["entries"][0]["fields"] if f["article"] == "Art 30(1)(f)")["value"]
    assert "required by law. after" not in erasure and "until overwritten" in erasure
    assert "no period given" in erasure
    jal = (await gql.data(Q, {"org": "jalendos-kramax", "role": "CONTROLLER"}))["recordsOfProcessing"]
    values = " ".join(f["value"] for e in jal["entries"] for f in e["fields"])
    assert "7 years" in values and "P7Y" not in values
    inferred = next(f for f in jal["header"] if f["article"] == "Art 5(2)")
    assert inferred["recorded"] and "controller" in inferred["value"]


async def test_xlsx_has_every_art30_column_and_a_frozen_header(client: httpx.AsyncClient) -> None:
    for slug in ("januscaler", "janusipm", "cloudfzs-jini", "jalendos-kramax"):
        r = await client.get(f"/organizations/{slug}/records-of-processing.xlsx")
        assert r.status_code == 200
        wb = load_workbook(io.BytesIO(r.content))
        controller = wb["Controller record Art 30(1)"]
        assert [c.value for c in controller[1]] == CONTROLLER_COLUMNS
        assert controller.freeze_panes == "B2"
        assert controller.max_row > 1 and all(controller.column_dimensions[c].width >= 14 for c in "ABCDEFGHIJKLM")
        assert "Processor record Art 30(2)" in wb.sheetnames


async def test_csv_and_json_downloads(client: httpx.AsyncClient) -> None:
    csv = await client.get("/organizations/jalendos-kramax/records-of-processing.csv?role=controller")
    assert csv.status_code == 200 and csv.text.splitlines()[0].startswith("Processing activity,")
    assert "Art 6(1)(f) legitimate interests" in csv.text
    js = (await client.get("/organizations/jalendos-kramax/records-of-processing.json")).json()
    assert [r["article"] for r in js] == ["Art 30(1)", "Art 30(2)"]


def _error(r: httpx.Response) -> tuple[str, str]:
    """The message and code of an HTTP error, in the shape GraphQL errors have."""
    [error] = r.json()["errors"]
    return error["message"], error["extensions"]["code"]


async def test_download_errors_say_what_to_do(client: httpx.AsyncClient) -> None:
    r = await client.get("/organizations/acme/records-of-processing.xlsx")
    assert r.status_code == 404 and _error(r) == (
        "No organisation with slug 'acme'. List organisations with { organizations { slug } } at /graphql.",
        "NOT_FOUND")
    r = await client.get("/organizations/januscaler/records-of-processing.csv?role=both")
    assert r.status_code == 400 and _error(r) == ("role must be controller, processor or all; got 'both'",
                                                  "BAD_REQUEST")
    r = await client.get("/organizations/januscaler/records-of-processing.pdf")
    assert r.status_code == 404 and "use json, csv, xlsx or html" in _error(r)[0]
    r = await client.get("/organisations/januscaler")  # no such address: the same shape, not plain text
    message, code = _error(r)
    assert r.status_code == 404 and code == "NOT_FOUND" and "Nothing at /organisations/januscaler" in message


async def test_csv_of_both_records(client: httpx.AsyncClient) -> None:
    r = await client.get("/organizations/januscaler/records-of-processing.csv?role=all")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0][:2] == ["Record", "Processing activity"]
    assert {row[0] for row in rows[1:]} == {"Art 30(1)", "Art 30(2)"}
    assert all(len(row) == len(rows[0]) for row in rows)
    one = list(csv.reader(io.StringIO((await client.get(
        "/organizations/januscaler/records-of-processing.csv?role=processor")).text)))
    assert len([row for row in rows if row[0] == "Art 30(2)"]) == len(one) - 1


async def test_xlsx_and_json_carry_their_date_and_the_registers_version(client: httpx.AsyncClient,
                                                                        gql: GraphQLClient) -> None:
    import datetime as dt

    history = (await gql.data('{ auditLog(organization: "januscaler", first: 1) { edges { node { at } } } }'))
    newest = history["auditLog"]["edges"][0]["node"]["at"]
    js = (await client.get("/organizations/januscaler/records-of-processing.json")).json()
    generated = dt.datetime.fromisoformat(js[0]["generatedAt"].replace("Z", "+00:00"))
    assert abs((dt.datetime.now(dt.UTC) - generated).total_seconds()) < 60
    assert js[0]["registerVersion"][:19] == newest[:19]  # the time of the register's last change
    wb = load_workbook(io.BytesIO((await client.get("/organizations/januscaler/records-of-processing.xlsx")).content))
    about = {row[0]: row[1] for row in wb["About"].iter_rows(values_only=True)}
    assert about["Register version (its last recorded change)"] == js[0]["registerVersion"]
    assert about["Generated"].endswith(" UTC") and wb.properties.version == js[0]["registerVersion"]
    sheet = wb["Controller record Art 30(1)"]
    assert sheet.print_title_rows == "$1:$1" and sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert js[0]["registerVersion"] in sheet.oddFooter.left.text


async def test_printed_record_shows_text_every_activity_shares_once(client: httpx.AsyncClient) -> None:
    page = (await client.get("/organizations/januscaler/records-of-processing.html?role=controller")).text
    rec = (await client.get("/organizations/januscaler/records-of-processing.json?role=controller")).json()[0]
    erasure = {next(f["value"] for f in e["fields"] if f["article"] == "Art 30(1)(f)") for e in rec["entries"]}
    assert len(erasure) == 1 and len(rec["entries"]) > 10  # the same retention text for every activity
    sentence = "may be retained until overwritten"
    assert sentence in next(iter(erasure)) and page.count(sentence) == 1
    assert "The same for every activity below" in page and "@page { size: A4 landscape" in page
