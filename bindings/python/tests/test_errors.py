"""medsched's exceptions, each raised by a real call, with the attributes that say why; and
the errors of stores written in Python (conflicts and failures)."""

from __future__ import annotations

import json
import threading
from datetime import timezone
from typing import Any, Callable, Dict, List, Tuple, Type

import pytest

import medsched as m
from conftest import (
    MON, NOW, PATIENT, STAFF, TENANT, THU, at, book_request, calendars, clinic,
    weekday_calendar, types,
)


class DictStore:
    """A correct EventStore in Python, kept in dicts (what a host's SQL store does), safe to
    share between threads (one lock, as a transaction would serialize appends)."""

    def __init__(self) -> None:
        self.streams: Dict[str, List[str]] = {}
        self.log: List[Tuple[int, m.StreamId, int, str]] = []
        self.heads: Dict[str, int] = {}  # each tenant's last feed position
        self.appends = 0
        self.lock = threading.Lock()

    def load(self, stream: m.StreamId) -> Tuple[int, List[str]]:
        with self.lock:
            events = self.streams.get(str(stream), [])
            return len(events), list(events)

    def append(self, stream: m.StreamId, expected_version: int, events: List[str]) -> int:
        with self.lock:
            self.appends += 1
            for i, event in enumerate(events):
                tenant = json.loads(event)["tenant"]
                if tenant != stream.tenant:
                    raise m.InvalidInputError(f"event of {tenant} in {stream}", {
                        "code": "invalid_input", "field": f"events[{i}].tenant",
                        "value": tenant, "problem": "conflicting"})
            held = self.streams.setdefault(str(stream), [])
            if len(held) != expected_version:
                raise m.ConflictError(stream=str(stream), expected=expected_version,
                                      actual=len(held))
            for event in events:
                held.append(event)
                position = self.heads[stream.tenant] = self.heads.get(stream.tenant, 0) + 1
                self.log.append((position, stream, len(held), event))
            return len(held)

    def feed(self, tenant: str, after: int, limit: int) -> List[Tuple[int, m.StreamId, int, str]]:
        with self.lock:
            return [e for e in self.log if e[1].tenant == tenant and e[0] > after][:limit]


class Conflicting(DictStore):
    """Another writer always appends first."""

    def append(self, stream: m.StreamId, expected_version: int, events: List[str]) -> int:
        self.appends += 1
        raise m.ConflictError(stream=str(stream), expected=expected_version,
                              actual=expected_version + 1)


class BrokenLoad(DictStore):
    def load(self, stream: m.StreamId) -> Tuple[int, List[str]]:
        raise RuntimeError("disk on fire")


class Garbled(DictStore):
    def load(self, stream: m.StreamId) -> Tuple[int, List[str]]:
        return 1, ['{"not": "an event"}']


# --- the hierarchy -------------------------------------------------------------------------


ERRORS: List[Type[m.MedschedError]] = [
    m.InvalidInputError, m.NotFoundError, m.SlotUnavailableError, m.InvalidTransitionError,
    m.PolicyViolationError, m.ConflictError, m.StorageError,
]


@pytest.mark.parametrize("cls", ERRORS, ids=lambda c: c.__name__)
def test_every_error_is_a_medsched_error(cls: Type[m.MedschedError]) -> None:
    assert issubclass(cls, m.MedschedError) and issubclass(cls, Exception)
    assert cls.code != m.MedschedError.code
    assert issubclass(m.InvalidInputError, ValueError)
    assert issubclass(m.NotFoundError, LookupError)


def test_codes_pick_the_class_and_unknown_codes_the_base() -> None:
    made = m.MedschedError._from_native("cannot X", json.dumps({"code": "policy_violation",
                                                                "rule": "staff_only"}))
    assert type(made) is m.PolicyViolationError and made.rule == "staff_only"
    other = m.MedschedError._from_native("odd", '{"code": "new_kind"}')
    assert type(other) is m.MedschedError and repr(other) == "MedschedError('odd')"


# --- each error from a real call -----------------------------------------------------------


def test_invalid_input_names_the_field_value_and_problem() -> None:
    bad = m.Clinic(locations=[m.Location(id="main", time_zone="Mars/Olympus_Mons")])
    with pytest.raises(m.InvalidInputError) as caught:
        m.ClinicRules(bad)
    err = caught.value
    assert (err.code, err.field, err.value, err.problem, err.problem_message) == (
        "invalid_input", "locations[0].time_zone", "Mars/Olympus_Mons", "unknown_time_zone",
        "unknown IANA time zone")
    assert str(err) == ('invalid locations[0].time_zone = "Mars/Olympus_Mons": '
                        "unknown IANA time zone")
    assert err.details["field"] == err.field and isinstance(err, ValueError)
    with pytest.raises(ValueError):  # catchable as a ValueError too
        m.Schedule(TENANT, bad, [], [])


