//! Moves to another day racing other writers, landed deterministically: a store runs another
//! writer right after a chosen append, while the first writer is between the two steps of its
//! move. Whatever lands in between, afterwards the appointment has exactly one record that
//! occupies a slot (none once cancelled), every day it was ever on leads to that record, and
//! no change reported as done is lost.

mod booking_support;

use std::sync::{Arc, Mutex};

use booking_support::*;
use medsched::{
    AppointmentStatus, Bookings, Change, Error, Event, EventStore, FeedEntry, Id, InMemoryStore,
    LoadedStream, Result, Schedule, StreamId,
};

type Pred = Box<dyn Fn(&StreamId, &[Event]) -> bool + Send>;
type Act = Box<dyn FnOnce(Bookings<Hooked>) + Send>;

/// An in-memory store that runs an action (another writer, on the same store) right after
/// the first append its predicate matches.
#[derive(Clone, Default)]
struct Hooked {
    inner: Arc<InMemoryStore>,
    after_append: Arc<Mutex<Vec<(Pred, Act)>>>,
}

impl Hooked {
    fn after(
        &self,
        matches: impl Fn(&StreamId, &[Event]) -> bool + Send + 'static,
        act: impl FnOnce(Bookings<Hooked>) + Send + 'static,
    ) {
        let mut hooks = self.after_append.lock().unwrap();
        hooks.push((Box::new(matches), Box::new(act)));
    }
}

impl EventStore for Hooked {
    fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
        self.inner.load(stream)
    }

    fn append(&self, stream: &StreamId, expected: u64, events: &[Event]) -> Result<u64> {
        let version = self.inner.append(stream, expected, events)?;
        let act = {
            let mut hooks = self.after_append.lock().unwrap();
            let i = hooks
                .iter()
                .position(|(matches, _)| matches(stream, events));
            i.map(|i| hooks.remove(i).1)
        };
        if let Some(act) = act {
            act(Bookings::new(self.clone()));
        }
        Ok(version)
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        self.inner.feed(tenant, after, limit)
    }
}

/// The append of a move's copy on `date` (the first step of a move there).
fn copy_lands_on(date: &'static str) -> impl Fn(&StreamId, &[Event]) -> bool {
    move |stream, events| {
        stream.date == day(date)
            && events.iter().any(|e| {
                matches!(&e.change, Change::AppointmentBooked { appointment }
                    if appointment.moved_from.is_some())
            })
    }
}

/// `a-1` booked for `pat-1` at 09:00 on `date`.
fn booked_on(date: &str) -> (Bookings<Hooked>, Schedule, Hooked) {
    let schedule = schedule(TENANT);
    let store = Hooked::default();
    let bookings = Bookings::new(store.clone());
    bookings
        .book(
            &schedule,
            &pat1(),
            now(),
            book_req("a-1", "pat-1", at(date, "09:00")),
        )
        .unwrap();
    (bookings, schedule, store)
}

/// The records of `a-1` that occupy a slot, over Monday to Wednesday; and a check that a
/// lookup from every day holding a record of it finds the same current record.
fn settled(bookings: &Bookings<Hooked>, schedule: &Schedule) -> Vec<medsched::Appointment> {
    let mut live = Vec::new();
    let mut found = Vec::new();
    for date in [MON, TUE, WED] {
        let book = bookings.day(schedule, day(date)).unwrap();
        if let Some(record) = book.appointment("a-1") {
            if record.occupies() {
                live.push(record.clone());
            }
            found.push(bookings.appointment(schedule, day(date), "a-1").unwrap());
        }
    }
    assert!(
        found.windows(2).all(|w| w[0] == w[1]),
        "every day leads to one record: {found:?}"
    );
    live
}

fn mover(
    bookings: Bookings<Hooked>,
    from: &str,
    to: (&str, &str),
) -> Result<medsched::Appointment> {
    let schedule = schedule(TENANT);
    bookings.reschedule(&schedule, &pat1(), now(), day(from), "a-1", at(to.0, to.1))
}

