"""Errors a user can cause, each saying what was wrong and what to do."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (a dotted path), what, and a stable code."""

    path: str
    message: str
    code: str = "INVALID"


class InvalidInventory(ValueError):
    """An inventory refers to things that do not exist or breaks an invariant."""

    def __init__(self, where: str, problems: list[Problem]):
        self.where = where
        self.problems = problems
        lines = "\n".join(f"  - {p.path}: {p.message}" for p in problems)
        super().__init__(f"{where} has {len(problems)} problem(s):\n{lines}")


class NotFound(LookupError):
    """Something asked for by id or key does not exist."""
