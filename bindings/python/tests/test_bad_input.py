"""Every bad input is a typed medsched error: hypothesis calls the whole public API (every
function, constructor and method exported from ``medsched``, and every data class through
``to_dict`` and ``from_dict``) with wrong types and out-of-range values mixed among valid
arguments, and only :class:`medsched.MedschedError` may come out: no ``AttributeError``,
``OverflowError``, ``KeyError``, ``RuntimeError``, nor a bare ``TypeError`` or
``ValueError``. A refused input names its field.

The run is derandomized with a bounded number of examples per callable, so it takes the same
few seconds every time."""

from __future__ import annotations

import dataclasses
import inspect
import typing
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Dict, Iterable, List, Tuple
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import medsched as m
from conftest import (
    MON,
    NOW,
    PATIENT,
    STAFF,
    TENANT,
    at,
    book_request,
    calendars,
    clinic,
    dr_a,
    hold_request,
    types,
)

EXAMPLES = 20
"""Examples per callable: with ~100 callables, a few thousand calls in all."""

settings.register_profile(
    "bad-input", max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _offsets() -> st.SearchStrategy[timezone]:
    return st.builds(
        timezone, st.timedeltas(min_value=timedelta(hours=-23), max_value=timedelta(hours=23))
    )


EDGE_DATETIMES = [
    datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    datetime(1, 1, 1, 0, 30, tzinfo=timezone.utc),
    datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5))),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc),
    datetime(9999, 12, 31, 12, 0, tzinfo=ZoneInfo("Asia/Kolkata")),
]

JUNK: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([-1, 2**32, 2**63, 2**64, -(2**63) - 1]),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(["", "\ud800", "2026-03-02", "2026-03-02T09:00:00Z", "23:59:60",
                     "2026-12-31T23:59:60Z", "dr-a", "main", "memory"]),
    st.binary(max_size=4),
    st.dates(),
    st.sampled_from([date.min, date.max]),
    st.datetimes(),
    st.datetimes(timezones=_offsets()),
    st.sampled_from(EDGE_DATETIMES),
    st.times(),
    st.timedeltas(),
    st.lists(st.integers(min_value=-5, max_value=5), max_size=3),
    st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    st.sampled_from([object(), {1, 2}, (1, "a"), ZoneInfo("UTC"), m.Weekday.MON,
                     m.TokenKind.WALK_IN, m.Actor.staff("x"), m.Occupancy()]),
)
"""Values of every kind, most of them wrong wherever they go."""

TEXT_WITHOUT_URLS = JUNK.filter(lambda v: not (isinstance(v, str) and ":" in v))
"""Junk for ``open_store``'s ``url``: no text that could name a real database."""


