"""Token changes: the events a :data:`~medsched.token_commands.TokenCommand` gives.

Each class mirrors one variant of the Rust ``medsched::tokens::TokenChange`` (tagged by
``"type"``) and reads and writes its JSON; :data:`TokenChange` is their union.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Optional, Union

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


class _Change(Record):
    """A variant of ``medsched::tokens::TokenChange``: its JSON carries ``"type"``, the name
    the class gives (``class TokenCalled(_Change, type="token_called")``); a subclass that
    names none keeps its base's."""

    def __init_subclass__(cls, type: Optional[str] = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if type is not None:
            cls._serde = "TokenChange"
            cls._tag = ("type", type)


# --- Changes (event.rs) ----------------------------------------------------------------


@dataclass
class TokenIssued(_Change, type="token_issued"):
    """A token was issued and put in the line of waiting tokens at 0-based ``index``
    (``"type": "token_issued"``)."""

    token: Token
    index: int


@dataclass
class TokenCheckedIn(_Change, type="token_checked_in"):
    """The patient of a token issued ahead (booked, phone) arrived at the clinic
    (``"type": "token_checked_in"``)."""

    number: int


@dataclass
class TokenAmended(_Change, type="token_amended"):
    """The appointment of a booked token moved within the day, or its mode changed: the
    token keeps its number and place (``"type": "token_amended"``)."""

    number: int
    mode: ConsultationMode
    expected_at: Optional[datetime] = None


@dataclass
class TokenCalled(_Change, type="token_called"):
    """A token was called to the doctor, "your turn" (``"type": "token_called"``)."""

    number: int


@dataclass
class ConsultationStarted(_Change, type="consultation_started"):
    """A consultation started (``"type": "consultation_started"``), with the meet link of a
    tele-consultation as it was then and how many patients known to be here waited in its
    session's line (the doctor's load)."""

    number: int
    meet_link: Optional[str] = None
    waiting: int = 0


@dataclass
class ConsultationCompleted(_Change, type="consultation_completed"):
    """A consultation ended (``"type": "consultation_completed"``)."""

    number: int


@dataclass
class TokenCancelled(_Change, type="token_cancelled"):
    """A token was cancelled (``"type": "token_cancelled"``)."""

    number: int
    reason: Optional[str] = None


@dataclass
class TokenSkipped(_Change, type="token_skipped"):
    """The patient was not there when called: skipped, a no-show unless recalled
    (``"type": "token_skipped"``)."""

    number: int
    reason: Optional[str] = None


@dataclass
class TokenMarkedLate(_Change, type="token_marked_late"):
    """The patient came after their turn: out of the line until reinserted
    (``"type": "token_marked_late"``)."""

    number: int
    reason: Optional[str] = None


@dataclass
class TokenReinserted(_Change, type="token_reinserted"):
    """A skipped or late token went back in the line at 0-based ``index``
    (``"type": "token_reinserted"``)."""

    number: int
    index: int
    reason: Optional[str] = None


@dataclass
class TokenReassigned(_Change, type="token_reassigned"):
    """A skipped or late patient was given a new token: the old number ``from_`` (JSON
    ``from``) is cancelled, the new ``token`` (with the history) joins the line at
    ``index`` (``"type": "token_reassigned"``)."""

    from_: int = field(metadata={"json": "from"})
    token: Token
    index: int


@dataclass
class TokenMoved(_Change, type="token_moved"):
    """Staff moved a waiting token from ``from_index`` to ``index`` in the line
    (``"type": "token_moved"``)."""

    number: int
    from_index: int
    index: int
    reason: Optional[str] = None


@dataclass
class MeetLinkUpdated(_Change, type="meet_link_updated"):
    """The doctor's meet link for tele-consultations changed
    (``"type": "meet_link_updated"``)."""

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
