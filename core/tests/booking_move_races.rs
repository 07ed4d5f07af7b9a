//! Moves to another day interrupted: another writer landed deterministically between the two
//! steps of a move (a store runs it right after a chosen append), or the mover dying between
//! them. Whatever happens in between, afterwards the appointment has exactly one record that
//! occupies a slot (none once cancelled; both while a dead mover's copy awaits repair), every
//! day it was ever on leads to that record, and no change reported as done is lost.

mod booking_support;

use std::sync::{Arc, Mutex};

use booking_support::*;
use medsched::{
    Error, Id, Result, booking::AppointmentStatus, booking::Bookings, booking::Schedule,
    store::Change, store::Event, store::EventStore, store::FeedEntry, store::InMemoryStore,
    store::LoadedStream, store::StreamId,
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
fn settled(
    bookings: &Bookings<Hooked>,
    schedule: &Schedule,
) -> Vec<medsched::booking::Appointment> {
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
) -> Result<medsched::booking::Appointment> {
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

// ---------------------------------------------------------------------------------------
// A move to another day whose mover died between its two steps
// ---------------------------------------------------------------------------------------

/// A store whose process "dies" after a number of appends: every later append fails, as if
/// nothing after that point was ever written.
struct Dying {
    inner: InMemoryStore,
    appends_left: std::sync::Mutex<Option<usize>>,
}

impl Dying {
    fn new() -> Self {
        Dying {
            inner: InMemoryStore::new(),
            appends_left: std::sync::Mutex::new(None),
        }
    }

    /// From now on, `n` more appends succeed and then the process is dead; `None` revives it.
    fn die_after(&self, n: Option<usize>) {
        *self.appends_left.lock().unwrap() = n;
    }
}

impl EventStore for Dying {
    fn load(&self, stream: &StreamId) -> Result<medsched::store::LoadedStream> {
        self.inner.load(stream)
    }

    fn append(&self, stream: &StreamId, expected: u64, events: &[Event]) -> Result<u64> {
        let mut left = self.appends_left.lock().unwrap();
        match left.as_mut() {
            Some(0) => Err(medsched::Error::storage("the process died")),
            Some(n) => {
                *n -= 1;
                self.inner.append(stream, expected, events)
            }
            None => self.inner.append(stream, expected, events),
        }
    }

    fn feed(
        &self,
        tenant: &Id,
        after: u64,
        limit: usize,
    ) -> Result<Vec<medsched::store::FeedEntry>> {
        self.inner.feed(tenant, after, limit)
    }
}

/// `a-1` booked on Monday 09:00, then a move to Tuesday 10:00 whose process dies right after
/// booking the copy on Tuesday: the patient holds a slot on both days.
fn half_moved() -> (Bookings<Dying>, Schedule) {
    let schedule = schedule(TENANT);
    let bookings = Bookings::new(Dying::new());
    bookings
        .book(
            &schedule,
            &pat1(),
            now(),
            book_req("a-1", "pat-1", at(MON, "09:00")),
        )
        .unwrap();
    bookings.store().die_after(Some(1));
    let died = bookings.reschedule(&schedule, &pat1(), now(), day(MON), "a-1", at(TUE, "10:00"));
    assert!(
        matches!(died, Err(medsched::Error::Storage { .. })),
        "{died:?}"
    );
    bookings.store().die_after(None);
    let live = |date: &str| {
        bookings
            .day(&schedule, day(date))
            .unwrap()
            .appointment("a-1")
            .is_some_and(|a| a.occupies())
    };
    assert!(
        live(MON) && live(TUE),
        "the half-done move holds both slots"
    );
    (bookings, schedule)
}

fn occupying_days<S: EventStore>(bookings: &Bookings<S>, schedule: &Schedule) -> Vec<String> {
    [MON, TUE]
        .into_iter()
        .filter(|date| {
            bookings
                .day(schedule, day(date))
                .unwrap()
                .appointment("a-1")
                .is_some_and(|a| a.occupies())
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_repair_sweep_voids_the_copy_of_a_move_whose_mover_died() {
    let (bookings, schedule) = half_moved();
    let voided = bookings
        .void_unfinished_moves(&schedule, &staff(), now(), day(MON)..=day(TUE))
        .unwrap();
    assert_eq!(voided.len(), 1);
    assert_eq!(voided[0].book_date, day(TUE));
    assert_eq!(voided[0].moved_to, Some(day(MON)));
    assert_eq!(occupying_days(&bookings, &schedule), [MON]);
    let found = bookings.appointment(&schedule, day(MON), "a-1").unwrap();
    assert_eq!(found.slot.start, at(MON, "09:00"));
    let names = |date: &str| -> Vec<&'static str> {
        bookings
            .store()
            .load(&StreamId::new(schedule.tenant().clone(), day(date)))
            .unwrap()
            .events
            .iter()
            .map(|e| e.change.name())
            .collect()
    };
    assert_eq!(
        names(MON),
        ["appointment_booked", "appointment_move_voided"]
    );
    assert_eq!(
        names(TUE),
        ["appointment_booked", "appointment_move_aborted"]
    );
    let again = bookings
        .void_unfinished_moves(&schedule, &staff(), now(), day(MON)..=day(TUE))
        .unwrap();
    assert!(again.is_empty(), "nothing left to repair");
}

#[test]
fn a_later_move_to_the_day_of_a_dead_copy_voids_it_and_moves() {
    let (bookings, schedule) = half_moved();
    let moved = bookings
        .reschedule(&schedule, &pat1(), now(), day(MON), "a-1", at(TUE, "11:00"))
        .unwrap();
    assert_eq!(moved.book_date, day(TUE));
    assert_eq!(moved.slot.start, at(TUE, "11:00"));
    assert_eq!(moved.reschedule_count, 1, "the dead move did not count");
    assert_eq!(occupying_days(&bookings, &schedule), [TUE]);
    let tue = bookings.day(&schedule, day(TUE)).unwrap();
    assert_eq!(
        tue.appointments().len(),
        1,
        "the new copy replaced the dead one"
    );
    let found = bookings.appointment(&schedule, day(MON), "a-1").unwrap();
    assert_eq!(found, moved);
}

#[test]
fn a_dead_moves_copy_gets_no_reminders() {
    let (bookings, schedule) = half_moved();
    let reminders = bookings
        .reminders(
            &schedule,
            day(MON)..=day(TUE),
            now() - minutes(60 * 24 * 7),
            at(TUE, "23:00"),
        )
        .unwrap();
    assert!(!reminders.is_empty());
    assert!(
        reminders.iter().all(|n| n.start == at(MON, "09:00")),
        "only the appointment's own record reminds: {reminders:?}"
    );
}
