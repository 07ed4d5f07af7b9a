//! What the service and stress tests share: a clinic with one doctor, a token queue, and
//! checks of what a store holds (no double booking, token numbers unique, the feed whole).
//!
//! Each test file compiles this module and uses part of it.
#![allow(dead_code, reason = "each test file uses a part of the shared support")]

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use medsched::booking::{BookRequest, DayBook, Schedule};
use medsched::store::{Actor, EventStore, StreamId};
use medsched::tokens::{Queue, QueueDay, QueueRules, TokenKind, TokenRequest, TokenSession};
use medsched::{AppointmentType, Clinic, DoctorCalendar, Location, Session, WeeklyTemplate};

pub const TENANT: &str = "clinic-1";
pub const MON: &str = "2026-03-02";
pub const TUE: &str = "2026-03-03";

pub fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("an RFC 3339 instant")
}

pub fn day(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

/// `hm` on `date`: Europe/London is on UTC in early March, so wall clock = UTC.
pub fn at(date: &str, hm: &str) -> DateTime<Utc> {
    t(&format!("{date}T{hm}:00Z"))
}

/// Sunday 08:00, before every slot.
pub fn now() -> DateTime<Utc> {
    at("2026-03-01", "08:00")
}

/// Dr A, Monday to Friday 09:00–12:00 at the main clinic: twelve 15-minute consults a day,
/// one patient at a time.
pub fn schedule(tenant: &str) -> Schedule {
    let clinic = Clinic {
        locations: vec![Location::new("main", "Main clinic", "Europe/London")],
        holidays: vec![],
    };
    let mut calendar = DoctorCalendar::new("dr-a");
    calendar.templates.push(WeeklyTemplate {
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
    let types = [AppointmentType::new("consult", 15)];
    Schedule::new(tenant, &clinic, &[calendar], &types).unwrap()
}

/// The slots of one day: 09:00, 09:15, ... 11:45.
pub fn slots(date: &str) -> Vec<DateTime<Utc>> {
    (0..12)
        .map(|i| at(date, &format!("{:02}:{:02}", 9 + i / 4, (i % 4) * 15)))
        .collect()
}

pub fn book_req(appointment_id: &str, patient: &str, start: DateTime<Utc>) -> BookRequest {
    BookRequest {
        appointment_id: appointment_id.into(),
        patient_id: patient.into(),
        doctor_id: "dr-a".into(),
        appointment_type_id: "consult".into(),
        start,
    }
}

pub fn patient(i: usize) -> Actor {
    Actor::patient(format!("pat-{i}"))
}

pub fn desk() -> Actor {
    Actor::staff("desk-1")
}

/// Dr A's token queue on Monday.
pub fn queue_day(tenant: &str) -> QueueDay {
    QueueDay::new(tenant, "dr-a", day(MON))
}

/// One session, 08:00–13:00 UTC, no limits.
pub fn queue_rules() -> QueueRules {
    QueueRules::new(vec![TokenSession::new(
        "morning",
        at(MON, "08:00"),
        at(MON, "13:00"),
    )])
}

/// When tokens are issued: inside the session.
pub fn token_now() -> DateTime<Utc> {
    at(MON, "08:30")
}

pub fn walk_in(id: &str, patient: &str) -> TokenRequest {
    TokenRequest::new(id, TokenKind::WalkIn, patient)
}

/// The day book of `date` as replayed from the store: no two appointments occupying one
/// slot of Dr A. Returns the ids of the appointments booked, by slot start.
pub fn check_day_book(
    store: &impl EventStore,
    tenant: &str,
    date: &str,
) -> BTreeMap<DateTime<Utc>, String> {
    let loaded = store.load(&StreamId::new(tenant, day(date))).unwrap();
    let book = DayBook::from_events(loaded.events);
    let mut by_start = BTreeMap::new();
    for appointment in book.appointments().iter().filter(|a| a.occupies()) {
        let previous = by_start.insert(appointment.slot.start, appointment.id.to_string());
        assert_eq!(
            previous, None,
            "double booking at {}: {previous:?} and {}",
            appointment.slot.start, appointment.id
        );
    }
    by_start
}

/// Dr A's Monday queue as replayed from the store: numbers 1..=n, each once. Returns the
/// token ids by number.
pub fn check_queue(store: &impl EventStore, tenant: &str) -> BTreeMap<u32, String> {
    let loaded = store.load(&queue_day(tenant).stream()).unwrap();
    let queue = Queue::from_events(loaded.events);
    let numbers: BTreeMap<u32, String> = queue
        .tokens()
        .iter()
        .map(|token| (token.number, token.id.to_string()))
        .collect();
    assert_eq!(
        numbers.len(),
        queue.tokens().len(),
        "a token number given twice"
    );
    let expected: BTreeSet<u32> = (1..=numbers.len() as u32).collect();
    assert_eq!(numbers.keys().copied().collect::<BTreeSet<_>>(), expected);
    numbers
}

/// The tenant's whole feed, paged: positions strictly increasing, each stream's versions
/// 1, 2, 3... in order, every entry the event its stream holds at that version, and every
/// event of those streams in the feed once. Returns how many entries it holds.
pub fn check_feed(store: &impl EventStore, tenant: &str) -> usize {
    let tenant = medsched::Id::from(tenant);
    let (mut after, mut entries) = (0, Vec::new());
    loop {
        let page = store.feed(&tenant, after, 37).unwrap();
        let Some(last) = page.last() else { break };
        after = last.position;
        entries.extend(page);
    }
    let mut versions: BTreeMap<StreamId, u64> = BTreeMap::new();
    let mut previous = 0;
    for entry in &entries {
        assert!(
            entry.position > previous,
            "positions must increase: {entry:?}"
        );
        previous = entry.position;
        let seen = versions.entry(entry.stream.clone()).or_default();
        assert_eq!(entry.version, *seen + 1, "{} out of order", entry.stream);
        *seen = entry.version;
    }
    for (stream, version) in &versions {
        let loaded = store.load(stream).unwrap();
        assert_eq!(
            loaded.version, *version,
            "{stream}: feed and stream disagree"
        );
        for entry in entries.iter().filter(|e| &e.stream == stream) {
            assert_eq!(entry.event, loaded.events[entry.version as usize - 1]);
        }
    }
    entries.len()
}
