"""Token commands: what reception, the doctor or a patient asks of a doctor's token queue.

Each class mirrors one variant of the Rust ``medsched::tokens::TokenCommand`` (tagged by
``"type"``) and reads and writes its JSON; :data:`TokenCommand` is their union. Applied to a
queue under its :class:`~medsched.tokens.QueueRules`, a command gives
:data:`~medsched.token_changes.TokenChange` events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Optional, Tuple, Union

from ._args import checked
from ._codec import Record
from .calendar import ConsultationMode
from .tokens import TokenKind

__all__ = [
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
]


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
