"""Signing people in from a browser: who may, with which role, and how long a session lasts.

Two ways in, one kind of session: single sign-on with the organisation's identity provider (OpenID Connect), or,
where none is configured, an API token typed once into `/login`. Tools keep sending their token on each request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from registry.config import SignIn
from registry.domain.enums import AccessRole
from registry.domain.models import ApiToken
from registry.storage.repositories import Repositories
from registry.storage.sessions import BrowserSession, SessionStore

TOUCH_EVERY = dt.timedelta(seconds=60)
"""A session's last-seen time is written at most this often (one write a minute, not one per request)."""


class SignInRefused(Exception):
    """The identity provider signed the person in, but the registry's rules do not let them in."""

    def __init__(self, title: str, detail: str):
        super().__init__(detail)
        self.title, self.detail = title, detail


def hash_session_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def role_for(claims: Mapping[str, Any], rules: SignIn) -> AccessRole:
    """The role a person signed in by the identity provider gets, or SignInRefused saying why none.

    The email domain must be on the allow-list when there is one; with a group map, the highest role of the
    person's mapped groups; without one, VIEWER."""
    who = str(claims.get("email") or claims.get("sub") or "this account")
    if rules.oidc_allowed_domains:
        email = str(claims.get("email") or "")
        domain = email.rpartition("@")[2].lower()
        if not email or claims.get("email_verified") is False or domain not in rules.oidc_allowed_domains:
            raise SignInRefused(
                "This account may not use the registry",
                f"The identity provider signed in {who}, but only verified email addresses at "
                f"{', '.join(rules.oidc_allowed_domains)} may use this registry. Sign in with your work account, "
                "or ask the registry's administrator to add your domain to REGISTRY_OIDC_ALLOWED_DOMAINS.")
    if not rules.oidc_role_map:
        return AccessRole.VIEWER
    raw = claims.get(rules.oidc_role_claim) or []
    groups = {raw} if isinstance(raw, str) else {str(g) for g in raw}
    roles = [AccessRole(role) for group, role in rules.oidc_role_map if group in groups]
    if not roles:
        mapped = ", ".join(group for group, _ in rules.oidc_role_map)
        raise SignInRefused(
            "No access to the registry",
            f"{who} is signed in at the identity provider but is in none of the groups that give access to the "
            f"registry ({mapped}; read from the '{rules.oidc_role_claim}' claim). Ask your identity provider's "
            "administrator to add you to one of them.")
    return max(roles, key=list(AccessRole).index)  # the enum lists roles from least to most


def person(claims: Mapping[str, Any]) -> str:
    """The history's name for a person signed in by single sign-on: `user:<email>`, else `user:<subject>`."""
    return f"user:{claims.get('email') or claims['sub']}"


async def open_session(store: SessionStore, rules: SignIn, actor: str, role: AccessRole, kind: str, name: str,
                       token_key: str | None = None) -> str:
    """A new session; returns its id for the cookie (only its hash is stored). Sessions that can no longer be
    used are removed on the way, so the collection holds only live ones."""
    session_id = secrets.token_urlsafe(32)
    now = _now()
    await store.end_expired(now - dt.timedelta(minutes=rules.idle_minutes), now - dt.timedelta(hours=rules.max_hours))
    await store.add(BrowserSession(hash_session_id(session_id), actor, role, kind, now, now, token_key, name))
    return session_id


@dataclass(frozen=True)
class Resumed:
    """A live session and who it speaks for."""

    session: BrowserSession
    token: ApiToken
    """The token the session was opened with, or for single sign-on a stand-in carrying the person's role (so the
    same role checks apply to people and tools)."""
    user: str | None
    """`user:<email>` for a person signed in by single sign-on; None for a token sign-in (the token is the actor)."""


async def resume(store: SessionStore, repos: Repositories, session_id: str, rules: SignIn) -> Resumed | None:
    """The live session a cookie names, or None: unknown, idle too long, past its absolute limit, or opened with
    a token that has since been revoked. An expired session is deleted on the way."""
    id_hash = hash_session_id(session_id)
    session = await store.get(id_hash)
    if session is None:
        return None
    now = _now()
    if (now - session.last_seen_at > dt.timedelta(minutes=rules.idle_minutes)
            or now - session.created_at > dt.timedelta(hours=rules.max_hours)):
        await store.end(id_hash)
        return None
    if session.kind == "token":
        token = (await repos.cache.get_many(repos.tokens, [session.token_key or ""])).get(session.token_key or "")
        if token is None or token.revoked_at is not None:
            await store.end(id_hash)
            return None
        user = None
    else:
        token = ApiToken(key=f"session-{id_hash[:12]}", name=session.name or session.actor, role=session.role,
                         secret_hash="", created_at=session.created_at)
        user = session.actor
    if now - session.last_seen_at >= TOUCH_EVERY:
        await store.touch(id_hash, now)
    return Resumed(session, token, user)


async def end_session(store: SessionStore, session_id: str) -> bool:
    return await store.end(hash_session_id(session_id))
