"""Browser sessions, kept server-side so the registry can verify and end each one.

The `sessions` collection holds only a SHA-256 hash of each session id (the id itself lives in the browser's
cookie), who signed in, with which role, and when. Deleting a document ends that session at its next request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from registry.domain.enums import AccessRole


@dataclass(frozen=True)
class BrowserSession:
    """One signed-in browser."""

    id_hash: str
    actor: str
    """`user:<email or subject>` for single sign-on; for a token sign-in, the token's key."""
    role: AccessRole
    kind: str
    """`sso` or `token`."""
    created_at: dt.datetime
    last_seen_at: dt.datetime
    token_key: str | None = None
    """For a token sign-in: the token it was opened with, checked again at every request (revoking the token
    ends the session)."""
    name: str = ""
    """Who, as people read it: the person's email or name, or the token's name."""


def _to_doc(s: BrowserSession) -> dict[str, Any]:
    return {"_id": s.id_hash, "actor": s.actor, "role": s.role.value, "kind": s.kind, "created_at": s.created_at,
            "last_seen_at": s.last_seen_at, "token_key": s.token_key, "name": s.name}


def _utc(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _from_doc(d: dict[str, Any]) -> BrowserSession:
    return BrowserSession(id_hash=d["_id"], actor=d["actor"], role=AccessRole(d["role"]), kind=d["kind"],
                          created_at=_utc(d["created_at"]), last_seen_at=_utc(d["last_seen_at"]),
                          token_key=d.get("token_key"), name=d.get("name", ""))


class SessionStore:
    """The `sessions` collection."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]]):
        self.collection = db["sessions"]

    async def add(self, session: BrowserSession) -> None:
        await self.collection.insert_one(_to_doc(session))

    async def get(self, id_hash: str) -> BrowserSession | None:
        doc = await self.collection.find_one({"_id": id_hash})
        return _from_doc(doc) if doc else None

    async def touch(self, id_hash: str, at: dt.datetime) -> None:
        await self.collection.update_one({"_id": id_hash}, {"$set": {"last_seen_at": at}})

    async def end(self, id_hash: str) -> bool:
        return (await self.collection.delete_one({"_id": id_hash})).deleted_count == 1

    async def end_all_for(self, actor: str) -> int:
        """End every session of one person or token (e.g. someone who left the privacy team)."""
        return (await self.collection.delete_many({"actor": actor})).deleted_count

    async def end_expired(self, idle_before: dt.datetime, created_before: dt.datetime) -> int:
        """Remove sessions that can no longer be used, so the collection holds only live ones."""
        q = {"$or": [{"last_seen_at": {"$lt": idle_before}}, {"created_at": {"$lt": created_before}}]}
        return (await self.collection.delete_many(q)).deleted_count
