//! The core's errors as the exceptions of Kotlin and Swift, and the errors an app's store
//! throws.

use std::time::SystemTime;

use medsched::{Error, Problem};

use crate::values::timestamp;

/// An error's report: the same fields, codes and message as Python's `MedschedError` and
/// the other bindings (the core's `ErrorReport`), plus its JSON.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ErrorReport {
    /// The stable code: `invalid_input`, `not_found`, `slot_unavailable`,
    /// `invalid_transition`, `policy_violation`, `conflict`, `rate_limited` or `storage`.
    pub code: String,
    /// The error's message, the same text in every language.
    pub message: String,
    /// Whether the same call may be tried again.
    pub retry_safe: bool,
    /// `invalid_input`: the path of the refused field, e.g. `templates[0].sessions[1].end`.
    pub field: Option<String>,
    /// `invalid_input`: the refused value, as text.
    pub value: Option<String>,
    /// `invalid_input`: the problem's code, e.g. `unknown_time_zone`.
    pub problem: Option<String>,
    /// `invalid_input`: the problem in words.
    pub problem_message: Option<String>,
    /// `not_found`, `invalid_transition`: the kind of record, e.g. `appointment`;
    /// `rate_limited`: the kind of key, `patient`, `phone` or `ip`.
    pub kind: Option<String>,
    /// `not_found`, `invalid_transition`, `policy_violation`: the record's id.
    pub id: Option<String>,
    /// `invalid_transition`, `policy_violation`: the refused action, e.g. `complete`.
    pub action: Option<String>,
    /// `invalid_transition`: the record's status, e.g. `cancelled`.
    pub from: Option<String>,
    /// `slot_unavailable`: the doctor.
    pub doctor_id: Option<String>,
    /// `slot_unavailable`: the slot's start.
    pub start: Option<SystemTime>,
    /// `slot_unavailable`: why the slot cannot be had, as the core's `Unavailable` JSON.
    pub reason_json: Option<String>,
    /// `policy_violation`: the rule's code, e.g. `reschedule_limit`.
    pub rule: Option<String>,
    /// `policy_violation`: the rule in words.
    pub rule_message: Option<String>,
    /// `conflict`: the stream, e.g. `clinic-1/2026-03-02`.
    pub stream: Option<String>,
    /// `conflict`: the version the writer decided on.
    pub expected: Option<u64>,
    /// `conflict`: the stream's version in the store.
    pub actual: Option<u64>,
    /// `rate_limited`: how long to wait, in milliseconds, rounded up.
    pub retry_after_ms: Option<u64>,
    /// `rate_limited`: the first instant at which the same request would pass.
    pub retry_at: Option<SystemTime>,
    /// `storage`: what kind of failure the store reported.
    pub storage_kind: Option<String>,
    /// `storage`: what the store reported.
    pub storage_message: Option<String>,
    /// The whole report as JSON (the `ErrorReport` of the JSON Schema).
    pub json: String,
}

/// Every failure of a call, by its stable code (Kotlin `MedschedException.InvalidInput`,
/// …; Swift `MedschedError.InvalidInput(report:)`, …). The message is the report's.
#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
pub enum MedschedError {
    /// `invalid_input`: an input field holds a value medsched refuses.
    #[error("{}", report.message)]
    InvalidInput {
        /// The report.
        report: ErrorReport,
    },
    /// `not_found`: a record the call names does not exist.
    #[error("{}", report.message)]
    NotFound {
        /// The report.
        report: ErrorReport,
    },
    /// `slot_unavailable`: the slot cannot be held or booked, and why.
    #[error("{}", report.message)]
    SlotUnavailable {
        /// The report.
        report: ErrorReport,
    },
    /// `invalid_transition`: the action is not allowed from the record's status.
    #[error("{}", report.message)]
    InvalidTransition {
        /// The report.
        report: ErrorReport,
    },
    /// `policy_violation`: the action breaks a booking policy.
    #[error("{}", report.message)]
    PolicyViolation {
        /// The report.
        report: ErrorReport,
    },
    /// `conflict`: another writer changed the stream first, retries exhausted.
    #[error("{}", report.message)]
    Conflict {
        /// The report.
        report: ErrorReport,
    },
    /// `rate_limited`: too many booking requests for one key; retry at `retry_at`.
    #[error("{}", report.message)]
    RateLimited {
        /// The report.
        report: ErrorReport,
    },
    /// `storage`: the store failed.
    #[error("{}", report.message)]
    Storage {
        /// The report.
        report: ErrorReport,
    },
}

