//! Concurrency, deterministically: `Hooked`, an `InMemoryStore` that runs a hook right after
//! a load, lands another writer between two steps of a call. Each test moves an appointment
//! to another day while another writer cancels it, confirms it, or moves and cancels it:
//! the cancellation is not refused as `NotFound`, the confirmation is kept, the cancellation
//! is left. `cancel_racing_a_move_to_another_day_is_not_refused_as_not_found` is a repro of
//! a bug the races of `booking_concurrency.rs` once found.
//!
//! The world (schedule, requests, stored events) is in `concurrency_support`; wall-clock times
//! are UTC.

use chrono::{NaiveDate, Weekday};
use medsched::{
    AppointmentType, Clinic, DoctorCalendar, Error, Id, Location, Session, WeeklyTemplate,
    booking::AppointmentStatus, booking::Bookings, booking::Schedule, store::Actor, store::Event,
    store::EventStore, store::FeedEntry, store::InMemoryStore, store::LoadedStream,
    store::StreamId,
};

mod concurrency_support;
use concurrency_support::*;

/// An `InMemoryStore` shared through an `Arc`, with a one-shot hook run right after a load
/// of one stream: a deterministic way to land another writer between two steps of a call.
#[derive(Clone, Default)]
struct Hooked {
    inner: std::sync::Arc<InMemoryStore>,
    hook: std::sync::Arc<std::sync::Mutex<Option<(NaiveDate, Hook)>>>,
}

type Hook = Box<dyn FnOnce(Hooked) + Send>;

impl Hooked {
    /// Runs `hook` (with a handle on the same store) after the next load of `date`.
    fn after_next_load(&self, date: NaiveDate, hook: impl FnOnce(Hooked) + Send + 'static) {
        *self.hook.lock().unwrap() = Some((date, Box::new(hook)));
    }
}

impl EventStore for Hooked {
    fn load(&self, stream: &StreamId) -> medsched::Result<LoadedStream> {
        let loaded = self.inner.load(stream);
        let hook = {
            let mut slot = self.hook.lock().unwrap();
            match slot.take() {
                Some((date, hook)) if date == stream.date => Some(hook),
                other => {
                    *slot = other;
                    None
                }
            }
        };
        if let Some(hook) = hook {
            hook(self.clone());
        }
        loaded
    }

