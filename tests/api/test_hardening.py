"""What an outside review found at the edges of the HTTP API (issue 11, points 11-16): Host handling and the
feed's own link, frame protection on every page, JSON errors instead of plain-text 500s, actors that identify
a token, token floods, the public-path pattern, and what a client's mistake writes to the log."""

from __future__ import annotations

import logging
import secrets
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from dataclasses import dataclass
from io import BytesIO

import docx
import httpx
import pytest
import pytest_asyncio

from bench.commands import CommandCounter
from registry.app import create_app
from registry.config import Settings
from registry.domain.enums import AccessRole
from registry.services.tokens import TokenChecker, create_token, revoke
from registry.storage.database import Database
from registry.storage.repositories import Repositories
from tests.support import bearer, own_database

ATOM = "{http://www.w3.org/2005/Atom}"
PUBLIC = "https://ropa.example.com"


@dataclass
class Setup:
    db: Database
    counter: CommandCounter
    tokens: dict[str, str]

    def client(self, role: str | None = None, settings: Settings | None = None, host: str = "localhost",
               ) -> httpx.AsyncClient:
        app = create_app(settings or Settings(public_url=PUBLIC), self.db)
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{host}",
                                 headers=bearer(self.tokens[role]) if role else {})


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def setup(settings: Settings) -> AsyncIterator[Setup]:
    counter = CommandCounter()
    async with own_database(settings, "hardening", event_listeners=[counter]) as db:
        tokens = {r.value.lower(): (await create_token(db.repos, r.value.lower(), r))[1] for r in AccessRole}
        yield Setup(db, counter, tokens)


# 11: the Atom feed's own link, and the Host check


async def test_the_feed_links_to_itself_at_the_public_url_whatever_the_request_says(setup: Setup) -> None:
    async with setup.client() as c:
        r = await c.get('/organizations/januscaler/subprocessors.atom?a="><x y="', headers={"Host": "localhost:8000"})
    assert r.status_code == 200
    root = ET.fromstring(r.content)  # still well-formed XML
    [self_link] = [link for link in root.findall(ATOM + "link") if link.get("rel") == "self"]
    assert self_link.get("href") == f"{PUBLIC}/organizations/januscaler/subprocessors.atom"


@pytest.mark.parametrize(("host", "status"), [
    ("localhost:8000", 200), ("127.0.0.1", 200), ("[::1]:8000", 200), ("ropa.example.com", 200),
    ("attacker.example", 400), ("127.0.0.1.nip.io", 400),
])
async def test_requests_for_another_host_are_refused(setup: Setup, host: str, status: int) -> None:
    # DNS rebinding: a page on attacker.example resolves its own name to 127.0.0.1 and calls a local registry
    # running with REGISTRY_AUTH=off; the browser then sends `Host: attacker.example`.
    settings = Settings(public_url=PUBLIC, auth_required=False)
    async with setup.client(settings=settings) as c:
        r = await c.post("/graphql", json={"query": "{ organizations { slug } }"}, headers={"Host": host})
    assert r.status_code == status, r.text


def test_the_allowed_hosts_default_to_loopback_and_the_public_host() -> None:
    assert Settings().trusted_hosts == ["localhost", "127.0.0.1", "[::1]"]
    settings = Settings.from_env({"REGISTRY_PUBLIC_URL": PUBLIC, "REGISTRY_ALLOWED_HOSTS": "ropa.example.com"})
    assert settings.trusted_hosts == ["ropa.example.com"] and settings.base_url == PUBLIC
    with pytest.raises(ValueError, match="REGISTRY_PUBLIC_URL must be an http"):
        Settings.from_env({"REGISTRY_PUBLIC_URL": "ropa.example.com"})


# 12: no page may be framed


