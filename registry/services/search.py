"""Searches across processing activities and subprocessors, read a page at a time in the order of their ids.

Filters are built as database queries, so a page costs one read whatever the register's size; free text is
matched as a literal, case-insensitive substring (never as a pattern the caller writes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from registry.domain import models as m
from registry.domain.enums import RecipientKind, Role, SystemKind
from registry.storage.repositories import Identified, Repository

T = TypeVar("T", bound=Identified)
MAX_TEXT = 200


class SearchError(ValueError):
    """A search the caller asked for cannot run; the message says what to change."""


@dataclass(frozen=True)
class Page(Generic[T]):
    """Records of one page, and whether more follow."""

    items: list[T]
    has_next: bool
    query: dict[str, Any]
    """The filter the page was read with (to count every match when asked)."""


def _text(text: str | None, fields: tuple[str, ...]) -> dict[str, Any] | None:
    if text is None or not text.strip():
        return None
    if len(text) > MAX_TEXT:
        raise SearchError(f"`text` is {len(text)} characters; search with at most {MAX_TEXT}.")
    pattern = re.escape(text.strip())
    return {"$or": [{f: {"$regex": pattern, "$options": "i"}} for f in fields]}


def _all(*parts: dict[str, Any] | None) -> dict[str, Any]:
    kept = [p for p in parts if p]
    return kept[0] if len(kept) == 1 else {"$and": kept}


def activity_query(organization: str | None = None, text: str | None = None, role: Role | None = None,
                   data_category: str | None = None, purpose: str | None = None) -> dict[str, Any]:
    """Live activities matching every given filter. `data_category` is a taxonomy key (or, with `organization`,
    one of its own categories' keys); `purpose` is a purpose key."""
    categories = [data_category, m.scoped_id(organization, data_category)] if organization and data_category \
        else [data_category]
    return _all(
        {"archived": {"$ne": True}},
        {"organization": organization} if organization else None,
        _text(text, ("name", "key", "description")),
        {"role": role.value} if role else None,
        {"data_categories": {"$in": categories}} if data_category else None,
        {"purposes.purpose": purpose} if purpose else None,
    )


PROCESSOR = {"$or": [{"role": Role.PROCESSOR.value},
                     {"kind": {"$in": [RecipientKind.SUBPROCESSOR.value, RecipientKind.SERVICE_PROVIDER.value]}}]}
"""Recipients acting on the organisation's behalf: the database form of `Recipient.is_processor`."""


def subprocessor_query(organization: str | None = None, text: str | None = None,
                       country: str | None = None) -> dict[str, Any]:
    """Live subprocessors and service providers matching every given filter; `country` is an ISO code."""
    return _all(
        {"archived": {"$ne": True}},
        PROCESSOR,
        {"organization": organization} if organization else None,
        _text(text, ("name", "key", "services")),
        {"countries": country.upper()} if country else None,
    )


def system_query(organization: str | None = None, text: str | None = None, kind: SystemKind | None = None,
                 location: str | None = None, data_category: str | None = None) -> dict[str, Any]:
    """Live systems matching every given filter; `location` is a country (or international organisation) code,
    `data_category` a taxonomy key (or, with `organization`, one of its own categories' keys)."""
    categories = [data_category, m.scoped_id(organization, data_category)] if organization and data_category \
        else [data_category]
    return _all(
        {"archived": {"$ne": True}},
        {"organization": organization} if organization else None,
        _text(text, ("name", "key", "description")),
        {"kind": kind.value} if kind else None,
        {"locations": location.upper()} if location else None,
        {"data_categories": {"$in": categories}} if data_category else None,
    )


async def page(repo: Repository[T], query: dict[str, Any], after: str | None, first: int) -> Page[T]:
    items = await repo.page(query, after, first + 1)
    return Page(items[:first], len(items) > first, query)

