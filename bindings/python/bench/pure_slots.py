"""Bookable slots in plain Python (``zoneinfo`` + ``datetime``), for the benchmark against
medsched (``slots_vs_python.py``).

This is what a competent Python developer would write in an afternoon for the slot rules the
benchmark's input uses, with medsched's semantics (``core/src/slots``, ``core/src/
availability``):

- weekly templates at a location: weekdays, sessions in local wall-clock time (less their
  breaks), slot step, session buffers and capacity (``max_parallel``);
- a local time ``T`` on date ``D`` is the first instant at which the wall clock shows
  ``D T`` or later (a time in a spring-forward gap is the jump; a repeated time in an autumn
  fold is its first showing);
- whole-day holidays (clinic-wide or per location) and whole-day approved leave close every
  session of their dates;
- candidate starts every ``step`` (elapsed time) from the start of each open piece of a
  session, the whole slot inside the piece, starting in ``[start, end)``;
- a slot is bookable when it starts at least ``min_notice`` after ``now``, its local date is at
  most ``max_days_ahead`` days after today's local date, and at every instant of it and its
  buffers (the larger of the type's and the session's on each side) the bookings (each with
  its own buffers; holds until they expire) leave room for one more appointment.

Not covered (the benchmark does not use them): overrides, rrules, partial-day leave,
emergencies and forced blocks, busy times, rooms, consultation modes, clock alignment. Instants
are compared as given (medsched rounds ``now`` and reservation ends up to whole seconds; the
benchmark's instants are whole minutes).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Dict, FrozenSet, List, NamedTuple, Optional, Sequence, Set, Tuple

from zoneinfo import ZoneInfo

__all__ = [
    "AppointmentType",
    "Booking",
    "Clinic",
    "Doctor",
    "Holiday",
    "Leave",
    "Session",
    "Slot",
    "Template",
    "find_slots",
    "local_instant",
]

UTC = timezone.utc
ONE_DAY = timedelta(days=1)
ONE_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class Session:
    """Working hours within one local day, ``end`` exclusive, with optional breaks."""

    start: time
    end: time
    breaks: Tuple[Tuple[time, time], ...] = ()

    def pieces(self) -> List[Tuple[time, time]]:
        """The open parts of the session: the session less its breaks."""
        out = []
        cursor = self.start
        for begin, finish in sorted(self.breaks):
            if begin > cursor:
                out.append((cursor, begin))
            cursor = finish
        if self.end > cursor:
            out.append((cursor, self.end))
        return out


@dataclass(frozen=True)
class Template:
    """A weekly schedule at one location with the settings of its sessions."""

    location_id: str
    weekdays: FrozenSet[int]
    """Days it applies, as ``date.weekday()`` numbers (Monday 0 … Sunday 6)."""
    sessions: Tuple[Session, ...]
    slot_minutes: int = 15
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0
    max_parallel: int = 1


@dataclass(frozen=True)
class Holiday:
    """Whole local dates ``first`` to ``last`` on which a location (or every one) is closed."""

    first: date
    last: date
    location_id: Optional[str] = None


@dataclass(frozen=True)
class Leave:
    """Approved leave: whole local dates ``first`` to ``last``."""

    first: date
    last: date


@dataclass
class Doctor:
    """A doctor's templates and approved leave."""

    id: str
    templates: List[Template]
    leaves: List[Leave] = field(default_factory=list)


@dataclass
class Clinic:
    """The time zone of every location, and the holidays."""

    zones: Dict[str, ZoneInfo]
    holidays: List[Holiday] = field(default_factory=list)


@dataclass(frozen=True)
class AppointmentType:
    """What is booked: its length, step (the session's slot length when ``None``), buffers,
    minimum notice and booking horizon (days after today's local date; none when ``None``)."""

    duration_minutes: int
    step_minutes: Optional[int] = None
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0
    min_notice_minutes: int = 0
    max_days_ahead: Optional[int] = None


@dataclass(frozen=True)
class Booking:
    """An appointment of a doctor, or a hold when ``expires_at`` is set (it counts until
    then)."""

    doctor_id: str
    start: datetime
    end: datetime
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0
    seats: int = 1
    expires_at: Optional[datetime] = None


class Slot(NamedTuple):
    """A bookable slot: aware UTC ``start`` and ``end``, and the capacity left over it."""

    doctor_id: str
    location_id: str
    start: datetime
    end: datetime
    capacity_left: int


