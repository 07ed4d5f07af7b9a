"""Outpatient tokens: a doctor's token queue for one day, as data.

A :class:`Token` is one patient's token as the queue holds it; :class:`QueueRules` say how a
queue runs, :class:`QueueDay` names one, and :class:`QueueNotification` is a message to send.
What reception, the doctor or a patient asks is a :data:`~medsched.token_commands.TokenCommand`
(:mod:`medsched.token_commands`) and what it changes a
:data:`~medsched.token_changes.TokenChange` (:mod:`medsched.token_changes`). These classes
mirror the Rust types of ``medsched::tokens`` and read and write their JSON.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar, List, Optional

from ._codec import Record
from .calendar import ConsultationMode

__all__ = [
    "TokenKind",
    "WalkInPlacement",
    "EmergencyOrder",
    "TokenState",
    "Reassignment",
    "Token",
    "TokenCounts",
    "ChannelQuota",
    "TokenSession",
    "QueueRules",
    "QueueNotificationKind",
    "QueueNotification",
    "QueueDay",
]


# --- What a token is for and where it stands (kind.rs) ---------------------------------


class TokenKind(str, enum.Enum):
    """How a token was issued: its channel (mirrors medsched::TokenKind)."""

    BOOKED = "booked"
    """From an appointment booked ahead (online or at the desk)."""
    WALK_IN = "walk_in"
    """A patient who came to the desk without an appointment."""
    PHONE = "phone"
    """A booking taken over the phone by staff."""
    EMERGENCY = "emergency"
    """An emergency: goes ahead of every waiting patient by default."""


class WalkInPlacement(str, enum.Enum):
    """Where a walk-in joins the line (mirrors medsched::WalkInPlacement)."""

    END = "end"
    """At the end of its session's line."""
    BETWEEN_SLOTS = "between_slots"
    """Ahead of the first waiting booked or phone token due after the walk-in's issue:
    booked patients are called around their slot times, walk-ins fill the gaps."""


class EmergencyOrder(str, enum.Enum):
    """The order of emergencies among themselves when they go first (mirrors
    medsched::EmergencyOrder)."""

    FIFO = "fifo"
    """Behind earlier emergencies."""
    LIFO = "lifo"
    """Ahead of earlier emergencies."""


class TokenState(str, enum.Enum):
    """Where a token stands in its day (mirrors medsched::TokenState).

    ``waiting → consulting → completed``; a waiting token can be cancelled, skipped (not
    there when called) or marked late; a skipped or late token comes back to waiting when
    recalled or reinserted.
    """

    WAITING = "waiting"
    """In the line."""
    CONSULTING = "consulting"
    """With the doctor."""
    COMPLETED = "completed"
    """Seen."""
    CANCELLED = "cancelled"
    """Withdrawn; its number is never given again."""
    LATE = "late"
    """Arrived after being called, waiting to be put back in the line."""
    SKIPPED = "skipped"
    """Not there when called (a no-show, until recalled or reassigned)."""


# --- Records (records.rs) --------------------------------------------------------------


@dataclass
class Reassignment(Record):
    """One step of a patient's token history: the number given up (``from_``, JSON
    ``from``), the new one (``to``), why, when and by whom (mirrors medsched::Reassignment)."""

    _serde: ClassVar[str] = "Reassignment"

    from_: int = field(metadata={"json": "from"})
    to: int
    at: datetime
    by: _booking.Actor
    reason: Optional[str] = None


@dataclass
class Token(Record):
    """One patient's token in a doctor's day: its number, channel, state and times
    (mirrors medsched::Token).

    Numbers are unique in the day and never reused: a cancelled or reassigned number stays
    taken. ``arrived_at`` is when the patient was first known to be at the clinic;
    ``waiting_at_start`` how many patients known to be here waited in its session's line
    when its consultation started; ``meet_link`` the link in force when its
    tele-consultation started; ``reassigned_to`` the number that replaced it;
    ``reassignments`` every number this patient held before this one today, oldest first.
    """

    _serde: ClassVar[str] = "Token"

    id: str
    number: int
    kind: TokenKind
    patient_id: str
    session_id: str
    mode: ConsultationMode
    state: TokenState
    issued_at: datetime
    issued_by: _booking.Actor
    reassignments: List[Reassignment]
    """Every number this patient held before this one today, oldest first (the core always
    writes it, and requires it)."""
    appointment_id: Optional[str] = None
    expected_at: Optional[datetime] = None
    arrived_at: Optional[datetime] = None
    called_at: Optional[datetime] = None
    started_at: Optional[datetime] = None
    waiting_at_start: Optional[int] = None
    returned_at: Optional[datetime] = None
    ended_at: Optional[datetime] = None
    meet_link: Optional[str] = None
    reassigned_to: Optional[int] = None


