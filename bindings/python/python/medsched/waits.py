"""Wait estimates for a doctor's token line, as data.

A :class:`QueueSnapshot` (the line at ``now``) and a :class:`DoctorHistory` (the doctor's
past, fitted from :class:`PastDay` records) go in; one :class:`WaitEstimate` per waiting
token comes out: the expected minutes until its consultation starts and a P90 bound. These
classes mirror the Rust types of ``medsched::wait`` and read and write their JSON. Minutes are
``float``.
"""

from __future__ import annotations

import enum
import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, List, Optional

from . import _native
from ._args import checked
from ._codec import Record, decode, to_json
from .tokens import EmergencyOrder, TokenKind, WalkInPlacement

__all__ = [
    "VisitType",
    "WaitingToken",
    "SkippedToken",
    "Consultation",
    "IssuedCounts",
    "QueueSnapshot",
    "WaitEstimate",
    "DurationPrior",
    "KindFactors",
    "VisitFactors",
    "QueueRates",
    "PastDay",
    "PastEstimate",
    "HorizonCalibration",
    "WaitCalibration",
    "DoctorHistory",
]


# --- What an estimator sees (snapshot.rs) ----------------------------------------------


class VisitType(str, enum.Enum):
    """What a patient comes for, as the host knows it (mirrors medsched::VisitType): first
    visits, reviews and tele-consults take different times, learnt per doctor."""

    FIRST_VISIT = "first_visit"
    """A new patient, or a new problem."""
    REVIEW = "review"
    """A follow-up of a known problem."""
    TELE = "tele"
    """A consult by phone or video."""


@dataclass
class WaitingToken(Record):
    """One token in the line (mirrors medsched::WaitingToken).

    ``expected_at`` is the appointment start of a booked (or phone) token, whose patient may
    not be there yet; ``None`` for walk-ins and emergencies. ``present``: the patient has
    checked in and will answer when called (walk-ins and emergencies are present from
    issue; a booked patient not yet present is skipped if called). ``visit``: what the
    patient comes for, if known (counted at that visit type's length).
    """

    _serde: ClassVar[str] = "WaitingToken"

    number: int
    kind: TokenKind
    present: bool
    expected_at: Optional[datetime] = None
    visit: Optional[VisitType] = None


@dataclass
class SkippedToken(Record):
    """A token passed over because its patient was absent when called, not back yet; one
    without an appointment start (``expected_at``) is not expected back (mirrors
    medsched::SkippedToken)."""

    _serde: ClassVar[str] = "SkippedToken"

    number: int
    expected_at: Optional[datetime] = None


@dataclass
class Consultation(Record):
    """One finished consultation of today, and how many tokens were waiting when it began,
    its patient not counted, how its token was issued and what the patient came for, if
    recorded (mirrors medsched::Consultation)."""

    _serde: ClassVar[str] = "Consultation"

    started_at: datetime
    ended_at: datetime
    waiting_at_start: Optional[int] = None
    kind: Optional[TokenKind] = None
    visit: Optional[VisitType] = None


@dataclass
class IssuedCounts(Record):
    """Today's tokens so far: how many of each kind were issued, and how many late arrivals
    were put back into the line (mirrors medsched::IssuedCounts)."""

    _serde: ClassVar[str] = "IssuedCounts"

    booked: int = 0
    walk_in: int = 0
    phone: int = 0
    emergency: int = 0
    reinserted: int = 0


@dataclass
class QueueSnapshot(Record):
    """What an estimator sees of one doctor's token queue at ``now`` (mirrors
    medsched::QueueSnapshot).

    The session runs from ``session_start`` to ``session_end``; ``consulting_since`` is the
    start of the consultation in progress (``None`` if the doctor is free); ``waiting`` is
    the line in call order, present or not; ``skipped`` the tokens called while their
    patient was absent; ``completed`` today's finished consultations, oldest first; a late
    arrival goes back behind ``reinsert_after`` waiting tokens. ``doctor_arrived_at``
    ("doctor arrived") and ``doctor_expected_at`` ("doctor delayed until") are staff's
    signals: before the doctor is in, the wait includes the doctor's expected delay.
    ``walk_ins`` and ``emergency_order`` are the queue's rules, whose order the estimator
    predicts. ``consulting_kind`` and ``consulting_visit`` are the kind and the visit type
    of the token in the room, if known (the rest of its consult is read at their length).
    """

    _serde: ClassVar[str] = "QueueSnapshot"

    now: datetime
    session_start: datetime
    session_end: datetime
    consulting_since: Optional[datetime] = None
    waiting: List[WaitingToken] = field(default_factory=list)
    skipped: List[SkippedToken] = field(default_factory=list)
    completed: List[Consultation] = field(default_factory=list)
    issued: IssuedCounts = field(default_factory=IssuedCounts)
    reinsert_after: int = 3
    doctor_arrived_at: Optional[datetime] = None
    doctor_expected_at: Optional[datetime] = None
    walk_ins: WalkInPlacement = WalkInPlacement.END
    emergency_order: EmergencyOrder = EmergencyOrder.FIFO
    consulting_kind: Optional[TokenKind] = None
    consulting_visit: Optional[VisitType] = None


