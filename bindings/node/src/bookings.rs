//! The booking service over a store: holds, bookings, the appointment lifecycle,
//! reschedules, the change feed and notification intents.

use std::future::Future;
use std::sync::Arc;

use medsched::booking::{AsyncBookings, BookRequest, Command, HoldRequest};
use medsched::store::Actor;
use medsched_facade::AppointmentAction;
use medsched_facade::json::{parse, text};
use medsched_facade::values::{date, instant};
use napi_derive::napi;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::day_book::{DayBook, Executed};
use crate::errors::{Result, done};
use crate::schedule::Schedule;
use crate::store::{JsStore, NativeStore, NodeStore};
use crate::twins::{Work, service_calls};

/// The common arguments of a booking call, read.
pub(crate) struct Call {
    pub(crate) schedule: Arc<medsched::booking::Schedule>,
    pub(crate) actor: Actor,
    pub(crate) now: chrono::DateTime<chrono::Utc>,
}

impl Call {
    pub(crate) fn read(schedule: &Schedule, actor: &str, now: &str) -> Result<Call> {
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
    pub(crate) store: NodeStore,
    pub(crate) inner: Arc<AsyncBookings<NodeStore>>,
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

    /// The work of a call made of its common arguments and a request (`R` JSON, refused as
    /// the argument `request`): `run` on the service, its result as JSON.
    pub(crate) fn request_work<R, T, F, Fut>(
        &self,
        (schedule, actor, now): (&Schedule, String, String),
        request: String,
        run: F,
    ) -> Result<impl Work<String>>
    where
        R: DeserializeOwned,
        T: Serialize,
        F: FnOnce(Arc<AsyncBookings<NodeStore>>, Call, R) -> Fut + Send + 'static,
        Fut: Future<Output = medsched::Result<T>> + Send + 'static,
        R: Send + 'static,
    {
        let c = Call::read(schedule, &actor, &now)?;
        let request: R = done(parse("request", &request))?;
        let service = self.inner.clone();
        Ok(async move { Ok(text(&run(service, c, request).await?)) })
    }

    fn hold_work(
        &self,
        schedule: &Schedule,
        actor: String,
        now: String,
        request: String,
    ) -> Result<impl Work<String>> {
        self.request_work(
            (schedule, actor, now),
            request,
            |s, c, r: HoldRequest| async move { s.hold(&c.schedule, &c.actor, c.now, r).await },
        )
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
        self.request_work(
            (schedule, actor, now),
            request,
            |s, c, r: BookRequest| async move { s.book(&c.schedule, &c.actor, c.now, r).await },
        )
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
}

service_calls! {
    impl Bookings {
        #[doc = "The day book of `date` (`YYYY-MM-DD`)."]
        fn day(schedule: &Schedule, book_date: String) -> DayBook = day_work(schedule, book_date);
        #[doc = "As `day`, off the JavaScript thread."]
        async fn day_async -> "Promise<DayBook>";

        #[doc = "Decides a `Command` (JSON) on the day book of `date` and appends its events."]
        fn execute(
            schedule: &Schedule, actor: String, now: String, book_date: String, command: String,
        ) -> Executed = execute_work(schedule, actor, now, book_date, command);
        #[doc = "As `execute`, off the JavaScript thread."]
        async fn execute_async -> "Promise<Executed>";

        #[doc = "Holds a slot (`HoldRequest` JSON); the `Hold` as JSON."]
        fn hold(schedule: &Schedule, actor: String, now: String, request: String) -> String
            = hold_work(schedule, actor, now, request);
        #[doc = "As `hold`, off the JavaScript thread."]
        async fn hold_async -> "Promise<string>";

        #[doc = "Gives an active hold `minutes` more (the type's hold length by default); the `Hold` as JSON."]
        fn extend_hold(
            schedule: &Schedule, actor: String, now: String, book_date: String, hold_id: String,
            minutes: Option<u32>,
        ) -> String = extend_hold_work(schedule, actor, now, book_date, hold_id, minutes);
        #[doc = "As `extendHold`, off the JavaScript thread."]
        async fn extend_hold_async -> "Promise<string>";

        #[doc = "Releases a hold; the `Hold` as JSON."]
        fn release_hold(
            schedule: &Schedule, actor: String, now: String, book_date: String, hold_id: String,
        ) -> String = release_hold_work(schedule, actor, now, book_date, hold_id);
        #[doc = "As `releaseHold`, off the JavaScript thread."]
        async fn release_hold_async -> "Promise<string>";

        #[doc = "Expires the lapsed holds of the dates `first..=last`; the `Hold`s as JSON."]
        fn expire_holds(
            schedule: &Schedule, actor: String, now: String, first: String, last: String,
        ) -> String = expire_holds_work(schedule, actor, now, first, last);
        #[doc = "As `expireHolds`, off the JavaScript thread."]
        async fn expire_holds_async -> "Promise<string>";

        #[doc = "Books a slot (`BookRequest` JSON); the `Appointment` as JSON."]
        fn book(schedule: &Schedule, actor: String, now: String, request: String) -> String
            = book_work(schedule, actor, now, request);
        #[doc = "As `book`, off the JavaScript thread."]
        async fn book_async -> "Promise<string>";

        #[doc = "Books a held slot; the `Appointment` as JSON."]
        fn book_hold(
            schedule: &Schedule, actor: String, now: String, book_date: String, hold_id: String,
            appointment_id: String,
        ) -> String = book_hold_work(schedule, actor, now, book_date, hold_id, appointment_id);
        #[doc = "As `bookHold`, off the JavaScript thread."]
        async fn book_hold_async -> "Promise<string>";

        #[doc = "One appointment action by name (`confirm`, `decline`, `complete`, `mark_no_show`, `cancel`); the `Appointment` as JSON."]
        fn appointment_action(
            action: String, schedule: &Schedule, actor: String, now: String, book_date: String,
            appointment_id: String, reason: Option<String>,
        ) -> String = appointment_action_work(
            action, schedule, actor, now, book_date, appointment_id, reason,
        );
        #[doc = "As `appointmentAction`, off the JavaScript thread."]
        async fn appointment_action_async -> "Promise<string>";

        #[doc = "Moves an appointment to the slot at `start`; the new `Appointment` as JSON."]
        fn reschedule(
            schedule: &Schedule, actor: String, now: String, book_date: String,
            appointment_id: String, start: String,
        ) -> String = reschedule_work(schedule, actor, now, book_date, appointment_id, start);
        #[doc = "As `reschedule`, off the JavaScript thread."]
        async fn reschedule_async -> "Promise<string>";

        #[doc = "An appointment of the day book of `date`, as `Appointment` JSON."]
        fn appointment(schedule: &Schedule, book_date: String, appointment_id: String) -> String
            = appointment_work(schedule, book_date, appointment_id);
        #[doc = "As `appointment`, off the JavaScript thread."]
        async fn appointment_async -> "Promise<string>";

        #[doc = "Voids the moves left unfinished on the dates `first..=last`; the `Appointment`s as JSON."]
        fn void_unfinished_moves(
            schedule: &Schedule, actor: String, now: String, first: String, last: String,
        ) -> String = void_unfinished_moves_work(schedule, actor, now, first, last);
        #[doc = "As `voidUnfinishedMoves`, off the JavaScript thread."]
        async fn void_unfinished_moves_async -> "Promise<string>";

        #[doc = "The appointments that collide with the current rules on the dates `first..=last`, as `Collision` JSON (a list)."]
        fn collisions(schedule: &Schedule, first: String, last: String, now: String) -> String
            = collisions_work(schedule, first, last, now);
        #[doc = "As `collisions`, off the JavaScript thread."]
        async fn collisions_async -> "Promise<string>";

        #[doc = "The tenant's change feed after position `after`, at most `limit` entries, as `FeedEntry` JSON (a list)."]
        fn feed(schedule: &Schedule, after: u32, limit: u32) -> String
            = feed_work(schedule, after, limit);
        #[doc = "As `feed`, off the JavaScript thread."]
        async fn feed_async -> "Promise<string>";

        #[doc = "The notification intents of the feed after `after`, as `FeedNotifications` JSON."]
        fn feed_notifications(schedule: &Schedule, after: u32, limit: u32) -> String
            = feed_notifications_work(schedule, after, limit);
        #[doc = "As `feedNotifications`, off the JavaScript thread."]
        async fn feed_notifications_async -> "Promise<string>";

        #[doc = "The reminders due in `(after, until]` for the dates `first..=last`, as `Notification` JSON (a list)."]
        fn reminders(
            schedule: &Schedule, first: String, last: String, after: String, until: String,
        ) -> String = reminders_work(schedule, first, last, after, until);
        #[doc = "As `reminders`, off the JavaScript thread."]
        async fn reminders_async -> "Promise<string>";
    }
}
