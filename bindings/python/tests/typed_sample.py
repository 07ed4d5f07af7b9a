"""A typed tour of medsched, written the way a FastAPI developer would use it: build a clinic,
compile its schedule, search slots, hold and book, run the token desk, estimate waits, turn
refusals into HTTP errors and keep events in a store of one's own.

Two jobs: ``mypy --strict`` checks it against the package's annotations and the native
module's stubs (``assert_type`` pins what each call returns, so a stub that loosens to ``Any``
fails the check), and pytest runs it (every use is in a ``test_`` function), so the typed
usage is also correct usage.

The clinic is in Kochi (India, UTC+05:30, no summer time); every instant below carries that
offset, as a browser or an API client would send it.
"""

from __future__ import annotations

import json
import sys
import threading
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

import medsched as m
from medsched import _native

if sys.version_info >= (3, 11):
    from typing import assert_type
else:  # pragma: no cover - Python 3.9 and 3.10
    from typing_extensions import assert_type

TENANT = "kochi-clinic"
IST = timezone(timedelta(hours=5, minutes=30))
MON, TUE, WED = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)
NOW = datetime(2026, 3, 1, 18, 0, tzinfo=IST)
"""Sunday evening, the day before the appointments."""

PATIENT = m.Actor.patient("pat-1")
OTHER = m.Actor.patient("pat-2")
DESK = m.Actor.staff("desk-1")


def ist(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Kochi, as an aware instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=IST)


# --- the clinic ----------------------------------------------------------------------------


def build_clinic() -> m.Clinic:
    """One location with one consulting room; closed for a holiday on Wednesday."""
    kochi = m.Location(
        id="kochi", time_zone="Asia/Kolkata", name="Kochi OPD",
        rooms=[m.Room(id="room-1", capacity=1)],
    )
    return m.Clinic(locations=[kochi], holidays=[m.Holiday.on("holi", "Holi", WED)])


def build_calendar(doctor_id: str, room_id: Optional[str] = None) -> m.DoctorCalendar:
    """Mon-Fri 09:00-12:00 with a 10:30-10:45 tea break, 15-minute slots."""
    opd = m.WeeklyTemplate(
        id=f"{doctor_id}-opd", location_id="kochi", room_id=room_id,
        weekdays=[m.Weekday.MON, m.Weekday.TUE, m.Weekday.WED, m.Weekday.THU, m.Weekday.FRI],
        sessions=[m.Session(start=time(9), end=time(12),
                            breaks=[m.Hours(start=time(10, 30), end=time(10, 45))])],
    )
    return m.DoctorCalendar(doctor_id=doctor_id, templates=[opd])


def build_types() -> List[m.AppointmentType]:
    """A plain consultation, and a review that staff must confirm."""
    return [
        m.AppointmentType(id="consult", duration_minutes=15),
        m.AppointmentType(id="review", duration_minutes=15,
                          policy=m.BookingPolicy(requires_confirmation=True)),
    ]


def build_schedule() -> m.Schedule:
    """The tenant's compiled rules (what an app builds once, at startup)."""
    calendars = [build_calendar("dr-a", "room-1"), build_calendar("dr-b")]
    return m.Schedule(TENANT, build_clinic(), calendars, build_types())


def request_for(schedule: m.Schedule, day: date, type_id: str = "consult") -> m.SlotRequest:
    """A search for one local day."""
    return m.SlotRequest(
        appointment_type=schedule.appointment_type(type_id),
        start=ist(day, 0), end=ist(day + timedelta(days=1), 0), now=NOW,
    )


# --- schedule and availability -------------------------------------------------------------


