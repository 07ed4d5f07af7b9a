//! `canonical(type_name, json)`: a value's JSON as the core reads and writes it.

use medsched::bookability::{
    Bookability, BookabilityCheck, BookabilityPolicy, BookabilityWeights, CalendarFacts, CheckKind,
    DoctorFacts,
};
use medsched::rate_limit::{KeyKind, Rate, RateDecision, RateKey, RateLimits};
use medsched::{booking::*, store::*, tokens::*, wait::*, *};
use pyo3::prelude::*;

use crate::errors::Result;
use medsched_facade::json::{parse, text};

/// Reads `json` as the core type named `type_name` and writes it back: validated, defaults
/// filled, in the core's own form. Unknown type names are an invalid input.
#[pyfunction]
pub fn canonical(py: Python<'_>, type_name: &str, json: &str) -> Result<String> {
    py.detach(|| normalise(type_name, json)).map_err(Into::into)
}

macro_rules! registry {
    ($($name:ident),* $(,)?) => {
        fn normalise(type_name: &str, json: &str) -> std::result::Result<String, Error> {
            match type_name {
                $(stringify!($name) => Ok(text(&parse::<$name>("", json)?)),)*
                other => Err(Error::InvalidInput {
                    field: "type_name".into(),
                    value: other.into(),
                    problem: Problem::UnknownReference,
                }),
            }
        }

        /// The names `canonical` knows.
        pub const TYPE_NAMES: &[&str] = &[$(stringify!($name)),*];
    };
}

registry![
    Clinic,
    Location,
    Room,
    Holiday,
    DoctorCalendar,
    WeeklyTemplate,
    Session,
    Hours,
    SessionSettings,
    ModeCapacity,
    ConsultationMode,
    DateOverride,
    OverrideKind,
    Leave,
    LeaveStatus,
    Unavailability,
    Limits,
    RuleKind,
    Status,
    Interval,
    RuleRef,
    Explanation,
    AppointmentType,
    Alignment,
    SlotRequest,
    Occupancy,
    Reservation,
    BusyTime,
    SlotOptions,
    Place,
    Slot,
    UnavailableSlot,
    Unavailable,
    SlotSeries,
    Command,
    HoldRequest,
    BookRequest,
    ResourceNeed,
    JointBookRequest,
    Pool,
    AssignmentRule,
    PoolBookRequest,
    PassedOver,
    AssignmentReason,
    Assignment,
    PoolBooking,
    ActorKind,
    Actor,
    Event,
    Change,
    SlotClaim,
    HoldStatus,
    Hold,
    AppointmentStatus,
    Appointment,
    StreamId,
    LoadedStream,
    FeedEntry,
    Collision,
    NotificationKind,
    Notification,
    FeedNotifications,
    BookingPolicy,
    TokenRequest,
    TokenCommand,
    TokenCounts,
    TokenChange,
    Token,
    Reassignment,
    TokenSession,
    ChannelQuota,
    QueueRules,
    TokenKind,
    TokenState,
    WalkInPlacement,
    EmergencyOrder,
    QueueNotificationKind,
    QueueNotification,
    QueueDay,
    DoctorHistory,
    PastDay,
    PastEstimate,
    WaitCalibration,
    QueueSnapshot,
    WaitingToken,
    SkippedToken,
    Consultation,
    IssuedCounts,
    WaitEstimate,
    QueueRates,
    DurationPrior,
    KindFactors,
    VisitFactors,
    VisitType,
    DoctorFacts,
    BookabilityPolicy,
    BookabilityWeights,
    CheckKind,
    CalendarFacts,
    BookabilityCheck,
    Bookability,
    KeyKind,
    Rate,
    RateLimits,
    RateKey,
    RateDecision,
];
