"""The shared data-category taxonomy is fideslang's, read from the package, with the registry's flags and
extensions; every key of the former taxonomy has a place in it, with its legal flags carried over."""

from __future__ import annotations

import re

import pytest
import yaml
from fideslang.default_taxonomy import DEFAULT_TAXONOMY

from registry.config import PROJECT_ROOT
from registry.domain import models as m
from registry.domain.enums import CategoryOrigin, SpecialCategory
from registry.domain.errors import InvalidInventory
from registry.domain.former_taxonomy import FORMER_KEYS, RENAMED, moved_key
from registry.domain.validation import KnownRecords, validate_record
from registry.services.inventory_files import load_reference
from registry.services.shared_taxonomy import shared_categories
from registry.services.taxonomy_migration import former_keys_table

SEED = PROJECT_ROOT / "seed"
TAXONOMY = load_reference(SEED / "reference").data_categories
BY_KEY = {c.key: c for c in TAXONOMY}
FORMER = {c["key"]: c for c in yaml.safe_load(
    (PROJECT_ROOT / "tests/data/former-taxonomy/data_categories.yaml").read_text(encoding="utf-8"))["data_categories"]}
OVERLAY = yaml.safe_load((SEED / "reference/data_categories.yaml").read_text(encoding="utf-8"))


def lineage(key: str) -> list[m.DataCategory]:
    parts = key.split(".")
    return [BY_KEY[k] for i in range(len(parts), 0, -1) if (k := ".".join(parts[:i])) in BY_KEY]


def test_the_shared_taxonomy_is_fideslangs_personal_data_categories_plus_the_registrys_extensions() -> None:
    fideslang = {c.fides_key: c for c in DEFAULT_TAXONOMY.data_category}
    personal = {k for k in fideslang if k == "user" or k.startswith("user.")}
    extensions = {e["key"] for e in OVERLAY["extensions"]}
    assert {c.key for c in TAXONOMY} == personal | extensions
    assert not personal & extensions
    assert not any(k.startswith("system") for k in BY_KEY), "system data is not personal data"
    for c in TAXONOMY:
        if c.key in personal:  # fideslang's own words
            assert (c.name, c.description, c.category_origin) == (fideslang[c.key].name, fideslang[c.key].description,
                                                                  CategoryOrigin.FIDESLANG)
        else:  # the registry's, named and described, under a category that exists
            assert c.category_origin is CategoryOrigin.REGISTRY and c.name and c.description
            assert c.parent_key in BY_KEY
        assert c.organization is None


def test_every_former_key_has_a_place_and_the_former_names_are_the_former_taxonomys() -> None:
    assert list(FORMER_KEYS) == list(FORMER)
    for old, move in FORMER_KEYS.items():
        assert move.new in BY_KEY, old
        assert move.name == FORMER[old]["name"]
    assert not set(RENAMED) & set(BY_KEY), "a renamed key must not be a key of the taxonomy now"
    assert all(moved_key(k) == k for k in BY_KEY), "a key of the taxonomy now is never moved again"
    assert moved_key("user.financial.payment_details.crypto_wallet") == "user.payment.crypto_wallet"
    assert moved_key("user.special.trade_union.shop_steward") == "user.demographic.trade_union_membership.shop_steward"


@pytest.mark.parametrize("old", [k for k, c in FORMER.items() if c.get("special_category") or c.get("criminal")])
def test_every_art9_and_art10_category_of_the_former_taxonomy_maps_to_a_key_with_the_same_flag(old: str) -> None:
    new = BY_KEY[FORMER_KEYS[old].new]
    assert new.special_category == (SpecialCategory(FORMER[old]["special_category"])
                                    if FORMER[old].get("special_category") else None)
    assert new.criminal == bool(FORMER[old].get("criminal"))