@pytest.mark.parametrize(
    "make,field,problem",
    [
        (lambda: m.Clinic.from_dict({"locations": [{"id": "x", "time_zone": 5}]}),
         "locations[0].time_zone", "malformed"),
        (lambda: m.Room.from_dict({"id": "r", "capacity": -1}), "capacity", "malformed"),
        (lambda: m.Schedule(TENANT, clinic(), [weekday_calendar("dr-x", room="r9")], types()),
         "calendars[0].templates[0].room_id", "unknown_reference"),
        (lambda: m.Schedule(TENANT, clinic(), calendars() + [weekday_calendar("dr-a")], types()),
         "calendars[3].doctor_id", "duplicate_id"),
        (lambda: m.Schedule(TENANT, clinic(), [],
                            [m.AppointmentType(id="t", duration_minutes=0)]),
         "appointment_types[0].duration_minutes", "not_positive"),
        (lambda: m.Schedule(TENANT, clinic(), [], [], book_time_zone="Mars/X"),
         "book_time_zone", "unknown_time_zone"),
    ],
    ids=["wrong-type", "negative", "unknown-room", "duplicate-doctor", "zero-duration",
         "book-zone"],
)
def test_bad_values_in_data_classes_name_their_path(
    make: Callable[[], Any], field: str, problem: str,
) -> None:
    with pytest.raises(m.InvalidInputError) as caught:
        make()
    assert (caught.value.field, caught.value.problem) == (field, problem)


def test_not_found_names_kind_and_id(schedule: m.Schedule, bookings: m.Bookings) -> None:
    with pytest.raises(m.NotFoundError) as caught:
        bookings.cancel(schedule, STAFF, NOW, MON, "a-404")
    err = caught.value
    assert (err.code, err.kind, err.id, str(err)) == ("not_found", "appointment", "a-404",
                                                      'appointment "a-404" not found')
    assert isinstance(err, LookupError)
    tokens = m.Tokens(m.InMemoryStore())
    day = m.QueueDay(tenant=TENANT, doctor_id="dr-a", date=MON)
    rules = m.QueueRules(sessions=[m.TokenSession(id="am", start=at(MON, "09:00"),
                                                  end=at(MON, "12:00"))])
    with pytest.raises(m.NotFoundError) as token:
        tokens.execute(day, rules, STAFF, NOW, m.CheckIn(number=7))
    assert (token.value.kind, token.value.id) == ("token", "7")


@pytest.mark.parametrize(
    "start,reason",
    [
        (at(THU, "10:00"), m.Unavailable(code=m.UnavailableCode.CLOSED, rule=m.RuleKind.LEAVE,
                                         rule_id="annual-leave")),
        (at(MON, "09:00"), m.Unavailable(code=m.UnavailableCode.BOOKED)),
        (at(MON, "09:30"), m.Unavailable(code=m.UnavailableCode.ROOM_FULL, room_id="r1")),
        (at(MON, "13:00"), m.Unavailable(code=m.UnavailableCode.CLOSED,
                                         rule=m.RuleKind.OUTSIDE_HOURS)),
    ],
    ids=["leave", "booked", "room-full", "outside-hours"],
)
def test_slot_unavailable_says_why(
    schedule: m.Schedule, bookings: m.Bookings, start: Any, reason: m.Unavailable,
) -> None:
    bookings.book(schedule, STAFF, NOW, book_request("a-1", at(MON, "09:00")))
    bookings.book(schedule, STAFF, NOW, book_request("b-1", at(MON, "09:30"), doctor="dr-b"))
    with pytest.raises(m.SlotUnavailableError) as caught:
        bookings.book(schedule, PATIENT, NOW, book_request("a-2", start))
    err = caught.value
    assert (err.code, err.doctor_id, err.start, err.reason) == ("slot_unavailable", "dr-a",
                                                                start, reason)
    assert err.start is not None and err.start.tzinfo == timezone.utc
    assert str(err) == (f"slot of dr-a at {start:%Y-%m-%d %H:%M:%S} UTC is unavailable: "
                        f"{reason}")


def test_invalid_transition_names_status_and_action(
    schedule: m.Schedule, bookings: m.Bookings,
) -> None:
    bookings.book(schedule, PATIENT, NOW, book_request("a-1", at(MON, "09:00")))
    bookings.cancel(schedule, PATIENT, NOW, MON, "a-1")
    with pytest.raises(m.InvalidTransitionError) as caught:
        bookings.complete(schedule, STAFF, at(MON, "09:30"), MON, "a-1")
    err = caught.value
    assert (err.code, err.kind, err.id, err.from_status, err.action) == (
        "invalid_transition", "appointment", "a-1", "cancelled", "complete")
    assert str(err) == 'cannot complete appointment "a-1": it is cancelled'


