"""Public subprocessor notices, no token needed: /organizations/{slug}/subprocessors.{json,html,atom}.

Customers subscribe to the Atom feed to hear of a new subprocessor before it takes effect.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from registry.domain import models as m
from registry.domain.durations import in_words
from registry.domain.enums import ChangeKind
from registry.services.notices import in_effect
from registry.storage.repositories import Repositories
from registry.web.records import PAGE_HEADERS, problem

FEED_LIMIT = 200


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _since(changes: list[m.SubprocessorChange]) -> dict[str, dt.datetime]:
    """Each subprocessor's date in effect as now listed: its latest addition's or change's effective date."""
    out: dict[str, dt.datetime] = {}
    for c in sorted(changes, key=lambda c: c.announced):
        if c.change is not ChangeKind.REMOVED:
            out[c.recipient] = c.effective
    return out


def _json(org: m.Organization, subs: list[m.Recipient], changes: list[m.SubprocessorChange],
          since: dict[str, dt.datetime]) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    return {
        "organization": org.legal_name,
        "noticePeriod": org.subprocessor_notice_period,
        "subprocessors": [{"name": r.name, "named": r.named, "services": r.services, "countries": r.countries,
                           "dpa": r.dpa.value, "effective": _iso(since[r.key]) if r.key in since else None}
                          for r in subs],
        "changes": [{"id": c.id, "subprocessor": c.name, "change": c.change.value, "announced": _iso(c.announced),
                     "effective": _iso(c.effective), "inEffect": c.effective <= now, "summary": c.summary}
                    for c in changes],
    }


STYLE = ("body{font:15px/1.5 system-ui,sans-serif;background:#f4f6f9;color:#1d2733;margin:0}"
         "main{max-width:64em;margin:2em auto;background:#fff;padding:1.6em 2.2em;border-radius:8px;"
         "box-shadow:0 1px 4px #0002}h1{font-size:1.5em;margin-top:0}h2{font-size:1.15em;margin-top:1.6em}"
         "table{border-collapse:collapse;width:100%}th,td{padding:.45em .7em;text-align:left;vertical-align:top;"
         "border-bottom:1px solid #e2e6ec}thead th{background:#eef1f5;font-weight:600}tbody tr:nth-child(even)"
         "{background:#fafbfc}td.none{color:#5b6673;font-style:italic;text-align:center}.pending{color:#8a5a00}"
         "a{color:#2456a6}.hint{color:#5b6673}@media print{body{background:#fff}main{box-shadow:none;margin:0}}")


def _table(headers: list[str], rows: list[str], empty: str) -> str:
    head = "".join(f"<th scope=col>{h}</th>" for h in headers)
    body = "".join(rows) or f"<tr><td class=none colspan={len(headers)}>{empty}</td></tr>"
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html(org: m.Organization, data: dict[str, Any], base: str) -> str:
    e = html.escape
    rows = [f"<tr><td>{e(s['name'])}</td><td>{e(', '.join(s['services']) or 'Not stated')}</td>"
            f"<td>{e(', '.join(s['countries']) or 'Not stated')}</td>"
            f"<td>{e((s['effective'] or 'Not known')[:10])}</td></tr>" for s in data["subprocessors"]]
    changes = [f"<tr id=\"change-{e(c['id'])}\"><td>{e(c['change'].lower())}</td><td>{e(c['subprocessor'])}</td>"
               f"<td>{e(c['announced'][:10])}</td><td{'' if c['inEffect'] else ' class=pending'}>"
               f"{e(c['effective'][:10])}{'' if c['inEffect'] else ' (not yet in effect)'}</td></tr>"
               for c in data["changes"]]
    notice = f"New subprocessors take effect {e(in_words(org.subprocessor_notice_period))} after notice." \
        if org.subprocessor_notice_period else "No notice period is recorded."
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport "
            f"content='width=device-width,initial-scale=1'><title>Subprocessors · {e(org.legal_name)}</title>"
            f"<link rel=alternate type=application/atom+xml href='{base}.atom'><style>{STYLE}</style></head>"
            f"<body><main><h1>Subprocessors of {e(org.legal_name)}</h1><p>{notice} Subscribe to changes: "
            f"<a href='{base}.atom'>Atom feed</a> · <a href='{base}.json'>JSON</a></p>"
            + _table(["Subprocessor", "Services", "Countries of processing", "In effect since"], rows,
                     "None listed")
            + "<h2>Changes</h2>"
            + _table(["Change", "Subprocessor", "Announced", "Effective"], changes, "None listed")
            + "<p class=hint>Dates are those of the organisation's documents for the initial list, and of each "
            "notice after it.</p></main></body></html>")