def test_schedule_and_availability() -> None:
    schedule = build_schedule()
    assert_type(schedule.tenant, str)
    assert schedule.tenant == TENANT
    assert_type(schedule.doctor_ids(), List[str])
    assert schedule.doctor_ids() == ["dr-a", "dr-b"]
    assert_type(schedule.book_date(ist(MON, 23, 30)), date)
    assert schedule.book_date(ist(MON, 23, 30)) == MON  # dated in the clinic's zone

    rules = schedule.clinic_rules()
    assert_type(rules.time_zone("kochi"), Optional[str])
    assert rules.time_zone("kochi") == "Asia/Kolkata" and rules.time_zone("nowhere") is None

    doctor = schedule.availability("dr-a")
    assert_type(doctor, m.Availability)
    why = doctor.explain(ist(MON, 10, 35))
    assert_type(why, m.Explanation)
    assert (why.status, why.rule) == (m.Status.CLOSED, m.RuleKind.BREAK)  # tea break
    holiday = doctor.explain(ist(WED, 9, 30))
    assert (holiday.status, holiday.rule, holiday.rule_id) == (
        m.Status.CLOSED, m.RuleKind.HOLIDAY, "holi")

    intervals = doctor.resolve(ist(MON, 9), ist(MON, 12))
    assert_type(intervals, List[m.Interval])
    open_minutes = sum(
        (i.end - i.start) // timedelta(minutes=1) for i in intervals if i.status == m.Status.OPEN
    )
    assert open_minutes == 165

    # A doctor's rules change at runtime: the schedule compiles the new calendar.
    changed = build_calendar("dr-b")
    changed.leaves.append(m.Leave(id="conf", status=m.LeaveStatus.APPROVED, first=MON, last=MON))
    schedule.set_calendar(changed)
    assert schedule.availability("dr-b").explain(ist(MON, 9, 30)).rule == m.RuleKind.LEAVE


# --- slots ---------------------------------------------------------------------------------


def test_slot_search_results_are_typed() -> None:
    schedule = build_schedule()
    doctor = schedule.availability("dr-a")
    booked = m.Reservation(id="a-0", doctor_id="dr-a", start=ist(MON, 9), end=ist(MON, 9, 15))
    options = m.SlotOptions(include_unavailable=True)
    series = doctor.slots(request_for(schedule, MON), m.Occupancy(reservations=[booked]), options)
    assert_type(series, m.SlotSeries)
    assert_type(series.truncated, bool)
    slots = series.slots
    assert_type(slots, m.SlotList)
    assert len(slots) == 10  # 09:00-12:00 in 15 minutes, less the tea break and 09:00
    first = slots[0]
    assert_type(first, m.Slot)
    assert_type(slots[-1], m.Slot)
    assert_type(slots[1:3], List[m.Slot])
    assert (first.doctor_id, first.room_id, first.start) == ("dr-a", "room-1", ist(MON, 9, 15))
    assert first.start.tzinfo is not None and first.start.utcoffset() == timedelta(0)
    assert first.local_start == datetime(2026, 3, 2, 9, 15)  # naive wall clock at the place
    for slot in slots:  # iteration is typed too
        assert_type(slot, m.Slot)
        assert slot.capacity_left == 1
    assert_type(slots.starts(), List[datetime])
    assert slots.starts()[:2] == [ist(MON, 9, 15), ist(MON, 9, 30)]
    assert [s.start for s in slots.to_list()] == slots.starts()

    unavailable = series.unavailable
    assert_type(unavailable, List[m.UnavailableSlot])
    assert [(u.start, u.reason.code) for u in unavailable] == [
        (ist(MON, 9), m.UnavailableCode.BOOKED)]

    # What a JSON endpoint returns: the core's JSON, without making Python objects.
    body: List[Dict[str, Any]] = json.loads(slots.to_json())
    assert body[0]["start"] == "2026-03-02T03:45:00Z"
    assert series.to_dict()["truncated"] is False

    # Holidays have no slots; a limit truncates.
    assert len(doctor.slots(request_for(schedule, WED)).slots) == 0
    limited = doctor.slots(request_for(schedule, MON), options=m.SlotOptions(limit=3))
    assert len(limited.slots) == 3 and limited.truncated


