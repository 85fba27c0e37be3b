"""Repeated queries answered from the response cache, with ETag and 304, and never an answer older than the last
change (registry/graphql/response_cache.py)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio

from registry.app import create_app
from registry.config import Settings
from registry.domain.enums import AccessRole
from registry.services.tokens import create_token
from registry.storage.database import Database, open_database
from tests.support import bearer, own_database

ORG = "jalendos-kramax"
PURPOSES = 'query Purposes($slug: String!) { organization(slug: $slug) { purposes { id key version description } } }'
VARIABLES = {"slug": ORG}


@dataclasses.dataclass
class Register:
    db: Database
    settings: Settings
    tokens: dict[str, str]

    def client(self, role: str, **settings: Any) -> httpx.AsyncClient:
        """A client of a new API process (its own caches) over the same database."""
        app = create_app(dataclasses.replace(self.settings, **settings), self.db)
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost",
                                 headers=bearer(self.tokens[role]))


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def register(settings: Settings) -> AsyncIterator[Register]:
    async with own_database(settings, "responsecache") as db:
        tokens = {r.value.lower(): (await create_token(db.repos, r.value.lower(), r))[1] for r in AccessRole}
        yield Register(db, Settings(mongodb_uri=f"{settings.mongodb_uri}responsecache"), tokens)


async def purposes(c: httpx.AsyncClient, **headers: str) -> httpx.Response:
    return await c.post("/graphql", json={"query": PURPOSES, "variables": VARIABLES, "operationName": "Purposes"},
                        headers=headers)


async def update_description(c: httpx.AsyncClient, key: str, text: str) -> httpx.Response:
    listed = (await purposes(c)).json()["data"]["organization"]["purposes"]
    p = next(x for x in listed if x["key"] == key)
    return await c.post("/graphql", json={
        "query": "mutation($i: UpdatePurposeInput!) { updatePurpose(input: $i) { purpose { description } "
                 "userErrors { code message } } }",
        "variables": {"i": {"id": p["id"], "version": p["version"], "set": {"description": text}}}})


def description(r: httpx.Response, key: str) -> str:
    return str(next(p["description"] for p in r.json()["data"]["organization"]["purposes"] if p["key"] == key))


async def test_a_repeated_query_is_answered_from_the_cache(register: Register) -> None:
    async with register.client("viewer") as c:
        first, second = await purposes(c), await purposes(c)
    assert first.status_code == second.status_code == 200
    assert first.headers["x-registry-cache"] == "miss" and second.headers["x-registry-cache"] == "hit"
    assert first.content == second.content and first.headers["etag"] == second.headers["etag"]
    assert first.json()["data"]["organization"]["purposes"], "the seeded organisation has purposes"
    assert first.headers["content-type"] == second.headers["content-type"]


async def test_after_a_change_every_process_answers_from_the_changed_register(register: Register) -> None:
    async with register.client("viewer") as reader, register.client("editor") as writer:
        before = await purposes(reader)
        assert (await purposes(reader)).headers["x-registry-cache"] == "hit"
        # The write goes through another API process: the reader's process learns of it from the generation.
        changed = await update_description(writer, "customer-support", "Answering customers, changed")
        assert changed.json()["data"]["updatePurpose"]["userErrors"] == []
        after = await purposes(reader)
    assert after.headers["x-registry-cache"] == "miss"
    assert description(after, "customer-support") == "Answering customers, changed"
    assert description(before, "customer-support") != "Answering customers, changed"
    assert after.headers["etag"] != before.headers["etag"]


async def test_a_change_in_another_database_client_is_seen_at_the_next_request(register: Register) -> None:
    # Two processes in full: each its own database client and read cache.
    async with open_database(register.settings) as other:
        app = create_app(register.settings, other)
        async with (register.client("viewer") as reader,
                    httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost",
                                      headers=bearer(register.tokens["editor"])) as writer):
            await purposes(reader)
            await update_description(writer, "customer-support", "Changed from elsewhere")
            assert description(await purposes(reader), "customer-support") == "Changed from elsewhere"


async def test_the_etag_sent_back_gets_304_without_a_body_until_the_register_changes(register: Register) -> None:
    async with register.client("viewer") as c, register.client("editor") as writer:
        first = await purposes(c)
        etag = first.headers["etag"]
        assert etag.startswith('"') and not etag.startswith('W/')
        again = await purposes(c, **{"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
        other_tag = await purposes(c, **{"If-None-Match": '"something-else"'})
        assert other_tag.status_code == 200 and other_tag.content == first.content
        await update_description(writer, "customer-support", "Changed after the poll")
        fresh = await purposes(c, **{"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["etag"] != etag
    assert description(fresh, "customer-support") == "Changed after the poll"


async def test_a_query_over_get_is_kept_and_revalidated_too(register: Register) -> None:
    params = {"query": PURPOSES, "variables": json.dumps(VARIABLES)}
    async with register.client("viewer") as c:
        first = await c.get("/graphql", params=params)
        again = await c.get("/graphql", params=params, headers={"If-None-Match": f'W/{first.headers["etag"]}, "x"'})
    assert first.status_code == 200 and first.headers["x-registry-cache"] == "miss"
    assert again.status_code == 304 and again.content == b""


async def test_callers_of_different_roles_do_not_share_answers(register: Register) -> None:
    async with register.client("viewer") as viewer:
        app = viewer._transport.app  # type: ignore[attr-defined]
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost",
                                     headers=bearer(register.tokens["admin"])) as admin:
            v1, a1, a2 = await purposes(viewer), await purposes(admin), await purposes(admin)
            # One process, one cache: the admin's first request is not the viewer's answer.
            assert v1.headers["x-registry-cache"] == "miss" and a1.headers["x-registry-cache"] == "miss"
            assert a2.headers["x-registry-cache"] == "hit" and a1.headers["etag"] != v1.headers["etag"]
            # Admin-only fields refused to a viewer stay refused, though the admin's answer is kept.
            q = {"query": "{ apiTokens { name role } }"}
            assert "errors" not in (await admin.post("/graphql", json=q)).json()
            assert (await admin.post("/graphql", json=q)).headers["x-registry-cache"] == "hit"
            refused = await viewer.post("/graphql", json=q)
            assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
            assert "x-registry-cache" not in refused.headers and "etag" not in refused.headers


async def test_a_mutation_is_never_kept_and_runs_every_time(register: Register) -> None:
    async with register.client("editor") as c:
        listed = (await purposes(c)).json()["data"]["organization"]["purposes"]
        p = next(x for x in listed if x["key"] == "customer-support")
        body = {"query": "mutation($i: UpdatePurposeInput!) { updatePurpose(input: $i) { purpose { version } "
                         "userErrors { code } } }",
                "variables": {"i": {"id": p["id"], "version": p["version"], "set": {"description": "Once"}}}}
        first, second = await c.post("/graphql", json=body), await c.post("/graphql", json=body)
    assert first.json()["data"]["updatePurpose"]["purpose"]["version"] == p["version"] + 1
    # The same request again ran again: the purpose is now at a later version, so it conflicts.
    assert second.json()["data"]["updatePurpose"]["userErrors"][0]["code"] == "VERSION_CONFLICT"
    for r in (first, second):
        assert "etag" not in r.headers and "x-registry-cache" not in r.headers


async def test_answers_with_errors_are_not_kept(register: Register) -> None:
    async with register.client("viewer") as c:
        q = {"query": 'query($id: ID!) { node(id: $id) { id } }', "variables": {"id": "not-an-id"}}
        for _ in range(2):
            r = await c.post("/graphql", json=q)
            assert r.json().get("errors") and "x-registry-cache" not in r.headers


async def test_the_cache_keeps_within_its_size_and_can_be_turned_off(register: Register) -> None:
    async with register.client("viewer", response_cache_bytes=0) as off:
        r1, r2 = await purposes(off), await purposes(off)
        assert "x-registry-cache" not in r2.headers and r1.content == r2.content
    size = len(r1.content)
    async with register.client("viewer", response_cache_bytes=size + 20) as small:
        await purposes(small)
        assert (await purposes(small)).headers["x-registry-cache"] == "hit"
        assert (await small.post("/graphql", json={"query": "{ __typename }"})).headers["x-registry-cache"] == "miss"
        # Two answers do not fit: the older one was dropped to keep the cache within its size.
        assert (await purposes(small)).headers["x-registry-cache"] == "miss"
    async with register.client("viewer", response_cache_bytes=size - 1) as tiny:
        await purposes(tiny)
        assert "x-registry-cache" not in (await purposes(tiny)).headers