class World:
    """Valid arguments for each annotation of the public API."""

    def __init__(self) -> None:
        self.store = m.InMemoryStore()
        self.schedule = m.Schedule(TENANT, clinic(), calendars(), types())
        self.rules = m.ClinicRules(clinic())
        self.availability = self.schedule.availability("dr-a")
        self.bookings = m.Bookings(self.store)
        self.tokens = m.Tokens(self.store)
        self.bookings.book(self.schedule, STAFF, NOW, book_request("appt-1", at(MON, "09:00")))
        self.book = self.bookings.day(self.schedule, MON)
        self.queue_day = m.QueueDay(tenant=TENANT, doctor_id="dr-a", date=MON)
        self.queue_rules = m.QueueRules(sessions=[m.TokenSession(
            id="opd", start=at(MON, "09:00"), end=at(MON, "12:00"), max_tokens=30)])
        request = m.TokenRequest(token_id="tok-1", kind=m.TokenKind.WALK_IN, patient_id="p")
        self.tokens.issue(self.queue_day, self.queue_rules, STAFF, NOW, request)
        self.queue = self.tokens.queue(self.queue_day)
        self.series = self.availability.slots(self.slot_request())
        self.valid: Dict[Any, List[Any]] = {
            str: ["dr-a", "main", "appt-1", "tok-1", TENANT],
            int: [0, 1, 3],
            float: [1.5, 30.0],
            bool: [True],
            date: [MON],
            datetime: [NOW, at(MON, "09:00")],
            ZoneInfo: [ZoneInfo("Europe/London")],
            slice: [slice(0, 2)],
            m.Schedule: [self.schedule],
            m.ClinicRules: [self.rules],
            m.Availability: [self.availability],
            m.DayBook: [self.book],
            m.Queue: [self.queue],
            m.Actor: [STAFF, PATIENT],
            m.Clinic: [clinic()],
            m.DoctorCalendar: [dr_a()],
            List[m.DoctorCalendar]: [calendars()],
            List[m.AppointmentType]: [types()],
            m.HoldRequest: [hold_request("hold-1", at(MON, "10:00"))],
            m.BookRequest: [book_request("appt-2", at(MON, "10:15"))],
            m.SlotRequest: [self.slot_request()],
            m.Occupancy: [m.Occupancy()],
            m.PreparedOccupancy: [m.PreparedOccupancy(m.Occupancy())],
            m.SlotOptions: [m.SlotOptions(include_unavailable=True)],
            m.QueueDay: [self.queue_day],
            m.QueueRules: [self.queue_rules],
            m.TokenRequest: [request],
            m.DoctorHistory: [m.DoctorHistory()],
            m.StreamId: [m.StreamId(tenant=TENANT, date=MON)],
            m.NativeStore: [self.store],
            m.EventStore: [self.store],
            m.CallNext: [m.CallNext()],
            m.Cancel: [m.Cancel(appointment_id="appt-1")],
            List[m.Event]: [[]],
            List[int]: [[1]],
            List[float]: [[5.0, 7.5]],
            List[m.PastDay]: [[]],
            List[m.TokenChange]: [[]],
            Iterable[Tuple[m.Availability, m.OccupancyArg]]: [[(self.availability, None)]],
        }

    def slot_request(self) -> m.SlotRequest:
        return m.SlotRequest(appointment_type=types()[0], start=at(MON, "09:00"),
                             end=at(MON, "12:00"), now=NOW)

    def valid_for(self, annotation: Any) -> List[Any]:
        """Valid values of ``annotation`` (none known: the argument is always junk)."""
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            return self.valid_for(typing.get_args(annotation)[0])
        if origin is typing.Union:
            found = [None] if type(None) in typing.get_args(annotation) else []
            for option in typing.get_args(annotation):
                found.extend(self.valid.get(option, []))
            return found
        return self.valid.get(annotation, [])


WORLD = World()

Call = Tuple[str, Callable[..., Any], Dict[str, List[Any]], Dict[str, st.SearchStrategy[Any]]]
"""A callable's label, the callable, each parameter's valid values and its junk."""


def _public_callables() -> List[Tuple[str, Callable[..., Any]]]:
    """Every function of ``medsched.__all__``, every constructor and public method of its
    service classes (bound to the world's objects), and the data classes' readers."""
    w = WORLD
    instances: Dict[type, Any] = {
        m.ClinicRules: w.rules, m.Availability: w.availability, m.Schedule: w.schedule,
        m.PreparedOccupancy: m.PreparedOccupancy(m.Occupancy()), m.Bookings: w.bookings,
        m.DayBook: w.book, m.Tokens: w.tokens, m.Queue: w.queue, m.NativeStore: w.store,
        m.InMemoryStore: w.store, m.QueueEstimator: m.QueueEstimator(),
        m.MovingAverageEstimator: m.MovingAverageEstimator(), m.SlotSeries: w.series,
        m.SlotList: w.series.slots,
    }
    found: List[Tuple[str, Callable[..., Any]]] = []
    for name in m.__all__:
        value = getattr(m, name)
        if inspect.isfunction(value):
            found.append((name, value))
        elif isinstance(value, type) and value in instances:
            found.append((name, value))
            for attr, member in vars(value).items():
                if callable(member) and (not attr.startswith("_") or attr == "__getitem__"):
                    found.append((f"{name}.{attr}", getattr(instances[value], attr)))
        elif isinstance(value, type) and issubclass(value, m.Record) and value is not m.Record:
            found.append((f"{name}(...).to_dict", _record_to_dict(value)))
            found.append((f"{name}.from_dict", value.from_dict))
            for attr, member in vars(value).items():
                if isinstance(member, classmethod) and not attr.startswith("_"):
                    found.append((f"{name}.{attr}", getattr(value, attr)))
    return found