@dataclass
class WaitEstimate(Record):
    """One estimate: the token, the expected minutes from ``now`` until its consultation
    starts, and the minutes by which half (``p50_minutes``) and 90% (``p90_minutes``) of
    such consultations have started (mirrors medsched::WaitEstimate)."""

    _serde: ClassVar[str] = "WaitEstimate"

    number: int
    minutes: float
    p50_minutes: float
    p90_minutes: float


@dataclass
class KindFactors(Record):
    """How long each kind of token's consultation takes relative to the day's typical one
    (mirrors medsched::KindFactors); all 1 when not measured."""

    _serde: ClassVar[str] = "KindFactors"

    booked: float = 1.0
    walk_in: float = 1.0
    phone: float = 1.0
    emergency: float = 1.0


@dataclass
class VisitFactors(Record):
    """How long each visit type takes relative to the typical consultation of its token kind
    (mirrors medsched::VisitFactors); all 1 when not measured."""

    _serde: ClassVar[str] = "VisitFactors"

    first_visit: float = 1.0
    review: float = 1.0
    tele: float = 1.0


@dataclass
class DurationPrior(Record):
    """A model of one doctor's consultation durations, multiplicative on the log scale
    (mirrors medsched::DurationPrior); the defaults are the model of a doctor with no
    history.

    On a given day the log of a consultation's length is normal with that day's mean and
    standard deviation ``log_sd``, shifted by ``load_slope`` per patient waiting beyond
    ``load_reference`` when it began; the day's mean varies around ``log_mean`` with
    standard deviation ``day_sd``. ``days`` and ``consultations`` count what it rests on.
    ``mean_ratio`` and ``ratio_variance`` are the measured mean and variance of a duration
    over its day's geometric mean (0: not measured, the lognormal's used); ``pace`` the
    doctor's pace per half hour of the session (empty: even pace); ``kinds`` how long each
    kind of token takes; ``visits`` how long each visit type takes within its kind;
    ``ratio_quantiles`` the measured quantiles of a duration over its
    day's geometric mean (empty: fewer than 60 measured), from which the rest of a consult
    in progress is read.
    """

    _serde: ClassVar[str] = "DurationPrior"

    log_mean: float = math.log(7.0)
    log_sd: float = 0.5
    day_sd: float = 0.2
    load_slope: float = 0.0
    load_reference: float = 0.0
    days: int = 0
    consultations: int = 0
    mean_ratio: float = 0.0
    ratio_variance: float = 0.0
    pace: List[float] = field(default_factory=list)
    kinds: KindFactors = field(default_factory=KindFactors)
    ratio_quantiles: List[float] = field(default_factory=list)
    visits: VisitFactors = field(default_factory=VisitFactors)


@dataclass
class QueueRates(Record):
    """How often a doctor's line is reordered, and how booked patients arrive (mirrors
    medsched::QueueRates); the defaults are those assumed without history.

    ``no_show_share`` 0 to 1; ``emergencies_per_hour`` of session; arrival offsets are
    arrival − appointment start in minutes (negative when early); ``session_hours`` weighs
    the emergency rate; ``return_wait_consults`` is a late patient's wait from return to
    call, in consultations, resting on ``returns_observed`` returns; ``walk_ins_per_hour``
    of session.
    """

    _serde: ClassVar[str] = "QueueRates"

    no_show_share: float = 0.2
    emergencies_per_hour: float = 0.1
    arrival_offset_mean: float = -10.0
    arrival_offset_sd: float = 15.0
    session_hours: float = 0.0
    return_wait_consults: float = 3.5
    returns_observed: int = 0
    walk_ins_per_hour: float = 2.0


@dataclass
class PastEstimate(Record):
    """One past estimate of the uncalibrated queue estimator (``minutes``, ``p90_minutes``)
    and what the patient really waited from that moment (``waited``), all in minutes
    (mirrors medsched::PastEstimate)."""

    _serde: ClassVar[str] = "PastEstimate"

    minutes: float
    p90_minutes: float
    waited: float


