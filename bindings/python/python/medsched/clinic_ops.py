"""Running a clinic: a doctor's bookability and booking rate limits, as data.

Bookability (mirrors ``medsched::bookability``, see docs/BOOKABILITY.md): the host's
records of a doctor (:class:`DoctorFacts`) and medsched's own rules (:class:`CalendarFacts`,
gathered from the calendar with one bounded slot search) give ten checks, each with its
reason, a score 0–100 and the verdicts ``can_show_in_search``, ``can_patient_book`` and
``can_receptionist_book`` (:class:`Bookability`). :func:`evaluate_bookability` does both;
:func:`score_bookability` re-scores kept calendar facts for nothing when only the host's
records change.

Rate limits (mirrors ``medsched::rate_limit``, see docs/RATE_LIMITS.md): :func:`check_rate`
is the pure GCRA decision on one key's state; :class:`RateLimiter` counts requests per
patient, phone and client address in a native store shared by app servers, raising
:class:`~medsched.RateLimitedError` with ``retry_after_ms``.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, List, Optional

from . import _native
from ._args import checked
from ._codec import Record, decode, to_json, utc_text
from .availability import ClinicRules
from .calendar import DoctorCalendar
from .slots import AppointmentType
from .stores import NativeStore

__all__ = [
    "CheckKind",
    "DoctorFacts",
    "BookabilityWeights",
    "BookabilityPolicy",
    "CalendarFacts",
    "BookabilityCheck",
    "Bookability",
    "evaluate_bookability",
    "score_bookability",
    "KeyKind",
    "Rate",
    "RateLimits",
    "RateKey",
    "RateDecision",
    "check_rate",
    "RateLimiter",
]


# --- Bookability ---------------------------------------------------------------------------


class CheckKind(str, enum.Enum):
    """One of the ten preconditions of bookability (mirrors medsched::bookability::CheckKind)."""

    PROFILE_COMPLETE = "profile_complete"
    LICENSE_VERIFIED = "license_verified"
    FEES_CONFIGURED = "fees_configured"
    LOCATION = "location"
    """A location the host assigned, or one of the calendar's templates."""
    SPECIALTY = "specialty"
    BASE_SCHEDULE = "base_schedule"
    """A weekly template with a session."""
    SLOTS_AHEAD = "slots_ahead"
    """A bookable slot within the horizon (90 days), bookings ignored."""
    NO_CRITICAL_VERIFICATION_FAILURE = "no_critical_verification_failure"
    STATUS_ACTIVE = "status_active"
    NO_FORCED_BLOCK = "no_forced_block"
    """No forced block of the calendar in force at ``now``."""


@dataclass
class DoctorFacts(Record):
    """The host's records of a doctor that bookability reads (mirrors
    medsched::bookability::DoctorFacts)."""

    _serde: ClassVar[str] = "DoctorFacts"

    profile_complete: bool
    license_verified: bool
    fees_configured: bool
    status: str
    """The doctor's status in the host's records; bookable when ``"active"``."""
    public_profile_visible: bool
    accepts_online_bookings: bool
    location_ids: List[str] = field(default_factory=list)
    specialties: List[str] = field(default_factory=list)
    critical_verification_failures: List[str] = field(default_factory=list)


@dataclass
class BookabilityWeights(Record):
    """The weight of each precondition in the score; the defaults add up to 100 (mirrors
    medsched::bookability::BookabilityWeights)."""

    _serde: ClassVar[str] = "BookabilityWeights"

    profile_complete: int = 10
    license_verified: int = 15
    fees_configured: int = 10
    location: int = 10
    specialty: int = 5
    base_schedule: int = 10
    slots_ahead: int = 15
    no_critical_verification_failure: int = 10
    status_active: int = 10
    no_forced_block: int = 5


def _critical() -> List[CheckKind]:
    return [
        CheckKind.LICENSE_VERIFIED,
        CheckKind.NO_CRITICAL_VERIFICATION_FAILURE,
        CheckKind.STATUS_ACTIVE,
        CheckKind.NO_FORCED_BLOCK,
    ]


