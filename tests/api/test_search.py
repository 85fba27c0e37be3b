"""Searches across activities and subprocessors, and the paged siblings of the complete lists."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from bench.commands import CommandCounter
from registry.app import create_app
from registry.config import Settings
from registry.storage.database import Database
from tests.support import GraphQLClient

PAGED = """query($slug: String!, $first: Int!, $after: String) { organization(slug: $slug) {
  processingActivitiesPaged(first: $first, after: $after) {
    totalCount edges { cursor node { id key } } pageInfo { hasNextPage endCursor } } } }"""


@pytest_asyncio.fixture(loop_scope="session")
async def synthetic_gql(synthetic: tuple[Database, CommandCounter]) -> AsyncIterator[GraphQLClient]:
    app = create_app(Settings(auth_required=False), synthetic[0])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as c:
        yield GraphQLClient(c)


async def all_pages(gql: GraphQLClient, query: str, variables: dict[str, Any], path: list[str]) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        conn = await gql.data(query, {**variables, "after": after})
        for key in path:
            conn = conn[key]
        nodes += [e["node"] for e in conn["edges"]]
        assert conn["totalCount"] >= len(nodes)
        if not conn["pageInfo"]["hasNextPage"]:
            assert conn["totalCount"] == len(nodes)
            return nodes
        after = conn["pageInfo"]["endCursor"]
        assert after == conn["edges"][-1]["cursor"]


async def test_pages_give_every_activity_once_in_order(synthetic_gql: GraphQLClient) -> None:
    gql = synthetic_gql
    whole = (await gql.data('{ organization(slug: "synthetic-400") { processingActivities { id key } } }'
                            ))["organization"]["processingActivities"]
    for first in (200, 37):
        paged = await all_pages(gql, PAGED, {"slug": "synthetic-400", "first": first},
                                ["organization", "processingActivitiesPaged"])
        assert paged == sorted(whole, key=lambda a: "synthetic-400/" + a["key"])
    default = await gql.data('{ searchProcessingActivities(organization: "synthetic-400") { edges { cursor } } }')
    assert len(default["searchProcessingActivities"]["edges"]) == 50


async def test_subprocessors_by_country_and_text(synthetic_gql: GraphQLClient) -> None:
    gql = synthetic_gql
    whole = (await gql.data('{ organization(slug: "synthetic-400") { subprocessors { id name countries { code } } } }'
                            ))["organization"]["subprocessors"]
    query = """query($country: String, $text: String, $after: String) {
      searchSubprocessors(organization: "synthetic-400", country: $country, text: $text, first: 7, after: $after) {
        totalCount edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }"""
    in_us = await all_pages(gql, query, {"country": "us"}, ["searchSubprocessors"])
    assert {s["id"] for s in in_us} == {s["id"] for s in whole if "US" in [c["code"] for c in s["countries"]]}
    assert in_us and len(in_us) < len(whole)
    named = await all_pages(gql, query, {"text": whole[0]["name"].upper()}, ["searchSubprocessors"])
    assert whole[0]["id"] in {s["id"] for s in named}
    assert await all_pages(gql, query, {"text": ".*"}, ["searchSubprocessors"]) == []  # a literal, not a pattern


async def test_activity_search_filters(gql: GraphQLClient) -> None:
    q = """query($org: String, $text: String, $cat: String, $purpose: String) {
      searchProcessingActivities(organization: $org, text: $text, dataCategory: $cat, purpose: $purpose, first: 200) {
        totalCount edges { node { key name description dataCategories { key } purposes { key } } } } }"""
    everyone = (await gql.data(q, {}))["searchProcessingActivities"]
    assert everyone["totalCount"] == len(everyone["edges"]) > 10
    some = everyone["edges"][0]["node"]
    word = some["name"].split()[0].lower()
    by_text = [e["node"] for e in (await gql.data(q, {"text": word}))["searchProcessingActivities"]["edges"]]
    assert some in by_text
    assert all(word in f"{a['name']} {a['key']} {a['description']}".lower() for a in by_text)
    assert len(by_text) < len(everyone["edges"])
    cat = some["dataCategories"][0]["key"]
    by_cat = [e["node"] for e in (await gql.data(q, {"cat": cat}))["searchProcessingActivities"]["edges"]]
    assert some in by_cat and all(cat in [c["key"] for c in a["dataCategories"]] for a in by_cat)
    purpose = some["purposes"][0]["key"]
    by_purpose = (await gql.data(q, {"purpose": purpose}))["searchProcessingActivities"]["edges"]
    assert all(purpose in [p["key"] for p in e["node"]["purposes"]] for e in by_purpose)


@pytest.mark.parametrize(("args", "reason"), [
    ("first: 0", "INVALID_PAGE_SIZE"),
    ("first: 201", "INVALID_PAGE_SIZE"),
    ('after: "not-a-cursor"', "INVALID_CURSOR"),
    ('after: "c3VicHJvY2Vzc29yfGphbnVzY2FsZXIvcGF5bWVudC1wcm9jZXNzb3Jz"', "INVALID_CURSOR"),  # a subprocessor's
    (f'text: "{"x" * 201}"', "INVALID_SEARCH"),
    ('organization: "nobody"', None),
])
async def test_bad_page_arguments_are_refused_with_a_reason(gql: GraphQLClient, args: str, reason: str | None) -> None:
    body = await gql(f"{{ searchProcessingActivities({args}) {{ edges {{ cursor }} }} }}")
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    if reason:
        assert error["extensions"]["reason"] == reason, error
    assert (await gql.data("{ organizations { slug } }"))["organizations"]
