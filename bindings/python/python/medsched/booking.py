"""Holds, bookings and the appointment lifecycle: the commands a desk or a patient portal
sends, who sends them, the holds and appointments the day book's events build (the events
themselves are in ``medsched.events``), the streams they are stored in, collisions and the
notifications they call for.

Instants (``Command.start``, ``Hold.expires_at``, ``Appointment.booked_at``) are aware
:class:`~datetime.datetime` values, read back in UTC; book dates are
:class:`~datetime.date` values.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar, List, Optional, Union

from ._args import checked
from ._codec import Record
from .calendar import ConsultationMode

__all__ = [
    "Actor",
    "ActorKind",
    "Appointment",
    "AppointmentStatus",
    "Book",
    "BookHold",
    "BookRequest",
    "BookingPolicy",
    "Cancel",
    "Collision",
    "Command",
    "Complete",
    "Confirm",
    "Decline",
    "ExpireHolds",
    "ExtendHold",
    "FeedNotifications",
    "Hold",
    "HoldRequest",
    "HoldStatus",
    "MarkNoShow",
    "Notification",
    "NotificationKind",
    "PlaceHold",
    "ReleaseHold",
    "Reschedule",
    "SlotClaim",
    "StreamId",
]


# --- who acts ---------------------------------------------------------------------------


class ActorKind(str, enum.Enum):
    """The kind of actor behind a command."""

    PATIENT = "patient"
    """A patient acting for themselves (patient portal, app)."""
    STAFF = "staff"
    """A staff member: receptionist, nurse, doctor, administrator."""
    SYSTEM = "system"
    """The host system itself, e.g. the every-minute job that expires holds."""


@dataclass
class Actor(Record):
    """Who issued a command (a patient, a staff member or the system); every event records
    it for the audit timeline."""

    _serde: ClassVar[str] = "Actor"

    kind: ActorKind
    id: str
    """The patient's, staff member's or job's id."""

    @classmethod
    @checked()
    def patient(cls, id: str) -> Actor:
        """A patient."""
        return cls(ActorKind.PATIENT, id)

    @classmethod
    @checked()
    def staff(cls, id: str) -> Actor:
        """A staff member."""
        return cls(ActorKind.STAFF, id)

    @classmethod
    @checked()
    def system(cls, id: str) -> Actor:
        """The host system (e.g. a scheduled job), named by ``id``."""
        return cls(ActorKind.SYSTEM, id)

    def __str__(self) -> str:
        """``"staff rcp-7"``."""
        return f"{ActorKind(self.kind).value} {self.id}"


# --- policy and records -----------------------------------------------------------------


@dataclass
class BookingPolicy(Record):
    """How holds, bookings, reschedules, cancellations and reminders of one appointment type
    behave. Every field has a default, so ``BookingPolicy()`` is a complete policy. Staff are
    exempt from the notice and patient-only rules; the reschedule limit binds everyone."""

    _serde: ClassVar[str] = "BookingPolicy"

    patient_hold_minutes: int = 10
    """How long a patient's hold lasts when the hold asks for no length."""
    staff_hold_minutes: int = 30
    """How long a staff member's hold lasts when the hold asks for no length."""
    max_hold_minutes: int = 60
    """The longest a hold may last from its placing, extensions included."""
    requires_confirmation: bool = False
    """A booking starts ``pending`` until staff confirm or decline it."""
    allow_patient_reschedule: bool = True
    """Patients may reschedule themselves; staff always may."""
    max_reschedules: Optional[int] = 3
    """The most reschedules of one appointment; ``None`` for no limit."""
    reschedule_notice_minutes: int = 0
    """A patient must reschedule at least this long before the appointment starts."""
    cancel_notice_minutes: int = 0
    """A patient must cancel at least this long before the appointment starts."""
    reminder_minutes_before: List[int] = field(default_factory=lambda: [24 * 60, 120])
    """Reminders are due this many minutes before the start (24 hours and 2 hours)."""


@dataclass
class SlotClaim(Record):
    """The slot a hold or an appointment occupies: who, where, when and with which buffers,
    as the slot engine produced it (kept in the event, so replay never needs the rules)."""

    _serde: ClassVar[str] = "SlotClaim"

    doctor_id: str
    location_id: str
    appointment_type_id: str
    mode: ConsultationMode
    start: datetime
    end: datetime
    buffer_before_minutes: int
    """Minutes kept free before the start."""
    buffer_after_minutes: int
    """Minutes kept free after the end."""
    room_id: Optional[str] = None
    """The room, for in-person slots of sessions with a room."""
    clinicians: List[str] = field(default_factory=list)
    """The other clinicians it takes at the same time (docs/RESOURCES.md)."""
    equipment: List[str] = field(default_factory=list)
    """The rooms or equipment it takes beside its session's room."""


