"""ISO 8601 durations, as retention periods and notice periods are recorded."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_DURATION = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


def is_iso_duration(text: str) -> bool:
    """True for durations such as P90D, P2Y, P26M, PT72H; false for '90 days' or 'P'."""
    return bool(_DURATION.match(text))


_UNITS = (("years", "year"), ("months", "month"), ("weeks", "week"), ("days", "day"), ("hours", "hour"),
          ("minutes", "minute"), ("seconds", "second"))


def in_words(period: str) -> str:
    """An ISO 8601 duration as people read it: P5Y is "5 years", P1Y6M "1 year 6 months", PT72H "72 hours"."""
    found = _DURATION.match(period)
    if not found:
        return period
    return " ".join(f"{n} {one if n == 1 else many}" for many, one in _UNITS if (n := int(found.group(many) or 0)))


def approximate_days(text: str) -> float | None:
    """The duration in days (a year as 365.25, a month as 30.44), for comparing periods; None if invalid."""
    m = _DURATION.match(text)
    if not m:
        return None
    p = {k: int(v) if v else 0 for k, v in m.groupdict().items()}
    return (
        p["years"] * 365.25
        + p["months"] * 30.44
        + p["weeks"] * 7
        + p["days"]
        + p["hours"] / 24
        + p["minutes"] / 1440
        + p["seconds"] / 86400
    )


def add_to(moment: dt.datetime, text: str) -> dt.datetime:
    """`moment` plus an ISO 8601 duration, months and years by the calendar."""
    m = _DURATION.match(text)
    if not m:
        raise ValueError(f"'{text}' is not an ISO 8601 duration")
    p = {k: int(v) if v else 0 for k, v in m.groupdict().items()}
    months = moment.month - 1 + p["months"] + 12 * p["years"]
    year, month = moment.year + months // 12, months % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    shifted = moment.replace(year=year, month=month, day=day)
    return shifted + dt.timedelta(weeks=p["weeks"], days=p["days"], hours=p["hours"], minutes=p["minutes"],
                                  seconds=p["seconds"])
