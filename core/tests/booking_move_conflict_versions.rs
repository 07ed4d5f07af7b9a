//! The conflict a move to another day returns after voiding a copy in transit in its way
//! names the new day's stream at the version the copy was seen at, and the abort after it.
#![allow(dead_code)]
mod booking_support;

use std::sync::Mutex;

use booking_support::*;
use medsched::store::{Event, EventStore, FeedEntry, InMemoryStore, LoadedStream, StreamId};
use medsched::{Error, Id, Result, booking::Bookings};

/// Appends fail once `appends_left` reaches 0 (the process "died").
struct Dying {
    inner: InMemoryStore,
    appends_left: Mutex<Option<usize>>,
}

impl EventStore for Dying {
    fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
        self.inner.load(stream)
    }
    fn append(&self, stream: &StreamId, expected: u64, events: &[Event]) -> Result<u64> {
        let mut left = self.appends_left.lock().unwrap();
        match left.as_mut() {
            Some(0) => Err(Error::storage("the process died")),
            Some(n) => {
                *n -= 1;
                self.inner.append(stream, expected, events)
            }
            None => self.inner.append(stream, expected, events),
        }
    }
    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        self.inner.feed(tenant, after, limit)
    }
}

#[test]
fn the_conflict_after_voiding_a_copy_names_the_new_days_versions() {
    let schedule = schedule(TENANT);
    let bookings = Bookings::new(Dying {
        inner: InMemoryStore::new(),
        appends_left: Mutex::new(None),
    });
    // Monday gets three events, so its version (3) differs from Tuesday's.
    for (id, hm) in [("a-1", "09:00"), ("a-2", "10:00"), ("a-3", "11:00")] {
        bookings
            .book(
                &schedule,
                &staff(),
                now(),
                book_req(id, "pat-1", at(MON, hm)),
            )
            .unwrap();
    }
    // A move of a-1 to Tuesday dies after booking its copy there (Tuesday at version 1).
    *bookings.store().appends_left.lock().unwrap() = Some(1);
    let died = bookings.reschedule(
        &schedule,
        &staff(),
        now(),
        day(MON),
        "a-1",
        at(TUE, "10:00"),
    );
    assert!(matches!(died, Err(Error::Storage { .. })), "{died:?}");
    *bookings.store().appends_left.lock().unwrap() = None;

    // One attempt only: the move voids the dead copy and returns the conflict.
    let once = Bookings::new(bookings.store()).with_max_attempts(1);
    let refused = once
        .reschedule(
            &schedule,
            &staff(),
            now(),
            day(MON),
            "a-1",
            at(TUE, "11:00"),
        )
        .unwrap_err();
    let tue = StreamId::new(TENANT, day(TUE)).to_string();
    let tue_version = bookings
        .store()
        .load(&StreamId::new(TENANT, day(TUE)))
        .unwrap()
        .version;
    assert_eq!(tue_version, 2, "the copy, then its abort");
    assert_eq!(
        refused,
        Error::Conflict {
            stream: tue,
            expected: 1,
            actual: 2,
        }
    );
}
