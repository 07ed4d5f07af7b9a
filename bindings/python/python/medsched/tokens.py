"""Outpatient tokens: a doctor's token queue for one day, as data.

A :data:`TokenCommand` (what reception, the doctor or a patient asks) applied to a doctor's
queue under its :class:`QueueRules` gives :data:`TokenChange` events; a :class:`Token` is one
patient's token as the queue holds it, and :class:`QueueNotification` is a message to send.
These classes mirror the Rust types of ``medsched::tokens`` and read and write their JSON.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar, List, Optional, Tuple, Union

from ._args import checked
from ._codec import Record
from .calendar import ConsultationMode

__all__ = [
    "TokenKind",
    "TokenState",
    "WalkInPlacement",
    "EmergencyOrder",
    "TokenRequest",
    "IssueToken",
    "CheckIn",
    "CallNext",
    "StartConsultation",
    "CompleteConsultation",
    "CancelToken",
    "SkipToken",
    "MarkLate",
    "Recall",
    "Reinsert",
    "Reassign",
    "MoveToken",
    "SetMeetLink",
    "TokenCommand",
    "TokenIssued",
    "TokenCheckedIn",
    "TokenAmended",
    "TokenCalled",
    "ConsultationStarted",
    "ConsultationCompleted",
    "TokenCancelled",
    "TokenSkipped",
    "TokenMarkedLate",
    "TokenReinserted",
    "TokenReassigned",
    "TokenMoved",
    "MeetLinkUpdated",
    "TokenChange",
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


# --- Commands (command.rs) -------------------------------------------------------------


@dataclass
class TokenRequest(Record):
    """A request for a new token (mirrors medsched::TokenRequest).

    ``token_id`` is the host's id for the token: repeating an identical request returns the
    token issued the first time. ``session_id`` defaults to the session of ``expected_at``
    for a booked token, otherwise to the session running now or the next one;
    ``appointment_id`` and ``expected_at`` are required for a booked token; ``number`` asks
    for a reserved number (staff only) instead of the next of the sequence.
    """

    _serde: ClassVar[str] = "TokenRequest"

    token_id: str
    kind: TokenKind
    patient_id: str
    session_id: Optional[str] = None
    mode: ConsultationMode = ConsultationMode.IN_PERSON
    appointment_id: Optional[str] = None
    expected_at: Optional[datetime] = None
    number: Optional[int] = None


@dataclass
class IssueToken(Record):
    """Issue a token (``"action": "issue"``; walk-in, phone and emergency tokens are staff
    only; a patient may take a booked token for their own appointment).

    Its fields are those of :class:`TokenRequest`, which the Rust variant carries flattened
    beside the tag; :meth:`from_request` and :attr:`request` convert.
    """

    _serde: ClassVar[str] = "TokenCommand"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("action", "issue")

    token_id: str
    kind: TokenKind
    patient_id: str
    session_id: Optional[str] = None
    mode: ConsultationMode = ConsultationMode.IN_PERSON
    appointment_id: Optional[str] = None
    expected_at: Optional[datetime] = None
    number: Optional[int] = None

    @classmethod
    @checked()
    def from_request(cls, request: TokenRequest) -> IssueToken:
        """The command issuing the token ``request`` asks for."""
        return cls(
            token_id=request.token_id,
            kind=request.kind,
            patient_id=request.patient_id,
            session_id=request.session_id,
            mode=request.mode,
            appointment_id=request.appointment_id,
            expected_at=request.expected_at,
            number=request.number,
        )

    @property
    def request(self) -> TokenRequest:
        """The token request this command carries."""
        return TokenRequest(
            token_id=self.token_id,
            kind=self.kind,
            patient_id=self.patient_id,
            session_id=self.session_id,
            mode=self.mode,
            appointment_id=self.appointment_id,
            expected_at=self.expected_at,
            number=self.number,
        )


@dataclass
class CheckIn(Record):
    """Record that the patient of a token issued ahead (booked, phone) is at the clinic
    (``"action": "check_in"``)."""

    _serde: ClassVar[str] = "TokenCommand"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("action", "check_in")

    number: int


@dataclass
class CallNext(Record):
    """Call the first waiting token not yet called (``"action": "call_next"``)."""

    _serde: ClassVar[str] = "TokenCommand"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("action", "call_next")


@dataclass
class StartConsultation(Record):
    """Start the consultation of a waiting token, one at a time (``"action": "start"``)."""

    _serde: ClassVar[str] = "TokenCommand"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("action", "start")

    number: int


@dataclass
class CompleteConsultation(Record):
    """End the consultation in progress (``"action": "complete"``)."""

    _serde: ClassVar[str] = "TokenCommand"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("action", "complete")

    number: int


@dataclass
class CancelToken(Record):
    """Cancel a waiting, late or skipped token; a patient may cancel their own
    (``"action": "cancel"``)."""

    _serde: ClassVar[str] = "TokenCommand"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("action", "cancel")

    number: int
    reason: Optional[str] = None


@dataclass
class SkipToken(Record):
    """The patient was not there when called (``"action": "skip"``)."""

    _serde: ClassVar[str] = "TokenCommand"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("action", "skip")

    number: int
    reason: Optional[str] = None


@dataclass
class MarkLate(Record):
    """The patient arrived after their turn, or will: out of the line until reinserted
    (``"action": "mark_late"``)."""

    _serde: ClassVar[str] = "TokenCommand"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("action", "mark_late")

    number: int
    reason: Optional[str] = None


@dataclass
class Recall(Record):
    """Bring a skipped or late token back to the head of the line (``"action": "recall"``)."""

    _serde: ClassVar[str] = "TokenCommand"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("action", "recall")

    number: int
    reason: Optional[str] = None


@dataclass
class Reinsert(Record):
    """Put a late or skipped token back after the next ``after`` waiting patients (by
    default the rules' ``late_reinsert_after``) (``"action": "reinsert"``)."""

    _serde: ClassVar[str] = "TokenCommand"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("action", "reinsert")

    number: int
    after: Optional[int] = None
    reason: Optional[str] = None


@dataclass
class Reassign(Record):
    """Give a skipped or late patient a new token (host id ``token_id``) at the end of the
    line, keeping the history of both numbers (``"action": "reassign"``)."""

    _serde: ClassVar[str] = "TokenCommand"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("action", "reassign")

    number: int
    token_id: str
    reason: Optional[str] = None


@dataclass
class MoveToken(Record):
    """Move a waiting token to another place in the line, 1 being next
    (``"action": "move"``)."""

    _serde: ClassVar[str] = "TokenCommand"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("action", "move")

    number: int
    position: int
    reason: Optional[str] = None


@dataclass
class SetMeetLink(Record):
    """Set the doctor's Google Meet link for tele-consultations, e.g.
    ``https://meet.google.com/abc-defg-hij`` (``"action": "set_meet_link"``)."""

    _serde: ClassVar[str] = "TokenCommand"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("action", "set_meet_link")

    meet_link: str


TokenCommand = Union[
    IssueToken,
    CheckIn,
    CallNext,
    StartConsultation,
    CompleteConsultation,
    CancelToken,
    SkipToken,
    MarkLate,
    Recall,
    Reinsert,
    Reassign,
    MoveToken,
    SetMeetLink,
]
"""A command to a doctor's token queue (mirrors medsched::TokenCommand, tagged by
``"action"``). Tokens are named by number."""


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


# --- Changes (event.rs) ----------------------------------------------------------------


@dataclass
class TokenIssued(Record):
    """A token was issued and put in the line of waiting tokens at 0-based ``index``
    (``"type": "token_issued"``)."""

    _serde: ClassVar[str] = "TokenChange"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("type", "token_issued")

    token: Token
    index: int


@dataclass
class TokenCheckedIn(Record):
    """The patient of a token issued ahead (booked, phone) arrived at the clinic
    (``"type": "token_checked_in"``)."""

    _serde: ClassVar[str] = "TokenChange"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("type", "token_checked_in")

    number: int


@dataclass
class TokenAmended(Record):
    """The appointment of a booked token moved within the day, or its mode changed: the
    token keeps its number and place (``"type": "token_amended"``)."""

    _serde: ClassVar[str] = "TokenChange"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("type", "token_amended")

    number: int
    mode: ConsultationMode
    expected_at: Optional[datetime] = None


@dataclass
class TokenCalled(Record):
    """A token was called to the doctor, "your turn" (``"type": "token_called"``)."""

    _serde: ClassVar[str] = "TokenChange"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("type", "token_called")

    number: int


@dataclass
class ConsultationStarted(Record):
    """A consultation started (``"type": "consultation_started"``), with the meet link of a
    tele-consultation as it was then and how many patients known to be here waited in its
    session's line (the doctor's load)."""

    _serde: ClassVar[str] = "TokenChange"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("type", "consultation_started")

    number: int
    meet_link: Optional[str] = None
    waiting: int = 0


@dataclass
class ConsultationCompleted(Record):
    """A consultation ended (``"type": "consultation_completed"``)."""

    _serde: ClassVar[str] = "TokenChange"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("type", "consultation_completed")

    number: int


@dataclass
class TokenCancelled(Record):
    """A token was cancelled (``"type": "token_cancelled"``)."""

    _serde: ClassVar[str] = "TokenChange"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("type", "token_cancelled")

    number: int
    reason: Optional[str] = None


@dataclass
class TokenSkipped(Record):
    """The patient was not there when called: skipped, a no-show unless recalled
    (``"type": "token_skipped"``)."""

    _serde: ClassVar[str] = "TokenChange"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("type", "token_skipped")

    number: int
    reason: Optional[str] = None


@dataclass
class TokenMarkedLate(Record):
    """The patient came after their turn: out of the line until reinserted
    (``"type": "token_marked_late"``)."""

    _serde: ClassVar[str] = "TokenChange"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("type", "token_marked_late")

    number: int
    reason: Optional[str] = None


@dataclass
class TokenReinserted(Record):
    """A skipped or late token went back in the line at 0-based ``index``
    (``"type": "token_reinserted"``)."""

    _serde: ClassVar[str] = "TokenChange"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("type", "token_reinserted")

    number: int
    index: int
    reason: Optional[str] = None


@dataclass
class TokenReassigned(Record):
    """A skipped or late patient was given a new token: the old number ``from_`` (JSON
    ``from``) is cancelled, the new ``token`` (with the history) joins the line at
    ``index`` (``"type": "token_reassigned"``)."""

    _serde: ClassVar[str] = "TokenChange"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("type", "token_reassigned")

    from_: int = field(metadata={"json": "from"})
    token: Token
    index: int


@dataclass
class TokenMoved(Record):
    """Staff moved a waiting token from ``from_index`` to ``index`` in the line
    (``"type": "token_moved"``)."""

    _serde: ClassVar[str] = "TokenChange"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("type", "token_moved")

    number: int
    from_index: int
    index: int
    reason: Optional[str] = None


@dataclass
class MeetLinkUpdated(Record):
    """The doctor's meet link for tele-consultations changed
    (``"type": "meet_link_updated"``)."""

    _serde: ClassVar[str] = "TokenChange"
    _tag: ClassVar[Optional[Tuple[str, str]]] = ("type", "meet_link_updated")

    meet_link: str


TokenChange = Union[
    TokenIssued,
    TokenCheckedIn,
    TokenAmended,
    TokenCalled,
    ConsultationStarted,
    ConsultationCompleted,
    TokenCancelled,
    TokenSkipped,
    TokenMarkedLate,
    TokenReinserted,
    TokenReassigned,
    TokenMoved,
    MeetLinkUpdated,
]
"""A change to a token queue (mirrors medsched::TokenChange, tagged by ``"type"``). In an
event its fields sit beside the envelope's. ``index`` fields are 0-based places in the line
of waiting tokens."""


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
