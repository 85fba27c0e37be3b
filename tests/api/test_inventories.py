"""What a privacy team asks of each organisation's document, answered over GraphQL from the seeded register."""

from __future__ import annotations

from typing import Any

from tests.support import GraphQLClient

ORG = """
query Org($slug: String!) {
  organization(slug: $slug) {
    legalName roles frameworks country { code }
    minimumAge { age source { section } }
    commitments { kind period businessDays statedAs }
    processingActivities {
      key name role subprocessorAuthorisation
      purposes {
        key name lawfulBases { framework code article }
        lawfulBasisStatements { statedAs source { section quote } }
      }
      lawfulBases { article }
      dataCategories { key specialCategory }
      dataSubjects { key }
      subprocessors { key }
      transfers { key }
      retentionRules { key period trigger }
    }
    subprocessors { key name named kind dpaStatus countries { code } }
    recipients { key kind }
    transfers { key origin { code } destination { code name adequacy } destinationNote
                mechanism { code title article } statedAs source { section quote } }
    retentionRules { key covers period trigger reason dataCategories { key } }
  }
}
"""


async def org(gql: GraphQLClient, slug: str) -> dict[str, Any]:
    return (await gql.data(ORG, {"slug": slug}))["organization"]


def activity(o: dict[str, Any], key: str) -> dict[str, Any]:
    return next(a for a in o["processingActivities"] if a["key"] == key)


def rule(o: dict[str, Any], covers: str) -> dict[str, Any]:
    return next(r for r in o["retentionRules"] if r["covers"] == covers)


async def test_januscaler_bases_roles_and_transfers(gql: GraphQLClient) -> None:
    o = await org(gql, "januscaler")
    assert o["roles"] == ["CONTROLLER", "PROCESSOR"] and o["country"] == {"code": "IN"}
    # s.5: "Legitimate Interests: To improve the Service, ensure security, and communicate with you"
    improve = activity(o, "service-improvement")
    assert improve["lawfulBases"] == [{"article": "Art 6(1)(f)"}]
    assert improve["purposes"][0]["lawfulBasisStatements"][0]["statedAs"] == "Legitimate Interests"
    assert activity(o, "billing-account-management")["lawfulBases"] == [{"article": "Art 6(1)(b)"}]
    assert activity(o, "legal-compliance")["lawfulBases"] == [{"article": "Art 6(1)(c)"}]
    # s.7.2-7.3: processor for customer content, with general authorisation for subprocessors
    content = activity(o, "customer-content-processing")
    assert content["role"] == "PROCESSOR" and content["subprocessorAuthorisation"] == "GENERAL"
    # s.11: transfers outside India "using mechanisms like Standard Contractual Clauses or equivalent
    # safeguards": a safeguard is stated, which one is not (SCCs are an example); no destination named
    [t] = o["transfers"]
    assert t["origin"] == {"code": "IN"} and t["destination"] is None
    assert t["mechanism"] == {"code": "art46-unspecified", "title": "An appropriate safeguard, not specified",
                              "article": "Art 46"}
    assert t["source"]["section"].startswith("11")
    # s.6.1: payment processors and hosting providers named only as categories, bound by contract
    subs = {s["key"]: s for s in o["subprocessors"]}
    assert subs["payment-processors"]["named"] is False and subs["payment-processors"]["dpaStatus"] == "STATED"
    assert o["minimumAge"]["age"] == 18
    assert {"kind": "RIGHTS_RESPONSE", "period": "P30D", "businessDays": False,
            "statedAs": "We will respond within a reasonable timeframe, typically within 30 days, subject to legal "
                        "requirements."} in o["commitments"]


async def test_januscaler_refund_policy_is_in_the_same_register(gql: GraphQLClient) -> None:
    o = await org(gql, "januscaler")
    verify = activity(o, "refund-identity-verification")
    assert "user.government_id" in {c["key"] for c in verify["dataCategories"]}
    assert verify["lawfulBases"] == []  # the refund policy states no legal basis
    review = [c for c in o["commitments"] if c["statedAs"] and "review your request" in c["statedAs"]]
    assert review == [{"kind": "OTHER", "period": "P10D", "businessDays": True,
                       "statedAs": "Our billing team will review your request within 10 business days."}]


async def test_janusipm_transfers_to_the_us_rest_on_consent(gql: GraphQLClient) -> None:
    o = await org(gql, "janusipm")
    assert o["frameworks"] == ["GDPR", "CCPA"]
    [t] = o["transfers"]
    assert t["destination"] == {"code": "US", "name": "United States", "adequacy": "PARTIAL"}
    assert t["mechanism"]["article"] == "Art 49(1)(a)"
    assert "represents your agreement to that transfer" in t["statedAs"]