def test_searches_across_doctors() -> None:
    schedule = build_schedule()
    a, b = schedule.availability("dr-a"), schedule.availability("dr-b")
    request = request_for(schedule, MON)
    busy = m.Occupancy(busy=[m.BusyTime(id="ward-round", start=ist(MON, 9), end=ist(MON, 10))])
    prepared = m.PreparedOccupancy(busy)  # read once, reused by every search below
    assert_type(prepared.to_occupancy(), m.Occupancy)
    assert prepared.to_occupancy() == busy

    earliest = m.first_available([(a, prepared), (b, None)], request, 3)
    assert_type(earliest, m.SlotList)
    assert [(s.doctor_id, s.start) for s in earliest] == [
        ("dr-b", ist(MON, 9)), ("dr-b", ist(MON, 9, 15)), ("dr-b", ist(MON, 9, 30))]

    each = m.slots_for_doctors([(a, busy), (b, prepared)], request)
    assert_type(each, List[m.SlotSeries])
    assert [len(series.slots) for series in each] == [7, 7]


# --- holds and bookings --------------------------------------------------------------------


def test_hold_then_book_then_manage() -> None:
    schedule = build_schedule()
    store = m.InMemoryStore()
    bookings = m.Bookings(store)

    hold = bookings.hold(schedule, PATIENT, NOW, m.HoldRequest(
        hold_id="h-1", patient_id="pat-1", doctor_id="dr-a", appointment_type_id="consult",
        start=ist(MON, 9)))
    assert_type(hold, m.Hold)
    assert hold.status == m.HoldStatus.HELD and hold.expires_at > NOW
    assert hold.book_date == MON and hold.expires_at == NOW + timedelta(minutes=10)

    appointment = bookings.book_hold(schedule, PATIENT, NOW + timedelta(minutes=2), MON, "h-1",
                                     "a-1")
    assert_type(appointment, m.Appointment)
    assert appointment.status == m.AppointmentStatus.CONFIRMED

    review = bookings.book(schedule, PATIENT, NOW, m.BookRequest(
        appointment_id="a-2", patient_id="pat-1", doctor_id="dr-a",
        appointment_type_id="review", start=ist(MON, 9, 15)))
    assert review.status == m.AppointmentStatus.PENDING
    confirmed = bookings.confirm(schedule, DESK, NOW, MON, "a-2")
    assert confirmed.status == m.AppointmentStatus.CONFIRMED

    moved = bookings.reschedule(schedule, PATIENT, NOW, MON, "a-1", ist(TUE, 11))
    assert (moved.book_date, moved.slot.start) == (TUE, ist(TUE, 11))
    assert bookings.appointment(schedule, MON, "a-1").slot.start == ist(TUE, 11)  # followed
    cancelled = bookings.cancel(schedule, PATIENT, NOW, MON, "a-2", reason="feeling better")
    assert (cancelled.status, cancelled.end_reason) == (m.AppointmentStatus.CANCELLED,
                                                        "feeling better")

    # The day book: what a slots endpoint subtracts from availability.
    book = bookings.day(schedule, TUE)
    assert_type(book, m.DayBook)
    assert_type(book.appointments, List[m.Appointment])
    assert [a.id for a in book.appointments] == ["a-1"]
    taken = book.prepared_occupancy(NOW)
    assert_type(taken, m.PreparedOccupancy)
    free = schedule.availability("dr-a").slots(request_for(schedule, TUE), taken)
    assert ist(TUE, 11) not in free.slots.starts()
    assert book.occupancy(NOW) == taken.to_occupancy()

    # The change feed, its notifications, and the events of one stream.
    feed = bookings.feed(schedule)
    assert_type(feed, List[m.FeedEntry])
    assert [e.position for e in feed] == sorted(e.position for e in feed)
    sent = bookings.feed_notifications(schedule, after=0, limit=100)
    assert_type(sent, m.FeedNotifications)
    kinds = {n.kind for n in sent.notifications}
    assert m.NotificationKind.BOOKING_CONFIRMED in kinds
    stream = store.load_stream(m.StreamId(tenant=TENANT, date=MON))
    assert_type(stream, m.LoadedStream)
    assert m.DayBook.from_events(stream.events) == bookings.day(schedule, MON)
    reminders = bookings.reminders(schedule, TUE, TUE, NOW, ist(TUE, 12))
    assert_type(reminders, List[m.Notification])
    assert {r.appointment_id for r in reminders} == {"a-1"}


