"""API tokens: random, shown once, stored only as hashes, revocable.

A token reads `rgy_<key>_<secret>`: the key finds the record with an equality read, the secret is checked
against its SHA-256 hash in constant time. The secret carries 256 bits of randomness, so a fast hash is
enough (a slow password hash protects guessable secrets, which these are not).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import replace

from registry.domain.enums import AccessRole
from registry.domain.models import ApiToken
from registry.storage.repositories import Repositories

TOKEN = re.compile(r"^rgy_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def create_token(repos: Repositories, name: str, role: AccessRole) -> tuple[ApiToken, str]:
    """A new token and its full text, which is never stored and cannot be shown again."""
    if not name.strip() or len(name) > 100:
        raise ValueError("a token needs a name of 1 to 100 characters saying who or what uses it")
    key, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    token = ApiToken(key, name.strip(), role, _hash(secret), dt.datetime.now(dt.UTC).replace(microsecond=0))
    await repos.tokens.collection.insert_one(repos.tokens.to_doc(token))
    await repos.cache.changed()
    return token, f"rgy_{key}_{secret}"


async def verify(repos: Repositories, presented: str, generation: str | None = None) -> ApiToken | None:
    """The live token a presented text belongs to, or None. `generation`: the register's generation this
    request has read already, if it has (registry/storage/cache.py)."""
    m = TOKEN.match(presented.strip())
    if not m:
        return None
    token = (await repos.cache.get_many(repos.tokens, [m.group(1)], generation)).get(m.group(1))
    if token is None or token.revoked_at is not None:
        return None
    return token if hmac.compare_digest(token.secret_hash, _hash(m.group(2))) else None


async def revoke(repos: Repositories, key: str) -> ApiToken | None:
    token = await repos.tokens.get(key)
    if token is None:
        return None
    if token.revoked_at is None:
        token = replace(token, revoked_at=dt.datetime.now(dt.UTC).replace(microsecond=0))
        await repos.tokens.collection.replace_one({"_id": key}, repos.tokens.to_doc(token))
        await repos.cache.changed()  # every API process stops accepting it at its next request
    return token


async def list_tokens(repos: Repositories) -> list[ApiToken]:
    return await repos.tokens.find()
