"""Outpatient tokens over a store, the queue and its views, the token decider, and wait
estimators."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, List, Optional, Union

from . import _native
from ._args import U64, checked
from ._codec import decode, to_json, utc_text
from .booking import Actor, Appointment
from .calendar import Limits
from .events import Event
from .schedule import Schedule
from .stores import AnyStore, native_store
from .token_changes import TokenChange
from .token_commands import TokenCommand, TokenRequest
from .tokens import QueueDay, QueueNotification, QueueRules, Token, TokenCounts
from .waits import DoctorHistory, PastDay, QueueSnapshot, WaitEstimate

__all__ = [
    "Queue",
    "QueueUpdate",
    "Tokens",
    "QueueEstimator",
    "CalibratedQueueEstimator",
    "MovingAverageEstimator",
    "WaitEstimator",
    "decide_token",
    "queue_notifications",
    "validate_meet_link",
]

DEFAULT_MAX_ATTEMPTS = 64



def _token(text: Optional[str]) -> Optional[Token]:
    return None if text is None else decode(Token, json.loads(text))


def _tokens(text: str) -> List[Token]:
    return [decode(Token, t) for t in json.loads(text)]


class Queue:
    """A doctor's token queue for one day, folded from its events, and its views: who is
    being seen, the line, each token's place, counts by state."""

    def __init__(self, native: _native.Queue) -> None:
        self._native = native

    @classmethod
    @checked()
    def from_events(cls, events: List[Event]) -> Queue:
        """The fold of a queue's events, oldest first."""
        return cls(_native.Queue.from_events(to_json(events, "events")))

    @property
    def tokens(self) -> List[Token]:
        """Every token issued, by number (cancelled and reassigned ones included)."""
        return _tokens(self._native.tokens())

    @checked()
    def token(self, number: int) -> Optional[Token]:
        """The token with this number."""
        return _token(self._native.token(number))

    @checked()
    def token_by_id(self, token_id: str) -> Optional[Token]:
        """The token with this id."""
        return _token(self._native.token_by_id(token_id))

    @checked()
    def current(self, number: int) -> Optional[Token]:
        """The token a number now stands for, following reassignments."""
        return _token(self._native.current(number))

    @checked()
    def token_for_appointment(self, appointment_id: str) -> Optional[Token]:
        """The live token of a booked appointment."""
        return _token(self._native.token_for_appointment(appointment_id))

    @property
    def line(self) -> List[int]:
        """The waiting numbers in call order."""
        return self._native.line()

    @property
    def waiting(self) -> List[Token]:
        """The waiting tokens in call order."""
        return _tokens(self._native.waiting())

    @property
    def now_serving(self) -> Optional[Token]:
        """The token in consultation, if any."""
        return _token(self._native.now_serving())

    @property
    def last_called(self) -> Optional[Token]:
        """The token called last."""
        return _token(self._native.last_called())

    @checked()
    def position(self, number: int) -> Optional[int]:
        """A waiting token's place in the line (1 is next), or ``None``."""
        return self._native.position(number)

    @checked(n=U64)
    def next(self, n: int) -> List[Token]:
        """The next ``n`` waiting tokens."""
        return _tokens(self._native.next(n))

    def counts(self) -> TokenCounts:
        """How many tokens are in each state."""
        return decode(TokenCounts, json.loads(self._native.counts()))

    @property
    def reinsertions(self) -> int:
        """How many late patients were put back in the line."""
        return self._native.reinsertions()

    @property
    def meet_link(self) -> Optional[str]:
        """The doctor's current video-consultation link."""
        return self._native.meet_link()

    @checked()
    def next_number(self, rules: QueueRules) -> int:
        """The number the next automatic issue would get."""
        return self._native.next_number(to_json(rules, "rules"))

    @checked()
    def wait_snapshot(
        self, rules: QueueRules, session_id: str, now: datetime
    ) -> Optional[QueueSnapshot]:
        """One session's line at ``now`` as the estimators read it (``None`` for an unknown
        session)."""
        text = self._native.wait_snapshot(to_json(rules, "rules"), session_id, utc_text(now, "now"))
        return None if text is None else decode(QueueSnapshot, json.loads(text))

    @checked()
    def past_days(self, rules: QueueRules) -> List[PastDay]:
        """This (finished) day as history for the estimators, one per session."""
        return [decode(PastDay, d) for d in json.loads(self._native.past_days(to_json(rules,
            "rules")))]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Queue):
            return NotImplemented
        return bool(self._native == other._native)

    def __repr__(self) -> str:
        serving = self.now_serving
        return (
            f"Queue(tokens={len(self.tokens)}, line={self.line}, "
            f"now_serving={None if serving is None else serving.number})"
        )


