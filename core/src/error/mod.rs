//! The one error type of medsched and its machine-readable codes.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};

mod report;
mod unavailable;

pub use report::ErrorReport;
pub use unavailable::Unavailable;

use crate::channel::TokenKind;
use crate::id::Id;
use crate::limit_key::KeyKind;

/// Every failure medsched reports.
///
/// Errors are values, never panics: bindings turn them into native exceptions. Each error has
/// a stable [`code`](Error::code) that hosts and bindings can match on, and a message that
/// names the offending field and value.
///
/// # Example
///
/// ```
/// use medsched::{Clinic, Location, Error};
///
/// let clinic = Clinic {
///     locations: vec![Location::new("main", "Main clinic", "Mars/Olympus_Mons")],
///     holidays: vec![],
/// };
/// let err = clinic.validate().unwrap_err();
/// assert_eq!(err.code(), "invalid_input");
/// assert_eq!(
///     err.to_string(),
///     "invalid locations[0].time_zone = \"Mars/Olympus_Mons\": unknown IANA time zone"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input field holds a value medsched refuses.
    #[error("invalid {field} = {value:?}: {problem}")]
    InvalidInput {
        /// Path of the field, e.g. `templates[0].sessions[1].end`.
        field: String,
        /// The refused value, as text.
        value: String,
        /// What is wrong with it.
        problem: Problem,
    },
    /// A record the command names does not exist: a doctor, appointment type, hold or
    /// appointment.
    #[error("{kind} {id:?} not found")]
    NotFound {
        /// What was looked for: `"doctor"`, `"appointment_type"`, `"hold"`, `"appointment"`,
        /// `"token"` or `"session"`.
        kind: &'static str,
        /// The id that was looked for.
        id: String,
    },
    /// The slot asked for cannot be held or booked, and why (the slot engine's reason).
    #[error("slot of {doctor_id} at {start} is unavailable: {reason}")]
    SlotUnavailable {
        /// The doctor.
        doctor_id: Id,
        /// The slot's start.
        start: DateTime<Utc>,
        /// Why: taken, held by another, closed by which rule, too soon, too far ahead...
        reason: Unavailable,
    },
    /// The action is not allowed from the record's current status, e.g. completing a
    /// cancelled appointment.
    #[error("cannot {action} {kind} {id:?}: it is {from}")]
    InvalidTransition {
        /// `"appointment"`, `"hold"` or `"token"`.
        kind: &'static str,
        /// The record's id.
        id: String,
        /// Its current status, e.g. `"cancelled"`.
        from: &'static str,
        /// The refused action, e.g. `"complete"`.
        action: &'static str,
    },
    /// The action breaks a booking policy of the appointment type, e.g. a third reschedule
    /// where two are allowed.
    #[error("cannot {action} {id:?}: {rule}")]
    PolicyViolation {
        /// The appointment's or hold's id.
        id: String,
        /// The refused action, e.g. `"reschedule"`.
        action: &'static str,
        /// The policy it breaks.
        rule: PolicyRule,
    },
    /// Another writer appended to the stream first. The booking service reloads and decides
    /// again; this reaches the caller only when retries are exhausted or from a bare store.
    #[error("concurrent change to stream {stream}: expected version {expected}, found {actual}")]
    Conflict {
        /// The stream, e.g. `clinic-1/2026-03-02`.
        stream: String,
        /// The version the writer decided on.
        expected: u64,
        /// The stream's version in the store.
        actual: u64,
    },
    /// Too many requests for one key of a booking rate limit (see
    /// [`rate_limit`](crate::rate_limit)): the request may be made again from `retry_at`.
    /// The message names the kind of key, never the key (a phone number or an address
    /// stays out of messages and logs).
    #[error("too many requests for this {}: retry in {retry_after_ms} ms", key_kind.as_str())]
    RateLimited {
        /// What the limit counts by: patient, phone or IP address.
        key_kind: KeyKind,
        /// How long to wait, in milliseconds, rounded up (`retry_at - now`).
        retry_after_ms: u64,
        /// The first instant at which the same request would pass.
        retry_at: DateTime<Utc>,
    },
    /// A storage adapter failed: the host's error, kept whole.
    #[error("storage failed: {message}")]
    Storage {
        /// What kind of failure the host reported: its error's type (e.g.
        /// `"sqlite3.OperationalError"`, `"postgres"`), or empty when it gave none.
        kind: String,
        /// What the adapter reported.
        message: String,
        /// The host's error itself, for a binding to raise again or a host to downcast.
        #[source]
        source: Option<HostError>,
    },
}

