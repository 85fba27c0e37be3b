"""Editing the register over GraphQL, as a privacy team member would in GraphiQL."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio

from registry.app import create_app
from registry.config import Settings
from registry.domain.enums import AccessRole
from registry.domain.kinds import EDITABLE
from registry.services.tokens import create_token
from tests.support import GraphQLClient, bearer, own_database


class Editing:
    def __init__(self, http: httpx.AsyncClient, tokens: dict[str, str]):
        self.http, self.tokens = http, tokens

    def as_(self, role: str) -> GraphQLClient:
        client = httpx.AsyncClient(
            transport=self.http._transport, base_url="http://localhost", headers=bearer(self.tokens[role])
        )
        return GraphQLClient(client)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def editing(settings: Settings) -> AsyncIterator[Editing]:
    async with own_database(settings, "editing") as db:
        tokens = {}
        for role in AccessRole:
            tokens[role.value.lower()] = (await create_token(db.repos, role.value.lower(), role))[1]
        app = create_app(Settings(), db)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as c:
            yield Editing(c, tokens)


def gid(type_name: str, id_: str) -> str:
    return base64.b64encode(f"{type_name}:{id_}".encode()).decode()


def input_type(name: str) -> str:
    return "ArchiveInput" if name.startswith("archive") else f"{name[0].upper()}{name[1:]}Input"


async def mutate(gql: GraphQLClient, name: str, input_: dict[str, Any], selection: str) -> dict[str, Any]:
    q = (
        f"mutation($input: {input_type(name)}!) {{ {name}(input: $input) {{ {selection} "
        "userErrors { field message code } } }"
    )
    body = await gql(q, {"input": input_})
    assert not body.get("errors"), body["errors"]
    return dict(body["data"][name])


ORG = "jalendos-kramax"


async def test_create_edit_and_see_the_history_of_an_activity(editing: Editing) -> None:
    gql = editing.as_("editor")
    p = await mutate(
        gql,
        "createPurpose",
        {"organization": ORG, "key": "fraud-detection", "name": "Fraud detection"},
        "purpose { id key version }",
    )
    assert p["userErrors"] == [] and p["purpose"]["version"] == 1
    r = await mutate(
        gql,
        "createRecipient",
        {
            "organization": ORG,
            "key": "riskco",
            "name": "RiskCo Ltd",
            "named": True,
            "kind": "SUBPROCESSOR",
            "role": "PROCESSOR",
            "countries": ["GB"],
            "dpa": "SIGNED",
            "services": ["fraud scoring"],
        },
        "recipient { key }",
    )
    assert r["userErrors"] == []
    t = await mutate(
        gql,
        "createTransfer",
        {
            "organization": ORG,
            "key": "to-riskco",
            "origin": "IN",
            "destination": "GB",
            "recipient": "riskco",
            "mechanism": "scc-2021-module-2",
        },
        "transfer { key }",
    )
    assert t["userErrors"] == []
    rr = await mutate(
        gql,
        "createRetentionRule",
        {
            "organization": ORG,
            "key": "fraud-signals",
            "covers": "Fraud signals",
            "period": "P1Y",
            "trigger": "signal recorded",
            "dataCategories": ["user.device.ip_address"],
        },
        "retentionRule { key }",
    )
    assert rr["userErrors"] == []
    a = await mutate(
        gql,
        "createProcessingActivity",
        {
            "organization": ORG,
            "key": "fraud-detection",
            "name": "Fraud detection",
            "role": "CONTROLLER",
            "purposes": [
                {
                    "purpose": "fraud-detection",
                    "lawfulBases": [
                        {"basis": "GDPR:legitimate-interests", "balancingTest": "LIA-2026-07 in the DPO's register"}
                    ],
                }
            ],
            "dataCategories": ["user.device.ip_address", "user.behavior.security_logs"],
            "dataSubjects": ["users"],
            "recipients": ["riskco"],
            "transfers": ["to-riskco"],
            "retentionRules": ["fraud-signals"],
        },
        "processingActivity { id version lawfulBases { article } subprocessors { name } "
        "transfers { destination { code } mechanism { sccModule } } retentionRules { period } }",
    )
    assert a["userErrors"] == []
    act = a["processingActivity"]
    assert act["lawfulBases"] == [{"article": "Art 6(1)(f)"}] and act["subprocessors"] == [{"name": "RiskCo Ltd"}]
    assert act["transfers"] == [{"destination": {"code": "GB"}, "mechanism": {"sccModule": 2}}]
    u = await mutate(
        gql,
        "updateProcessingActivity",
        {"id": act["id"], "version": 1, "set": {"name": "Fraud and abuse detection"}},
        "processingActivity { name version history { version operation actor changes { field before after } } }",
    )
    assert u["userErrors"] == []
    hist = u["processingActivity"]["history"]
    assert [h["operation"] for h in hist] == ["CREATE", "UPDATE"] and hist[1]["actor"].endswith(" (editor)")
    assert hist[1]["changes"] == [{"field": "name", "before": "Fraud detection", "after": "Fraud and abuse detection"}]
    log = await gql.data(
        "query($e: ID) { auditLog(entity: $e) { edges { node { version operation } } } }", {"e": act["id"]}
    )
    assert [e["node"]["version"] for e in log["auditLog"]["edges"]] == [2, 1]


async def test_link_and_assign_mutations(editing: Editing) -> None:
    gql = editing.as_("editor")
    a = await gql.data(f'{{ organization(slug: "{ORG}") {{ processingActivities {{ id key version }} }} }}')
    act = next(x for x in a["organization"]["processingActivities"] if x["key"] == "service-improvement")
    linked = await mutate(
        gql,
        "linkToActivity",
        {
            "activity": act["id"],
            "version": act["version"],
            "link": "RECIPIENT",
            "key": "technical-infrastructure-providers",
        },
        "processingActivity { version recipients { key } }",
    )
    assert (
        linked["userErrors"] == []
        and {"key": "technical-infrastructure-providers"} in linked["processingActivity"]["recipients"]
    )
    v = linked["processingActivity"]["version"]
    missing = await mutate(
        gql,
        "assignLawfulBasis",
        {"activity": act["id"], "version": v, "purpose": "service-improvement", "basis": "GDPR:legitimate-interests"},
        "processingActivity { id }",
    )
    # re-assigning legitimate interests without saying where the LIA is kept is refused
    assert [e["code"] for e in missing["userErrors"]] == ["LIA_REQUIRED"]
    ok = await mutate(
        gql,
        "assignLawfulBasis",
        {
            "activity": act["id"],
            "version": v,
            "purpose": "service-improvement",
            "basis": "GDPR:legitimate-interests",
            "balancingTest": "LIA-7",
        },
        "processingActivity { purposes { lawfulBasisStatements { legalBasis { article } } } }",
    )
    assert ok["userErrors"] == []


async def errors_of(gql: GraphQLClient, name: str, input_: dict[str, Any]) -> list[dict[str, str]]:
    root = {
        "createProcessingActivity": "processingActivity",
        "createRetentionRule": "retentionRule",
        "createPurpose": "purpose",
        "createTransfer": "transfer",
        "createDataCategory": "dataCategory",
    }[name]
    out = await mutate(gql, name, input_, f"{root} {{ id }}")
    assert out[root] is None
    return list(out["userErrors"])


ACTIVITY = {"organization": ORG, "key": "bad", "name": "Bad", "role": "CONTROLLER"}


async def test_every_validation_rule_rejects_its_bad_input(editing: Editing) -> None:
    gql = editing.as_("editor")
    cases = [
        (
            "createProcessingActivity",
            {**ACTIVITY, "dataCategories": ["user.shoe_size"]},
            "UNKNOWN_REFERENCE",
            "unknown data category 'user.shoe_size'",
        ),
        (
            "createTransfer",
            {"organization": ORG, "key": "t", "destination": "XX"},
            "UNKNOWN_COUNTRY",
            "unknown country code 'XX'",
        ),
        (
            "createProcessingActivity",
            {**ACTIVITY, "purposes": [{"purpose": "security-monitoring", "lawfulBases": [{"basis": "GDPR:vibes"}]}]},
            "UNKNOWN_LEGAL_BASIS",
            "unknown lawful basis 'GDPR:vibes'",
        ),
        (
            "createProcessingActivity",
            {
                **ACTIVITY,
                "dataCategories": ["user.health_and_medical"],
                "purposes": [{"purpose": "security-monitoring", "lawfulBases": [{"basis": "GDPR:consent"}]}],
            },
            "ART9_CONDITION_REQUIRED",
            "add an Art 9(2) condition",
        ),
        (
            "createProcessingActivity",
            {
                **ACTIVITY,
                "purposes": [
                    {"purpose": "security-monitoring", "lawfulBases": [{"basis": "GDPR:legitimate-interests"}]}
                ],
            },
            "LIA_REQUIRED",
            "balancing test (LIA)",
        ),
        (
            "createRetentionRule",
            {"organization": ORG, "key": "r", "covers": "Logs", "period": "3 years"},
            "INVALID_DURATION",
            "not an ISO 8601 duration",
        ),
        (
            "createPurpose",
            {"organization": ORG, "key": "security-monitoring", "name": "Again"},
            "DUPLICATE_KEY",
            "already exists",
        ),
        ("createPurpose", {"organization": ORG, "key": "blank", "name": "   "}, "EMPTY", "is empty"),
        ("createPurpose", {"organization": ORG, "key": "long", "name": "x" * 201}, "TOO_LONG", "the limit is 200"),
        (
            "createPurpose",
            {"organization": "acme", "key": "k", "name": "N"},
            "UNKNOWN_REFERENCE",
            "no organisation with slug 'acme'",
        ),
        (
            "createDataCategory",
            {"organization": ORG, "key": "pets.name", "name": "Pet"},
            "UNKNOWN_PARENT",
            "must sit under an existing category",
        ),
    ]
    for name, input_, code, text in cases:
        errs = await errors_of(gql, name, input_)
        assert any(e["code"] == code and text in e["message"] for e in errs), (name, code, errs)


async def test_a_stale_update_is_refused_and_concurrent_edits_have_one_winner(editing: Editing) -> None:
    gql = editing.as_("editor")
    p = await gql.data(f'{{ organization(slug: "{ORG}") {{ purposes {{ id key version }} }} }}')
    purpose = next(x for x in p["organization"]["purposes"] if x["key"] == "customer-support")
    results = await asyncio.gather(
        *(
            mutate(
                gql,
                "updatePurpose",
                {"id": purpose["id"], "version": purpose["version"], "set": {"description": f"edit {i}"}},
                "purpose { version description }",
            )
            for i in range(10)
        )
    )
    wins = [r for r in results if not r["userErrors"]]
    conflicts = [r for r in results if r["userErrors"]]
    assert len(wins) == 1 and len(conflicts) == 9
    assert all(
        r["userErrors"][0]["code"] == "VERSION_CONFLICT"
        and f"is at version {purpose['version'] + 1}" in r["userErrors"][0]["message"]
        for r in conflicts
    )
    now = (
        await gql.data(
            "query($id: ID!) { node(id: $id) { ... on Purpose { version description history { version } } } }",
            {"id": purpose["id"]},
        )
    )["node"]
    assert now["description"] == wins[0]["purpose"]["description"] and now["version"] == purpose["version"] + 1
    assert [h["version"] for h in now["history"]] == [1, 2]


async def test_archiving_is_refused_while_referenced(editing: Editing) -> None:
    gql = editing.as_("editor")
    refused = await mutate(
        gql,
        "archiveRecipient",
        {"id": gid("Recipient", f"{ORG}/payment-processing-providers"), "version": 1},
        "recipient { id }",
    )
    [err] = refused["userErrors"]
    assert err["code"] == "REFERENCED" and f"{ORG}/payment-processing" in err["message"]
    fresh = await mutate(
        gql,
        "createSecurityMeasure",
        {"organization": ORG, "key": "hsm", "description": "HSMs"},
        "securityMeasure { id }",
    )
    archived = await mutate(
        gql,
        "archiveSecurityMeasure",
        {"id": fresh["securityMeasure"]["id"], "version": 1},
        "securityMeasure { archived version history { operation } }",
    )
    assert archived["securityMeasure"]["archived"] is True
    assert [h["operation"] for h in archived["securityMeasure"]["history"]] == ["CREATE", "ARCHIVE"]
    listed = await gql.data(f'{{ organization(slug: "{ORG}") {{ securityMeasures {{ key }} }} }}')
    assert "hsm" not in {m["key"] for m in listed["organization"]["securityMeasures"]}


MUTATIONS = [
    "createPurpose",
    "updatePurpose",
    "archivePurpose",
    "linkToActivity",
    "assignLawfulBasis",
    "createOrganization",
    "createProcessingActivity",
    "createRecipient",
    "createTransfer",
    "createRetentionRule",
    "createDataCategory",
    "createDataSubject",
    "createSecurityMeasure",
]


TYPE_Q = """query($n: String!) { __type(name: $n) { inputFields { name type { kind name ofType { kind name
  ofType { kind name } } } } } }"""


async def minimal_input(gql: GraphQLClient, type_name: str) -> dict[str, Any]:
    """A well-formed input with only the required fields, so a call reaches the permission check."""
    fields = (await gql.data(TYPE_Q, {"n": type_name}))["__type"]["inputFields"]
    out: dict[str, Any] = {}
    for f in fields:
        t = f["type"]
        if t["kind"] != "NON_NULL" or f.get("defaultValue"):
            continue
        inner = t["ofType"]
        if inner["kind"] == "INPUT_OBJECT":
            out[f["name"]] = await minimal_input(gql, inner["name"])
        elif inner["kind"] == "ENUM":
            values = await gql.data(
                "query($n: String!) { __type(name: $n) { enumValues { name } } }", {"n": inner["name"]}
            )
            out[f["name"]] = values["__type"]["enumValues"][0]["name"]
        else:
            out[f["name"]] = {"Int": 1, "Boolean": False, "ID": gid("Purpose", f"{ORG}/customer-support")}.get(
                inner["name"], "x"
            )
    return out


async def test_token_and_role_matrix(editing: Editing) -> None:
    viewer = editing.as_("viewer")
    schema = await viewer.data("{ __schema { mutationType { fields { name args { type { ofType { name } } } } } } }")
    fields = schema["__schema"]["mutationType"]["fields"]
    names = [f["name"] for f in fields]
    arg_type = {f["name"]: f["args"][0]["type"]["ofType"]["name"] for f in fields}
    assert set(MUTATIONS) <= set(names)
    no_token = await editing.http.post("/graphql", json={"query": "{ organizations { slug } }"})
    assert no_token.status_code == 401 and no_token.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    bad = await editing.http.post(
        "/graphql", json={"query": "{ organizations { slug } }"}, headers=bearer("rgy_000000000000_" + "x" * 43)
    )
    assert bad.status_code == 401
    for name in names:
        q = f"mutation($i: {arg_type[name]}!) {{ {name}(input: $i) {{ __typename }} }}"
        i = await minimal_input(viewer, arg_type[name])
        for role, allowed in (("viewer", False), ("editor", not name.endswith("ApiToken")), ("admin", True)):
            body = await editing.as_(role)(q, {"i": i})
            codes = [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
            assert ("FORBIDDEN" not in codes) == allowed, (name, role, body)
            assert "GRAPHQL_VALIDATION_FAILED" not in codes, (name, body)
            if role == "viewer":
                no_token = await editing.http.post("/graphql", json={"query": q, "variables": {"i": i}})
                assert no_token.status_code == 401, name
    # Every editable kind of the record-kinds table has its four mutations; then the links and the token mutations.
    crud = {f"{verb}{''.join(w.title() for w in kind.singular.split('_'))}"
            for kind in EDITABLE for verb in ("create", "update", "archive", "restore")}
    assert set(names) == crud | {"linkToActivity", "assignLawfulBasis", "createApiToken", "revokeApiToken"}
    made = await editing.as_("admin").data(
        'mutation { createApiToken(input: {name: "ropa-exporter", role: VIEWER}) { token info { key role } } }'
    )
    assert made["createApiToken"]["token"].startswith("rgy_") and made["createApiToken"]["info"]["role"] == "VIEWER"
    forbidden = await editing.as_("editor")("{ apiTokens { key } }")
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_mutations_over_get_are_refused(editing: Editing) -> None:
    r = await editing.http.get(
        "/graphql",
        params={"query": 'mutation { archivePurpose(input: {id: "x", version: 1}) { purpose { id } } }'},
        headers=bearer(editing.tokens["admin"]),
    )
    assert r.status_code == 405 or (r.status_code == 400 and "mutation" in r.text.lower())


async def test_the_graphiql_page_sends_a_browser_without_a_session_to_sign_in(editing: Editing) -> None:
    r = await editing.http.get("/graphql", headers={"accept": "text/html"})
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/graphql"
    r = await editing.http.get("/graphql", headers={"accept": "text/html", **bearer(editing.tokens["viewer"])})
    assert r.status_code == 200 and "graphiql" in r.text.lower()


async def test_history_names_fields_as_the_api_does(editing: Editing) -> None:
    gql = editing.as_("editor")
    a = await gql.data(f'{{ organization(slug: "{ORG}") {{ processingActivities {{ id key version dataCategories '
                       '{ key } } } }')
    act = a["organization"]["processingActivities"][0]
    keys = [c["key"] for c in act["dataCategories"]]
    u = await mutate(gql, "updateProcessingActivity",
                     {"id": act["id"], "version": act["version"], "set": {"dataCategories": keys[:1]}},
                     "processingActivity { history { changes { field before after } } }")
    assert u["userErrors"] == []
    last = u["processingActivity"]["history"][-1]["changes"]
    assert [c["field"] for c in last] == ["dataCategories"], last  # the API's name, not data_categories


async def test_an_edit_naming_an_unknown_category_is_told_the_closest_keys(editing: Editing) -> None:
    out = await mutate(editing.as_("editor"), "createProcessingActivity",
                       {**ACTIVITY, "key": "typo", "dataCategories": ["user.email"]}, "processingActivity { id }")
    [error] = out["userErrors"]
    assert error["code"] == "UNKNOWN_REFERENCE" and error["message"].endswith("Did you mean 'user.contact.email'?")