@pytest.mark.parametrize("path", [
    "/organizations/januscaler/records-of-processing.html",
    "/organizations/januscaler/subprocessors.html",
    "/static/graphiql/graphiql.html",
    "/graphql",
])
async def test_every_html_page_refuses_to_be_framed(setup: Setup, path: str) -> None:
    async with setup.client("viewer") as c:
        r = await c.get(path, headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


# 13: JSON errors, never a plain-text 500


@pytest.mark.parametrize("body", ['"x"', "1", "null", "true", "[" * 200_000])
async def test_a_body_that_is_not_a_graphql_request_gets_a_json_400(setup: Setup, body: str) -> None:
    async with setup.client("viewer") as c:
        r = await c.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    [error] = r.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST" and "JSON object" in error["message"]


async def test_a_dpia_description_that_looks_like_a_table_still_downloads(setup: Setup) -> None:
    async with setup.client("editor") as c:
        r = await c.post("/graphql", json={"query": """mutation($i: CreateProcessingActivityInput!) {
            createProcessingActivity(input: $i) { processingActivity { key } userErrors { message } } }""",
            "variables": {"i": {"organization": "januscaler", "key": "tables", "name": "Tables", "role": "CONTROLLER",
                                "description": "Our notes:\n|---|\n| only | a | row |\n\nend"}}})
        assert r.json()["data"]["createProcessingActivity"]["userErrors"] == [], r.text
        r = await c.get("/organizations/januscaler/activities/tables/dpia-draft.docx")
    assert r.status_code == 200, r.text
    text = "\n".join(p.text for p in docx.Document(BytesIO(r.content)).paragraphs)
    assert "Our notes:" in text and "end" in text


async def test_an_unexpected_error_is_json_with_a_logged_reference(setup: Setup,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(public_url=PUBLIC)
    app = create_app(settings, setup.db)

    async def broken(scope: object, receive: object, send: object) -> None:
        raise KeyError("something nobody expected")

    app.router.routes[0].app = broken  # type: ignore[attr-defined]  # "/" now fails as a bug would
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as c:
        r = await c.get("/", headers=bearer(setup.tokens["viewer"]))
    assert r.status_code == 500 and r.headers["content-type"] == "application/json"
    [error] = r.json()["errors"]  # the shape every HTTP and GraphQL error has
    reference = error["extensions"]["reference"]
    assert error["extensions"]["code"] == "INTERNAL" and reference in error["message"]
    assert "KeyError" not in r.text and "nobody expected" not in r.text
    assert reference in caplog.text and "KeyError" in caplog.text


# 14: the actor names the token, not only its name


async def test_two_tokens_with_the_same_name_are_two_actors(setup: Setup) -> None:
    actors = []
    for n in range(2):
        token, text = await create_token(setup.db.repos, "ropa-exporter", AccessRole.EDITOR)
        setup.tokens[f"twin{n}"] = text
        async with setup.client(f"twin{n}") as c:
            r = await c.post("/graphql", json={"query": """mutation($i: CreatePurposeInput!) {
                createPurpose(input: $i) { purpose { history { actor } } userErrors { message } } }""",
                "variables": {"i": {"organization": "januscaler", "key": f"twin-{n}", "name": f"Twin {n}"}}})
        [entry] = r.json()["data"]["createPurpose"]["purpose"]["history"]
        assert entry["actor"] == f"token:{token.key} (ropa-exporter)"
        actors.append(entry["actor"])
    assert actors[0] != actors[1]


# 15: made-up token keys cost no database read each


def token_reads(counter: CommandCounter) -> int:
    return sum(n for command, n in counter.counts.items() if command.endswith(" tokens"))


async def test_a_flood_of_made_up_keys_does_not_read_the_database_each_time(setup: Setup) -> None:
    async with setup.client() as c:
        await c.post("/graphql", json={"query": "{ __typename }"}, headers=bearer(setup.tokens["viewer"]))
        setup.counter.counts.clear()
        for _ in range(40):
            fake = f"rgy_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"
            r = await c.post("/graphql", json={"query": "{ __typename }"}, headers=bearer(fake))
            assert r.status_code == 401
        assert token_reads(setup.counter) == 0
        # Nor a read of the register's generation each: a made-up key is refused from memory for a second.
        assert setup.counter.counts["find registry_state"] < 10, setup.counter.counts
        # Revocation and creation still take effect at the next request.
        token, text = await create_token(setup.db.repos, "short-lived", AccessRole.VIEWER)
        assert (await c.post("/graphql", json={"query": "{ __typename }"}, headers=bearer(text))).status_code == 200
        await revoke(setup.db.repos, token.key)
        assert (await c.post("/graphql", json={"query": "{ __typename }"}, headers=bearer(text))).status_code == 401


async def test_without_the_read_cache_unknown_keys_are_remembered_briefly(setup: Setup) -> None:
    repos = Repositories(setup.db.db, 0)  # REGISTRY_READ_CACHE_ITEMS=0
    checker = TokenChecker(unknown_ttl=60, unknown_items=2)
    fakes = [f"rgy_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}" for _ in range(3)]
    setup.counter.counts.clear()
    for _ in range(5):
        assert await checker.verify(repos, fakes[0]) is None
    assert token_reads(setup.counter) == 1
    for fake in fakes[1:]:  # two more push the first out of a cache of two
        assert await checker.verify(repos, fake) is None
    assert await checker.verify(repos, fakes[0]) is None
    assert token_reads(setup.counter) == 4
    token, text = await create_token(setup.db.repos, "uncached", AccessRole.VIEWER)
    assert await checker.verify(repos, text) == token
    await revoke(setup.db.repos, token.key)
    assert await checker.verify(repos, text) is None  # revoked: refused at the next check


# 16: the public-path pattern, and client errors in the log


async def test_a_public_path_with_a_trailing_newline_needs_a_token(setup: Setup) -> None:
    async with setup.client() as c:
        assert (await c.get("/organizations/januscaler/subprocessors.json")).status_code == 200
        assert (await c.get("/organizations/januscaler/subprocessors.json%0a")).status_code == 401
        assert (await c.get("/health/live%0a")).status_code == 401


async def test_a_syntax_error_is_logged_briefly_and_not_as_an_error(setup: Setup,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    query = "{ organizations { slug " + "x " * 3000 + "!!! }"
    async with setup.client("viewer") as c:
        r = await c.post("/graphql", json={"query": query})
    assert r.status_code == 200 and r.json()["errors"][0]["message"].startswith("Syntax Error")
    records = [rec for rec in caplog.records if rec.name == "strawberry.execution"]
    assert records and all(rec.levelno == logging.INFO for rec in records)
    assert all(len(rec.getMessage()) < 300 for rec in records)
