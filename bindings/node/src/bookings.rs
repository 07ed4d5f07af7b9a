//! The booking service, day books, the pure decider and notification intents.

use std::future::Future;
use std::sync::Arc;

use medsched::booking::{
    AsyncBookings, BookRequest, Command, Context, DayBook as CoreDayBook, HoldRequest, decide,
    notifications,
};
use medsched::store::{Actor, Event};
use medsched_facade::AppointmentAction;
use medsched_facade::json::{parse, text};
use medsched_facade::values::{date, instant};
use napi::Env;
use napi::bindgen_prelude::PromiseRaw;
use napi_derive::napi;

use crate::errors::{Result, done, spawn};
use crate::schedule::{Occupancy, Schedule};
use crate::store::{JsStore, NativeStore, NodeStore};

/// The work of a service call, ready to run on any thread.
pub trait Work<T>: Future<Output = medsched::Result<T>> + Send + 'static {}

impl<T, F: Future<Output = medsched::Result<T>> + Send + 'static> Work<T> for F {}

/// A day book as folded from its events.
#[napi]
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
        Ok(Occupancy {
            inner: Arc::new(self.inner.occupancy(now, except_id.as_deref())),
        })
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
    book: DayBook,
    events: String,
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

/// The common arguments of a booking call, read.
struct Call {
    schedule: Arc<medsched::booking::Schedule>,
    actor: Actor,
    now: chrono::DateTime<chrono::Utc>,
}

impl Call {
    fn read(schedule: &Schedule, actor: &str, now: &str) -> Result<Call> {
        Ok(Call {
            schedule: schedule.current(),
            actor: done(parse("actor", actor))?,
            now: done(instant("now", now))?,
        })
    }
}

/// Holds, bookings, the appointment lifecycle, reschedules, the change feed and
/// notification intents over a store. Each call has an `...Async` twin that runs off the
/// JavaScript thread; over a [`JsStore`] only those run.
#[napi]
pub struct Bookings {
    store: NodeStore,
    inner: Arc<AsyncBookings<NodeStore>>,
}

impl Bookings {
    fn over(store: NodeStore, max_attempts: u32) -> Bookings {
        let inner = AsyncBookings::new(store.clone()).with_max_attempts(max_attempts);
        Bookings {
            store,
            inner: Arc::new(inner),
        }
    }

    fn day_work(&self, schedule: &Schedule, book_date: String) -> Result<impl Work<DayBook>> {
        let schedule = schedule.current();
        let day = done(date("date", &book_date))?;
        let service = self.inner.clone();
        Ok(async move { Ok(DayBook::new(service.day(&schedule, day).await?)) })
    }

    fn execute_work(
        &self,
        schedule: &Schedule,
        actor: String,
        now: String,
        book_date: String,
        command: String,
    ) -> Result<impl Work<Executed>> {
        let c = Call::read(schedule, &actor, &now)?;
        let day = done(date("date", &book_date))?;
        let command: Command = done(parse("command", &command))?;
        let service = self.inner.clone();
        Ok(async move {
            Ok({
                let (book, events) = service
                    .execute(&c.schedule, &c.actor, c.now, day, &command)
                    .await?;
                Executed {
                    book: DayBook::new(book),
                    events: text(&events),
                }
            })
        })
    }

    fn hold_work(
        &self,
        schedule: &Schedule,
        actor: String,
        now: String,
        request: String,
    ) -> Result<impl Work<String>> {
        let c = Call::read(schedule, &actor, &now)?;
        let request: HoldRequest = done(parse("request", &request))?;
        let service = self.inner.clone();
        Ok(async move {
            Ok(text(
                &service.hold(&c.schedule, &c.actor, c.now, request).await?,
            ))
        })
    }

