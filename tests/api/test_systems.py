"""Systems (applications and data stores) through the API: created, linked, edited, archived, found, round-tripped."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio

from registry.app import create_app
from registry.config import Settings
from registry.domain.enums import AccessRole
from registry.services.inventory_sync import export_mapping, plan
from registry.services.registers import read_inventory
from registry.services.tokens import create_token
from registry.storage.database import Database
from tests.support import GraphQLClient, bearer, own_database

ORG = "jalendos-kramax"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def api(settings: Settings) -> AsyncIterator[tuple[GraphQLClient, Database]]:
    async with own_database(settings, "systems") as db:
        token = (await create_token(db.repos, "systems-editor", AccessRole.EDITOR))[1]
        app = create_app(Settings(), db)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost",
                                     headers=bearer(token)) as c:
            yield GraphQLClient(c), db


async def mutate(gql: GraphQLClient, name: str, input_type: str, input_: dict[str, Any], selection: str
                 ) -> dict[str, Any]:
    body = await gql.data(f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ {selection} "
                          "userErrors { field message code } } }", {"i": input_})
    return dict(body[name])


SYSTEM = {
    "organization": ORG, "key": "customer-db", "name": "Customer database", "kind": "DATABASE",
    "description": "PostgreSQL cluster holding accounts and payment records",
    "hostedBy": "technical-infrastructure-providers", "locations": ["IN", "US"],
    "dataCategories": ["user.account", "user.financial.transactions"],
    "owner": {"department": "Engineering", "person": "Head of Platform", "contact": "platform@example.com"},
    "securityMeasures": ["aes-256-encryption"],
}
FIELDS = ("id key name kind version description owner { department person contact } hostedBy { key } "
          "locations { code } dataCategories { key } securityMeasures { key }")


async def test_a_system_is_created_linked_edited_archived_and_traced(
        api: tuple[GraphQLClient, Database]) -> None:
    gql, db = api
    made = await mutate(gql, "createSystem", "CreateSystemInput", SYSTEM, f"system {{ {FIELDS} }}")
    assert made["userErrors"] == []
    s = made["system"]
    assert (s["kind"], s["hostedBy"]["key"], [c["code"] for c in s["locations"]]) == (
        "DATABASE", "technical-infrastructure-providers", ["IN", "US"])
    assert s["owner"] == {"department": "Engineering", "person": "Head of Platform", "contact": "platform@example.com"}
    assert [c["key"] for c in s["dataCategories"]] == ["user.account", "user.financial.transactions"]

    # Bad references are refused with errors that name the field and what to do.
    bad = await mutate(gql, "createSystem", "CreateSystemInput",
                       {**SYSTEM, "key": "bad", "locations": ["XX"], "hostedBy": "nobody"}, "system { id }")
    codes = {(e["field"], e["code"]) for e in bad["userErrors"]}
    assert ("locations[0]", "UNKNOWN_COUNTRY") in codes and ("hostedBy", "UNKNOWN_REFERENCE") in codes
    assert bad["system"] is None

    # Linked to an activity: the activity shows it, and it cannot be archived while used.
    acts = await gql.data(f'{{ organization(slug: "{ORG}") {{ processingActivities {{ id key version }} }} }}')
    act = next(a for a in acts["organization"]["processingActivities"] if a["key"] == "service-provision")
    linked = await mutate(gql, "linkToActivity", "LinkToActivityInput",
                          {"activity": act["id"], "version": act["version"], "link": "SYSTEM", "key": "customer-db"},
                          "processingActivity { version systems { key name } }")
    assert linked["processingActivity"]["systems"] == [{"key": "customer-db", "name": "Customer database"}]
    refused = await mutate(gql, "archiveSystem", "ArchiveInput", {"id": s["id"], "version": 1}, "system { id }")
    error = refused["userErrors"][0]
    assert error["code"] == "REFERENCED" and "service-provision" in error["message"]

    # Edited: a stale version is refused, naming the current one.
    changed = await mutate(gql, "updateSystem", "UpdateSystemInput",
                           {"id": s["id"], "version": 1, "set": {"name": "Customer DB", "locations": ["IN"]}},
                           "system { version name locations { code } }")
    assert changed["system"] == {"version": 2, "name": "Customer DB", "locations": [{"code": "IN"}]}
    stale = await mutate(gql, "updateSystem", "UpdateSystemInput",
                         {"id": s["id"], "version": 1, "set": {"name": "Lost update"}}, "system { id }")
    assert stale["userErrors"][0]["code"] == "VERSION_CONFLICT" and "2" in stale["userErrors"][0]["message"]

    # Found by node ID, by search, and in the organisation's paged list.
    node = await gql.data("query($id: ID!) { node(id: $id) { ... on System { name version } } }", {"id": s["id"]})
    assert node["node"] == {"name": "Customer DB", "version": 2}
    found = await gql.data('{ searchSystems(text: "customer", kind: DATABASE, location: "in") { totalCount '
                           "edges { node { key organization: hostedBy { key } } } } }")
    assert found["searchSystems"]["totalCount"] == 1
    none = await gql.data('{ searchSystems(location: "US") { totalCount } }')
    assert none["searchSystems"]["totalCount"] == 0
    paged = await gql.data(f'{{ organization(slug: "{ORG}") {{ systemsPaged(first: 1) {{ edges {{ node {{ key }} }} '
                           "pageInfo { hasNextPage } } systems { key } } }")
    assert paged["organization"]["systemsPaged"]["edges"] == [{"node": {"key": "customer-db"}}]
    assert paged["organization"]["systems"] == [{"key": "customer-db"}]

    # The YAML round trip: export then import plans nothing.
    inv = await read_inventory(db.repos, ORG)
    data = export_mapping(inv)
    assert [x["key"] for x in data["systems"]] == ["customer-db"]
    assert (await plan(db.repos, data, "round-trip.yaml")).empty

    # Unlinked, it can be archived; history and the audit log show every change.
    act2 = linked["processingActivity"]["version"]
    await mutate(gql, "linkToActivity", "LinkToActivityInput",
                 {"activity": act["id"], "version": act2, "link": "SYSTEM", "key": "customer-db", "unlink": True},
                 "processingActivity { version }")
    archived = await mutate(gql, "archiveSystem", "ArchiveInput", {"id": s["id"], "version": 2},
                            "system { archived version history { operation version } }")
    assert archived["userErrors"] == []
    assert [(h["operation"], h["version"]) for h in archived["system"]["history"]] == [
        ("CREATE", 1), ("UPDATE", 2), ("ARCHIVE", 3)]
    log = await gql.data('query($e: ID) { auditLog(entity: $e) { edges { node { operation actor } } } }',
                         {"e": s["id"]})
    assert [e["node"]["operation"] for e in log["auditLog"]["edges"]] == ["ARCHIVE", "UPDATE", "CREATE"]
    [actor] = {e["node"]["actor"] for e in log["auditLog"]["edges"]}
    assert actor.startswith("token:") and actor.endswith("(systems-editor)")  # the token's key and name
