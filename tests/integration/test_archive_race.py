"""Archiving a record while another change links it (issue #11): never both, so no live record is left naming an
archived one (which made every later edit of the organisation fail)."""

from __future__ import annotations

import asyncio

from registry.config import Settings
from registry.domain import kinds
from registry.services.editing import Editor
from tests.support import own_database

ACTIVITY = "januscaler/service-provision"


async def test_archive_and_link_racing_never_both_succeed(settings: Settings) -> None:
    async with own_database(settings, "archiverace") as db:
        editor = Editor(db.repos)
        activity = await db.repos.processing_activities.get(ACTIVITY)
        assert activity is not None
        both = 0
        for i in range(10):
            made = await editor.create(kinds.RECIPIENT, {"organization": "januscaler", "key": f"race-{i}",
                                                          "name": f"Race {i}"}, "test")
            assert not made.errors, made.errors
            activity = await db.repos.processing_activities.get(ACTIVITY)
            assert activity is not None
            archived, linked = await asyncio.gather(
                Editor(db.repos).archive(kinds.RECIPIENT, made.record.id, 1, "archiver"),
                Editor(db.repos).link(ACTIVITY, activity.version, "recipients", f"race-{i}", False, "linker"))
            both += not archived.errors and not linked.errors
            recipient = await db.repos.recipients.get(made.record.id)
            activity = await db.repos.processing_activities.get(ACTIVITY)
            assert recipient is not None and activity is not None
            assert not (recipient.archived and f"race-{i}" in activity.recipients), i
        assert both == 0
        # An unrelated edit of the organisation still goes through.
        purpose = await db.repos.purposes.get("januscaler/customer-support")
        assert purpose is not None
        result = await editor.update(kinds.PURPOSE, purpose.id, purpose.version, {"name": "Helpdesk"}, "test")
        assert not result.errors, result.errors
