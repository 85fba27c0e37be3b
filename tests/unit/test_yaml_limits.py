"""Inventory files are read within limits: a few hundred bytes of nested aliases ("billion laughs"), deep nesting
or a huge file get a clear error at once, instead of exhausting memory or crashing the import."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from registry.domain.errors import InvalidInventory
from registry.domain.models import Organization
from registry.services.inventory_files import read_yaml
from registry.storage.codec import DecodeError, decode


def billion_laughs() -> str:
    lines = ["organization:", "  slug: lol", '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"  {name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
    lines.append("  legal_name: *i")
    return "\n".join(lines) + "\n"


def test_a_billion_laughs_file_is_refused_at_once_with_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(billion_laughs())
    assert len(path.read_bytes()) < 520  # the attack is a few hundred bytes
    tracemalloc.start()
    try:
        with pytest.raises(InvalidInventory) as err:
            read_yaml(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000
    message = str(err.value)
    assert "aliases" in message and "expand to more than" in message
    assert len(message) < 500 and "lol" not in message


def test_a_few_aliases_still_load(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("defaults: &d {country: IN}\nfirst: *d\nsecond: *d\n")
    assert read_yaml(path) == {"defaults": {"country": "IN"}, "first": {"country": "IN"}, "second": {"country": "IN"}}


def test_a_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("a: &a [1, *a]\n")
    with pytest.raises(InvalidInventory, match="contains it"):
        read_yaml(path)


def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 200_000)
    with pytest.raises(InvalidInventory, match="nested more than 30 levels"):
        read_yaml(path)


def test_an_oversized_file_is_refused_before_it_is_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import registry.services.inventory_files as files

    monkeypatch.setattr(files, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.yaml"
    path.write_text("notes: " + "x" * 2000 + "\n")
    with pytest.raises(InvalidInventory, match="more than the 1,000"):
        read_yaml(path)


def test_an_error_message_describes_a_big_value_instead_of_printing_it() -> None:
    huge = [["lol"] * 1000] * 1000
    with pytest.raises(DecodeError) as err:
        decode(Organization, {"slug": "x", "legal_name": huge}, strict=True, where="organization")
    assert "a list of 1000 item(s)" in str(err.value) and "lol" not in str(err.value)