    fn extend_hold_work(
        &self,
        schedule: &Schedule,
        actor: String,
        now: String,
        book_date: String,
        hold_id: String,
        minutes: Option<u32>,
    ) -> Result<impl Work<String>> {
        let c = Call::read(schedule, &actor, &now)?;
        let day = done(date("date", &book_date))?;
        let service = self.inner.clone();
        Ok(async move {
            Ok(text(
                &service
                    .extend_hold(&c.schedule, &c.actor, c.now, day, &hold_id, minutes)
                    .await?,
            ))
        })
    }

    fn release_hold_work(
        &self,
        schedule: &Schedule,
        actor: String,
        now: String,
        book_date: String,
        hold_id: String,
    ) -> Result<impl Work<String>> {
        let c = Call::read(schedule, &actor, &now)?;
        let day = done(date("date", &book_date))?;
        let service = self.inner.clone();
        Ok(async move {
            Ok(text(
                &service
                    .release_hold(&c.schedule, &c.actor, c.now, day, &hold_id)
                    .await?,
            ))
        })
    }

    fn expire_holds_work(
        &self,
        schedule: &Schedule,
        actor: String,
        now: String,
        first: String,
        last: String,
    ) -> Result<impl Work<String>> {
        let c = Call::read(schedule, &actor, &now)?;
        let dates = done(date("first", &first))?..=done(date("last", &last))?;
        let service = self.inner.clone();
        Ok(async move {
            Ok(text(
                &service
                    .expire_holds(&c.schedule, &c.actor, c.now, dates)
                    .await?,
            ))
        })
    }

    fn book_work(
        &self,
        schedule: &Schedule,
        actor: String,
        now: String,
        request: String,
    ) -> Result<impl Work<String>> {
        let c = Call::read(schedule, &actor, &now)?;
        let request: BookRequest = done(parse("request", &request))?;
        let service = self.inner.clone();
        Ok(async move {
            Ok(text(
                &service.book(&c.schedule, &c.actor, c.now, request).await?,
            ))
        })
    }

    fn book_hold_work(
        &self,
        schedule: &Schedule,
        actor: String,
        now: String,
        book_date: String,
        hold_id: String,
        appointment_id: String,
    ) -> Result<impl Work<String>> {
        let c = Call::read(schedule, &actor, &now)?;
        let day = done(date("date", &book_date))?;
        let service = self.inner.clone();
        Ok(async move {
            Ok(text(
                &service
                    .book_hold(&c.schedule, &c.actor, c.now, day, &hold_id, &appointment_id)
                    .await?,
            ))
        })
    }

    fn appointment_action_work(
        &self,
        action: String,
        schedule: &Schedule,
        actor: String,
        now: String,
        book_date: String,
        appointment_id: String,
        reason: Option<String>,
    ) -> Result<impl Work<String>> {
        let c = Call::read(schedule, &actor, &now)?;
        let day = done(date("date", &book_date))?;
        let action = done(AppointmentAction::from_name(&action))?;
        let service = self.inner.clone();
        Ok(async move {
            Ok(text(
                &action
                    .apply_async(
                        &service,
                        &c.schedule,
                        &c.actor,
                        c.now,
                        day,
                        &appointment_id,
                        reason,
                    )
                    .await?,
            ))
        })
    }

    fn reschedule_work(
        &self,
        schedule: &Schedule,
        actor: String,
        now: String,
        book_date: String,
        appointment_id: String,
        start: String,
    ) -> Result<impl Work<String>> {
        let c = Call::read(schedule, &actor, &now)?;
        let day = done(date("date", &book_date))?;
        let start = done(instant("start", &start))?;
        let service = self.inner.clone();
        Ok(async move {
            Ok(text(
                &service
                    .reschedule(&c.schedule, &c.actor, c.now, day, &appointment_id, start)
                    .await?,
            ))
        })
    }

