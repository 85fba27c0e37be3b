"""A per-request batch loader that waits for a whole level of a query before reading.

strawberry's DataLoader dispatches on the next event-loop iteration; with thousands of sibling resolvers the
loads for one collection arrive over several iterations and split into several reads (17 commands for 200
activities, 97 for 20,000). This loader yields to the loop until a round of loads stops growing, then reads
every key in one query, so the number of reads does not depend on the size of the register.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

SETTLE_ROUNDS = 2
"""Consecutive loop iterations without a new key before a round is read."""


class BatchLoader(Generic[K, V]):
    """Caches by key; a round collects every key asked for until no new key arrives for SETTLE_ROUNDS."""

    def __init__(self, load_fn: Callable[[Sequence[K]], Awaitable[Sequence[V]]]):
        self.load_fn = load_fn
        self.cache: dict[K, asyncio.Future[V]] = {}
        self.pending: dict[K, asyncio.Future[V]] = {}
        self.round: asyncio.Task[None] | None = None
        self.values: dict[K, V] = {}
        """What the finished rounds read, by key: for answers that need no waiting (`Loaders.ready`)."""

    def load(self, key: K) -> asyncio.Future[V]:
        future = self.cache.get(key)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self.cache[key] = self.pending[key] = future
            if self.round is None or self.round.done():
                self.round = asyncio.ensure_future(self._dispatch())
        return future

    async def load_many(self, keys: Sequence[K]) -> list[V]:
        # Awaiting each future in turn, not gather(): a round resolves them all at once, so this suspends once
        # and skips gather's per-call bookkeeping (40,000 calls in a 2,000-activity record).
        futures = [self.load(k) for k in keys]
        return [await f for f in futures]

    async def _dispatch(self) -> None:
        quiet, seen = 0, -1
        while quiet < SETTLE_ROUNDS:
            await asyncio.sleep(0)
            quiet = quiet + 1 if len(self.pending) == seen else 0
            seen = len(self.pending)
        batch, self.pending = self.pending, {}
        keys = list(batch)
        try:
            values = await self.load_fn(keys)
        except Exception as e:  # noqa: BLE001 - every waiting resolver gets the error
            for f in batch.values():
                if not f.done():
                    f.set_exception(e)
            for k in keys:
                self.cache.pop(k, None)
        else:
            for k, v in zip(keys, values, strict=True):
                if not batch[k].done():
                    batch[k].set_result(v)
                    self.values[k] = v
        if self.pending:  # keys that arrived while this round was reading
            self.round = asyncio.ensure_future(self._dispatch())

