"""Bringing a register in from another format: the format is recognised, the file becomes inventories merged with
the register, and each is planned and applied by the same services as the registry's own YAML
(`inventory_sync.plan` / `apply`), so every change has its history and nothing is written before the plan is
confirmed."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from registry.domain.errors import InvalidInventory, Problem
from registry.domain.inventory import Inventory
from registry.services import fides
from registry.services.inventory_files import read_yaml
from registry.services.inventory_sync import Plan, export_mapping, plan
from registry.services.registers import read_inventory, read_reference
from registry.storage.repositories import Repositories

FORMATS = ("yaml", "fides", "xlsx", "csv")


def detect_format(path: Path) -> tuple[str, Any]:
    """The file's format and, for YAML, its content: a spreadsheet by its extension, a Fides manifest by its
    resource lists, otherwise the registry's own inventory file."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx", None
    if suffix == ".csv":
        return "csv", None
    if suffix not in (".yaml", ".yml", ".json"):
        raise InvalidInventory(str(path), [Problem("", f"unknown file type '{suffix}': import takes the registry's "
                                                   "YAML, a Fides manifest (.yml), a workbook (.xlsx) or a CSV file",
                                                   "UNKNOWN_FORMAT")])
    data = read_yaml(path)
    return ("fides" if fides.is_fides_manifest(data) else "yaml"), data


async def plan_inventory(repos: Repositories, inv: Inventory, where: str) -> Plan:
    """The plan for a whole inventory (the register's records merged with what a file brings): nothing that is not
    in it is kept, so a merged inventory archives nothing."""
    return await plan(repos, export_mapping(inv), where)


async def current_inventories(repos: Repositories, slugs: list[str]) -> dict[str, Inventory]:
    out = {}
    for slug in slugs:
        with contextlib.suppress(LookupError):  # a new organisation
            out[slug] = await read_inventory(repos, slug)
    return out


async def plan_fides(repos: Repositories, data: dict[str, Any], where: str) -> tuple[list[Plan], fides.FidesReport]:
    """One plan per organisation of a Fides manifest, and the report of what mapped and what did not."""
    fides.validate(data, where)
    slugs = {fides.slugify(o["fides_key"]) for o in data.get("organization", [])} | {
        fides.slugify(r.get("organization_fides_key", "default_organization"))
        for kind in ("system", "data_use", "data_subject", "data_category") for r in data.get(kind, [])}
    current = await current_inventories(repos, sorted(slugs))
    merged, report = fides.import_fides(data, await read_reference(repos), current, where)
    return [await plan_inventory(repos, inv, where) for inv in merged.values()], report
