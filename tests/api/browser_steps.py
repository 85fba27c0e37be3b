"""What a privacy team does in the browser, as steps the Chromium tests share: launch Chromium kept off the
internet, use GraphiQL (run, reload, run again, read the Docs), open the record and download the workbook.
Each step saves a screenshot and checks the page's text at that moment."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOOPBACK = ("http://127.0.0.1:", "http://localhost:")


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser: Any, outside: list[str] | None = None) -> Any:
    """A fresh browser profile (no cookies) whose requests may reach loopback addresses only."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = context.new_page()

    def guard(route: Any) -> None:
        if route.request.url.startswith(LOOPBACK):
            route.continue_()
        else:
            if outside is not None:
                outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    return page


def shot(page: Any, shots: Path, name: str, must_show: list[str], selector: str = "body") -> str:
    """Save a screenshot and check that the page shows what it should; returns the text read."""
    shots.mkdir(parents=True, exist_ok=True)
    path = shots / f"{name}.png"
    for attempt in range(3):  # headless Chromium now and then refuses a capture while it repaints
        try:
            page.screenshot(path=str(path))
            break
        except Exception as e:  # noqa: BLE001 - retried only for that one protocol error
            if "Unable to capture screenshot" not in str(e) or attempt == 2:
                raise
            page.wait_for_timeout(300)
    text = page.inner_text(selector).replace("\xa0", " ")
    assert path.stat().st_size > 5000, f"{path} looks empty"
    for expected in must_show:
        assert expected in text, f"{name}: {expected!r} not shown; the page says:\n{text[:2000]}"
    return str(text)


def session_cookie(page: Any) -> dict[str, Any] | None:
    return next((c for c in page.context.cookies() if c["name"].endswith("registry_session")), None)


def assert_session_hidden_from_scripts(page: Any) -> None:
    cookie = session_cookie(page)
    assert cookie is not None, "no session cookie after sign-in"
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax", cookie
    assert "registry_session" not in page.evaluate("document.cookie")


def run_query(page: Any, answers: list[str]) -> dict[str, Any]:
    """Press GraphiQL's run button; the answer the browser received, parsed."""
    from playwright.sync_api import expect

    before = len(answers)
    page.click(".graphiql-execute-button")
    expect(page.locator(".graphiql-response")).to_contain_text("Jalendos Kramax", timeout=20000)
    page.wait_for_timeout(100)  # the response event may trail the rendering by a moment
    answer = json.loads(next(a for a in answers[before:] if '"organization"' in a))
    assert "errors" not in answer, answer
    return dict(answer)


def use_graphiql(page: Any, base: str, shots: Path) -> None:
    """Docs at once, run the example, reload twice, run again, open the Docs: all without any header."""
    from playwright.sync_api import expect

    answers: list[str] = []
    page.on("response", lambda r: answers.append(r.text())
            if r.url == f"{base}/graphql" and r.request.method == "POST" else None)
    sent_headers: list[dict[str, str]] = []
    page.on("request", lambda r: sent_headers.append(r.headers)
            if r.url == f"{base}/graphql" and r.method == "POST" else None)
    page.wait_for_selector(".graphiql-execute-button", timeout=20000)
    # The schema is fetched on load with the session: the Docs open straight away, no re-fetch click.
    page.click("button[aria-label*='Documentation Explorer']")
    expect(page.locator(".graphiql-doc-explorer")).to_contain_text("Query", timeout=20000)
    shot(page, shots, "1-docs-on-load", ["Root Types", "query: Query", "mutation: Mutation"],
         ".graphiql-doc-explorer")
    page.click("button[aria-label*='Documentation Explorer']")  # close it again
    run_query(page, answers)
    shot(page, shots, "2-first-answer", ["Jalendos Kramax", "RecordsOfProcessing"])
    tabs = page.locator(".graphiql-tab").count()
    # A browser that used the earlier page kept the token placeholder in GraphiQL's storage.
    page.wait_for_timeout(700)
    page.evaluate("""() => {
        const old = JSON.stringify({Authorization: "Bearer PASTE-THE-TOKEN-PRINTED-AT-FIRST-START"});
        localStorage.setItem("graphiql:headers", old);
        const state = JSON.parse(localStorage.getItem("graphiql:tabState"));
        state.tabs.forEach((tab) => { tab.headers = old; });
        localStorage.setItem("graphiql:tabState", JSON.stringify(state));
    }""")
    for _ in range(2):
        page.reload()
        page.wait_for_selector(".graphiql-execute-button", timeout=20000)
        page.wait_for_timeout(700)  # GraphiQL stores its tabs 500 ms after a change
    text = shot(page, shots, "3-after-two-reloads", ["RecordsOfProcessing"])
    assert "PASTE-THE-TOKEN" not in page.content() and "Invalid or revoked" not in text
    assert page.locator(".graphiql-tab").count() == tabs, "a reload opened another tab"
    answer = run_query(page, answers)
    assert answer["data"]["organization"]["legalName"] == "Jalendos Kramax"
    shot(page, shots, "4-answer-after-reloads", ["Jalendos Kramax"])
    page.click("button[aria-label*='Documentation Explorer']")
    expect(page.locator(".graphiql-doc-explorer")).to_contain_text("Query", timeout=20000)
    page.locator(".graphiql-doc-explorer a.graphiql-doc-explorer-type-name", has_text="Query").first.click()
    expect(page.locator(".graphiql-doc-explorer")).to_contain_text("organization", timeout=20000)
    shot(page, shots, "5-docs-after-reloads", ["organization"], ".graphiql-doc-explorer")
    assert sent_headers and all("authorization" not in h for h in sent_headers), "GraphiQL sent a token header"


def open_record_and_workbook(page: Any, base: str, shots: Path) -> None:
    """The printable record opens in the browser; the workbook downloads."""
    page.goto(f"{base}/organizations/januscaler/records-of-processing.html")
    shot(page, shots, "6-record", ["Controller record Art 30(1)", "Processor record Art 30(2)"])
    with page.expect_download() as download:
        try:
            page.goto(f"{base}/organizations/januscaler/records-of-processing.xlsx")
        except Exception as e:  # noqa: BLE001 - Chromium reports a navigation that became a download this way
            assert "Download is starting" in str(e), e
    path = download.value.path()
    workbook = load_workbook(io.BytesIO(Path(path).read_bytes()))
    assert download.value.suggested_filename == "records-of-processing-januscaler-all.xlsx"
    assert workbook.sheetnames == ["Controller record Art 30(1)", "Processor record Art 30(2)", "About"]
    # the data map, with the same session: every transfer drawn with its footing
    page.goto(f"{base}/organizations/janusipm/data-map")
    page.wait_for_selector("html[data-rendered=true]", state="attached")
    assert page.locator("path.edge.transfer.footing-derogation").count() == 1
    shot(page, shots, "6-data-map", ["Data map · JanusIPM", "Derogation"])
