"""What one request may cost: refused before it runs when it would cost too much, heavy ones one at a time, and
no new database read once its time is up or its client has gone.

The time budget is cooperative: a request past its deadline (or whose client disconnected) starts no further
read, so it ends with an error at its next read instead of holding the database. A read already sent is left
to finish: cancelling one mid-flight can leave FerretDB v1 holding a SQLite connection.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from registry.config import Limits
from registry.graphql.cost import estimate
from registry.services.deadline import Deadline


class BudgetExceeded(GraphQLError):
    """The request ran out of time, or its client went away: no further read is started."""

    def __init__(self, message: str):
        super().__init__(message, extensions={"code": "BAD_USER_INPUT", "reason": "BUDGET_EXCEEDED"})


def check(deadline: Deadline | None) -> None:
    """Refuse to start more work for a request whose time is up or whose client has gone."""
    reason = deadline.expired() if deadline is not None else None
    if reason:
        raise BudgetExceeded(reason)


def _refusal(message: str, reason: str) -> GraphQLExecutionResult:
    return GraphQLExecutionResult(data=None, errors=[GraphQLError(
        message, extensions={"code": "BAD_USER_INPUT", "reason": reason})])


_paused = 0
_resume = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Automatic garbage collection paused while a heavy answer is built (heavy answers take turns).

    Why: a whole-register answer keeps millions of objects alive until it is sent, beside a read cache of hundreds
    of thousands; the collector's full passes walked both again and again, which made the 20,000-activity record
    cost 11x the 2,000 one instead of 10x (bench/RESULTS.md). Reference counting still frees what each step
    drops; what the pause defers is only the collection of reference cycles, until the answer is built."""
    global _paused, _resume
    if _paused == 0:
        _resume = gc.isenabled()
        gc.disable()
    _paused += 1
    try:
        yield
    finally:
        _paused -= 1
        if _paused == 0 and _resume:
            gc.enable()


def query_budget(limits: Limits) -> type[SchemaExtension]:
    """A schema extension that estimates each operation's cost before it runs: over `limits.cost` it is refused;
    over `limits.heavy` it waits for one of `limits.heavy_concurrent` places, so heavy answers queue behind each
    other instead of crowding out the light ones."""
    heavy = asyncio.Semaphore(limits.heavy_concurrent)

    class QueryBudget(SchemaExtension):
        async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
            ctx = self.execution_context
            document = ctx.graphql_document
            cost = estimate(self._schema(), document, ctx.operation_name, ctx.variables) if document else 0
            if cost > limits.cost:
                ctx.result = _refusal(
                    f"This query would cost about {cost:,} (each field one, lists multiplied by their expected "
                    f"size); the limit is {limits.cost:,}. Ask for fewer nested lists, fewer aliases, or page "
                    "through the records with `first`/`after` (searchProcessingActivities, processingActivitiesPaged)."
                    , "TOO_COSTLY")
                yield
                return
            if cost <= limits.heavy:
                yield
                return
            deadline: Deadline | None = getattr(ctx.context, "deadline", None)
            wait = deadline.left() if deadline else None
            try:
                await asyncio.wait_for(heavy.acquire(), timeout=max(wait, 0.001) if wait is not None else None)
            except TimeoutError:
                ctx.result = _refusal("The registry is busy answering other large queries and this one's time "
                                      "ran out while it waited; try again shortly, or ask for less at a time.",
                                      "BUSY")
                yield
                return
            try:
                with collector_paused():
                    yield
            finally:
                heavy.release()

        def _schema(self) -> Any:
            return self.execution_context.schema._schema

    return QueryBudget
