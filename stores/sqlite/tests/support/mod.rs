//! What the service and stress tests share: the test kit's clinic (one doctor, a token
//! queue) and checks of what a store holds (no double booking, token numbers unique, the
//! feed whole).
//!
//! Each test file compiles this module and uses part of it.
#![allow(dead_code, reason = "each test file uses a part of the shared support")]

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use medsched::booking::DayBook;
use medsched::store::{EventStore, StreamId};
use medsched::tokens::Queue;

pub use medsched_testkit::clinic::*;

pub const TENANT: &str = "clinic-1";

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
