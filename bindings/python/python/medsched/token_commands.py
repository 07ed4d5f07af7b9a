"""Token commands: what reception, the doctor or a patient asks of a doctor's token queue.

Each class mirrors one variant of the Rust ``medsched::tokens::TokenCommand`` (tagged by
``"type"``) and reads and writes its JSON; :data:`TokenCommand` is their union. Applied to a
queue under its :class:`~medsched.tokens.QueueRules`, a command gives
:data:`~medsched.token_changes.TokenChange` events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Optional, Union

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


class _Command(Record):
    """A variant of ``medsched::tokens::TokenCommand``: its JSON carries ``"action"``, the name
    the class gives (``class CheckIn(_Command, action="check_in")``); a subclass that
    names none keeps its base's."""

    def __init_subclass__(cls, action: Optional[str] = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if action is not None:
            cls._serde = "TokenCommand"
            cls._tag = ("action", action)


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
class IssueToken(_Command, action="issue"):
    """Issue a token (``"action": "issue"``; walk-in, phone and emergency tokens are staff
    only; a patient may take a booked token for their own appointment).

    Its fields are those of :class:`TokenRequest`, which the Rust variant carries flattened
    beside the tag; :meth:`from_request` and :attr:`request` convert.
    """

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
class CheckIn(_Command, action="check_in"):
    """Record that the patient of a token issued ahead (booked, phone) is at the clinic
    (``"action": "check_in"``)."""

    number: int


@dataclass
class CallNext(_Command, action="call_next"):
    """Call the first waiting token not yet called (``"action": "call_next"``)."""


@dataclass
class StartConsultation(_Command, action="start"):
    """Start the consultation of a waiting token, one at a time (``"action": "start"``)."""

    number: int


@dataclass
class CompleteConsultation(_Command, action="complete"):
    """End the consultation in progress (``"action": "complete"``)."""

    number: int


@dataclass
class CancelToken(_Command, action="cancel"):
    """Cancel a waiting, late or skipped token; a patient may cancel their own
    (``"action": "cancel"``)."""

    number: int
    reason: Optional[str] = None


@dataclass
class SkipToken(_Command, action="skip"):
    """The patient was not there when called (``"action": "skip"``)."""

    number: int
    reason: Optional[str] = None


@dataclass
class MarkLate(_Command, action="mark_late"):
    """The patient arrived after their turn, or will: out of the line until reinserted
    (``"action": "mark_late"``)."""

    number: int
    reason: Optional[str] = None


@dataclass
class Recall(_Command, action="recall"):
    """Bring a skipped or late token back to the head of the line (``"action": "recall"``)."""

    number: int
    reason: Optional[str] = None


@dataclass
class Reinsert(_Command, action="reinsert"):
    """Put a late or skipped token back after the next ``after`` waiting patients (by
    default the rules' ``late_reinsert_after``) (``"action": "reinsert"``)."""

    number: int
    after: Optional[int] = None
    reason: Optional[str] = None


@dataclass
class Reassign(_Command, action="reassign"):
    """Give a skipped or late patient a new token (host id ``token_id``) at the end of the
    line, keeping the history of both numbers (``"action": "reassign"``). A repeat (the
    same ``number`` and ``token_id``) records nothing and names the token ``token_id`` stands
    for now, following any later reassignment."""

    number: int
    token_id: str
    reason: Optional[str] = None


@dataclass
class MoveToken(_Command, action="move"):
    """Move a waiting token to another place in the line, 1 being next
    (``"action": "move"``)."""

    number: int
    position: int
    reason: Optional[str] = None


@dataclass
class SetMeetLink(_Command, action="set_meet_link"):
    """Set the doctor's Google Meet link for tele-consultations, e.g.
    ``https://meet.google.com/abc-defg-hij`` (``"action": "set_meet_link"``)."""

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