def test_the_pure_decider() -> None:
    schedule = build_schedule()
    empty = m.DayBook.from_events([])
    command: m.Command = m.Book(appointment_id="a-9", patient_id="pat-1", doctor_id="dr-b",
                                appointment_type_id="consult", start=ist(MON, 9))
    changes = m.decide(schedule, empty, PATIENT, NOW, MON, command)
    assert_type(changes, List[m.AnyChange])
    (booked,) = changes
    assert isinstance(booked, m.AppointmentBooked) and booked.appointment.id == "a-9"


# --- errors as HTTP responses --------------------------------------------------------------

HTTP_STATUS: Dict[str, int] = {
    "invalid_input": 422, "not_found": 404, "slot_unavailable": 409, "conflict": 409,
    "invalid_transition": 409, "policy_violation": 409, "storage": 503,
}


def problem(err: m.MedschedError) -> Tuple[int, Dict[str, Any]]:
    """A refusal as an HTTP status and a JSON body, reading each error's typed fields."""
    body: Dict[str, Any] = {"code": err.code, "message": err.message}
    if isinstance(err, m.InvalidInputError):
        body.update(field=err.field, value=err.value, problem=err.problem)
    elif isinstance(err, m.NotFoundError):
        body.update(kind=err.kind, id=err.id)
    elif isinstance(err, m.SlotUnavailableError):
        reason: Optional[m.Unavailable] = err.reason
        start: Optional[datetime] = err.start
        body.update(reason=None if reason is None else reason.code.value,
                    start=None if start is None else start.isoformat())
    elif isinstance(err, m.InvalidTransitionError):
        body.update(kind=err.kind, id=err.id, status=err.from_status, action=err.action)
    elif isinstance(err, m.PolicyViolationError):
        body.update(rule=err.rule, action=err.action)
    elif isinstance(err, m.ConflictError):
        body.update(stream=err.stream, expected=err.expected, actual=err.actual)
    return HTTP_STATUS.get(err.code, 500), body


def test_refusals_are_typed_exceptions() -> None:
    schedule = build_schedule()
    bookings = m.Bookings(m.InMemoryStore())
    first = m.BookRequest(appointment_id="a-1", patient_id="pat-1", doctor_id="dr-a",
                          appointment_type_id="consult", start=ist(MON, 9))
    bookings.book(schedule, PATIENT, NOW, first)

    with pytest.raises(m.SlotUnavailableError) as taken:
        bookings.book(schedule, OTHER, NOW, m.BookRequest(
            appointment_id="a-2", patient_id="pat-2", doctor_id="dr-a",
            appointment_type_id="consult", start=ist(MON, 9)))
    assert problem(taken.value) == (409, {
        "code": "slot_unavailable", "message": taken.value.message, "reason": "booked",
        "start": "2026-03-02T03:30:00+00:00"})

    with pytest.raises(m.NotFoundError) as unknown:
        schedule.availability("dr-z")
    assert problem(unknown.value)[0] == 404 and unknown.value.kind == "doctor"

    with pytest.raises(m.InvalidTransitionError) as twice:
        bookings.confirm(schedule, DESK, NOW, MON, "a-1")  # confirmed when booked
    assert (twice.value.from_status, twice.value.action) == ("confirmed", "confirm")

    with pytest.raises(m.PolicyViolationError) as staff_only:
        bookings.confirm(schedule, PATIENT, NOW, MON, "a-1")
    assert staff_only.value.rule == "staff_only"

    with pytest.raises(m.InvalidInputError) as bad_zone:
        m.Schedule(TENANT, m.Clinic(locations=[m.Location(id="x", time_zone="Mars/Olympus")]),
                   [], [])
    assert (bad_zone.value.field, bad_zone.value.problem) == (
        "locations[0].time_zone", "unknown_time_zone")
    assert isinstance(bad_zone.value, ValueError)  # also a ValueError, for generic handlers

    with pytest.raises(TypeError, match="aware datetime") as naive:
        bookings.day(schedule, MON).occupancy(datetime(2026, 3, 1, 18, 0))  # naive
    wrong = naive.value  # a TypeError, and a medsched error naming the argument
    assert isinstance(wrong, m.WrongTypeError)
    assert (wrong.code, wrong.field, wrong.problem) == ("invalid_input", "now", "wrong_type")

    with pytest.raises(m.InvalidInputError) as negative:
        bookings.feed(schedule, after=-1)
    assert (negative.value.field, negative.value.problem) == ("after", "out_of_range")

    with pytest.raises(m.InvalidInputError):
        m.validate_meet_link("https://example.com/not-a-meeting")


