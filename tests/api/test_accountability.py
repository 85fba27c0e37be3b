"""Accountability facts on an activity, recorded and read back over GraphQL, with the rights derived from them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio

from registry.app import create_app
from registry.config import Settings
from registry.domain.enums import AccessRole
from registry.services.tokens import create_token
from tests.support import GraphQLClient, bearer, own_database

ORG = "jalendos-kramax"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def gql(settings: Settings) -> AsyncIterator[GraphQLClient]:
    async with own_database(settings, "accountability") as db:
        token = (await create_token(db.repos, "dpo", AccessRole.EDITOR))[1]
        app = create_app(Settings(), db)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost",
                                     headers=bearer(token)) as c:
            yield GraphQLClient(c)


async def activity(gql: GraphQLClient, key: str) -> dict[str, Any]:
    acts = await gql.data(f'{{ organization(slug: "{ORG}") {{ processingActivities {{ id key version }} }} }}')
    return dict(next(a for a in acts["organization"]["processingActivities"] if a["key"] == key))


async def update(gql: GraphQLClient, a: dict[str, Any], changes: dict[str, Any], selection: str) -> dict[str, Any]:
    body = await gql.data("mutation($i: UpdateProcessingActivityInput!) { updateProcessingActivity(input: $i) { "
                          f"processingActivity {{ version {selection} }} userErrors {{ field message code }} }} }}",
                          {"i": {"id": a["id"], "version": a["version"], "set": changes}})
    return dict(body["updateProcessingActivity"])


FACTS = {
    "department": "Security operations",
    "dataStewards": [{"name": "Asha Rao", "email": "asha@example.com"}],
    "dataSources": [{"kind": "DATA_SUBJECT", "description": "login events"},
                    {"kind": "THIRD_PARTY", "name": "ThreatFeed Inc", "description": "IP reputation lists"}],
    "automatedDecisions": {"value": True, "detail": "accounts with a fraud score above 90 are blocked"},
    "evaluationOrScoring": {"value": True, "detail": "fraud score from login behaviour"},
    "automatedDecisionBasis": {"exception": "CONTRACT", "safeguards": ["human review on request",
                                                                       "appeal through support"]},
    "hasJointControllers": False,
    "documentLinks": [{"kind": "LIA", "location": "registry:dpo-register/LIA-2026-07"},
                      {"kind": "DPIA", "location": "https://intranet.example.com/dpia/security-monitoring"}],
    "retentionFollowed": {"value": False, "detail": "logs kept past 90 days until the SIEM migration"},
    "lastReview": {"date": "2026-06-30", "by": "DPO"},
    "recipientCategories": [{"recipient": "legal-authorities", "dataCategories": ["user.behavior.security_logs"]}],
}
SELECTION = """department dataStewards { name email } dataSources { kind name description }
automatedDecisions { value detail } evaluationOrScoring { value detail }
automatedDecisionBasis { exception safeguards } hasJointControllers jointControllers { name }
documentLinks { kind location } retentionFollowed { value detail } lastReview { date by } reviewInterval
recipientCategories { recipient { key } dataCategories { key } }
rightsThatApply { key article because }"""


async def test_every_accountability_fact_is_recorded_and_read_back(gql: GraphQLClient) -> None:
    a = await activity(gql, "security-monitoring")
    r = await update(gql, a, FACTS, SELECTION)
    assert r["userErrors"] == []
    got = r["processingActivity"]
    assert got["department"] == "Security operations" and got["reviewInterval"] == "P12M"
    assert got["dataSources"][1] == {"kind": "THIRD_PARTY", "name": "ThreatFeed Inc",
                                     "description": "IP reputation lists"}
    assert got["automatedDecisionBasis"] == {"exception": "CONTRACT",
                                             "safeguards": ["human review on request", "appeal through support"]}
    assert got["lastReview"] == {"date": "2026-06-30", "by": "DPO"}
    assert got["recipientCategories"] == [{"recipient": {"key": "legal-authorities"},
                                           "dataCategories": [{"key": "user.behavior.security_logs"}]}]
    # Rights are derived: security monitoring rests on legitimate interests, and automated decisions are recorded.
    rights = {x["key"]: x for x in got["rightsThatApply"]}
    assert set(rights) == {"access", "rectification", "erasure", "restriction", "objection", "automated-decisions",
                           "complaint"}
    assert "legitimate-interests" in rights["objection"]["because"]


async def test_bad_accountability_facts_are_refused_with_what_to_do(gql: GraphQLClient) -> None:
    a = await activity(gql, "customer-support")
    r = await update(gql, a, {
        "documentLinks": [{"kind": "PRIVACY_NOTICE", "location": "privacy.html"},
                          {"kind": "LIA", "location": "ftp://files.example.com/lia"}],
        "reviewInterval": "yearly",
        "dataSources": [{"kind": "THIRD_PARTY"}],
        "hasJointControllers": False, "jointControllers": [{"name": "Partner Ltd"}],
        "recipientCategories": [{"recipient": "technical-infrastructure-providers",
                                 "dataCategories": ["user.account"]}],
    }, "key")
    errors = {e["field"]: e for e in r["userErrors"]}
    assert errors["documentLinks[0].location"]["code"] == "INVALID_LOCATION"
    assert "absolute http(s) URL" in errors["documentLinks[0].location"]["message"]
    assert errors["documentLinks[1].location"]["code"] == "INVALID_LOCATION"
    assert errors["reviewInterval"]["code"] == "INVALID_DURATION"
    assert errors["dataSources[0].name"]["code"] == "EMPTY"
    assert errors["hasJointControllers"]["code"] == "CONTRADICTION"
    assert errors["recipientCategories[0].recipient"]["code"] == "NOT_LINKED"
    assert r["processingActivity"] is None
