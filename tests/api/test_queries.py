"""Reference data, global IDs and errors, over GraphQL."""

from __future__ import annotations

import base64

import httpx

from tests.support import GraphQLClient


async def test_legal_bases_by_framework(gql: GraphQLClient) -> None:
    gdpr = (await gql.data("{ legalBases(framework: GDPR) { code article title } }"))["legalBases"]
    articles = {b["article"] for b in gdpr}
    assert {f"Art 6(1)({c})" for c in "abcdef"} <= articles
    assert {f"Art 9(2)({c})" for c in "abcdefghij"} <= articles
    dpdp = (await gql.data("{ legalBases(framework: DPDP) { article } }"))["legalBases"]
    assert {b["article"] for b in dpdp} == {"s.6", *(f"s.7({c})" for c in "abcdefghi")}


async def test_transfer_mechanisms_cover_sccs_and_derogations(gql: GraphQLClient) -> None:
    ms = (await gql.data("{ transferMechanisms { code kind article sccModule } }"))["transferMechanisms"]
    modules = {m["sccModule"] for m in ms if m["sccModule"]}
    assert modules == {1, 2, 3, 4}
    derogations = {m["article"] for m in ms if m["kind"] == "DEROGATION"}
    assert {f"Art 49(1)({c})" for c in "abcdefg"} <= derogations


async def test_countries_carry_adequacy(gql: GraphQLClient) -> None:
    cs = {c["code"]: c for c in (await gql.data("{ countries { code adequacy adequacyNote } }"))["countries"]}
    assert cs["IN"]["adequacy"] == "NONE"
    assert cs["BR"]["adequacy"] == "FULL"
    # Japan's and Korea's decisions are partial: they cover only some recipients (2019/419, 2022/254).
    assert cs["JP"]["adequacy"] == "PARTIAL" and "APPI" in cs["JP"]["adequacyNote"]
    assert cs["KR"]["adequacy"] == "PARTIAL" and "religious" in cs["KR"]["adequacyNote"]
    assert cs["US"]["adequacy"] == "PARTIAL" and "Data Privacy Framework" in cs["US"]["adequacyNote"]
    assert cs["CA"]["adequacy"] == "PARTIAL" and "PIPEDA" in cs["CA"]["adequacyNote"]
    assert cs["NO"]["adequacy"] == "EEA"


async def test_taxonomy_is_hierarchical_with_flags(gql: GraphQLClient) -> None:
    cats = {c["key"]: c for c in (await gql.data(
        '{ dataCategories(organization: "januscaler") { key name parentKey specialCategory criminalOffenceData '
        "ccpaCategory organizationSlug origin flagsInference parent { key } } }"))["dataCategories"]}
    assert cats["user.health_and_medical"]["specialCategory"] == "HEALTH"
    assert cats["user.criminal_history"]["criminalOffenceData"] is True
    assert cats["user.contact.email"]["parent"] == {"key": "user.contact"}
    assert cats["user.contact.email"]["name"] == "User Contact Email"  # fideslang's name
    assert cats["user.contact.email"]["origin"] == "FIDESLANG"
    assert cats["user.communications.call_message_logs"]["origin"] == "REGISTRY"
    assert cats["user.biometric"]["specialCategory"] == "BIOMETRIC_DATA"
    assert "uniquely identifying" in cats["user.biometric"]["flagsInference"]
    assert cats["user.contact.email"]["flagsInference"] is None
    own = cats["user.payment.crypto_wallet"]
    assert own["organizationSlug"] == "januscaler" and own["origin"] == "ORGANIZATION"
    assert own["parent"] == {"key": "user.payment"}
    assert own["ccpaCategory"] == "B"  # inherited from its parent


async def test_node_round_trip(gql: GraphQLClient) -> None:
    first = (await gql.data('{ organization(slug: "jalendos-kramax") { processingActivities { id name } } }'))
    a = first["organization"]["processingActivities"][0]
    q = "query($id: ID!) { node(id: $id) { __typename ... on ProcessingActivity { name } } }"
    node = (await gql.data(q, {"id": a["id"]}))["node"]
    assert node == {"__typename": "ProcessingActivity", "name": a["name"]}


async def test_unknown_slug_is_a_clear_error(gql: GraphQLClient) -> None:
    body = await gql('{ organization(slug: "acme") { legalName } }')
    [err] = body["errors"]
    assert err["message"].startswith("No organisation with slug 'acme'.")
    assert "{ organizations { slug } }" in err["message"]
    assert err["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["data"] is None


async def test_unknown_and_foreign_ids_are_clear_errors(gql: GraphQLClient) -> None:
    q = "query($id: ID!) { node(id: $id) { id } }"
    missing = base64.b64encode(b"ProcessingActivity:januscaler/nope").decode()
    [err] = (await gql(q, {"id": missing}))["errors"]
    assert "No ProcessingActivity with id 'januscaler/nope'" in err["message"]
    foreign = base64.b64encode(b"Invoice:42").decode()
    [err] = (await gql(q, {"id": foreign}))["errors"]
    assert "type 'Invoice', which the register does not have" in err["message"]
    [err] = (await gql(q, {"id": "not base64!"}))["errors"]
    assert err["message"]


async def test_malformed_and_invalid_queries_are_client_errors(client: httpx.AsyncClient) -> None:
    r = await client.post("/graphql", json={"query": "{ organizations { slug "})
    assert r.status_code == 200 and "Syntax Error" in r.json()["errors"][0]["message"]
    r = await client.post("/graphql", json={"query": "{ organizations { shoeSize } }"})
    assert r.status_code == 200 and "Cannot query field 'shoeSize'" in r.json()["errors"][0]["message"]
    r = await client.post("/graphql", content=b"not json", headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500


async def test_health_reports_the_database(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health/live")).json() == {"status": "live"}
    assert (await client.get("/health/ready")).json() == {"status": "ready", "database": "ok"}
