import datetime as dt

import pytest

from registry.domain.enums import Adequacy, Role
from registry.domain.models import Country, Organization, ProcessingActivity, SourceDocument
from registry.storage.codec import DecodeError, decode, encode


def test_round_trip_keeps_every_field() -> None:
    org = Organization(slug="acme", legal_name="Acme", roles=[Role.CONTROLLER],
                       documents=[SourceDocument(key="pp", title="Privacy", effective_date=dt.date(2025, 1, 6))])
    assert decode(Organization, encode(org)) == org
    assert encode(org)["documents"][0]["effective_date"] == "2025-01-06"


def test_strict_decoding_names_an_unknown_field() -> None:
    with pytest.raises(DecodeError, match=r"unknown field\(s\) retention"):
        decode(ProcessingActivity, {"organization": "a", "key": "k", "name": "n", "role": "CONTROLLER",
                                    "retention": "P1Y"}, strict=True)


def test_an_unknown_enum_value_lists_the_allowed_ones() -> None:
    with pytest.raises(DecodeError, match="'OWNER' is not one of CONTROLLER, PROCESSOR, JOINT_CONTROLLER"):
        decode(ProcessingActivity, {"organization": "a", "key": "k", "name": "n", "role": "OWNER"})


def test_yaml_booleans_are_not_taken_for_country_codes() -> None:
    # YAML reads an unquoted NO (Norway) as false: the codec refuses it rather than storing False.
    with pytest.raises(DecodeError, match="expected text"):
        decode(Country, {"code": False, "name": "Norway", "adequacy": "EEA"})
    assert decode(Country, {"code": "NO", "name": "Norway", "adequacy": "EEA"}).adequacy is Adequacy.EEA


def test_a_missing_required_field_is_named() -> None:
    with pytest.raises(DecodeError, match="missing required field 'legal_name'"):
        decode(Organization, {"slug": "x"})


def test_datetimes_stay_datetimes_in_utc() -> None:
    from registry.domain.enums import ChangeKind
    from registry.domain.models import SubprocessorChange

    now = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
    c = SubprocessorChange("a", "b", "B", ChangeKind.ADDED, now, now, "added")
    doc = encode(c)
    assert doc["announced"] is now
    naive = {**doc, "announced": now.replace(tzinfo=None), "effective": now.isoformat()}
    assert decode(SubprocessorChange, naive) == c


def test_a_stored_document_leaves_empty_optional_fields_out_and_decodes_the_same() -> None:
    activity = ProcessingActivity(organization="acme", key="k", name="n", role=Role.CONTROLLER,
                                  data_categories=["user.contact.email"], description=None)
    doc = encode(activity, stored=True)
    assert "description" not in doc and "systems" not in doc and "controllers" not in doc
    assert doc["data_categories"] == ["user.contact.email"] and doc["review_interval"] == activity.review_interval
    assert decode(ProcessingActivity, doc) == activity
    # The full encoding (exports, the API's edit forms) still names every field.
    assert encode(activity)["description"] is None and encode(activity)["systems"] == []


def test_a_shared_record_keeps_its_null_organisation() -> None:
    # Queries select the shared taxonomy with `organization: null`; the field stays in the document.
    from registry.domain.models import DataCategory

    doc = encode(DataCategory(key="user.contact", name="Contact"), stored=True)
    assert doc["organization"] is None and "description" not in doc
