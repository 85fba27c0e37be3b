"""Indexes, created at start-up: a unique index on every record kind's natural key (from `domain/kinds.py`)."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection

from registry.domain.kinds import KINDS
from registry.storage.repositories import Repositories


async def _create(coll: AsyncCollection[dict[str, Any]], *models: IndexModel) -> None:
    # One index per command: FerretDB v1.24.2 panics and drops the connection when a createIndexes command
    # names two or more indexes that already exist (seen on every restart with data). One at a time is fine.
    for model in models:
        await coll.create_indexes([model])


async def ensure_indexes(repos: Repositories) -> None:
    """Create the indexes (a no-op when they exist)."""
    for kind in KINDS:
        name = "_".join(kind.unique) + "_unique"
        # The names the indexes have always had, so an existing database is not given a second copy.
        name = {"organization_key_unique": "org_key_unique"}.get(name, name)
        await _create(repos.of(kind).collection,
                      IndexModel([(f, ASCENDING) for f in kind.unique], unique=True, name=name))
    await _create(repos.history.collection,
                  IndexModel([("entity_id", ASCENDING), ("version", ASCENDING)], name="entity_version"),
                  IndexModel([("at", ASCENDING)], name="at"))
    await _create(repos.cache.changes, IndexModel([("at", ASCENDING)], name="at"))
    await _create(repos.subprocessor_changes.collection,
                  IndexModel([("organization", ASCENDING), ("announced", ASCENDING)], name="org_announced"))