/// A host's own error inside an [`Error::Storage`]: shared, so the error stays `Clone`, and
/// reachable through [`std::error::Error::source`] or [`HostError::get`] for a downcast.
/// Two host errors are equal when they are the same error.
///
/// # Example
///
/// ```
/// use medsched::Error;
///
/// let io = std::io::Error::new(std::io::ErrorKind::TimedOut, "database timed out");
/// let error = Error::from_host("io", io);
/// let Error::Storage { source: Some(host), .. } = &error else { unreachable!() };
/// let io = host.get().downcast_ref::<std::io::Error>().unwrap();
/// assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
/// assert_eq!(error.to_string(), "storage failed: database timed out");
/// ```
#[derive(Clone)]
pub struct HostError(Arc<dyn std::error::Error + Send + Sync + 'static>);

impl HostError {
    /// Keeps a host's error.
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        HostError(Arc::new(error))
    }

    /// The host's error, to downcast.
    pub fn get(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl fmt::Debug for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for HostError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl PartialEq for HostError {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for HostError {}

/// A booking policy an action would break (see [`Error::PolicyViolation`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyRule {
    /// Patients may not reschedule this appointment type.
    #[error("patients may not reschedule this appointment type")]
    PatientRescheduleNotAllowed,
    /// The appointment has been rescheduled as often as the type allows.
    #[error("already rescheduled {max} times, the most allowed")]
    RescheduleLimit {
        /// The most reschedules allowed.
        max: u32,
    },
    /// Too close to the appointment to reschedule it.
    #[error("rescheduling needs {minutes} minutes' notice")]
    RescheduleNotice {
        /// The notice the policy asks for.
        minutes: u32,
    },
    /// Too close to the appointment for a patient to cancel it.
    #[error("patients must cancel {minutes} minutes ahead")]
    CancelNotice {
        /// The notice the policy asks for.
        minutes: u32,
    },
    /// A hold would last longer than the policy allows.
    #[error("holds last at most {minutes} minutes")]
    HoldLimit {
        /// The longest hold allowed, extensions included.
        minutes: u32,
    },
    /// The appointment has not started yet, so it cannot be completed or marked a no-show.
    #[error("the appointment has not started yet")]
    NotStarted,
    /// A patient may act only on their own holds and appointments.
    #[error("a patient may act only on their own bookings")]
    NotOwner,
    /// Only staff (or the system) may take this action.
    #[error("only staff may do this")]
    StaffOnly,
    /// The session has given all its tokens.
    #[error("the session is full: {max} tokens")]
    SessionFull {
        /// The session's most tokens.
        max: u32,
    },
    /// The channel has used its quota in the session.
    #[error("the {} quota of the session is full: {max} tokens", kind.as_str())]
    QuotaFull {
        /// The channel.
        kind: TokenKind,
        /// Its quota.
        max: u32,
    },
    /// The session has ended.
    #[error("the session is over")]
    SessionOver,
    /// No session of the day is running or still to come at that time.
    #[error("no session at that time")]
    NoSession,
    /// Another consultation is in progress.
    #[error("token {number} is with the doctor")]
    ConsultInProgress {
        /// The token being seen.
        number: u32,
    },
    /// No waiting token is left to call.
    #[error("no waiting token to call")]
    QueueEmpty,
    /// A tele-consultation needs the doctor's meet link first.
    #[error("the doctor has no meet link for tele-consultations")]
    MeetLinkMissing,
}

impl PolicyRule {
    /// The stable, machine-readable code of this rule, e.g. `"reschedule_limit"`.
    pub fn code(&self) -> &'static str {
        match self {
            PolicyRule::PatientRescheduleNotAllowed => "patient_reschedule_not_allowed",
            PolicyRule::RescheduleLimit { .. } => "reschedule_limit",
            PolicyRule::RescheduleNotice { .. } => "reschedule_notice",
            PolicyRule::CancelNotice { .. } => "cancel_notice",
            PolicyRule::HoldLimit { .. } => "hold_limit",
            PolicyRule::NotStarted => "not_started",
            PolicyRule::NotOwner => "not_owner",
            PolicyRule::StaffOnly => "staff_only",
            PolicyRule::SessionFull { .. } => "session_full",
            PolicyRule::QuotaFull { .. } => "quota_full",
            PolicyRule::SessionOver => "session_over",
            PolicyRule::NoSession => "no_session",
            PolicyRule::ConsultInProgress { .. } => "consult_in_progress",
            PolicyRule::QueueEmpty => "queue_empty",
            PolicyRule::MeetLinkMissing => "meet_link_missing",
        }
    }
}

/// What is wrong with an [`Error::InvalidInput`] value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// An end that is not after its start.
    #[error("end must be after start")]
    EndNotAfterStart,
    /// A count or duration that must be at least one.
    #[error("must be at least 1")]
    NotPositive,
    /// A name that is not an IANA time zone.
    #[error("unknown IANA time zone")]
    UnknownTimeZone,
    /// A reference to a location or room that does not exist.
    #[error("refers to no known record")]
    UnknownReference,
    /// Two records with the same id in one list.
    #[error("duplicate id")]
    DuplicateId,
    /// Time ranges that overlap where they must not.
    #[error("overlaps {0}")]
    Overlap(String),
    /// A break that does not lie inside its session.
    #[error("break lies outside its session")]
    BreakOutsideSession,
    /// A recurrence rule that does not parse or cannot be used.
    #[error("invalid recurrence rule: {0}")]
    InvalidRecurrence(String),
    /// A field that must be given in this combination of fields.
    #[error("required: {0}")]
    Missing(String),
    /// Fields that cannot be given together.
    #[error("conflicts with {0}")]
    Conflicting(String),
    /// A value not in the format the field needs.
    #[error("malformed: {0}")]
    Malformed(String),
    /// A range or value beyond what medsched computes.
    #[error("out of range: {0}")]
    OutOfRange(String),
    /// An instant inside open hours that is not the start of a slot: off the step grid. (A
    /// start whose appointment would run past the end of open hours is refused as closed,
    /// naming the rule that closes it.)
    #[error("not the start of a slot of this appointment type")]
    NotSlotStart,
}

