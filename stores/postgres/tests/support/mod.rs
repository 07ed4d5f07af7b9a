//! What every PostgreSQL test needs: the server's URL (from scripts/with-postgres.sh), a
//! migrated store, and the clinic the service tests book in.
#![allow(dead_code, reason = "each test file uses a part of the support module")]

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use medsched::booking::{BookRequest, Schedule};
use medsched::tokens::{QueueDay, QueueRules, TokenSession};
use medsched::{AppointmentType, Clinic, DoctorCalendar, Location, Session, WeeklyTemplate};
use medsched_postgres::{AsyncPgStore, PgOptions, PgStore};

/// The server to test against: `MEDSCHED_PG_URL`, set by scripts/with-postgres.sh. Without
/// it the test fails, unless `MEDSCHED_PG_SKIP=1` says to skip it (never in CI): then `None`,
/// and the test says it skipped.
pub fn url() -> Option<String> {
    if let Ok(url) = std::env::var("MEDSCHED_PG_URL") {
        return Some(url);
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    if !ci && std::env::var("MEDSCHED_PG_SKIP").as_deref() == Ok("1") {
        eprintln!("SKIPPED: MEDSCHED_PG_URL is unset and MEDSCHED_PG_SKIP=1");
        return None;
    }
    panic!(
        "MEDSCHED_PG_URL is unset: run the PostgreSQL tests under scripts/with-postgres.sh \
         (bash scripts/with-postgres.sh cargo test -p medsched-postgres), or set \
         MEDSCHED_PG_SKIP=1 to skip them locally (never in CI)"
    );
}

/// A sync store on the test server, migrated, with `connections` at most.
pub fn store(url: &str, connections: usize) -> PgStore {
    let options = PgOptions::new(url).unwrap().max_connections(connections);
    let store = PgStore::with_options(options).unwrap();
    store.migrate().unwrap();
    store
}

/// An async store on the test server, migrated.
pub async fn async_store(url: &str, connections: usize) -> AsyncPgStore {
    let options = PgOptions::new(url).unwrap().max_connections(connections);
    let store = AsyncPgStore::with_options(options).await.unwrap();
    store.migrate().await.unwrap();
    store
}

/// A tenant no other test or run uses.
pub fn tenant(name: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{name}-{:x}-{nanos:x}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Monday 2 March 2026, the day every test books.
pub fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

/// The clinic in Europe/London (UTC in early March) with Dr A seeing one patient at a time,
/// weekdays 09:00–12:00, 15-minute consults: 12 slots a day.
pub fn schedule(tenant: &str) -> Schedule {
    let clinic = Clinic {
        locations: vec![Location::new("main", "Main clinic", "Europe/London")],
        holidays: vec![],
    };
    let mut dr_a = DoctorCalendar::new("dr-a");
    dr_a.templates.push(WeeklyTemplate {
        weekdays: vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ],
        sessions: vec![Session::new("09:00", "12:00").unwrap()],
        ..WeeklyTemplate::new("dr-a-opd", "main")
    });
    Schedule::new(
        tenant,
        &clinic,
        &[dr_a],
        &[AppointmentType::new("consult", 15)],
    )
    .unwrap()
}

/// The slots of Monday: 09:00, 09:15, ... 11:45.
pub fn slots() -> Vec<DateTime<Utc>> {
    (0..12)
        .map(|i| {
            t(&format!(
                "2026-03-02T{:02}:{:02}:00Z",
                9 + i / 4,
                15 * (i % 4)
            ))
        })
        .collect()
}

/// Sunday 08:00: the `now` of every booking.
pub fn now() -> DateTime<Utc> {
    t("2026-03-01T08:00:00Z")
}

/// A booking of a consult with Dr A.
pub fn book(appointment_id: &str, patient: &str, start: DateTime<Utc>) -> BookRequest {
    BookRequest {
        appointment_id: appointment_id.into(),
        patient_id: patient.into(),
        doctor_id: "dr-a".into(),
        appointment_type_id: "consult".into(),
        start,
    }
}

/// Dr Asha's token queue on Monday.
pub fn queue_day(tenant: &str) -> QueueDay {
    QueueDay::new(tenant, "dr-asha", monday())
}

/// One long session, no limits.
pub fn queue_rules() -> QueueRules {
    QueueRules::new(vec![TokenSession::new(
        "morning",
        t("2026-03-02T03:30:00Z"),
        t("2026-03-02T13:30:00Z"),
    )])
}

/// The `now` of every token issued.
pub fn queue_now() -> DateTime<Utc> {
    t("2026-03-02T03:40:00Z")
}
