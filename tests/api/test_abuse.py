"""Hostile and malformed requests: each is refused with its error, and the server answers normally right after."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio

from registry.app import create_app
from registry.config import Settings
from registry.domain.enums import AccessRole
from registry.services.tokens import create_token
from tests.support import bearer, own_database

INJECTIONS = ['{"$gt": ""}', "$where", "this.a == 1 || '1' == '1'", "a.b.$c", "{$ne: null}", "'; db.dropDatabase()",
              "\u0000", "$", "../../etc/passwd"]


class Api:
    def __init__(self, http: httpx.AsyncClient, tokens: dict[str, str]):
        self.http, self.tokens = http, tokens

    async def post(self, body: Any, role: str | None = "viewer", **kw: Any) -> httpx.Response:
        headers = bearer(self.tokens[role]) if role else {}
        return await self.http.post("/graphql", json=body, headers=headers, **kw)

    async def still_answers(self) -> None:
        r = await self.post({"query": "{ organizations { slug } }"})
        assert r.status_code == 200 and len(r.json()["data"]["organizations"]) == 4


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def api(settings: Settings) -> AsyncIterator[Api]:
    async with own_database(settings, "abuse") as db:
        tokens = {r.value.lower(): (await create_token(db.repos, r.value, r))[1] for r in AccessRole}
        app = create_app(Settings(), db)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as c:
            yield Api(c, tokens)


def codes(r: httpx.Response) -> list[str]:
    return [e.get("extensions", {}).get("code", "") for e in r.json().get("errors", [])]


async def test_depth_100(api: Api) -> None:
    inner = "slug"
    for _ in range(100):
        inner = f"processingActivities {{ organization {{ {inner} }} }}"
    r = await api.post({"query": f"{{ organizations {{ {inner} }} }}"})
    message = r.json()["errors"][0]["message"]  # the parser itself refuses this one
    assert r.status_code == 200 and ("nested too deeply" in message or "maximum operation depth" in message)
    inner = "slug"
    for _ in range(6):  # depth 13: just over the limit
        inner = f"processingActivities {{ organization {{ {inner} }} }}"
    for _ in range(2):  # the second time from the parse and validation caches: still refused
        r = await api.post({"query": f"{{ organizations {{ {inner} }} }}"})
        assert "exceeds maximum operation depth of 12" in r.json()["errors"][0]["message"]
        assert "data" not in r.json() or r.json()["data"] is None
    await api.still_answers()


async def test_a_thousand_aliases(api: Api) -> None:
    q = "{ " + " ".join(f"a{i}: organizations {{ slug }}" for i in range(1000)) + " }"
    for _ in range(2):  # the second time from the parse and validation caches: still refused
        r = await api.post({"query": q})
        assert r.status_code in (200, 400) and r.json()["errors"]
        assert "aliases" in r.json()["errors"][0]["message"] or "tokens" in r.json()["errors"][0]["message"]
    # Over the 30 aliases allowed, under the token limit:
    q = "{ " + " ".join(f"a{i}: organizations {{ slug }}" for i in range(40)) + " }"
    for _ in range(2):
        r = await api.post({"query": q})
        assert "aliases" in r.json()["errors"][0]["message"], r.json()
    await api.still_answers()


async def test_a_one_megabyte_document(api: Api) -> None:
    r = await api.post({"query": "{ organizations { slug } }" + " " * 1_000_000})
    assert r.status_code == 413 and "larger than 262144 bytes" in r.json()["errors"][0]["message"]
    await api.still_answers()


async def test_a_ten_thousand_item_list(api: Api) -> None:
    q = ("mutation($i: CreateProcessingActivityInput!) { createProcessingActivity(input: $i) { "
         "processingActivity { id } userErrors { field code message } } }")
    i = {"organization": "jalendos-kramax", "key": "big", "name": "Big", "role": "CONTROLLER",
         "dataCategories": ["user.contact.email"] * 10_000}
    r = await api.post({"query": q, "variables": {"i": i}}, role="editor")
    payload = r.json()["data"]["createProcessingActivity"]
    assert payload["processingActivity"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["TOO_MANY"]
    await api.still_answers()


async def test_operator_injection_in_every_string_argument(api: Api) -> None:
    fields = (await api.post({"query": "{ __schema { queryType { fields { name args { name type { kind name "
                                       "ofType { kind name } } } } } } }"})).json()
    probed = 0
    for f in fields["data"]["__schema"]["queryType"]["fields"]:
        string_args = [a for a in f["args"] if (a["type"].get("ofType") or a["type"])["name"] in ("String", "ID")]
        if not string_args:
            continue
        for value in INJECTIONS:
            args = ", ".join(f"{a['name']}: $v" for a in string_args)
            var_type = "ID" if any((a["type"].get("ofType") or a["type"])["name"] == "ID" for a in string_args) \
                else "String"
            required = "!" if any(a["type"]["kind"] == "NON_NULL" for a in string_args) else ""
            q = f"query($v: {var_type}{required}) {{ {f['name']}({args}) {{ __typename }} }}"
            r = await api.post({"query": q, "variables": {"v": value}})
            probed += 1
            assert r.status_code < 500, (f["name"], value, r.text)
            assert "INTERNAL_SERVER_ERROR" not in codes(r), (f["name"], value, r.text)
            data = (r.json().get("data") or {}).get(f["name"])
            assert not data, (f["name"], value, data)  # an injection never matches records
    assert probed >= 40
    # ...and as input values, they are stored as plain text or refused, never interpreted
    q = ("mutation($i: CreatePurposeInput!) { createPurpose(input: $i) { purpose { name } "
         "userErrors { code } } }")
    for value in INJECTIONS:
        r = await api.post({"query": q, "variables": {"i": {"organization": "jalendos-kramax",
                                                           "key": f"p{abs(hash(value)) % 10**8}", "name": value}}},
                           role="editor")
        out = r.json()["data"]["createPurpose"]
        assert out["purpose"] == {"name": value} or out["userErrors"], (value, out)
        bad_key = await api.post({"query": q, "variables": {"i": {"organization": "jalendos-kramax", "key": value,
                                                                   "name": "x"}}}, role="editor")
        assert bad_key.json()["data"]["createPurpose"]["userErrors"][0]["code"] == "INVALID_KEY"
    await api.still_answers()


async def test_unknown_enum_values(api: Api) -> None:
    r = await api.post({"query": "{ legalBases(framework: HAMMURABI) { code } }"})
    assert r.status_code == 200 and "HAMMURABI" in r.json()["errors"][0]["message"]
    r = await api.post({"query": 'query($r: Role!) { recordsOfProcessing(organization: "janusipm", role: $r) '
                                 "{ article } }", "variables": {"r": "OWNER"}})
    assert r.json()["errors"] and r.json().get("data") is None
    await api.still_answers()


async def test_malformed_and_foreign_global_ids(api: Api) -> None:
    q = "query($id: ID!) { node(id: $id) { id } }"
    for bad in ["!!!", "", base64.b64encode(b"no-colon").decode(), base64.b64encode(b"Invoice:1").decode(),
                base64.b64encode(("Purpose:" + "x" * 5000).encode()).decode(),
                base64.b64encode(b"Purpose:a\x01b").decode()]:
        r = await api.post({"query": q, "variables": {"id": bad}})
        assert r.status_code == 200 and r.json()["errors"] and "INTERNAL_SERVER_ERROR" not in codes(r), r.text
    await api.still_answers()


async def test_unauthenticated_and_under_privileged_calls(api: Api) -> None:
    r = await api.post({"query": "{ organizations { slug } }"}, role=None)
    assert r.status_code == 401 and codes(r) == ["UNAUTHENTICATED"]
    r = await api.http.post("/graphql", json={"query": "{ organizations { slug } }"},
                            headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
    assert r.status_code == 401
    r = await api.post({"query": 'mutation { revokeApiToken(input: {key: "x"}) { key } }'}, role="editor")
    assert codes(r) == ["FORBIDDEN"]
    r = await api.http.get("/organizations/januscaler/records-of-processing.xlsx")
    assert r.status_code == 401
    await api.still_answers()