def create_app(schedule: m.Schedule, bookings: m.Bookings) -> FastAPI:
    """Two endpoints of a booking API and the handler that turns refusals into responses."""
    app = FastAPI()

    @app.exception_handler(m.MedschedError)
    async def refused(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, m.MedschedError)
        status, body = problem(exc)
        return JSONResponse(body, status_code=status)

    @app.get("/doctors/{doctor_id}/slots")
    def slots(doctor_id: str, day: date) -> List[str]:
        doctor = schedule.availability(doctor_id)
        occupancy = bookings.day(schedule, day).prepared_occupancy(NOW)
        found = doctor.slots(request_for(schedule, day), occupancy)
        return [start.isoformat() for start in found.slots.starts()]

    @app.post("/appointments", status_code=201)
    def book(body: Dict[str, str]) -> Dict[str, Any]:
        request = m.BookRequest(
            appointment_id=body["appointment_id"], patient_id=body["patient_id"],
            doctor_id=body["doctor_id"], appointment_type_id="consult",
            start=datetime.fromisoformat(body["start"]),
        )
        appointment = bookings.book(schedule, m.Actor.patient(request.patient_id), NOW, request)
        return appointment.to_dict()

    return app


def test_a_fastapi_app_over_medsched() -> None:
    schedule = build_schedule()
    client = TestClient(create_app(schedule, m.Bookings(m.InMemoryStore())))
    listed = client.get("/doctors/dr-a/slots", params={"day": "2026-03-02"})
    assert listed.status_code == 200 and listed.json()[0] == "2026-03-02T03:30:00+00:00"
    body = {"appointment_id": "a-1", "patient_id": "pat-1", "doctor_id": "dr-a",
            "start": "2026-03-02T09:00:00+05:30"}
    created = client.post("/appointments", json=body)
    assert created.status_code == 201 and created.json()["status"] == "confirmed"
    again = client.post("/appointments", json=dict(body, appointment_id="a-2"))
    assert again.status_code == 409 and again.json()["reason"] == "booked"
    missing = client.get("/doctors/dr-z/slots", params={"day": "2026-03-02"})
    assert missing.status_code == 404 and missing.json()["kind"] == "doctor"
    remaining = client.get("/doctors/dr-a/slots", params={"day": "2026-03-02"}).json()
    assert "2026-03-02T03:30:00+00:00" not in remaining and len(remaining) == 10


# --- a store of one's own ------------------------------------------------------------------

FeedRow = Tuple[int, m.StreamId, int, str]