# --- Views, rules, notifications, days -------------------------------------------------


@dataclass
class TokenCounts(Record):
    """How many of a day's tokens are in each state (mirrors medsched::TokenCounts)."""

    _serde: ClassVar[str] = "TokenCounts"

    waiting: int = 0
    consulting: int = 0
    completed: int = 0
    cancelled: int = 0
    late: int = 0
    skipped: int = 0


@dataclass
class ChannelQuota(Record):
    """The most tokens one channel may take in a session, cancelled ones not counting
    (mirrors medsched::ChannelQuota)."""

    _serde: ClassVar[str] = "ChannelQuota"

    kind: TokenKind
    max: int


@dataclass
class TokenSession(Record):
    """One OPD session of the day (e.g. morning 09:00-13:00) and its limits (mirrors
    medsched::TokenSession).

    Consultations begin at ``start``; no token is issued for it after ``end``.
    ``max_tokens`` caps its tokens (cancelled ones and emergencies do not count);
    ``quotas`` cap channels, e.g. online bookings up to 20.
    """

    _serde: ClassVar[str] = "TokenSession"

    id: str
    start: datetime
    end: datetime
    max_tokens: Optional[int] = None
    quotas: List[ChannelQuota] = field(default_factory=list)


@dataclass
class QueueRules(Record):
    """How a doctor's token day runs (mirrors medsched::QueueRules).

    ``sessions`` in time order, not overlapping; ``reserved_numbers`` are passed over by the
    automatic sequence and given only when staff ask for them; a late arrival goes back
    after ``late_reinsert_after`` waiting patients; ``emergencies_first`` puts emergencies
    ahead of every waiting patient; the first ``notify_next`` patients get position updates;
    ``walk_ins`` says where walk-ins join the line and ``emergency_order`` the order of
    emergencies among themselves.
    """

    _serde: ClassVar[str] = "QueueRules"

    sessions: List[TokenSession]
    reserved_numbers: List[int] = field(default_factory=list)
    late_reinsert_after: int = 3
    emergencies_first: bool = True
    notify_next: int = 10
    walk_ins: WalkInPlacement = WalkInPlacement.END
    emergency_order: EmergencyOrder = EmergencyOrder.FIFO


class QueueNotificationKind(str, enum.Enum):
    """What a queue notification says (mirrors medsched::QueueNotificationKind)."""

    POSITION_UPDATE = "position_update"
    """A patient near the head of the line has a new position."""
    YOUR_TURN = "your_turn"
    """The patient is called to the doctor."""
    MISSED = "missed"
    """The patient was not there when called."""
    MEET_LINK_UPDATE = "meet_link_update"
    """The meet link of a tele-consultation changed."""
    REASSIGNED = "reassigned"
    """The patient was given a new token: ``number`` is the new one."""


@dataclass
class QueueNotification(Record):
    """One message to one patient about their token, for the host's SMS, WhatsApp, push or
    WebSocket sender (mirrors medsched::QueueNotification).

    ``position`` is the token's place in the line after the change (1 = next) while it
    waits; ``meet_link`` is set for a tele-consultation's ``your_turn`` and
    ``meet_link_update``.
    """

    _serde: ClassVar[str] = "QueueNotification"

    kind: QueueNotificationKind
    number: int
    patient_id: str
    position: Optional[int] = None
    meet_link: Optional[str] = None


@dataclass
class QueueDay(Record):
    """Whose token queue: a tenant's (clinic's) doctor on one date, as the host counts its
    OPD days (mirrors medsched::QueueDay)."""

    _serde: ClassVar[str] = "QueueDay"

    tenant: str
    doctor_id: str
    date: date


# booking.py imports this module, so it is imported last and only as a module: its names are
# read when the annotations above are first resolved, whichever module is imported first.
from . import booking as _booking  # noqa: E402
