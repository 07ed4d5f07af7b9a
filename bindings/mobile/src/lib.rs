//! # medsched-mobile
//!
//! The mobile binding of medsched, made with UniFFI (proc-macros, no UDL): Kotlin for
//! Android (package `org.medsched`) and Swift for iOS (module `Medsched`), generated from
//! the built library by the pinned `uniffi-bindgen` member. It converts only: every rule
//! lives in `medsched`, what bindings share in `medsched-facade`.
//!
//! - Instants are UniFFI timestamps (`java.time.Instant`, Swift `Date`), durations UniFFI
//!   durations (`java.time.Duration`, `TimeInterval`); dates (`2026-03-02`) and zones (IANA
//!   names) are text, refused with an `invalid_input` error naming the argument.
//! - The core's records cross as their JSON (the shared form every binding and the JSON
//!   Schema use); slots and wait estimates also come as native records.
//! - Every failure is a [`MedschedError`] (Kotlin `MedschedException`) of the error's stable
//!   code, carrying the full [`ErrorReport`].
//! - Services run over a [`Store`]: the in-memory store, a SQLite file, or the app's own
//!   storage implementing [`AppStore`].

// The error crosses the FFI by value, as UniFFI lowers it, once per failed call; its report
// is what every language's exception carries, so it is not boxed.
#![allow(clippy::result_large_err)]
#![deny(missing_docs)]

mod analytics;
mod bookings;
#[cfg(feature = "checks")]
mod checks;
mod clinic_ops;
mod error;
mod interop;
mod resources;
mod schedule;
mod store;
mod tokens;
mod values;

pub use analytics::{Analytics, calibration_svg, queue_svg, report_csv, week_svg};
pub use bookings::{BookingResult, Bookings, DayBookView};
#[cfg(feature = "checks")]
pub use checks::check_store;
pub use clinic_ops::{RateLimiter, check_rate, evaluate_bookability, score_bookability};
pub use error::{ErrorReport, MedschedError, StoreError};
pub use interop::{fhir_bundle, fhir_slot_search, freebusy, ics_feed, read_fhir, read_ics};
pub use resources::first_available_series;
pub use schedule::{
    Availability, ClinicRules, DoctorOccupancy, Schedule, Slot, SlotSeries, first_available,
};
pub use store::{AppStore, Store, StreamKey};
pub use tokens::{Queue, QueueUpdate, Tokens, WaitEstimate, estimate_waits, history_from_days};

uniffi::setup_scaffolding!("medsched");
