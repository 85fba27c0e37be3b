"""Downloads of the records of processing: /organizations/{slug}/records-of-processing.{json,csv,xlsx,html}."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from registry.domain.enums import Role
from registry.domain.errors import NotFound
from registry.services.exports import Stamp, as_csv, as_html, as_json, as_xlsx, table
from registry.services.records import RecordsOfProcessing, records_of_processing
from registry.services.registers import last_change, read_inventory, read_reference
from registry.storage.repositories import Repositories
from registry.web.errors import error_response

ROLES = {"controller": [Role.CONTROLLER], "processor": [Role.PROCESSOR], "all": [Role.CONTROLLER, Role.PROCESSOR]}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
                "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def problem(status: int, message: str) -> JSONResponse:
    """A refusal in the one error shape of the API (see web/errors.py)."""
    return error_response(status, message)


def csv_of_all(records: list[RecordsOfProcessing]) -> str:
    """Both records in one CSV table: a first column names the record (Art 30(1) or 30(2)); a field the other
    record lacks is left empty."""
    tables = [(r.article, *table(r)) for r in records]
    columns: list[str] = []
    for _, cols, _ in tables:
        columns += [c for c in cols if c not in columns]
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["Record", *columns])
    for article, cols, rows in tables:
        for row in rows:
            cells = dict(zip(cols, row, strict=True))
            w.writerow([article, *(cells.get(c, "") for c in columns)])
    return out.getvalue()


async def build(repos: Repositories, slug: str, roles: list[Role]) -> list[RecordsOfProcessing]:
    inv = await read_inventory(repos, slug)
    ref = await read_reference(repos)
    return [records_of_processing(inv, ref, r) for r in roles]


async def stamp_of(repos: Repositories, slug: str) -> Stamp:
    """Now, and the register's version: the time of its last recorded change."""
    changed = await last_change(repos, slug)
    return Stamp(dt.datetime.now(dt.UTC),
                 changed.strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z" if changed else "no change recorded")


def records_endpoint(repos_getter: Callable[[], Repositories]) -> Callable[[Request], object]:
    async def endpoint(request: Request) -> Response:
        slug, fmt = request.path_params["slug"], request.path_params["format"]
        role = request.query_params.get("role", "all" if fmt != "csv" else "controller")
        if role not in ROLES:
            return problem(400, f"role must be controller, processor or all; got '{role}'")
        try:
            records = await build(repos_getter(), slug, ROLES[role])
        except NotFound as e:
            return problem(404, f"{e} List organisations with {{ organizations {{ slug }} }} at /graphql.")
        stamp = await stamp_of(repos_getter(), slug)
        name = f"records-of-processing-{slug}-{role}.{fmt}"
        disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
        if fmt == "json":
            return JSONResponse(as_json(records, stamp))
        if fmt == "csv":
            text = as_csv(records[0]) if len(records) == 1 else csv_of_all(records)
            return Response(text, media_type="text/csv; charset=utf-8", headers=disposition)
        if fmt == "xlsx":
            return Response(as_xlsx(records, stamp), media_type=XLSX, headers=disposition)
        if fmt == "html":
            return HTMLResponse(as_html(records, stamp.generated_text, stamp.version), headers=PAGE_HEADERS)
        return problem(404, f"Unknown format '{fmt}'; use json, csv, xlsx or html.")

    return endpoint
