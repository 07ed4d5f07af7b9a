"""Token changes: the events a :data:`~medsched.token_commands.TokenCommand` gives.

Each class mirrors one variant of the Rust ``medsched::tokens::TokenChange`` (tagged by
``"type"``) and reads and writes its JSON; :data:`TokenChange` is their union.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Optional, Tuple, Union

from ._codec import Record
from .calendar import ConsultationMode
from .tokens import Token

__all__ = [
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
]


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
