//! The booking service, day books and the pure decider.

use std::sync::Arc;

use medsched::{
    booking::BookRequest, booking::Bookings as CoreBookings, booking::Command, booking::Context,
    booking::DayBook as CoreDayBook, booking::HoldRequest, booking::JointBookRequest,
    booking::PoolBookRequest, booking::decide, booking::notifications, store::Actor, store::Event,
};
use medsched_facade::{AppointmentAction, SharedStore};
use pyo3::prelude::*;

use crate::errors::Result;
use crate::schedule::{PreparedOccupancy, Schedule};
use crate::store::shared_store;
use medsched_facade::json::{parse, text};
use medsched_facade::values::{date, instant};

/// A day book as folded from its events.
#[pyclass(frozen, name = "DayBook", module = "medsched._native")]
pub struct DayBook {
    inner: Arc<CoreDayBook>,
}

impl DayBook {
    fn new(book: CoreDayBook) -> Self {
        DayBook {
            inner: Arc::new(book),
        }
    }
}

#[pymethods]
impl DayBook {
    /// The fold of `Event` JSON (a list).
    #[staticmethod]
    fn from_events(py: Python<'_>, events: &str) -> Result<DayBook> {
        let events: Vec<Event> = parse("events", events)?;
        Ok(DayBook::new(py.detach(|| CoreDayBook::from_events(events))))
    }

    fn holds(&self) -> String {
        text(self.inner.holds())
    }

    fn appointments(&self) -> String {
        text(self.inner.appointments())
    }

    fn hold(&self, hold_id: &str) -> Option<String> {
        self.inner.hold(hold_id).map(text)
    }

    fn appointment(&self, appointment_id: &str) -> Option<String> {
        self.inner.appointment(appointment_id).map(text)
    }

    #[pyo3(signature = (now, except_id=None))]
    fn occupancy(&self, now: &str, except_id: Option<&str>) -> Result<String> {
        let now = instant("now", now)?;
        Ok(text(&self.inner.occupancy(now, except_id)))
    }

    #[pyo3(signature = (now, except_id=None))]
    fn prepared_occupancy(&self, now: &str, except_id: Option<&str>) -> Result<PreparedOccupancy> {
        let now = instant("now", now)?;
        let occupancy = self.inner.occupancy(now, except_id);
        Ok(PreparedOccupancy {
            inner: Arc::new(medsched::PreparedOccupancy::new(occupancy)?),
        })
    }

    fn __eq__(&self, other: &DayBook) -> bool {
        self.inner == other.inner
    }
}

/// The pure decider: the changes `command` makes to `book`, as `Change` JSON (a list).
#[pyfunction]
pub fn decide_booking(
    py: Python<'_>,
    schedule: &Schedule,
    book: &DayBook,
    actor: &str,
    now: &str,
    book_date: &str,
    command: &str,
) -> Result<String> {
    let schedule = schedule.current();
    let actor: Actor = parse("actor", actor)?;
    let command: Command = parse("command", command)?;
    let ctx = Context {
        schedule: &schedule,
        date: date("date", book_date)?,
        actor: &actor,
        now: instant("now", now)?,
    };
    Ok(text(&py.detach(|| decide(&book.inner, &command, &ctx))?))
}

/// The notifications a host sends for `Event` JSON (a list).
#[pyfunction]
pub fn booking_notifications(events: &str) -> Result<String> {
    let events: Vec<Event> = parse("events", events)?;
    Ok(text(&notifications(&events)))
}

/// Holds, bookings and the appointment lifecycle over a store.
#[pyclass(frozen, name = "Bookings", module = "medsched._native")]
pub struct Bookings {
    inner: Arc<CoreBookings<SharedStore>>,
}

/// The common arguments of a booking call, read.
struct Call {
    schedule: Arc<medsched::booking::Schedule>,
    actor: Actor,
    now: chrono::DateTime<chrono::Utc>,
}

fn call(schedule: &Schedule, actor: &str, now: &str) -> Result<Call> {
    Ok(Call {
        schedule: schedule.current(),
        actor: parse("actor", actor)?,
        now: instant("now", now)?,
    })
}

#[pymethods]
impl Bookings {
    #[new]
    fn new(store: &Bound<'_, PyAny>, max_attempts: u32) -> Self {
        let bookings = CoreBookings::new(shared_store(store)).with_max_attempts(max_attempts);
        Bookings {
            inner: Arc::new(bookings),
        }
    }

