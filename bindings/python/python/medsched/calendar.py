"""The clinic and a doctor's calendar rules: locations and rooms, holidays, weekly templates
with their sessions and settings, and the exceptions to them (date overrides, leave,
emergencies and forced blocks).

Wall-clock times (``Session.start``, ``Hours.end``, ``Leave.start_time``) are naive
:class:`~datetime.time` values read in the time zone of the location concerned; instants
(``Unavailability.start``) are aware :class:`~datetime.datetime` values.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import ClassVar, List, Optional, Union
from zoneinfo import ZoneInfo

from ._args import checked
from ._codec import Record

__all__ = [
    "BookingLimitKind",
    "BookingLimits",
    "Clinic",
    "ConsultationMode",
    "DateOverride",
    "DoctorCalendar",
    "Holiday",
    "Hours",
    "Leave",
    "LeaveStatus",
    "Limits",
    "Location",
    "ModeCapacity",
    "OverrideKind",
    "Room",
    "Session",
    "SessionSettings",
    "Unavailability",
    "WeeklyTemplate",
    "Weekday",
]

_Date = date  # ``datetime.date`` under a name the field ``DateOverride.date`` cannot hide


class Weekday(str, enum.Enum):
    """A day of the week, as a weekly template names it (``"Mon"`` … ``"Sun"``)."""

    MON = "Mon"
    TUE = "Tue"
    WED = "Wed"
    THU = "Thu"
    FRI = "Fri"
    SAT = "Sat"
    SUN = "Sun"


class ConsultationMode(str, enum.Enum):
    """How a consultation takes place. Only in-person appointments occupy a room."""

    IN_PERSON = "in_person"
    """At the location, in a room."""
    VIDEO = "video"
    """By video call."""
    PHONE = "phone"
    """By phone."""


class OverrideKind(str, enum.Enum):
    """What a :class:`DateOverride` does with its hours."""

    REPLACE = "replace"
    """The day's hours at the location become exactly these hours."""
    EXTRA = "extra"
    """These hours are open in addition to the day's hours."""
    BLOCK = "block"
    """These hours are closed."""


class LeaveStatus(str, enum.Enum):
    """The approval state of a :class:`Leave`."""

    REQUESTED = "requested"
    """Asked for, not yet decided: does not close time, reported as tentative."""
    APPROVED = "approved"
    """Approved: closes time."""
    REJECTED = "rejected"
    """Refused: ignored."""
    CANCELLED = "cancelled"
    """Withdrawn: ignored."""


# --- the clinic -------------------------------------------------------------------------


@dataclass
class Room(Record):
    """A consultation room, shared by every doctor whose sessions name it: at most
    ``capacity`` in-person appointments (with their buffers) may overlap in it."""

    _serde: ClassVar[str] = "Room"

    id: str
    capacity: int
    """How many in-person appointments may take place in it at once (at least 1)."""
    name: str = ""


@dataclass
class Location(Record):
    """A place where doctors work, with its IANA time zone; every wall-clock rule of a
    session held there is read in this zone."""

    _serde: ClassVar[str] = "Location"

    id: str
    time_zone: Union[str, ZoneInfo] = field(metadata={"zone": True})
    """IANA time zone name, e.g. ``"Asia/Kolkata"`` (a ``ZoneInfo`` is accepted)."""
    name: str = ""
    rooms: List[Room] = field(default_factory=list)


@dataclass
class Holiday(Record):
    """Whole local days, ``first`` to ``last`` inclusive, on which the clinic (or one
    location) is closed; with an ``rrule`` (RFC 5545, daily or coarser, ``DTSTART`` =
    ``first``) the span repeats, e.g. ``"FREQ=YEARLY"``."""

    _serde: ClassVar[str] = "Holiday"

    id: str
    first: date
    last: date
    name: str = ""
    location_id: Optional[str] = None
    """The location it closes; ``None`` closes every location."""
    rrule: Optional[str] = None

    @classmethod
    @checked()
    def on(cls, id: str, name: str, day: date) -> Holiday:
        """A one-day holiday (``first`` = ``last`` = ``day``)."""
        return cls(id=id, name=name, first=day, last=day)


@dataclass
class Clinic(Record):
    """The clinic (or hospital, or chain): its locations and its holidays."""

    _serde: ClassVar[str] = "Clinic"

    locations: List[Location] = field(default_factory=list)
    holidays: List[Holiday] = field(default_factory=list)


@dataclass
class Limits(Record):
    """The bounds on the size of rules and on the work of one call (docs/LIMITS.md), which a
    host may raise: pass them as ``limits=`` to :class:`~medsched.Schedule`,
    :class:`~medsched.ClinicRules` or :class:`~medsched.Tokens`. A value past a bound is
    refused with :class:`~medsched.InvalidInputError` (``out_of_range``); slot generation
    stops at ``max_slots`` with ``truncated`` set. The defaults are the core's.

    >>> Limits(max_slots=200_000).max_recurrence_rules
    32
    """

    _serde: ClassVar[str] = "Limits"

    max_recurrence_rules: int = 32
    """The most recurrence rules of a clinic's holidays, and of one calendar's templates."""
    max_templates: int = 1_000
    """The most templates of one calendar."""
    max_sessions: int = 100
    """The most sessions of a template, breaks of a session, hours of an override."""
    max_exceptions: int = 10_000
    """The most entries of each list of exceptions (locations, rooms, holidays, overrides,
    leaves, emergencies, forced blocks)."""
    max_text_length: int = 1_000
    """The most characters of one text of the rules and of booking and token commands."""
    max_slots: int = 20_000
    """The most candidate slots one slot generation considers before it stops."""


