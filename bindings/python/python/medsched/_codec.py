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
import sys
import typing
from datetime import date, datetime, time, timezone
from typing import Any, Callable, ClassVar, Dict, List, Optional, Tuple, Type, TypeVar, Union

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
    naming ``path``, the field inside the value read.

    Each annotation is read by a reader made once for it (:func:`_reader`) and kept: a
    record's fields, their JSON keys and their readers are looked up when the class is first
    read, not for every value."""
    try:
        return _reader(annotation)(data)
    except _Unread as e:
        field = _inside(path, e.field) if path else e.field
        raise invalid_input(field or "value", e.data, e.code, e.problem) from None


class _Unread(Exception):
    """JSON a reader cannot read: ``field`` is where, inside the value read (filled in as the
    error leaves each list, dict and record), then raised as an ``InvalidInputError``."""

    def __init__(self, data: Any, code: str, problem: str) -> None:
        super().__init__(problem)
        self.field = ""
        self.data = data
        self.code = code
        self.problem = problem


def _inside(prefix: str, field: str) -> str:
    """``field`` inside ``prefix`` (a key or ``[i]``): ``key.field``, ``key[i]``, ``[i].field``."""
    if not field:
        return prefix
    return prefix + field if field.startswith("[") else f"{prefix}.{field}"


_Reader = Callable[[Any], Any]
_READ: Dict[Any, _Reader] = {}


def _reader(annotation: Any) -> _Reader:
    """The reader of ``annotation``'s values, made on first use and kept."""
    try:
        return _READ[annotation]
    except KeyError:
        made = _make_reader(annotation)
        _READ[annotation] = made
        return made
    except TypeError:  # an annotation that cannot be a key: read without keeping
        return _make_reader(annotation)


def _as_is(data: Any) -> Any:
    """JSON that is already the Python value (text, numbers, booleans, ``None``)."""
    return data


def _make_reader(annotation: Any) -> _Reader:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _reader(typing.get_args(annotation)[0])
    if origin is Union:
        return _union_reader(typing.get_args(annotation))
    if origin in (list, typing.List):
        (item,) = typing.get_args(annotation) or (Any,)
        return _list_reader(item)
    if origin in (dict, typing.Dict):
        _, item = typing.get_args(annotation) or (str, Any)
        return _dict_reader(item)
    if annotation is Any or annotation is object or not isinstance(annotation, type):
        return _as_is
    if issubclass(annotation, Record):
        return _record_reader(annotation)
    reader = _READERS[annotation]
    if reader is not None:
        return _text_reader(annotation, reader)
    if annotation is float:
        return _float
    return _as_is


def _float(data: Any) -> Any:
    return float(data) if isinstance(data, int) else data


def _text_reader(annotation: type, read: Callable[[Any], Any]) -> _Reader:
    """Dates, times and enums."""

    def reader(data: Any) -> Any:
        if data is None:
            return None
        try:
            return read(data)
        except (ValueError, OverflowError, TypeError) as e:
            raise _unreadable(data, annotation, e) from None

    return reader


def _expect(kind: type, data: Any) -> None:
    """Refuses JSON that is not a ``kind`` (a list or an object) where one belongs."""
    if not isinstance(data, kind):
        what = "a list" if kind is list else "an object"
        raise _Unread(data, "wrong_type", f"must be {what}, got {type(data).__name__}")


def _list_reader(item: Any) -> _Reader:
    read = _reader(item)

    def reader(data: Any) -> Any:
        if data is None:
            return None
        _expect(list, data)
        try:
            return [read(v) for v in data]
        except _Unread:
            for i, v in enumerate(data):  # which item: read again, in turn, to say
                try:
                    read(v)
                except _Unread as e:
                    e.field = _inside(f"[{i}]", e.field)
                    raise
            raise

    return reader


def _dict_reader(item: Any) -> _Reader:
    read = _reader(item)

    def reader(data: Any) -> Any:
        if data is None:
            return None
        _expect(dict, data)
        key = ""
        try:
            out = {}
            for key, v in data.items():
                out[key] = read(v)
            return out
        except _Unread as e:
            e.field = _inside(key, e.field)
            raise

    return reader


def _unreadable(data: Any, annotation: type, error: Exception) -> _Unread:
    """The error for a value medsched wrote that Python's ``annotation`` cannot hold."""
    text = str(data)
    if annotation in (datetime, time) and _LEAP_SECOND.search(text):
        problem = "malformed: a leap second (:60) has no Python datetime or time"
    elif annotation in (datetime, date):
        problem = f"out of range: not a Python {annotation.__name__} (years 1 to 9999): {error}"
    else:
        problem = f"malformed: not a {annotation.__name__}: {error}"
    code = "out_of_range" if problem.startswith("out of range") else "malformed"
    return _Unread(data, code, problem)


_LEAP_SECOND = re.compile(r"(^|T|\s)\d\d:\d\d:60")


