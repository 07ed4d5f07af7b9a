"""Slot generation: medsched from Python against a plain-Python implementation.

Run (the extension should be built in release mode, e.g. ``maturin develop --release``)::

    cd bindings/python
    python bench/slots_vs_python.py                # both scenarios, best of 3
    python bench/slots_vs_python.py --repeats 5 --only b --doctors 500

What it measures, for two scenarios:

- (a) one doctor in Kochi, Mon-Sat, two sessions (one with a break), a holiday, two days of
  leave, 300 bookings (some with buffers, some 30 minutes, six live holds, two expired),
  90 days of 15-minute consultations with a 5-minute type buffer, 2 hours' notice and a
  75-day horizon;
- (b) 1,000 doctors x 30 days, spread over Asia/Kolkata, Europe/London and America/New_York
  (the range crosses both DST changes of March 2026), four weekly patterns of two sessions a
  day (10-, 15- and 20-minute steps, a break, a session buffer, two patients at once on some),
  holidays per location, leave on some doctors, about 15% of each doctor's slots booked.

For each scenario it times, with ``time.perf_counter`` and the garbage collector paused (as
``timeit`` does), the best of ``--repeats`` samples (a sample repeats a run until it lasts
about 50 ms, and counts the time per run) of:

- pure Python: ``pure_slots.find_slots`` per doctor, returning a list of ``Slot`` named tuples
  (doctor, location, aware UTC start and end, capacity left);
- medsched: ``Availability.slots(request, occupancy)`` per doctor, which converts the request
  and the occupancy (Python data classes to the core's JSON) and returns a ``SlotSeries``
  whose slots stay in native memory; then the same plus reading every start through
  ``SlotList.starts()``; then the same plus making every ``medsched.Slot`` with
  ``SlotList.to_list()``.

Then the same searches with each doctor's occupancy prepared once (``PreparedOccupancy``: read
into native memory, as a host that keeps the day's bookings between searches, or takes them
from ``DayBook.prepared_occupancy``, has it): one ``Availability.slots`` call per doctor, then
all doctors in one ``slots_for_doctors`` call, then the same reading every start.

Both sides get their inputs built beforehand; each doctor's ``Availability`` is compiled once
before timing (what an application does when a calendar changes), and that one-off cost is
printed on its own line, as is preparing the occupancies. Speed-up is the pure-Python time over
the row's time. The slot counts of every run must be equal (checked), and
``tests/test_pure_slots_agree.py`` checks that both give exactly the same slots on this input.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import sys
import time as clock
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pure_slots as pure  # noqa: E402

import medsched as m  # noqa: E402

UTC = timezone.utc
WEEKDAYS = list(m.Weekday)  # Monday first, as date.weekday() counts
MON_TO_FRI = frozenset(range(5))
MON_TO_SAT = frozenset(range(6))


def utc(text: str) -> datetime:
    """An aware UTC datetime from ISO text without a zone."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def hm(text: str) -> time:
    """A time of day from ``HH:MM``."""
    return time.fromisoformat(text)


# --- inputs in both forms -------------------------------------------------------------------


@dataclass
class Case:
    """One doctor's input, for pure Python and for medsched."""

    doctor: pure.Doctor
    bookings: List[pure.Booking]
    availability: m.Availability
    occupancy: m.Occupancy


@dataclass
class Scenario:
    """A benchmark scenario: the question asked of every doctor, and the doctors."""

    name: str
    clinic: pure.Clinic
    kind: pure.AppointmentType
    start: datetime
    end: datetime
    now: datetime
    request: m.SlotRequest
    cases: List[Case]
    compile_seconds: float
    """Time to compile every doctor's ``Availability`` (not in the timed runs)."""


def medsched_clinic(clinic: pure.Clinic) -> m.Clinic:
    """The clinic as medsched's record."""
    return m.Clinic(
        locations=[m.Location(id=lid, time_zone=zone.key) for lid, zone in clinic.zones.items()],
        holidays=[
            m.Holiday(id=f"holiday-{i}", first=h.first, last=h.last, location_id=h.location_id)
            for i, h in enumerate(clinic.holidays)
        ],
    )


