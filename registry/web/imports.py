"""Workbooks over HTTP: the empty template (/templates/register.xlsx), an organisation's register as a workbook
(/organizations/{slug}/register.xlsx) or in the ICO's layout (/organizations/{slug}/register-ico.xlsx), and the
upload (POST /organizations/{slug}/import).

An upload answers with the plan and writes nothing. To apply it, send the same file again with `confirm` set to the
plan's hash: if the file or the register changed since, the plan's hash differs and nothing is written either.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from registry.config import Limits
from registry.domain.enums import AccessRole
from registry.domain.errors import NotFound
from registry.services.inventory_sync import apply
from registry.services.registers import read_inventory, read_reference
from registry.services.spreadsheets import export_ico, export_workbook, plan_workbook
from registry.storage.repositories import Repositories
from registry.web.records import XLSX, problem

UPLOAD_PATH = re.compile(r"^/organizations/[^/]+/import$")


def template_endpoint(repos_getter: Callable[[], Repositories]) -> Callable[[Request], object]:
    async def endpoint(request: Request) -> Response:
        content = export_workbook(None, await read_reference(repos_getter()))
        return Response(content, media_type=XLSX,
                        headers={"Content-Disposition": 'attachment; filename="register.xlsx"'})

    return endpoint


def workbook_endpoint(repos_getter: Callable[[], Repositories], ico: bool = False) -> Callable[[Request], object]:
    async def endpoint(request: Request) -> Response:
        slug = request.path_params["slug"]
        repos = repos_getter()
        try:
            inv = await read_inventory(repos, slug)
        except NotFound as e:
            return problem(404, str(e))
        ref = await read_reference(repos)
        content = export_ico(inv, ref) if ico else export_workbook(inv, ref)
        name = f"register-{'ico-' if ico else ''}{slug}.xlsx"
        return Response(content, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return endpoint


def import_endpoint(repos_getter: Callable[[], Repositories], limits: Limits) -> Callable[[Request], object]:
    async def endpoint(request: Request) -> Response:
        slug = request.path_params["slug"]
        token = request.scope.get("state", {}).get("token")
        if token is not None and not token.role.allows(AccessRole.EDITOR):
            return problem(403, "Forbidden: importing into the register needs an EDITOR or ADMIN token; yours is a "
                           f"{token.role.value} token.")
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            return problem(415, "Send the file as multipart/form-data, in a field named 'file' (curl -F "
                           "file=@register.xlsx).")
        form = await request.form(max_files=1, max_fields=5)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            return problem(400, "No file: send it in a multipart field named 'file'.")
        name = upload.filename or "upload"
        fmt = "csv" if name.lower().endswith(".csv") else "xlsx"
        content = await upload.read()
        repos = repos_getter()
        plan = await plan_workbook(repos, content, fmt, name, slug, limits.import_rows)
        confirm = form.get("confirm")
        body = {"plan": plan.as_json(), "applied": False}
        if plan.problems:
            return JSONResponse(body, status_code=422)
        if confirm is None:
            return JSONResponse(body)
        if confirm != plan.hash:
            body["errors"] = [{"message": "The plan changed since it was shown (the file or the register is not the "
                               "same): review this plan and confirm it with its hash.",
                               "extensions": {"code": "PLAN_CHANGED"}}]
            return JSONResponse(body, status_code=409)
        actor = f"import:{name}" + (f" by token {token.key}" if token is not None else "")
        conflicts = await apply(repos, plan.plan, actor) if plan.plan and not plan.plan.empty else []
        body |= {"applied": True, "conflicts": conflicts}
        return JSONResponse(body)

    return endpoint
