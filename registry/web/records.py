"""Downloads of the records of processing: /organizations/{slug}/records-of-processing.{json,csv,xlsx,html}."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from registry.domain.enums import Role
from registry.domain.errors import NotFound
from registry.services.exports import as_csv, as_html, as_json, as_xlsx
from registry.services.records import RecordsOfProcessing, records_of_processing
from registry.services.registers import read_inventory, read_reference
from registry.storage.repositories import Repositories

ROLES = {"controller": [Role.CONTROLLER], "processor": [Role.PROCESSOR], "all": [Role.CONTROLLER, Role.PROCESSOR]}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
                "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def build(repos: Repositories, slug: str, roles: list[Role]) -> list[RecordsOfProcessing]:
    inv = await read_inventory(repos, slug)
    ref = await read_reference(repos)
    return [records_of_processing(inv, ref, r) for r in roles]


def records_endpoint(repos_getter: Callable[[], Repositories]) -> Callable[[Request], object]:
    async def endpoint(request: Request) -> Response:
        slug, fmt = request.path_params["slug"], request.path_params["format"]
        role = request.query_params.get("role", "all" if fmt != "csv" else "controller")
        if role not in ROLES or (fmt == "csv" and role == "all"):
            allowed = "controller or processor" if fmt == "csv" else "controller, processor or all"
            return problem(400, f"role must be {allowed}; got '{role}'")
        try:
            records = await build(repos_getter(), slug, ROLES[role])
        except NotFound as e:
            return problem(404, f"{e} List organisations with {{ organizations {{ slug }} }} at /graphql.")
        name = f"records-of-processing-{slug}-{role}.{fmt}"
        disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
        if fmt == "json":
            return JSONResponse(as_json(records))
        if fmt == "csv":
            return Response(as_csv(records[0]), media_type="text/csv; charset=utf-8", headers=disposition)
        if fmt == "xlsx":
            return Response(as_xlsx(records), media_type=XLSX, headers=disposition)
        if fmt == "html":
            return HTMLResponse(as_html(records, dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")),
                                headers=PAGE_HEADERS)
        return problem(404, f"Unknown format '{fmt}'; use json, csv, xlsx or html.")

    return endpoint