def medsched_calendar(doctor: pure.Doctor) -> m.DoctorCalendar:
    """A doctor's rules as medsched's calendar."""
    templates = []
    for i, t in enumerate(doctor.templates):
        sessions = [
            m.Session(
                start=s.start, end=s.end, breaks=[m.Hours(start=a, end=b) for a, b in s.breaks]
            )
            for s in t.sessions
        ]
        templates.append(
            m.WeeklyTemplate(
                id=f"template-{i}",
                location_id=t.location_id,
                sessions=sessions,
                weekdays=[WEEKDAYS[d] for d in sorted(t.weekdays)],
                settings=m.SessionSettings(
                    slot_minutes=t.slot_minutes,
                    buffer_before_minutes=t.buffer_before_minutes,
                    buffer_after_minutes=t.buffer_after_minutes,
                    max_parallel=t.max_parallel,
                ),
            )
        )
    leaves = [
        m.Leave(id=f"leave-{i}", status=m.LeaveStatus.APPROVED, first=x.first, last=x.last)
        for i, x in enumerate(doctor.leaves)
    ]
    return m.DoctorCalendar(doctor_id=doctor.id, templates=templates, leaves=leaves)


def medsched_request(
    kind: pure.AppointmentType, start: datetime, end: datetime, now: datetime
) -> m.SlotRequest:
    """The slot question as medsched's request."""
    return m.SlotRequest(
        appointment_type=m.AppointmentType(
            id="consult",
            duration_minutes=kind.duration_minutes,
            step_minutes=kind.step_minutes,
            buffer_before_minutes=kind.buffer_before_minutes,
            buffer_after_minutes=kind.buffer_after_minutes,
            min_notice_minutes=kind.min_notice_minutes,
            max_days_ahead=kind.max_days_ahead,
        ),
        start=start,
        end=end,
        now=now,
    )


def medsched_occupancy(bookings: Sequence[pure.Booking]) -> m.Occupancy:
    """Bookings as medsched's occupancy."""
    return m.Occupancy(
        reservations=[
            m.Reservation(
                id=f"r{i}",
                doctor_id=b.doctor_id,
                start=b.start,
                end=b.end,
                buffer_before_minutes=b.buffer_before_minutes,
                buffer_after_minutes=b.buffer_after_minutes,
                seats=b.seats,
                expires_at=b.expires_at,
            )
            for i, b in enumerate(bookings)
        ]
    )


def pick_bookings(
    rng: random.Random,
    doctor_id: str,
    free: List[datetime],
    count: int,
    holds: int,
    now: datetime,
) -> List[pure.Booking]:
    """Books ``count`` distinct free slot starts (the last ``holds`` of them as live holds),
    some 30 minutes long, some with buffers; adds two expired holds (to be ignored)."""
    picked = rng.sample(free, min(count, len(free)))
    out = []
    for k, start in enumerate(picked):
        out.append(
            pure.Booking(
                doctor_id=doctor_id,
                start=start,
                end=start + timedelta(minutes=30 if k % 7 == 3 else 15),
                buffer_before_minutes=5 if k % 11 == 0 else 0,
                buffer_after_minutes=5 if k % 5 == 0 else 0,
                expires_at=now + timedelta(minutes=10) if k >= len(picked) - holds else None,
            )
        )
    for start in free[:2]:
        out.append(
            pure.Booking(
                doctor_id=doctor_id,
                start=start,
                end=start + timedelta(minutes=15),
                expires_at=now - timedelta(minutes=1),
            )
        )
    return out


