"""What happened: the events of day books and token queues (one class per kind of change),
and streams as a store loads them and as the tenant's change feed lists them. They mirror
medsched's ``Event``, ``Change``, ``LoadedStream`` and ``FeedEntry``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar, List, Optional, Union

from ._codec import Record
from .booking import Actor, Appointment, Hold, SlotClaim, StreamId
from .token_changes import TokenChange

__all__ = [
    "AnyChange",
    "AppointmentBooked",
    "AppointmentCancelled",
    "AppointmentCompleted",
    "AppointmentConfirmed",
    "AppointmentDeclined",
    "AppointmentMoveAborted",
    "AppointmentMoveVoided",
    "AppointmentMovedOut",
    "AppointmentNoShow",
    "AppointmentRescheduled",
    "Change",
    "Event",
    "FeedEntry",
    "HoldExpired",
    "HoldExtended",
    "HoldPlaced",
    "HoldReleased",
    "LoadedStream",
]

# --- events -----------------------------------------------------------------------------


@dataclass
class HoldPlaced(Record):
    """Change: a slot was held."""

    _serde: ClassVar[str] = "Change"
    _tag = ("type", "hold_placed")

    hold: Hold


@dataclass
class HoldExtended(Record):
    """Change: a hold was given more time (e.g. payment in progress)."""

    _serde: ClassVar[str] = "Change"
    _tag = ("type", "hold_extended")

    hold_id: str
    previous_expires_at: datetime
    """Its end before."""
    expires_at: datetime
    """Its new end."""


@dataclass
class HoldReleased(Record):
    """Change: a hold was released before it lapsed."""

    _serde: ClassVar[str] = "Change"
    _tag = ("type", "hold_released")

    hold_id: str
    slot: SlotClaim
    """The slot it frees."""


@dataclass
class HoldExpired(Record):
    """Change: a hold lapsed and the expiry job ended it."""

    _serde: ClassVar[str] = "Change"
    _tag = ("type", "hold_expired")

    hold_id: str
    slot: SlotClaim
    """The slot it frees."""


@dataclass
class AppointmentBooked(Record):
    """Change: an appointment was booked (from a hold, directly, or moved here from another
    day)."""

    _serde: ClassVar[str] = "Change"
    _tag = ("type", "appointment_booked")

    appointment: Appointment
    """The appointment as booked."""


@dataclass
class AppointmentConfirmed(Record):
    """Change: staff confirmed a pending appointment."""

    _serde: ClassVar[str] = "Change"
    _tag = ("type", "appointment_confirmed")

    appointment_id: str


@dataclass
class AppointmentDeclined(Record):
    """Change: staff declined a pending appointment."""

    _serde: ClassVar[str] = "Change"
    _tag = ("type", "appointment_declined")

    appointment_id: str
    slot: SlotClaim
    """The slot it frees."""
    reason: Optional[str] = None


@dataclass
class AppointmentCancelled(Record):
    """Change: the appointment was cancelled (the event's actor says by whom)."""

    _serde: ClassVar[str] = "Change"
    _tag = ("type", "appointment_cancelled")

    appointment_id: str
    slot: SlotClaim
    """The slot it frees."""
    reason: Optional[str] = None


@dataclass
class AppointmentCompleted(Record):
    """Change: the appointment took place."""

    _serde: ClassVar[str] = "Change"
    _tag = ("type", "appointment_completed")

    appointment_id: str


@dataclass
class AppointmentNoShow(Record):
    """Change: the patient did not come."""

    _serde: ClassVar[str] = "Change"
    _tag = ("type", "appointment_no_show")

    appointment_id: str


@dataclass
class AppointmentRescheduled(Record):
    """Change: the appointment moved to another slot on the same day."""

    _serde: ClassVar[str] = "Change"
    _tag = ("type", "appointment_rescheduled")

    appointment_id: str
    from_: SlotClaim = field(metadata={"json": "from"})
    """The slot it left (``"from"`` in JSON)."""
    to: SlotClaim
    """The slot it moved to."""


@dataclass
class AppointmentMovedOut(Record):
    """Change: the appointment moved to another day, whose book has its
    ``AppointmentBooked``."""

    _serde: ClassVar[str] = "Change"
    _tag = ("type", "appointment_moved_out")

    appointment_id: str
    to_date: date
    """The day book it moved to."""
    from_version: int
    """The version of this day book the move read the appointment at."""
    to: SlotClaim
    """The slot it moved to."""


@dataclass
class AppointmentMoveAborted(Record):
    """Change: a move to this day was booked here, but its old day refused to let it go; the
    booking here is void and the appointment stays where it was."""

    _serde: ClassVar[str] = "Change"
    _tag = ("type", "appointment_move_aborted")

    appointment_id: str
    slot: SlotClaim
    """The slot it frees here."""
    back_to: date
    """The day book the appointment stays on."""


@dataclass
class AppointmentMoveVoided(Record):
    """Change, on the day an appointment is on: a move of it to another day that never
    finished is void (the appointment itself does not change)."""

    _serde: ClassVar[str] = "Change"
    _tag = ("type", "appointment_move_voided")

    appointment_id: str
    copy_on: date
    """The day book holding the void copy."""


Change = Union[
    HoldPlaced,
    HoldExtended,
    HoldReleased,
    HoldExpired,
    AppointmentBooked,
    AppointmentConfirmed,
    AppointmentDeclined,
    AppointmentCancelled,
    AppointmentCompleted,
    AppointmentNoShow,
    AppointmentRescheduled,
    AppointmentMovedOut,
    AppointmentMoveAborted,
    AppointmentMoveVoided,
]
"""What happened to a day book, tagged by ``"type"`` in JSON (past tense)."""



AnyChange = Union[Change, TokenChange]
"""What an event records: a day book's :data:`Change` or a token queue's ``TokenChange``
(both tagged by ``"type"``)."""


@dataclass
class Event(Record):
    """One fact in a stream's history: the tenant, the actor, the instant (the ``now`` of the
    command) and the change, whose fields sit beside the envelope's in JSON.

    The JSON form carries the format version as ``"v"`` (:attr:`VERSION`, as the core writes
    it); reading takes every version the core reads (see docs/EVENTS.md)."""

    _serde: ClassVar[str] = "Event"

    VERSION: ClassVar[int] = 1
    """The event format version, written as ``"v"`` (mirrors ``Event::VERSION``)."""

    _tag = ("v", VERSION)

    tenant: str
    """The tenant (clinic, hospital) whose stream this is."""
    actor: Actor
    """Who caused it."""
    at: datetime
    """When it happened: the ``now`` the command was decided with."""
    change: AnyChange = field(metadata={"flatten": True})
    """What happened."""


# --- storage ----------------------------------------------------------------------------


@dataclass
class LoadedStream(Record):
    """A stream as loaded: its events, oldest first, and its version (how many events it
    holds; 0 for a stream never written)."""

    _serde: ClassVar[str] = "LoadedStream"

    events: List[Event]
    version: int


@dataclass
class FeedEntry(Record):
    """One event in a tenant's change feed, with its feed position and the stream and
    stream version it was appended at."""

    _serde: ClassVar[str] = "FeedEntry"

    position: int
    """Its position in the tenant's feed, increasing in append order."""
    stream: StreamId
    version: int
    """The stream's version once it was appended (its 1-based index in the stream)."""
    event: Event
