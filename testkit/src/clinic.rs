//! A small clinic for an adapter's service tests and benches: one location, Dr A seeing one
//! patient at a time on weekday mornings, 15-minute consults, and a token queue, all on
//! Monday 2 March 2026. Europe/London is on UTC in early March, so its wall clock is UTC:
//! `at(MON, "09:00")` is both the first slot's local start and its instant.
//!
//! ```
//! use medsched::booking::Bookings;
//! use medsched::store::{Actor, InMemoryStore};
//! use medsched_testkit::clinic::{MON, at, book_request, now, schedule, slots};
//!
//! let schedule = schedule("clinic-1");
//! assert_eq!(slots(MON).len(), 12);
//! let bookings = Bookings::new(InMemoryStore::new());
//! let request = book_request("a-1", "pat-1", at(MON, "09:00"));
//! let booked = bookings.book(&schedule, &Actor::patient("pat-1"), now(), request)?;
//! assert_eq!(booked.slot.start, slots(MON)[0]);
//! # Ok::<(), medsched::Error>(())
//! ```

use medsched::booking::{BookRequest, Schedule};
use medsched::chrono::{DateTime, NaiveDate, Utc, Weekday};
use medsched::store::Actor;
use medsched::tokens::{QueueDay, QueueRules, TokenKind, TokenRequest, TokenSession};
use medsched::{AppointmentType, Clinic, DoctorCalendar, Location, Session, WeeklyTemplate};

/// The doctor of [`schedule`].
pub const DOCTOR: &str = "dr-a";
/// Monday 2 March 2026, the day the tests book.
pub const MON: &str = "2026-03-02";
/// Tuesday 3 March 2026.
pub const TUE: &str = "2026-03-03";

/// An RFC 3339 instant; panics on anything else (a test's own constant).
///
/// ```
/// assert_eq!(medsched_testkit::clinic::t("2026-03-02T09:00:00Z").timestamp(), 1_772_442_000);
/// ```
pub fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("an RFC 3339 instant")
}

/// A `YYYY-MM-DD` date; panics on anything else (a test's own constant).
///
/// ```
/// use medsched::chrono::Datelike;
/// assert_eq!(medsched_testkit::clinic::day("2026-03-02").day(), 2);
/// ```
pub fn day(s: &str) -> NaiveDate {
    s.parse().expect("a YYYY-MM-DD date")
}

/// `hm` (`HH:MM`) on `date` (`YYYY-MM-DD`), as UTC: the clinic's wall clock in March.
///
/// ```
/// use medsched_testkit::clinic::{MON, at, t};
/// assert_eq!(at(MON, "09:15"), t("2026-03-02T09:15:00Z"));
/// ```
pub fn at(date: &str, hm: &str) -> DateTime<Utc> {
    t(&format!("{date}T{hm}:00Z"))
}

/// Sunday 1 March 08:00, before every slot: the `now` of every booking.
///
/// ```
/// use medsched_testkit::clinic::{MON, at, now};
/// assert!(now() < at(MON, "09:00"));
/// ```
pub fn now() -> DateTime<Utc> {
    at("2026-03-01", "08:00")
}

/// The main clinic, in the IANA `zone`.
///
/// ```
/// assert_eq!(medsched_testkit::clinic::clinic_in("Etc/UTC").locations.len(), 1);
/// ```
pub fn clinic_in(zone: &str) -> Clinic {
    Clinic {
        locations: vec![Location::new("main", "Main clinic", zone)],
        holidays: vec![],
    }
}

/// `doctor_id` at the main clinic Monday to Friday 09:00–12:00, one patient at a time.
///
/// ```
/// let calendar = medsched_testkit::clinic::weekday_mornings("dr-b");
/// assert_eq!(calendar.templates[0].weekdays.len(), 5);
/// ```
pub fn weekday_mornings(doctor_id: &str) -> DoctorCalendar {
    let mut calendar = DoctorCalendar::new(doctor_id);
    calendar.templates.push(WeeklyTemplate {
        weekdays: vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ],
        sessions: vec![Session::new("09:00", "12:00").expect("a session")],
        ..WeeklyTemplate::new(format!("{doctor_id}-opd"), "main")
    });
    calendar
}