async def test_janusipm_retention_table(gql: GraphQLClient) -> None:
    o = await org(gql, "janusipm")
    assert rule(o, "Account Information")["period"] == "P2Y"
    assert rule(o, "Account Information")["trigger"] == "account closure"
    assert rule(o, "Transaction Data")["period"] == "P7Y"
    assert rule(o, "Communication Data")["trigger"] == "last interaction"
    assert rule(o, "Analytics Data")["period"] == "P26M"
    assert rule(o, "Cookies")["period"] is None  # "according to cookie type (see Cookie Policy)"


async def test_janusipm_states_no_lawful_basis_and_the_map_shows_it(gql: GraphQLClient) -> None:
    rows = (await gql.data('{ lawfulBasisMap(organization: "janusipm") { activity { key } purpose { key } '
                           'dataCategory { key } lawfulBases { article } } }'))["lawfulBasisMap"]
    assert len(rows) > 10
    assert all(r["lawfulBases"] == [] for r in rows)
    o = await org(gql, "janusipm")
    assert {"kind": "BREACH_NOTIFICATION", "period": "PT72H", "businessDays": False,
            "statedAs": "Notify affected users within 72 hours of becoming aware of the breach"} in o["commitments"]
    assert {"kind": "RIGHTS_RESPONSE", "period": "P45D", "businessDays": False,
            "statedAs": "We will respond to your request within 45 days."} in o["commitments"]


async def test_jalendos_purpose_table_maps_to_bases(gql: GraphQLClient) -> None:
    o = await org(gql, "jalendos-kramax")
    security = activity(o, "security-monitoring")
    assert security["purposes"][0]["lawfulBases"] == [
        {"framework": "GDPR", "code": "legitimate-interests", "article": "Art 6(1)(f)"}]
    assert {c["key"] for c in security["dataCategories"]} == {
        "user.behavior.security_logs", "user.device", "user.device.ip_address"}
    assert activity(o, "customer-support")["lawfulBases"] == [{"article": "Art 6(1)(b)"}]
    assert security["retentionRules"] == [
        {"key": "authentication-logs", "period": "P90D", "trigger": None},
        {"key": "general-as-long-as-necessary", "period": None, "trigger": None},  # "only as long as necessary"
        {"key": "kept-after-deletion-request", "period": None, "trigger": "a deletion request"}]
    assert rule(o, "Payment Records")["period"] == "P7Y"
    assert rule(o, "Account Information")["period"] == "P3Y"
    [t] = o["transfers"]
    assert t["origin"] == {"code": "IN"} and t["destination"] is None and t["mechanism"]["code"] == "scc"
    assert {"kind": "RIGHTS_RESPONSE", "period": "P15D", "businessDays": True,
            "statedAs": "make approved changes within 15 business days"} in o["commitments"]


async def test_jalendos_lawful_basis_map_rows(gql: GraphQLClient) -> None:
    rows = (await gql.data('{ lawfulBasisMap(organization: "jalendos-kramax") { activity { key } '
                           'purpose { key } dataCategory { key } lawfulBases { article } } }'))["lawfulBasisMap"]
    row = next(r for r in rows if r["activity"]["key"] == "security-monitoring"
               and r["dataCategory"]["key"] == "user.device.ip_address")
    assert row["lawfulBases"] == [{"article": "Art 6(1)(f)"}]
    payment = [r for r in rows if r["activity"]["key"] == "payment-processing"]
    assert payment and all(r["lawfulBases"] == [] for r in payment)  # the document states none


async def test_cloudfzs_states_no_basis_and_no_transfer_safeguard(gql: GraphQLClient) -> None:
    o = await org(gql, "cloudfzs-jini")
    assert o["legalName"] == "CloudFZS Technologies Pvt. Ltd."
    assert all(a["lawfulBases"] == [] for a in o["processingActivities"])
    [t] = o["transfers"]
    assert t["destination"] is None and t["mechanism"] is None
    calls = activity(o, "call-message-logging")
    assert "user.communications.call_message_logs" in {c["key"] for c in calls["dataCategories"]}
    assert rule(o, "Usage Data")["period"] is None  # "generally retained for a shorter period"
    assert o["minimumAge"] is None


async def test_every_activity_names_its_source_section(gql: GraphQLClient) -> None:
    body = await gql.data("{ organizations { slug processingActivities { key source { document section } } } }")
    for o in body["organizations"]:
        for a in o["processingActivities"]:
            assert a["source"] and a["source"]["section"], (o["slug"], a["key"])
