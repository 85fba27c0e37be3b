"""Single sign-on in a real browser against a real OpenID provider (oidc-provider from npm, started here), and
each way a sign-in is refused, with the page the person sees.

The provider answers at `localhost`, the registry at `127.0.0.1`: two sites, as in production. People of the
provider (tests/oidc/provider.js): alice (dpo-team: EDITOR), mallory (marketing: no mapped group), eve
(dpo-team, but an email outside the allowed domain).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from pymongo import MongoClient

from bench.server import registry_server
from registry.app import create_app
from registry.config import Settings
from registry.storage.database import Database
from registry.storage.embedded import free_port
from tests.api.browser_steps import (
    CHROMIUM,
    assert_session_hidden_from_scripts,
    chromium,
    open_page,
    open_record_and_workbook,
    session_cookie,
    shot,
    use_graphiql,
)
from tests.oidc_provider import AVAILABLE, WHY_NOT, oidc_provider, sso_env

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (./dev test installs it)"),
    pytest.mark.skipif(not AVAILABLE, reason=WHY_NOT),
]


class Site:
    """A registry signing in with a provider."""

    def __init__(self, base: str, issuer: str, database_uri: str):
        self.base, self.issuer, self.database_uri = base, issuer, database_uri

    @property
    def callback(self) -> str:
        return f"{self.base}/auth/callback"


@pytest.fixture(scope="module")
def sso(server_uri: str) -> Iterator[Site]:
    """The registry on a database of its own (seeded at its first start), signing in with the provider."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    uri = server_uri + "sso"
    with oidc_provider([f"{base}/auth/callback"]) as issuer, \
            registry_server({"MONGODB_URI": uri, **sso_env(issuer)}, quiet=True, port=port):
        yield Site(base, issuer, uri)
    with MongoClient(uri) as client:
        client.drop_database(client.get_default_database().name)


@pytest.fixture
def browser() -> Iterator[Any]:
    """Chromium for one test (Playwright's sync API holds an event loop while it runs: none between tests, so the
    database fixtures, on pytest-asyncio's loop, can be set up)."""
    with chromium() as b:
        yield b


def sign_in_at_provider(page: Any, login: str) -> None:
    """The provider's own pages: its login form, then its consent page on the first sign-in."""
    page.wait_for_selector("input[name=login]", timeout=20000)
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any password: the development login pages accept it")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if page.locator("button:has-text('Continue')").count():
        page.click("button:has-text('Continue')")
        page.wait_for_load_state()


class Held(list[str]):
    """The provider's answers to the registry (its redirects to the callback), held back: the browser is not sent
    on, so the answer's code and state stay unused. Playwright does not route the hops of a redirect, so the
    provider's requests are fetched here and its hops followed with the browser's cookies; start the sign-in
    with `start_sign_in` so the browser's first request goes to the provider."""

    def __init__(self, page: Any, site: Site):
        super().__init__()
        self.page, self.site = page, site
        self.matches = lambda url: url.startswith(site.issuer)
        page.route(self.matches, self.handle)

    def handle(self, route: Any) -> None:
        response = route.fetch(max_redirects=0)
        location = response.headers.get("location", "")
        while location.startswith(self.site.issuer):  # the provider's own hops, followed here (same cookies)
            response = self.page.context.request.get(location, max_redirects=0)
            location = response.headers.get("location", "")
        if location.startswith(self.site.callback):
            self.append(location)
            route.fulfill(status=200, content_type="text/plain", body="The answer is held by the test.")
            return
        route.fulfill(response=response)

    def release(self) -> str:
        """The latest answer, once the provider has sent it; later ones go through."""
        for _ in range(100):
            if self:
                self.page.unroute(self.matches, self.handle)
                return self[-1]
            self.page.wait_for_timeout(100)
        raise AssertionError("the provider did not send the browser back to the registry")


def hold_callback(page: Any, site: Site) -> Held:
    return Held(page, site)


def start_sign_in(page: Any, site: Site) -> None:
    """Open /login as the browser would, but go to the provider with a navigation of its own (routable)."""
    started = page.context.request.get(f"{site.base}/login?next=/graphql", max_redirects=0)
    assert started.status == 302 and started.headers["location"].startswith(site.issuer)
    page.goto(started.headers["location"])


