//! # medsched
//!
//! An embeddable, I/O-free scheduling engine for clinics and hospitals. It decides when a
//! doctor can be booked, why not otherwise, and which slots a patient can take; it books
//! them, event-sourced over a storage trait you can implement over your own database; and it
//! runs the outpatient token queue and estimates waits.
//!
//! medsched does no I/O and never reads the clock: every answer that depends on the present
//! takes `now` as an argument, so the same inputs always give the same answer.
//!
//! ## Where things are
//!
//! Read the root first, then [`booking`]; [`tokens`] and [`wait`] when you run a token desk;
//! [`store`] when you write a storage adapter or test a decider.
//!
//! - **The root** (`medsched::`): rules, availability and slots, and what every namespace
//!   shares. [`Clinic`] (locations with an IANA time zone and [`Room`]s, [`Holiday`]s) and
//!   [`DoctorCalendar`] ([`WeeklyTemplate`]s of [`Session`]s, [`DateOverride`]s, [`Leave`],
//!   [`Unavailability`]) compile into [`ClinicRules`] and an [`Availability`], which answers
//!   [`resolve`](Availability::resolve) and [`explain`](Availability::explain) (open and
//!   closed time, each decision with its [`RuleKind`]) and [`slots`](Availability::slots)
//!   (the bookable slots of an [`AppointmentType`], with its [`BookingPolicy`], given an
//!   [`Occupancy`]); [`first_available`] searches many doctors. Also [`Error`], [`Problem`],
//!   [`PolicyRule`], [`Unavailable`], [`Result`] and [`Id`].
//! - **[`rate_limit`]**: booking rate limits per patient, phone number and client address:
//!   the pure GCRA [`check`](rate_limit::check), the
//!   [`RateLimitStore`](rate_limit::RateLimitStore) that shares its state between app
//!   servers, and the [`RateLimiter`](rate_limit::RateLimiter) over it.
//! - **[`bookability`]**: whether a doctor shows in search and can be booked, from ten
//!   preconditions with reasons and a score ([`bookability::evaluate`]).
//! - **[`store`]**, the kernel: [`Event`](store::Event)s with their
//!   [`Actor`](store::Actor) and [`Change`](store::Change), the [`StreamId`](store::StreamId)s
//!   they live in, the storage traits adapters implement (sync
//!   [`EventStore`](store::EventStore), async [`AsyncEventStore`](store::AsyncEventStore),
//!   with their contract), [`Blocking`](store::Blocking) and
//!   [`DynAsyncEventStore`](store::DynAsyncEventStore), the embedded
//!   [`InMemoryStore`](store::InMemoryStore), and the [`Decider`](store::Decider) trait
//!   (fold + decide) that the day book and the token queue implement.
//! - **[`booking`]**: holds, bookings and the appointment lifecycle.
//!   [`Schedule`](booking::Schedule) is one tenant's compiled rules;
//!   [`Bookings`](booking::Bookings) loads a day book, decides, appends and retries;
//!   [`DayBook`](booking::DayBook) is the fold of a day's events and
//!   [`decide`](booking::decide) the pure decider behind it. Also the change feed,
//!   [`Collision`](booking::Collision)s after a rule change and
//!   [`Notification`](booking::Notification)s as data. `booking::AsyncBookings` has the same
//!   methods as `async fn`s, over an [`AsyncEventStore`](store::AsyncEventStore).
//! - **[`tokens`]**: outpatient token queues per doctor and day.
//!   [`Tokens`](tokens::Tokens) is the service (`tokens::AsyncTokens` its async twin),
//!   [`Queue`](tokens::Queue) the fold, [`tokens::decide`] the decider (with
//!   [`tokens::Context`]), [`QueueRules`](tokens::QueueRules) the day's sessions and limits,
//!   [`tokens::notifications`] what to tell whom.
//! - **[`wait`]**: wait estimates for a token line: [`QueueEstimator`](wait::QueueEstimator)
//!   and the baseline [`MovingAverageEstimator`](wait::MovingAverageEstimator) over a
//!   [`QueueSnapshot`](wait::QueueSnapshot) and a [`DoctorHistory`](wait::DoctorHistory).
//!
//! - **[`analytics`]**: an [`Analytics`](analytics::Analytics) fold over the change feed
//!   (utilisation, no-show, late and cancellation rates, lead times, peak hours, consults and
//!   waits, the wait estimator's calibration, token volumes, search-to-booking conversion),
//!   its [`Report`](analytics::Report) as records and CSV.
//! - **[`pictures`]**: SVG text of a doctor's week, a day's token queue and the wait
//!   calibration.
//!
//! Each namespace uses only those listed before it (the root's modules first), so a
//! storage adapter depends on [`store`] and the root, never on the services.
//!
//! ## A clinic day, end to end
//!
//! Rules → availability → slots → a hold and a booking → a token for the appointment.
//!
//! ```
//! use chrono::{DateTime, Utc, Weekday};
//! use medsched::booking::{AppointmentStatus, BookRequest, Bookings, HoldRequest, Schedule};
//! use medsched::store::{Actor, InMemoryStore};
//! use medsched::tokens::{QueueRules, TokenKind, TokenSession, Tokens};
//! use medsched::{
//!     AppointmentType, Availability, Clinic, ClinicRules, DoctorCalendar, Error, Location,
//!     Occupancy, RuleKind, Session, SlotOptions, SlotRequest, Status, Unavailable,
//!     WeeklyTemplate,
//! };
//!
//! let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
//!
//! // 1. Rules: a clinic in Kochi, Dr Asha's weekday mornings there, a 15-minute consult.
//! let clinic = Clinic {
//!     locations: vec![Location::new("kochi", "Kochi OPD", "Asia/Kolkata")],
//!     holidays: vec![],
//! };
//! let mut calendar = DoctorCalendar::new("dr-asha");
//! calendar.templates.push(WeeklyTemplate {
//!     weekdays: vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri],
//!     sessions: vec![Session::new("09:00", "13:00")?],
//!     ..WeeklyTemplate::new("weekday-opd", "kochi")
//! });
//! let consult = AppointmentType::new("consult", 15);
//!
//! // 2. Availability: validated and compiled once, then only read.
//! let asha = Availability::new(&ClinicRules::new(&clinic)?, &calendar)?;
//! let why = asha.explain(t("2026-03-01T04:30:00Z"))?; // Sunday, 10:00 in Kochi
//! assert_eq!((why.status, why.rule), (Status::Closed, RuleKind::OutsideHours));
//!
//! // 3. Slots: Monday 2 March, as a patient sees them on Sunday.
//! let now = t("2026-03-01T06:00:00Z");
//! let request = SlotRequest {
//!     appointment_type: consult.clone(),
//!     start: t("2026-03-02T00:00:00Z"),
//!     end: t("2026-03-03T00:00:00Z"),
//!     now,
//! };
//! let series = asha.slots(&request, &Occupancy::default(), SlotOptions::default())?;
//! assert_eq!(series.slots.len(), 16); // 09:00 to 13:00
//! let first = series.slots[0].start;
//! assert_eq!(first, t("2026-03-02T03:30:00Z")); // 09:00 in Kochi
//!
//! // 4. A hold, then a booking, through the booking service over the in-memory store.
//! let schedule = Schedule::new("kochi-clinic", &clinic, &[calendar], &[consult])?;
//! let store = InMemoryStore::new();
//! let bookings = Bookings::new(&store);
//! let patient = Actor::patient("pat-42");
//! let hold = bookings.hold(&schedule, &patient, now, HoldRequest {
//!     hold_id: "hold-1".into(),
//!     patient_id: "pat-42".into(),
//!     doctor_id: "dr-asha".into(),
//!     appointment_type_id: "consult".into(),
//!     start: first,
//!     minutes: None,
//! })?;
//! // While the hold lasts nobody else can book the slot, and the refusal says why.
//! let taken = bookings.book(&schedule, &Actor::patient("pat-7"), now, BookRequest {
//!     appointment_id: "appt-7".into(),
//!     patient_id: "pat-7".into(),
//!     doctor_id: "dr-asha".into(),
//!     appointment_type_id: "consult".into(),
//!     start: first,
//! });
//! assert!(matches!(taken, Err(Error::SlotUnavailable { reason: Unavailable::Held, .. })));
//! let appointment =
//!     bookings.book_hold(&schedule, &patient, now, hold.book_date, "hold-1", "appt-1")?;
//! assert_eq!(appointment.status, AppointmentStatus::Confirmed);
//!
//! // 5. On the day, the appointment's booked token in Dr Asha's queue, same store.
//! let rules = QueueRules::new(vec![TokenSession::new(
//!     "morning",
//!     t("2026-03-02T03:30:00Z"),
//!     t("2026-03-02T07:30:00Z"),
//! )]);
//! let tokens = Tokens::new(&store);
//! let desk = Actor::staff("reception-1");
//! let on_the_day = t("2026-03-02T03:00:00Z");
//! let update = tokens.issue_for_appointment(&schedule, &rules, &desk, on_the_day, &appointment)?;
//! let token = update.token.expect("the token issued");
//! assert_eq!((token.number, token.kind), (1, TokenKind::Booked));
//! assert_eq!(token.expected_at, Some(first));
//! assert_eq!(update.queue.position(1), Some(1));
//!
//! // One store, one change feed per tenant: bookings and tokens alike.
//! let feed = bookings.feed(&schedule, 0, 100)?;
//! let topics: Vec<_> = feed.iter().map(|e| e.event.change.topic()).collect();
//! assert_eq!(topics, ["hold_created", "slot_booked", "queue_updated"]);
//! # Ok::<(), medsched::Error>(())
//! ```
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

