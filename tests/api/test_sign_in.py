"""Signing in from a browser without an identity provider (the embedded default): the token form, the session
cookie, its limits, sign-out, and the CSRF rule for changes sent with a cookie. Over HTTP, in process."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio

from registry.app import create_app
from registry.config import Settings
from registry.domain.enums import AccessRole
from registry.services.tokens import create_token, revoke
from registry.storage.database import Database
from tests.support import own_database

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
PURPOSES = '{ organization(slug: "jalendos-kramax") { purposes { key } } }'
CREATE = ('mutation { createPurpose(input: {organization: "jalendos-kramax", key: "%s", name: "Forged"}) '
          '{ purpose { key history { actor } } userErrors { message } } }')


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def signin_db(settings: Settings) -> AsyncIterator[Database]:
    """A database of this module's own: these tests make changes and end sessions."""
    async with own_database(settings, "signin") as db:
        yield db


def browser(db: Database, settings: Settings, base: str = "http://localhost") -> httpx.AsyncClient:
    app = create_app(Settings(mongodb_uri=settings.mongodb_uri, seed_on_empty=False), db)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base, headers=BROWSER)


async def sign_in(c: httpx.AsyncClient, token: str, next_path: str = "/graphql") -> httpx.Response:
    return await c.post("/login", data={"token": token, "next": next_path})


async def test_a_browser_without_a_session_is_sent_to_sign_in_and_back(signin_db: Database,
                                                                       settings: Settings) -> None:
    _, token = await create_token(signin_db.repos, "Dana from the privacy team", AccessRole.VIEWER)
    async with browser(signin_db, settings) as c:
        r = await c.get("/organizations/januscaler/records-of-processing.html?role=controller")
        assert r.status_code == 303
        assert r.headers["location"] == ("/login?next=/organizations/januscaler/records-of-processing.html"
                                         "%3Frole%3Dcontroller")
        form = await c.get(r.headers["location"])
        assert form.status_code == 200 and "Your API token" in form.text
        assert "value='/organizations/januscaler/records-of-processing.html?role=controller'" in form.text
        signed = await sign_in(c, token, "/organizations/januscaler/records-of-processing.html?role=controller")
        assert signed.status_code == 303
        again = await c.get("/login?next=/graphql")  # signed in already: straight on
        assert again.status_code == 303 and again.headers["location"] == "/graphql"
        assert signed.headers["location"] == "/organizations/januscaler/records-of-processing.html?role=controller"
        page = await c.get(signed.headers["location"])
        assert page.status_code == 200 and "Controller record Art 30(1)" in page.text
        # GraphiQL's own requests: same-origin JSON with the cookie, no Authorization header.
        r = await c.post("/graphql", json={"query": PURPOSES}, headers={"Accept": "application/json"})
        assert r.status_code == 200 and r.json()["data"]["organization"]["purposes"]


