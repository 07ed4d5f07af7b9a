//! # medsched-facade
//!
//! What every binding of medsched (Python through PyO3, Node through napi-rs, Android and
//! iOS through UniFFI) needs beyond converting its own types, written once: a binding only
//! turns its language's values into these calls and this crate's errors into its own
//! exceptions.
//!
//! - [`json`]: the core's records in and out as JSON text, a refused value named by its
//!   field path; [`values`]: instants, dates and zones from text, with typed errors;
//!   [`report_json`]: an error as its [`ErrorReport`](medsched::ErrorReport) JSON.
//! - [`interop`]: FHIR R4 and iCalendar in and out, JSON and text in, JSON and text out.
//! - [`ScheduleHandle`]: a tenant's schedule that can be swapped while in use;
//!   [`occupancy`]: what is taken, as given or prepared, and the searches over either;
//!   [`resources`]: clinic rules with their roster, and slot searches over several
//!   resources (a doctor with other clinicians and equipment).
//! - [`AppointmentAction`] and [`EstimatorChoice`]: the actions and estimators a binding
//!   chooses by name.
//! - [`HostStore`] / [`AsyncHostStore`]: a store written in the host's language that speaks
//!   JSON text, made a core store by [`JsonStore`] / [`AsyncJsonStore`]; [`SharedStore`]: the
//!   in-memory store or a host's, as the services take it (and as a
//!   [`RateLimitStore`](medsched::rate_limit::RateLimitStore) when native).
//!
//! Layers: `medsched` (every rule) → this crate (no rule, no language) → the bindings
//! (conversion only).
//!
//! ```
//! use medsched_facade::{AppointmentAction, EstimatorChoice, json, values};
//!
//! let day = values::date("book_date", "2026-03-02")?;
//! assert_eq!(day.to_string(), "2026-03-02");
//! let refused = values::instant("now", "yesterday").unwrap_err();
//! assert_eq!(refused.report().field.as_deref(), Some("now"));
//! assert_eq!(AppointmentAction::from_name("mark_no_show")?, AppointmentAction::MarkNoShow);
//! assert!(EstimatorChoice::from_name("queue", None, None).is_ok());
//! let rules: medsched::Clinic = json::parse("clinic", r#"{"locations": []}"#)?;
//! assert!(rules.locations.is_empty());
//! # Ok::<(), medsched::Error>(())
//! ```
#![deny(missing_docs)]

mod action;
mod estimator;
mod host_store;
pub mod interop;
pub mod json;
pub mod occupancy;
mod rate_store;
pub mod resources;
mod schedule;
pub mod values;

pub use action::AppointmentAction;
pub use estimator::EstimatorChoice;
pub use host_store::{AsyncHostStore, AsyncJsonStore, HostStore, JsonStore, SharedStore};
pub use rate_store::rate_limiter;
pub use schedule::ScheduleHandle;

/// An error as its [`ErrorReport`](medsched::ErrorReport) in JSON: what a binding hands to
/// its exception classes, the same fields in every language.
///
/// ```
/// let error = medsched_facade::values::date("first", "2026-02-30").unwrap_err();
/// let report: serde_json::Value =
///     serde_json::from_str(&medsched_facade::report_json(&error)).unwrap();
/// assert_eq!(report["code"], "invalid_input");
/// assert_eq!(report["field"], "first");
/// ```
pub fn report_json(error: &medsched::Error) -> String {
    json::text(&error.report())
}
