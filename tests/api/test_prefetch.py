"""Lists of activities, and an activity read by ID, read their related records ahead
(registry/graphql/prefetch.py); an activity reached from a DPIA screening does not. Every path must give the same
answer, whatever the selection's shape."""

from __future__ import annotations

from typing import Any

from tests.support import GraphQLClient

ACTIVITY = """
fragment Activity on ProcessingActivity {
  id key name role
  organization { slug }
  lawfulBases { code }
  purposes {
    key name purpose { key description }
    lawfulBases { code article } specialCategoryConditions { code }
    lawfulBasisStatements { statedAs legalBasis { code } }
  }
  ... on ProcessingActivity { dataCategories { key name specialCategory parent { key } } }
  dataSubjects { key name }
  recipients { key countries { code } }
  subprocessors { name countries { code adequacy } }
  transfers {
    key origin { code } destination { code adequacy } mechanism { code article }
    recipient { key countries { code } }
  }
  retentionRules { covers period dataCategories { key } }
  securityMeasures { key description }
}
"""


async def listed_and_alone(gql: GraphQLClient, slug: str) -> list[dict[str, Any]]:
    """The organisation's activities as listed, after checking each against the same activity read by ID, in a
    page of a search, and reached without reading ahead."""
    listed: list[dict[str, Any]] = (await gql.data(
        ACTIVITY + "query($slug: String!) { organization(slug: $slug) { processingActivities { ...Activity } } }",
        {"slug": slug},
    ))["organization"]["processingActivities"]
    assert listed
    paged = (await gql.data(
        ACTIVITY + "query($slug: String!) { searchProcessingActivities(organization: $slug, first: 200) { "
        "edges { node { ...Activity } } } }", {"slug": slug},
    ))["searchProcessingActivities"]["edges"]
    assert sorted(listed, key=lambda a: a["key"]) == [e["node"] for e in paged]
    for activity in listed:
        alone = (await gql.data(ACTIVITY + "query($id: ID!) { node(id: $id) { ...Activity } }",
                                {"id": activity["id"]}))["node"]
        assert alone == activity
        unread = (await gql.data(ACTIVITY + "query($id: ID!) { dpiaScreening(activity: $id) { activity { "
                                 "...Activity } } }", {"id": activity["id"]}))["dpiaScreening"]["activity"]
        assert unread == activity
    return listed


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
