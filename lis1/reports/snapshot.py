"""`ReportInput` to JSON and back, so a closed round's report input can be frozen.

Pure Python, like the rows. Dates and times are tagged (`{"$date": …}`) because some fields
hold them where the type says only `object` (a `GroupCount.key` is a birth date in one table,
a country code in another); dicts are tagged lists of pairs, since PostgreSQL's jsonb does not
keep key order; dataclasses, lists and tuples follow the type hints, so a loaded input equals
the dumped one. A field missing from a stored snapshot (one added to the
rows since) takes its default; a stored field the rows no longer have is dropped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
import typing
from typing import Any

from lis1.reports.rows import ReportInput

#: Bumped when a change to the rows makes earlier snapshots unreadable as they are (a renamed
#: or retyped field); an added field with a default needs no new format.
# 2: the outcome vocabulary (offered, hired and with_position; offers where offers are meant).
FORMAT = "lis1-report-input/2"


class SnapshotFormatError(ValueError):
    """A stored snapshot is of a format this code cannot read."""


def _dump(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    # datetime before date: a datetime is a date too.
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, list | tuple):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        # As pairs: PostgreSQL's jsonb does not keep the order of an object's keys.
        return {"$dict": [[_dump(k), _dump(v)] for k, v in value.items()]}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot freeze a {type(value).__name__} in a report input")


def _untagged(value: Any) -> Any:
    """A value whose type the hints do not tell (`object`): dates by their tags."""
    if isinstance(value, dict):
        if set(value) == {"$datetime"}:
            return dt.datetime.fromisoformat(value["$datetime"])
        if set(value) == {"$date"}:
            return dt.date.fromisoformat(value["$date"])
        if set(value) == {"$dict"}:
            return {_untagged(k): _untagged(v) for k, v in value["$dict"]}
        raise SnapshotFormatError(f"untagged object in a report input snapshot: {sorted(value)}")
    if isinstance(value, list):
        return [_untagged(v) for v in value]
    return value


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _load(value: Any, hint: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(options) == 1:
            return _load(value, options[0])
        return _untagged(value)
    if origin is list:
        (item,) = typing.get_args(hint)
        return [_load(v, item) for v in value]
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_load(v, args[0]) for v in value)
        return tuple(_load(v, a) for v, a in zip(value, args, strict=True))
    if origin is dict:
        key, item = typing.get_args(hint)
        return {_load(k, key): _load(v, item) for k, v in value["$dict"]}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        names = {f.name for f in dataclasses.fields(hint) if f.init}
        return hint(**{k: _load(v, hints[k]) for k, v in value.items() if k in names})
    if hint is dt.datetime:
        return dt.datetime.fromisoformat(value["$datetime"])
    if hint is dt.date:
        return dt.date.fromisoformat(value["$date"])
    return _untagged(value)


def input_dump(data: ReportInput) -> dict[str, Any]:
    """The input as plain JSON data, with its format."""
    return {"format": FORMAT, "input": _dump(data)}


def input_load(stored: dict[str, Any]) -> ReportInput:
    """The input a snapshot froze; `SnapshotFormatError` for a format this code cannot read."""
    if not isinstance(stored, dict) or stored.get("format") != FORMAT:
        found = stored.get("format") if isinstance(stored, dict) else None
        raise SnapshotFormatError(f"report input snapshot of format {found!r}, not {FORMAT}")
    loaded = _load(stored["input"], ReportInput)
    assert isinstance(loaded, ReportInput)
    return loaded
