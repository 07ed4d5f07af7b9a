"""Threads: the native calls release the GIL while the core works, and the services are safe
to share between threads (concurrent bookers of one seat get one success and clear refusals;
concurrent desks get distinct token numbers)."""

from __future__ import annotations

import json
import sys
import threading
import time
from contextlib import contextmanager
from datetime import time as clock, timedelta
from typing import Callable, Dict, Iterator, List, Tuple, TypeVar, Union

import medsched as m
from conftest import MON, NOW, STAFF, TENANT, at, book_request, clinic, weekday_calendar

T = TypeVar("T")
THREADS = 8


@contextmanager
def counting_thread() -> Iterator[Callable[[], int]]:
    """Another Python thread that counts while it holds the GIL and lets it go (sleeping
    0.1 ms) after each count. Forced switches are turned off meanwhile (a switch interval of
    a minute), so it can count only while this thread lets the GIL go of its own accord:
    progress during a call proves the call released the GIL, whatever the machine's load.
    Yields the counter."""
    count = [0]
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            count[0] += 1
            time.sleep(0.0001)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(60.0)
    thread = threading.Thread(target=spin, daemon=True)
    thread.start()
    try:
        while count[0] == 0:
            time.sleep(0.001)
        yield lambda: count[0]
    finally:
        stop.set()
        sys.setswitchinterval(interval)
        thread.join(timeout=10)
    assert not thread.is_alive()


def progress(call: Callable[[], object], counter: Callable[[], int], tries: int,
             enough: int = 1) -> Tuple[int, int]:
    """Runs ``call`` until the other thread has counted ``enough`` during its runs (at most
    ``tries`` runs): the counts made during the runs, and the runs made."""
    made = 0
    for run in range(1, tries + 1):
        before = counter()
        call()
        made += counter() - before
        if made >= enough:
            return made, run
    return made, tries


def all_day_doctor() -> m.Availability:
    """A doctor open every day 00:00-23:55 with 5-minute slots: a long range is a heavy
    search (287 slots a day; the clinic's ``max_slots`` raised so that 1,000 days fit)."""
    calendar = weekday_calendar("dr-busy")
    calendar.templates[0].weekdays = list(m.Weekday)
    calendar.templates[0].sessions = [m.Session(start=clock(0, 0), end=clock(23, 55))]
    calendar.settings = m.SessionSettings(slot_minutes=5)
    return m.Availability(m.ClinicRules(clinic(), limits=m.Limits(max_slots=300_000)), calendar)


def test_the_counting_thread_is_stopped_by_a_call_that_holds_the_gil() -> None:
    """The control: json.loads of a large text keeps the GIL, so nothing is counted."""
    text = json.dumps([{"start": "2026-03-02T09:00:00Z", "n": i} for i in range(200_000)])
    with counting_thread() as counter:
        made, runs = progress(lambda: json.loads(text), counter, tries=3)
    assert (made, runs) == (0, 3)


def test_a_long_slot_search_lets_other_threads_run() -> None:
    """A 1,000-day search (287,000 slots) releases the GIL: the other thread counts at least
    a few times during it (30 to 70 times a search, measured; the search takes 6-15 ms)."""
    doctor = all_day_doctor()
    start = at(MON, "00:00")
    request = m.SlotRequest(appointment_type=m.AppointmentType(id="short", duration_minutes=5),
                            start=start, end=start + timedelta(days=1000), now=NOW)
    assert len(doctor.slots(request).slots) == 999 * 287  # every 5 minutes but Founders' day
    with counting_thread() as counter:
        made, runs = progress(lambda: doctor.slots(request), counter, tries=50, enough=3)
    assert made >= 3, f"the other thread counted {made} times during {runs} searches"


def test_services_let_other_threads_run(schedule: m.Schedule, bookings: m.Bookings) -> None:
    """Service calls too: each lets the other thread count at least once in some runs (a call
    may end before the other thread wakes, so they are repeated). Calls of a few microseconds
    (one booking, one token) are left out: whether the other thread wakes within one is up to
    the scheduler, not to the binding."""
    doctors = [(schedule.availability(d), None) for d in schedule.doctor_ids()]
    quarter = m.SlotRequest(appointment_type=schedule.appointment_type("consult"),
                         start=at(MON, "00:00"), end=at(MON, "00:00") + timedelta(days=90),
                         now=NOW)
    calls: Dict[str, Callable[[], object]] = {
        "first_available": lambda: m.first_available(doctors, quarter, 500),
        "collisions": lambda: bookings.collisions(schedule, MON, MON + timedelta(days=60), NOW),
    }
    with counting_thread() as counter:
        for name, call in calls.items():
            made, runs = progress(call, counter, tries=2000)
            assert made >= 1, f"{name}: the other thread never ran in {runs} calls"


