//! # medsched
//!
//! An embeddable, I/O-free scheduling engine for clinics and hospitals. It decides when a
//! doctor can be booked, why not otherwise, and which slots a patient can take.
//!
//! medsched does no I/O and never reads the clock: every answer that depends on the present
//! takes `now` as an argument, so the same inputs always give the same answer.
//!
//! ```
//! use medsched::{booking::*, store::*, *};
//! use chrono::{DateTime, NaiveDate, Utc, Weekday};
//!
//! let clinic = ClinicRules::new(&Clinic {
//!     locations: vec![Location::new("kochi", "Kochi OPD", "Asia/Kolkata")],
//!     holidays: vec![Holiday::on("onam", "Onam", NaiveDate::from_ymd_opt(2026, 8, 26).unwrap())],
//! })?;
//! let mut calendar = DoctorCalendar::new("dr-asha");
//! calendar.templates.push(WeeklyTemplate {
//!     weekdays: vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri],
//!     sessions: vec![Session::new("09:00", "13:00")?, Session::new("16:00", "19:00")?],
//!     ..WeeklyTemplate::new("weekday-opd", "kochi")
//! });
//! let availability = Availability::new(&clinic, &calendar)?;
//!
//! // Why is Dr Asha closed on Onam at 10:00 local time (04:30 UTC)?
//! let why = availability.explain("2026-08-26T04:30:00Z".parse().unwrap())?;
//! assert_eq!(why.status, Status::Closed);
//! assert_eq!(why.rule, RuleKind::Holiday);
//! assert_eq!(why.overruled[0].id.as_str(), "weekday-opd");
//! # Ok::<(), medsched::Error>(())
//! ```
//!
//! ## Overview
//!
//! - [`Clinic`]: locations (each with an IANA time zone and rooms) and holidays, compiled
//!   once into [`ClinicRules`].
//! - [`DoctorCalendar`]: one doctor's weekly templates, date overrides, leave, emergencies
//!   and forced blocks, compiled into an [`Availability`].
//! - [`Availability::resolve`] and [`Availability::explain`]: open and closed time, each
//!   decision with its rule. Priority: forced block > emergency > leave > holiday >
//!   override > base; outside every rule the doctor is closed (see [`RuleKind`]).
//! - [`Availability::slots`] and [`first_available`]: bookable slots of an
//!   [`AppointmentType`] given an [`Occupancy`] (reservations, holds, busy times).
//! - [`Schedule`]: one tenant's compiled clinic, doctors and appointment types (with their
//!   [`BookingPolicy`]).
//! - [`Bookings`]: holds, bookings, reschedules, cancellations and the appointment lifecycle
//!   over an [`EventStore`] ([`InMemoryStore`] built in), with optimistic concurrency per
//!   tenant day book; [`decide`] is the pure decider behind it and [`DayBook`] the fold of a
//!   day's [`Event`]s. Also: the change feed, [`Collision`]s after a rule change, and
//!   [`Notification`]s as data.
//!
//! ## Time and DST
//!
//! Instants are UTC ([`chrono::DateTime<Utc>`]). Rules are local wall-clock times, read in
//! the time zone of their location. A local time `T` on date `D` is the **first instant at
//! which the wall clock shows `D T` or later**, so:
//!
//! - a session that spans the spring-forward gap keeps its wall-clock start and end and is
//!   shorter in elapsed time by the shift (an hour; 30 minutes at Lord Howe); a start or end
//!   *inside* the gap is the jump itself (New York, 2024-03-10: a 02:30 start is 03:00 EDT);
//! - a session that spans the autumn fold is longer by the shift; a time inside the fold is its
//!   first showing (New York, 2024-11-03: 01:30 is 01:30 EDT);
//! - a date that does not exist (Pacific/Apia, 2011-12-30) has no sessions.
//!
//! ## Errors
//!
//! Every refused input is an [`Error::InvalidInput`] naming the field (as a path such as
//! `templates[0].sessions[1].end`), the value, and the [`Problem`]. medsched never panics on
//! bad input.
#![deny(missing_docs)]

pub use chrono;
pub use chrono_tz;

mod availability;
pub mod booking;
mod calendar;
mod channel;
mod clinic;
mod error;
mod id;
mod slots;
pub mod store;
mod timeline;
pub mod tokens;
pub mod wait;

pub use availability::{Availability, ClinicRules, MAX_RANGE_DAYS};
pub use calendar::{
    ConsultationMode, DateOverride, DoctorCalendar, Hours, Leave, LeaveStatus, ModeCapacity,
    OverrideKind, Session, SessionSettings, Unavailability, WeeklyTemplate,
};
pub use clinic::{Clinic, Holiday, Location, Room};
pub use error::{Error, PolicyRule, Problem, Result, Unavailable};
pub use id::Id;
pub use slots::{
    Alignment, AppointmentType, BookingPolicy, BusyTime, MAX_SEARCH_COUNT, Occupancy, Place,
    Reservation, Slot, SlotOptions, SlotRequest, SlotSeries, UnavailableSlot, first_available,
};
pub use timeline::{Explanation, Interval, RuleKind, RuleRef, Status};

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
