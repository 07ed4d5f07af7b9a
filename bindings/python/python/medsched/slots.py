"""Slot generation: what it is asked with (the appointment type, the range, and what already
occupies the doctor and the rooms) and what it returns (bookable slots, and the candidates
that cannot be booked with their reasons)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, List, Optional

from ._codec import LocalDateTime, Record
from .calendar import BookingLimitKind, BookingLimits, ConsultationMode
from .timeline import RuleKind

__all__ = [
    "Alignment",
    "AppointmentType",
    "BusyTime",
    "Occupancy",
    "Reservation",
    "Slot",
    "SlotOptions",
    "SlotRequest",
    "Unavailable",
    "UnavailableCode",
    "UnavailableSlot",
]


class Alignment(str, enum.Enum):
    """Where the candidate starts of a session are counted from."""

    SESSION_START = "session_start"
    """From the start of each scheduled stretch: a session's start, the end of a break, the
    start of override hours."""
    CLOCK = "clock"
    """At local clock times that are whole multiples of the step since local midnight."""


def _default_policy() -> _booking.BookingPolicy:
    return _booking.BookingPolicy()


@dataclass
class AppointmentType(Record):
    """A kind of appointment a patient can book, with its booking policy. Slots last
    ``duration_minutes`` and start ``step_minutes`` apart (the session's ``slot_minutes``
    when ``None``), shifted by ``start_offset_minutes``; buffers are the larger of the
    type's and the session's."""

    _serde: ClassVar[str] = "AppointmentType"

    id: str
    duration_minutes: int
    step_minutes: Optional[int] = None
    alignment: Alignment = Alignment.SESSION_START
    start_offset_minutes: int = 0
    """Minutes the grid is shifted by (below 1440): slots at :05 and :35."""
    restart_after_bookings: bool = False
    """Start the grid again where each booking, hold, busy time or closing rule ends."""
    fill_gaps: bool = False
    """Also offer the slots flush before and after each booking, hold, busy time and
    closing rule."""
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0
    min_notice_minutes: int = 0
    """A slot must start at least this long after ``now``."""
    max_days_ahead: Optional[int] = None
    """How many days after today's local date a slot may be; no limit when ``None``."""
    mode: ConsultationMode = ConsultationMode.IN_PERSON
    """The consultation mode; a session must offer it."""
    policy: _booking.BookingPolicy = field(default_factory=_default_policy)
    """How holds, bookings, reschedules and cancellations of this type behave."""
    booking_limits: BookingLimits = field(default_factory=BookingLimits)
    """The most bookings of this type a doctor takes per local day, week and month."""


@dataclass
class SlotRequest(Record):
    """The question slot generation answers: slots of one appointment type starting in
    ``[start, end)``, as seen at ``now``."""

    _serde: ClassVar[str] = "SlotRequest"

    appointment_type: AppointmentType
    start: datetime
    end: datetime
    now: datetime
    """The present instant: holds expire, minimum notice and horizon count from it."""


@dataclass
class Reservation(Record):
    """A booked appointment, or a hold on a slot when ``expires_at`` is set (it occupies the
    slot until then)."""

    _serde: ClassVar[str] = "Reservation"

    id: str
    doctor_id: str
    start: datetime
    end: datetime
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0
    seats: int = 1
    """Capacity it uses (at least 1)."""
    mode: ConsultationMode = ConsultationMode.IN_PERSON
    """Its consultation mode; only in-person reservations occupy a room."""
    room_id: Optional[str] = None
    expires_at: Optional[datetime] = None
    """For a hold: when it lapses."""
    appointment_type_id: Optional[str] = None
    """Its appointment type: a type's booking limits count only reservations naming it."""


@dataclass
class BusyTime(Record):
    """A time the doctor is busy elsewhere, e.g. an event imported from a personal
    calendar."""

    _serde: ClassVar[str] = "BusyTime"

    id: str
    start: datetime
    end: datetime


@dataclass
class Occupancy(Record):
    """What already occupies a doctor: appointments, holds and external busy times. Include
    other doctors' reservations in the rooms this doctor uses, so a shared room is never
    double-booked."""

    _serde: ClassVar[str] = "Occupancy"

    reservations: List[Reservation] = field(default_factory=list)
    busy: List[BusyTime] = field(default_factory=list)


