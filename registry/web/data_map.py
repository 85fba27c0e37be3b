"""The data map in the browser: /organizations/{slug}/data-map (a page drawn with ELK, filters, details on hover
and click) and /organizations/{slug}/data-map.svg (a static picture for reports, laid out by Graphviz's dot)."""

from __future__ import annotations

import asyncio
import html
import json
import shutil
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from registry.domain.errors import NotFound
from registry.services.data_map import READS, DataMap, data_map
from registry.services.data_map_dot import to_dot
from registry.services.registers import read_inventory, read_reference
from registry.storage.repositories import Repositories
from registry.web.errors import error_response
from registry.web.records import problem

DOT_SECONDS = 120.0
"""Graphviz lays out 2,000 activities in about 40 s on one core; beyond this the picture is refused."""
PAGE_HEADERS = {"Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
                "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'",
                "Cache-Control": "no-store"}
SVG_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'", "Cache-Control": "no-store"}


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def as_dict(m: DataMap) -> dict[str, Any]:
    """The map in the same shape and names as GraphQL's `dataMap` answers it."""

    def plain(obj: Any) -> Any:
        if isinstance(obj, list):
            return [plain(x) for x in obj]
        if hasattr(obj, "__dataclass_fields__"):
            return {camel(k): plain(getattr(obj, k)) for k in obj.__dataclass_fields__}
        return obj.value if hasattr(obj, "value") and not isinstance(obj, str | int) else obj

    return {"organization": m.organization, "name": m.name, "nodes": plain(m.nodes), "edges": plain(m.edges),
            "purposes": plain(m.purposes), "dataCategories": plain(m.data_categories),
            "destinations": plain(m.destinations)}


def page(m: DataMap) -> str:
    e = html.escape
    data = json.dumps(as_dict(m)).replace("<", "\\u003c")  # no "</script>" can end the data block early
    return f"""<!doctype html><html lang=en><head><meta charset=utf-8>
<meta name=viewport content="width=device-width,initial-scale=1">
<title>Data map · {e(m.name)}</title><link rel=stylesheet href="/static/map/data-map.css"></head>
<body><header><h1>Data map · {e(m.name)}</h1>
<p>Activities, the recipients they share with, and where data is transferred. Hover or click a box or a line for
its record. <a href="/organizations/{e(m.organization)}/data-map.svg">Static picture (SVG)</a> ·
<a href="/organizations/{e(m.organization)}/records-of-processing.html">Records of processing</a></p>
<form id=filters><label>Purpose <select name=purpose><option value="">All purposes</option></select></label>
<label>Data category <select name=category><option value="">All data categories</option></select></label>
<label>Destination <select name=destination><option value="">All destinations</option></select></label>
<label>Zoom <input type=range name=zoom min=20 max=200 value=100 step=10></label>
<span id=summary role=status></span></form>
<ul class=legend><li class="footing-adequate">Adequate</li><li class="footing-safeguarded">Safeguarded</li>
<li class="footing-derogation">Derogation</li><li class="footing-missing">Missing</li>
<li class=shares>Shares with</li></ul></header>
<main><div id=map aria-label="Data map"><p id=loading>Laying out the map…</p></div>
<aside id=details aria-live=polite><p class=hint>Hover or click a record to see its details.</p></aside></main>
<script type=application/json id=map-data>{data}</script>
<script src="/static/map/elk.bundled.js"></script><script src="/static/map/data-map.js"></script>
</body></html>"""


async def render_svg(m: DataMap) -> bytes:
    dot = shutil.which("dot")
    if dot is None:
        raise FileNotFoundError("Graphviz")
    proc = await asyncio.create_subprocess_exec(dot, "-Tsvg", stdin=asyncio.subprocess.PIPE,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(proc.communicate(to_dot(m).encode()), DOT_SECONDS)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    if proc.returncode != 0:
        raise RuntimeError(f"dot failed: {err.decode(errors='replace')[:300]}")
    return out


def data_map_endpoint(repos_getter: Callable[[], Repositories]) -> Callable[[Request], object]:
    async def endpoint(request: Request) -> Response:
        slug, fmt = request.path_params["slug"], request.path_params.get("format", "html")
        if fmt not in ("html", "svg"):
            return problem(404, f"Unknown format '{fmt}'; open /organizations/{slug}/data-map, or .svg for a "
                           "static picture.")
        repos = repos_getter()
        try:
            m = data_map(await read_inventory(repos, slug, READS), await read_reference(repos))
        except NotFound as e:
            return problem(404, f"{e} List organisations with {{ organizations {{ slug }} }} at /graphql.")
        if fmt == "html":
            return HTMLResponse(page(m), headers=PAGE_HEADERS)
        try:
            svg = await render_svg(m)
        except FileNotFoundError:
            return error_response(503, "The static data map needs Graphviz's `dot`, which is not installed on the "
                                  "server (apt-get install graphviz). The page /organizations/{slug}/data-map works "
                                  "without it.", "UNAVAILABLE")
        except TimeoutError:
            return error_response(503, f"The map has {len(m.nodes)} boxes: laying it out took longer than "
                                  f"{DOT_SECONDS:.0f} s. Open the page /organizations/{slug}/data-map and filter "
                                  "it.", "UNAVAILABLE")
        return Response(svg, media_type="image/svg+xml", headers={
            **SVG_HEADERS, "Content-Disposition": f'inline; filename="data-map-{slug}.svg"'})

    return endpoint