    fn appointment_work(
        &self,
        schedule: &Schedule,
        book_date: String,
        appointment_id: String,
    ) -> Result<impl Work<String>> {
        let schedule = schedule.current();
        let day = done(date("date", &book_date))?;
        let service = self.inner.clone();
        Ok(async move {
            Ok(text(
                &service.appointment(&schedule, day, &appointment_id).await?,
            ))
        })
    }

    fn void_unfinished_moves_work(
        &self,
        schedule: &Schedule,
        actor: String,
        now: String,
        first: String,
        last: String,
    ) -> Result<impl Work<String>> {
        let c = Call::read(schedule, &actor, &now)?;
        let dates = done(date("first", &first))?..=done(date("last", &last))?;
        let service = self.inner.clone();
        Ok(async move {
            Ok(text(
                &service
                    .void_unfinished_moves(&c.schedule, &c.actor, c.now, dates)
                    .await?,
            ))
        })
    }

    fn collisions_work(
        &self,
        schedule: &Schedule,
        first: String,
        last: String,
        now: String,
    ) -> Result<impl Work<String>> {
        let schedule = schedule.current();
        let dates = done(date("first", &first))?..=done(date("last", &last))?;
        let now = done(instant("now", &now))?;
        let service = self.inner.clone();
        Ok(async move { Ok(text(&service.collisions(&schedule, dates, now).await?)) })
    }

    fn feed_work(&self, schedule: &Schedule, after: u32, limit: u32) -> Result<impl Work<String>> {
        let schedule = schedule.current();
        let service = self.inner.clone();
        Ok(async move {
            Ok(text(
                &service
                    .feed(&schedule, after.into(), limit as usize)
                    .await?,
            ))
        })
    }

    fn feed_notifications_work(
        &self,
        schedule: &Schedule,
        after: u32,
        limit: u32,
    ) -> Result<impl Work<String>> {
        let schedule = schedule.current();
        let service = self.inner.clone();
        Ok(async move {
            Ok(text(
                &service
                    .feed_notifications(&schedule, after.into(), limit as usize)
                    .await?,
            ))
        })
    }

    fn reminders_work(
        &self,
        schedule: &Schedule,
        first: String,
        last: String,
        after: String,
        until: String,
    ) -> Result<impl Work<String>> {
        let schedule = schedule.current();
        let dates = done(date("first", &first))?..=done(date("last", &last))?;
        let (after, until) = (
            done(instant("after", &after))?,
            done(instant("until", &until))?,
        );
        let service = self.inner.clone();
        Ok(async move {
            Ok(text(
                &service.reminders(&schedule, dates, after, until).await?,
            ))
        })
    }
}

#[napi]
impl Bookings {
    /// The service over a native store, deciding a command at most `max_attempts` times.
    #[napi(factory)]
    pub fn native(store: &NativeStore, max_attempts: u32) -> Bookings {
        Bookings::over(NodeStore::native(store), max_attempts)
    }

    /// The service over a store written in JavaScript.
    #[napi(factory)]
    pub fn js(store: &JsStore, max_attempts: u32) -> Bookings {
        Bookings::over(NodeStore::js(store), max_attempts)
    }

    /// The day book of `date` (`YYYY-MM-DD`).
    #[napi]
    pub fn day(&self, schedule: &Schedule, book_date: String) -> Result<DayBook> {
        self.store.block("day", self.day_work(schedule, book_date)?)
    }