/// What a call of this binding returns.
pub type Result<T> = std::result::Result<T, MedschedError>;

impl From<Error> for MedschedError {
    fn from(error: Error) -> Self {
        let core = error.report();
        let report = ErrorReport {
            code: core.code.clone(),
            message: core.message.clone(),
            retry_safe: core.retry_safe,
            field: core.field.clone(),
            value: core.value.clone(),
            problem: core.problem.clone(),
            problem_message: core.problem_message.clone(),
            kind: core.kind.clone(),
            id: core.id.clone(),
            action: core.action.clone(),
            from: core.from.clone(),
            doctor_id: core.doctor_id.clone(),
            start: core.start.map(timestamp),
            reason_json: core.reason.as_ref().map(medsched_facade::json::text),
            rule: core.rule.clone(),
            rule_message: core.rule_message.clone(),
            stream: core.stream.clone(),
            expected: core.expected,
            actual: core.actual,
            retry_after_ms: core.retry_after_ms,
            retry_at: core.retry_at.map(timestamp),
            storage_kind: core.storage_kind.clone(),
            storage_message: core.storage_message.clone(),
            json: medsched_facade::report_json(&error),
        };
        match report.code.as_str() {
            "invalid_input" => MedschedError::InvalidInput { report },
            "not_found" => MedschedError::NotFound { report },
            "slot_unavailable" => MedschedError::SlotUnavailable { report },
            "invalid_transition" => MedschedError::InvalidTransition { report },
            "policy_violation" => MedschedError::PolicyViolation { report },
            "conflict" => MedschedError::Conflict { report },
            "rate_limited" => MedschedError::RateLimited { report },
            _ => MedschedError::Storage { report },
        }
    }
}

#[uniffi::export]
impl MedschedError {
    /// The error's report, whatever its code (Kotlin `e.errorReport()`, Swift
    /// `error.errorReport()`).
    pub fn error_report(&self) -> ErrorReport {
        self.report().clone()
    }

    /// The stable code, e.g. `slot_unavailable`.
    pub fn code(&self) -> String {
        self.report().code.clone()
    }
}

impl MedschedError {
    /// The error's report.
    pub fn report(&self) -> &ErrorReport {
        match self {
            MedschedError::InvalidInput { report }
            | MedschedError::NotFound { report }
            | MedschedError::SlotUnavailable { report }
            | MedschedError::InvalidTransition { report }
            | MedschedError::PolicyViolation { report }
            | MedschedError::Conflict { report }
            | MedschedError::RateLimited { report }
            | MedschedError::Storage { report } => report,
        }
    }
}

/// What an app's [`AppStore`](crate::AppStore) throws (Kotlin `StoreException`, Swift
/// `StoreError`).
#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
pub enum StoreError {
    /// The stream is not at the version the writer expected: the services load it again and
    /// decide again.
    #[error("stream moved: expected version {expected}, found {actual}")]
    Conflict {
        /// The version the write expected.
        expected: u64,
        /// The stream's version in the store.
        actual: u64,
    },
    /// The store refuses a value (e.g. an event of another tenant).
    #[error("invalid {field} = {value:?}: {problem}")]
    Invalid {
        /// The refused field.
        field: String,
        /// The refused value.
        value: String,
        /// The problem's code (`tenant_mismatch`, …) or words.
        problem: String,
    },
    /// Anything else: the store's own failure, by kind (e.g. `SQLiteException`) and detail.
    #[error("{kind}: {detail}")]
    Failed {
        /// What kind of failure (the app's exception class).
        kind: String,
        /// What happened.
        detail: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for StoreError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> Self {
        StoreError::Failed {
            kind: "UnexpectedException".into(),
            detail: error.reason,
        }
    }
}

impl StoreError {
    /// The core's error for this failure of `method` on `stream`.
    pub fn into_core(self, method: &str, stream: String) -> Error {
        match self {
            StoreError::Conflict { expected, actual } => Error::Conflict {
                stream,
                expected,
                actual,
            },
            StoreError::Invalid {
                field,
                value,
                problem,
            } => Error::InvalidInput {
                field,
                value,
                problem: Problem::from_code(&problem, &problem),
            },
            StoreError::Failed { kind, detail } => Error::Storage {
                message: format!("{method}: {kind}: {detail}"),
                kind,
                source: None,
            },
        }
    }
}