# --- a doctor's weekly schedule -----------------------------------------------------------


@dataclass
class Hours(Record):
    """A range of local wall-clock time within one day (``end`` exclusive): a break, or the
    hours of a date override."""

    _serde: ClassVar[str] = "Hours"

    start: time
    end: time


@dataclass
class Session(Record):
    """Working hours on one day in local wall-clock time (``end`` exclusive, after
    ``start``), with optional breaks when the doctor is not bookable."""

    _serde: ClassVar[str] = "Session"

    start: time
    end: time
    breaks: List[Hours] = field(default_factory=list)


@dataclass
class ModeCapacity(Record):
    """A consultation mode offered in a session and how many of its appointments may
    overlap (at least 1)."""

    _serde: ClassVar[str] = "ModeCapacity"

    mode: ConsultationMode
    capacity: int


@dataclass
class SessionSettings(Record):
    """How the slots of a session are cut and how many patients it takes at once. The
    defaults are 15-minute slots, no buffers, one patient at a time, every mode (an empty
    ``modes``)."""

    _serde: ClassVar[str] = "SessionSettings"

    slot_minutes: int = 15
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0
    max_parallel: int = 1
    modes: List[ModeCapacity] = field(default_factory=list)


@dataclass
class WeeklyTemplate(Record):
    """A recurring block of working hours at one location (a row of a weekly schedule). Its
    days are either ``weekdays`` or an ``rrule`` (RFC 5545, daily or coarser, ``DTSTART`` =
    ``effective_from``, e.g. ``"FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"``), exactly one of the
    two."""

    _serde: ClassVar[str] = "WeeklyTemplate"

    id: str
    location_id: str
    sessions: List[Session]
    room_id: Optional[str] = None
    weekdays: List[Weekday] = field(default_factory=list)
    rrule: Optional[str] = None
    effective_from: Optional[date] = None
    """First local date it applies (inclusive); required with ``rrule``."""
    effective_until: Optional[date] = None
    """Last local date it applies (inclusive)."""
    settings: Optional[SessionSettings] = None
    """Settings for its sessions; the calendar's settings when ``None``."""


# --- exceptions to the weekly schedule ----------------------------------------------------


@dataclass
class DateOverride(Record):
    """A change to one local date's hours at one location: ``replace`` the template hours
    (an empty ``hours`` closes the day), open ``extra`` hours, or ``block`` hours."""

    _serde: ClassVar[str] = "DateOverride"

    id: str
    date: _Date
    location_id: str
    kind: OverrideKind
    room_id: Optional[str] = None
    """The room used during opened hours."""
    hours: List[Hours] = field(default_factory=list)
    settings: Optional[SessionSettings] = None
    """Settings for opened hours; the calendar's settings when ``None``."""


@dataclass
class Leave(Record):
    """A leave request, from ``start_time`` (midnight when ``None``) on ``first`` to
    ``end_time`` (end of day when ``None``) on ``last``, local time. Only approved leave
    closes time; requested leave is reported as tentative."""

    _serde: ClassVar[str] = "Leave"

    id: str
    status: LeaveStatus
    first: date
    last: date
    start_time: Optional[time] = None
    end_time: Optional[time] = None
    reason: str = ""


@dataclass
class Unavailability(Record):
    """A closed range of instants, ``start`` to ``end`` (exclusive): an emergency or an
    admin forced block."""

    _serde: ClassVar[str] = "Unavailability"

    id: str
    start: datetime
    end: datetime
    reason: str = ""


class BookingLimitKind(str, enum.Enum):
    """Which booking limit a slot reached."""

    PER_DAY = "per_day"
    PER_WEEK = "per_week"
    PER_MONTH = "per_month"
    MINUTES_PER_DAY = "minutes_per_day"


@dataclass
class BookingLimits(Record):
    """The most bookings a doctor takes per local day, ISO week (Monday to Sunday) and
    calendar month of the slot's location, and the most booked minutes per local day. On a
    calendar every booking of the doctor counts; on an appointment type only the doctor's
    bookings of that type. ``None`` sets no limit; zero is refused."""

    _serde: ClassVar[str] = "BookingLimits"

    per_day: Optional[int] = None
    per_week: Optional[int] = None
    per_month: Optional[int] = None
    minutes_per_day: Optional[int] = None


@dataclass
class DoctorCalendar(Record):
    """Every scheduling rule of one doctor, resolved with a fixed priority: forced block >
    emergency > leave > holiday > override > base weekly template; outside every rule the
    doctor is closed."""

    _serde: ClassVar[str] = "DoctorCalendar"

    doctor_id: str
    settings: SessionSettings = field(default_factory=SessionSettings)
    """Settings used by templates and overrides that give none of their own."""
    templates: List[WeeklyTemplate] = field(default_factory=list)
    overrides: List[DateOverride] = field(default_factory=list)
    leaves: List[Leave] = field(default_factory=list)
    """Leave requests in every state; only approved leave closes time."""
    emergencies: List[Unavailability] = field(default_factory=list)
    forced_blocks: List[Unavailability] = field(default_factory=list)
    booking_limits: BookingLimits = field(default_factory=BookingLimits)
    """The most bookings (of every type) the doctor takes per local day, week and month."""
