//! Holds, bookings and the appointment lifecycle over a store.

use std::sync::Arc;
use std::time::SystemTime;

use chrono::{DateTime, NaiveDate, Utc};
use medsched::booking::{
    BookRequest, Bookings as CoreBookings, Command, DayBook, HoldRequest, Schedule as CoreSchedule,
};
use medsched::store::Actor;
use medsched_facade::json::{parse, text};
use medsched_facade::values::date;
use medsched_facade::{AppointmentAction, SharedStore};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Result;
use crate::schedule::Schedule;
use crate::store::Store;
use crate::values::instant;

/// A day book as folded from its events.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DayBookView {
    /// The holds, as `Hold` JSON (a list).
    pub holds_json: String,
    /// The appointments, as `Appointment` JSON (a list).
    pub appointments_json: String,
}

fn view(book: &DayBook) -> DayBookView {
    DayBookView {
        holds_json: text(book.holds()),
        appointments_json: text(book.appointments()),
    }
}

/// What a command did: the day book after it and the events it appended.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BookingResult {
    /// The day book after the command.
    pub book: DayBookView,
    /// The events appended, as `Event` JSON (a list).
    pub events_json: String,
}

/// Holds, bookings and the appointment lifecycle over a store: the same services as every
/// binding, retried on a concurrent change (no slot is ever booked twice).
#[derive(uniffi::Object)]
pub struct Bookings {
    pub(crate) inner: CoreBookings<SharedStore>,
}

/// The common arguments of a booking call, read.
pub(crate) struct Call {
    pub(crate) schedule: Arc<CoreSchedule>,
    pub(crate) actor: Actor,
    pub(crate) now: DateTime<Utc>,
}

pub(crate) fn call(schedule: &Schedule, actor_json: &str, now: SystemTime) -> Result<Call> {
    Ok(Call {
        schedule: schedule.current(),
        actor: parse("actor", actor_json)?,
        now: instant("now", now)?,
    })
}

/// A call made of its common arguments and a request (`R` JSON, refused as the argument
/// `request`): both read, `run` run, its result as JSON.
pub(crate) fn with_request<R: DeserializeOwned, T: Serialize>(
    (schedule, actor_json, now): (&Schedule, &str, SystemTime),
    request_json: &str,
    run: impl FnOnce(&Call, R) -> medsched::Result<T>,
) -> Result<String> {
    let c = call(schedule, actor_json, now)?;
    let request: R = parse("request", request_json)?;
    Ok(text(&run(&c, request)?))
}

/// The common arguments of a call on one day book, read: those of [`call`] and the book's
/// date (`2026-03-02`), refused as the argument `date`.
fn call_on(
    schedule: &Schedule,
    actor_json: &str,
    now: SystemTime,
    book_date: &str,
) -> Result<(Call, NaiveDate)> {
    Ok((call(schedule, actor_json, now)?, date("date", book_date)?))
}

#[uniffi::export]
impl Bookings {
    /// The booking service over `store`, trying a command at most `max_attempts` times when
    /// another writer changes the day first.
    #[uniffi::constructor]
    pub fn new(store: Arc<Store>, max_attempts: u32) -> Arc<Bookings> {
        Arc::new(Bookings {
            inner: CoreBookings::new(store.inner.clone()).with_max_attempts(max_attempts),
        })
    }

    /// Runs a `Command` JSON on the day book of `book_date` (`2026-03-02`), as `actor_json`
    /// (`Actor` JSON) at `now`.
    pub fn execute(
        &self,
        schedule: &Schedule,
        actor_json: String,
        now: SystemTime,
        book_date: String,
        command_json: String,
    ) -> Result<BookingResult> {
        let (c, day) = call_on(schedule, &actor_json, now, &book_date)?;
        let command: Command = parse("command", &command_json)?;
        let (book, events) = self
            .inner
            .execute(&c.schedule, &c.actor, c.now, day, &command)?;
        Ok(BookingResult {
            book: view(&book),
            events_json: text(&events),
        })
    }

    /// The day book of `book_date`.
    pub fn day(&self, schedule: &Schedule, book_date: String) -> Result<DayBookView> {
        let day = date("date", &book_date)?;
        Ok(view(&self.inner.day(&schedule.current(), day)?))
    }

    /// Holds a slot (`HoldRequest` JSON); returns the `Hold` JSON.
    pub fn hold(
        &self,
        schedule: &Schedule,
        actor_json: String,
        now: SystemTime,
        request_json: String,
    ) -> Result<String> {
        with_request(
            (schedule, &actor_json, now),
            &request_json,
            |c, r: HoldRequest| self.inner.hold(&c.schedule, &c.actor, c.now, r),
        )
    }

