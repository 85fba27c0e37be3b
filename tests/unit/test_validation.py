"""The inventory invariants, checked without a database."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from registry.domain.validation import validate_inventory
from registry.services.inventory_files import inventory_from_mapping, load_reference, read_yaml
from registry.services.seeding import read_seed

SEED = Path(__file__).resolve().parents[2] / "seed"
REFERENCE = load_reference(SEED / "reference")
BASE = read_yaml(SEED / "organizations" / "jalendos-kramax.yaml")


def problems(mutate: Any) -> list[tuple[str, str, str]]:
    data = copy.deepcopy(BASE)
    mutate(data)
    inv = inventory_from_mapping(data, "test", REFERENCE)
    return [(p.path, p.code, p.message) for p in validate_inventory(inv, REFERENCE)]


def test_every_seed_inventory_is_valid() -> None:
    _, inventories = read_seed(SEED)
    assert sorted(i.organization.slug for i in inventories) == [
        "cloudfzs-jini", "jalendos-kramax", "januscaler", "janusipm"]


def test_unknown_data_category_is_reported_with_its_path() -> None:
    found = problems(lambda d: d["processing_activities"][0]["data_categories"].append("user.shoe_size"))
    assert ("processing_activities[0].data_categories[10]", "UNKNOWN_REFERENCE",
            "unknown data category 'user.shoe_size'; define it first or fix the key") in found


def test_unknown_data_category_suggests_the_closest_keys() -> None:
    found = problems(lambda d: d["processing_activities"][0]["data_categories"].append("user.email"))
    message = next(m for _, code, m in found if "user.email" in m)
    assert message == ("unknown data category 'user.email'; define it first or fix the key. Did you mean "
                       "'user.contact.email'?")


def test_unknown_legal_basis_is_reported() -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["processing_activities"][0]["purposes"][0]["lawful_bases"][0]["basis"] = "GDPR:vibes"
    [(path, code, message)] = problems(mutate)
    assert code == "UNKNOWN_LEGAL_BASIS" and "GDPR:vibes" in message and "GDPR:contract" in message


def test_an_art6_basis_is_not_accepted_as_an_art9_condition() -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["processing_activities"][0]["purposes"][0]["special_category_conditions"] = [{"basis": "GDPR:consent"}]
    assert [c for _, c, _ in problems(mutate)] == ["WRONG_BASIS_KIND"]


def test_unknown_country_and_mechanism_are_reported() -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["transfers"][0]["destination"] = "XX"
        d["transfers"][0]["mechanism"] = "handshake"
    assert sorted(c for _, c, _ in problems(mutate)) == ["UNKNOWN_COUNTRY", "UNKNOWN_MECHANISM"]


def test_retention_period_must_be_iso_8601() -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["retention_rules"][0]["period"] = "3 years"
    [(path, code, message)] = problems(mutate)
    assert path == "retention_rules[0].period" and code == "INVALID_DURATION" and "P2Y" in message


def test_duplicate_keys_are_reported() -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["purposes"].append(copy.deepcopy(d["purposes"][0]))
    assert [c for _, c, _ in problems(mutate)] == ["DUPLICATE_KEY"]


def test_a_source_must_name_one_of_the_documents() -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["purposes"][0]["source"]["document"] = "terms"
    assert [c for _, c, _ in problems(mutate)] == ["UNKNOWN_DOCUMENT"]


def test_an_own_category_must_sit_under_the_taxonomy() -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["data_categories"] = [{"key": "pets.name", "name": "Pet name"}]
    assert [c for _, c, _ in problems(mutate)] == ["UNKNOWN_PARENT"]


@pytest.mark.parametrize("slug", ["Jalendos", "a b", "-x", ""])
def test_slug_format(slug: str) -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["organization"]["slug"] = slug
    assert "INVALID_SLUG" in [c for _, c, _ in problems(mutate)]
