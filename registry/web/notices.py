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
from registry.services.notices import in_effect
from registry.storage.repositories import Repositories
from registry.web.records import PAGE_HEADERS, problem

FEED_LIMIT = 200


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _json(org: m.Organization, subs: list[m.Recipient], changes: list[m.SubprocessorChange]) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    return {
        "organization": org.legal_name,
        "noticePeriod": org.subprocessor_notice_period,
        "subprocessors": [{"name": r.name, "named": r.named, "services": r.services, "countries": r.countries,
                           "dpa": r.dpa.value} for r in subs],
        "changes": [{"subprocessor": c.name, "change": c.change.value, "announced": _iso(c.announced),
                     "effective": _iso(c.effective), "inEffect": c.effective <= now, "summary": c.summary}
                    for c in changes],
    }


def _html(org: m.Organization, data: dict[str, Any], base: str) -> str:
    e = html.escape
    rows = "".join(f"<tr><td>{e(s['name'])}</td><td>{e(', '.join(s['services']) or 'Not stated')}</td>"
                   f"<td>{e(', '.join(s['countries']) or 'Not stated')}</td></tr>" for s in data["subprocessors"])
    changes = "".join(f"<tr><td>{e(c['change'].lower())}</td><td>{e(c['subprocessor'])}</td>"
                      f"<td>{e(c['announced'][:10])}</td><td>{e(c['effective'][:10])}</td></tr>"
                      for c in data["changes"])
    notice = f"New subprocessors take effect {e(org.subprocessor_notice_period)} after notice." \
        if org.subprocessor_notice_period else "No notice period is recorded."
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Subprocessors · {e(org.legal_name)}"
            f"</title><link rel=alternate type=application/atom+xml href='{base}.atom'><style>body{{font:11pt "
            "system-ui,sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{border:1px solid #999;"
            "padding:4px 8px;text-align:left}}th{{background:#dde4ee}}</style></head><body>"
            f"<h1>Subprocessors of {e(org.legal_name)}</h1><p>{notice} Subscribe to changes: "
            f"<a href='{base}.atom'>Atom feed</a> · <a href='{base}.json'>JSON</a></p>"
            f"<table><tr><th>Subprocessor</th><th>Services</th><th>Countries of processing</th></tr>{rows}</table>"
            f"<h2>Changes</h2><table><tr><th>Change</th><th>Subprocessor</th><th>Announced</th><th>Effective</th>"
            f"</tr>{changes}</table></body></html>")


def _atom(org: m.Organization, changes: list[m.SubprocessorChange], url: str) -> str:
    updated = max((c.announced for c in changes), default=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    entries = []
    for c in changes:
        title = f"{c.change.value.capitalize()}: {c.name} (effective {c.effective:%Y-%m-%d})"
        entries.append(
            f"<entry><id>urn:registry:{escape(org.slug)}:subprocessor-change:{escape(c.id)}</id>"
            f"<title>{escape(title)}</title><updated>{_iso(c.announced)}</updated>"
            f"<published>{_iso(c.announced)}</published><category term=\"{c.change.value.lower()}\"/>"
            f"<summary>{escape(c.summary)}. Effective {_iso(c.effective)}.</summary>"
            f"<registry:effective>{_iso(c.effective)}</registry:effective></entry>")
    return ("<?xml version=\"1.0\" encoding=\"utf-8\"?>"
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:registry=\"urn:registry:subprocessor-notices\">"
            f"<id>urn:registry:{escape(org.slug)}:subprocessors</id>"
            f"<title>Subprocessor changes: {escape(org.legal_name)}</title><updated>{_iso(updated)}</updated>"
            f"<author><name>{escape(org.legal_name)}</name></author>"
            f"<link rel=\"self\" type=\"application/atom+xml\" href={quoteattr(url)}/>"
            f"{''.join(entries)}</feed>")


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
        data = _json(org, subs, changes)
        if fmt == "json":
            return JSONResponse(data)
        if fmt == "html":
            return HTMLResponse(_html(org, data, html.escape(base)), headers=PAGE_HEADERS)
        return Response(_atom(org, changes, f"{public_url}{base}.atom"),
                        media_type="application/atom+xml; charset=utf-8")

    return endpoint
