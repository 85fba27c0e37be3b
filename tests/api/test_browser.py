"""GraphiQL and the downloads in a browser with no internet access, signed in with an API token at /login (the
embedded default: no identity provider).

Runs the real `registry serve` process and drives Debian's Chromium headless through Playwright; every
request that leaves the registry's own address is aborted and recorded. Screenshots are saved under the test's
temporary folder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.server import registry_server
from tests.api.browser_steps import (
    CHROMIUM,
    assert_session_hidden_from_scripts,
    chromium,
    open_page,
    open_record_and_workbook,
    shot,
    use_graphiql,
)

TOKENS: dict[str, str] = {}
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


def test_token_sign_in_then_graphiql_and_downloads_work_offline(served: str, tmp_path: Path) -> None:
    outside: list[str] = []
    console_errors: list[str] = []
    with chromium() as browser:
        page = open_page(browser, outside)
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{served}/graphql")
        assert page.url == f"{served}/login?next=/graphql"  # no session yet: sent to sign in, and back after
        shot(page, tmp_path, "0-sign-in", ["Sign in to the registry", "Your API token"])
        page.fill("input[name=token]", "rgy_000000000000_" + "x" * 43)
        page.click("button[type=submit]")
        shot(page, tmp_path, "0-wrong-token", ["not valid or has been revoked"])
        page.fill("input[name=token]", TOKENS["viewer"])
        page.click("button[type=submit]")
        page.wait_for_url(f"{served}/graphql")
        assert_session_hidden_from_scripts(page)
        use_graphiql(page, served, tmp_path)
        open_record_and_workbook(page, served, tmp_path)
        page.goto(f"{served}/graphql")
        page.click("a.registry-sign-out")
        shot(page, tmp_path, "7-sign-out", ["Signed in as test viewer"])
        page.click("button[type=submit]")
        shot(page, tmp_path, "8-signed-out", ["You are signed out"])
        page.goto(f"{served}/graphql")
        assert page.url.startswith(f"{served}/login")
    assert outside == [], f"the browser tried to reach the internet: {outside}"
    assert not [e for e in console_errors if "integrity" in e.lower()], console_errors
    os.environ.get("GRAPHIQL_SCREENSHOT") and (tmp_path / "4-answer-after-reloads.png").replace(
        os.environ["GRAPHIQL_SCREENSHOT"])


def test_printable_record_of_processing_page(served: str) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_extra_http_headers({"Authorization": f"Bearer {TOKENS['viewer']}"})  # tools: the token path
        page.goto(f"{served}/organizations/januscaler/records-of-processing.html")
        assert page.locator("h2").all_inner_texts() == ["Controller record Art 30(1)", "Processor record Art 30(2)"]
        headers = page.locator("table").first.locator("thead th").all_inner_texts()
        assert any("Categories of personal data" in h for h in headers)
        # Januscaler's retention text is the same for every activity: shown once, above the table
        alike = page.locator("section").first.locator("h3 + dl").inner_text()
        assert "Envisaged time limits for erasure" in alike
        assert page.locator("td.missing").count() > 0  # gaps are shown, not dropped
        page.screenshot(path=os.environ.get("RECORDS_SCREENSHOT", "/tmp/registry-records.png"), full_page=False)
        pdf = page.pdf(format="A4", landscape=True)
        assert pdf.startswith(b"%PDF")
        # The controller record as a browser prints it (A4, the page's own @page rule): 30 pages before issue 14.
        page.goto(f"{served}/organizations/januscaler/records-of-processing.html?role=controller")
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert 1 <= pages <= 10, pages
        page.emulate_media(media="print")
        first = page.evaluate("[...document.querySelectorAll('section, section h2')]"
                              ".map(x => getComputedStyle(x).breakBefore)")
        assert first[:2] == ["auto", "auto"]  # no page break before the first record: no empty first page


def test_data_map_draws_every_transfer_with_its_footing(served: str, tmp_path: Path) -> None:
    import httpx

    headers = {"Authorization": f"Bearer {TOKENS['viewer']}"}
    with chromium() as browser:
        page = open_page(browser)
        page.set_extra_http_headers(headers)
        for slug in ("januscaler", "janusipm", "cloudfzs-jini", "jalendos-kramax"):
            answer = httpx.post(f"{served}/graphql", headers=headers, json={"query": (
                "query($o: String!) { dataMap(organization: $o) { edges { id kind footing } } }"),
                "variables": {"o": slug}}).json()
            expected = {e["id"]: e["footing"].lower() for e in answer["data"]["dataMap"]["edges"]
                        if e["kind"] == "TRANSFERS_TO"}
            page.goto(f"{served}/organizations/{slug}/data-map")
            page.wait_for_selector("html[data-rendered=true]", state="attached")
            assert page.evaluate("document.documentElement.dataset.error || ''") == ""
            drawn = {p.get_attribute("data-id"): p.get_attribute("class")
                     for p in page.locator("path.edge.transfer").all()}
            assert drawn == {k: f"edge transfer footing-{v}" for k, v in expected.items()} and drawn, slug
            shot(page, tmp_path, f"data-map-{slug}", ["Data map", "Adequate", "Missing"])
        # janusipm: the US transfer rests on a derogation; a click shows its record.
        page.goto(f"{served}/organizations/janusipm/data-map")
        page.wait_for_selector("html[data-rendered=true]", state="attached")
        page.locator("path.edge.transfer").first.dispatch_event("click")
        shot(page, tmp_path, "data-map-details", ["Transfer to United States", "derogation", "Activities"],
             selector="#details")
        # The destination filter keeps only the flows to it.
        page.select_option("select[name=destination]", "destination:US")
        page.wait_for_selector("html[data-rendered=true]", state="attached")
        assert page.locator("g.node.destination").count() == 1
        page.goto(f"{served}/organizations/janusipm/data-map.svg")
        assert page.locator("svg g.edge.transfer").count() == 1
