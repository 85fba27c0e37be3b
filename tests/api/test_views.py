"""The transfers register and the cross-framework view."""

from __future__ import annotations

from tests.support import GraphQLClient


async def test_transfers_register_rows(gql: GraphQLClient) -> None:
    q = """{ transfersRegister(organization: "janusipm") { adequacy sccModule tiaDate tiaOutcome
      destination { code } mechanism { article } activities { key } } }"""
    [row] = (await gql.data(q))["transfersRegister"]
    assert row["destination"] == {"code": "US"} and row["adequacy"] == "PARTIAL"
    assert row["mechanism"] == {"article": "Art 49(1)(a)"} and row["sccModule"] is None
    assert row["tiaDate"] is None and row["tiaOutcome"] is None  # no TIA is mentioned in the policy
    assert len(row["activities"]) == 7


async def test_unnamed_destination_is_unknown_adequacy(gql: GraphQLClient) -> None:
    q = '{ transfersRegister(organization: "jalendos-kramax") { adequacy destination { code } mechanism { code } } }'
    [row] = (await gql.data(q))["transfersRegister"]
    assert row == {"adequacy": "UNKNOWN", "destination": None, "mechanism": {"code": "scc"}}


async def test_no_view_for_an_indian_company_whose_gdpr_applicability_is_not_established(gql: GraphQLClient) -> None:
    # Jalendos Kramax uses GDPR-style bases but nothing establishes that the GDPR applies to it (the old
    # expectation inferred it from the codes of its bases). With GDPR recorded as applying, the view and its
    # findings appear: tests/api/test_applicability.py.
    q = '{ crossFrameworkView(organization: "jalendos-kramax") { missingUnder } }'
    assert (await gql.data(q))["crossFrameworkView"] == []
    findings = (await gql.data('{ findings(organization: "jalendos-kramax") { ruleId } }'))["findings"]
    assert not any(f["ruleId"] == "CROSS_FRAMEWORK_GAP" for f in findings)


async def test_no_view_where_only_one_framework_applies(gql: GraphQLClient) -> None:
    # JanusIPM states no country and names GDPR and CCPA only; CloudFZS records no GDPR basis.
    for slug in ("janusipm", "cloudfzs-jini"):
        q = f'{{ crossFrameworkView(organization: "{slug}") {{ missingUnder }} }}'
        assert (await gql.data(q))["crossFrameworkView"] == []