@dataclass
class QueueUpdate:
    """What a token command did: the token it acted on (or issued), the queue after it, the
    events appended, and the messages to send (your turn, missed, position updates...)."""

    token: Optional[Token]
    queue: Queue
    events: List[Event]
    notifications: List[QueueNotification]


def _update(native: Any) -> QueueUpdate:
    queue, token, events, notes = native
    return QueueUpdate(
        token=_token(token),
        queue=Queue(queue),
        events=[decode(Event, e) for e in json.loads(events)],
        notifications=[decode(QueueNotification, n) for n in json.loads(notes)],
    )


class QueueEstimator:
    """medsched's wait estimator: today's pace shrunk toward the doctor's history, the rest
    of the running consultation, absent patients, late returns and emergencies, with a P90
    bound. See docs/WAIT_ESTIMATION.md."""

    name = "queue"

    @checked()
    def estimate(self, snapshot: QueueSnapshot, history: DoctorHistory) -> List[WaitEstimate]:
        """One estimate per waiting token of the snapshot, in line order."""
        text = _native.estimate_waits(
            self.name, to_json(snapshot, "snapshot"), to_json(history, "history"),
        )
        return [decode(WaitEstimate, e) for e in json.loads(text)]

    def __repr__(self) -> str:
        return "QueueEstimator()"


class CalibratedQueueEstimator:
    """The queue estimator corrected by the doctor's own past residuals
    (``DoctorHistory.calibration``, fitted from ``PastDay.estimates``): what to show
    patients. Record :class:`QueueEstimator`'s (uncalibrated) estimates as
    :class:`~medsched.waits.PastEstimate` to fit the next calibration on."""

    name = "calibrated"

    def estimate(self, snapshot: QueueSnapshot, history: DoctorHistory) -> List[WaitEstimate]:
        """One estimate per waiting token of the snapshot, in line order."""
        text = _native.estimate_waits(self.name, to_json(snapshot), to_json(history))
        return [decode(WaitEstimate, e) for e in json.loads(text)]

    def __repr__(self) -> str:
        return "CalibratedQueueEstimator()"


class MovingAverageEstimator:
    """The usual display: the mean of the last ``window`` consultation lengths × patients
    ahead, less the running consultation's elapsed time; P90 = ``p90_factor`` × estimate."""

    name = "moving_average"

    @checked()
    def __init__(self, window: int = 30, p90_factor: float = 1.5) -> None:
        self.window = window
        self.p90_factor = p90_factor

    @checked()
    def estimate(self, snapshot: QueueSnapshot, history: DoctorHistory) -> List[WaitEstimate]:
        """One estimate per waiting token of the snapshot, in line order."""
        text = _native.estimate_waits(
            self.name, to_json(snapshot, "snapshot"), to_json(history, "history"), self.window,
                self.p90_factor
        )
        return [decode(WaitEstimate, e) for e in json.loads(text)]

    def __repr__(self) -> str:
        return f"MovingAverageEstimator(window={self.window}, p90_factor={self.p90_factor})"


WaitEstimator = Union[QueueEstimator, CalibratedQueueEstimator, MovingAverageEstimator]
"""The estimators medsched ships."""