class HoldStatus(str, enum.Enum):
    """Where a hold stands."""

    HELD = "held"
    """Placed and not ended by an event (it still lapses at ``expires_at``)."""
    RELEASED = "released"
    """Released by its holder or staff."""
    EXPIRED = "expired"
    """Expired by the expiry job."""
    BOOKED = "booked"
    """Turned into an appointment."""


@dataclass
class Hold(Record):
    """A tentative hold on a slot: nobody else is offered the slot until it ends."""

    _serde: ClassVar[str] = "Hold"

    id: str
    patient_id: str
    """The patient the slot is held for."""
    slot: SlotClaim
    book_date: date
    """The day book (stream) it is on."""
    placed_at: datetime
    placed_by: Actor
    expires_at: datetime
    """When it lapses (exclusive)."""
    status: HoldStatus


class AppointmentStatus(str, enum.Enum):
    """An appointment's place in its lifecycle: ``pending → confirmed | declined |
    cancelled``, ``confirmed → completed | no_show | cancelled``; the last four are final."""

    PENDING = "pending"
    """Booked, waiting for staff to confirm or decline."""
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    """Refused by staff."""
    CANCELLED = "cancelled"
    """Cancelled by the patient, staff or the system."""
    COMPLETED = "completed"
    """Took place."""
    NO_SHOW = "no_show"
    """The patient did not come."""


@dataclass
class Appointment(Record):
    """A booked appointment, with the booking policy it was booked under."""

    _serde: ClassVar[str] = "Appointment"

    id: str
    patient_id: str
    slot: SlotClaim
    book_date: date
    """The day book (stream) it is on."""
    status: AppointmentStatus
    booked_at: datetime
    booked_by: Actor
    updated_at: datetime
    """When it last changed status or time."""
    policy: BookingPolicy
    """The type's booking policy as it was at booking."""
    hold_id: Optional[str] = None
    """The hold it was booked from."""
    reschedule_count: int = 0
    moved_from: Optional[date] = None
    """The day book it was moved here from, when rescheduled from another day."""
    moved_from_version: Optional[int] = None
    """With ``moved_from``: the version of that day book the move read it at."""
    moved_to: Optional[date] = None
    """The day book it moved to (or went back to, when a move here was aborted)."""
    ended_by: Optional[Actor] = None
    """Who cancelled or declined it."""
    end_reason: Optional[str] = None
    """Why it was cancelled or declined."""
    confirmed_at: Optional[datetime] = None
    """When it was confirmed (when it was booked, for a type without confirmation)."""


# --- commands ---------------------------------------------------------------------------


@dataclass
class PlaceHold(Record):
    """Command: hold a slot for a patient, for ``minutes`` (``None``: the type's patient or
    staff hold length, by who asks)."""

    _serde: ClassVar[str] = "Command"
    _tag = ("command", "place_hold")

    hold_id: str
    """The new hold's id."""
    patient_id: str
    doctor_id: str
    appointment_type_id: str
    start: datetime
    """The slot's start."""
    minutes: Optional[int] = None


@dataclass
class ExtendHold(Record):
    """Command: give an active hold ``minutes`` more from now (``None``: the type's hold
    length by who asks), up to the policy's longest hold."""

    _serde: ClassVar[str] = "Command"
    _tag = ("command", "extend_hold")

    hold_id: str
    minutes: Optional[int] = None


@dataclass
class ReleaseHold(Record):
    """Command: release a hold."""

    _serde: ClassVar[str] = "Command"
    _tag = ("command", "release_hold")

    hold_id: str


@dataclass
class ExpireHolds(Record):
    """Command: end every hold that has lapsed at ``now`` (the host's every-minute job)."""

    _serde: ClassVar[str] = "Command"
    _tag = ("command", "expire_holds")


@dataclass
class Book(Record):
    """Command: book a slot directly."""

    _serde: ClassVar[str] = "Command"
    _tag = ("command", "book")

    appointment_id: str
    """The new appointment's id."""
    patient_id: str
    doctor_id: str
    appointment_type_id: str
    start: datetime
    """The slot's start."""


@dataclass
class BookHold(Record):
    """Command: book the slot of an active hold, for the hold's patient."""

    _serde: ClassVar[str] = "Command"
    _tag = ("command", "book_hold")

    appointment_id: str
    """The new appointment's id."""
    hold_id: str


@dataclass
class Confirm(Record):
    """Command: confirm a pending appointment (staff)."""

    _serde: ClassVar[str] = "Command"
    _tag = ("command", "confirm")

    appointment_id: str


@dataclass
class Decline(Record):
    """Command: decline a pending appointment (staff)."""

    _serde: ClassVar[str] = "Command"
    _tag = ("command", "decline")

    appointment_id: str
    reason: Optional[str] = None


@dataclass
class Cancel(Record):
    """Command: cancel an appointment."""

    _serde: ClassVar[str] = "Command"
    _tag = ("command", "cancel")

    appointment_id: str
    reason: Optional[str] = None


