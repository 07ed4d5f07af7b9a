//! The booking service: routes commands to their day book, decides, appends, and retries on
//! concurrent writes.

use std::ops::RangeInclusive;

use chrono::{DateTime, NaiveDate, Utc};

use super::moves::{MAX_MOVES, OnItsDay};
use crate::store::{AsyncEventStore, Decision, Ran, Stamp, run};
use crate::{
    Error, Problem, Result, booking::Appointment, booking::BookRequest, booking::Command,
    booking::Context, booking::DayBook, booking::Hold, booking::HoldRequest, booking::Schedule,
    booking::decide, store::Actor, store::Change, store::Event, store::FeedEntry, store::StreamId,
};

/// How often a command is decided again after another writer changed its day book first.
const DEFAULT_MAX_ATTEMPTS: u32 = 64;

/// The most day books one call reads (as [`MAX_RANGE_DAYS`](crate::MAX_RANGE_DAYS)).
const MAX_DAYS: i64 = crate::MAX_RANGE_DAYS;

/// Holds, bookings and the appointment lifecycle over an [`AsyncEventStore`]: a database
/// on an async runtime, or a store in JavaScript that answers with Promises. Every method is
/// an `async fn` whose future is `Send` (when the store's are); nothing here depends on a
/// runtime. [`Bookings`](crate::booking::Bookings) is the same service over a sync store.
///
/// # Example
///
/// ```
/// use medsched::booking::{AsyncBookings, BookRequest, Schedule};
/// use medsched::store::{Actor, Blocking, InMemoryStore};
/// use medsched::{AppointmentType, Clinic, DoctorCalendar, Location, Session, WeeklyTemplate};
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
/// let schedule = Schedule::new("clinic-1", &clinic, &[calendar], &[AppointmentType::new("consult", 15)])?;
/// // Any async store; here the in-memory one seen through `Blocking`.
/// let bookings = AsyncBookings::new(Blocking(InMemoryStore::new()));
/// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
///
/// let booked = futures::executor::block_on(bookings.book(&schedule, &Actor::patient("pat-1"),
///     t("2026-03-01T10:00:00Z"), BookRequest {
///         appointment_id: "a-1".into(),
///         patient_id: "pat-1".into(),
///         doctor_id: "dr-lee".into(),
///         appointment_type_id: "consult".into(),
///         start: t("2026-03-03T09:00:00Z"),
///     }))?;
/// assert_eq!(booked.slot.start, t("2026-03-03T09:00:00Z"));
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Debug)]
pub struct AsyncBookings<S> {
    store: S,
    pub(super) max_attempts: u32,
}