impl Error {
    /// The stable, machine-readable code of this error: `"invalid_input"`, `"not_found"`,
    /// `"slot_unavailable"`, `"invalid_transition"`, `"policy_violation"`, `"conflict"`,
    /// `"rate_limited"` or `"storage"`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidInput { .. } => "invalid_input",
            Error::NotFound { .. } => "not_found",
            Error::SlotUnavailable { .. } => "slot_unavailable",
            Error::InvalidTransition { .. } => "invalid_transition",
            Error::PolicyViolation { .. } => "policy_violation",
            Error::Conflict { .. } => "conflict",
            Error::RateLimited { .. } => "rate_limited",
            Error::Storage { .. } => "storage",
        }
    }

    /// The path of the refused field, for an [`Error::InvalidInput`].
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::InvalidInput { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The refused value as text, for an [`Error::InvalidInput`].
    pub fn value(&self) -> Option<&str> {
        match self {
            Error::InvalidInput { value, .. } => Some(value),
            _ => None,
        }
    }

    /// What is wrong, for an [`Error::InvalidInput`].
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Error::InvalidInput { problem, .. } => Some(problem),
            _ => None,
        }
    }

    /// Whether this error reports a refused input value.
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Error::InvalidInput { .. })
    }

    /// Whether another writer changed the stream first; deciding again may succeed.
    pub fn is_conflict(&self) -> bool {
        matches!(self, Error::Conflict { .. })
    }

    /// The same error with its field placed inside `prefix` (e.g. `doctors[3]`).
    #[cold]
    pub(crate) fn within(self, prefix: &str) -> Error {
        self.map_field(|field| format!("{prefix}.{field}"))
    }

    /// The same error with its field path rewritten by `rename` (for an
    /// [`Error::InvalidInput`]; other errors are returned as they are).
    #[cold]
    pub(crate) fn map_field(self, rename: impl FnOnce(String) -> String) -> Error {
        match self {
            Error::InvalidInput {
                field,
                value,
                problem,
            } => Error::InvalidInput {
                field: rename(field),
                value,
                problem,
            },
            other => other,
        }
    }

    /// A storage failure the adapter describes in words (no host error to keep).
    #[cold]
    pub fn storage(message: impl Into<String>) -> Error {
        Error::Storage {
            kind: String::new(),
            message: message.into(),
            source: None,
        }
    }

    /// A storage failure carrying the host's own error: `kind` names what failed (the
    /// driver, the host's error type), the message is the error's text, and the error is
    /// kept as the [`source`](std::error::Error::source).
    #[cold]
    pub fn from_host(
        kind: impl Into<String>,
        error: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        Error::Storage {
            kind: kind.into(),
            message: error.to_string(),
            source: Some(HostError::new(error)),
        }
    }

    /// Whether trying the same call again is safe and may succeed: true for a
    /// [`Error::Conflict`] (another writer came first; decide again on the new state),
    /// false otherwise (a refusal gives the same answer again; after a storage failure the
    /// write may or may not have landed, so the host must look first).
    pub fn is_retry_safe(&self) -> bool {
        self.is_conflict()
    }

    /// An [`Error::InvalidInput`] for a binding or an adapter to return, made as medsched
    /// makes its own: the value is repeated whole when it is at most 200 characters, else
    /// cut to its first 200, an ellipsis and its length (`docs/LIMITS.md`).
    ///
    /// # Example
    ///
    /// ```
    /// use medsched::{Error, Problem};
    ///
    /// let long = "9".repeat(5_000);
    /// let err = Error::invalid_input("now", &long, Problem::Malformed("not an instant".into()));
    /// assert_eq!(err.field(), Some("now"));
    /// assert!(err.value().unwrap().ends_with("… (5000 characters)"));
    /// assert!(err.to_string().len() < 300);
    /// ```
    #[cold]
    pub fn invalid_input(
        field: impl Into<String>,
        value: impl std::fmt::Display,
        problem: Problem,
    ) -> Error {
        Error::invalid(field, value, problem)
    }

    /// A refused value: `value` is repeated whole when short, else cut to its first 200
    /// characters, an ellipsis and its length in characters (a refused value may be
    /// megabytes long; the error stays small).
    #[cold]
    pub(crate) fn invalid(
        field: impl Into<String>,
        value: impl std::fmt::Display,
        problem: Problem,
    ) -> Error {
        Error::InvalidInput {
            field: field.into(),
            value: cut(value.to_string()),
            problem,
        }
    }
}

