"""Conversion between medsched's Python data classes and their JSON form.

Every data class derives from :class:`Record`. Its JSON form is the serde JSON of the Rust
type named by ``_serde``: ``to_dict`` and ``from_dict`` pass through the native module, which
reads the value as the core does and fills its defaults, so a dict from ``to_dict`` is
exactly what the Rust core would write and ``from_dict`` refuses what the core's JSON reader
refuses (with an :class:`~medsched.InvalidInputError` naming the field).

Python values become JSON by their own type (aware ``datetime`` → RFC 3339 text in UTC,
naive ``datetime`` → local wall-clock text, ``date``, ``time``, ``ZoneInfo``, enums, records,
lists and dicts); JSON becomes Python values by the class's annotations.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import typing
from datetime import date, datetime, time, timezone
from typing import Any, ClassVar, Dict, Optional, Tuple, Type, TypeVar, Union

from zoneinfo import ZoneInfo

from . import _native

R = TypeVar("R", bound="Record")
_T = TypeVar("_T")

LOCAL = "local"
"""Marks a ``datetime`` field that holds a local wall-clock time (naive by design)."""

LocalDateTime = typing.Annotated[datetime, LOCAL]
"""A wall-clock date and time at a location, without a zone (e.g. ``Slot.local_start``)."""


class Record:
    """The base of medsched's data classes: keyword constructors, ``repr``, equality (from
    ``dataclasses``), and ``to_dict`` / ``from_dict`` in the core's JSON form."""

    _serde: ClassVar[str] = ""
    """The Rust type whose serde JSON is this class's JSON form."""

    _tag: ClassVar[Optional[Tuple[str, Union[str, int]]]] = None
    """A key the JSON form always carries, with its fixed value: for one variant of a tagged
    Rust enum, the tag's key and this variant's name; for ``Event``, ``"v"`` and the format
    version."""

    def __post_init__(self) -> None:
        for name in _aware_fields(type(self)):
            value = getattr(self, name)
            if isinstance(value, datetime) and value.utcoffset() is None:
                raise TypeError(
                    f"{type(self).__name__}.{name} must be an aware datetime "
                    f"(with a tzinfo), got naive {value.isoformat()}"
                )
        for name in _zone_fields(type(self)):
            value = getattr(self, name)
            if isinstance(value, ZoneInfo):
                setattr(self, name, value.key)

    def to_dict(self) -> Dict[str, Any]:
        """The core's JSON form of this value, as a dict of JSON types.

        Raises :class:`~medsched.InvalidInputError` (naming the field) for a value the core's
        JSON reader refuses (a wrong type, an unknown enum value). Rules that need the whole
        clinic (known zones, references, overlaps) are checked where the value is compiled:
        ``ClinicRules``, ``Availability``, ``Schedule``.
        """
        text = _native.canonical(self._serde, to_json(self))
        return typing.cast(Dict[str, Any], json.loads(text))

    @classmethod
    def from_dict(cls: Type[R], data: Dict[str, Any]) -> R:
        """Reads a value from the core's JSON form (as ``to_dict`` writes it).

        Raises :class:`~medsched.InvalidInputError` naming the field for a value the core's
        JSON reader refuses (see ``to_dict``).
        """
        text = _native.canonical(cls._serde, to_json(data))
        canonical = json.loads(text)
        if cls._tag is not None and canonical.get(cls._tag[0]) != cls._tag[1]:
            raise TypeError(
                f"{cls.__name__}.from_dict expects {cls._tag[0]} = {cls._tag[1]!r}, got "
                f"{canonical.get(cls._tag[0])!r}; use medsched.from_dict({cls._serde}, data) "
                "to read any variant"
            )
        return decode(cls, canonical)


def from_dict(annotation: Any, data: Any) -> Any:
    """Reads a value of ``annotation`` (a data class, or a union of variants such as
    ``Command``, ``Change`` or ``TokenCommand``) from the core's JSON form."""
    serde = _serde_name(annotation)
    if serde:
        data = json.loads(_native.canonical(serde, to_json(data)))
    return decode(annotation, data)


