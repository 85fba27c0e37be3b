"""The shared data-category taxonomy: fideslang's own personal-data categories, read from the `fideslang` package,
with the registry's flags and extensions from `seed/reference/data_categories.yaml` (its header gives the format).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fideslang.default_taxonomy import DEFAULT_TAXONOMY

from registry.domain import models as m
from registry.domain.enums import CategoryOrigin
from registry.domain.errors import InvalidInventory, Problem
from registry.storage.codec import DecodeError, decode

PERSONAL_ROOT = "user"
"""fideslang's tree of personal data; its `system` tree (data of the system itself) is not personal data."""
FLAGS = ("special_category", "criminal", "ccpa", "ccpa_sensitive", "highly_personal", "terminal_storage",
         "flags_inference")
SECTIONS = {"fideslang": ("key", *FLAGS), "extensions": ("key", "name", "description", *FLAGS)}


@cache
def fideslang_categories() -> dict[str, tuple[str, str | None]]:
    """fideslang's personal-data categories: (name, description) by key, in the package's order."""
    return {c.fides_key: (c.name or c.fides_key, c.description)
            for c in DEFAULT_TAXONOMY.data_category
            if c.fides_key == PERSONAL_ROOT or c.fides_key.startswith(PERSONAL_ROOT + ".")}


def shared_categories(overlay: Any, where: str) -> list[m.DataCategory]:
    """fideslang's categories with the overlay's flags, then the overlay's extensions; every problem of the overlay
    raised at once as an InvalidInventory."""
    if not isinstance(overlay, dict) or set(overlay) - set(SECTIONS) or "data_categories" in overlay:
        raise InvalidInventory(where, [Problem("", "expected the sections `fideslang:` (flags on fideslang's keys) "
                                               "and `extensions:` (the registry's own categories); a top-level "
                                               "`data_categories:` list is the format before the taxonomy became "
                                               "fideslang's (see the file's header and seed/FORMAT.md)",
                                               "INVALID_FIELD")])
    theirs = fideslang_categories()
    problems: list[Problem] = []
    flags: dict[str, dict[str, Any]] = {}
    extensions: list[m.DataCategory] = []
    for section, allowed in SECTIONS.items():
        for i, entry in enumerate(overlay.get(section) or []):
            path = f"{section}[{i}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
                problems.append(Problem(path, "expected a mapping with a `key`", "INVALID_FIELD"))
                continue
            key, unknown = entry["key"], sorted(set(entry) - set(allowed))
            if unknown:
                problems.append(Problem(path, f"'{key}': {', '.join(unknown)} not allowed here; a {section} entry "
                                        f"has {', '.join(allowed)}", "UNKNOWN_FIELD"))
            elif section == "fideslang" and key not in theirs:
                problems.append(Problem(path, f"'{key}' is not one of fideslang's personal-data categories (fideslang "
                                        "renamed or dropped it?); put it under `extensions:` with a name",
                                        "UNKNOWN_REFERENCE"))
            elif section == "extensions" and key in theirs:
                problems.append(Problem(path, f"'{key}' is fideslang's own category; put its flags under "
                                        "`fideslang:` instead", "DUPLICATE_KEY"))
            elif key in flags or any(c.key == key for c in extensions):
                problems.append(Problem(path, f"'{key}' is listed twice", "DUPLICATE_KEY"))
            else:
                origin = CategoryOrigin.FIDESLANG if section == "fideslang" else CategoryOrigin.REGISTRY
                try:
                    category = _category(entry, theirs.get(key), origin, path)
                except DecodeError as e:
                    problems.append(Problem(path, str(e), "INVALID_FIELD"))
                    continue
                if section == "fideslang":
                    flags[key] = entry
                else:
                    extensions.append(category)
    if problems:
        raise InvalidInventory(where, problems)
    own = [_category(flags.get(k, {"key": k}), theirs[k], CategoryOrigin.FIDESLANG, k) for k in theirs]
    return own + extensions


def _category(entry: dict[str, Any], fideslang: tuple[str, str | None] | None, origin: CategoryOrigin,
              where: str) -> m.DataCategory:
    data = {**entry, "category_origin": origin.value}
    if fideslang is not None:
        data.update(name=fideslang[0], description=fideslang[1])
    return decode(m.DataCategory, data, strict=True, where=where)
