"""DPIA screening and the draft, over GraphQL and as downloads."""

from __future__ import annotations

import base64
import datetime as dt
import io

import httpx
from docx import Document

from tests.support import GraphQLClient


def gid(activity: str) -> str:
    return base64.b64encode(f"ProcessingActivity:{activity}".encode()).decode()


S = """query($a: ID!) { dpiaScreening(activity: $a) { verdict explanation mandatoryCases downloads
  activity { name } criteria { number title status met assessable facts question } } }"""


async def test_call_logging_screens_as_likely_requiring_a_dpia(gql: GraphQLClient) -> None:
    s = (await gql.data(S, {"a": gid("cloudfzs-jini/call-message-logging")}))["dpiaScreening"]
    assert s["verdict"] == "LIKELY_REQUIRED"
    met = {c["number"]: c["facts"] for c in s["criteria"] if c["met"]}
    assert set(met) == {3, 4}
    assert any("Call and message metadata" in f for f in met[4])
    # Monitoring rests on the document's own sentence, and the link to call logs is marked as inferred.
    assert any("monitor their telecalling teams" in f and "[inferred:" in f for f in met[3])
    scale = next(c for c in s["criteria"] if c["number"] == 5)
    assert scale["status"] == "UNKNOWN" and scale["assessable"] is False and "large-scale" in scale["question"]


async def test_an_activity_with_unanswered_criteria_is_undetermined_not_cleared(gql: GraphQLClient) -> None:
    # The old expectation (NOT_INDICATED) treated "not recorded" as "no"; the unknown criteria ask their question.
    s = (await gql.data(S, {"a": gid("jalendos-kramax/customer-support")}))["dpiaScreening"]
    assert s["verdict"] == "UNDETERMINED" and not any(c["met"] for c in s["criteria"])
    unknown = [c for c in s["criteria"] if c["status"] == "UNKNOWN"]
    assert unknown and all(c["question"] for c in unknown)


async def test_the_draft_of_a_processor_activity_names_the_controller(gql: GraphQLClient) -> None:
    q = 'query($a: ID!) { dpiaDraft(activity: $a) { markdown } }'
    md = (await gql.data(q, {"a": gid("januscaler/customer-content-processing")}))["dpiaDraft"]["markdown"]
    assert "Controller: Januscaler" not in md and "Processor: Januscaler" in md


async def test_screening_a_non_activity_id_is_a_clear_error(gql: GraphQLClient) -> None:
    other = base64.b64encode(b"Organization:januscaler").decode()
    [err] = (await gql(S, {"a": other}))["errors"]
    assert "not of a ProcessingActivity" in err["message"]


async def test_draft_has_the_art35_7_sections_and_cnil_risks(gql: GraphQLClient, client: httpx.AsyncClient) -> None:
    q = 'query($a: ID!) { dpiaDraft(activity: $a) { markdown screening { downloads } } }'
    d = (await gql.data(q, {"a": gid("januscaler/refund-identity-verification")}))["dpiaDraft"]
    md = d["markdown"]
    for heading in ("Art 35(7)(a)", "Art 35(7)(b)", "Art 35(7)(c)", "Art 35(7)(d)"):
        assert heading in md
    for event in ("Illegitimate access to data", "Unwanted modification of data", "Disappearance of data"):
        assert event in md
    assert "Government ID" in md  # pre-filled from the inventory (fideslang's name)
    md_url, docx_url = d["screening"]["downloads"]
    r = await client.get(md_url)
    assert r.status_code == 200 and r.text == md
    r = await client.get(docx_url)
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.content))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert any("Art 35(7)(c)" in h for h in headings) and len(doc.tables) == 1


async def test_draft_download_for_an_unknown_activity(client: httpx.AsyncClient) -> None:
    r = await client.get("/organizations/januscaler/activities/nope/dpia-draft.docx")
    assert r.status_code == 404 and "No processing activity 'nope'" in r.json()["errors"][0]["message"]


async def test_the_word_draft_is_a4_with_its_properties_and_no_markdown(client: httpx.AsyncClient) -> None:
    org = (await client.post("/graphql", json={"query": '{ organization(slug: "cloudfzs-jini") { '
                                               "processingActivities { key transfers { key } } } }"})).json()
    key = next(a["key"] for a in org["data"]["organization"]["processingActivities"] if a["transfers"])
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    r = await client.get(f"/organizations/cloudfzs-jini/activities/{key}/dpia-draft.docx")
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.content))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4, not US Letter
    props = doc.core_properties
    assert props.title.startswith("Data protection impact assessment (draft): ")
    assert props.author == "CloudFZS Technologies Pvt. Ltd." and props.created.replace(tzinfo=dt.UTC) >= before
    cells = [c for t in doc.tables for row in t.rows for c in row.cells]
    texts = [c.text for c in cells] + [p.text for p in doc.paragraphs]
    assert not [t for t in texts if "_To be" in t or "**" in t], "Markdown left in the document"
    todo = next(c for c in cells if c.text == "To be completed by the assessor.")
    assert todo.paragraphs[0].runs[0].italic  # the emphasis is formatting, not underscores
    whole = "\n".join(texts)
    assert "Controller: CloudFZS Technologies Pvt. Ltd. Role" in whole and "Ltd.." not in whole
    assert ".:" not in whole and "No country is named: no mechanism recorded" in whole
