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


async def test_cross_framework_view_for_an_indian_company_using_gdpr_bases(gql: GraphQLClient) -> None:
    q = """{ crossFrameworkView(organization: "jalendos-kramax") { activity { key } gdpr { article } dpdp { article }
      missingUnder } }"""
    rows = {r["activity"]["key"]: r for r in (await gql.data(q))["crossFrameworkView"]}
    sec = rows["security-monitoring"]
    assert sec["gdpr"] == [{"article": "Art 6(1)(f)"}] and sec["dpdp"] == [] and sec["missingUnder"] == "DPDP"
    assert rows["payment-processing"]["missingUnder"] is None  # covered under neither: no side-by-side gap
    findings = (await gql.data('{ findings(organization: "jalendos-kramax") { ruleId subjectId message } }'))
    gaps = [f for f in findings["findings"] if f["ruleId"] == "CROSS_FRAMEWORK_GAP"]
    assert {f["subjectId"] for f in gaps} == {f"jalendos-kramax/{k}" for k in (
        "service-provision", "security-monitoring", "customer-support", "service-improvement")}
    assert any("Legitimate interests has no DPDP equivalent" in f["message"] for f in gaps)


async def test_no_view_where_only_one_framework_applies(gql: GraphQLClient) -> None:
    # JanusIPM states no country and names GDPR and CCPA only; CloudFZS records no GDPR basis.
    for slug in ("janusipm", "cloudfzs-jini"):
        q = f'{{ crossFrameworkView(organization: "{slug}") {{ missingUnder }} }}'
        assert (await gql.data(q))["crossFrameworkView"] == []
