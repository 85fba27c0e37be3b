"""Indexes, created at start-up: a unique index on every natural key."""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel

from registry.storage.repositories import Repositories

SCOPED = ["data_subjects", "purposes", "recipients", "transfers", "retention_rules", "security_measures",
          "processing_activities"]


async def ensure_indexes(repos: Repositories) -> None:
    """Create the indexes (a no-op when they exist)."""
    await repos.organizations.collection.create_indexes(
        [IndexModel([("slug", ASCENDING)], unique=True, name="slug_unique")]
    )
    for name in SCOPED:
        coll = getattr(repos, name).collection
        await coll.create_indexes(
            [IndexModel([("organization", ASCENDING), ("key", ASCENDING)], unique=True, name="org_key_unique")]
        )
    await repos.data_categories.collection.create_indexes(
        [IndexModel([("organization", ASCENDING), ("key", ASCENDING)], unique=True, name="org_key_unique")]
    )
    await repos.legal_bases.collection.create_indexes(
        [IndexModel([("framework", ASCENDING), ("code", ASCENDING)], unique=True, name="framework_code_unique")]
    )
    await repos.transfer_mechanisms.collection.create_indexes(
        [IndexModel([("code", ASCENDING)], unique=True, name="code_unique")]
    )
    await repos.subprocessor_changes.collection.create_indexes(
        [IndexModel([("organization", ASCENDING), ("announced", ASCENDING)], name="org_announced")]
    )
    await repos.countries.collection.create_indexes(
        [IndexModel([("code", ASCENDING)], unique=True, name="code_unique")]
    )