    /// Extends a hold by `minutes` (the type's hold time when absent); returns the `Hold`
    /// JSON.
    pub fn extend_hold(
        &self,
        schedule: &Schedule,
        actor_json: String,
        now: SystemTime,
        book_date: String,
        hold_id: String,
        minutes: Option<u32>,
    ) -> Result<String> {
        let (c, day) = call_on(schedule, &actor_json, now, &book_date)?;
        Ok(text(&self.inner.extend_hold(
            &c.schedule,
            &c.actor,
            c.now,
            day,
            &hold_id,
            minutes,
        )?))
    }

    /// Releases a hold; returns the `Hold` JSON.
    pub fn release_hold(
        &self,
        schedule: &Schedule,
        actor_json: String,
        now: SystemTime,
        book_date: String,
        hold_id: String,
    ) -> Result<String> {
        let (c, day) = call_on(schedule, &actor_json, now, &book_date)?;
        Ok(text(&self.inner.release_hold(
            &c.schedule,
            &c.actor,
            c.now,
            day,
            &hold_id,
        )?))
    }

    /// Books a slot (`BookRequest` JSON); returns the `Appointment` JSON.
    pub fn book(
        &self,
        schedule: &Schedule,
        actor_json: String,
        now: SystemTime,
        request_json: String,
    ) -> Result<String> {
        with_request(
            (schedule, &actor_json, now),
            &request_json,
            |c, r: BookRequest| self.inner.book(&c.schedule, &c.actor, c.now, r),
        )
    }

    /// Books a held slot; returns the `Appointment` JSON.
    pub fn book_hold(
        &self,
        schedule: &Schedule,
        actor_json: String,
        now: SystemTime,
        book_date: String,
        hold_id: String,
        appointment_id: String,
    ) -> Result<String> {
        let (c, day) = call_on(schedule, &actor_json, now, &book_date)?;
        Ok(text(&self.inner.book_hold(
            &c.schedule,
            &c.actor,
            c.now,
            day,
            &hold_id,
            &appointment_id,
        )?))
    }

    /// One appointment action by name (`confirm`, `decline`, `complete`, `mark_no_show`,
    /// `cancel`); returns the `Appointment` JSON.
    #[allow(clippy::too_many_arguments)]
    pub fn appointment_action(
        &self,
        action: String,
        schedule: &Schedule,
        actor_json: String,
        now: SystemTime,
        book_date: String,
        appointment_id: String,
        reason: Option<String>,
    ) -> Result<String> {
        let (c, day) = call_on(schedule, &actor_json, now, &book_date)?;
        let action = AppointmentAction::from_name(&action)?;
        let done = action.apply(
            &self.inner,
            &c.schedule,
            &c.actor,
            c.now,
            day,
            &appointment_id,
            reason,
        )?;
        Ok(text(&done))
    }

    /// Moves an appointment to `start`; returns the `Appointment` JSON.
    pub fn reschedule(
        &self,
        schedule: &Schedule,
        actor_json: String,
        now: SystemTime,
        book_date: String,
        appointment_id: String,
        start: SystemTime,
    ) -> Result<String> {
        let (c, day) = call_on(schedule, &actor_json, now, &book_date)?;
        let start = instant("start", start)?;
        Ok(text(&self.inner.reschedule(
            &c.schedule,
            &c.actor,
            c.now,
            day,
            &appointment_id,
            start,
        )?))
    }

    /// An appointment as `Appointment` JSON.
    pub fn appointment(
        &self,
        schedule: &Schedule,
        book_date: String,
        appointment_id: String,
    ) -> Result<String> {
        let day = date("date", &book_date)?;
        Ok(text(&self.inner.appointment(
            &schedule.current(),
            day,
            &appointment_id,
        )?))
    }

    /// Expires the holds past their time over dates `first`..=`last`; returns the expired
    /// `Hold` JSON (a list).
    pub fn expire_holds(
        &self,
        schedule: &Schedule,
        actor_json: String,
        now: SystemTime,
        first: String,
        last: String,
    ) -> Result<String> {
        let c = call(schedule, &actor_json, now)?;
        let dates = date("first", &first)?..=date("last", &last)?;
        Ok(text(&self.inner.expire_holds(
            &c.schedule,
            &c.actor,
            c.now,
            dates,
        )?))
    }

    /// The tenant's change feed after `after`, at most `limit` entries, as `FeedEntry` JSON
    /// (a list).
    pub fn feed(&self, schedule: &Schedule, after: u64, limit: u32) -> Result<String> {
        Ok(text(&self.inner.feed(
            &schedule.current(),
            after,
            limit as usize,
        )?))
    }

    /// The notifications the feed's changes after `after` call for, as `FeedNotifications`
    /// JSON (`notifications` and the `position` to pass next time).
    pub fn feed_notifications(
        &self,
        schedule: &Schedule,
        after: u64,
        limit: u32,
    ) -> Result<String> {
        Ok(text(&self.inner.feed_notifications(
            &schedule.current(),
            after,
            limit as usize,
        )?))
    }
}