async def test_the_session_cookie_is_http_only_lax_and_only_its_hash_is_stored(signin_db: Database,
                                                                               settings: Settings) -> None:
    _, token = await create_token(signin_db.repos, "cookie check", AccessRole.VIEWER)
    async with browser(signin_db, settings) as c:
        r = await sign_in(c, token)
        cookie = r.headers["set-cookie"]
        assert cookie.startswith("registry_session=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert "Secure" not in cookie and "Max-Age=43200" in cookie  # plain HTTP (a local run); 12 hours at most
        value = c.cookies["registry_session"]
        stored = await signin_db.db["sessions"].find_one({"_id": hashlib.sha256(value.encode()).hexdigest()})
        assert stored is not None and stored["kind"] == "token" and stored["role"] == "VIEWER"
        assert value not in str(stored)
    async with browser(signin_db, settings, base="https://localhost") as c:
        cookie = (await sign_in(c, token)).headers["set-cookie"]
        assert cookie.startswith("__Host-registry_session=") and "Secure" in cookie and "Path=/" in cookie


async def test_bad_tokens_and_foreign_next_addresses_are_refused(signin_db: Database, settings: Settings) -> None:
    _, token = await create_token(signin_db.repos, "next check", AccessRole.VIEWER)
    async with browser(signin_db, settings) as c:
        r = await sign_in(c, "rgy_000000000000_" + "x" * 43)
        assert r.status_code == 401 and "not valid or has been revoked" in r.text and "set-cookie" not in r.headers
        r = await sign_in(c, "")
        assert r.status_code == 400 and "Paste your API token" in r.text
        for foreign in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
            r = await sign_in(c, token, foreign)
            assert r.status_code == 303 and r.headers["location"] == "/graphql", foreign
        r = await c.post("/login", data={"token": token}, headers={"Origin": "https://evil.example"})
        assert r.status_code == 403 and "another site" in r.text


async def test_a_cross_site_form_post_changes_nothing(signin_db: Database, settings: Settings) -> None:
    made_token, token = await create_token(signin_db.repos, "csrf check", AccessRole.EDITOR)
    async with browser(signin_db, settings) as c:
        await sign_in(c, token)
        forged = CREATE % "forged-by-form"
        attempts: list[dict[str, Any]] = [
            {"data": {"query": forged}},  # application/x-www-form-urlencoded
            {"files": {"query": (None, forged)}},  # multipart/form-data
            {"content": json.dumps({"query": forged, "x": "="}),
             "headers": {"Content-Type": "text/plain"}},  # the classic JSON-in-text/plain form
            {"json": {"query": forged}, "headers": {"Origin": "http://127.0.0.1:9"}},  # JSON, but from elsewhere
            {"json": {"query": forged}, "headers": {"Sec-Fetch-Site": "cross-site"}},
        ]
        for attempt in attempts:
            r = await c.post("/graphql", **attempt)
            assert r.status_code == 403, (attempt, r.text)
            assert r.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        keys = [p["key"] for p in (await c.post("/graphql", json={"query": PURPOSES})).json()["data"]["organization"]
                ["purposes"]]
        assert "forged-by-form" not in keys
        # The same change from the registry's own page (JSON, same origin) is applied, with the token as actor.
        r = await c.post("/graphql", json={"query": CREATE % "made-in-graphiql"},
                         headers={"Origin": "http://localhost"})
        made = r.json()["data"]["createPurpose"]
        assert made["userErrors"] == []
        assert made["purpose"]["history"][0]["actor"] == f"token:{made_token.key} (csrf check)"


async def test_sign_out_ends_the_session_on_the_server(signin_db: Database, settings: Settings) -> None:
    _, token = await create_token(signin_db.repos, "sign-out check", AccessRole.VIEWER)
    async with browser(signin_db, settings) as c:
        await sign_in(c, token)
        value = c.cookies["registry_session"]
        assert "sign-out check" in (await c.get("/logout")).text
        r = await c.post("/logout")
        assert r.status_code == 200 and "signed out" in r.text and 'registry_session=""' in r.headers["set-cookie"]
        assert await signin_db.db["sessions"].count_documents(
            {"_id": hashlib.sha256(value.encode()).hexdigest()}) == 0
        # The old cookie, replayed, no longer works.
        c.cookies.set("registry_session", value)
        r = await c.post("/graphql", json={"query": PURPOSES}, headers={"Accept": "application/json"})
        assert r.status_code == 401 and "session has ended" in r.json()["errors"][0]["message"]


async def test_sessions_end_when_idle_too_long_past_their_limit_or_their_token_is_revoked(
        signin_db: Database, settings: Settings) -> None:
    api = {"Accept": "application/json"}
    stored, text = await create_token(signin_db.repos, "expiry check", AccessRole.VIEWER)
    for field, age in (("last_seen_at", dt.timedelta(minutes=61)), ("created_at", dt.timedelta(hours=13))):
        async with browser(signin_db, settings) as c:
            await sign_in(c, text)
            id_hash = hashlib.sha256(c.cookies["registry_session"].encode()).hexdigest()
            assert (await c.post("/graphql", json={"query": PURPOSES}, headers=api)).status_code == 200
            await signin_db.db["sessions"].update_one({"_id": id_hash},
                                                      {"$set": {field: dt.datetime.now(dt.UTC) - age}})
            r = await c.post("/graphql", json={"query": PURPOSES}, headers=api)
            assert r.status_code == 401, field
            page = await c.get("/graphql")
            assert page.status_code == 303 and page.headers["location"] == "/login?next=/graphql"
            await signin_db.db["sessions"].insert_one({"_id": f"stale-{field}", field: dt.datetime(2020, 1, 1)})
            await sign_in(c, text)  # a new sign-in clears away sessions that can no longer be used
            assert await signin_db.db["sessions"].count_documents({"_id": f"stale-{field}"}) == 0
    async with browser(signin_db, settings) as c:
        await sign_in(c, text)
        assert (await c.post("/graphql", json={"query": PURPOSES}, headers=api)).status_code == 200
        await revoke(signin_db.repos, stored.key)
        assert (await c.post("/graphql", json={"query": PURPOSES}, headers=api)).status_code == 401


async def test_tools_keep_using_tokens(client: httpx.AsyncClient, anonymous: httpx.AsyncClient) -> None:
    r = await client.post("/graphql", json={"query": "{ organizations { slug } }"})
    assert r.status_code == 200 and r.json()["data"]["organizations"]
    r = await anonymous.post("/graphql", json={"query": "{ organizations { slug } }"})
    assert r.status_code == 401 and r.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_favicon_and_unknown_addresses(anonymous: httpx.AsyncClient) -> None:
    assert (await anonymous.get("/favicon.ico")).status_code == 204
    r = await anonymous.get("/nowhere", headers={"Authorization": "Bearer x"})
    assert r.status_code == 401  # the token check still comes first
    r = await anonymous.get("/login", headers=BROWSER)
    assert r.status_code == 200 and r.headers["content-security-policy"].startswith("default-src 'none'")