def _record_to_dict(cls: type) -> Callable[..., Any]:
    """Makes a ``cls`` from the given fields (no checks at construction but the naive
    datetime's) and writes it with ``to_dict``, which the core's reader checks."""
    fields = [f.name for f in dataclasses.fields(cls)]

    def make(**values: Any) -> Any:
        return cls(**values).to_dict()

    make.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(f, inspect.Parameter.KEYWORD_ONLY) for f in fields]
    )
    return make


def _calls() -> List[Call]:
    calls = []
    for label, target in _public_callables():
        function = inspect.unwrap(target.__init__ if isinstance(target, type) else target)
        try:
            hints = typing.get_type_hints(function, include_extras=True)
        except (NameError, TypeError):
            hints = {}
        params = [p for p in inspect.signature(target).parameters.values()
                  if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        valid = {p.name: WORLD.valid_for(hints.get(p.name, Any)) for p in params}
        junk = {p.name: JUNK for p in params}
        if label == "open_store":
            junk["url"] = TEXT_WITHOUT_URLS
        if label == "check_event_store":
            valid["store"] = []  # a valid store runs the whole conformance suite
        calls.append((label, target, valid, junk))
    return calls


CALLS = _calls()


def test_the_whole_public_api_is_enumerated() -> None:
    labels = {label for label, *_ in CALLS}
    for expected in ("Availability.resolve_dates", "Bookings.extend_hold", "Bookings.feed",
                     "Queue.next", "Tokens", "first_available", "Schedule.book_date",
                     "Slot(...).to_dict", "Hold.from_dict", "Actor.staff",
                     "MovingAverageEstimator", "check_event_store", "SlotList.__getitem__"):
        assert expected in labels
    assert len(CALLS) > 150


@pytest.mark.parametrize("call", CALLS, ids=[label for label, *_ in CALLS])
@settings(settings.get_profile("bad-input"))
@given(data=st.data())
def test_bad_input_is_a_typed_error(call: Call, data: st.DataObject) -> None:
    label, target, valid, junk = call
    names = list(valid)
    if not names:
        return
    wrong = data.draw(st.sets(st.sampled_from(names), min_size=1), label="junk in")
    args: Dict[str, Any] = {}
    for name in names:
        if name in wrong or not valid[name]:
            args[name] = data.draw(junk[name], label=name)
        else:
            args[name] = data.draw(st.sampled_from(valid[name]), label=name)
    try:
        target(**args)
    except m.MedschedError as error:
        _check_typed(error)
    except IndexError:
        assert label == "SlotList.__getitem__", "only a sequence index may be an IndexError"
    except BaseException as error:  # noqa: BLE001 - anything else is the bug this looks for
        pytest.fail(f"{label}({args!r}) raised {type(error).__name__}: {error}")


def _check_typed(error: m.MedschedError) -> None:
    assert error.code in {"invalid_input", "not_found", "slot_unavailable",
                          "invalid_transition", "policy_violation", "conflict", "storage"}
    if isinstance(error, m.InvalidInputError):
        assert error.field, f"{error!r} names no field"
        assert error.problem, f"{error!r} names no problem"
    if isinstance(error, m.WrongTypeError):
        assert isinstance(error, TypeError) and error.problem == "wrong_type"


# --- the cases the hardening issue found, one by one ----------------------------------------


def test_a_str_where_a_date_goes_is_a_wrong_type_naming_the_argument() -> None:
    with pytest.raises(m.WrongTypeError) as raised:
        WORLD.availability.resolve_dates("main", "2026-03-02", MON)  # type: ignore[arg-type]
    assert isinstance(raised.value, TypeError) and isinstance(raised.value, m.InvalidInputError)
    assert (raised.value.code, raised.value.field, raised.value.problem) == (
        "invalid_input", "first", "wrong_type")
    with pytest.raises(m.WrongTypeError) as raised:
        WORLD.bookings.day(WORLD.schedule, "2026-03-02")  # type: ignore[arg-type]
    assert raised.value.field == "book_date"
    with pytest.raises(m.WrongTypeError, match="must be a date"):
        WORLD.bookings.day(WORLD.schedule, NOW)  # type: ignore[arg-type]


@pytest.mark.parametrize("instant", EDGE_DATETIMES[:3], ids=["year-1+0530", "year-1", "9999-0500"])
def test_aware_datetimes_whose_utc_time_overflows_are_out_of_range(instant: datetime) -> None:
    with pytest.raises(m.InvalidInputError) as raised:
        WORLD.schedule.book_date(instant)
    assert raised.value.field == "instant"
    assert raised.value.problem in ("out_of_range", "malformed")


def test_negative_counts_are_out_of_range() -> None:
    with pytest.raises(m.InvalidInputError) as raised:
        WORLD.bookings.feed(WORLD.schedule, -1)
    assert (raised.value.field, raised.value.problem) == ("after", "out_of_range")
    with pytest.raises(m.InvalidInputError) as raised:
        m.Bookings(WORLD.store, max_attempts=-1)
    assert (raised.value.field, raised.value.problem) == ("max_attempts", "out_of_range")
    assert isinstance(raised.value, ValueError) and not isinstance(raised.value, TypeError)
    with pytest.raises(m.WrongTypeError) as raised:
        WORLD.queue.token(True)
    assert raised.value.field == "number"


def test_a_field_of_a_data_class_that_has_no_json_form_is_named() -> None:
    request = hold_request("h", at(MON, "10:00"))
    request.start = EDGE_DATETIMES[0]
    with pytest.raises(m.InvalidInputError) as raised:
        WORLD.bookings.hold(WORLD.schedule, STAFF, NOW, request)
    assert (raised.value.field, raised.value.problem) == ("request.start", "out_of_range")
    calendar = dr_a()
    calendar.leaves[0].first = {1, 2}  # type: ignore[assignment]
    with pytest.raises(m.WrongTypeError) as raised:
        WORLD.schedule.set_calendar(calendar)
    assert raised.value.field == "calendar.leaves[0].first"
    with pytest.raises(m.WrongTypeError) as raised:
        m.Unavailability(id="u", start=datetime(2026, 3, 2, 9), end=at(MON, "10:00"))
    assert raised.value.field == "start"


@pytest.mark.parametrize("text", ["2026-12-31T23:59:60Z", "2026-12-31T23:59:60.5+00:00"])
def test_a_leap_second_is_refused_not_a_crash(text: str) -> None:
    """The core reads ``:60`` (chrono keeps leap seconds); Python's datetime cannot hold one:
    reading one is an ``InvalidInputError`` naming the field, whichever side refuses it."""
    data = {"start": text, "end": "2027-01-01T00:00:00Z", "id": "u"}
    with pytest.raises(m.InvalidInputError) as raised:
        m.Unavailability.from_dict(data)
    assert raised.value.field == "start"
    assert "leap second" in raised.value.problem_message or raised.value.problem == "malformed"


def test_a_leap_second_in_a_wall_clock_time_is_refused() -> None:
    data = {"start": "09:00", "end": "23:59:60"}
    with pytest.raises(m.InvalidInputError) as raised:
        m.Session.from_dict(data)
    assert raised.value.field == "end"


def test_a_result_beyond_python_dates_is_out_of_range_naming_the_field() -> None:
    """A hold placed at the end of time expires after year 9999: the core can say so, Python
    cannot hold it, and the refusal names the result's field instead of a ValueError."""
    with pytest.raises(m.InvalidInputError) as raised:
        m.from_dict(m.Hold, {**_hold_dict(), "expires_at": "+10000-01-01T00:00:00Z"})
    assert (raised.value.field, raised.value.problem) == ("expires_at", "out_of_range")


def _hold_dict() -> Dict[str, Any]:
    hold = WORLD.bookings.hold(WORLD.schedule, STAFF, NOW, hold_request("h-x", at(MON, "11:00")))
    return hold.to_dict()


def test_every_argument_of_a_checked_call_is_checked_before_the_native_module() -> None:
    """Optional arguments take ``None`` and nothing else of the wrong type."""
    assert WORLD.book.occupancy(NOW, None) == WORLD.book.occupancy(NOW)
    with pytest.raises(m.WrongTypeError) as raised:
        WORLD.book.occupancy(NOW, 5)  # type: ignore[arg-type]
    assert raised.value.field == "except_id"
    with pytest.raises(m.WrongTypeError) as raised:
        m.first_available([(WORLD.availability, "busy")], WORLD.slot_request(), 1)  # type: ignore[list-item]
    assert raised.value.field == "doctors[0][1]"
