"""Arguments checked where they enter the public API, by the function's own annotations.

A wrong Python type is a :class:`~medsched.WrongTypeError` (an ``InvalidInputError`` and a
``TypeError``) and a number out of range an :class:`~medsched.InvalidInputError` (a
``ValueError``), each naming the argument (``field``), before anything reaches the native
module: no ``AttributeError`` from a ``str`` where a ``date`` is expected, no
``OverflowError`` from ``-1`` where the core counts from zero.
"""

from __future__ import annotations

import collections.abc
import functools
import inspect
import math
import typing
from datetime import date, datetime
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar, Union, cast

from ._codec import utc_text
from .errors import WrongTypeError, invalid_input

F = TypeVar("F", bound=Callable[..., Any])

Span = Tuple[int, int]
"""The inclusive range an ``int`` argument may take."""

U32: Span = (0, 2**32 - 1)
"""A count, number or minutes the core keeps in 32 bits (the default for ``int``)."""

U64: Span = (0, 2**64 - 1)
"""A feed position, version or limit the core keeps in 64 bits."""

ISIZE: Span = (-(2**63), 2**63 - 1)
"""An index into a native sequence (negative from the end)."""

Check = Callable[[Any, str], None]


def checked(**spans: Span) -> Callable[[F], F]:
    """Checks a function's arguments against its annotations on every call; ``spans`` gives
    the range of an ``int`` argument other than :data:`U32` (by name)."""

    def wrap(func: F) -> F:
        names = [
            p.name
            for p in inspect.signature(func).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        checks: Optional[Dict[str, Check]] = None

        @functools.wraps(func)
        def call(*args: Any, **kwargs: Any) -> Any:
            nonlocal checks
            if checks is None:
                checks = _checks(func, spans)
            for name, value in zip(names, args):
                check = checks.get(name)
                if check is not None:
                    check(value, name)
            for name, value in kwargs.items():
                check = checks.get(name)
                if check is not None:
                    check(value, name)
            return func(*args, **kwargs)

        return cast(F, call)

    return wrap


def _checks(func: Callable[..., Any], spans: Dict[str, Span]) -> Dict[str, Check]:
    hints = typing.get_type_hints(func, include_extras=True)
    return {
        name: check_for(hint, spans.get(name, U32))
        for name, hint in hints.items()
        if name != "return"
    }


def check_for(annotation: Any, span: Span = U32) -> Check:
    """The check of a value against ``annotation`` (``int`` values within ``span``)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return check_for(args[0], span)
    if origin is Union:
        return _union([a for a in args if a is not type(None)], type(None) in args, span)
    if origin in (list, List):
        return _sequence(check_for(args[0] if args else Any, span))
    if origin in (dict, Dict):
        return _instance(dict, "a dict")
    if origin is collections.abc.Iterable:
        return _iterable
    if annotation is Any or annotation is object or not isinstance(annotation, type):
        return _anything
    if annotation is bool:
        return _instance(bool, "a bool")
    if annotation is int:
        return functools.partial(_int, span=span)
    if annotation is float:
        return _float
    if annotation is str:
        return _str
    if annotation is datetime:
        return _datetime
    if annotation is date:
        return _date
    return _instance(annotation, _article(annotation.__name__))


def wrong_type(field: str, expected: str, value: object) -> WrongTypeError:
    """The error for ``value`` given where ``expected`` (e.g. ``"a date"``) belongs."""
    return cast(
        WrongTypeError,
        invalid_input(
            field, value, "wrong_type", f"must be {expected}, got {type(value).__name__}"
        ),
    )


def _anything(value: Any, field: str) -> None:
    pass


def _instance(kind: type, expected: str) -> Check:
    def check(value: Any, field: str) -> None:
        if not isinstance(value, kind):
            raise wrong_type(field, expected, value)

    return check


def _union(options: List[Any], nullable: bool, span: Span) -> Check:
    checks = [check_for(o, span) for o in options]
    names = [_name(o) for o in options] + (["None"] if nullable else [])
    expected = " or ".join(names)
    # Classes whose check is `isinstance` alone: a value of one passes at once, without
    # trying (and describing, in an error) the options before it.
    plain = tuple(
        o
        for o in options
        if isinstance(o, type)
        and typing.get_origin(o) is None
        and o not in (bool, int, float, str, datetime, date)
    )

    def check(value: Any, field: str) -> None:
        if value is None and nullable:
            return
        if plain and isinstance(value, plain):
            return
        if len(checks) == 1:
            if value is None:
                raise wrong_type(field, expected, value)
            checks[0](value, field)
            return
        for one in checks:
            try:
                one(value, field)
                return
            except WrongTypeError:
                continue
        raise wrong_type(field, expected, value)

    return check


def _name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _name(typing.get_args(annotation)[0])
    if origin in (list, List):
        return "a list"
    if origin in (dict, Dict):
        return "a dict"
    return _article(getattr(annotation, "__name__", str(annotation)))


def _article(name: str) -> str:
    return f"an {name}" if name[:1] in "AEIOUaeiou" else f"a {name}"


def _sequence(item: Check) -> Check:
    def check(value: Any, field: str) -> None:
        if not isinstance(value, (list, tuple)):
            raise wrong_type(field, "a list", value)
        for i, one in enumerate(value):
            item(one, f"{field}[{i}]")

    return check


def _iterable(value: Any, field: str) -> None:
    if isinstance(value, (str, bytes)) or not isinstance(value, collections.abc.Iterable):
        raise wrong_type(field, "an iterable (a list)", value)


def _int(value: Any, field: str, span: Span) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise wrong_type(field, "an int", value)
    low, high = span
    if not low <= value <= high:
        raise invalid_input(
            field, value, "out_of_range", f"out of range: must be from {low} to {high}"
        )


def _float(value: Any, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise wrong_type(field, "a number", value)
    if not math.isfinite(value):
        raise invalid_input(field, value, "out_of_range", "out of range: must be finite")


def _str(value: Any, field: str) -> None:
    if not isinstance(value, str):
        raise wrong_type(field, "a str", value)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise invalid_input(field, value, "malformed", f"malformed: {e.reason}") from None


def _datetime(value: Any, field: str) -> None:
    utc_text(value, field)


def _date(value: Any, field: str) -> None:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise wrong_type(field, "a date", value)


def pairs(
    items: Any, field: str, expected: str, first: Check, second: Check
) -> List[Tuple[Any, Any]]:
    """An iterable of 2-tuples (``expected`` words one), each part checked: ``field[i]`` names
    a wrong one."""
    _iterable(items, field)
    out = []
    for i, pair in enumerate(items):
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise wrong_type(f"{field}[{i}]", expected, pair)
        first(pair[0], f"{field}[{i}][0]")
        second(pair[1], f"{field}[{i}][1]")
        out.append(pair)
    return out
