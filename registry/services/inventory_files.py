"""Reading and writing inventory files (the `seed/` format, see seed/FORMAT.md) as domain objects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from registry.domain import models as m
from registry.domain.errors import InvalidInventory, Problem
from registry.domain.inventory import Inventory, ReferenceData
from registry.domain.kinds import DATA_CATEGORY, INVENTORY, category_id, category_paths, map_at
from registry.services.shared_taxonomy import shared_categories
from registry.storage.codec import DecodeError, decode

LISTS = [k for k in INVENTORY if k is not DATA_CATEGORY]
"""The file's lists of records, after the organisation's own data categories."""
TOP_LEVEL = {"organization", DATA_CATEGORY.collection, *(k.collection for k in LISTS)}


MAX_FILE_BYTES = 20 * 1024 * 1024
"""An inventory file of 2,000 processing activities is about 5 MB."""
MAX_DEPTH = 30
"""Nesting of mappings and lists; the format needs 6."""
MAX_NODES = 2_000_000
"""Values in a file once its aliases (`*name`) are expanded: several times what the largest register needs,
and far below what a few lines of nested aliases ("billion laughs") expand to."""


class YAMLTooLarge(yaml.YAMLError):
    """A YAML file beyond the limits; the message says which and what to do."""


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with limits: nesting depth (the composer recurses, so deep nesting would end in a
    RecursionError), and the number of values after alias expansion, counted over the node graph without
    expanding it. Aliases are rare in inventory files (`registry export` writes none) but legal YAML."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YAMLTooLarge(f"values are nested more than {MAX_DEPTH} levels deep (line "
                                   f"{self.peek_event().start_mark.line + 1}); inventory files need far fewer")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> Any:
        node = super().compose_document()
        if node is not None:
            _check_expanded_size(node)
        return node


def _check_expanded_size(root: yaml.Node) -> None:
    """Count the values the document stands for, each shared (aliased) node counted once per use, without
    walking it more than once: a node's count is remembered."""
    counts: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in counts:
            continue
        children = [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else \
            list(node.value) if isinstance(node, yaml.SequenceNode) else []
        if not children_done:
            if key in on_path:
                raise YAMLTooLarge("an alias refers to a value that contains it (a recursive structure); "
                                   "write the values out instead")
            on_path.add(key)
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in counts)
            continue
        on_path.discard(key)
        counts[key] = 1 + sum(counts[id(c)] for c in children)
        if counts[key] > MAX_NODES:
            raise YAMLTooLarge(f"its aliases (`*name`) expand to more than {MAX_NODES:,} values (from line "
                               f"{node.start_mark.line + 1}); write the values out instead of nesting aliases")


def read_yaml(path: Path) -> Any:
    """A YAML file's content, within the limits above; anything else is an InvalidInventory saying why."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise YAMLTooLarge(f"the file is {size:,} bytes, more than the {MAX_FILE_BYTES:,} an inventory file "
                               "may have; split the organisation's register or raise MAX_FILE_BYTES")
        with path.open(encoding="utf-8") as f:
            return yaml.load(f, Loader=BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except YAMLTooLarge as e:
        raise InvalidInventory(str(path), [Problem("", f"refused: {e}", "YAML_TOO_LARGE")]) from None
    except yaml.YAMLError as e:
        raise InvalidInventory(str(path), [Problem("", f"not valid YAML: {e}", "INVALID_YAML")]) from None
    except UnicodeDecodeError as e:
        raise InvalidInventory(str(path), [Problem("", f"not UTF-8 text: {e}", "INVALID_YAML")]) from None


def load_reference(directory: Path) -> ReferenceData:
    """The shared reference data from `seed/reference/`; the data-category taxonomy is fideslang's, from the
    installed package, with the registry's flags and extensions from `data_categories.yaml`."""
    parts: dict[str, Any] = {}
    for name, cls in [
        ("legal_bases", m.LegalBasis),
        ("transfer_mechanisms", m.TransferMechanism),
        ("countries", m.Country),
    ]:
        path = directory / f"{name}.yaml"
        data = read_yaml(path) or {}
        try:
            parts[name] = [decode(cls, d, strict=True, where=f"{path.name}: {name}[{i}]")
                           for i, d in enumerate(data.get(name, []))]
        except DecodeError as e:
            raise InvalidInventory(str(path), [Problem(name, str(e), "INVALID_FIELD")]) from None
    overlay = directory / "data_categories.yaml"
    parts["data_categories"] = shared_categories(read_yaml(overlay), str(overlay))
    return ReferenceData(**parts)


def inventory_from_mapping(data: Any, where: str, reference: ReferenceData) -> Inventory:
    """Decode one organisation's file; category keys in references become category ids."""
    if not isinstance(data, dict) or not isinstance(data.get("organization"), dict):
        raise InvalidInventory(where, [Problem("organization", "the file must start with an `organization:` "
                                               "mapping (see seed/FORMAT.md)", "MISSING")])
    unknown = sorted(set(data) - TOP_LEVEL)
    if unknown:
        raise InvalidInventory(where, [Problem(k, f"unknown section '{k}'; allowed: {', '.join(sorted(TOP_LEVEL))}",
                                               "UNKNOWN_FIELD") for k in unknown])
    try:
        org = decode(m.Organization, data["organization"], strict=True, where="organization")
        slug = org.slug
        own = [decode(m.DataCategory, {**c, "organization": slug}, strict=True, where=f"data_categories[{i}]")
               for i, c in enumerate(data.get("data_categories") or [])]
        shared = {c.key for c in reference.data_categories}

        def category(key: str) -> str:
            return category_id(slug, key, key in shared)

        lists: dict[str, list[Any]] = {}
        for kind in LISTS:
            name, cls = kind.collection, kind.cls
            items: list[Any] = []
            for i, raw in enumerate(data.get(name) or []):
                if not isinstance(raw, dict):
                    raise DecodeError(f"{name}[{i}]: expected a mapping")
                raw = {**raw, "organization": slug}
                for path in category_paths(kind):
                    raw = map_at(raw, path, lambda ks: [category(k) if isinstance(k, str) else k for k in ks])
                items.append(decode(cls, raw, strict=True, where=f"{name}[{i}]"))
            lists[name] = items
    except DecodeError as e:
        raise InvalidInventory(where, [Problem(str(e).split(":")[0], str(e), "INVALID_FIELD")]) from None
    own = [_inherit_flags(c, reference, own) for c in own]
    return Inventory(organization=org, data_categories=own, **lists)


def _inherit_flags(cat: m.DataCategory, reference: ReferenceData, own: list[m.DataCategory]) -> m.DataCategory:
    """An organisation's category under a special, criminal, CCPA-lettered or device-storage parent inherits those
    flags."""
    by_key = {c.key: c for c in [*reference.data_categories, *own]}
    special, criminal, ccpa, device = cat.special_category, cat.criminal, cat.ccpa, cat.terminal_storage
    parent = cat.parent_key
    while parent and parent in by_key:
        p = by_key[parent]
        special = special or p.special_category
        criminal = criminal or p.criminal
        ccpa = ccpa or p.ccpa
        device = device or p.terminal_storage
        parent = p.parent_key
    return m.DataCategory(**{**vars(cat), "special_category": special, "criminal": criminal, "ccpa": ccpa,
                             "terminal_storage": device})


def load_inventory_file(path: Path, reference: ReferenceData) -> Inventory:
    return inventory_from_mapping(read_yaml(path), str(path), reference)


def inventory_files(seed_dir: Path) -> list[Path]:
    return sorted((seed_dir / "organizations").glob("*.yaml"))