@dataclass
class SlotOptions(Record):
    """How much slot generation returns."""

    _serde: ClassVar[str] = "SlotOptions"

    include_unavailable: bool = False
    """Also return the candidate slots that cannot be booked, each with its reason."""
    limit: Optional[int] = None
    """Stop after this many bookable slots."""


class UnavailableCode(str, enum.Enum):
    """Why a candidate slot cannot be booked (the ``code`` of an :class:`Unavailable`)."""

    CLOSED = "closed"
    """A rule closes part of it (``rule``, ``rule_id``)."""
    TOO_SOON = "too_soon"
    """It starts before ``now`` + minimum notice."""
    TOO_FAR = "too_far"
    """Its local date is past the booking horizon."""
    BUSY = "busy"
    """It (with its buffers) overlaps an external busy time (``busy_id``)."""
    BOOKED = "booked"
    """The doctor's capacity (or the mode's) is used by booked appointments."""
    ROOM_FULL = "room_full"
    """The room's capacity is used by booked appointments (``room_id``)."""
    HELD = "held"
    """Capacity is used, in part by holds that have not expired."""
    LIMIT_REACHED = "limit_reached"
    """A booking limit is reached (``limit``, ``appointment_type_id``, ``maximum``)."""


@dataclass
class Unavailable(Record):
    """Why a candidate slot cannot be booked: a ``code``, with the closing ``rule`` and
    ``rule_id`` for ``closed``, the ``busy_id`` for ``busy`` and the ``room_id`` for
    ``room_full``, the ``limit``, ``appointment_type_id`` (a type's limit) and ``maximum``
    for ``limit_reached``. ``str()`` gives a short English reason."""

    _serde: ClassVar[str] = "Unavailable"

    code: UnavailableCode
    rule: Optional[RuleKind] = None
    rule_id: Optional[str] = None
    busy_id: Optional[str] = None
    room_id: Optional[str] = None
    limit: Optional[BookingLimitKind] = None
    appointment_type_id: Optional[str] = None
    maximum: Optional[int] = None

    def __str__(self) -> str:
        code = UnavailableCode(self.code)
        if code is UnavailableCode.CLOSED:
            rule = RuleKind(self.rule).value if self.rule is not None else "?"
            if self.rule_id is None:
                return f"closed ({rule})"
            return f'closed by {rule} "{self.rule_id}"'
        if code is UnavailableCode.BUSY:
            return f'busy ("{self.busy_id}")'
        if code is UnavailableCode.ROOM_FULL:
            return f'room "{self.room_id}" is full'
        if code is UnavailableCode.LIMIT_REACHED:
            limit = BookingLimitKind(self.limit).value if self.limit is not None else "?"
            if self.appointment_type_id is None:
                return f"booking limit reached ({limit} {self.maximum})"
            return f'booking limit reached ({limit} {self.maximum} of type "{self.appointment_type_id}")'
        return _REASONS[code]


_REASONS = {
    UnavailableCode.TOO_SOON: "too soon (minimum notice)",
    UnavailableCode.TOO_FAR: "too far ahead (booking horizon)",
    UnavailableCode.BOOKED: "booked",
    UnavailableCode.HELD: "held by another patient",
}


@dataclass
class Slot(Record):
    """A bookable slot: with whom and where (``doctor_id``, ``location_id``, ``room_id``),
    its instants, its local start, its buffers and the capacity left over it."""

    _serde: ClassVar[str] = "Slot"

    doctor_id: str
    location_id: str
    start: datetime
    end: datetime
    local_start: LocalDateTime
    """Start in the location's wall-clock time (naive)."""
    buffer_before_minutes: int
    """Minutes kept free before its start (the larger of the type's and the session's)."""
    buffer_after_minutes: int
    """Minutes kept free after its end (the larger of the type's and the session's)."""
    capacity_left: int
    """How many more appointments could still be booked over this slot (at least 1)."""
    room_id: Optional[str] = None
    """The room (in-person slots of sessions with a room)."""


@dataclass
class UnavailableSlot(Record):
    """A candidate slot that cannot be booked, and why."""

    _serde: ClassVar[str] = "UnavailableSlot"

    doctor_id: str
    location_id: str
    start: datetime
    end: datetime
    local_start: LocalDateTime
    """Start in the location's wall-clock time (naive)."""
    reason: Unavailable
    room_id: Optional[str] = None


# Last, so that ``booking`` may import from this module whichever is imported first; the
# annotations and the default policy read it only when used.
from . import booking as _booking  # noqa: E402