impl Problem {
    /// The problem a binding reads back from its [`code`](Problem::code) and its message
    /// (as an [`ErrorReport`] carries them): the detail of `overlap`, `invalid_recurrence`,
    /// `missing`, `conflicting`, `out_of_range` and `malformed` is the message without its
    /// wording. An unknown code is `malformed`.
    ///
    /// ```
    /// use medsched::Problem;
    ///
    /// let problem = Problem::OutOfRange("at most 1100 days".into());
    /// assert_eq!(Problem::from_code(problem.code(), &problem.to_string()), problem);
    /// assert_eq!(Problem::from_code("duplicate_id", "duplicate id"), Problem::DuplicateId);
    /// ```
    pub fn from_code(code: &str, message: &str) -> Problem {
        let detail = |prefix: &str| message.strip_prefix(prefix).unwrap_or(message).to_owned();
        match code {
            "end_not_after_start" => Problem::EndNotAfterStart,
            "not_positive" => Problem::NotPositive,
            "unknown_time_zone" => Problem::UnknownTimeZone,
            "unknown_reference" => Problem::UnknownReference,
            "duplicate_id" => Problem::DuplicateId,
            "break_outside_session" => Problem::BreakOutsideSession,
            "not_slot_start" => Problem::NotSlotStart,
            "overlap" => Problem::Overlap(detail("overlaps ")),
            "invalid_recurrence" => Problem::InvalidRecurrence(detail("invalid recurrence rule: ")),
            "missing" => Problem::Missing(detail("required: ")),
            "conflicting" => Problem::Conflicting(detail("conflicts with ")),
            "out_of_range" => Problem::OutOfRange(detail("out of range: ")),
            _ => Problem::Malformed(detail("malformed: ")),
        }
    }

    /// The stable, machine-readable code of this problem, e.g. `"end_not_after_start"`.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::EndNotAfterStart => "end_not_after_start",
            Problem::NotPositive => "not_positive",
            Problem::UnknownTimeZone => "unknown_time_zone",
            Problem::UnknownReference => "unknown_reference",
            Problem::DuplicateId => "duplicate_id",
            Problem::Overlap(_) => "overlap",
            Problem::BreakOutsideSession => "break_outside_session",
            Problem::InvalidRecurrence(_) => "invalid_recurrence",
            Problem::Missing(_) => "missing",
            Problem::Conflicting(_) => "conflicting",
            Problem::OutOfRange(_) => "out_of_range",
            Problem::Malformed(_) => "malformed",
            Problem::NotSlotStart => "not_slot_start",
        }
    }
}

/// The most characters of a refused value an [`Error::InvalidInput`] repeats.
pub(crate) const ERROR_VALUE_CHARS: usize = 200;

/// `value` as an error repeats it: whole when short, else its first
/// [`ERROR_VALUE_CHARS`] characters, an ellipsis and its length.
pub(crate) fn cut(value: String) -> String {
    if value.len() <= ERROR_VALUE_CHARS {
        return value;
    }
    match value.char_indices().nth(ERROR_VALUE_CHARS) {
        None => value,
        Some((end, _)) => {
            let chars = ERROR_VALUE_CHARS + value[end..].chars().count();
            format!("{}… ({chars} characters)", &value[..end])
        }
    }
}

/// `Result` with medsched's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_with_their_length() {
        assert_eq!(cut("short".into()), "short");
        let long = "é".repeat(1_000_000);
        let shown = cut(long);
        assert!(shown.starts_with(&"é".repeat(ERROR_VALUE_CHARS)));
        assert!(shown.ends_with("… (1000000 characters)"), "{shown}");
        assert_eq!(shown.chars().count(), ERROR_VALUE_CHARS + 22);
        let exact = "x".repeat(ERROR_VALUE_CHARS);
        assert_eq!(cut(exact.clone()), exact);
    }
}