def run_together(calls: List[Callable[[], T]]) -> List[Union[T, BaseException]]:
    """Runs the calls in threads released at once; each call's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: Dict[int, Union[T, BaseException]] = {}

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except BaseException as err:  # noqa: BLE001 - reported to the test
            results[i] = err

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return [results[i] for i in range(len(calls))]


def test_concurrent_bookers_of_one_seat_get_one_success(
    schedule: m.Schedule, bookings: m.Bookings, store: m.InMemoryStore,
) -> None:
    for round, hm in enumerate(("09:00", "09:15", "09:30", "09:45", "10:00")):
        start = at(MON, hm)

        def booker(i: int) -> Callable[[], m.Appointment]:
            patient = m.Actor.patient(f"pat-{round}-{i}")
            request = book_request(f"a-{round}-{i}", start, patient=patient.id)
            return lambda: bookings.book(schedule, patient, NOW, request)

        results = run_together([booker(i) for i in range(THREADS)])
        won = [r for r in results if isinstance(r, m.Appointment)]
        lost = [r for r in results if isinstance(r, m.SlotUnavailableError)]
        assert len(won) == 1 and len(lost) == THREADS - 1, results
        assert won[0].slot.start == start
        assert all(e.reason == m.Unavailable(code=m.UnavailableCode.BOOKED) for e in lost)
        assert all((e.doctor_id, e.start) == ("dr-a", start) for e in lost)
    book = bookings.day(schedule, MON)
    assert [a.slot.start.strftime("%H:%M") for a in book.appointments] == [
        "09:00", "09:15", "09:30", "09:45", "10:00"]
    assert store.load_stream(m.StreamId(tenant=TENANT, date=MON)).version == 5


def test_concurrent_desks_get_distinct_token_numbers(store: m.InMemoryStore) -> None:
    tokens = m.Tokens(store)
    day = m.QueueDay(tenant=TENANT, doctor_id="dr-a", date=MON)
    rules = m.QueueRules(sessions=[m.TokenSession(id="am", start=at(MON, "09:00"),
                                                  end=at(MON, "13:00"))])

    def desk(i: int) -> Callable[[], m.QueueUpdate]:
        request = m.TokenRequest(token_id=f"t-{i}", kind=m.TokenKind.WALK_IN,
                                 patient_id=f"p-{i}")
        return lambda: tokens.issue(day, rules, STAFF, at(MON, "08:30"), request)

    updates = run_together([desk(i) for i in range(THREADS)])
    numbers = []
    for update in updates:
        assert isinstance(update, m.QueueUpdate) and update.token is not None
        numbers.append(update.token.number)
    assert sorted(numbers) == list(range(1, THREADS + 1))
    assert sorted(tokens.queue(day).line) == sorted(numbers)


class LockedStore:
    """A thread-safe EventStore in Python that counts the conflicts it reports."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.streams: Dict[str, List[str]] = {}
        self.conflicts = 0

    def load(self, stream: m.StreamId) -> Tuple[int, List[str]]:
        with self.lock:
            events = list(self.streams.get(str(stream), []))
        return len(events), events

    def append(self, stream: m.StreamId, expected_version: int, events: List[str]) -> int:
        time.sleep(0.001)  # widen the race: other writers load meanwhile
        with self.lock:
            held = self.streams.setdefault(str(stream), [])
            if len(held) != expected_version:
                self.conflicts += 1
                raise m.ConflictError(stream=str(stream), expected=expected_version,
                                      actual=len(held))
            held.extend(events)
            return len(held)

    def feed(self, tenant: str, after: int, limit: int) -> List[Tuple[int, m.StreamId, int, str]]:
        return []


def test_a_python_store_shared_by_threads_retries_its_conflicts(schedule: m.Schedule) -> None:
    store = LockedStore()
    bookings = m.Bookings(store)

    def booker(i: int) -> Callable[[], m.Appointment]:
        start = at(MON, "09:00") + timedelta(minutes=15 * i)
        return lambda: bookings.book(schedule, STAFF, NOW, book_request(f"a-{i}", start))

    results = run_together([booker(i) for i in range(THREADS)])
    assert all(isinstance(r, m.Appointment) for r in results), results
    events = store.streams["clinic-1/2026-03-02"]
    assert len(events) == THREADS  # every booking once, however many conflicts were retried
    booked = sorted(json.loads(e)["appointment"]["id"] for e in events)
    assert booked == sorted(f"a-{i}" for i in range(THREADS))
