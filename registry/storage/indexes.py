"""Indexes, created at start-up: a unique index on every natural key."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection

from registry.storage.repositories import Repositories

SCOPED = ["data_subjects", "purposes", "recipients", "transfers", "retention_rules", "security_measures",
          "processing_activities", "data_categories"]


def _unique(*fields: str, name: str) -> IndexModel:
    return IndexModel([(f, ASCENDING) for f in fields], unique=True, name=name)


async def _create(coll: AsyncCollection[dict[str, Any]], *models: IndexModel) -> None:
    # One index per command: FerretDB v1.24.2 panics and drops the connection when a createIndexes command
    # names two or more indexes that already exist (seen on every restart with data). One at a time is fine.
    for model in models:
        await coll.create_indexes([model])


async def ensure_indexes(repos: Repositories) -> None:
    """Create the indexes (a no-op when they exist)."""
    await _create(repos.organizations.collection, _unique("slug", name="slug_unique"))
    for name in SCOPED:
        await _create(getattr(repos, name).collection, _unique("organization", "key", name="org_key_unique"))
    await _create(repos.legal_bases.collection, _unique("framework", "code", name="framework_code_unique"))
    await _create(repos.transfer_mechanisms.collection, _unique("code", name="code_unique"))
    await _create(repos.countries.collection, _unique("code", name="code_unique"))
    await _create(repos.history.collection,
                  IndexModel([("entity_id", ASCENDING), ("version", ASCENDING)], name="entity_version"),
                  IndexModel([("at", ASCENDING)], name="at"))
    await _create(repos.subprocessor_changes.collection,
                  IndexModel([("organization", ASCENDING), ("announced", ASCENDING)], name="org_announced"))
