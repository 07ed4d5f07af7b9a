//! The sync booking service: the async service's code over a sync store, run to completion
//! without a runtime.

use std::ops::RangeInclusive;

use chrono::{DateTime, NaiveDate, Utc};

use crate::Result;
use crate::booking::{
    Appointment, AsyncBookings, BookRequest, Collision, Command, DayBook, FeedNotifications, Hold,
    HoldRequest, Notification, Schedule,
};
use crate::store::{Actor, Blocking, Event, EventStore, FeedEntry, now_or_never};

/// Holds, bookings and the appointment lifecycle over a sync [`EventStore`].
///
/// Each call loads the day book it concerns, decides with
/// [`decide`](crate::booking::decide), and appends the events with the version it loaded.
/// When another writer appended first, it reloads and decides again, so concurrent bookers
/// of the last seat get one success and clear refusals
/// ([`Error::SlotUnavailable`](crate::Error::SlotUnavailable)), never a double booking.
/// `Bookings` is `Sync` when its store is: share one between threads.
///
/// It is [`AsyncBookings`] over [`Blocking`]`<S>`: the same code, each call run to the end
/// on the calling thread (the store's futures are ready as soon as they are polled), so
/// every method here is its async twin's, without `.await`.
///
/// # Example
///
/// ```
/// use medsched::{booking::*, store::*, tokens::*, wait::*, *};
/// use chrono::{DateTime, Utc, Weekday};
///
/// let clinic = Clinic {
///     locations: vec![Location::new("main", "Main", "Europe/London")],
///     holidays: vec![],
/// };
/// let mut calendar = DoctorCalendar::new("dr-lee");
/// calendar.templates.push(WeeklyTemplate {
///     weekdays: vec![Weekday::Tue],
///     sessions: vec![Session::new("09:00", "12:00")?],
///     ..WeeklyTemplate::new("tue", "main")
/// });
/// let types = [AppointmentType::new("consult", 15)];
/// let schedule = Schedule::new("clinic-1", &clinic, &[calendar], &types)?;
/// let bookings = Bookings::new(InMemoryStore::new());
/// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
/// let now = t("2026-03-01T10:00:00Z");
///
/// let hold = bookings.hold(&schedule, &Actor::patient("pat-1"), now, HoldRequest {
///     hold_id: "h-1".into(),
///     patient_id: "pat-1".into(),
///     doctor_id: "dr-lee".into(),
///     appointment_type_id: "consult".into(),
///     start: t("2026-03-03T09:00:00Z"),
///     minutes: None,
/// })?;
/// assert_eq!(hold.expires_at, t("2026-03-01T10:10:00Z"));
///
/// // Someone else cannot take the held slot.
/// let taken = bookings.book(&schedule, &Actor::patient("pat-2"), now, BookRequest {
///     appointment_id: "a-2".into(),
///     patient_id: "pat-2".into(),
///     doctor_id: "dr-lee".into(),
///     appointment_type_id: "consult".into(),
///     start: t("2026-03-03T09:00:00Z"),
/// });
/// assert_eq!(taken.unwrap_err().to_string(),
///     "slot of dr-lee at 2026-03-03 09:00:00 UTC is unavailable: held by another patient");
///
/// let patient = Actor::patient("pat-1");
/// let appointment = bookings.book_hold(&schedule, &patient, now, hold.book_date, "h-1", "a-1")?;
/// assert_eq!(appointment.status, AppointmentStatus::Confirmed);
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Debug)]
pub struct Bookings<S> {
    pub(super) inner: AsyncBookings<Blocking<S>>,
}

impl<S: EventStore> Bookings<S> {
    /// A booking service over `store`.
    pub fn new(store: S) -> Self {
        Bookings {
            inner: AsyncBookings::new(Blocking(store)),
        }
    }

    /// The same service, deciding a command at most `attempts` times (64 by default) before
    /// it gives up with [`Error::Conflict`](crate::Error::Conflict).
    pub fn with_max_attempts(self, attempts: u32) -> Self {
        Bookings {
            inner: self.inner.with_max_attempts(attempts),
        }
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.inner.store().0
    }

    /// As [`AsyncBookings::execute`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::execute`].
    pub fn execute(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        command: &Command,
    ) -> Result<(DayBook, Vec<Event>)> {
        now_or_never(self.inner.execute(schedule, actor, now, date, command))
    }

    /// As [`AsyncBookings::day`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::day`].
    pub fn day(&self, schedule: &Schedule, date: NaiveDate) -> Result<DayBook> {
        now_or_never(self.inner.day(schedule, date))
    }

    /// As [`AsyncBookings::hold`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::hold`].
    pub fn hold(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        request: HoldRequest,
    ) -> Result<Hold> {
        now_or_never(self.inner.hold(schedule, actor, now, request))
    }

