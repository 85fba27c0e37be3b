"""Public subprocessor notices and the Atom feed of changes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator

import feedparser
import httpx
import pytest_asyncio

from registry.app import create_app
from registry.config import Settings
from registry.domain import models as m
from registry.domain.enums import AccessRole, DpaStatus, RecipientKind, Role
from registry.services.seeding import SeedReport, read_seed, seed, store_inventory, store_reference
from registry.services.tokens import create_token
from registry.storage.database import open_database
from registry.storage.writer import Writer
from tests.support import GraphQLClient, bearer, own_database

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def notices(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """Jalendos Kramax's register with a 30-day notice period, then one new subprocessor."""
    assert settings.mongodb_uri
    async with open_database(Settings(mongodb_uri=settings.mongodb_uri + "notices")) as db:
        ref, invs = read_seed(settings.seed_dir)
        await store_reference(db.repos, ref, SeedReport())
        inv = next(i for i in invs if i.organization.slug == "jalendos-kramax")
        inv = dataclasses.replace(inv, organization=dataclasses.replace(inv.organization,
                                                                        subprocessor_notice_period="P30D"))
        await store_inventory(db.repos, inv, SeedReport())
        mailer = m.Recipient("jalendos-kramax", "mailer", "MailCo GmbH", named=True, kind=RecipientKind.SUBPROCESSOR,
                             role=Role.PROCESSOR, services=["transactional email"], countries=["DE"],
                             dpa=DpaStatus.SIGNED)
        await store_inventory(db.repos, dataclasses.replace(inv, recipients=[*inv.recipients, mailer]), SeedReport())
        app = create_app(Settings(auth_required=False), db)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as c:
            yield c
        await db.client.drop_database(db.db.name)