@dataclass
class HorizonCalibration(Record):
    """The correction of estimates from ``from_minutes`` on (up to the next horizon's),
    fitted on the past estimates of that horizon alone (mirrors
    medsched::HorizonCalibration); fields as :class:`WaitCalibration`'s."""

    _serde: ClassVar[str] = "HorizonCalibration"

    from_minutes: float
    shift: float
    p90_spread: float
    observed: int
    p50_spread: Optional[float] = None


@dataclass
class WaitCalibration(Record):
    """The correction fitted on a doctor's past estimates (mirrors
    medsched::WaitCalibration): with ``s = max(p90 − estimate, 1)``, the calibrated estimate
    is ``estimate + shift·s``, its P50 ``calibrated + p50_spread·s`` (``None``: the model's
    P50 moved by the shift) and its P90 ``calibrated + p90_spread·s``; ``observed`` past
    estimates back it (fewer than 50: no correction). ``horizons`` holds the same fitted
    per horizon (the uncalibrated estimate's minutes: below 10, 10–25, 25–50, 50–90, 90
    and more; a bucket with fewer than 50 past estimates carries the overall correction);
    an estimate takes the last horizon whose ``from_minutes`` it reaches, else the overall
    correction."""

    _serde: ClassVar[str] = "WaitCalibration"

    shift: float = 0.0
    p90_spread: float = 1.0
    observed: int = 0
    horizons: List[HorizonCalibration] = field(default_factory=list)
    p50_spread: Optional[float] = None


@dataclass
class PastDay(Record):
    """One past session of the doctor, as a host records it (mirrors medsched::PastDay).

    ``durations`` are consultation lengths in minutes, in the order they happened;
    ``waiting_at_start`` (empty or one per duration) how many tokens waited when each began;
    ``started_minutes`` (empty or one per duration) when each began, minutes after the
    session start; ``kinds`` (empty or one per duration) each one's token kind; ``visits``
    (empty or one per duration) what each patient came for (``None`` where not known);
    ``booked`` booked and phone tokens, ``no_shows`` those that never came, ``emergencies``
    emergency tokens, ``walk_ins`` walk-in tokens; ``session_minutes`` the session's scheduled length; arrival offsets
    (minutes, negative when early) of booked patients who came; ``return_waits`` minutes from
    a late patient's return to their call; ``doctor_start_minutes`` when the doctor began,
    minutes after the session start; ``estimates`` the queue estimator's past estimates and
    what the patients waited (for the calibration).
    """

    _serde: ClassVar[str] = "PastDay"

    durations: List[float] = field(default_factory=list)
    waiting_at_start: List[int] = field(default_factory=list)
    booked: int = 0
    no_shows: int = 0
    emergencies: int = 0
    session_minutes: float = 240.0
    arrival_offsets: List[float] = field(default_factory=list)
    return_waits: List[float] = field(default_factory=list)
    doctor_start_minutes: Optional[float] = None
    estimates: List[PastEstimate] = field(default_factory=list)
    started_minutes: List[float] = field(default_factory=list)
    kinds: List[TokenKind] = field(default_factory=list)
    walk_ins: int = 0
    visits: List[Optional[VisitType]] = field(default_factory=list)


@dataclass
class DoctorHistory(Record):
    """The doctor's past, as the estimators use it: the latest consultation durations of
    previous days (minutes, oldest first), the duration model and the rates (mirrors
    medsched::DoctorHistory). ``DoctorHistory()`` is the empty history, made of the
    documented defaults. ``start_delays`` are the doctor's past starts (minutes after the
    session start), ``calibration`` the correction fitted on past estimates."""

    _serde: ClassVar[str] = "DoctorHistory"

    recent_minutes: List[float] = field(default_factory=list)
    durations: DurationPrior = field(default_factory=DurationPrior)
    rates: QueueRates = field(default_factory=QueueRates)
    start_delays: List[float] = field(default_factory=list)
    calibration: WaitCalibration = field(default_factory=WaitCalibration)

    @classmethod
    @checked()
    def from_days(cls, days: List[PastDay]) -> DoctorHistory:
        """The history learnt from past days (see ``Queue.past_days``): recent durations,
        the duration model with its load effect, and the arrival and late-return rates."""
        text = _native.history_from_days(to_json(days, "days"))
        return decode(cls, json.loads(text))

    @classmethod
    @checked()
    def from_durations(cls, minutes: List[float]) -> DoctorHistory:
        """The history of a doctor known only by consultation lengths (minutes)."""
        text = _native.history_from_durations([float(m) for m in minutes])
        return decode(cls, json.loads(text))
