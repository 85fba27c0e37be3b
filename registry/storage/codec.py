"""The one place where documents (BSON from MongoDB, mappings from YAML) become domain objects and back.

Decoding is driven by the dataclasses' type hints, so a new field needs no mapping code. Decoding a seed file
is strict (an unknown field is an error that names it, so typos in an inventory do not vanish silently);
decoding a stored document ignores the storage's own fields (`_id`, `version`, ...).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from enum import Enum
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


class DecodeError(ValueError):
    """A document does not fit the record it should describe; the message says where and why."""


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


ALWAYS_STORED = frozenset({"organization"})
"""Fields a stored document holds even when empty: queries select shared records by `organization: null`."""


@cache
def _omittable(cls: type) -> frozenset[str]:
    """The fields of `cls` that decode to their default when absent: optional (default null) or lists
    (default empty)."""
    return frozenset(f.name for f in dataclasses.fields(cls) if f.name not in ALWAYS_STORED and (
        f.default is None or f.default == () or f.default_factory in (list, tuple)))


def encode(value: Any, *, stored: bool = False) -> Any:
    """Turn a domain object into plain BSON/YAML-friendly values (enums as names, dates as ISO strings).

    `stored` leaves out the fields that hold their empty default (null, []), at every level: a document for the
    database. A record has many optional fields, mostly empty, and FerretDB's cost of reading a document grows
    with its number of values (a 2,000-activity read took 0.93 s with them, 0.53 s without). Decoding gives the
    defaults back, and `history.meaningful` treats absent and empty alike when comparing documents."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if stored:
            skip = _omittable(type(value))
            return {f.name: encode(v, stored=True) for f in dataclasses.fields(value)
                    if not ((v := getattr(value, f.name)) in (None, [], ()) and f.name in skip)}
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value  # BSON datetime (UTC): sortable in the database
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [encode(v, stored=stored) for v in value]
    return value


def decode(cls: type[T], data: Any, *, strict: bool = False, where: str = "") -> T:
    """Build a `cls` from a mapping; `strict` refuses unknown fields."""
    try:
        return typing.cast(T, _decoder(typing.cast(Any, cls), strict)(data))
    except _Invalid as e:
        raise DecodeError(f"{where or cls.__name__}{''.join(reversed(e.path))}: {e.problem}") from None


class _Invalid(Exception):
    """Raised inside a decoder; the path is collected on the way out, so a valid document pays nothing for it."""

    def __init__(self, problem: str):
        self.problem = problem
        self.path: list[str] = []


Decoder = typing.Callable[[Any], Any]


@cache
def _decoder(tp: Any, strict: bool) -> Decoder:
    """A function decoding one type, built once per type from its hints: decoding runs for every stored
    document read, so the type inspection is done here, not per value."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = _decoder([a for a in typing.get_args(tp) if a is not type(None)][0], strict)
        return lambda data: None if data is None else inner(data)
    if origin is list:
        item = _decoder(typing.get_args(tp)[0], strict)
        return lambda data: _list(item, data)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_decoder(tp, strict)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return lambda data: _enum(tp, data)
    return _SCALARS.get(tp, _as_is)


def _list(item: Decoder, data: Any) -> list[Any]:
    if data is None:
        return []
    if not isinstance(data, list):
        raise _Invalid(f"expected a list, got {type(data).__name__}")
    i = 0
    try:
        out = []
        for i, v in enumerate(data):  # noqa: B007 - i names the failing item
            out.append(item(v))
        return out
    except _Invalid as e:
        e.path.append(f"[{i}]")
        raise


def _dataclass_decoder(tp: type, strict: bool) -> Decoder:
    hints = _hints(tp)
    fields = [(f.name, f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
              for f in dataclasses.fields(tp)]
    names = {name for name, _ in fields}
    # Resolved lazily: a dataclass may refer to itself (a category's parent), so its decoder cannot be built
    # while it is being built.
    decoders: dict[str, Decoder] = {}
    build = typing.cast(Any, tp)

    def decode_one(data: Any) -> Any:
        if not isinstance(data, dict):
            raise _Invalid(f"expected a mapping, got {type(data).__name__}")
        if strict:
            unknown = sorted(set(data) - names)
            if unknown:
                raise _Invalid(f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(names))}")
        if not decoders:
            decoders.update({name: _decoder(hints[name], strict) for name, _ in fields})
        kwargs = {}
        for name, required in fields:
            if name in data:
                try:
                    kwargs[name] = decoders[name](data[name])
                except _Invalid as e:
                    e.path.append(f".{name}")
                    raise
            elif required:
                raise _Invalid(f"missing required field '{name}'")
        return build(**kwargs)

    return decode_one


SHOWN_CHARS = 60


def _show(data: Any) -> str:
    """A value as an error message may quote it: scalars shortened, containers only described. Never the repr
    of a container, which may be huge (a YAML file's aliases can expand a few bytes into billions of items)."""
    if isinstance(data, dict):
        return f"a mapping of {len(data)} key(s)"
    if isinstance(data, list | tuple | set):
        return f"a list of {len(data)} item(s)"
    text = repr(data) if isinstance(data, str | int | float | bool | dt.date) or data is None \
        else type(data).__name__
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "..."


def _enum(tp: type[Enum], data: Any) -> Any:
    try:
        return tp(data)
    except ValueError:
        raise _Invalid(f"{_show(data)} is not one of {', '.join(m.value for m in tp)}") from None


def _datetime(data: Any) -> dt.datetime:
    if isinstance(data, str):
        try:
            data = dt.datetime.fromisoformat(data)
        except ValueError:
            raise _Invalid(f"{_show(data)} is not a date and time (ISO 8601)") from None
    if not isinstance(data, dt.datetime):
        raise _Invalid(f"expected a date and time, got {_show(data)}")
    return data if data.tzinfo else data.replace(tzinfo=dt.UTC)  # the driver returns naive UTC


def _date(data: Any) -> dt.date:
    if isinstance(data, dt.datetime):
        return data.date()
    if isinstance(data, dt.date):
        return data
    try:
        return dt.date.fromisoformat(str(data))
    except ValueError:
        raise _Invalid(f"{_show(data)} is not a date (YYYY-MM-DD)") from None


def _bool(data: Any) -> bool:
    if not isinstance(data, bool):
        raise _Invalid(f"expected true or false, got {_show(data)}")
    return data


def _int(data: Any) -> int:
    if isinstance(data, bool) or not isinstance(data, int):
        raise _Invalid(f"expected a whole number, got {_show(data)}")
    return data


def _str(data: Any) -> str:
    if not isinstance(data, str):
        raise _Invalid(f"expected text, got {_show(data)}")
    return data


def _as_is(data: Any) -> Any:
    return data


_SCALARS: dict[Any, Decoder] = {dt.datetime: _datetime, dt.date: _date, bool: _bool, int: _int, str: _str}
