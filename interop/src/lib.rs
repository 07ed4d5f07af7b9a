//! # medsched-interop
//!
//! medsched's schedules in the formats hospitals and doctors already use, and back: pure
//! functions over the core's public types, with no I/O and no clock (`docs/INTEROP.md` has
//! the mapping tables).
//!
//! - **FHIR R4 out**: [`Export::to_fhir`] gives a [`fhir::Bundle`] of
//!   [`Schedule`](fhir::Schedule)s (one per doctor and location, with the planning
//!   horizon), [`Slot`](fhir::Slot)s and [`Appointment`](fhir::Appointment)s with ids that
//!   are the same at every export.
//! - **FHIR in**: [`read_fhir`] reads a Slot/Appointment bundle of another system as busy
//!   times and as appointments to import.
//! - **iCalendar out**: [`Export::to_ics`] gives a doctor's appointments, holds and open
//!   hours as `VEVENT`s in the doctor's zone (with its `VTIMEZONE`);
//!   [`Export::to_freebusy`] the same time as a `VFREEBUSY`.
//! - **iCalendar in**: [`read_ics`] reads an external calendar (`VEVENT`s with `RRULE`,
//!   `EXDATE`, `RECURRENCE-ID` and all-day events, or a `VFREEBUSY`) as
//!   [`BusyTime`](medsched::BusyTime)s.
//!
//! Every refusal is a [`medsched::Error::InvalidInput`] naming the field (a JSON path such
//! as `entry[2].resource.start`, or `line 7 DTSTART` for iCalendar) and the value; input
//! sizes are bounded by [`InteropLimits`].
//!
//! ```
//! use chrono::{DateTime, Utc};
//! use medsched_interop::{Export, IcsRead, read_ics};
//!
//! let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
//! // An empty day of Dr Asha's in Kochi: a bundle with nothing but her feed's shell.
//! let export = Export::new("dr-asha", chrono_tz::Asia::Kolkata, t("2026-03-02T00:00:00Z"),
//!     t("2026-03-03T00:00:00Z"), t("2026-03-01T06:00:00Z"));
//! assert_eq!(export.to_fhir()?.entry.len(), 0);
//! let ics = export.to_ics()?;
//! assert!(ics.contains("TZID:Asia/Kolkata"));
//!
//! // A doctor's own calendar read as busy time: a weekly clinic elsewhere, in its own zone.
//! let external = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:elsewhere\r\n\
//!     DTSTART;TZID=Asia/Kolkata:20260302T140000\r\nDTEND;TZID=Asia/Kolkata:20260302T170000\r\n\
//!     RRULE:FREQ=WEEKLY;COUNT=4\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
//! let busy = read_ics(external, &IcsRead::new(t("2026-03-01T00:00:00Z"),
//!     t("2026-03-15T00:00:00Z"), chrono_tz::UTC))?;
//! assert_eq!(busy.len(), 2);
//! assert_eq!(busy[0].start, t("2026-03-02T08:30:00Z"));
//! # Ok::<(), medsched::Error>(())
//! ```
#![deny(missing_docs)]

mod export;
pub mod fhir;
mod ics;
mod ids;
mod limits;

pub use export::{Export, TypedSlots};
pub use fhir::{FhirImport, ImportedAppointment, read_fhir};
pub use ics::{IcsRead, read_ics};
pub use limits::InteropLimits;