class DictStore:
    """An :class:`medsched.EventStore` in dicts: what a SQL store does with a table, a unique
    key on (stream, version) and a transaction (here a lock: the services may call a store
    from several threads at once)."""

    def __init__(self) -> None:
        self._streams: Dict[Tuple[str, date, Optional[str]], List[str]] = {}
        self._feed: List[FeedRow] = []
        self._heads: Dict[str, int] = {}  # each tenant's last feed position
        self._lock = threading.Lock()

    def load(self, stream: m.StreamId) -> Tuple[int, List[str]]:
        with self._lock:
            events = self._streams.get((stream.tenant, stream.date, stream.doctor_id), [])
            return len(events), list(events)

    def append(self, stream: m.StreamId, expected_version: int, events: List[str]) -> int:
        key = (stream.tenant, stream.date, stream.doctor_id)
        with self._lock:
            current = self._streams.get(key, [])
            if len(current) != expected_version:
                raise m.ConflictError(stream=str(stream), expected=expected_version,
                                      actual=len(current))
            for i, event in enumerate(events):
                tenant = json.loads(event).get("tenant")
                if tenant != stream.tenant:
                    raise m.InvalidInputError(f"events[{i}].tenant", {
                        "field": f"events[{i}].tenant", "value": str(tenant),
                        "problem": "conflicting", "problem_message": f"conflicts with {stream}"})
            self._streams[key] = current + events
            for offset, event in enumerate(events, start=1):
                position = self._heads[stream.tenant] = self._heads.get(stream.tenant, 0) + 1
                self._feed.append((position, stream, len(current) + offset, event))
            return len(current) + len(events)

    def feed(self, tenant: str, after: int, limit: int) -> List[FeedRow]:
        with self._lock:
            rows: Iterator[FeedRow] = (
                r for r in self._feed if r[1].tenant == tenant and r[0] > after)
            return [row for _, row in zip(range(limit), rows)]


def test_a_store_of_ones_own() -> None:
    store = DictStore()
    assert isinstance(store, m.EventStore)  # the protocol is runtime-checkable
    m.check_event_store(store, tenant_prefix="sample", threads=4)  # medsched-testkit's checks

    schedule = build_schedule()
    bookings = m.Bookings(store, max_attempts=8)
    bookings.book(schedule, PATIENT, NOW, m.BookRequest(
        appointment_id="a-1", patient_id="pat-1", doctor_id="dr-b",
        appointment_type_id="consult", start=ist(MON, 9)))
    version, events = store.load(m.StreamId(tenant=TENANT, date=MON))
    assert version == 1 and json.loads(events[0])["type"] == "appointment_booked"
    assert [e.event.tenant for e in bookings.feed(schedule)] == [TENANT]

    with pytest.raises(m.ConflictError) as stale:
        store.append(m.StreamId(tenant=TENANT, date=MON), 0, events)
    assert problem(stale.value)[1]["actual"] == 1


# --- the token desk and waits --------------------------------------------------------------

RULES = m.QueueRules(sessions=[m.TokenSession(id="morning", start=ist(MON, 9),
                                              end=ist(MON, 12))])
DAY = m.QueueDay(tenant=TENANT, doctor_id="dr-a", date=MON)


def walk_in(token_id: str) -> m.TokenRequest:
    return m.TokenRequest(token_id=token_id, kind=m.TokenKind.WALK_IN,
                          patient_id=f"p-{token_id}")


def test_the_token_desk() -> None:
    tokens = m.Tokens(m.InMemoryStore())
    opened = ist(MON, 8, 45)
    first = tokens.issue(DAY, RULES, DESK, opened, walk_in("w1"))
    assert_type(first, m.QueueUpdate)
    assert_type(first.token, Optional[m.Token])
    assert first.token is not None and first.token.number == 1
    tokens.issue(DAY, RULES, DESK, opened, walk_in("w2"))
    emergency = tokens.issue(DAY, RULES, DESK, opened, m.TokenRequest(
        token_id="e1", kind=m.TokenKind.EMERGENCY, patient_id="p-e1"))
    assert emergency.queue.line == [3, 1, 2]  # emergencies first
    assert_type(emergency.notifications, List[m.QueueNotification])

    called = tokens.execute(DAY, RULES, DESK, ist(MON, 9), m.CallNext())
    assert called.token is not None and called.token.number == 3
    assert called.notifications[0].kind == m.QueueNotificationKind.YOUR_TURN
    started = tokens.execute(DAY, RULES, DESK, ist(MON, 9, 1), m.StartConsultation(number=3))
    queue = started.queue
    assert_type(queue, m.Queue)
    serving = queue.now_serving
    assert_type(serving, Optional[m.Token])
    assert serving is not None and serving.state == m.TokenState.CONSULTING
    assert_type(queue.position(1), Optional[int])  # 1 for the next to be seen
    assert (queue.line, queue.position(1), queue.counts().waiting) == ([1, 2], 1, 2)
    done = tokens.execute(DAY, RULES, DESK, ist(MON, 9, 9), m.CompleteConsultation(number=3))
    assert done.queue.counts().completed == 1

    # The pure decider, as a preview before acting.
    preview = m.decide_token(done.queue, RULES, DESK, ist(MON, 9, 10), m.CallNext())
    assert_type(preview, List[m.TokenChange])
    assert isinstance(preview[0], m.TokenCalled) and preview[0].number == 1


