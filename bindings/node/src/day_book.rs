//! Day books as folded from their events, what a command did to one, the pure decider and
//! notification intents.

use std::sync::Arc;

use medsched::booking::{Command, Context, DayBook as CoreDayBook, decide, notifications};
use medsched::store::{Actor, Event};
use medsched_facade::json::{parse, text};
use medsched_facade::values::{date, instant};
use napi_derive::napi;

use crate::errors::{Result, done};
use crate::schedule::{Occupancy, Schedule};

/// A day book as folded from its events.
#[napi]
pub struct DayBook {
    pub(crate) inner: Arc<CoreDayBook>,
}

impl DayBook {
    /// The napi object of a folded day book.
    pub(crate) fn new(book: CoreDayBook) -> Self {
        DayBook {
            inner: Arc::new(book),
        }
    }
}

#[napi]
impl DayBook {
    /// The fold of `Event` JSON (a list).
    #[napi(factory)]
    pub fn from_events(events: String) -> Result<DayBook> {
        let events: Vec<Event> = done(parse("events", &events))?;
        Ok(DayBook::new(CoreDayBook::from_events(events)))
    }

    /// Its holds, as `Hold` JSON (a list).
    #[napi]
    pub fn holds(&self) -> String {
        text(self.inner.holds())
    }

    /// Its appointments, as `Appointment` JSON (a list).
    #[napi]
    pub fn appointments(&self) -> String {
        text(self.inner.appointments())
    }

    /// A hold, as `Hold` JSON.
    #[napi]
    pub fn hold(&self, hold_id: String) -> Option<String> {
        self.inner.hold(&hold_id).map(text)
    }

    /// An appointment, as `Appointment` JSON.
    #[napi]
    pub fn appointment(&self, appointment_id: String) -> Option<String> {
        self.inner.appointment(&appointment_id).map(text)
    }

    /// What it takes at `now` (all but `except_id`'s claim), as `Occupancy` JSON.
    #[napi]
    pub fn occupancy(&self, now: String, except_id: Option<String>) -> Result<String> {
        let now = done(instant("now", &now))?;
        Ok(text(&self.inner.occupancy(now, except_id.as_deref())))
    }

    /// What it takes at `now` (all but `except_id`'s claim), kept native for searches.
    #[napi]
    pub fn prepared_occupancy(&self, now: String, except_id: Option<String>) -> Result<Occupancy> {
        let now = done(instant("now", &now))?;
        let occupancy = Occupancy::given(self.inner.occupancy(now, except_id.as_deref()));
        occupancy.prepare();
        Ok(occupancy)
    }

    /// Whether two day books hold the same.
    #[napi]
    pub fn equals(&self, other: &DayBook) -> bool {
        self.inner == other.inner
    }
}

/// What `execute` did: the day book as the command left it and the new events.
#[napi]
pub struct Executed {
    pub(crate) book: DayBook,
    pub(crate) events: String,
}

#[napi]
impl Executed {
    /// The day book as the command left it.
    #[napi(getter)]
    pub fn book(&self) -> DayBook {
        DayBook {
            inner: self.book.inner.clone(),
        }
    }

    /// The new events, as `Event` JSON (a list).
    #[napi(getter)]
    pub fn events(&self) -> String {
        self.events.clone()
    }
}

/// The pure decider: the changes a `Command` (JSON) makes to `book`, as `Change` JSON (a
/// list).
#[napi]
pub fn decide_booking(
    schedule: &Schedule,
    book: &DayBook,
    actor: String,
    now: String,
    book_date: String,
    command: String,
) -> Result<String> {
    let schedule = schedule.current();
    let actor: Actor = done(parse("actor", &actor))?;
    let command: Command = done(parse("command", &command))?;
    let ctx = Context {
        schedule: &schedule,
        date: done(date("date", &book_date))?,
        actor: &actor,
        now: done(instant("now", &now))?,
    };
    Ok(text(&done(decide(&book.inner, &command, &ctx))?))
}

/// The notification intents of `Event` JSON (a list), as `Notification` JSON (a list).
#[napi]
pub fn booking_notifications(events: String) -> Result<String> {
    let events: Vec<Event> = done(parse("events", &events))?;
    Ok(text(&notifications(&events)))
}
