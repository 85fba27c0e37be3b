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


async def test_a_record_named_by_many_activities_is_shown_by_one_object_per_request(synthetic: Any) -> None:
    # 400 activities name 8 categories each among far fewer: each category becomes one GraphQL object per request
    # (Loaders.shown), which the 2,000-activity record made 16,000 times before.
    from bench.generate import FULL_RECORD_QUERY
    from registry.graphql.context import Context
    from registry.graphql.loaders import Loaders
    from registry.graphql.reference.types import DataCategory
    from registry.graphql.schema import schema

    db, _ = synthetic
    generation = db.repos.cache.snapshot()
    loaders = Loaders(db.repos, generation)
    result = await schema.execute(FULL_RECORD_QUERY, variable_values={"slug": "synthetic-400"},
                                  context_value=Context(repos=db.repos, loaders=loaders, generation=generation))
    assert result.errors is None and result.data is not None
    named = [c["key"] for a in result.data["organization"]["processingActivities"] for c in a["dataCategories"]]
    made = [v for (cls, _), v in loaders.shown.items() if cls is DataCategory]
    assert len(named) == 400 * 8 and len(made) == len(set(named)) < len(named)
