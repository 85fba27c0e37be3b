"""Downloads of a DPIA draft: /organizations/{slug}/activities/{key}/dpia-draft.{md,docx}, and the same draft as a
file the CNIL PIA tool imports: /organizations/{slug}/activities/{key}/dpia.pia.json."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from registry.domain.errors import NotFound
from registry.domain.models import scoped_id
from registry.services import dpia
from registry.services.documents import markdown_to_docx
from registry.services.pia_tool import pia_file
from registry.services.registers import read_inventory, read_reference
from registry.storage.repositories import Repositories
from registry.web.records import problem

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def dpia_endpoint(repos_getter: Callable[[], Repositories]) -> Callable[[Request], object]:
    async def endpoint(request: Request) -> Response:
        slug, key = request.path_params["slug"], request.path_params["key"]
        fmt = request.path_params.get("format", "pia.json")
        if fmt not in ("md", "docx", "pia.json"):
            return problem(404, f"Unknown format '{fmt}'; use md or docx.")
        repos = repos_getter()
        try:
            inv = await read_inventory(repos, slug)
        except NotFound as e:
            return problem(404, str(e))
        activity = next((a for a in inv.processing_activities if a.id == scoped_id(slug, key)), None)
        if activity is None:
            return problem(404, f"No processing activity '{key}' in '{slug}'; list them with "
                           "{ organization(slug: ...) { processingActivities { key } } }.")
        ref = await read_reference(repos)
        screening = dpia.screen(activity, inv, ref)
        if fmt == "pia.json":
            name = f"dpia-{slug}-{key}.pia.json"
            return JSONResponse(pia_file(screening, inv, ref),
                                headers={"Content-Disposition": f'attachment; filename="{name}"'})
        text = dpia.draft_markdown(screening, inv, ref)
        name = f"dpia-draft-{slug}-{key}.{fmt}"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        if fmt == "md":
            return Response(text, media_type="text/markdown; charset=utf-8", headers=headers)
        docx = markdown_to_docx(text, title=f"Data protection impact assessment (draft): {activity.name}",
                                author=inv.organization.legal_name)
        return Response(docx, media_type=DOCX, headers=headers)

    return endpoint