def _serde_name(annotation: Any) -> str:
    if typing.get_origin(annotation) is Union:
        names = {_serde_name(a) for a in typing.get_args(annotation)}
        if names == {"Change", "TokenChange"}:
            return "Change"  # the core's Change reads a token change too (its Token variant)
        return names.pop() if len(names) == 1 else ""
    if isinstance(annotation, typing.ForwardRef):
        return ""
    return str(getattr(annotation, "_serde", ""))


def utc_text(value: datetime, what: str) -> str:
    """An aware datetime as the core's RFC 3339 text (in UTC); a naive one is a ``TypeError``
    naming ``what``."""
    if not isinstance(value, datetime):
        raise TypeError(f"{what} must be an aware datetime, got {type(value).__name__}")
    if value.utcoffset() is None:
        raise TypeError(
            f"{what} must be an aware datetime (with a tzinfo), got naive {value.isoformat()}"
        )
    return _instant(value)


def to_json(value: Any) -> str:
    """A Python value as the JSON text the native module reads."""
    return json.dumps(encode(value))


def encode(value: Any) -> Any:
    """A Python value as JSON types, by the value's own type."""
    kind = type(value)
    writer = _WRITERS.get(kind)
    if writer is None:
        writer = _writer(kind)
        _WRITERS[kind] = writer
    return writer(value)


def _same(value: Any) -> Any:
    return value


def _instant(value: datetime) -> str:
    """RFC 3339 text: in UTC for an aware datetime (an offset such as LMT's +05:21:10 has
    seconds, which RFC 3339 cannot write), as it is for a naive local one."""
    if value.tzinfo is None or value.tzinfo is timezone.utc:
        return value.isoformat()
    return value.astimezone(timezone.utc).isoformat()


def _clock(value: time) -> str:
    whole = value.second == 0 and value.microsecond == 0
    return value.isoformat(timespec="minutes") if whole else value.isoformat()


def _writer(kind: type) -> Any:
    """How values of a type are written (cached per type by ``encode``)."""
    if issubclass(kind, Record):
        plan = _plan(kind)
        return lambda value: _encode_record(value, plan)
    if issubclass(kind, enum.Enum):
        return lambda value: value.value
    if issubclass(kind, (bool, int, float, str)) or kind is type(None):
        return _same
    if issubclass(kind, datetime):
        return _instant
    if issubclass(kind, date):
        return date.isoformat
    if issubclass(kind, time):
        return _clock
    if issubclass(kind, ZoneInfo):
        return lambda value: value.key
    if issubclass(kind, (list, tuple)):
        return lambda value: [encode(v) for v in value]
    if issubclass(kind, dict):
        return lambda value: {str(k): encode(v) for k, v in value.items()}
    raise TypeError(f"cannot convert a {kind.__name__} to medsched's JSON form")


_WRITERS: Dict[type, Any] = {}
_Plan = Tuple[Optional[Tuple[str, Union[str, int]]], Tuple[Tuple[str, str, bool], ...]]
def _plan(cls: type) -> _Plan:
    """How to write a record class: its tag, and each field's name, JSON key and flattening."""
    fields = tuple(
        (f.name, str(f.metadata.get("json", f.name)), bool(f.metadata.get("flatten")))
        for f in dataclasses.fields(typing.cast(Any, cls))
    )
    return (typing.cast(Any, cls)._tag, fields)


def _encode_record(record: Any, plan: _Plan) -> Dict[str, Any]:
    tag, fields = plan
    out: Dict[str, Any] = {} if tag is None else {tag[0]: tag[1]}
    values = record.__dict__
    for name, key, flatten in fields:
        encoded = encode(values[name])
        if flatten and isinstance(encoded, dict):
            out.update(encoded)
        else:
            out[key] = encoded
    return out


@typing.overload
def decode(annotation: Type[_T], data: Any) -> _T: ...


@typing.overload
def decode(annotation: Any, data: Any) -> Any: ...


