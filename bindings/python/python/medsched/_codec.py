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
import re
import typing
from datetime import date, datetime, time, timezone
from typing import Any, Callable, ClassVar, Dict, Optional, Tuple, Type, TypeVar, Union

from zoneinfo import ZoneInfo

from . import _native
from .errors import InvalidInputError, invalid_input

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
                why = f"must be an aware datetime (with a tzinfo), got naive {value.isoformat()}"
                raise invalid_input(
                    name, value, "wrong_type", why, f"{type(self).__name__}.{name} {why}"
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
        text = _canonical(self._serde, to_json(self))
        return typing.cast(Dict[str, Any], json.loads(text))

    @classmethod
    def from_dict(cls: Type[R], data: Dict[str, Any]) -> R:
        """Reads a value from the core's JSON form (as ``to_dict`` writes it).

        Raises :class:`~medsched.InvalidInputError` naming the field for a value the core's
        JSON reader refuses (see ``to_dict``).
        """
        text = _canonical(cls._serde, to_json(data))
        canonical = json.loads(text)
        found = canonical.get(cls._tag[0]) if cls._tag is not None else None
        if cls._tag is not None and found != cls._tag[1]:
            raise invalid_input(
                cls._tag[0], found, "wrong_type",
                f"{cls.__name__}.from_dict expects {cls._tag[0]} = {cls._tag[1]!r}, got "
                f"{found!r}; use medsched.from_dict({cls._serde}, data) to read any variant",
            )
        return decode(cls, canonical)


def from_dict(annotation: Any, data: Any) -> Any:
    """Reads a value of ``annotation`` (a data class, or a union of variants such as
    ``Command``, ``Change`` or ``TokenCommand``) from the core's JSON form."""
    serde = _serde_name(annotation)
    if serde:
        data = json.loads(_canonical(serde, to_json(data)))
    return decode(annotation, data)


def _canonical(serde: str, text: str) -> str:
    """The core's own form of JSON ``text`` of the type ``serde``; a refusal of the text as a
    whole (it is not JSON the core reads at all) names the field ``value``."""
    try:
        return _native.canonical(serde, text)
    except InvalidInputError as e:
        raise _under("", e) from None


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
    """An aware datetime as the core's RFC 3339 text (in UTC). Anything else, a naive one
    included, is a :class:`~medsched.WrongTypeError` naming ``what``; one whose UTC time is
    outside years 1 to 9999 an :class:`~medsched.InvalidInputError`."""
    if not isinstance(value, datetime):
        raise invalid_input(
            what, value, "wrong_type",
            f"must be an aware datetime, got {type(value).__name__}",
        )
    if value.utcoffset() is None:
        raise invalid_input(
            what, value, "wrong_type",
            f"must be an aware datetime (with a tzinfo), got naive {value.isoformat()}",
        )
    return _within(what, _instant, value)


def to_json(value: Any, what: str = "") -> str:
    """A Python value as the JSON text the native module reads; a value that has no JSON
    form is an :class:`~medsched.InvalidInputError` naming ``what`` and the path inside it."""
    return json.dumps(_within(what, encode, value))


def _within(what: str, convert: Callable[[Any], _T], value: Any) -> _T:
    """``convert(value)``, a refusal's field prefixed with ``what``."""
    try:
        return convert(value)
    except InvalidInputError as e:
        raise _under(what, e) from None


def _under(what: str, error: InvalidInputError) -> InvalidInputError:
    """``error`` with its field inside ``what`` (a name, or ``[i]`` for a list item)."""
    if not what:
        return error if error.field else _under("value", error)
    if not error.field:
        field = what
    elif error.field.startswith("["):
        field = what + error.field
    else:
        field = f"{what}.{error.field}"
    return invalid_input(field, error.value, error.problem, error.problem_message)


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
    try:
        return value.astimezone(timezone.utc).isoformat()
    except (OverflowError, ValueError):
        raise invalid_input(
            "", value, "out_of_range", "out of range: its UTC time is outside years 1 to 9999"
        ) from None


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
        return lambda value: [_within(f"[{i}]", encode, v) for i, v in enumerate(value)]
    if issubclass(kind, dict):
        return lambda value: {str(k): _within(str(k), encode, v) for k, v in value.items()}
    return _unwritable


def _unwritable(value: Any) -> Any:
    raise invalid_input(
        "", value, "wrong_type", f"has no JSON form: a {type(value).__name__} is not a value "
        "medsched reads"
    )


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
        encoded = _within(key, encode, values[name])
        if flatten and isinstance(encoded, dict):
            out.update(encoded)
        else:
            out[key] = encoded
    return out


@typing.overload
def decode(annotation: Type[_T], data: Any, path: str = "") -> _T: ...


@typing.overload
def decode(annotation: Any, data: Any, path: str = "") -> Any: ...


def decode(annotation: Any, data: Any, path: str = "") -> Any:
    """JSON types as the Python value of ``annotation``. A value Python cannot hold (a leap
    second, a date outside years 1 to 9999) is an :class:`~medsched.InvalidInputError`
    naming ``path``, the field inside the value read."""
    if data is None:
        return None
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return decode(typing.get_args(annotation)[0], data, path)
    if origin is Union:
        return _decode_union(typing.get_args(annotation), data, path)
    if origin in (list, typing.List):
        (item,) = typing.get_args(annotation) or (Any,)
        _expect(list, data, path)
        return [decode(item, v, f"{path}[{i}]") for i, v in enumerate(data)]
    if origin in (dict, typing.Dict):
        _, item = typing.get_args(annotation) or (str, Any)
        _expect(dict, data, path)
        return {k: decode(item, v, _key(path, k)) for k, v in data.items()}
    if annotation is Any or annotation is object:
        return data
    if isinstance(annotation, type):
        if issubclass(annotation, Record):
            _expect(dict, data, path)
            return _decode_record(annotation, data, path)
        reader = _READERS[annotation]
        if reader is not None:
            try:
                return reader(data)
            except (ValueError, OverflowError, TypeError) as e:
                raise _unreadable(path, data, annotation, e) from None
        if annotation is float and isinstance(data, int):
            return float(data)
    return data


def _expect(kind: type, data: Any, path: str) -> None:
    """Refuses JSON that is not a ``kind`` (a list or an object) where one belongs."""
    if not isinstance(data, kind):
        what = "a list" if kind is list else "an object"
        raise invalid_input(
            path or "value", data, "wrong_type", f"must be {what}, got {type(data).__name__}"
        )


def _unreadable(path: str, data: Any, annotation: type, error: Exception) -> InvalidInputError:
    """The error for a value medsched wrote that Python's ``annotation`` cannot hold."""
    text = str(data)
    if annotation in (datetime, time) and _LEAP_SECOND.search(text):
        problem = "malformed: a leap second (:60) has no Python datetime or time"
    elif annotation in (datetime, date):
        problem = f"out of range: not a Python {annotation.__name__} (years 1 to 9999): {error}"
    else:
        problem = f"malformed: not a {annotation.__name__}: {error}"
    code = "out_of_range" if problem.startswith("out of range") else "malformed"
    return invalid_input(path or "value", data, code, problem)


_LEAP_SECOND = re.compile(r"(^|T|\s)\d\d:\d\d:60")


def _key(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _decode_union(options: Tuple[Any, ...], data: Any, path: str) -> Any:
    real = [o for o in options if o is not type(None)]
    if len(real) == 1:
        return decode(real[0], data, path)
    if isinstance(data, str) and str in real:
        return data
    if isinstance(data, dict):
        for option in real:
            tag = getattr(option, "_tag", None)
            if tag is not None and data.get(tag[0]) == tag[1]:
                return decode(option, data, path)
    raise invalid_input(path or "value", data, "wrong_type", f"no variant of {options} matches")


def _decode_record(cls: Type[R], data: Dict[str, Any], path: str) -> R:
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
            kwargs[f.name] = decode(hints[f.name], data[key], _key(path, key))
    if flat is not None:
        rest = {k: v for k, v in data.items() if k not in used}
        kwargs[flat.name] = decode(hints[flat.name], rest, path)
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


class _Readers(Dict[type, Any]):
    """How JSON text is read as a Python value of a type: dates, times and enums."""

    def __missing__(self, kind: type) -> Any:
        reader = kind if issubclass(kind, enum.Enum) else None
        self[kind] = reader
        return reader


_READERS = _Readers({datetime: _parse_datetime, date: date.fromisoformat, time: time.fromisoformat})


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
