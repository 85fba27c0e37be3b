"""Which law applies, on which date: recorded applicability, `findings(asOf:)`, dated adequacy, over GraphQL."""

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

F = """query($o: String!, $on: Date) { findings(organization: $o, asOf: $on) {
  ruleId framework readiness inForceFrom message subjectId } }"""


async def test_dpdp_duties_are_readiness_today_and_in_force_from_13_may_2027(gql: GraphQLClient) -> None:
    before = (await gql.data(F, {"o": "januscaler", "on": "2026-11-24"}))["findings"]
    after = (await gql.data(F, {"o": "januscaler", "on": "2027-06-01"}))["findings"]
    dpdp_before = [f for f in before if f["framework"] == "DPDP"]
    dpdp_after = [f for f in after if f["framework"] == "DPDP"]
    assert dpdp_before and all(f["readiness"] and f["inForceFrom"] == "2027-05-13" for f in dpdp_before)
    assert dpdp_after and not any(f["readiness"] for f in dpdp_after)
    # No GDPR finding: the documents do not establish that the GDPR applies to Januscaler.
    assert not any(f["framework"] in ("GDPR", "UK_GDPR") for f in before + after)


async def test_applicability_and_inferences_are_shown(gql: GraphQLClient) -> None:
    q = """{ organization(slug: "januscaler") { applicability { framework status ground note
      source { section quote inference } } } }"""
    laws = {a["framework"]: a for a in (await gql.data(q))["organization"]["applicability"]}
    assert laws["DPDP"]["status"] == "APPLIES" and laws["DPDP"]["ground"] == "DPDP Act s.3(a)"
    assert laws["DPDP"]["source"]["inference"]  # inferred from "a company based in India", and says so
    assert laws["GDPR"]["status"] == "UNDETERMINED" and laws["GDPR"]["source"]["inference"] is None
    q = '{ organization(slug: "cloudfzs-jini") { roles rolesSource { inference } } }'
    o = (await gql.data(q))["organization"]
    assert o["roles"] == ["CONTROLLER"] and "processor" in o["rolesSource"]["inference"]


async def test_destinations_carry_dates_scope_and_international_organisations(gql: GraphQLClient) -> None:
    q = "{ countries { code kind adequacy adequacyFrom adequacyUntil certificationList } }"
    cs = {c["code"]: c for c in (await gql.data(q))["countries"]}
    assert cs["EPO"]["kind"] == "INTERNATIONAL_ORGANISATION" and cs["EPO"]["adequacyFrom"] == "2025-07-15"
    assert cs["GB"]["adequacyUntil"] == "2031-12-27"
    assert cs["US"]["adequacy"] == "PARTIAL" and "Data Privacy Framework" in cs["US"]["certificationList"]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def editor(settings: Settings) -> AsyncIterator[GraphQLClient]:
    async with own_database(settings, "applicability") as db:
        _, token = await create_token(db.repos, "editor", AccessRole.EDITOR)
        app = create_app(Settings(), db)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost",
                                     headers=bearer(token)) as c:
            yield GraphQLClient(c)


async def mutate(gql: GraphQLClient, name: str, input_: dict[str, Any], selection: str) -> dict[str, Any]:
    q = (f"mutation($input: {name[0].upper()}{name[1:]}Input!) {{ {name}(input: $input) {{ {selection} "
         "userErrors { field message code } } }")
    out = dict((await gql.data(q, {"input": input_}))[name])
    assert out["userErrors"] == [], out["userErrors"]
    return out


async def rules(gql: GraphQLClient, on: str = "2026-11-24") -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for f in (await gql.data(F, {"o": "jalendos-kramax", "on": on}))["findings"]:
        found.setdefault(f["ruleId"], []).append(f["subjectId"])
    return found