def test_policy_violation_names_the_rule(schedule: m.Schedule, bookings: m.Bookings) -> None:
    bookings.book(schedule, PATIENT, NOW, book_request("a-1", at(MON, "09:00"),
                                                       type_id="limited"))
    bookings.reschedule(schedule, PATIENT, NOW, MON, "a-1", at(MON, "10:00"))
    with pytest.raises(m.PolicyViolationError) as caught:
        bookings.reschedule(schedule, STAFF, NOW, MON, "a-1", at(MON, "11:00"))
    err = caught.value
    assert (err.code, err.id, err.action, err.rule, err.rule_message) == (
        "policy_violation", "a-1", "reschedule", "reschedule_limit",
        "already rescheduled 1 times, the most allowed")
    with pytest.raises(m.PolicyViolationError) as owner:
        bookings.cancel(schedule, m.Actor.patient("pat-2"), NOW, MON, "a-1")
    assert owner.value.rule == "not_owner"


# --- stores ------------------------------------------------------------------------------


def test_the_in_memory_store_keeps_the_contract(store: m.InMemoryStore) -> None:
    m.check_event_store(store)  # medsched-testkit's checks, under tenants "conformance-..."
    stream = m.StreamId(tenant=TENANT, date=MON)
    event = m.Event(tenant=TENANT, actor=STAFF, at=NOW,
                    change=m.AppointmentConfirmed(appointment_id="a-0"))
    assert store.load_stream(stream) == m.LoadedStream(events=[], version=0)
    assert store.append_events(stream, 0, [event, event]) == 2
    with pytest.raises(m.ConflictError) as caught:
        store.append_events(stream, 1, [event])
    assert (caught.value.stream, caught.value.expected, caught.value.actual) == (
        "clinic-1/2026-03-02", 1, 2)
    assert store.load_stream(stream) == m.LoadedStream(events=[event, event], version=2)
    queue = m.StreamId(tenant=TENANT, date=MON, doctor_id="dr-a")
    assert store.load_stream(queue).version == 0 and str(queue) == "clinic-1/2026-03-02/tokens/dr-a"
    feed = store.feed_entries(TENANT)
    assert [(e.position, e.stream, e.version, e.event) for e in feed] == [
        (1, stream, 1, event), (2, stream, 2, event)]
    assert store.feed_entries(TENANT, after=1) == feed[1:] and store.feed_entries(TENANT, limit=1) == feed[:1]
    with pytest.raises(m.InvalidInputError) as foreign:
        store.append_events(m.StreamId(tenant="clinic-2", date=MON), 0, [event])
    assert foreign.value.field == "events[0].tenant"
    assert repr(store) == "InMemoryStore()"
    # The protocol's form: JSON texts, so the store can be wrapped like any host store.
    version, texts = store.load(stream)
    assert version == 2 and [m.Event.from_dict(json.loads(t)) for t in texts] == [event, event]
    assert store.append(stream, 2, texts[:1]) == 3
    assert [(p, s, v) for p, s, v, _ in store.feed(TENANT, 2, 10)] == [(3, stream, 3)]


class Wrapped:
    """A host's wrapper around the in-memory store (e.g. for logging): the protocol only."""

    def __init__(self, inner: m.InMemoryStore) -> None:
        self.inner, self.calls = inner, 0

    def load(self, stream: m.StreamId) -> Tuple[int, List[str]]:
        self.calls += 1
        return self.inner.load(stream)

    def append(self, stream: m.StreamId, expected_version: int, events: List[str]) -> int:
        self.calls += 1
        return self.inner.append(stream, expected_version, events)

    def feed(self, tenant: str, after: int, limit: int) -> List[Tuple[int, m.StreamId, int, str]]:
        self.calls += 1
        return self.inner.feed(tenant, after, limit)


def test_a_wrapped_in_memory_store_keeps_the_contract() -> None:
    wrapped = Wrapped(m.InMemoryStore())
    m.check_event_store(wrapped)
    assert wrapped.calls > 10


class Lying:
    """A store that answers with the wrong types."""

    def __init__(self, version: object) -> None:
        self.version = version

    def load(self, stream: m.StreamId) -> Tuple[int, List[str]]:
        return self.version, []  # type: ignore[return-value]

    def append(self, stream: m.StreamId, expected_version: int, events: List[str]) -> int:
        return 1

    def feed(self, tenant: str, after: int, limit: int) -> List[Tuple[int, m.StreamId, int, str]]:
        return []


@pytest.mark.parametrize("version", [True, 0.9, -1, "0"])
def test_a_store_giving_a_malformed_version_is_a_storage_error(
    schedule: m.Schedule, version: object
) -> None:
    with pytest.raises(m.StorageError, match="versions and positions as ints") as caught:
        m.Bookings(Lying(version)).day(schedule, MON)
    assert isinstance(caught.value.__cause__, TypeError)



