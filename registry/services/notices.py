"""Subprocessor notices: changes to an organisation's subprocessors, effective after its notice period."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from registry.domain import models as m
from registry.domain.durations import add_to
from registry.domain.enums import ChangeKind


def _content(r: m.Recipient) -> m.Recipient:
    """The recipient without the writer's bookkeeping, for comparing what it is."""
    return replace(r, version=0, archived=False)


def _describe(r: m.Recipient) -> str:
    services = ", ".join(r.services) or "services not stated"
    where = ", ".join(r.countries) or "countries not stated"
    return f"{r.name}: {services}; processing in {where}"


def stated_since(org: m.Organization, r: m.Recipient) -> dt.datetime | None:
    """When the documents say a subprocessor was listed: the effective date of the document its record cites (or,
    citing none, of the organisation's latest dated document); None when no date is known."""
    dates = {d.key: d.effective_date for d in org.documents if d.effective_date}
    day = dates.get(r.source.document) if r.source else None
    day = day or max(dates.values(), default=None)
    return dt.datetime.combine(day, dt.time(), dt.UTC) if day else None


def subprocessor_changes(org: m.Organization, before: list[m.Recipient] | None, after: list[m.Recipient],
                         now: dt.datetime) -> list[m.SubprocessorChange]:
    """The notices a change of recipients calls for.

    `before` is None when the organisation is new to the register: its subprocessors are then the initial list,
    in effect at once, announced and effective on the date of the document that lists them (not the day the
    register was loaded). Later additions and changes take effect after `subprocessor_notice_period`.
    """
    old = {r.key: r for r in before or [] if r.is_processor}
    new = {r.key: r for r in after if r.is_processor}
    notice = org.subprocessor_notice_period
    effective = now if before is None or not notice else add_to(now, notice)
    out = []
    for key, r in new.items():
        if key not in old and before is None:
            since = stated_since(org, r) or now
            out.append(m.SubprocessorChange(org.slug, key, r.name, ChangeKind.ADDED, since, since,
                                            f"initial list: {_describe(r)}"))
        elif key not in old:
            out.append(m.SubprocessorChange(org.slug, key, r.name, ChangeKind.ADDED, now, effective,
                                            f"added: {_describe(r)}"))
        elif _content(old[key]) != _content(r):
            out.append(m.SubprocessorChange(org.slug, key, r.name, ChangeKind.CHANGED, now, effective,
                                            f"changed: {_describe(r)}"))
    for key, r in old.items():
        if key not in new:
            out.append(m.SubprocessorChange(org.slug, key, r.name, ChangeKind.REMOVED, now, now,
                                            f"removed: {r.name}"))
    return out


def in_effect(subprocessors: list[m.Recipient], changes: list[m.SubprocessorChange],
              now: dt.datetime) -> list[m.Recipient]:
    """The subprocessors the public list shows at `now`: one whose addition is announced but not yet effective is
    left out until its notice period has run."""
    latest: dict[str, m.SubprocessorChange] = {}
    for c in sorted(changes, key=lambda c: c.announced):
        latest[c.recipient] = c
    return [r for r in subprocessors
            if not (r.key in latest and latest[r.key].change is ChangeKind.ADDED and latest[r.key].effective > now)]
