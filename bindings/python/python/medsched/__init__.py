"""medsched: an embeddable, I/O-free scheduling engine for clinics and hospitals.

Availability with provenance, slot generation, holds and bookings, outpatient tokens and
wait estimates, decided by a Rust core. ``import medsched`` is the only import needed::

    import medsched
    from datetime import datetime, timezone

Times: pass aware ``datetime`` objects (UTC, any fixed offset or ``zoneinfo.ZoneInfo``);
naive ones are refused with ``TypeError``. Results are aware and in UTC; wall-clock fields
(``Slot.local_start``) are naive local times at the location.
"""

from __future__ import annotations

from . import (
    availability,
    booking,
    booking_service,
    calendar,
    clinic_ops,
    errors,
    events,
    interop,
    schedule,
    slots,
    stores,
    timeline,
    token_changes,
    token_commands,
    token_service,
    tokens,
    waits,
)
from ._codec import LocalDateTime, Record, from_dict
from .errors import *
from .calendar import *
from .timeline import *
from .slots import *
from .booking import *
from .events import *
from .tokens import *
from .token_commands import *
from .token_changes import *
from .waits import *
from .availability import *
from .schedule import *
from .stores import *
from .booking_service import *
from .token_service import *
from .clinic_ops import *

# A literal list: mypy (and so stubtest) reads no computed __all__ (python/mypy#12582).
__all__ = [
    "LocalDateTime",
    "Record",
    "from_dict",
    # errors
    "MedschedError",
    "InvalidInputError",
    "WrongTypeError",
    "NotFoundError",
    "SlotUnavailableError",
    "InvalidTransitionError",
    "PolicyViolationError",
    "ConflictError",
    "RateLimitedError",
    "StorageError",
    # calendar
    "Clinic",
    "ConsultationMode",
    "DateOverride",
    "DoctorCalendar",
    "Holiday",
    "Hours",
    "Leave",
    "LeaveStatus",
    "Limits",
    "Location",
    "ModeCapacity",
    "OverrideKind",
    "Room",
    "Session",
    "SessionSettings",
    "Unavailability",
    "WeeklyTemplate",
    "Weekday",
    # timeline
    "Explanation",
    "Interval",
    "RuleKind",
    "RuleRef",
    "Status",
    # slots
    "Alignment",
    "AppointmentType",
    "BusyTime",
    "Occupancy",
    "Reservation",
    "Slot",
    "SlotOptions",
    "SlotRequest",
    "Unavailable",
    "UnavailableCode",
    "UnavailableSlot",
    # booking
    "Actor",
    "ActorKind",
    "Appointment",
    "AppointmentStatus",
    "Book",
    "BookHold",
    "BookRequest",
    "BookingPolicy",
    "Cancel",
    "Collision",
    "Command",
    "Complete",
    "Confirm",
    "Decline",
    "ExpireHolds",
    "ExtendHold",
    "FeedNotifications",
    "Hold",
    "HoldRequest",
    "HoldStatus",
    "MarkNoShow",
    "Notification",
    "NotificationKind",
    "PlaceHold",
    "ReleaseHold",
    "Reschedule",
    "SlotClaim",
    "StreamId",
    # events
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
    # tokens
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
    # waits
    "WaitingToken",
    "SkippedToken",
    "Consultation",
    "IssuedCounts",
    "QueueSnapshot",
    "WaitEstimate",
    "DurationPrior",
    "KindFactors",
    "QueueRates",
    "PastDay",
    "PastEstimate",
    "HorizonCalibration",
    "WaitCalibration",
    "DoctorHistory",
    # availability
    "ClinicRules",
    "Availability",
    "PreparedOccupancy",
    "OccupancyArg",
    "SlotSeries",
    "SlotList",
    "first_available",
    "slots_for_doctors",
    # schedule
    "Schedule",
    # clinic_ops: bookability and rate limits
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
    # stores
    "EventStore",
    "NativeStore",
    "InMemoryStore",
    "open_store",
    "AnyStore",
    "check_event_store",
    # booking_service
    "Bookings",
    "DayBook",
    "decide",
    "notifications",
    # token_service
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
