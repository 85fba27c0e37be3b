"""Findings over GraphQL and `registry check` in a CI pipeline, against the seeded register."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support import GraphQLClient

Q = """query($org: String!, $sev: Severity) { findings(organization: $org, severity: $sev) {
  ruleId severity article message suggestedFix subjectType subjectId subjectName source { section quote } } }"""


async def test_findings_filtered_by_severity(gql: GraphQLClient) -> None:
    every = (await gql.data(Q, {"org": "janusipm"}))["findings"]
    high = (await gql.data(Q, {"org": "janusipm", "sev": "HIGH"}))["findings"]
    assert {f["severity"] for f in high} == {"HIGH"} and len(high) < len(every)
    rules = {f["ruleId"] for f in high}
    assert {"NO_LAWFUL_BASIS_STATED", "SYSTEMATIC_TRANSFER_ON_DEROGATION"} <= rules
    transfer = next(f for f in high if f["ruleId"] == "SYSTEMATIC_TRANSFER_ON_DEROGATION")
    assert transfer["article"].startswith("GDPR Art 49(1)") and transfer["subjectType"] == "Transfer"


async def test_findings_for_an_unknown_organisation_is_a_clear_error(gql: GraphQLClient) -> None:
    [err] = (await gql(Q, {"org": "acme"}))["errors"]
    assert err["message"].startswith("No organisation with slug 'acme'.")


async def test_the_rules_are_listed(gql: GraphQLClient) -> None:
    rules = (await gql.data("{ complianceRules { id severity article title } }"))["complianceRules"]
    assert len(rules) >= 18 and all(r["article"] and r["title"] for r in rules)


def _check(server_uri: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MONGODB_URI": server_uri}
    return subprocess.run([sys.executable, "-m", "registry", "check", *args], env=env, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.subprocess
def test_check_fails_a_pipeline_on_high_findings(server_uri: str, database: object) -> None:
    r = _check(server_uri, "--organization", "janusipm", "--fail-on", "high", "--format", "json")
    assert r.returncode == 1, r.stderr
    found = json.loads(r.stdout)
    assert "SYSTEMATIC_TRANSFER_ON_DEROGATION" in {f["rule"] for f in found}
    assert "at or above HIGH: failing" in r.stderr


@pytest.mark.subprocess
def test_check_names_the_known_organisations_for_an_unknown_one(server_uri: str, database: object) -> None:
    r = _check(server_uri, "--organization", "acme")
    assert r.returncode == 2 and "Known: cloudfzs-jini, jalendos-kramax, januscaler, janusipm" in r.stderr


def test_readiness_findings_do_not_fail_a_pipeline_until_the_duty_is_in_force(server_uri: str,
                                                                              database: object) -> None:
    # Jalendos Kramax: only the DPDP Act is recorded as applying; its duties apply from 13 May 2027.
    before = _check(server_uri, "--organization", "jalendos-kramax", "--as-of", "2026-11-24")
    assert before.returncode == 0, before.stderr
    assert "(readiness)" in before.stdout
    after = _check(server_uri, "--organization", "jalendos-kramax", "--as-of", "2027-06-01")
    assert after.returncode == 1 and "(readiness)" not in after.stdout
    bad = _check(server_uri, "--organization", "jalendos-kramax", "--as-of", "next year")
    assert bad.returncode == 2 and "write YYYY-MM-DD" in bad.stderr