/// The consult: 15 minutes.
///
/// ```
/// assert_eq!(medsched_testkit::clinic::consult().id.as_str(), "consult");
/// ```
pub fn consult() -> AppointmentType {
    AppointmentType::new("consult", 15)
}

/// The tenant's schedule in Europe/London: Dr A's weekday mornings, twelve consults a day.
///
/// ```
/// let schedule = medsched_testkit::clinic::schedule("clinic-1");
/// assert_eq!(schedule.tenant().as_str(), "clinic-1");
/// ```
pub fn schedule(tenant: &str) -> Schedule {
    schedule_in(tenant, "Europe/London")
}

/// As [`schedule`], the clinic in the IANA `zone` (`Etc/UTC` keeps the wall clock UTC past
/// March, for a bench that books many weeks).
///
/// ```
/// let schedule = medsched_testkit::clinic::schedule_in("clinic-1", "Etc/UTC");
/// assert_eq!(schedule.tenant().as_str(), "clinic-1");
/// ```
pub fn schedule_in(tenant: &str, zone: &str) -> Schedule {
    Schedule::new(
        tenant,
        &clinic_in(zone),
        &[weekday_mornings(DOCTOR)],
        &[consult()],
    )
    .expect("a valid schedule")
}

/// The slots of a weekday `date`: 09:00, 09:15, ... 11:45.
///
/// ```
/// use medsched_testkit::clinic::{MON, at, slots};
/// assert_eq!(slots(MON).last(), Some(&at(MON, "11:45")));
/// ```
pub fn slots(date: &str) -> Vec<DateTime<Utc>> {
    (0..12)
        .map(|i| at(date, &format!("{:02}:{:02}", 9 + i / 4, (i % 4) * 15)))
        .collect()
}

/// A booking of a consult with Dr A.
///
/// ```
/// use medsched_testkit::clinic::{MON, at, book_request};
/// assert_eq!(book_request("a-1", "pat-1", at(MON, "09:00")).doctor_id.as_str(), "dr-a");
/// ```
pub fn book_request(appointment_id: &str, patient_id: &str, start: DateTime<Utc>) -> BookRequest {
    BookRequest {
        appointment_id: appointment_id.into(),
        patient_id: patient_id.into(),
        doctor_id: DOCTOR.into(),
        appointment_type_id: "consult".into(),
        start,
    }
}

/// The `i`th patient, `pat-{i}`, acting for themselves.
///
/// ```
/// assert_eq!(medsched_testkit::clinic::patient(7).id.as_str(), "pat-7");
/// ```
pub fn patient(i: usize) -> Actor {
    Actor::patient(format!("pat-{i}"))
}

/// The front desk, a staff member.
///
/// ```
/// assert_eq!(medsched_testkit::clinic::desk().id.as_str(), "desk-1");
/// ```
pub fn desk() -> Actor {
    Actor::staff("desk-1")
}

/// Dr A's token queue on Monday.
///
/// ```
/// assert_eq!(medsched_testkit::clinic::queue_day("clinic-1").doctor_id.as_str(), "dr-a");
/// ```
pub fn queue_day(tenant: &str) -> QueueDay {
    QueueDay::new(tenant, DOCTOR, day(MON))
}

/// One session on Monday, 08:00–13:00 UTC, no limits.
///
/// ```
/// assert_eq!(medsched_testkit::clinic::queue_rules().sessions.len(), 1);
/// ```
pub fn queue_rules() -> QueueRules {
    QueueRules::new(vec![TokenSession::new(
        "morning",
        at(MON, "08:00"),
        at(MON, "13:00"),
    )])
}

/// Monday 08:30, inside the session: when tokens are issued.
///
/// ```
/// use medsched_testkit::clinic::{MON, at, token_now};
/// assert_eq!(token_now(), at(MON, "08:30"));
/// ```
pub fn token_now() -> DateTime<Utc> {
    at(MON, "08:30")
}

/// A walk-in token request.
///
/// ```
/// assert_eq!(medsched_testkit::clinic::walk_in("tok-1", "pat-1").patient_id.as_str(), "pat-1");
/// ```
pub fn walk_in(token_id: &str, patient_id: &str) -> TokenRequest {
    TokenRequest::new(token_id, TokenKind::WalkIn, patient_id)
}
