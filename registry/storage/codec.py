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


def encode(value: Any) -> Any:
    """Turn a domain object into plain BSON/YAML-friendly values (enums as names, dates as ISO strings)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value  # BSON datetime (UTC): sortable in the database
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    return value


def decode(cls: type[T], data: Any, *, strict: bool = False, where: str = "") -> T:
    """Build a `cls` from a mapping; `strict` refuses unknown fields."""
    return typing.cast(T, _decode(cls, data, strict, where or cls.__name__))


def _decode(tp: Any, data: Any, strict: bool, where: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if data is None:
            return None
        return _decode(args[0], data, strict, where)
    if origin is list:
        if data is None:
            return []
        if not isinstance(data, list):
            raise DecodeError(f"{where}: expected a list, got {type(data).__name__}")
        (item,) = typing.get_args(tp)
        return [_decode(item, v, strict, f"{where}[{i}]") for i, v in enumerate(data)]
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise DecodeError(f"{where}: expected a mapping, got {type(data).__name__}")
        hints = _hints(tp)
        names = {f.name for f in dataclasses.fields(tp)}
        if strict:
            unknown = sorted(set(data) - names)
            if unknown:
                allowed = ", ".join(sorted(names))
                raise DecodeError(f"{where}: unknown field(s) {', '.join(unknown)}; allowed: {allowed}")
        kwargs = {}
        for f in dataclasses.fields(tp):
            if f.name in data:
                kwargs[f.name] = _decode(hints[f.name], data[f.name], strict, f"{where}.{f.name}")
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise DecodeError(f"{where}: missing required field '{f.name}'")
        return typing.cast(Any, tp)(**kwargs)
    if isinstance(tp, type) and issubclass(tp, Enum):
        try:
            return tp(data)
        except ValueError:
            allowed = ", ".join(m.value for m in tp)
            raise DecodeError(f"{where}: '{data}' is not one of {allowed}") from None
    if tp is dt.datetime:
        if isinstance(data, str):
            try:
                data = dt.datetime.fromisoformat(data)
            except ValueError:
                raise DecodeError(f"{where}: '{data}' is not a date and time (ISO 8601)") from None
        if not isinstance(data, dt.datetime):
            raise DecodeError(f"{where}: expected a date and time, got {data!r}")
        return data if data.tzinfo else data.replace(tzinfo=dt.UTC)  # the driver returns naive UTC
    if tp is dt.date:
        if isinstance(data, dt.datetime):
            return data.date()
        if isinstance(data, dt.date):
            return data
        try:
            return dt.date.fromisoformat(str(data))
        except ValueError:
            raise DecodeError(f"{where}: '{data}' is not a date (YYYY-MM-DD)") from None
    if tp is bool:
        if not isinstance(data, bool):
            raise DecodeError(f"{where}: expected true or false, got {data!r}")
        return data
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise DecodeError(f"{where}: expected a whole number, got {data!r}")
        return data
    if tp is str:
        if not isinstance(data, str):
            raise DecodeError(f"{where}: expected text, got {data!r}")
        return data
    return data