    /// `(DayBook, Event JSON list)`.
    fn execute(
        &self,
        py: Python<'_>,
        schedule: &Schedule,
        actor: &str,
        now: &str,
        book_date: &str,
        command: &str,
    ) -> Result<(DayBook, String)> {
        let c = call(schedule, actor, now)?;
        let day = date("date", book_date)?;
        let command: Command = parse("command", command)?;
        let (book, events) = py.detach(|| {
            self.inner
                .execute(&c.schedule, &c.actor, c.now, day, &command)
        })?;
        Ok((DayBook::new(book), text(&events)))
    }

    fn day(&self, py: Python<'_>, schedule: &Schedule, book_date: &str) -> Result<DayBook> {
        let schedule = schedule.current();
        let day = date("date", book_date)?;
        Ok(DayBook::new(py.detach(|| self.inner.day(&schedule, day))?))
    }

    fn hold(
        &self,
        py: Python<'_>,
        schedule: &Schedule,
        actor: &str,
        now: &str,
        request: &str,
    ) -> Result<String> {
        let c = call(schedule, actor, now)?;
        let request: HoldRequest = parse("request", request)?;
        Ok(text(&py.detach(|| {
            self.inner.hold(&c.schedule, &c.actor, c.now, request)
        })?))
    }

    #[pyo3(signature = (schedule, actor, now, book_date, hold_id, minutes=None))]
    #[allow(clippy::too_many_arguments)]
    fn extend_hold(
        &self,
        py: Python<'_>,
        schedule: &Schedule,
        actor: &str,
        now: &str,
        book_date: &str,
        hold_id: &str,
        minutes: Option<u32>,
    ) -> Result<String> {
        let c = call(schedule, actor, now)?;
        let day = date("date", book_date)?;
        Ok(text(&py.detach(|| {
            self.inner
                .extend_hold(&c.schedule, &c.actor, c.now, day, hold_id, minutes)
        })?))
    }

    fn release_hold(
        &self,
        py: Python<'_>,
        schedule: &Schedule,
        actor: &str,
        now: &str,
        book_date: &str,
        hold_id: &str,
    ) -> Result<String> {
        let c = call(schedule, actor, now)?;
        let day = date("date", book_date)?;
        Ok(text(&py.detach(|| {
            self.inner
                .release_hold(&c.schedule, &c.actor, c.now, day, hold_id)
        })?))
    }

    fn expire_holds(
        &self,
        py: Python<'_>,
        schedule: &Schedule,
        actor: &str,
        now: &str,
        first: &str,
        last: &str,
    ) -> Result<String> {
        let c = call(schedule, actor, now)?;
        let dates = date("first", first)?..=date("last", last)?;
        Ok(text(&py.detach(|| {
            self.inner.expire_holds(&c.schedule, &c.actor, c.now, dates)
        })?))
    }

    fn book(
        &self,
        py: Python<'_>,
        schedule: &Schedule,
        actor: &str,
        now: &str,
        request: &str,
    ) -> Result<String> {
        let c = call(schedule, actor, now)?;
        let request: BookRequest = parse("request", request)?;
        Ok(text(&py.detach(|| {
            self.inner.book(&c.schedule, &c.actor, c.now, request)
        })?))
    }

    fn book_joint(
        &self,
        py: Python<'_>,
        schedule: &Schedule,
        actor: &str,
        now: &str,
        request: &str,
    ) -> Result<String> {
        let c = call(schedule, actor, now)?;
        let request: JointBookRequest = parse("request", request)?;
        Ok(text(&py.detach(|| {
            self.inner.book_joint(&c.schedule, &c.actor, c.now, request)
        })?))
    }

    fn book_from_pool(
        &self,
        py: Python<'_>,
        schedule: &Schedule,
        actor: &str,
        now: &str,
        request: &str,
    ) -> Result<String> {
        let c = call(schedule, actor, now)?;
        let request: PoolBookRequest = parse("request", request)?;
        Ok(text(&py.detach(|| {
            self.inner
                .book_from_pool(&c.schedule, &c.actor, c.now, request)
        })?))
    }

