"""The DPIA draft as a file for the CNIL PIA tool (LINCnil/pia v4), read back the way that tool reads it.

`import_like_the_pia_tool` re-implements, step by step, `PiaService.import` and `importData` (with
`importAnswers`, `importMeasures`, `importEvaluations`, `importComments`) of LINCnil/pia's
src/app/services/pia.service.ts at commit 44dd3138cde72251fba29e3b6bfd7bac3fa9fbe1 (v4.1.0), and the question
numbers of its structure, src/assets/files/pia_architecture.json at the same commit.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from html.parser import HTMLParser
from typing import Any

import httpx

from tests.support import GraphQLClient

TEXT_QUESTIONS = {111, 112, 113, 121, 122, 123, 211, 212, 213, 214, 215, 221, 222, 223, 224, 225, 226, 227}
"""pia_architecture.json: the questions whose `answer_type` is `text` (sections 1 and 2)."""
JS_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$")


def js_date(value: Any) -> dt.datetime:
    """`new Date(value)` must not be an Invalid Date: an ISO 8601 instant, as the tool's own export writes."""
    assert isinstance(value, str) and JS_DATE.match(value), f"not a date the tool reads: {value!r}"
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


class Html(HTMLParser):
    """The answer's text goes into the tool's rich-text editor: it must be balanced HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, f"unbalanced </{tag}>"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def import_like_the_pia_tool(raw: bytes) -> dict[str, Any]:
    """What the PIA tool stores when a user imports the file; raises where the tool would reject it."""
    data = json.loads(raw.decode("utf-8"))  # reader.readAsText(file, 'UTF-8'); JSON.parse(...)
    assert data.get("pia"), "wrong pia file"  # if (!data.pia) reject(new Error('wrong pia file'))
    p = data["pia"]
    pia = {k: p.get(k) for k in ("name", "category", "dpo_status", "dpo_opinion", "concerned_people_opinion",
                                 "concerned_people_status", "concerned_people_searched_opinion",
                                 "concerned_people_searched_content", "rejection_reason", "applied_adjustments",
                                 "dpos_names", "people_names", "author_name", "evaluator_name", "validator_name")}
    pia["name"] = "(IMPORT) " + p["name"]
    try:  # pia.status = parseInt(data.pia.status, 10); NaN becomes 0
        pia["status"] = int(str(p["status"]), 10)
    except (KeyError, ValueError):
        pia["status"] = 0
    assert pia["status"] in (0, 1, 2, 3, 4)
    pia["created_at"] = js_date(p["created_at"])
    if p.get("updated_at"):
        pia["updated_at"] = js_date(p["updated_at"])
    answers = []
    for a in data["answers"]:  # answers.forEach(...)
        answers.append({"reference_to": a["reference_to"], "data": a["data"], "created_at": js_date(a["created_at"])})
        if a.get("updated_at"):
            js_date(a["updated_at"])
    measures = []
    if len(data["measures"]) > 0:  # data.measures.length
        for m in data["measures"]:
            measures.append({"title": m["title"], "content": m["content"], "placeholder": m["placeholder"],
                             "created_at": js_date(m["created_at"]), "old_id": m["id"]})
    for e in data["evaluations"]:  # for (const evaluation of data.evaluations): reference_to.startsWith(...)
        assert isinstance(e["reference_to"], str)
    for c in data["comments"]:  # comments.forEach(...)
        assert "reference_to" in c and "description" in c
    return {"pia": pia, "answers": answers, "measures": measures}


def gid(activity: str) -> str:
    return base64.b64encode(f"ProcessingActivity:{activity}".encode()).decode()


async def test_a_seed_dpia_loads_in_the_pia_tool_with_its_sections_pre_filled(
        gql: GraphQLClient, client: httpx.AsyncClient) -> None:
    q = "query($a: ID!) { dpiaDraft(activity: $a) { piaToolDownload screening { verdict } } }"
    d = (await gql.data(q, {"a": gid("janusipm/service-provision")}))["dpiaDraft"]
    assert d["piaToolDownload"] == "/organizations/janusipm/activities/service-provision/dpia.pia.json"
    r = await client.get(d["piaToolDownload"])
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert 'filename="dpia-janusipm-service-provision.pia.json"' in r.headers["content-disposition"]
    stored = import_like_the_pia_tool(r.content)
    assert stored["pia"]["status"] == 0 and stored["pia"]["name"].startswith("(IMPORT) ")

    by_question = {}
    for a in stored["answers"]:
        assert a["reference_to"] in TEXT_QUESTIONS, f"no text question {a['reference_to']} in the PIA structure"
        assert set(a["data"]) == {"text", "gauge", "list"}  # the Answer model's data
        parser = Html()
        parser.feed(a["data"]["text"])
        assert not parser.open, f"unclosed tags in answer {a['reference_to']}: {parser.open}"
        by_question[a["reference_to"]] = "".join(parser.text)
    # context, data, retention, recipients and transfers, from the register and the screening
    assert {111, 112, 121, 211, 212, 215, 226, 227} <= set(by_question)
    verdict = d["screening"]["verdict"].replace("_", " ").lower()
    assert f"{verdict}." in by_question[111]
    assert "Janus" in by_question[112]
    assert "Email" in by_question[121] or "email" in by_question[121]
    assert "United States" in by_question[227]
    assert stored["measures"] and all(m["title"] and m["content"] for m in stored["measures"])


async def test_every_seed_activity_exports_a_file_the_tool_accepts(gql: GraphQLClient,
                                                                   client: httpx.AsyncClient) -> None:
    orgs = (await gql.data("{ organizations { slug processingActivities { key } } }"))["organizations"]
    count = 0
    for o in orgs:
        for a in o["processingActivities"]:
            r = await client.get(f"/organizations/{o['slug']}/activities/{a['key']}/dpia.pia.json")
            assert r.status_code == 200, r.text
            import_like_the_pia_tool(r.content)
            count += 1
    assert count > 10


async def test_the_pia_file_needs_a_token_and_a_known_activity(anonymous: httpx.AsyncClient,
                                                               client: httpx.AsyncClient) -> None:
    assert (await anonymous.get("/organizations/janusipm/activities/service-provision/dpia.pia.json")
            ).status_code == 401
    r = await client.get("/organizations/janusipm/activities/nope/dpia.pia.json")
    assert r.status_code == 404 and "No processing activity 'nope'" in r.json()["errors"][0]["message"]
