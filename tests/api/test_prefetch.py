"""Lists of activities, and an activity read by ID, read their related records ahead
(registry/graphql/prefetch.py); an activity reached from a DPIA screening does not. Every path must give the same
answer, whatever the selection's shape."""

from __future__ import annotations

from typing import Any

from tests.support import GraphQLClient, listed_and_alone


async def test_a_listed_activity_equals_the_same_activity_read_alone(gql: GraphQLClient) -> None:
    every: list[dict[str, Any]] = []
    for slug in ("januscaler", "janusipm", "cloudfzs-jini", "jalendos-kramax"):
        every += await listed_and_alone(gql, slug)
    # The seed registers exercise each relation compared above.
    assert any(t["destination"] and t["mechanism"] for a in every for t in a["transfers"])
    assert any(p["lawfulBases"] and p["purpose"] for a in every for p in a["purposes"])
    assert any(c["parent"] for a in every for c in a["dataCategories"])
    assert any(r["dataCategories"] for a in every for r in a["retentionRules"])
    assert all(a["organization"] for a in every) and any(a["securityMeasures"] for a in every)