def with_params(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return parts._replace(query=urlencode({**query, **changes})).geturl()


def graphql(page: Any, site: Site, query: str) -> dict[str, Any]:
    """A same-origin JSON request with the browser's cookies (what GraphiQL sends)."""
    r = page.context.request.post(f"{site.base}/graphql", data={"query": query},
                                  headers={"Content-Type": "application/json"})
    assert r.status == 200, r.text()
    return dict(r.json())


def test_single_sign_on_then_graphiql_records_and_workbook(sso: Site, browser: Any, tmp_path: Path) -> None:
    outside: list[str] = []
    page = open_page(browser, outside)
    page.goto(f"{sso.base}/graphql")
    assert page.url.startswith(sso.issuer + "/interaction/"), page.url  # sent to the identity provider
    sign_in_at_provider(page, "alice")
    page.wait_for_url(f"{sso.base}/graphql")  # and back where she started
    assert_session_hidden_from_scripts(page)
    use_graphiql(page, sso.base, tmp_path)
    # Her changes are recorded as hers, with the role her group gives (EDITOR).
    key = f"sso-check-{uuid.uuid4().hex[:8]}"
    made = graphql(page, sso, 'mutation { createPurpose(input: {organization: "jalendos-kramax", key: "KEY", '
                   'name: "Made by single sign-on"}) { purpose { history { actor } } userErrors { message } } }'
                   .replace("KEY", key))
    assert made["data"]["createPurpose"]["userErrors"] == []
    assert made["data"]["createPurpose"]["purpose"]["history"][0]["actor"] == "user:alice@januscaler.example"
    forbidden = graphql(page, sso, "{ apiTokens { key } }")
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # managing tokens needs ADMIN
    open_record_and_workbook(page, sso.base, tmp_path)
    assert outside == [] or all("fonts.googleapis.com" in u for u in outside), outside  # the provider's page font
    page.context.close()


def test_a_cross_site_form_post_changes_nothing(sso: Site, browser: Any, tmp_path: Path) -> None:
    """A page on another origin of the same host (so the browser does send the Lax cookie) posts forms to
    /graphql; the registry refuses them and the register is unchanged."""
    page = open_page(browser)
    page.goto(f"{sso.base}/login?next=/graphql")
    sign_in_at_provider(page, "alice")
    page.wait_for_url(f"{sso.base}/graphql")
    key = f"forged-{uuid.uuid4().hex[:8]}"
    mutation = ('mutation { createPurpose(input: {organization: "jalendos-kramax", key: "KEY", name: "Forged"}) '
                '{ purpose { key } } }').replace("KEY", key)
    json_name = json.dumps({"query": mutation, "x": ""})[:-2]  # the form adds '="}' to make the body JSON
    attacker = (f"<!doctype html><form id=plain method=post action='{sso.base}/graphql' enctype=text/plain>"
                f"<input type=hidden name='{json_name}' value='\"}}'><button id=go-plain>Win a prize</button></form>"
                f"<form id=url method=post action='{sso.base}/graphql'><input type=hidden name=query "
                f"value='{mutation}'><button id=go-url>Claim it</button></form>").encode()

    class Attacker(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(attacker)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Attacker)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for button in ("#go-plain", "#go-url"):
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
            with page.expect_response(f"{sso.base}/graphql") as answer:
                page.click(button)
            assert answer.value.status == 403, answer.value.text()
            assert answer.value.request.header_value("cookie"), "the browser did not send the cookie: no test"
            shot(page, tmp_path, f"forged-{button[4:]}", ["another site"])
    finally:
        server.shutdown()
    page.goto(f"{sso.base}/graphql")
    purposes = graphql(page, sso, '{ organization(slug: "jalendos-kramax") { purposes { key } } }')
    assert key not in [p["key"] for p in purposes["data"]["organization"]["purposes"]]
    page.context.close()


def refused(page: Any, tmp_path: Path, name: str, *must_show: str) -> None:
    """The refusal page: its status, its words, and no session for the browser."""
    shot(page, tmp_path, name, list(must_show))
    assert session_cookie(page) is None, "a refused sign-in left a session cookie"


def test_a_tampered_state_is_refused(sso: Site, browser: Any, tmp_path: Path) -> None:
    page = open_page(browser)
    answers = hold_callback(page, sso)
    start_sign_in(page, sso)
    sign_in_at_provider(page, "alice")
    response = page.goto(with_params(answers.release(), state="forged-state"))
    assert response.status == 400
    refused(page, tmp_path, "refused-state", "could not be matched to this browser", "Nothing was signed in")
    page.context.close()


def test_an_answer_naming_another_issuer_is_refused(sso: Site, browser: Any, tmp_path: Path) -> None:
    page = open_page(browser)
    answers = hold_callback(page, sso)
    start_sign_in(page, sso)
    sign_in_at_provider(page, "alice")
    # RFC 9207: the provider names itself in its answer.
    answer = answers.release()
    assert parse_qs(urlsplit(answer).query)["iss"] == [sso.issuer]
    response = page.goto(with_params(answer, iss="https://idp.attacker.example"))
    assert response.status == 400
    refused(page, tmp_path, "refused-issuer", "wrong identity provider", "https://idp.attacker.example")
    page.context.close()


def test_a_replayed_code_is_refused(sso: Site, browser: Any, tmp_path: Path) -> None:
    page = open_page(browser)
    first: list[str] = []
    page.on("request", lambda r: first.append(r.url) if r.url.startswith(sso.callback) else None)
    page.goto(f"{sso.base}/login?next=/graphql")
    sign_in_at_provider(page, "alice")
    page.wait_for_url(f"{sso.base}/graphql")
    used_code = parse_qs(urlsplit(first[-1]).query)["code"][0]
    assert page.context.request.post(f"{sso.base}/logout").ok
    assert session_cookie(page) is None
    # A second sign-in is pending (its state is this browser's), and the first answer's code is sent with it.
    second = hold_callback(page, sso)
    start_sign_in(page, sso)
    pending = second.release()
    response = page.goto(with_params(pending, code=used_code))
    assert response.status == 400
    refused(page, tmp_path, "refused-replayed-code", "refused the sign-in code", "invalid_grant", "already used")
    page.context.close()


def test_a_person_in_no_mapped_group_is_refused(sso: Site, browser: Any, tmp_path: Path) -> None:
    page = open_page(browser)
    page.goto(f"{sso.base}/graphql")
    with page.expect_response(lambda r: r.url.startswith(sso.callback)) as answer:
        sign_in_at_provider(page, "mallory")
    assert answer.value.status == 403
    refused(page, tmp_path, "refused-group", "No access to the registry", "mallory@januscaler.example",
            "none of the groups", "dpo-team, admins")
    page.context.close()


def test_an_email_outside_the_allowed_domains_is_refused(sso: Site, browser: Any, tmp_path: Path) -> None:
    page = open_page(browser)
    page.goto(f"{sso.base}/graphql")
    with page.expect_response(lambda r: r.url.startswith(sso.callback)) as answer:
        sign_in_at_provider(page, "eve")
    assert answer.value.status == 403
    refused(page, tmp_path, "refused-domain", "may not use the registry", "eve@elsewhere.example",
            "januscaler.example")
    page.context.close()


def test_an_expired_id_token_is_refused(sso: Site, browser: Any, tmp_path: Path) -> None:
    """A provider whose clock runs an hour behind issues ID tokens that expired before they arrive."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with oidc_provider([f"{base}/auth/callback"], clock_skew_seconds=-3600) as issuer:
        env = {"MONGODB_URI": sso.database_uri, "REGISTRY_SEED_ON_EMPTY": "0", **sso_env(issuer)}
        with registry_server(env, quiet=True, port=port):
            page = open_page(browser)
            page.goto(f"{base}/graphql")
            with page.expect_response(lambda r: r.url.startswith(f"{base}/auth/callback")) as answer:
                sign_in_at_provider(page, "alice")
            assert answer.value.status == 400
            refused(page, tmp_path, "refused-expired", "already expired", "clock")
            page.context.close()


async def test_a_provider_that_names_another_issuer_is_refused(sso: Site, database: Database,
                                                               settings: Settings) -> None:
    """REGISTRY_OIDC_ISSUER must be the issuer the provider's discovery document states, to the character."""
    env = {"MONGODB_URI": settings.mongodb_uri or "", **sso_env(sso.issuer + "/")}
    app = create_app(Settings.from_env(env), database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as c:
        r = await c.get("/login?next=/graphql", headers={"Accept": "text/html"})
    assert r.status_code == 502 and "Wrong identity provider" in r.text
    assert f"says it is &#x27;{sso.issuer}&#x27;" in r.text and "REGISTRY_OIDC_ISSUER must be exactly" in r.text