impl<S: AsyncEventStore> AsyncBookings<S> {
    /// A booking service over `store`.
    pub fn new(store: S) -> Self {
        AsyncBookings {
            store,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }

    /// The same service, deciding a command at most `attempts` times (64 by default) before
    /// it gives up with [`Error::Conflict`].
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Decides `command` on the day book of `date` and appends its events, retrying on
    /// concurrent writes. Returns the book as the command left it and the new events (none
    /// when the command changed nothing).
    ///
    /// # Errors
    ///
    /// Those of [`decide`]; [`Error::Conflict`] when every attempt met a concurrent write;
    /// the store's errors.
    pub async fn execute(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        command: &Command,
    ) -> Result<(DayBook, Vec<Event>)> {
        self.decide_and_append(schedule, actor, now, date, |book, ctx| {
            decide(book, command, ctx)
        })
        .await
    }

    /// Loads the day book, decides with `decider`, appends; again on a concurrent write.
    pub(super) async fn decide_and_append(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        decider: impl Fn(&DayBook, &Context<'_>) -> Result<Vec<Change>>,
    ) -> Result<(DayBook, Vec<Event>)> {
        let ctx = Context {
            schedule,
            date,
            actor,
            now,
        };
        let ran = self
            .run_on(schedule, actor, now, date, |book: &DayBook| {
                decider(book, &ctx).map(Decision::<()>::Append)
            })
            .await?;
        match ran {
            Ran::Appended { state, events, .. } => Ok((state, events)),
            Ran::Stopped(()) => Ok((DayBook::new(), Vec::new())),
        }
    }

    /// Runs `decision` on the day book of `date` with the shared retry runner.
    pub(super) async fn run_on<X>(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        decision: impl Fn(&DayBook) -> Result<Decision<X>>,
    ) -> Result<Ran<DayBook, X>> {
        let stream = StreamId::new(schedule.tenant().clone(), date);
        let stamp = Stamp { actor, at: now };
        run(
            &self.store,
            &stream,
            stamp,
            self.max_attempts,
            None,
            decision,
            |_| (),
        )
        .await
    }

    /// The day book of a date.
    ///
    /// # Errors
    ///
    /// The store's errors.
    pub async fn day(&self, schedule: &Schedule, date: NaiveDate) -> Result<DayBook> {
        let stream = StreamId::new(schedule.tenant().clone(), date);
        let loaded = crate::store::load(&self.store, &stream).await?;
        Ok(DayBook::from_events(loaded.events))
    }

    /// Holds a slot. The hold's day book is the book date of `request.start`.
    ///
    /// # Errors
    ///
    /// As [`decide`] for [`Command::PlaceHold`].
    pub async fn hold(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        request: HoldRequest,
    ) -> Result<Hold> {
        let (date, id) = (
            start_date(schedule, request.start)?,
            request.hold_id.clone(),
        );
        let (book, _) = self
            .execute(schedule, actor, now, date, &request.into())
            .await?;
        hold_in(&book, &id)
    }

    /// Gives an active hold more time: `minutes` from now, or the type's hold length by who
    /// asks.
    ///
    /// # Errors
    ///
    /// As [`decide`] for [`Command::ExtendHold`].
    pub async fn extend_hold(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        hold_id: &str,
        minutes: Option<u32>,
    ) -> Result<Hold> {
        let command = Command::ExtendHold {
            hold_id: hold_id.into(),
            minutes,
        };
        let (book, _) = self.execute(schedule, actor, now, date, &command).await?;
        hold_in(&book, hold_id)
    }

    /// Releases a hold.
    ///
    /// # Errors
    ///
    /// As [`decide`] for [`Command::ReleaseHold`].
    pub async fn release_hold(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        hold_id: &str,
    ) -> Result<Hold> {
        let command = Command::ReleaseHold {
            hold_id: hold_id.into(),
        };
        let (book, _) = self.execute(schedule, actor, now, date, &command).await?;
        hold_in(&book, hold_id)
    }

    /// Ends the holds of the given days that have lapsed at `now`, and returns them: what a
    /// host's every-minute job calls, so that clients hear `hold_released`. (A lapsed hold
    /// stops occupying its slot at `expires_at` whether or not this runs.)
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a range longer than 1,100 days or ending before it starts;
    /// the store's errors.
    pub async fn expire_holds(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        dates: RangeInclusive<NaiveDate>,
    ) -> Result<Vec<Hold>> {
        let mut expired = Vec::new();
        for date in days(&dates)? {
            let (book, events) = self
                .execute(schedule, actor, now, date, &Command::ExpireHolds)
                .await?;
            for event in events {
                if let Change::HoldExpired { hold_id, .. } = event.change {
                    expired.push(hold_in(&book, &hold_id)?);
                }
            }
        }
        Ok(expired)
    }

    /// Books a slot directly. The appointment's day book is the book date of
    /// `request.start`.
    ///
    /// # Errors
    ///
    /// As [`decide`] for [`Command::Book`].
    pub async fn book(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        request: BookRequest,
    ) -> Result<Appointment> {
        let (date, id) = (
            start_date(schedule, request.start)?,
            request.appointment_id.clone(),
        );
        let (book, _) = self
            .execute(schedule, actor, now, date, &request.into())
            .await?;
        appointment_in(&book, &id)
    }

    /// Books the slot of an active hold, on the hold's day book.
    ///
    /// # Errors
    ///
    /// As [`decide`] for [`Command::BookHold`].
    pub async fn book_hold(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        hold_id: &str,
        appointment_id: &str,
    ) -> Result<Appointment> {
        let command = Command::BookHold {
            appointment_id: appointment_id.into(),
            hold_id: hold_id.into(),
        };
        let (book, _) = self.execute(schedule, actor, now, date, &command).await?;
        appointment_in(&book, appointment_id)
    }

    /// Decides a status change of appointment `id` where it is now, found as
    /// [`appointment`](Self::appointment) finds it (following moves).
    async fn update(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        id: &str,
        command: &Command,
    ) -> Result<Appointment> {
        let mut date = date;
        for _ in 0..MAX_MOVES {
            let found = self.locate(schedule, date, id).await?;
            match self
                .execute_on(schedule, actor, now, &found.appointment, command)
                .await?
            {
                OnItsDay::Decided(book) => return appointment_in(&book, id),
                // It left that day meanwhile: find it again, from there.
                OnItsDay::Left => date = found.appointment.book_date,
            }
        }
        Err(not_found(id))
    }

    /// Confirms a pending appointment (staff).
    ///
    /// # Errors
    ///
    /// As [`decide`] for [`Command::Confirm`].
    pub async fn confirm(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        appointment_id: &str,
    ) -> Result<Appointment> {
        let command = Command::Confirm {
            appointment_id: appointment_id.into(),
        };
        self.update(schedule, actor, now, date, appointment_id, &command)
            .await
    }

    /// Declines a pending appointment (staff).
    ///
    /// # Errors
    ///
    /// As [`decide`] for [`Command::Decline`].
    pub async fn decline(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        appointment_id: &str,
        reason: Option<String>,
    ) -> Result<Appointment> {
        let command = Command::Decline {
            appointment_id: appointment_id.into(),
            reason,
        };
        self.update(schedule, actor, now, date, appointment_id, &command)
            .await
    }

    /// Records that a confirmed appointment took place (staff, once it has started).
    ///
    /// # Errors
    ///
    /// As [`decide`] for [`Command::Complete`].
    pub async fn complete(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        appointment_id: &str,
    ) -> Result<Appointment> {
        let command = Command::Complete {
            appointment_id: appointment_id.into(),
        };
        self.update(schedule, actor, now, date, appointment_id, &command)
            .await
    }

    /// Records that the patient of a confirmed appointment did not come (staff, once it has
    /// started).
    ///
    /// # Errors
    ///
    /// As [`decide`] for [`Command::MarkNoShow`].
    pub async fn mark_no_show(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        appointment_id: &str,
    ) -> Result<Appointment> {
        let command = Command::MarkNoShow {
            appointment_id: appointment_id.into(),
        };
        self.update(schedule, actor, now, date, appointment_id, &command)
            .await
    }

    /// Cancels an appointment; the actor is recorded as who cancelled.
    ///
    /// # Errors
    ///
    /// As [`decide`] for [`Command::Cancel`].
    pub async fn cancel(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        appointment_id: &str,
        reason: Option<String>,
    ) -> Result<Appointment> {
        let command = Command::Cancel {
            appointment_id: appointment_id.into(),
            reason,
        };
        self.update(schedule, actor, now, date, appointment_id, &command)
            .await
    }

    /// The tenant's change feed after `after` (0 for the start), at most `limit` entries:
    /// what a host pushes to its clients (see [`Change::topic`](crate::store::Change::topic)).
    ///
    /// # Errors
    ///
    /// The store's errors.
    pub async fn feed(
        &self,
        schedule: &Schedule,
        after: u64,
        limit: usize,
    ) -> Result<Vec<FeedEntry>> {
        self.store.feed(schedule.tenant(), after, limit).await
    }

    /// Loads the day books of `dates`, in order.
    pub(crate) async fn days(
        &self,
        schedule: &Schedule,
        dates: &RangeInclusive<NaiveDate>,
    ) -> Result<Vec<(NaiveDate, LoadedBook)>> {
        let mut books = Vec::new();
        for date in days(dates)? {
            let stream = StreamId::new(schedule.tenant().clone(), date);
            let loaded = crate::store::load(&self.store, &stream).await?;
            books.push((date, loaded.events));
        }
        Ok(books)
    }
}

/// A day book's events, as loaded.
pub(crate) type LoadedBook = Vec<Event>;

/// The dates of a range, checked.
fn days(dates: &RangeInclusive<NaiveDate>) -> Result<impl Iterator<Item = NaiveDate> + use<>> {
    let (first, last) = (*dates.start(), *dates.end());
    let span = (last - first).num_days();
    if span < 0 {
        return Err(Error::invalid("dates", last, Problem::EndNotAfterStart));
    }
    if span >= MAX_DAYS {
        return Err(Error::invalid(
            "dates",
            format!("{first}..={last}"),
            Problem::OutOfRange(format!("at most {MAX_DAYS} days")),
        ));
    }
    Ok(first.iter_days().take(span as usize + 1))
}

/// The book date of a requested start (an error names the field `start`).
pub(super) fn start_date(schedule: &Schedule, start: DateTime<Utc>) -> Result<NaiveDate> {
    schedule
        .book_date(start)
        .map_err(|e| e.map_field(|_| "start".into()))
}

fn hold_in(book: &DayBook, id: &str) -> Result<Hold> {
    book.hold(id).cloned().ok_or_else(|| Error::NotFound {
        kind: "hold",
        id: id.to_owned(),
    })
}

pub(super) fn appointment_in(book: &DayBook, id: &str) -> Result<Appointment> {
    book.appointment(id).cloned().ok_or_else(|| not_found(id))
}

pub(super) fn not_found(id: &str) -> Error {
    Error::NotFound {
        kind: "appointment",
        id: id.to_owned(),
    }
}
