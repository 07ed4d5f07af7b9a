//! Finding an appointment where it is now, and moving it: within its day, or to another day
//! in two steps that never lose a concurrent change.

use chrono::{DateTime, NaiveDate, Utc};

use super::decide::{Move, decide_move};
use super::service::{appointment_in, not_found, start_date};
use crate::{
    Actor, Appointment, Bookings, Command, Context, DayBook, Error, EventStore, Problem, Result,
    Schedule, StreamId,
};

/// The most moves followed to find an appointment.
const MAX_MOVES: usize = 64;

/// An appointment where it is now, with the day book it was read from and that book's
/// version.
pub(super) struct Located {
    pub(super) appointment: Appointment,
    book: DayBook,
    version: u64,
}

impl<S: EventStore> Bookings<S> {
    /// An appointment booked on `date`, followed to the day it was moved to if it was
    /// rescheduled to another day.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when neither the day nor the days it moved to hold it.
    pub fn appointment(
        &self,
        schedule: &Schedule,
        date: NaiveDate,
        appointment_id: &str,
    ) -> Result<Appointment> {
        self.locate(schedule, date, appointment_id)
            .map(|found| found.appointment)
    }
    /// The appointment where it is now (following moves), with its day's version.
    pub(super) fn locate(&self, schedule: &Schedule, date: NaiveDate, id: &str) -> Result<Located> {
        let mut date = date;
        for _ in 0..MAX_MOVES {
            let loaded = self
                .store()
                .load(&StreamId::new(schedule.tenant().clone(), date))?;
            let version = loaded.version;
            let book = DayBook::from_events(loaded.events);
            let appointment = appointment_in(&book, id)?;
            match appointment.moved_to {
                Some(to) => date = to,
                None => {
                    return Ok(Located {
                        appointment,
                        book,
                        version,
                    });
                }
            }
        }
        Err(not_found(id))
    }
    /// Runs `step` on the appointment where it is now (found as
    /// [`appointment`](Self::appointment) finds it), and again where it went if a concurrent
    /// reschedule moved it to another day before `step` decided.
    pub(super) fn following<T>(
        &self,
        schedule: &Schedule,
        date: NaiveDate,
        id: &str,
        mut step: impl FnMut(&Located) -> Result<T>,
    ) -> Result<T> {
        let mut date = date;
        for _ in 0..MAX_MOVES {
            let found = self.locate(schedule, date, id)?;
            let current = &found.appointment;
            match step(&found) {
                Err(e) if self.moved_away(schedule, current, &e)? => date = current.book_date,
                done => return done,
            }
        }
        Err(not_found(id))
    }
    /// Whether `refusal` came from the appointment having left `current`'s day meanwhile.
    fn moved_away(
        &self,
        schedule: &Schedule,
        current: &Appointment,
        refusal: &Error,
    ) -> Result<bool> {
        let stale = matches!(
            refusal,
            Error::NotFound {
                kind: "appointment",
                ..
            } | Error::InvalidInput {
                problem: Problem::DuplicateId,
                ..
            }
        );
        if !stale {
            return Ok(false);
        }
        let book = self.day(schedule, current.book_date)?;
        Ok(book
            .appointment(&current.id)
            .is_some_and(|a| a.moved_to.is_some()))
    }
    /// Moves an appointment to `start` (same doctor and type) under its type's reschedule
    /// policy (the one it was booked under). On the same book day this is one atomic
    /// decision. To another day it is two: the new day books the appointment as read from
    /// the old day, then the old day records the move if it has not changed since that read.
    /// Otherwise the new day records the move as aborted, and the move is read again and
    /// retried (or its refusal returned, say if the appointment was cancelled meanwhile), so
    /// the patient never keeps two slots and no concurrent change is lost. (A process that
    /// dies between the two appends leaves the appointment on both days; see the README.)
    ///
    /// # Errors
    ///
    /// As [`decide`](crate::decide) for [`Command::Reschedule`] (across days, the same refusals, from either
    /// day).
    pub fn reschedule(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        appointment_id: &str,
        start: DateTime<Utc>,
    ) -> Result<Appointment> {
        let to_date = start_date(schedule, start)?;
        let mut attempt = 1;
        loop {
            let moved = self.following(schedule, date, appointment_id, |found| {
                let current = &found.appointment;
                if to_date == current.book_date {
                    let command = Command::Reschedule {
                        appointment_id: appointment_id.into(),
                        start,
                    };
                    let (book, _) = self.execute(schedule, actor, now, to_date, &command)?;
                    return appointment_in(&book, appointment_id);
                }
                self.move_to_day(schedule, actor, now, found, to_date, start)
            });
            match moved {
                Err(e) if e.is_conflict() && attempt < self.max_attempts => attempt += 1,
                done => return done,
            }
        }
    }
    /// Moves `found.appointment` to `start` on `to_date`: books it there, then records the
    /// move on its old day **only if that day is still at the version the appointment was
    /// read at**, so the copy booked on the new day is exactly what the old day held. If the
    /// old day changed meanwhile (a confirmation, a cancellation, another move, any booking
    /// of the day), the arrival is recorded as aborted and [`Error::Conflict`] returned, for
    /// the caller to read again and retry.
    fn move_to_day(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        found: &Located,
        to_date: NaiveDate,
        start: DateTime<Utc>,
    ) -> Result<Appointment> {
        let current = &found.appointment;
        let arrive = Move::In {
            appointment: current,
            start,
        };
        let (book, _) = self.decide_and_append(schedule, actor, now, to_date, |book, ctx| {
            decide_move(book, &arrive, ctx)
        })?;
        let moved = appointment_in(&book, &current.id)?;
        let from_date = current.book_date;
        let ctx = Context {
            schedule,
            date: from_date,
            actor,
            now,
        };
        let leave = Move::Out {
            appointment_id: &current.id,
            to_date,
            to: &moved.slot,
        };
        let left = decide_move(&found.book, &leave, &ctx).and_then(|changes| {
            let events = self.events(schedule, actor, now, changes);
            let stream = StreamId::new(schedule.tenant().clone(), from_date);
            self.store().append(&stream, found.version, &events)
        });
        match left {
            Ok(_) => Ok(moved),
            Err(refusal) => {
                let abort = Move::Abort {
                    appointment_id: &current.id,
                    back_to: from_date,
                };
                self.decide_and_append(schedule, actor, now, to_date, |book, ctx| {
                    decide_move(book, &abort, ctx)
                })?;
                Err(refusal)
            }
        }
    }
}
