//! Every public async method of the async services gives a `Send` future over a generic
//! `S: AsyncEventStore` and over a boxed store chosen at run time (compile-time checks), and
//! every service is `Send + Sync`.
#![allow(dead_code, clippy::too_many_arguments)]

use chrono::{DateTime, NaiveDate, Utc};
use medsched::booking::{AsyncBookings, BookRequest, Bookings, Command, HoldRequest, Schedule};
use medsched::store::{Actor, AsyncEventStore, DynAsyncEventStore, EventStore};
use medsched::tokens::{AsyncTokens, QueueDay, QueueRules, TokenCommand, TokenRequest, Tokens};
use medsched::wait::{DoctorHistory, WaitEstimator};

fn is_send<T: Send>(_: &T) {}
fn is_send_sync<T: Send + Sync>() {}

fn bookings_futures_are_send<S: AsyncEventStore>(
    b: &AsyncBookings<S>,
    s: &Schedule,
    a: &Actor,
    now: DateTime<Utc>,
    d: NaiveDate,
    hold: HoldRequest,
    book: BookRequest,
) {
    is_send(&b.execute(s, a, now, d, &Command::ExpireHolds));
    is_send(&b.day(s, d));
    is_send(&b.hold(s, a, now, hold));
    is_send(&b.extend_hold(s, a, now, d, "h", None));
    is_send(&b.release_hold(s, a, now, d, "h"));
    is_send(&b.expire_holds(s, a, now, d..=d));
    is_send(&b.book(s, a, now, book));
    is_send(&b.book_hold(s, a, now, d, "h", "a"));
    is_send(&b.confirm(s, a, now, d, "a"));
    is_send(&b.decline(s, a, now, d, "a", None));
    is_send(&b.complete(s, a, now, d, "a"));
    is_send(&b.mark_no_show(s, a, now, d, "a"));
    is_send(&b.cancel(s, a, now, d, "a", None));
    is_send(&b.feed(s, 0, 10));
    is_send(&b.appointment(s, d, "a"));
    is_send(&b.reschedule(s, a, now, d, "a", now));
    is_send(&b.void_unfinished_moves(s, a, now, d..=d));
    is_send(&b.collisions(s, d..=d, now));
    is_send(&b.feed_notifications(s, 0, 10));
    is_send(&b.reminders(s, d..=d, now, now));
}

fn tokens_futures_are_send<S: AsyncEventStore>(
    t: &AsyncTokens<S>,
    s: &Schedule,
    day: &QueueDay,
    rules: &QueueRules,
    a: &Actor,
    now: DateTime<Utc>,
    request: TokenRequest,
    appointment: &medsched::booking::Appointment,
    history: &DoctorHistory,
    estimator: &dyn WaitEstimator,
) {
    is_send(&t.queue(day));
    is_send(&t.execute(day, rules, a, now, &TokenCommand::CallNext));
    is_send(&t.issue(day, rules, a, now, request));
    is_send(&t.issue_for_appointment(s, rules, a, now, appointment));
    is_send(&t.wait_estimates(day, rules, now, history, estimator));
}

fn dyn_store_services_are_send(
    b: &AsyncBookings<Box<dyn DynAsyncEventStore>>,
    s: &Schedule,
    a: &Actor,
    now: DateTime<Utc>,
    d: NaiveDate,
) {
    is_send(&b.reschedule(s, a, now, d, "a", now));
    is_send(&b.void_unfinished_moves(s, a, now, d..=d));
}

fn services_are_send_sync<S: AsyncEventStore, E: EventStore>() {
    is_send_sync::<AsyncBookings<S>>();
    is_send_sync::<AsyncTokens<S>>();
    is_send_sync::<Bookings<E>>();
    is_send_sync::<Tokens<E>>();
}

#[test]
fn compiles() {}