#[test]
fn a_move_that_loses_to_another_move_of_the_same_appointment_retries_and_both_land() {
    let (bookings, schedule, store) = booked_on(MON);
    store.after(copy_lands_on(TUE), |other| {
        let moved = mover(other, MON, (TUE, "11:00")).unwrap();
        assert_eq!(moved.slot.start, at(TUE, "11:00"));
    });
    let moved = mover(bookings.clone_handle(), MON, (TUE, "10:00")).unwrap();
    assert_eq!(moved.slot.start, at(TUE, "10:00"), "the later request wins");
    let live = settled(&bookings, &schedule);
    assert_eq!(live, [moved]);
}

#[test]
fn the_repair_sweep_meeting_a_return_trip_in_progress_keeps_the_real_record() {
    let (bookings, schedule, store) = booked_on(TUE);
    let back = mover(bookings.clone_handle(), TUE, (MON, "09:00")).unwrap();
    assert_eq!(back.book_date, day(MON));
    store.after(copy_lands_on(TUE), |other| {
        let rules = booking_support::schedule(TENANT);
        let voided = other
            .void_unfinished_moves(&rules, &staff(), now(), day(MON)..=day(TUE))
            .unwrap();
        assert_eq!(voided.len(), 1, "only the copy in transit is voided");
        assert_eq!(voided[0].book_date, day(TUE));
    });
    let moved = mover(bookings.clone_handle(), MON, (TUE, "10:00")).unwrap();
    assert_eq!(
        moved.book_date,
        day(TUE),
        "the interrupted move read again and landed"
    );
    assert_eq!(settled(&bookings, &schedule), [moved]);
}

#[test]
fn a_cancellation_sent_to_the_day_of_a_copy_in_transit_is_kept() {
    let (bookings, schedule, store) = booked_on(MON);
    store.after(copy_lands_on(TUE), |other| {
        let rules = booking_support::schedule(TENANT);
        let cancelled = other
            .cancel(&rules, &staff(), now(), day(TUE), "a-1", None)
            .unwrap();
        assert_eq!(
            cancelled.book_date,
            day(MON),
            "the copy is not the appointment yet"
        );
        assert_eq!(cancelled.status, AppointmentStatus::Cancelled);
    });
    let refused = mover(bookings.clone_handle(), MON, (TUE, "10:00")).unwrap_err();
    assert!(
        matches!(
            refused,
            Error::InvalidTransition {
                from: "cancelled",
                ..
            }
        ),
        "{refused:?}"
    );
    assert!(
        settled(&bookings, &schedule).is_empty(),
        "cancelled: no slot held"
    );
    let found = bookings.appointment(&schedule, day(TUE), "a-1").unwrap();
    assert_eq!(found.status, AppointmentStatus::Cancelled);
}

#[test]
fn a_copy_in_transit_from_another_day_does_not_block_a_move() {
    let (bookings, schedule, store) = booked_on(MON);
    store.after(copy_lands_on(TUE), |other| {
        let wed = mover(other.clone_handle(), MON, (WED, "11:30")).unwrap();
        assert_eq!(wed.book_date, day(WED));
        let tue = mover(other, WED, (TUE, "11:00")).unwrap();
        assert_eq!(tue.book_date, day(TUE), "the copy from Monday was voided");
    });
    let moved = mover(bookings.clone_handle(), MON, (TUE, "10:00")).unwrap();
    assert_eq!(moved.slot.start, at(TUE, "10:00"));
    assert_eq!(settled(&bookings, &schedule), [moved]);
}

/// A second handle on the same store.
trait CloneHandle {
    fn clone_handle(&self) -> Self;
}

impl CloneHandle for Bookings<Hooked> {
    fn clone_handle(&self) -> Self {
        Bookings::new(self.store().clone())
    }
}