pub mod analytics;
mod availability;
pub mod bookability;
pub mod booking;
mod booking_limits;
mod calendar;
mod channel;
mod clinic;
mod error;
mod id;
mod json_text;
mod limit_key;
mod limits;
pub mod pictures;
pub mod rate_limit;
#[cfg(feature = "schema")]
pub mod schema;
mod slots;
pub mod store;
mod timeline;
pub mod tokens;
pub mod wait;

pub use availability::{Availability, ClinicRules, MAX_RANGE_DAYS, ResolveOptions};
pub use booking_limits::{BookingLimitKind, BookingLimits};
pub use calendar::{
    ConsultationMode, DateOverride, DoctorCalendar, Hours, Leave, LeaveStatus, ModeCapacity,
    OverrideKind, Session, SessionSettings, Unavailability, WeeklyTemplate,
};
pub use clinic::{Clinic, Holiday, Location, Room};
pub use error::{Error, ErrorReport, HostError, PolicyRule, Problem, Result, Unavailable};
pub use id::Id;
pub use limits::Limits;
pub use slots::{
    Alignment, AppointmentType, BookingPolicy, BusyTime, CompactSlot, MAX_RESOURCES,
    MAX_SEARCH_COUNT, Occupancy, Place, PreparedOccupancy, Reservation, ResourceNeed, Slot,
    SlotOptions, SlotPlace, SlotRequest, SlotSeries, SlotSet, SlotsJson, UnavailableSlot,
    first_available, first_available_prepared, first_available_prepared_series,
    first_available_series,
};
pub use timeline::{Explanation, Interval, RuleKind, RuleRef, Status};

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