    /// As [`AsyncBookings::extend_hold`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::extend_hold`].
    pub fn extend_hold(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        hold_id: &str,
        minutes: Option<u32>,
    ) -> Result<Hold> {
        now_or_never(
            self.inner
                .extend_hold(schedule, actor, now, date, hold_id, minutes),
        )
    }

    /// As [`AsyncBookings::release_hold`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::release_hold`].
    pub fn release_hold(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        hold_id: &str,
    ) -> Result<Hold> {
        now_or_never(self.inner.release_hold(schedule, actor, now, date, hold_id))
    }

    /// As [`AsyncBookings::expire_holds`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::expire_holds`].
    pub fn expire_holds(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        dates: RangeInclusive<NaiveDate>,
    ) -> Result<Vec<Hold>> {
        now_or_never(self.inner.expire_holds(schedule, actor, now, dates))
    }

    /// As [`AsyncBookings::book`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::book`].
    pub fn book(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        request: BookRequest,
    ) -> Result<Appointment> {
        now_or_never(self.inner.book(schedule, actor, now, request))
    }

    /// As [`AsyncBookings::book_hold`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::book_hold`].
    pub fn book_hold(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        hold_id: &str,
        appointment_id: &str,
    ) -> Result<Appointment> {
        now_or_never(
            self.inner
                .book_hold(schedule, actor, now, date, hold_id, appointment_id),
        )
    }

    /// As [`AsyncBookings::confirm`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::confirm`].
    pub fn confirm(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        appointment_id: &str,
    ) -> Result<Appointment> {
        now_or_never(
            self.inner
                .confirm(schedule, actor, now, date, appointment_id),
        )
    }

    /// As [`AsyncBookings::decline`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::decline`].
    pub fn decline(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        appointment_id: &str,
        reason: Option<String>,
    ) -> Result<Appointment> {
        now_or_never(
            self.inner
                .decline(schedule, actor, now, date, appointment_id, reason),
        )
    }

    /// As [`AsyncBookings::complete`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::complete`].
    pub fn complete(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        appointment_id: &str,
    ) -> Result<Appointment> {
        now_or_never(
            self.inner
                .complete(schedule, actor, now, date, appointment_id),
        )
    }

    /// As [`AsyncBookings::mark_no_show`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::mark_no_show`].
    pub fn mark_no_show(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        appointment_id: &str,
    ) -> Result<Appointment> {
        now_or_never(
            self.inner
                .mark_no_show(schedule, actor, now, date, appointment_id),
        )
    }

    /// As [`AsyncBookings::cancel`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::cancel`].
    pub fn cancel(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        appointment_id: &str,
        reason: Option<String>,
    ) -> Result<Appointment> {
        now_or_never(
            self.inner
                .cancel(schedule, actor, now, date, appointment_id, reason),
        )
    }

    /// As [`AsyncBookings::feed`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::feed`].
    pub fn feed(&self, schedule: &Schedule, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        now_or_never(self.inner.feed(schedule, after, limit))
    }

    /// As [`AsyncBookings::appointment`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::appointment`].
    pub fn appointment(
        &self,
        schedule: &Schedule,
        date: NaiveDate,
        appointment_id: &str,
    ) -> Result<Appointment> {
        now_or_never(self.inner.appointment(schedule, date, appointment_id))
    }

    /// As [`AsyncBookings::reschedule`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::reschedule`].
    pub fn reschedule(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        appointment_id: &str,
        start: DateTime<Utc>,
    ) -> Result<Appointment> {
        now_or_never(
            self.inner
                .reschedule(schedule, actor, now, date, appointment_id, start),
        )
    }

    /// As [`AsyncBookings::void_unfinished_moves`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::void_unfinished_moves`].
    pub fn void_unfinished_moves(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        dates: RangeInclusive<NaiveDate>,
    ) -> Result<Vec<Appointment>> {
        now_or_never(
            self.inner
                .void_unfinished_moves(schedule, actor, now, dates),
        )
    }

    /// As [`AsyncBookings::collisions`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::collisions`].
    pub fn collisions(
        &self,
        schedule: &Schedule,
        dates: RangeInclusive<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Collision>> {
        now_or_never(self.inner.collisions(schedule, dates, now))
    }

    /// As [`AsyncBookings::feed_notifications`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::feed_notifications`].
    pub fn feed_notifications(
        &self,
        schedule: &Schedule,
        after: u64,
        limit: usize,
    ) -> Result<FeedNotifications> {
        now_or_never(self.inner.feed_notifications(schedule, after, limit))
    }

    /// As [`AsyncBookings::reminders`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::reminders`].
    pub fn reminders(
        &self,
        schedule: &Schedule,
        dates: RangeInclusive<NaiveDate>,
        after: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<Notification>> {
        now_or_never(self.inner.reminders(schedule, dates, after, until))
    }
}