async def test_recording_that_the_gdpr_applies_runs_its_rules_and_dated_transfers(editor: GraphQLClient) -> None:
    assert "REPRESENTATIVE_NOT_DESIGNATED" not in await rules(editor)
    org = (await editor.data('{ organization(slug: "jalendos-kramax") { id version } }'))["organization"]
    gdpr = {"framework": "GDPR", "status": "APPLIES", "ground": "GDPR Art 3(2)(a)",
            "source": {"document": "privacy-policy", "section": "DPO register", "quote": "EU customers served"}}
    dpdp = {"framework": "DPDP", "status": "APPLIES", "ground": "DPDP Act s.3(a)"}
    await mutate(editor, "updateOrganization", {"id": org["id"], "version": org["version"],
                                                "set": {"applicability": [dpdp, gdpr]}}, "organization { id }")
    found = await rules(editor)
    assert found["REPRESENTATIVE_NOT_DESIGNATED"] == ["jalendos-kramax"]  # Art 27: no EU establishment
    assert "CROSS_FRAMEWORK_GAP" in found and "TRANSFER_DESTINATION_NOT_NAMED" in found
    q = '{ crossFrameworkView(organization: "jalendos-kramax") { activity { key } gdpr { article } missingUnder } }'
    rows = {r["activity"]["key"]: r for r in (await editor.data(q))["crossFrameworkView"]}
    sec = rows["security-monitoring"]
    assert sec["gdpr"] == [{"article": "Art 6(1)(f)"}] and sec["missingUnder"] == "DPDP"
    assert rows["payment-processing"]["missingUnder"] is None  # covered under neither: no side-by-side gap
    # A transfer to the European Patent Organisation on adequacy: recordable, no safeguard needed.
    await mutate(editor, "createTransfer", {"organization": "jalendos-kramax", "key": "to-epo", "destination": "EPO",
                                            "mechanism": "adequacy"}, "transfer { key }")
    assert "jalendos-kramax/to-epo" not in sum((await rules(editor)).values(), [])
    # Before 15 Jul 2025 the decision did not exist: the same transfer is found.
    assert "jalendos-kramax/to-epo" in (await rules(editor, "2025-07-01"))["TRANSFER_WITHOUT_SAFEGUARD"]
    # A US recipient on adequacy: a finding until its DPF certification is recorded.
    r = await mutate(editor, "createRecipient", {"organization": "jalendos-kramax", "key": "usco", "name": "USCo Inc",
                                                 "named": True, "kind": "SUBPROCESSOR", "role": "PROCESSOR",
                                                 "countries": ["US"], "dpa": "SIGNED"}, "recipient { id version }")
    await mutate(editor, "createTransfer", {"organization": "jalendos-kramax", "key": "to-usco", "destination": "US",
                                            "recipient": "usco", "mechanism": "adequacy"}, "transfer { key }")
    assert (await rules(editor))["ADEQUACY_WITHOUT_DPF_CERTIFICATION"] == ["jalendos-kramax/to-usco"]
    await mutate(editor, "updateRecipient", {"id": r["recipient"]["id"], "version": r["recipient"]["version"],
                                             "set": {"dpfCertification": "DPF List, active, checked 2026-11-20"}},
                 "recipient { id }")
    assert "ADEQUACY_WITHOUT_DPF_CERTIFICATION" not in await rules(editor)


async def test_recorded_facts_are_read_back_with_their_sources(gql: GraphQLClient) -> None:
    q = """{ organization(slug: "cloudfzs-jini") { processingActivities { key
      recordedFacts { fact value detail source { quote inference } } } } }"""
    acts = {a["key"]: a for a in (await gql.data(q))["organization"]["processingActivities"]}
    [monitoring] = acts["call-message-logging"]["recordedFacts"]
    assert monitoring["fact"] == "systematic_monitoring" and monitoring["value"] == "true"
    assert "monitor their telecalling teams" in monitoring["source"]["quote"] and monitoring["source"]["inference"]
    q = """{ organization(slug: "janusipm") { transfers { recordedFacts { fact value source { section } } } } }"""
    [t] = (await gql.data(q))["organization"]["transfers"]
    assert t["recordedFacts"] == [{"fact": "consent_mechanism", "value": "POLICY_ACCEPTANCE",
                                   "source": {"section": "10. Data Transfers"}}]
    q = '{ organization(slug: "januscaler") { recordedFacts { fact value detail } } }'
    [sale] = (await gql.data(q))["organization"]["recordedFacts"]
    assert sale["fact"] == "sells_personal_data" and sale["value"] == "false" and "marketing" in sale["detail"]