@dataclass
class BookabilityPolicy(Record):
    """Weights, the score that shows a doctor in search (60), the preconditions whose failure
    blocks even a receptionist, and the horizon in days (90) (mirrors
    medsched::bookability::BookabilityPolicy)."""

    _serde: ClassVar[str] = "BookabilityPolicy"

    weights: BookabilityWeights = field(default_factory=BookabilityWeights)
    search_threshold: int = 60
    critical: List[CheckKind] = field(default_factory=_critical)
    horizon_days: int = 90


@dataclass
class CalendarFacts(Record):
    """What the doctor's own rules say at ``at``: templates with sessions, their locations,
    the first bookable slot within the horizon, a forced block in force, and when time alone
    may change these (mirrors medsched::bookability::CalendarFacts). Keep them; gather again
    when a rule changes or at ``recheck_at``."""

    _serde: ClassVar[str] = "CalendarFacts"

    at: datetime
    base_templates: int
    location_ids: List[str]
    recheck_at: datetime
    first_slot: Optional[datetime] = None
    forced_block: Optional[str] = None

    @classmethod
    @checked(horizon_days=(1, 366))
    def gather(
        cls,
        rules: ClinicRules,
        calendar: DoctorCalendar,
        appointment_type: AppointmentType,
        now: datetime,
        horizon_days: int = 90,
    ) -> CalendarFacts:
        """Compiles the calendar and reads its facts at ``now`` (one slot search, stopping at
        the first slot)."""
        text = _native.gather_calendar_facts(
            rules._native,
            to_json(calendar, "calendar"),
            to_json(appointment_type, "appointment_type"),
            utc_text(now, "now"),
            horizon_days,
        )
        return decode(cls, json.loads(text))


@dataclass
class BookabilityCheck(Record):
    """One precondition's outcome and why (mirrors medsched::bookability::BookabilityCheck)."""

    _serde: ClassVar[str] = "BookabilityCheck"

    kind: CheckKind
    passed: bool
    critical: bool
    weight: int
    reason: str


@dataclass
class Bookability(Record):
    """A bookability evaluation (mirrors medsched::bookability::Bookability)."""

    _serde: ClassVar[str] = "Bookability"

    checks: List[BookabilityCheck]
    score: int
    is_bookable: bool
    can_show_in_search: bool
    can_patient_book: bool
    can_receptionist_book: bool
    recheck_at: datetime
    first_slot: Optional[datetime] = None

    def check(self, kind: CheckKind) -> Optional[BookabilityCheck]:
        """The outcome of one precondition."""
        return next((c for c in self.checks if CheckKind(c.kind) is CheckKind(kind)), None)

    def failed(self) -> List[BookabilityCheck]:
        """The preconditions that failed."""
        return [c for c in self.checks if not c.passed]


def _policy(policy: Optional[BookabilityPolicy]) -> Optional[str]:
    return None if policy is None else to_json(policy, "policy")


@checked()
def evaluate_bookability(
    facts: DoctorFacts,
    rules: ClinicRules,
    calendar: DoctorCalendar,
    appointment_type: AppointmentType,
    now: datetime,
    policy: Optional[BookabilityPolicy] = None,
) -> Bookability:
    """A doctor's bookability at ``now``: the calendar's facts gathered (one bounded slot
    search) and scored with the host's."""
    text = _native.evaluate_bookability(
        to_json(facts, "facts"),
        rules._native,
        to_json(calendar, "calendar"),
        to_json(appointment_type, "appointment_type"),
        utc_text(now, "now"),
        _policy(policy),
    )
    return decode(Bookability, json.loads(text))


@checked()
def score_bookability(
    facts: DoctorFacts,
    calendar_facts: CalendarFacts,
    policy: Optional[BookabilityPolicy] = None,
) -> Bookability:
    """The verdicts from the host's facts and kept calendar facts, with no slot search."""
    text = _native.score_bookability(
        to_json(facts, "facts"), to_json(calendar_facts, "calendar_facts"), _policy(policy)
    )
    return decode(Bookability, json.loads(text))


