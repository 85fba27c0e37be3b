"""Downloads of the regulators' templates: /organizations/{slug}/ropa/{uk-ico,ie-dpc,fr-cnil}.{xlsx,csv}."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from registry.domain.enums import Role
from registry.domain.errors import NotFound
from registry.domain.ropa_templates import Template
from registry.services import ropa_exports
from registry.services.registers import read_inventory, read_reference
from registry.services.ropa import TemplateAnswers, answer_template
from registry.storage.repositories import Repositories
from registry.web.records import XLSX, problem

TEMPLATES = {t.slug: t for t in Template}
ROLES = {"controller": Role.CONTROLLER, "processor": Role.PROCESSOR, "all": None}


async def build(repos: Repositories, slug: str, template: Template, role: Role | None) -> TemplateAnswers:
    inv = await read_inventory(repos, slug)
    return answer_template(inv, await read_reference(repos), template, role)


def ropa_endpoint(repos_getter: Callable[[], Repositories]) -> Callable[[Request], object]:
    async def endpoint(request: Request) -> Response:
        slug, name, fmt = (request.path_params[k] for k in ("slug", "template", "format"))
        template = TEMPLATES.get(name)
        if template is None:
            return problem(404, f"Unknown template '{name}'; use uk-ico, ie-dpc or fr-cnil.")
        if fmt not in ("xlsx", "csv"):
            return problem(404, f"Unknown format '{fmt}'; use xlsx or csv.")
        role = request.query_params.get("role", "all")
        if role not in ROLES:
            return problem(400, f"role must be controller, processor or all; got '{role}'")
        try:
            answers = await build(repos_getter(), slug, template, ROLES[role])
        except NotFound as e:
            return problem(404, f"{e} List organisations with {{ organizations {{ slug }} }} at /graphql.")
        disposition = {"Content-Disposition": f'attachment; filename="ropa-{slug}-{name}.{fmt}"'}
        if fmt == "xlsx":
            return Response(ropa_exports.as_xlsx(answers), media_type=XLSX, headers=disposition)
        return Response(ropa_exports.as_csv(answers), media_type="text/csv; charset=utf-8", headers=disposition)

    return endpoint
