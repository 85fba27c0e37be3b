"""GraphiQL works in a browser with no internet access: its files come from the registry itself.

Runs the real `registry serve` process and drives Debian's Chromium headless through Playwright; every
request that leaves the registry's own address is aborted and recorded.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator

import pytest

from bench.server import registry_server

TOKENS: dict[str, str] = {}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (./dev test installs it)"),
]


@pytest.fixture(scope="module")
def served(server_uri: str, database: object, tokens: dict[str, str]) -> Iterator[str]:
    TOKENS.update(tokens)
    env = {"MONGODB_URI": server_uri, "REGISTRY_SEED_ON_EMPTY": "0"}
    with registry_server(env, quiet=True) as (base, _):
        yield base


def test_graphiql_runs_the_example_query_offline(served: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        try:
            page = browser.new_page()

            def guard(route):  # type: ignore[no-untyped-def]
                if route.request.url.startswith(served):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            page.route("**/*", guard)
            # What a user does once: paste the token into GraphiQL's Headers tab (GraphiQL keeps it in storage).
            headers = json.dumps(json.dumps({"Authorization": f"Bearer {TOKENS['viewer']}"}))
            page.add_init_script(f"window.localStorage.setItem('graphiql:headers', {headers})")
            console_errors: list[str] = []
            page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
            answers: list[str] = []
            page.on("response", lambda r: answers.append(r.text())
                    if r.url.endswith("/graphql") and r.request.method == "POST" else None)
            page.goto(f"{served}/graphql")
            page.wait_for_selector(".graphiql-execute-button", timeout=20000)
            assert "RecordsOfProcessing" in page.inner_text(".graphiql-query-editor")
            page.click(".graphiql-execute-button")
            # A locator assertion, not wait_for_function: the page's CSP rightly forbids eval.
            expect(page.locator(".graphiql-response")).to_contain_text("Jalendos Kramax", timeout=20000)
            # The editor renders only visible lines; the whole answer is checked from the browser's response.
            assert '"legalName": "Jalendos Kramax"' in page.inner_text(".graphiql-response").replace("\xa0", " ")
            answer = next(b for b in answers if b.startswith("{\"data\":{\"organization\""))
            activities = json.loads(answer)["data"]["organization"]["processingActivities"]
            security = next(a for a in activities if a["name"] == "Security monitoring")
            [purpose] = security["purposes"]
            assert purpose["lawfulBases"] == [{"article": "Art 6(1)(f)", "title": "Legitimate interests"}]
            page.screenshot(path=os.environ.get("GRAPHIQL_SCREENSHOT", "/tmp/registry-graphiql.png"))
        finally:
            browser.close()
    assert outside == [], f"GraphiQL tried to reach the internet: {outside}"
    assert not [e for e in console_errors if "integrity" in e.lower()], console_errors


def test_printable_record_of_processing_page(served: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                    "--disable-background-networking", "--disable-component-update"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_extra_http_headers({"Authorization": f"Bearer {TOKENS['viewer']}"})
            page.goto(f"{served}/organizations/januscaler/records-of-processing.html")
            assert page.locator("h2").all_inner_texts() == ["Controller record Art 30(1)", "Processor record Art 30(2)"]
            headers = page.locator("table").first.locator("thead th").all_inner_texts()
            assert any("Envisaged time limits for erasure" in h for h in headers)
            assert page.locator("td.missing").count() > 0  # gaps are shown, not dropped
            page.screenshot(path=os.environ.get("RECORDS_SCREENSHOT", "/tmp/registry-records.png"), full_page=False)
            pdf = page.pdf(format="A4", landscape=True)
            assert pdf.startswith(b"%PDF")
        finally:
            browser.close()