def build(
    name: str,
    clinic: pure.Clinic,
    kind: pure.AppointmentType,
    span: Tuple[datetime, datetime, datetime],
    doctors: List[pure.Doctor],
    bookings_of: Callable[[random.Random, pure.Doctor, List[datetime]], List[pure.Booking]],
) -> Scenario:
    """Compiles the doctors, books some of their free slots, and converts every input."""
    start, end, now = span
    rules = m.ClinicRules(medsched_clinic(clinic))
    calendars = [medsched_calendar(d) for d in doctors]
    began = clock.perf_counter()
    availabilities = [m.Availability(rules, c) for c in calendars]
    compile_seconds = clock.perf_counter() - began
    request = medsched_request(kind, start, end, now)
    rng = random.Random(20260302)
    cases = []
    for doctor, availability in zip(doctors, availabilities):
        free = availability.slots(request).slots.starts()
        bookings = bookings_of(rng, doctor, free)
        cases.append(Case(doctor, bookings, availability, medsched_occupancy(bookings)))
    return Scenario(name, clinic, kind, start, end, now, request, cases, compile_seconds)


def scenario_a() -> Scenario:
    """One doctor in Kochi, 90 days."""
    kochi = ZoneInfo("Asia/Kolkata")
    clinic = pure.Clinic(
        zones={"kochi": kochi},
        holidays=[pure.Holiday(date(2026, 3, 4), date(2026, 3, 4))],  # Holi
    )
    doctor = pure.Doctor(
        id="dr-asha",
        templates=[
            pure.Template(
                location_id="kochi",
                weekdays=MON_TO_SAT,
                sessions=(
                    pure.Session(hm("09:00"), hm("13:00"), ((hm("11:00"), hm("11:15")),)),
                    pure.Session(hm("16:00"), hm("20:00")),
                ),
                slot_minutes=15,
            )
        ],
        leaves=[pure.Leave(date(2026, 4, 13), date(2026, 4, 14))],
    )
    kind = pure.AppointmentType(
        duration_minutes=15, buffer_after_minutes=5, min_notice_minutes=120, max_days_ahead=75
    )
    start = utc("2026-03-01T18:30:00")  # Monday 2 March 2026, 00:00 in Kochi
    span = (start, start + timedelta(days=90), utc("2026-03-02T04:00:00"))

    def bookings(rng: random.Random, d: pure.Doctor, free: List[datetime]) -> List[pure.Booking]:
        return pick_bookings(rng, d.id, free, 300, 6, span[2])

    return build("(a) 1 doctor x 90 days", clinic, kind, span, [doctor], bookings)


ZONES = [("kochi", "Asia/Kolkata"), ("london", "Europe/London"), ("new-york", "America/New_York")]