def _union_reader(options: Tuple[Any, ...]) -> _Reader:
    real = [o for o in options if o is not type(None)]
    if len(real) == 1:
        return _reader(real[0])
    takes_text = str in real
    tagged = [(o._tag, o) for o in real if getattr(o, "_tag", None) is not None]

    def reader(data: Any) -> Any:
        if data is None:
            return None
        if takes_text and isinstance(data, str):
            return data
        if isinstance(data, dict):
            for (key, value), option in tagged:
                if data.get(key) == value:
                    return _reader(option)(data)
        raise _Unread(data, "wrong_type", f"no variant of {options} matches")

    return reader


def _record_reader(cls: Type[R]) -> _Reader:
    """A record's reader; its fields' readers are made on its first read (so that a record
    naming itself, or a class defined later, is read too).

    The record is made without calling its ``__init__``: every field is set from the JSON or
    from its default. ``__init__``'s own checks (aware datetimes, zone names as text) hold for
    the core's JSON by construction: it writes instants in UTC and zones by name."""
    plan: List[Any] = []

    def reader(data: Any) -> Any:
        if data is None:
            return None
        _expect(dict, data)
        if not plan:
            plan.append(_record_plan(cls))
        fields, flat, used = plan[0]
        values: Dict[str, Any] = {}
        key = ""
        try:
            for name, key, read, default in fields:
                if key in data:
                    values[name] = data[key] if read is None else read(data[key])
                elif default is not _REQUIRED:
                    values[name] = default()
                else:
                    return _made_by_init(cls, data, plan[0])
        except _Unread as e:
            e.field = _inside(key, e.field)
            raise
        if flat is not None:
            name, read = flat
            values[name] = read({k: v for k, v in data.items() if k not in used})
        made = object.__new__(cls)
        made.__dict__.update(values)
        return made

    return reader


def _made_by_init(cls: type, data: Dict[str, Any], plan: Any) -> Any:
    """A record whose JSON lacks a field without a default: made by ``__init__``, which
    refuses it as Python refuses a missing argument."""
    fields, flat, used = plan
    kwargs = {name: data[key] if read is None else read(data[key])
              for name, key, read, _ in fields if key in data}
    if flat is not None:
        kwargs[flat[0]] = flat[1]({k: v for k, v in data.items() if k not in used})
    return cls(**kwargs)


class _Required:
    """A field without a default."""


_REQUIRED = _Required()


def _record_plan(
    cls: type,
) -> Tuple[List[Tuple[str, str, Optional[_Reader], Any]], Any, frozenset[str]]:
    """A record's fields as (name, JSON key, reader or ``None`` to take the JSON value as it
    is, default: a callable giving it, or ``_REQUIRED``), its flattened field (name, reader)
    if any, and the JSON keys its other fields and its tag take."""
    hints = _hints(cls)
    fields: List[Tuple[str, str, Optional[_Reader], Any]] = []
    flat = None
    used = set()
    tag = typing.cast(Any, cls)._tag
    if tag is not None:
        used.add(tag[0])
    for f in dataclasses.fields(typing.cast(Any, cls)):
        if f.metadata.get("flatten"):
            flat = (f.name, _reader(hints[f.name]))
            continue
        key = str(f.metadata.get("json", f.name))
        used.add(key)
        read = _reader(hints[f.name])
        if f.default is not dataclasses.MISSING:
            default: Any = _Value(f.default)
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory
        else:
            default = _REQUIRED
        fields.append((f.name, key, None if read is _as_is else read, default))
    return fields, flat, frozenset(used)


class _Value:
    """A field's default value, called to give it (like a default factory)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __call__(self) -> Any:
        return self.value


def _parse_datetime(text: str) -> datetime:
    if _READS_Z and len(text) == 20 and text[19] == "Z":  # the core's UTC text, whole seconds
        return datetime.fromisoformat(text)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    head, dot, tail = text.partition(".")
    if dot:
        digits = len(tail) - len(tail.lstrip("0123456789"))
        fraction, rest = tail[:digits], tail[digits:]
        text = f"{head}.{fraction[:6].ljust(6, '0')}{rest}"
    value = datetime.fromisoformat(text)
    return value.astimezone(timezone.utc) if value.tzinfo is not None else value


_READS_Z = sys.version_info >= (3, 11)
"""Whether ``datetime.fromisoformat`` reads a ``Z`` (as UTC): from Python 3.11."""


def _enum_reader(kind: Type[enum.Enum]) -> Callable[[Any], Any]:
    """An enum's member by value: looked up in the enum's own table, the enum called (and
    refusing) only for a value not in it."""
    members = kind._value2member_map_

    def read(value: Any) -> Any:
        try:
            return members[value]
        except (KeyError, TypeError):
            return kind(value)

    return read


class _Readers(Dict[type, Any]):
    """How JSON text is read as a Python value of a type: dates, times and enums."""

    def __missing__(self, kind: type) -> Any:
        reader = _enum_reader(kind) if issubclass(kind, enum.Enum) else None
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
