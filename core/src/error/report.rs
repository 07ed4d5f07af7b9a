//! The serializable report of an error: what every binding raises and the shared vectors
//! check, written once here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Unavailable};

/// Everything a host or a binding needs of an [`Error`], as plain data: the stable `code`,
/// the message, whether a retry is safe, and the fields of its kind. Python's exception
/// classes, Node's `Error` subclasses and the mobile exceptions are all made from it, so
/// they carry the same codes and fields; the test vectors compare their expectations with
/// it. Fields a kind does not have are absent in JSON.
///
/// # Example
///
/// ```
/// use medsched::{Clinic, Location};
///
/// let clinic = Clinic {
///     locations: vec![Location::new("main", "Main clinic", "Mars/Olympus_Mons")],
///     holidays: vec![],
/// };
/// let report = clinic.validate().unwrap_err().report();
/// assert_eq!(report.code, "invalid_input");
/// assert_eq!(report.field.as_deref(), Some("locations[0].time_zone"));
/// assert_eq!(report.problem.as_deref(), Some("unknown_time_zone"));
/// assert!(!report.retry_safe);
/// let json = serde_json::to_value(&report).unwrap();
/// assert_eq!(json["value"], "Mars/Olympus_Mons");
/// assert!(json.get("rule").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ErrorReport {
    /// The stable code: `invalid_input`, `not_found`, `slot_unavailable`,
    /// `invalid_transition`, `policy_violation`, `conflict`, `rate_limited` or `storage`.
    pub code: String,
    /// The error's message, as [`Error`]'s `Display` writes it.
    pub message: String,
    /// Whether the same call may be tried again ([`Error::is_retry_safe`]).
    pub retry_safe: bool,
    /// `invalid_input`: the path of the refused field, e.g. `templates[0].sessions[1].end`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// `invalid_input`: the refused value, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `invalid_input`: the problem's code, e.g. `unknown_time_zone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// `invalid_input`: the problem in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem_message: Option<String>,
    /// `not_found`, `invalid_transition`: the kind of record, e.g. `appointment`;
    /// `rate_limited`: the kind of key, `patient`, `phone` or `ip`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `not_found`, `invalid_transition`, `policy_violation`: the record's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `invalid_transition`, `policy_violation`: the refused action, e.g. `complete`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// `invalid_transition`: the record's status, e.g. `cancelled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// `slot_unavailable`: the doctor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doctor_id: Option<String>,
    /// `slot_unavailable`: the slot's start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<DateTime<Utc>>,
    /// `slot_unavailable`: why the slot cannot be had.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Unavailable>,
    /// `policy_violation`: the rule's code, e.g. `reschedule_limit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// `policy_violation`: the rule in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_message: Option<String>,
    /// `conflict`: the stream, e.g. `clinic-1/2026-03-02`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<String>,
    /// `conflict`: the version the writer decided on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<u64>,
    /// `conflict`: the stream's version in the store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<u64>,
    /// `rate_limited`: how long to wait, in milliseconds, rounded up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
    /// `rate_limited`: the first instant at which the same request would pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_at: Option<DateTime<Utc>>,
    /// `storage`: what kind of failure the host reported (its error's type), if it said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_kind: Option<String>,
    /// `storage`: what the adapter reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_message: Option<String>,
}

impl Error {
    /// The error as an [`ErrorReport`]: what bindings raise and vectors check.
    pub fn report(&self) -> ErrorReport {
        let mut report = ErrorReport {
            code: self.code().to_owned(),
            message: self.to_string(),
            retry_safe: self.is_retry_safe(),
            ..ErrorReport::default()
        };
        match self {
            Error::InvalidInput {
                field,
                value,
                problem,
            } => {
                report.field = Some(field.clone());
                report.value = Some(value.clone());
                report.problem = Some(problem.code().to_owned());
                report.problem_message = Some(problem.to_string());
            }
            Error::NotFound { kind, id } => {
                report.kind = Some((*kind).to_owned());
                report.id = Some(id.clone());
            }
            Error::SlotUnavailable {
                doctor_id,
                start,
                reason,
            } => {
                report.doctor_id = Some(doctor_id.to_string());
                report.start = Some(*start);
                report.reason = Some(reason.clone());
            }
            Error::InvalidTransition {
                kind,
                id,
                from,
                action,
            } => {
                report.kind = Some((*kind).to_owned());
                report.id = Some(id.clone());
                report.from = Some((*from).to_owned());
                report.action = Some((*action).to_owned());
            }
            Error::PolicyViolation { id, action, rule } => {
                report.id = Some(id.clone());
                report.action = Some((*action).to_owned());
                report.rule = Some(rule.code().to_owned());
                report.rule_message = Some(rule.to_string());
            }
            Error::Conflict {
                stream,
                expected,
                actual,
            } => {
                report.stream = Some(stream.clone());
                report.expected = Some(*expected);
                report.actual = Some(*actual);
            }
            Error::RateLimited {
                key_kind,
                retry_after_ms,
                retry_at,
            } => {
                report.kind = Some(key_kind.as_str().to_owned());
                report.retry_after_ms = Some(*retry_after_ms);
                report.retry_at = Some(*retry_at);
            }
            Error::Storage { kind, message, .. } => {
                report.storage_kind = (!kind.is_empty()).then(|| kind.clone());
                report.storage_message = Some(message.clone());
            }
        }
        report
    }
}