def local_instant(zone: ZoneInfo, day: date, at: time) -> datetime:
    """The first instant (UTC) at which the wall clock in ``zone`` shows ``day`` ``at`` or
    later."""
    wall = datetime.combine(day, at)
    # fold=0 reads a repeated wall time (autumn fold) as its first showing.
    instant = wall.replace(tzinfo=zone).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant
    # The wall time never shows (spring-forward gap): the answer is the jump itself. fold=0
    # read it with the offset before the jump (an instant after it), fold=1 with the offset
    # after (an instant before it); search between the two for the change of offset.
    after = wall.replace(tzinfo=zone, fold=1).utcoffset() or timedelta(0)
    lo = (wall - after).replace(tzinfo=UTC)
    hi = instant
    while hi - lo > ONE_SECOND:
        mid = lo + timedelta(seconds=(hi - lo) // ONE_SECOND // 2)
        if mid.astimezone(zone).utcoffset() == after:
            hi = mid
        else:
            lo = mid
    return hi


class _Load:
    """The seats the bookings of one doctor use over time (buffers included)."""

    def __init__(self, bookings: Sequence[Booking], doctor_id: str, now: datetime) -> None:
        spans = sorted(
            (
                b.start - timedelta(minutes=b.buffer_before_minutes),
                b.end + timedelta(minutes=b.buffer_after_minutes),
                b.seats,
            )
            for b in bookings
            if b.doctor_id == doctor_id and (b.expires_at is None or b.expires_at > now)
        )
        self.spans = spans
        self.starts = [s for s, _, _ in spans]
        self.longest = max((e - s for s, e, _ in spans), default=timedelta(0))

    def peak(self, lo: datetime, hi: datetime) -> int:
        """The most seats in use at any instant of ``[lo, hi)``."""
        first = bisect.bisect_left(self.starts, lo - self.longest)
        last = bisect.bisect_left(self.starts, hi)
        overlapping = [(s, e, n) for s, e, n in self.spans[first:last] if e > lo]
        if not overlapping:
            return 0
        # Sweep the clipped spans; at equal instants ends (-n) sort before starts (+n).
        events = []
        for s, e, n in overlapping:
            events.append((max(s, lo), n))
            events.append((min(e, hi), -n))
        events.sort()
        level = peak = 0
        for _, delta in events:
            level += delta
            peak = max(peak, level)
        return peak


def _closed_dates(clinic: Clinic, doctor: Doctor, location_id: str) -> Set[date]:
    """The local dates a holiday or the doctor's leave closes at a location."""
    closed: Set[date] = set()
    spans = [(h.first, h.last) for h in clinic.holidays if h.location_id in (None, location_id)]
    spans += [(leave.first, leave.last) for leave in doctor.leaves]
    for first, last in spans:
        day = first
        while day <= last:
            closed.add(day)
            day += ONE_DAY
    return closed


def find_slots(
    clinic: Clinic,
    doctor: Doctor,
    kind: AppointmentType,
    start: datetime,
    end: datetime,
    now: datetime,
    bookings: Sequence[Booking] = (),
) -> List[Slot]:
    """The bookable slots of ``kind`` with ``doctor`` starting in ``[start, end)`` (aware
    datetimes), as seen at ``now``, in start order."""
    duration = timedelta(minutes=kind.duration_minutes)
    earliest = now + timedelta(minutes=kind.min_notice_minutes)
    load = _Load(bookings, doctor.id, now)

    # Every open piece of every session in the range: (start, end, template).
    pieces: List[Tuple[datetime, datetime, Template]] = []
    horizons: Dict[str, datetime] = {}
    for template in doctor.templates:
        zone = clinic.zones[template.location_id]
        if template.location_id not in horizons:
            if kind.max_days_ahead is None:
                horizons[template.location_id] = datetime.max.replace(tzinfo=UTC)
            else:
                today = now.astimezone(zone).date()
                last_day = today + timedelta(days=kind.max_days_ahead + 1)
                horizons[template.location_id] = local_instant(zone, last_day, time(0))
        # Holidays and leave are whole days and sessions lie within a day, so a closed date
        # closes exactly the sessions of that date.
        closed = _closed_dates(clinic, doctor, template.location_id)
        day = start.astimezone(zone).date()
        last = end.astimezone(zone).date()
        while day <= last:
            if day.weekday() in template.weekdays and day not in closed:
                for session in template.sessions:
                    for begin, finish in session.pieces():
                        pieces.append(
                            (
                                local_instant(zone, day, begin),
                                local_instant(zone, day, finish),
                                template,
                            )
                        )
            day += ONE_DAY
    pieces.sort(key=lambda p: p[0])

    slots: List[Slot] = []
    for piece_start, piece_end, template in pieces:
        step = timedelta(minutes=kind.step_minutes or template.slot_minutes)
        before = timedelta(minutes=max(kind.buffer_before_minutes, template.buffer_before_minutes))
        after = timedelta(minutes=max(kind.buffer_after_minutes, template.buffer_after_minutes))
        horizon = horizons[template.location_id]
        s = piece_start
        if s < start:
            s += step * -((s - start) // step)  # the first step at or after `start`
        while s < end and s + duration <= piece_end:
            e = s + duration
            if earliest <= s < horizon:
                left = template.max_parallel - load.peak(s - before, e + after)
                if left >= 1:
                    slots.append(Slot(doctor.id, template.location_id, s, e, left))
            s += step
    return slots