    #[allow(clippy::too_many_arguments)]
    fn book_hold(
        &self,
        py: Python<'_>,
        schedule: &Schedule,
        actor: &str,
        now: &str,
        book_date: &str,
        hold_id: &str,
        appointment_id: &str,
    ) -> Result<String> {
        let c = call(schedule, actor, now)?;
        let day = date("date", book_date)?;
        Ok(text(&py.detach(|| {
            self.inner
                .book_hold(&c.schedule, &c.actor, c.now, day, hold_id, appointment_id)
        })?))
    }

    /// One appointment action by name: confirm, decline, complete, mark_no_show, cancel.
    #[pyo3(signature = (action, schedule, actor, now, book_date, appointment_id, reason=None))]
    #[allow(clippy::too_many_arguments)]
    fn appointment_action(
        &self,
        py: Python<'_>,
        action: &str,
        schedule: &Schedule,
        actor: &str,
        now: &str,
        book_date: &str,
        appointment_id: &str,
        reason: Option<String>,
    ) -> Result<String> {
        let c = call(schedule, actor, now)?;
        let day = date("date", book_date)?;
        let (s, a, id) = (&c.schedule, &c.actor, appointment_id);
        let action = AppointmentAction::from_name(action)?;
        let done = py.detach(|| action.apply(&self.inner, s, a, c.now, day, id, reason))?;
        Ok(text(&done))
    }

    #[allow(clippy::too_many_arguments)]
    fn reschedule(
        &self,
        py: Python<'_>,
        schedule: &Schedule,
        actor: &str,
        now: &str,
        book_date: &str,
        appointment_id: &str,
        start: &str,
    ) -> Result<String> {
        let c = call(schedule, actor, now)?;
        let day = date("date", book_date)?;
        let start = instant("start", start)?;
        Ok(text(&py.detach(|| {
            self.inner
                .reschedule(&c.schedule, &c.actor, c.now, day, appointment_id, start)
        })?))
    }

    fn appointment(
        &self,
        py: Python<'_>,
        schedule: &Schedule,
        book_date: &str,
        appointment_id: &str,
    ) -> Result<String> {
        let schedule = schedule.current();
        let day = date("date", book_date)?;
        Ok(text(&py.detach(|| {
            self.inner.appointment(&schedule, day, appointment_id)
        })?))
    }

    fn void_unfinished_moves(
        &self,
        py: Python<'_>,
        schedule: &Schedule,
        actor: &str,
        now: &str,
        first: &str,
        last: &str,
    ) -> Result<String> {
        let c = call(schedule, actor, now)?;
        let dates = date("first", first)?..=date("last", last)?;
        Ok(text(&py.detach(|| {
            self.inner
                .void_unfinished_moves(&c.schedule, &c.actor, c.now, dates)
        })?))
    }

    fn collisions(
        &self,
        py: Python<'_>,
        schedule: &Schedule,
        first: &str,
        last: &str,
        now: &str,
    ) -> Result<String> {
        let schedule = schedule.current();
        let dates = date("first", first)?..=date("last", last)?;
        let now = instant("now", now)?;
        Ok(text(
            &py.detach(|| self.inner.collisions(&schedule, dates, now))?,
        ))
    }

    fn feed(
        &self,
        py: Python<'_>,
        schedule: &Schedule,
        after: u64,
        limit: usize,
    ) -> Result<String> {
        let schedule = schedule.current();
        Ok(text(
            &py.detach(|| self.inner.feed(&schedule, after, limit))?,
        ))
    }

    fn feed_notifications(
        &self,
        py: Python<'_>,
        schedule: &Schedule,
        after: u64,
        limit: usize,
    ) -> Result<String> {
        let schedule = schedule.current();
        Ok(text(&py.detach(|| {
            self.inner.feed_notifications(&schedule, after, limit)
        })?))
    }

    #[allow(clippy::too_many_arguments)]
    fn reminders(
        &self,
        py: Python<'_>,
        schedule: &Schedule,
        first: &str,
        last: &str,
        after: &str,
        until: &str,
    ) -> Result<String> {
        let schedule = schedule.current();
        let dates = date("first", first)?..=date("last", last)?;
        let (after, until) = (instant("after", after)?, instant("until", until)?);
        Ok(text(&py.detach(|| {
            self.inner.reminders(&schedule, dates, after, until)
        })?))
    }
}
