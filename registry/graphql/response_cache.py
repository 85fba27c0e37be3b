"""Answers to GraphQL queries, kept in this process while the register does not change.

Why: the tools that poll the whole record of processing ask the same query again and again, and rebuilding
a 2,000-activity record takes seconds, though nothing changed in between. A repeat is answered from memory,
and a client that sends back the answer's `ETag` in `If-None-Match` gets `304 Not Modified` with no body.

What makes two requests the same question (the key): the document text, its variables, the operation name,
the caller's role (a VIEWER and an ADMIN never share an answer), the media type the client accepts, today's
date (findings about overdue reviews depend on it) and the register's generation (registry/storage/cache.py).
The generation is read once per request, in a read that starts after the request arrived, as the read
cache does: every write to the register stores a new generation, so every process answers a request that
starts after a change from the changed register. Answers of an older generation are dropped.

Only queries are kept, never mutations or subscriptions, and only `200` answers without errors. The `ETag`
is strong: a hash of the key. The cache holds at most REGISTRY_RESPONSE_CACHE_BYTES of answers, dropping the
least recently used first; it is off when that is 0 or when the read cache is off (REGISTRY_READ_CACHE_ITEMS=0,
for registers changed outside the registry).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.requests import Request
from starlette.responses import Response

from registry.storage.cache import ReadCache

CACHE_HEADER = "X-Registry-Cache"
"""`hit` when the answer came from this cache, `miss` when it was computed and kept."""


@dataclass(frozen=True)
class Question:
    """One GraphQL request over HTTP, as the cache sees it."""

    document: str
    variables: dict[str, Any] | None
    operation_name: str | None


@dataclass(frozen=True)
class Answer:
    """A kept answer: the bytes sent, the headers sent with them (their media type), and the ETag naming them."""

    body: bytes
    headers: dict[str, str]
    etag: str
    observed: dict[str, Any] = field(default_factory=dict)
    """What running the question noted for the request log and metrics (its operation name, its outcome): a
    request answered from the cache reports the same."""

    def response(self, request: Request, state: str) -> Response:
        headers = {"ETag": self.etag, "Cache-Control": "private, no-cache", "Vary": "Authorization, Accept",
                   CACHE_HEADER: state}
        if _matches(request.headers.get("if-none-match"), self.etag):
            return Response(status_code=304, headers=headers)
        return Response(self.body, headers={**self.headers, **headers})


def _matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 13.1.2: `*` or any listed tag, compared weakly (a `W/` prefix is ignored)."""
    if not if_none_match:
        return False
    tags = [t.strip() for t in if_none_match.split(",")]
    return any(t == "*" or t.removeprefix("W/") == etag for t in tags)


@functools.lru_cache(maxsize=256)
def is_query(document: str, operation_name: str | None) -> bool:
    """Whether the operation the request runs is a query; False when the document names no single one."""
    try:
        operation = get_operation_ast(parse(document), operation_name)
    except GraphQLError:
        return False
    return operation is not None and operation.operation == OperationType.QUERY


class ResponseCache:
    """Answers by key, for the generation of the register this process saw last, within a size in bytes."""

    def __init__(self, read_cache: ReadCache, max_bytes: int):
        self.read_cache = read_cache
        self.max_bytes = max_bytes
        self.answers: OrderedDict[str, Answer] = OrderedDict()
        self.size = 0
        self.held: str | None = None
        """The generation the kept answers belong to."""
        self.held_seq = -1
        self.hits = self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0 and self.read_cache.enabled

    async def answer(self, request: Request, question: Question, role: str,
                     compute: Callable[[], Awaitable[tuple[Response, bool]]]) -> Response:
        """The kept answer to `question`, or `compute()`'s, kept when it is a query answered without errors.
        `compute` returns the response and whether its result had errors."""
        # Read once per request: the token check has read it already when access control is on.
        state = request.scope.setdefault("state", {})
        # The token check's read of the generation when it made one; otherwise this read, which the request's
        # loaders then share: one read per request either way.
        snapshot = state.setdefault("generation", self.read_cache.snapshot())
        generation, seq = await snapshot.read()
        self._hold(generation, seq)
        key = json.dumps([question.document, question.variables, question.operation_name, role,
                          request.headers.get("accept", ""), dt.date.today().isoformat(), generation],
                         sort_keys=True, separators=(",", ":"), default=str)
        etag = '"' + hashlib.sha256(key.encode()).hexdigest()[:40] + '"'
        kept = self.answers.get(etag)
        if kept is not None:
            self.answers.move_to_end(etag)
            self.hits += 1
            state.setdefault("graphql", {}).update(kept.observed)
            return kept.response(request, "hit")
        response, had_errors = await compute()
        if (response.status_code != 200 or had_errors or not is_query(question.document, question.operation_name)
                or len(response.body) > self.max_bytes):
            return response
        self.misses += 1
        kept = Answer(bytes(response.body), {k: v for k, v in response.headers.items() if k != "content-length"},
                      etag, dict(state.get("graphql", {})))
        self._keep(generation, etag, kept)
        return kept.response(request, "miss")

    def _hold(self, generation: str, seq: int) -> None:
        """Follow the newest generation read; an older read arriving late changes nothing."""
        if seq <= self.held_seq:
            return
        if generation != self.held:
            self.answers.clear()
            self.size = 0
            self.held = generation
        self.held_seq = seq

    def _keep(self, generation: str, etag: str, answer: Answer) -> None:
        if generation != self.held:  # the register changed while this answer was computed
            return
        old = self.answers.pop(etag, None)
        if old is not None:
            self.size -= len(old.body)
        self.answers[etag] = answer
        self.size += len(answer.body)
        while self.size > self.max_bytes:
            _, dropped = self.answers.popitem(last=False)
            self.size -= len(dropped.body)