class Tokens:
    """The token service: loads a doctor's queue for a day, decides, and appends with
    optimistic concurrency (retrying up to ``max_attempts`` times), so tokens issued at once
    from several desks get distinct numbers. Releases the GIL while the core works.

    ``limits`` bounds the texts of token commands (ids, reasons, meet links;
    :class:`~medsched.Limits`, the defaults when ``None``)."""

    @checked()
    def __init__(
        self,
        store: AnyStore,
        *,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        limits: Optional[Limits] = None,
    ) -> None:
        self.store = store
        self._native = _native.Tokens(
            native_store(store),
            max_attempts,
            None if limits is None else to_json(limits, "limits"),
        )

    @checked()
    def queue(self, day: QueueDay) -> Queue:
        """The queue of a doctor's day."""
        return Queue(self._native.queue(to_json(day, "day")))

    @checked()
    def execute(
        self, day: QueueDay, rules: QueueRules, actor: Actor, now: datetime,
        command: TokenCommand,
    ) -> QueueUpdate:
        """Decides any :data:`~medsched.TokenCommand` (issue, check in, call next, start,
        complete, cancel, skip, mark late, recall, reinsert, reassign, move, meet link)."""
        return _update(self._native.execute(
            to_json(day, "day"), to_json(rules, "rules"), to_json(actor, "actor"),
            utc_text(now, "now"), to_json(command, "command"),
        ))

    @checked()
    def issue(
        self, day: QueueDay, rules: QueueRules, actor: Actor, now: datetime,
        request: TokenRequest,
    ) -> QueueUpdate:
        """Issues a token (booked, walk-in, phone or emergency); a repeated request id
        returns the token already issued."""
        return _update(self._native.issue(
            to_json(day, "day"), to_json(rules, "rules"), to_json(actor, "actor"),
            utc_text(now, "now"), to_json(request, "request"),
        ))

    @checked()
    def issue_for_appointment(
        self, schedule: Schedule, rules: QueueRules, actor: Actor, now: datetime,
        appointment: Appointment,
    ) -> QueueUpdate:
        """Issues the token of a booked appointment, expected at its start."""
        return _update(self._native.issue_for_appointment(
            schedule._native, to_json(rules, "rules"), to_json(actor, "actor"),
            utc_text(now, "now"), to_json(appointment, "appointment"),
        ))

    @checked()
    def wait_estimates(
        self, day: QueueDay, rules: QueueRules, now: datetime, history: DoctorHistory,
        estimator: Optional[WaitEstimator] = None,
    ) -> List[WaitEstimate]:
        """Each waiting token's expected wait at ``now``, in call order, session by session
        (by default with :class:`QueueEstimator`)."""
        chosen = estimator if estimator is not None else QueueEstimator()
        window = chosen.window if isinstance(chosen, MovingAverageEstimator) else None
        factor = chosen.p90_factor if isinstance(chosen, MovingAverageEstimator) else None
        text = self._native.wait_estimates(
            to_json(day, "day"), to_json(rules, "rules"), utc_text(now, "now"),
            to_json(history, "history"), chosen.name, window, factor,
        )
        return [decode(WaitEstimate, e) for e in json.loads(text)]

    def __repr__(self) -> str:
        return f"Tokens(store={self.store!r})"


@checked()
def decide_token(
    queue: Queue, rules: QueueRules, actor: Actor, now: datetime, command: TokenCommand
) -> List[TokenChange]:
    """The pure token decider: the changes ``command`` would make (nothing stored)."""
    text = _native.decide_token_command(
        queue._native, to_json(rules, "rules"), to_json(actor, "actor"), utc_text(now, "now"),
            to_json(command, "command")
    )
    return [decode(TokenChange, c) for c in json.loads(text)]


@checked(notify_next=U64)
def queue_notifications(
    line_before: List[int], after: Queue, changes: List[TokenChange], notify_next: int
) -> List[QueueNotification]:
    """The messages for ``changes`` that turned a queue whose line was ``line_before`` into
    ``after``: your turn, missed, reassigned, and position updates to the first
    ``notify_next``."""
    text = _native.token_notifications(line_before, after._native, to_json(changes, "changes"),
        notify_next)
    return [decode(QueueNotification, n) for n in json.loads(text)]


@checked()
def validate_meet_link(link: str) -> None:
    """Checks a Google Meet link (``https://meet.google.com/abc-defg-hij``); raises
    :class:`~medsched.InvalidInputError` otherwise."""
    _native.check_meet_link(link)