def decode(annotation: Any, data: Any) -> Any:
    """JSON types as the Python value of ``annotation``."""
    if data is None:
        return None
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return decode(typing.get_args(annotation)[0], data)
    if origin is Union:
        return _decode_union(typing.get_args(annotation), data)
    if origin in (list, typing.List):
        (item,) = typing.get_args(annotation) or (Any,)
        return [decode(item, v) for v in data]
    if origin in (dict, typing.Dict):
        _, item = typing.get_args(annotation) or (str, Any)
        return {k: decode(item, v) for k, v in data.items()}
    if annotation is Any or annotation is object:
        return data
    if isinstance(annotation, type):
        if issubclass(annotation, Record):
            return _decode_record(annotation, data)
        if issubclass(annotation, enum.Enum):
            return annotation(data)
        if annotation is datetime:
            return _parse_datetime(data)
        if annotation is date:
            return date.fromisoformat(data)
        if annotation is time:
            return time.fromisoformat(data)
        if annotation is float and isinstance(data, int):
            return float(data)
    return data


def _decode_union(options: Tuple[Any, ...], data: Any) -> Any:
    real = [o for o in options if o is not type(None)]
    if len(real) == 1:
        return decode(real[0], data)
    if isinstance(data, str) and str in real:
        return data
    if isinstance(data, dict):
        for option in real:
            tag = getattr(option, "_tag", None)
            if tag is not None and data.get(tag[0]) == tag[1]:
                return decode(option, data)
    raise TypeError(f"no variant of {options} matches {data!r}")


def _decode_record(cls: Type[R], data: Dict[str, Any]) -> R:
    hints = _hints(cls)
    kwargs: Dict[str, Any] = {}
    flat: Optional[dataclasses.Field[Any]] = None
    used = set()
    if cls._tag is not None:
        used.add(cls._tag[0])
    for f in dataclasses.fields(typing.cast(Any, cls)):
        if f.metadata.get("flatten"):
            flat = f
            continue
        key = f.metadata.get("json", f.name)
        used.add(key)
        if key in data:
            kwargs[f.name] = decode(hints[f.name], data[key])
    if flat is not None:
        rest = {k: v for k, v in data.items() if k not in used}
        kwargs[flat.name] = decode(hints[flat.name], rest)
    return cls(**kwargs)


def _parse_datetime(text: str) -> datetime:
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    head, dot, tail = text.partition(".")
    if dot:
        digits = len(tail) - len(tail.lstrip("0123456789"))
        fraction, rest = tail[:digits], tail[digits:]
        text = f"{head}.{fraction[:6].ljust(6, '0')}{rest}"
    value = datetime.fromisoformat(text)
    return value.astimezone(timezone.utc) if value.tzinfo is not None else value


_HINTS: Dict[type, Dict[str, Any]] = {}
_AWARE: Dict[type, Tuple[str, ...]] = {}
_ZONES: Dict[type, Tuple[str, ...]] = {}


def _hints(cls: type) -> Dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        hints = typing.get_type_hints(cls, include_extras=True)
        _HINTS[cls] = hints
    return hints


def _aware_fields(cls: type) -> Tuple[str, ...]:
    names = _AWARE.get(cls)
    if names is None:
        hints = _hints(cls)
        names = tuple(
            f.name
            for f in dataclasses.fields(typing.cast(Any, cls))
            if _plain(hints[f.name]) is datetime and not _is_local(hints[f.name])
        )
        _AWARE[cls] = names
    return names


def _zone_fields(cls: type) -> Tuple[str, ...]:
    names = _ZONES.get(cls)
    if names is None:
        names = tuple(
            f.name for f in dataclasses.fields(typing.cast(Any, cls)) if f.metadata.get("zone")
        )
        _ZONES[cls] = names
    return names


def _plain(annotation: Any) -> Any:
    if typing.get_origin(annotation) is typing.Annotated:
        return _plain(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) is Union:
        real = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _plain(real[0]) if len(real) == 1 else annotation
    return annotation


def _is_local(annotation: Any) -> bool:
    if typing.get_origin(annotation) is Union:
        return any(_is_local(a) for a in typing.get_args(annotation))
    return typing.get_origin(annotation) is typing.Annotated and LOCAL in typing.get_args(
        annotation
    )[1:]