@pytest.mark.parametrize("old", list(FORMER))
def test_the_former_ccpa_and_wp248_decisions_are_carried_over(old: str) -> None:
    before, new = FORMER[old], BY_KEY[FORMER_KEYS[old].new]
    if old == "user.special":  # a grouping mapped onto `user`: neither has a flag
        assert not any(before.get(f) for f in ("ccpa", "ccpa_sensitive", "highly_personal"))
        return
    assert (new.ccpa.value if new.ccpa else None) == before.get("ccpa")
    assert new.ccpa_sensitive == bool(before.get("ccpa_sensitive"))
    former_line = [FORMER[k] for k in FORMER if old == k or old.startswith(k + ".")]
    was = any(c.get("highly_personal") for c in former_line)  # the flag holds for a category's children
    assert any(c.highly_personal for c in lineage(new.key)) == was


def test_a_child_of_an_art9_or_art10_category_is_flagged_itself() -> None:
    """Rules that read a category's own flag (an Art 9(2) condition, Art 10 authority) must not miss a child."""
    for c in TAXONOMY:
        parent = BY_KEY.get(c.parent_key or "")
        if parent is not None and parent.special_category:
            assert c.special_category is not None, c.key
        if parent is not None and parent.criminal:
            assert c.criminal, c.key


def test_art9_flags_on_fideslangs_keys_and_the_inferences_are_marked() -> None:
    flagged = {c.key: c.special_category for c in TAXONOMY if c.special_category}
    for key, special in [("user.demographic.race_ethnicity", SpecialCategory.RACIAL_OR_ETHNIC_ORIGIN),
                         ("user.demographic.political_opinion", SpecialCategory.POLITICAL_OPINIONS),
                         ("user.demographic.religious_belief", SpecialCategory.RELIGIOUS_OR_PHILOSOPHICAL_BELIEFS),
                         ("user.demographic.sexual_orientation", SpecialCategory.SEX_LIFE_OR_SEXUAL_ORIENTATION),
                         ("user.health_and_medical", SpecialCategory.HEALTH),
                         ("user.health_and_medical.genetic", SpecialCategory.GENETIC_DATA),
                         ("user.biometric", SpecialCategory.BIOMETRIC_DATA)]:
        assert flagged[key] is special
    assert BY_KEY["user.criminal_history"].criminal
    # biometric data is special only when processed to identify a person uniquely: fideslang's is broader
    for c in TAXONOMY:
        if c.special_category is SpecialCategory.BIOMETRIC_DATA:
            assert c.flags_inference and "uniquely identifying" in c.flags_inference, c.key
    assert BY_KEY["user.location.precise"].ccpa_sensitive and not BY_KEY["user.location.imprecise"].ccpa_sensitive
    assert BY_KEY["user.government_id.passport_number"].ccpa_sensitive
    assert BY_KEY["user.device.cookie"].terminal_storage and BY_KEY["user.device.cookie_id"].terminal_storage


def test_the_readme_table_of_former_keys_is_the_codes() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = re.search(r"^\| Former key \|.*?(?=\n\n)", readme, re.S | re.M)
    assert table is not None, "the README has no table of former keys"
    assert table.group(0) == former_keys_table(TAXONOMY)


@pytest.mark.parametrize("overlay, said", [
    ({"data_categories": []}, "the format before the taxonomy became fideslang's"),
    ({"fideslang": [{"key": "user.shoe_size", "ccpa": "A"}]}, "not one of fideslang's personal-data categories"),
    ({"extensions": [{"key": "user.name", "name": "Name", "description": "x"}]}, "fideslang's own category"),
    ({"fideslang": [{"key": "user.name", "name": "My name"}]}, "name not allowed here"),
    ({"fideslang": [{"key": "user.name", "ccpa": "Z"}]}, "ccpa"),
])
def test_an_overlay_mistake_is_refused_with_what_to_do(overlay: dict[str, object], said: str) -> None:
    with pytest.raises(InvalidInventory) as e:
        shared_categories(overlay, "data_categories.yaml")
    assert said in str(e.value)


def test_a_former_key_is_answered_with_its_key_now() -> None:
    a = m.ProcessingActivity("acme", "care", "Care", m.Role.CONTROLLER, data_categories=["user.special.health"])
    [problem] = validate_record(a, KnownRecords(TAXONOMY))
    assert "is now 'user.health_and_medical'" in problem.message