def doctor_b(i: int) -> pure.Doctor:
    """Doctor ``i`` of scenario (b): one of four weekly patterns at one of three locations,
    with leave on some."""
    location = ZONES[i % 3][0]
    pattern = (i // 3) % 4
    if pattern == 0:
        template = pure.Template(
            location,
            MON_TO_FRI,
            (
                pure.Session(hm("09:00"), hm("13:00"), ((hm("11:00"), hm("11:15")),)),
                pure.Session(hm("16:00"), hm("19:00")),
            ),
            slot_minutes=15,
        )
    elif pattern == 1:
        template = pure.Template(
            location,
            MON_TO_SAT,
            (pure.Session(hm("08:30"), hm("12:30")), pure.Session(hm("14:00"), hm("17:00"))),
            slot_minutes=20,
        )
    elif pattern == 2:
        template = pure.Template(
            location,
            frozenset({0, 2, 4, 5}),  # Mon, Wed, Fri, Sat
            (pure.Session(hm("10:00"), hm("14:00")), pure.Session(hm("17:00"), hm("21:00"))),
            slot_minutes=10,
            max_parallel=2,
        )
    else:
        template = pure.Template(
            location,
            frozenset({1, 2, 3, 4, 5}),  # Tue to Sat
            (
                pure.Session(hm("09:00"), hm("12:00")),
                pure.Session(hm("13:00"), hm("17:00"), ((hm("15:00"), hm("15:15")),)),
            ),
            slot_minutes=15,
            buffer_after_minutes=5,
        )
    leaves = []
    if i % 20 == 7:
        first = date(2026, 3, 9 + i % 10)
        leaves.append(pure.Leave(first, first + timedelta(days=1)))
    if i % 50 == 11:
        leaves.append(pure.Leave(date(2026, 3, 23), date(2026, 3, 27)))
    return pure.Doctor(id=f"dr-{i:05}", templates=[template], leaves=leaves)


def scenario_b(doctors: int = 1000) -> Scenario:
    """``doctors`` doctors in three time zones, 30 days."""
    clinic = pure.Clinic(
        zones={lid: ZoneInfo(key) for lid, key in ZONES},
        holidays=[
            pure.Holiday(date(2026, 3, 4), date(2026, 3, 4), "kochi"),  # Holi
            pure.Holiday(date(2026, 3, 20), date(2026, 3, 20), "london"),
            pure.Holiday(date(2026, 3, 13), date(2026, 3, 13), "new-york"),
            pure.Holiday(date(2026, 1, 1), date(2026, 1, 1)),  # outside the range
        ],
    )
    kind = pure.AppointmentType(duration_minutes=15, min_notice_minutes=60, max_days_ahead=28)
    start = utc("2026-03-02T00:00:00")
    span = (start, start + timedelta(days=30), utc("2026-03-02T06:00:00"))

    def bookings(rng: random.Random, d: pure.Doctor, free: List[datetime]) -> List[pure.Booking]:
        return pick_bookings(rng, d.id, free, len(free) * 15 // 100, 2, span[2])

    name = f"(b) {doctors:,} doctors x 30 days"
    return build(name, clinic, kind, span, [doctor_b(i) for i in range(doctors)], bookings)


# --- timing -------------------------------------------------------------------------------


def run_pure(sc: Scenario) -> int:
    """Pure Python: every doctor's slots as named tuples."""
    total = 0
    for c in sc.cases:
        slots = pure.find_slots(sc.clinic, c.doctor, sc.kind, sc.start, sc.end, sc.now, c.bookings)
        total += len(slots)
    return total


def run_series(sc: Scenario) -> int:
    """medsched: every doctor's ``SlotSeries`` (slots kept native)."""
    total = 0
    for c in sc.cases:
        total += len(c.availability.slots(sc.request, c.occupancy).slots)
    return total


def run_starts(sc: Scenario) -> int:
    """medsched: the search, then every slot's start as an aware datetime."""
    total = 0
    for c in sc.cases:
        total += len(c.availability.slots(sc.request, c.occupancy).slots.starts())
    return total


def run_objects(sc: Scenario) -> int:
    """medsched: the search, then every slot as a ``medsched.Slot``."""
    total = 0
    for c in sc.cases:
        total += len(c.availability.slots(sc.request, c.occupancy).slots.to_list())
    return total


def best_of(run: Callable[[Scenario], int], sc: Scenario, repeats: int) -> Tuple[float, int]:
    """The fastest of ``repeats`` samples (seconds per run) and the slot count (the same every
    run). A sample repeats a short run until it lasts about 50 ms, so that a run of a hundred
    microseconds is timed warm, as a server calling it again and again would see it."""
    counts = {run(sc)}
    began = clock.perf_counter()
    run(sc)
    inner = max(1, round(0.05 / max(clock.perf_counter() - began, 1e-6)))
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            began = clock.perf_counter()
            for _ in range(inner):
                counts.add(run(sc))
            best = min(best, (clock.perf_counter() - began) / inner)
        finally:
            gc.enable()
    assert len(counts) == 1, f"{run.__name__}: counts differ between runs: {counts}"
    return best, counts.pop()


RUNS: List[Tuple[str, Callable[[Scenario], int]]] = [
    ("pure Python (zoneinfo + datetime)", run_pure),
    ("medsched: search -> SlotSeries", run_series),
    ("medsched: search + SlotList.starts()", run_starts),
    ("medsched: search + SlotList.to_list()", run_objects),
]


def prepared_runs(
    sc: Scenario,
) -> Tuple[float, List[Tuple[str, Callable[[Scenario], int]]]]:
    """The searches with each doctor's occupancy prepared once (``PreparedOccupancy``, as a
    host holding the day's bookings, or ``DayBook.prepared_occupancy``, gives it): the time
    to prepare them all, and the runs."""
    began = clock.perf_counter()
    prepared = [m.PreparedOccupancy(c.occupancy) for c in sc.cases]
    seconds = clock.perf_counter() - began
    pairs = list(zip((c.availability for c in sc.cases), prepared))

    def series(sc: Scenario) -> int:
        return sum(len(a.slots(sc.request, o).slots) for a, o in pairs)

    def batch(sc: Scenario) -> int:
        return sum(len(found.slots) for found in m.slots_for_doctors(pairs, sc.request))

    def starts(sc: Scenario) -> int:
        return sum(len(found.slots.starts()) for found in m.slots_for_doctors(pairs, sc.request))

    return seconds, [
        ("medsched, prepared: -> SlotSeries", series),
        ("medsched, prepared, slots_for_doctors", batch),
        ("medsched, prepared, batch + starts()", starts),
    ]


def report(sc: Scenario, repeats: int) -> None:
    """Times every run of a scenario and prints its table."""
    bookings = sum(len(c.bookings) for c in sc.cases)
    print(f"\n{sc.name}: {len(sc.cases):,} doctor(s), {bookings:,} bookings incl. holds")
    header = f"  {'':<40} {'best':>11} {'slots':>9} {'ns/slot':>9} {'speed-up':>9}"
    print(header)
    print("  " + "-" * (len(header) - 2))
    results: Dict[str, Tuple[float, int]] = {}
    for label, run in RUNS:
        results[label] = best_of(run, sc, repeats)
    pure_seconds, pure_count = results[RUNS[0][0]]
    for label, (seconds, count) in results.items():
        assert count == pure_count, f"{label}: {count} slots, pure Python {pure_count}"
        ratio = "1.0x" if label == RUNS[0][0] else f"{pure_seconds / seconds:.1f}x"
        per_slot = seconds / count * 1e9 if count else 0.0
        print(f"  {label:<40} {fmt(seconds):>11} {count:>9,} {per_slot:>9,.0f} {ratio:>9}")
    prepare_seconds, extra = prepared_runs(sc)
    for label, run in extra:
        seconds, count = best_of(run, sc, repeats)
        assert count == pure_count, f"{label}: {count} slots, pure Python {pure_count}"
        per_slot = seconds / count * 1e9 if count else 0.0
        ratio = f"{pure_seconds / seconds:.1f}x"
        print(f"  {label:<40} {fmt(seconds):>11} {count:>9,} {per_slot:>9,.0f} {ratio:>9}")
    print(f"  {'(once) prepare every occupancy':<40} {fmt(prepare_seconds):>11}")
    print(f"  {'(once) compile every Availability':<40} {fmt(sc.compile_seconds):>11}")


def fmt(seconds: float) -> str:
    """Seconds as ms (or µs below 1 ms)."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    return f"{seconds * 1e3:,.1f} ms"


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Builds the scenarios and prints their tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--doctors", type=int, default=1000, help="doctors in scenario (b)")
    parser.add_argument("--only", choices=["a", "b"], help="run one scenario")
    args = parser.parse_args(argv)
    print(
        f"Python {platform.python_version()} ({platform.machine()}), best of {args.repeats}; "
        "speed-up = pure-Python time / medsched time"
    )
    if args.only in (None, "a"):
        report(scenario_a(), args.repeats)
    if args.only in (None, "b"):
        report(scenario_b(args.doctors), args.repeats)


if __name__ == "__main__":
    main()