def _atom(org: m.Organization, changes: list[m.SubprocessorChange], feed_url: str, page_url: str,
          recorded: dt.datetime) -> str:
    """RFC 4287: each entry links to the HTML page (it has a summary, not content), the feed links to it too,
    and the feed's `updated` is its latest change (the organisation's record time when it has none)."""
    updated = max((c.announced for c in changes), default=recorded)
    entries = []
    for c in changes:
        title = f"{c.change.value.capitalize()}: {c.name} (effective {c.effective:%Y-%m-%d})"
        entries.append(
            f"<entry><id>urn:registry:{escape(org.slug)}:subprocessor-change:{escape(c.id)}</id>"
            f"<title>{escape(title)}</title><updated>{_iso(c.announced)}</updated>"
            f"<published>{_iso(c.announced)}</published>"
            f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(page_url + '#change-' + c.id)}/>"
            f"<category term=\"{c.change.value.lower()}\"/>"
            f"<summary>{escape(c.summary)}. Effective {_iso(c.effective)}.</summary>"
            f"<registry:effective>{_iso(c.effective)}</registry:effective></entry>")
    return ("<?xml version=\"1.0\" encoding=\"utf-8\"?>"
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:registry=\"urn:registry:subprocessor-notices\">"
            f"<id>urn:registry:{escape(org.slug)}:subprocessors</id>"
            f"<title>Subprocessor changes: {escape(org.legal_name)}</title><updated>{_iso(updated)}</updated>"
            f"<author><name>{escape(org.legal_name)}</name></author>"
            f"<link rel=\"self\" type=\"application/atom+xml\" href={quoteattr(feed_url)}/>"
            f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(page_url)}/>"
            f"{''.join(entries)}</feed>")


async def recorded_at(repos: Repositories, slug: str) -> dt.datetime:
    """When the organisation's record was last written (its history), for a feed with no change yet."""
    entries = await repos.history.find({"entity_type": "organizations", "entity_id": slug})
    at = max((h.at for h in entries), default=None)
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)) if at else dt.datetime.now(dt.UTC)


def notices_endpoint(repos_getter: Callable[[], Repositories], public_url: str) -> Callable[[Request], object]:
    """`public_url` (the configured address, never the request's Host header or query) makes the feed's own
    absolute link."""

    async def endpoint(request: Request) -> Response:
        slug, fmt = request.path_params["slug"], request.path_params["format"]
        if fmt not in ("json", "html", "atom"):
            return problem(404, f"Unknown format '{fmt}'; use json, html or atom.")
        repos = repos_getter()
        org = await repos.organizations.get(slug)
        if org is None:
            return problem(404, f"No organisation with slug '{slug}'.")
        changes = await repos.subprocessor_changes.find({"organization": slug})
        subs = in_effect([r for r in (await repos.recipients.by_organizations([slug]))[slug] if r.is_processor],
                         changes, dt.datetime.now(dt.UTC))
        changes = sorted(changes, key=lambda c: c.announced, reverse=True)[:FEED_LIMIT]
        base = f"/organizations/{quote(slug, safe='')}/subprocessors"
        data = _json(org, subs, changes, _since(changes))
        if fmt == "json":
            return JSONResponse(data)
        if fmt == "html":
            return HTMLResponse(_html(org, data, html.escape(base)), headers=PAGE_HEADERS)
        atom = _atom(org, changes, f"{public_url}{base}.atom", f"{public_url}{base}.html",
                     await recorded_at(repos, slug) if not changes else changes[0].announced)
        return Response(atom,
                        media_type="application/atom+xml; charset=utf-8")

    return endpoint
