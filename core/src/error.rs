//! The one error type of medsched and its machine-readable codes.

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
    /// A range or value beyond what medsched computes.
    #[error("out of range: {0}")]
    OutOfRange(String),
}

impl Error {
    /// The stable, machine-readable code of this error (`"invalid_input"`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidInput { .. } => "invalid_input",
        }
    }

    /// The path of the refused field, for an [`Error::InvalidInput`].
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::InvalidInput { field, .. } => Some(field),
        }
    }

    /// The refused value as text, for an [`Error::InvalidInput`].
    pub fn value(&self) -> Option<&str> {
        match self {
            Error::InvalidInput { value, .. } => Some(value),
        }
    }

    /// What is wrong, for an [`Error::InvalidInput`].
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Error::InvalidInput { problem, .. } => Some(problem),
        }
    }

    /// Whether this error reports a refused input value.
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Error::InvalidInput { .. })
    }

    /// The same error with its field placed inside `prefix` (e.g. `doctors[3]`).
    #[cold]
    pub(crate) fn within(self, prefix: &str) -> Error {
        match self {
            Error::InvalidInput {
                field,
                value,
                problem,
            } => Error::InvalidInput {
                field: format!("{prefix}.{field}"),
                value,
                problem,
            },
        }
    }

    #[cold]
    pub(crate) fn invalid(
        field: impl Into<String>,
        value: impl std::fmt::Display,
        problem: Problem,
    ) -> Error {
        Error::InvalidInput {
            field: field.into(),
            value: value.to_string(),
            problem,
        }
    }
}

impl Problem {
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
        }
    }
}

/// `Result` with medsched's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