    /// As `day`, off the JavaScript thread.
    #[napi(ts_return_type = "Promise<DayBook>")]
    pub fn day_async<'env>(
        &self,
        env: &'env Env,
        schedule: &Schedule,
        book_date: String,
    ) -> Result<PromiseRaw<'env, DayBook>> {
        spawn(env, self.day_work(schedule, book_date)?)
    }

    /// Decides a `Command` (JSON) on the day book of `date` and appends its events.
    #[napi]
    pub fn execute(
        &self,
        schedule: &Schedule,
        actor: String,
        now: String,
        book_date: String,
        command: String,
    ) -> Result<Executed> {
        self.store.block(
            "execute",
            self.execute_work(schedule, actor, now, book_date, command)?,
        )
    }

    /// As `execute`, off the JavaScript thread.
    #[napi(ts_return_type = "Promise<Executed>")]
    pub fn execute_async<'env>(
        &self,
        env: &'env Env,
        schedule: &Schedule,
        actor: String,
        now: String,
        book_date: String,
        command: String,
    ) -> Result<PromiseRaw<'env, Executed>> {
        spawn(
            env,
            self.execute_work(schedule, actor, now, book_date, command)?,
        )
    }

    /// Holds a slot (`HoldRequest` JSON); the `Hold` as JSON.
    #[napi]
    pub fn hold(
        &self,
        schedule: &Schedule,
        actor: String,
        now: String,
        request: String,
    ) -> Result<String> {
        self.store
            .block("hold", self.hold_work(schedule, actor, now, request)?)
    }

    /// As `hold`, off the JavaScript thread.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn hold_async<'env>(
        &self,
        env: &'env Env,
        schedule: &Schedule,
        actor: String,
        now: String,
        request: String,
    ) -> Result<PromiseRaw<'env, String>> {
        spawn(env, self.hold_work(schedule, actor, now, request)?)
    }

    /// Gives an active hold `minutes` more (the type's hold length by default); the `Hold` as JSON.
    #[napi]
    pub fn extend_hold(
        &self,
        schedule: &Schedule,
        actor: String,
        now: String,
        book_date: String,
        hold_id: String,
        minutes: Option<u32>,
    ) -> Result<String> {
        self.store.block(
            "extendHold",
            self.extend_hold_work(schedule, actor, now, book_date, hold_id, minutes)?,
        )
    }

    /// As `extendHold`, off the JavaScript thread.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn extend_hold_async<'env>(
        &self,
        env: &'env Env,
        schedule: &Schedule,
        actor: String,
        now: String,
        book_date: String,
        hold_id: String,
        minutes: Option<u32>,
    ) -> Result<PromiseRaw<'env, String>> {
        spawn(
            env,
            self.extend_hold_work(schedule, actor, now, book_date, hold_id, minutes)?,
        )
    }

    /// Releases a hold; the `Hold` as JSON.
    #[napi]
    pub fn release_hold(
        &self,
        schedule: &Schedule,
        actor: String,
        now: String,
        book_date: String,
        hold_id: String,
    ) -> Result<String> {
        self.store.block(
            "releaseHold",
            self.release_hold_work(schedule, actor, now, book_date, hold_id)?,
        )
    }

    /// As `releaseHold`, off the JavaScript thread.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn release_hold_async<'env>(
        &self,
        env: &'env Env,
        schedule: &Schedule,
        actor: String,
        now: String,
        book_date: String,
        hold_id: String,
    ) -> Result<PromiseRaw<'env, String>> {
        spawn(
            env,
            self.release_hold_work(schedule, actor, now, book_date, hold_id)?,
        )
    }

    /// Expires the lapsed holds of the dates `first..=last`; the `Hold`s as JSON.
    #[napi]
    pub fn expire_holds(
        &self,
        schedule: &Schedule,
        actor: String,
        now: String,
        first: String,
        last: String,
    ) -> Result<String> {
        self.store.block(
            "expireHolds",
            self.expire_holds_work(schedule, actor, now, first, last)?,
        )
    }

    /// As `expireHolds`, off the JavaScript thread.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn expire_holds_async<'env>(
        &self,
        env: &'env Env,
        schedule: &Schedule,
        actor: String,
        now: String,
        first: String,
        last: String,
    ) -> Result<PromiseRaw<'env, String>> {
        spawn(
            env,
            self.expire_holds_work(schedule, actor, now, first, last)?,
        )
    }

    /// Books a slot (`BookRequest` JSON); the `Appointment` as JSON.
    #[napi]
    pub fn book(
        &self,
        schedule: &Schedule,
        actor: String,
        now: String,
        request: String,
    ) -> Result<String> {
        self.store
            .block("book", self.book_work(schedule, actor, now, request)?)
    }

    /// As `book`, off the JavaScript thread.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn book_async<'env>(
        &self,
        env: &'env Env,
        schedule: &Schedule,
        actor: String,
        now: String,
        request: String,
    ) -> Result<PromiseRaw<'env, String>> {
        spawn(env, self.book_work(schedule, actor, now, request)?)
    }

    /// Books a held slot; the `Appointment` as JSON.
    #[napi]
    pub fn book_hold(
        &self,
        schedule: &Schedule,
        actor: String,
        now: String,
        book_date: String,
        hold_id: String,
        appointment_id: String,
    ) -> Result<String> {
        self.store.block(
            "bookHold",
            self.book_hold_work(schedule, actor, now, book_date, hold_id, appointment_id)?,
        )
    }

    /// As `bookHold`, off the JavaScript thread.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn book_hold_async<'env>(
        &self,
        env: &'env Env,
        schedule: &Schedule,
        actor: String,
        now: String,
        book_date: String,
        hold_id: String,
        appointment_id: String,
    ) -> Result<PromiseRaw<'env, String>> {
        spawn(
            env,
            self.book_hold_work(schedule, actor, now, book_date, hold_id, appointment_id)?,
        )
    }

    /// One appointment action by name (`confirm`, `decline`, `complete`, `mark_no_show`, `cancel`); the `Appointment` as JSON.
    #[napi]
    pub fn appointment_action(
        &self,
        action: String,
        schedule: &Schedule,
        actor: String,
        now: String,
        book_date: String,
        appointment_id: String,
        reason: Option<String>,
    ) -> Result<String> {
        self.store.block(
            "appointmentAction",
            self.appointment_action_work(
                action,
                schedule,
                actor,
                now,
                book_date,
                appointment_id,
                reason,
            )?,
        )
    }

    /// As `appointmentAction`, off the JavaScript thread.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn appointment_action_async<'env>(
        &self,
        env: &'env Env,
        action: String,
        schedule: &Schedule,
        actor: String,
        now: String,
        book_date: String,
        appointment_id: String,
        reason: Option<String>,
    ) -> Result<PromiseRaw<'env, String>> {
        spawn(
            env,
            self.appointment_action_work(
                action,
                schedule,
                actor,
                now,
                book_date,
                appointment_id,
                reason,
            )?,
        )
    }

    /// Moves an appointment to the slot at `start`; the new `Appointment` as JSON.
    #[napi]
    pub fn reschedule(
        &self,
        schedule: &Schedule,
        actor: String,
        now: String,
        book_date: String,
        appointment_id: String,
        start: String,
    ) -> Result<String> {
        self.store.block(
            "reschedule",
            self.reschedule_work(schedule, actor, now, book_date, appointment_id, start)?,
        )
    }

    /// As `reschedule`, off the JavaScript thread.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn reschedule_async<'env>(
        &self,
        env: &'env Env,
        schedule: &Schedule,
        actor: String,
        now: String,
        book_date: String,
        appointment_id: String,
        start: String,
    ) -> Result<PromiseRaw<'env, String>> {
        spawn(
            env,
            self.reschedule_work(schedule, actor, now, book_date, appointment_id, start)?,
        )
    }

    /// An appointment of the day book of `date`, as `Appointment` JSON.
    #[napi]
    pub fn appointment(
        &self,
        schedule: &Schedule,
        book_date: String,
        appointment_id: String,
    ) -> Result<String> {
        self.store.block(
            "appointment",
            self.appointment_work(schedule, book_date, appointment_id)?,
        )
    }

    /// As `appointment`, off the JavaScript thread.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn appointment_async<'env>(
        &self,
        env: &'env Env,
        schedule: &Schedule,
        book_date: String,
        appointment_id: String,
    ) -> Result<PromiseRaw<'env, String>> {
        spawn(
            env,
            self.appointment_work(schedule, book_date, appointment_id)?,
        )
    }

    /// Voids the moves left unfinished on the dates `first..=last`; the `Appointment`s as JSON.
    #[napi]
    pub fn void_unfinished_moves(
        &self,
        schedule: &Schedule,
        actor: String,
        now: String,
        first: String,
        last: String,
    ) -> Result<String> {
        self.store.block(
            "voidUnfinishedMoves",
            self.void_unfinished_moves_work(schedule, actor, now, first, last)?,
        )
    }

    /// As `voidUnfinishedMoves`, off the JavaScript thread.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn void_unfinished_moves_async<'env>(
        &self,
        env: &'env Env,
        schedule: &Schedule,
        actor: String,
        now: String,
        first: String,
        last: String,
    ) -> Result<PromiseRaw<'env, String>> {
        spawn(
            env,
            self.void_unfinished_moves_work(schedule, actor, now, first, last)?,
        )
    }

    /// The appointments that collide with the current rules on the dates `first..=last`, as `Collision` JSON (a list).
    #[napi]
    pub fn collisions(
        &self,
        schedule: &Schedule,
        first: String,
        last: String,
        now: String,
    ) -> Result<String> {
        self.store.block(
            "collisions",
            self.collisions_work(schedule, first, last, now)?,
        )
    }

    /// As `collisions`, off the JavaScript thread.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn collisions_async<'env>(
        &self,
        env: &'env Env,
        schedule: &Schedule,
        first: String,
        last: String,
        now: String,
    ) -> Result<PromiseRaw<'env, String>> {
        spawn(env, self.collisions_work(schedule, first, last, now)?)
    }

    /// The tenant's change feed after position `after`, at most `limit` entries, as `FeedEntry` JSON (a list).
    #[napi]
    pub fn feed(&self, schedule: &Schedule, after: u32, limit: u32) -> Result<String> {
        self.store
            .block("feed", self.feed_work(schedule, after, limit)?)
    }

    /// As `feed`, off the JavaScript thread.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn feed_async<'env>(
        &self,
        env: &'env Env,
        schedule: &Schedule,
        after: u32,
        limit: u32,
    ) -> Result<PromiseRaw<'env, String>> {
        spawn(env, self.feed_work(schedule, after, limit)?)
    }

    /// The notification intents of the feed after `after`, as `FeedNotifications` JSON.
    #[napi]
    pub fn feed_notifications(
        &self,
        schedule: &Schedule,
        after: u32,
        limit: u32,
    ) -> Result<String> {
        self.store.block(
            "feedNotifications",
            self.feed_notifications_work(schedule, after, limit)?,
        )
    }

    /// As `feedNotifications`, off the JavaScript thread.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn feed_notifications_async<'env>(
        &self,
        env: &'env Env,
        schedule: &Schedule,
        after: u32,
        limit: u32,
    ) -> Result<PromiseRaw<'env, String>> {
        spawn(env, self.feed_notifications_work(schedule, after, limit)?)
    }

    /// The reminders due in `(after, until]` for the dates `first..=last`, as `Notification` JSON (a list).
    #[napi]
    pub fn reminders(
        &self,
        schedule: &Schedule,
        first: String,
        last: String,
        after: String,
        until: String,
    ) -> Result<String> {
        self.store.block(
            "reminders",
            self.reminders_work(schedule, first, last, after, until)?,
        )
    }

    /// As `reminders`, off the JavaScript thread.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn reminders_async<'env>(
        &self,
        env: &'env Env,
        schedule: &Schedule,
        first: String,
        last: String,
        after: String,
        until: String,
    ) -> Result<PromiseRaw<'env, String>> {
        spawn(
            env,
            self.reminders_work(schedule, first, last, after, until)?,
        )
    }
}