async def test_atom_feed_is_valid_and_announces_the_new_subprocessor(notices: httpx.AsyncClient) -> None:
    r = await notices.get("/organizations/jalendos-kramax/subprocessors.atom")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(r.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    root = ET.fromstring(r.content)  # RFC 4287: a feed has id, title, updated and an author
    for tag in ("id", "title", "updated", "author"):
        assert root.find(ATOM + tag) is not None, tag
    for entry in root.findall(ATOM + "entry"):
        for tag in ("id", "title", "updated"):
            assert entry.find(ATOM + tag) is not None, tag
    newest = feed.entries[0]
    assert newest.title.startswith("Added: MailCo GmbH (effective ")
    announced = dt.datetime(*newest.updated_parsed[:6], tzinfo=dt.UTC)
    effective = dt.date.fromisoformat(newest.title.split("effective ")[1].rstrip(")"))
    assert effective == (announced + dt.timedelta(days=30)).date()  # the notice period is honoured
    assert {t.term for t in newest.tags} == {"added"}
    initial = [e for e in feed.entries if "initial list" in e.summary]
    assert len(initial) == 3  # the three kinds of service providers the policy names
    # listed as of the privacy policy's effective date, not the day the register was loaded
    assert {e.updated for e in initial} == {"2025-03-15T00:00:00Z"}
    # RFC 4287 4.1.1: an entry without content has an alternate link; the feed links to its HTML page too
    page = "http://127.0.0.1:8000/organizations/jalendos-kramax/subprocessors.html"
    assert [x.href for x in feed.feed.links if x.rel == "alternate"] == [page]
    for entry in feed.entries:
        [alternate] = [x for x in entry.links if x.rel == "alternate"]
        assert alternate.type == "text/html" and alternate.href.startswith(page + "#change-")


async def test_public_list_needs_no_token_and_marks_what_is_not_yet_in_effect(notices: httpx.AsyncClient) -> None:
    data = (await notices.get("/organizations/jalendos-kramax/subprocessors.json")).json()
    assert data["noticePeriod"] == "P30D"
    mailco = next(c for c in data["changes"] if c["subprocessor"] == "MailCo GmbH")
    assert mailco["change"] == "ADDED" and mailco["inEffect"] is False
    page = await notices.get("/organizations/jalendos-kramax/subprocessors.html")
    assert page.status_code == 200 and "MailCo GmbH" in page.text and "subprocessors.atom" in page.text
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "<style>" in page.text and "<thead>" in page.text and "(not yet in effect)" in page.text
    listed = {s["name"]: s["effective"] for s in data["subprocessors"]}
    assert set(listed.values()) == {"2025-03-15T00:00:00Z"}  # MailCo is not listed until its notice has run
    for change in data["changes"]:  # each change has its row, which the feed's entries link to
        assert f'id="change-{change["id"]}"' in page.text


async def test_an_organisation_without_subprocessors_says_none_listed(client: httpx.AsyncClient) -> None:
    page = await client.get("/organizations/janusipm/subprocessors.html")
    assert page.status_code == 200 and page.text.count("None listed") == 2
    feed = feedparser.parse((await client.get("/organizations/janusipm/subprocessors.atom")).content)
    assert not feed.bozo and feed.entries == []
    # an empty feed is as new as the organisation's record, not 2000-01-01
    history = (await client.post("/graphql", json={"query": '{ organization(slug: "janusipm") { history { at } } }'}
                                 )).json()["data"]["organization"]["history"]
    assert feed.feed.updated == max(h["at"] for h in history)[:19] + "Z"


async def test_storing_the_same_inventory_again_announces_nothing(settings: Settings) -> None:
    assert settings.mongodb_uri
    async with own_database(settings, "renotice") as db:
        before = await db.repos.subprocessor_changes.count({"organization": "januscaler"})
        assert before == 3  # the initial list
        report = await seed(db.repos, settings.seed_dir)  # the whole seed again, unchanged
        assert report.changed == 0
        assert await db.repos.subprocessor_changes.count({"organization": "januscaler"}) == before


async def test_an_unknown_organisation_has_no_feed(client: httpx.AsyncClient) -> None:
    assert (await client.get("/organizations/acme/subprocessors.atom")).status_code == 404


CREATE = """mutation($i: CreateRecipientInput!) { createRecipient(input: $i) { recipient { id version } userErrors {
  code message } } }"""


async def test_a_subprocessor_added_changed_and_removed_through_graphql_is_announced(settings: Settings) -> None:
    async with own_database(settings, "gqlnotices") as db:
        org = await db.repos.organizations.get("jalendos-kramax")
        assert org is not None
        await Writer(db.repos).update(db.repos.organizations, dataclasses.replace(
            org, subprocessor_notice_period="P30D"), org.version, "test")
        _, token = await create_token(db.repos, "notices editor", AccessRole.EDITOR)
        app = create_app(Settings(), db)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost",
                                     headers=bearer(token)) as c:
            gql = GraphQLClient(c)
            made = (await gql.data(CREATE, {"i": {
                "organization": "jalendos-kramax", "key": "mailer", "name": "MailCo GmbH", "named": True,
                "kind": "SUBPROCESSOR", "role": "PROCESSOR", "services": ["transactional email"],
                "countries": ["DE"]}}))["createRecipient"]
            assert not made["userErrors"], made
            added_at = dt.datetime.now(dt.UTC)
            feed = feedparser.parse((await c.get("/organizations/jalendos-kramax/subprocessors.atom")).content)
            added = feed.entries[0]
            assert added.title.startswith("Added: MailCo GmbH") and {t.term for t in added.tags} == {"added"}
            effective = dt.date.fromisoformat(added.title.split("effective ")[1].rstrip(")"))
            assert effective == (added_at + dt.timedelta(days=30)).date()
            public = (await c.get("/organizations/jalendos-kramax/subprocessors.json")).json()
            assert "MailCo GmbH" not in [s["name"] for s in public["subprocessors"]]  # not before it takes effect

            changed = (await gql.data("""mutation($id: ID!) { updateRecipient(input: {id: $id, version: 1,
                set: {countries: ["DE", "FR"]}}) { recipient { version } userErrors { code } } }""",
                {"id": made["recipient"]["id"]}))["updateRecipient"]
            assert not changed["userErrors"], changed
            archived = (await gql.data("""mutation($id: ID!) { archiveRecipient(input: {id: $id, version: 2}) {
                recipient { archived } userErrors { code } } }""", {"id": made["recipient"]["id"]}))
            assert archived["archiveRecipient"]["recipient"]["archived"] is True
            kinds = [c["change"] for c in (await c.get("/organizations/jalendos-kramax/subprocessors.json")).json()[
                "changes"] if c["subprocessor"] == "MailCo GmbH"]
            assert kinds == ["REMOVED", "CHANGED", "ADDED"]  # newest first

            # Updating an archived record does not bring it back: restoring is its own operation.
            stale = (await gql.data("""mutation($id: ID!) { updateRecipient(input: {id: $id, version: 3,
                set: {name: "MailCo"}}) { userErrors { code } } }""", {"id": made["recipient"]["id"]}))
            assert [e["code"] for e in stale["updateRecipient"]["userErrors"]] == ["ARCHIVED"]
            restored = (await gql.data("""mutation($id: ID!) { restoreRecipient(input: {id: $id, version: 3}) {
                recipient { archived history { operation } } } }""", {"id": made["recipient"]["id"]}))
            assert restored["restoreRecipient"]["recipient"]["archived"] is False
            assert restored["restoreRecipient"]["recipient"]["history"][-1]["operation"] == "RESTORE"