def test_a_python_store_serves_the_services(schedule: m.Schedule) -> None:
    store = DictStore()
    bookings = m.Bookings(store)
    booked = bookings.book(schedule, PATIENT, NOW, book_request("a-1", at(MON, "09:00")))
    assert bookings.appointment(schedule, MON, "a-1") == booked
    assert [e.stream.date for e in bookings.feed(schedule)] == [MON]
    assert repr(bookings).startswith("Bookings(store=<")
    with pytest.raises(TypeError, match="store must be a NativeStore or an EventStore") as raised:
        m.Bookings(object())  # type: ignore[arg-type]
    assert isinstance(raised.value, m.WrongTypeError) and raised.value.field == "store"


def test_a_correct_python_store_passes_the_conformance_checks() -> None:
    store = DictStore()
    m.check_event_store(store)  # threads racing through the binding included
    m.check_event_store(store, tenant_prefix="again", threads=8)  # on a store holding data


class Forgetful(DictStore):
    """A store whose feed never lists its first event."""

    def feed(self, tenant: str, after: int, limit: int) -> List[Tuple[int, m.StreamId, int, str]]:
        return [e for e in super().feed(tenant, after, limit + 1) if e[0] > 1][:limit]


def test_a_breach_of_the_contract_is_an_assertion_error() -> None:
    with pytest.raises(AssertionError) as caught:
        m.check_event_store(Forgetful(), threads=0)
    assert str(caught.value) == (
        "sequential check: the feed gives the tenant's 5 events with strictly increasing "
        "positions, got positions [2, 3, 4, 5]")


def test_conflicts_are_retried_then_raised() -> None:
    schedule = m.Schedule(TENANT, clinic(), calendars(), types())
    store = Conflicting()
    with pytest.raises(m.ConflictError) as caught:
        m.Bookings(store, max_attempts=1).book(schedule, PATIENT, NOW,
                                               book_request("a-1", at(MON, "09:00")))
    err = caught.value
    assert (err.code, err.stream, err.expected, err.actual) == ("conflict",
                                                                "clinic-1/2026-03-02", 0, 1)
    assert store.appends == 1
    with pytest.raises(m.ConflictError):
        m.Bookings(store, max_attempts=3).book(schedule, PATIENT, NOW,
                                               book_request("a-1", at(MON, "09:00")))
    assert store.appends == 4
    tokens = m.Tokens(store, max_attempts=2)
    day = m.QueueDay(tenant=TENANT, doctor_id="dr-a", date=MON)
    rules = m.QueueRules(sessions=[m.TokenSession(id="am", start=at(MON, "09:00"),
                                                  end=at(MON, "12:00"))])
    with pytest.raises(m.ConflictError) as token:
        tokens.issue(day, rules, STAFF, NOW, m.TokenRequest(token_id="t", patient_id="p",
                                                            kind=m.TokenKind.WALK_IN))
    assert token.value.stream == "clinic-1/2026-03-02/tokens/dr-a" and store.appends == 6


@pytest.mark.parametrize(
    "store,message",
    [(BrokenLoad(), "storage failed: load: RuntimeError: disk on fire"),
     (Garbled(), "storage failed: load returned data medsched cannot read")],
    ids=["raises", "garbled"],
)
def test_store_failures_are_storage_errors(schedule: m.Schedule, store: Any,
                                           message: str) -> None:
    with pytest.raises(m.StorageError) as caught:
        m.Bookings(store).book(schedule, PATIENT, NOW, book_request("a-1", at(MON, "09:00")))
    assert caught.value.code == "storage" and str(caught.value).startswith(message)
    assert caught.value.details["message"] in str(caught.value)


class Failing:
    """A store whose every load raises ``error``."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def load(self, stream: m.StreamId) -> Tuple[int, List[str]]:
        raise self.error

    def append(self, stream: m.StreamId, expected_version: int, events: List[str]) -> int:
        raise self.error

    def feed(self, tenant: str, after: int, limit: int) -> List[Tuple[int, m.StreamId, int, str]]:
        raise self.error


def test_a_store_failure_keeps_the_store_exception_as_its_cause(schedule: m.Schedule) -> None:
    cause = RuntimeError("disk on fire")
    with pytest.raises(m.StorageError, match="load: RuntimeError: disk on fire") as caught:
        m.Bookings(Failing(cause)).day(schedule, MON)
    assert caught.value.__cause__ is cause


@pytest.mark.parametrize("stop", [KeyboardInterrupt(), SystemExit(3)])
def test_an_interrupt_inside_a_store_is_raised_as_it_is(
    schedule: m.Schedule, stop: BaseException
) -> None:
    with pytest.raises(type(stop)) as caught:
        m.Bookings(Failing(stop)).day(schedule, MON)
    assert caught.value is stop
