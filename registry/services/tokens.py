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
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
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
    await repos.tokens.insert(repos.tokens.to_doc(token))
    return token, f"rgy_{key}_{secret}"


async def verify(repos: Repositories, presented: str,
                 generation: Callable[[], Awaitable[str | None]] | None = None) -> ApiToken | None:
    """The live token a presented text belongs to, or None. `generation` is the request's read of the register's
    generation, when it has one to share."""
    return await TokenChecker().verify(repos, presented, generation)


class TokenChecker:
    """Checks presented tokens without a database read for each made-up key (one per API process).

    A flood of well-formed random keys used to cost a read each (and filled the read cache with absences).
    - With the read cache on (the default), the checker holds every token of the current generation of the
      register: one read of the small tokens collection after each change, then checks in memory. Creating or
      revoking a token changes the generation, so a revoked token is refused at its next request, in every
      process. A key that is not among them is refused without even reading the generation while the
      tokens were confirmed current less than `known_for` seconds ago: a token created by another process is
      accepted after at most that long (at once in the process that created it).
    - With the read cache off (REGISTRY_READ_CACHE_ITEMS=0), each check reads its token, and keys known not to
      exist are remembered for `unknown_ttl` seconds, at most `unknown_items` of them. A revocation still takes
      effect at the next request; a key is random, so no new token has a key remembered as unknown.
    """

    def __init__(self, unknown_ttl: float = 10.0, unknown_items: int = 10_000, known_for: float = 1.0):
        self.unknown_ttl, self.unknown_items, self.known_for = unknown_ttl, unknown_items, known_for
        self._unknown: OrderedDict[str, float] = OrderedDict()
        self._held: tuple[object, float, dict[str, ApiToken]] | None = None
        """(the read cache, when confirmed, the tokens) of the last check."""

    async def verify(self, repos: Repositories, presented: str,
                     generation: Callable[[], Awaitable[str | None]] | None = None) -> ApiToken | None:
        m = TOKEN.match(presented.strip())
        if not m:
            return None
        key = m.group(1)
        if repos.cache.enabled:
            held = self._held
            # The tokens read last are still the cache's own (no change to tokens applied since, in this process).
            current = held is not None and held[0] is repos.cache \
                and repos.cache.collections.get(repos.tokens.name) is held[2]
            if current and held is not None and time.monotonic() - held[1] < self.known_for and key not in held[2]:
                return None
            started = time.monotonic()
            seen = await generation() if generation else None
            tokens: dict[str, ApiToken] = await repos.cache.whole(repos.tokens, seen)
            self._held = (repos.cache, started, tokens)
            token = tokens.get(key)
        elif self._known_unknown(key):
            return None
        else:
            token = await repos.tokens.get(key)
            if token is None:
                self._remember_unknown(key)
        if token is None or token.revoked_at is not None:
            return None
        return token if hmac.compare_digest(token.secret_hash, _hash(m.group(2))) else None

    def _known_unknown(self, key: str) -> bool:
        until = self._unknown.get(key)
        if until is None:
            return False
        if until < time.monotonic():
            del self._unknown[key]
            return False
        self._unknown.move_to_end(key)
        return True

    def _remember_unknown(self, key: str) -> None:
        self._unknown[key] = time.monotonic() + self.unknown_ttl
        self._unknown.move_to_end(key)
        while len(self._unknown) > self.unknown_items:
            self._unknown.popitem(last=False)


async def revoke(repos: Repositories, key: str) -> ApiToken | None:
    token = await repos.tokens.get(key)
    if token is None:
        return None
    if token.revoked_at is None:
        token = replace(token, revoked_at=dt.datetime.now(dt.UTC).replace(microsecond=0))
        # The write tells the read cache: every API process stops accepting it at its next request.
        await repos.tokens.replace(repos.tokens.to_doc(token))
    return token


async def list_tokens(repos: Repositories) -> list[ApiToken]:
    return await repos.tokens.find()