# --- Rate limits ---------------------------------------------------------------------------


class KeyKind(str, enum.Enum):
    """What a booking rate limit counts by (mirrors medsched::rate_limit::KeyKind)."""

    PATIENT = "patient"
    PHONE = "phone"
    IP = "ip"


@dataclass
class Rate(Record):
    """At most ``limit`` requests per ``period_seconds``, as a burst or spread out (mirrors
    medsched::rate_limit::Rate)."""

    _serde: ClassVar[str] = "Rate"

    limit: int
    period_seconds: int


@dataclass
class RateLimits(Record):
    """One rate per kind of key; defaults 10 an hour per patient and per phone, 60 an hour
    per client address (mirrors medsched::rate_limit::RateLimits)."""

    _serde: ClassVar[str] = "RateLimits"

    patient: Rate = field(default_factory=lambda: Rate(limit=10, period_seconds=3600))
    phone: Rate = field(default_factory=lambda: Rate(limit=10, period_seconds=3600))
    ip: Rate = field(default_factory=lambda: Rate(limit=60, period_seconds=3600))


@dataclass
class RateKey(Record):
    """One key of a limit: tenant, kind and value (stored as given: hash a phone number or an
    address first to keep it out of the store; it is never in an error) (mirrors
    medsched::rate_limit::RateKey)."""

    _serde: ClassVar[str] = "RateKey"

    tenant: str
    kind: KeyKind
    value: str


@dataclass
class RateDecision(Record):
    """The GCRA decision (mirrors medsched::rate_limit::RateDecision): ``decision`` is
    ``"allowed"`` (store ``tat`` as the key's new state; ``remaining`` requests of cost 1
    would pass now) or ``"limited"`` (the state is unchanged; retry at ``retry_at``)."""

    _serde: ClassVar[str] = "RateDecision"

    decision: str
    tat: Optional[datetime] = None
    remaining: Optional[int] = None
    retry_at: Optional[datetime] = None

    @property
    def allowed(self) -> bool:
        """Whether the request passes."""
        return self.decision == "allowed"


@checked(cost=(1, 1_000_000))
def check_rate(rate: Rate, tat: Optional[datetime], now: datetime, cost: int = 1) -> RateDecision:
    """The GCRA decision for one request of ``cost`` on a key whose state is ``tat`` (``None``
    for a key never seen), at ``now``. Pure: the host keeps the state (compare-and-set)."""
    text = _native.check_rate(
        to_json(rate, "rate"),
        None if tat is None else utc_text(tat, "tat"),
        utc_text(now, "now"),
        cost,
    )
    return decode(RateDecision, json.loads(text))


class RateLimiter:
    """The booking rate limiter over a native store (:class:`~medsched.InMemoryStore` or a
    database from :func:`~medsched.open_store`), which app servers share. Thread-safe."""

    @checked()
    def __init__(self, store: NativeStore, limits: Optional[RateLimits] = None) -> None:
        self._native = _native.RateLimiter(
            store._native, None if limits is None else to_json(limits, "limits")
        )

    @property
    def limits(self) -> RateLimits:
        """The limits."""
        return decode(RateLimits, json.loads(self._native.limits_json()))

    @checked(cost=(1, 1_000_000))
    def acquire(self, keys: List[RateKey], now: datetime, cost: int = 1) -> int:
        """Counts one request against every key and returns how many more requests of cost 1
        the tightest key lets pass now. When a key is over its limit nothing is counted and
        :class:`~medsched.RateLimitedError` names its kind, ``retry_after_ms`` and
        ``retry_at``."""
        return int(self._native.acquire(to_json(keys, "keys"), utc_text(now, "now"), cost))

    def __repr__(self) -> str:
        return f"RateLimiter(limits={self.limits!r})"
