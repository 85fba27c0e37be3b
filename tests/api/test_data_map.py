"""The data map over GraphQL and as a page and a picture: every transfer one edge with its footing."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import httpx
import pytest

from tests.support import GraphQLClient

Q = """query($org: String!) { dataMap(organization: $org) {
  nodes { id kind label record details { label value } purposes dataCategories }
  edges { id kind source target footing transfer label activities details { label value } }
  purposes { key name } dataCategories { key name } destinations { key name } } }"""
TRANSFERS = "{ organization(slug: \"janusipm\") { transfers { id } } }"


async def test_data_map_has_every_transfer_with_its_footing(gql: GraphQLClient) -> None:
    dm = (await gql.data(Q, {"org": "janusipm"}))["dataMap"]
    stored = (await gql.data(TRANSFERS))["organization"]["transfers"]
    transfers = [e for e in dm["edges"] if e["kind"] == "TRANSFERS_TO"]
    assert len(transfers) == len(stored) > 0
    # janusipm sends customer-support data to the United States on explicit consent (Art 49(1)(a)).
    us = next(e for e in transfers if e["target"] == "destination:US")
    assert us["footing"] == "DEROGATION" and us["label"] == "Explicit consent after being informed of the risks"
    assert us["activities"] and all(a.startswith("activity:") for a in us["activities"])
    nodes = {n["id"]: n for n in dm["nodes"]}
    assert nodes["destination:US"]["kind"] == "DESTINATION" and nodes["destination:US"]["record"] == "US"
    assert {e["source"] for e in dm["edges"]} | {e["target"] for e in dm["edges"]} <= set(nodes)
    assert {"destination:US"} <= {d["key"] for d in dm["destinations"]}


async def test_data_map_of_an_unknown_organisation(gql: GraphQLClient) -> None:
    r = await gql(Q, {"org": "nope"})
    assert r["data"] is None and "nope" in r["errors"][0]["message"]


async def test_data_map_page_carries_the_map_and_runs_only_the_registrys_scripts(client: httpx.AsyncClient) -> None:
    r = await client.get("/organizations/cloudfzs-jini/data-map")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    policy = r.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert '<script type=application/json id=map-data>' in r.text and '"footing": "MISSING"' in r.text
    for asset in ("/static/map/elk.bundled.js", "/static/map/data-map.js", "/static/map/data-map.css"):
        assert asset in r.text
        got = await client.get(asset)
        assert got.status_code == 200 and len(got.content) > 1000, asset


async def test_data_map_page_needs_a_sign_in(anonymous: httpx.AsyncClient) -> None:
    r = await anonymous.get("/organizations/januscaler/data-map")
    assert r.status_code == 401
    r = await anonymous.get("/organizations/januscaler/data-map", headers={"Accept": "text/html"})
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/organizations/januscaler/data-map"


async def test_data_map_unknown_organisation_and_format(client: httpx.AsyncClient) -> None:
    r = await client.get("/organizations/nope/data-map")
    assert r.status_code == 404 and r.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    r = await client.get("/organizations/januscaler/data-map.png")
    assert r.status_code == 404 and ".svg" in r.json()["errors"][0]["message"]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed (./dev setup installs it)")
async def test_static_data_map_draws_every_transfer_with_its_footing(client: httpx.AsyncClient,
                                                                     gql: GraphQLClient) -> None:
    for slug in ("januscaler", "janusipm", "cloudfzs-jini", "jalendos-kramax"):
        r = await client.get(f"/organizations/{slug}/data-map.svg")
        assert r.status_code == 200 and r.headers["content-type"] == "image/svg+xml"
        svg = ET.fromstring(r.content)
        drawn = {g.get("id"): g.get("class") for g in svg.iter("{http://www.w3.org/2000/svg}g")
                 if "transfer" in (g.get("class") or "")}
        edges = (await gql.data(Q, {"org": slug}))["dataMap"]["edges"]
        expected = {e["id"]: f"edge transfer footing-{e['footing'].lower()}" for e in edges
                    if e["kind"] == "TRANSFERS_TO"}
        assert drawn == expected and expected, slug