@dataclass
class Complete(Record):
    """Command: record that a confirmed appointment took place (staff, once it started)."""

    _serde: ClassVar[str] = "Command"
    _tag = ("command", "complete")

    appointment_id: str


@dataclass
class MarkNoShow(Record):
    """Command: record that the patient did not come (staff, once it has started)."""

    _serde: ClassVar[str] = "Command"
    _tag = ("command", "mark_no_show")

    appointment_id: str


@dataclass
class Reschedule(Record):
    """Command: move an appointment to another start on the same day book, with the same
    doctor and type (a move to another day is the service's ``reschedule``)."""

    _serde: ClassVar[str] = "Command"
    _tag = ("command", "reschedule")

    appointment_id: str
    start: datetime
    """The new start."""


Command = Union[
    PlaceHold,
    ExtendHold,
    ReleaseHold,
    ExpireHolds,
    Book,
    BookHold,
    Confirm,
    Decline,
    Cancel,
    Complete,
    MarkNoShow,
    Reschedule,
]
"""An intent to change a day book, tagged by ``"command"`` in JSON."""


@dataclass
class HoldRequest(Record):
    """A new hold, as the service takes it: the patient, doctor, appointment type and slot
    start, and its length in minutes (``None``: the type's default by who asks)."""

    _serde: ClassVar[str] = "HoldRequest"

    hold_id: str
    """The new hold's id."""
    patient_id: str
    doctor_id: str
    appointment_type_id: str
    start: datetime
    """The slot's start."""
    minutes: Optional[int] = None


@dataclass
class BookRequest(Record):
    """A direct booking, as the service takes it: the patient, doctor, appointment type and
    slot start."""

    _serde: ClassVar[str] = "BookRequest"

    appointment_id: str
    """The new appointment's id."""
    patient_id: str
    doctor_id: str
    appointment_type_id: str
    start: datetime
    """The slot's start."""


# --- storage ----------------------------------------------------------------------------


@dataclass
class StreamId(Record):
    """A stream: one tenant's day book for one date, or (with ``doctor_id``) one doctor's
    token queue for one date."""

    _serde: ClassVar[str] = "StreamId"

    tenant: str
    date: date
    """The book date, or the token queue's date."""
    doctor_id: Optional[str] = None
    """For a token queue, the doctor it belongs to; ``None`` for the day book."""

    def __str__(self) -> str:
        """``"clinic-1/2026-03-02"``, or ``"clinic-1/2026-03-02/tokens/dr-asha"``."""
        text = f"{self.tenant}/{self.date.isoformat()}"
        return text if self.doctor_id is None else f"{text}/tokens/{self.doctor_id}"


# --- collisions and notifications -------------------------------------------------------


@dataclass
class Collision(Record):
    """An upcoming appointment the current rules no longer allow, and why: for staff to move
    or cancel (medsched never drops or moves it by itself)."""

    _serde: ClassVar[str] = "Collision"

    appointment: Appointment
    """The appointment, as booked."""
    reason: _slots.Unavailable
    """Why its slot is no longer bookable: a closing rule, or a capacity now exceeded."""


class NotificationKind(str, enum.Enum):
    """What a notification tells the patient (``"kind"`` in JSON); a ``reminder`` also has
    ``Notification.minutes_before``."""

    BOOKING_RECEIVED = "booking_received"
    """The booking was received and waits for confirmation."""
    BOOKING_CONFIRMED = "booking_confirmed"
    REMINDER = "reminder"
    """The appointment is coming up."""
    RESCHEDULED = "rescheduled"
    """The appointment moved to another time."""
    CANCELLED = "cancelled"
    DECLINED = "declined"


@dataclass
class Notification(Record):
    """A notification a host should send: to whom, about what, and when. medsched sends
    nothing; send each ``id`` once."""

    _serde: ClassVar[str] = "Notification"

    id: str
    """Stable: ``{appointment}/{book date}/{stream version}`` for a change,
    ``{appointment}/{book date}/reminder_{minutes}/{start}`` for a reminder."""
    kind: NotificationKind
    appointment_id: str
    patient_id: str
    """The patient to notify."""
    doctor_id: str
    start: datetime
    """The appointment's start (its new start, for a reschedule)."""
    send_at: datetime
    """When to send it: when the change happened, or when the reminder is due."""
    minutes_before: Optional[int] = None
    """For a reminder: how long before the start."""


@dataclass
class FeedNotifications(Record):
    """Notifications read from the change feed, and the feed position read up to (pass it
    as ``after`` next time)."""

    _serde: ClassVar[str] = "FeedNotifications"

    notifications: List[Notification]
    position: int


# Imported last, as a module: ``slots`` imports this module's names, so either side may be
# imported first. The annotation above that uses it is read at decode time.
from . import slots as _slots  # noqa: E402