    fn append(
        &self,
        stream: &StreamId,
        expected_version: u64,
        events: &[Event],
    ) -> medsched::Result<u64> {
        self.inner.append(stream, expected_version, events)
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> medsched::Result<Vec<FeedEntry>> {
        self.inner.feed(tenant, after, limit)
    }
}

/// A status change racing a move to another day follows the appointment: `Bookings::cancel`
/// (like `confirm`, `decline`, `complete` and `mark_no_show`) looks the appointment up,
/// following moves, and decides on the day it found; if a concurrent `reschedule` moves it
/// in between, the call looks it up again instead of reporting `not_found` for an
/// appointment that exists throughout.
///
/// `a-1` is booked on Monday 09:00; staff call `cancel(.., monday, "a-1", ..)`; right after
/// the cancel's lookup loads Monday, another writer reschedules `a-1` to Tuesday 09:00. The
/// cancel then cancels it on Tuesday (or fails with a retryable `Conflict`).
#[test]
fn cancel_racing_a_move_to_another_day_is_not_refused_as_not_found() {
    let schedule = schedule(&[("dr-a", 1, None)], &[]);
    let store = Hooked::default();
    let bookings = Bookings::new(store.clone());
    book_monday(&bookings, &schedule);
    let mover = schedule.clone();
    store.after_next_load(monday(), move |store| {
        let other = Bookings::new(store);
        let to = t("2026-03-03T09:00:00Z");
        let moved = other.reschedule(&mover, &Actor::patient("pat-1"), now(), monday(), "a-1", to);
        assert_eq!(moved.unwrap().book_date, tuesday());
    });
    let cancelled = bookings.cancel(
        &schedule,
        &Actor::staff("desk"),
        now(),
        monday(),
        "a-1",
        None,
    );
    let left = occupying(&bookings, &schedule, "a-1");
    assert!(
        cancelled.is_ok() || cancelled.as_ref().is_err_and(Error::is_conflict),
        "cancel of an existing appointment refused with {:?}; still booked: {:?}",
        cancelled.unwrap_err(),
        left
    );
    assert!(left.is_empty(), "cancelled, yet still booked: {left:?}");
}

/// A confirmation landing between a move's read of the old day and its record there is
/// kept: the move books the copy it read on the new day, so it may record the move on the
/// old day only if that day is still at the version it read; otherwise the arrival is
/// aborted and the move is read again and retried.
#[test]
fn a_confirmation_racing_a_move_to_another_day_is_kept() {
    let confirming = AppointmentType {
        policy: medsched::BookingPolicy {
            requires_confirmation: true,
            ..medsched::BookingPolicy::default()
        },
        ..AppointmentType::new("consult", 15)
    };
    let clinic = Clinic {
        locations: vec![Location::new("main", "Main clinic", "Europe/London")],
        holidays: vec![],
    };
    let calendar = {
        let mut calendar = DoctorCalendar::new("dr-a");
        calendar.templates.push(WeeklyTemplate {
            weekdays: vec![Weekday::Mon, Weekday::Tue, Weekday::Wed],
            sessions: vec![Session::new("09:00", "17:00").unwrap()],
            ..WeeklyTemplate::new("week-dr-a", "main")
        });
        calendar
    };
    let schedule = Schedule::new(TENANT, &clinic, &[calendar], &[confirming]).unwrap();
    let store = Hooked::default();
    let bookings = Bookings::new(store.clone());
    book_monday(&bookings, &schedule);
    let desk = schedule.clone();
    store.after_next_load(monday(), move |store| {
        let other = Bookings::new(store);
        let confirmed = other.confirm(&desk, &Actor::staff("desk"), now(), monday(), "a-1");
        assert_eq!(confirmed.unwrap().status, AppointmentStatus::Confirmed);
    });
    let to = t("2026-03-03T10:00:00Z");
    let moved = bookings
        .reschedule(
            &schedule,
            &Actor::patient("pat-1"),
            now(),
            monday(),
            "a-1",
            to,
        )
        .unwrap();
    assert_eq!(moved.book_date, tuesday());
    assert_eq!(moved.status, AppointmentStatus::Confirmed);
    assert!(moved.confirmed_at.is_some());
    let left = occupying(&bookings, &schedule, "a-1");
    assert_eq!(left, [moved], "one slot, on Tuesday, confirmed");
    let tuesday_events = events(&bookings, tuesday());
    let names: Vec<&str> = tuesday_events.iter().map(|e| e.change.name()).collect();
    assert_eq!(
        names,
        [
            "appointment_booked",
            "appointment_move_aborted",
            "appointment_booked"
        ],
        "the stale arrival was aborted, the fresh copy booked"
    );
}

/// A move's arrival never overwrites a cancelled record of the same appointment on the new
/// day (its abort would point that day back at the old one, and lookups would loop).
///
/// A second writer moves `a-1` to Tuesday 11:00 and cancels it there, between the first
/// writer's read of Monday and its move to Tuesday 10:00. The first writer's arrival must not
/// replace the cancelled record; the move is refused because the appointment is cancelled,
/// and lookups still find it.
#[test]
fn a_move_racing_a_move_and_a_cancellation_leaves_the_cancellation() {
    let schedule = schedule(&[("dr-a", 1, None)], &[]);
    let store = Hooked::default();
    let bookings = Bookings::new(store.clone());
    book_monday(&bookings, &schedule);
    let other_schedule = schedule.clone();
    store.after_next_load(monday(), move |store| {
        let other = Bookings::new(store);
        let patient = Actor::patient("pat-1");
        let to = t("2026-03-03T11:00:00Z");
        other
            .reschedule(&other_schedule, &patient, now(), monday(), "a-1", to)
            .unwrap();
        let cancelled = other.cancel(
            &other_schedule,
            &Actor::staff("desk"),
            now(),
            monday(),
            "a-1",
            None,
        );
        assert_eq!(cancelled.unwrap().status, AppointmentStatus::Cancelled);
    });
    let to = t("2026-03-03T10:00:00Z");
    let refused = bookings
        .reschedule(
            &schedule,
            &Actor::patient("pat-1"),
            now(),
            monday(),
            "a-1",
            to,
        )
        .unwrap_err();
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
    let found = bookings.appointment(&schedule, monday(), "a-1").unwrap();
    assert_eq!(found.book_date, tuesday());
    assert_eq!(found.status, AppointmentStatus::Cancelled);
    assert!(occupying(&bookings, &schedule, "a-1").is_empty());
}