def test_wait_estimates() -> None:
    tokens = m.Tokens(m.InMemoryStore())
    for token_id in ("w1", "w2", "w3"):
        tokens.issue(DAY, RULES, DESK, ist(MON, 8, 45), walk_in(token_id))
    tokens.execute(DAY, RULES, DESK, ist(MON, 9), m.CallNext())
    tokens.execute(DAY, RULES, DESK, ist(MON, 9), m.StartConsultation(number=1))

    history = m.DoctorHistory.from_durations([8.0, 10.0, 12.0, 9.0, 11.0])
    assert_type(history, m.DoctorHistory)
    now = ist(MON, 9, 5)
    estimates = tokens.wait_estimates(DAY, RULES, now, history)  # medsched's own estimator
    assert_type(estimates, List[m.WaitEstimate])
    assert [e.number for e in estimates] == [2, 3]
    assert all(0 <= e.minutes <= e.p90_minutes for e in estimates)
    assert all(0 <= e.p50_minutes <= e.p90_minutes for e in estimates)
    assert estimates[0].minutes < estimates[1].minutes

    simple = m.MovingAverageEstimator(window=5, p90_factor=1.5)
    average = tokens.wait_estimates(DAY, RULES, now, history, simple)
    assert average[1].minutes == pytest.approx(2 * 10.0 - 5.0)  # two ahead, less 5 elapsed

    snapshot = tokens.queue(DAY).wait_snapshot(RULES, "morning", now)
    assert_type(snapshot, Optional[m.QueueSnapshot])
    assert snapshot is not None and [w.number for w in snapshot.waiting] == [2, 3]
    estimator: m.WaitEstimator = m.QueueEstimator()
    assert [e.number for e in estimator.estimate(snapshot, history)] == [2, 3]


# --- the native module, for those who go below the package ---------------------------------


def test_native_module_speaks_json_text() -> None:
    assert "Clinic" in _native.TYPE_NAMES
    canonical = _native.canonical("Actor", '{"kind": "staff", "id": "desk-1"}')
    assert_type(canonical, str)
    assert json.loads(canonical) == {"kind": "staff", "id": "desk-1"}
    store = _native.NativeStore()
    assert_type(store.append(json.dumps({"tenant": TENANT, "date": "2026-03-02"}), 0, "[]"),
                int)
    assert_type(_native.history_from_durations([10, 12.5]), str)


def test_the_package_exports_every_module_name() -> None:
    """``medsched.__all__`` is what ``from medsched import *`` gives, checked and run alike:
    each module's public names, once."""
    from medsched import (availability, booking, booking_service, calendar, clinic_ops, errors,
                          events, resources, schedule, slots, stores, timeline, token_changes,
                          token_commands, token_service, tokens, waits)

    modules = [errors, calendar, timeline, slots, booking, resources, events, tokens,
               token_commands, token_changes, waits, availability, schedule, stores, booking_service,
               token_service, clinic_ops]
    expected = ["LocalDateTime", "Record", "from_dict"]
    for module in modules:
        expected += list(module.__all__)
    assert sorted(m.__all__) == sorted(expected) and len(set(m.__all__)) == len(m.__all__)
