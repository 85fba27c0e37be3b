"""A claim left behind by a writer that died (issue #11): the refusal says what is going on, and once the claim is
older than the grace period the next edit settles it instead of waiting for the recovery pass."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from registry.config import Settings
from registry.storage.writer import VersionConflict, Writer
from tests.support import own_database

KEY = "jalendos-kramax/customer-support"


async def test_a_dead_writers_claim_is_reported_then_settled_by_the_next_edit(settings: Settings) -> None:
    async with own_database(settings, "claims") as db:
        repo = db.repos.purposes
        purpose = await repo.get(KEY)
        assert purpose is not None

        class Crash(Exception):
            pass

        async def die(*args: object, **kwargs: object) -> None:  # dies after its claim, before the record
            raise Crash

        dying = Writer(db.repos)
        original = repo.collection.replace_one
        repo.collection.replace_one = die  # type: ignore[method-assign, assignment]
        try:
            with pytest.raises(Crash):
                await dying.update(repo, dataclasses.replace(purpose, name="Lost"), purpose.version, "dead")
        finally:
            repo.collection.replace_one = original  # type: ignore[method-assign]

        with pytest.raises(VersionConflict) as refused:
            await Writer(db.repos).update(repo, dataclasses.replace(purpose, name="Mine"), purpose.version, "alive")
        message = str(refused.value)
        assert f"is at version {purpose.version + 1}" in message and "being written" in message
        assert f"if it still shows version {purpose.version}, that change was interrupted" in message

        # Two minutes later the claim is past the grace period: the next edit aborts it and goes through.
        old = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)
        claim_id = f"purposes:{KEY}:v{purpose.version + 1}"
        await db.repos.history.collection.update_one({"_id": claim_id}, {"$set": {"at": old}})
        saved = await Writer(db.repos).update(repo, dataclasses.replace(purpose, name="Mine"), purpose.version,
                                              "alive")
        assert saved.version == purpose.version + 1
        entry = await db.repos.history.get(claim_id)
        assert entry is not None and entry.committed and entry.actor == "alive"
        assert [a.actor for a in await db.repos.history.find({"entity_id": KEY, "aborted": True})] == ["dead"]
