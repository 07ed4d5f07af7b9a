//! Finding an appointment where it is now, and moving it: within its day, or to another day
//! in two steps that never lose a concurrent change.

use std::ops::RangeInclusive;

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
    /// dies between the two appends leaves a copy on the new day, which the next move there
    /// or [`void_unfinished_moves`](Self::void_unfinished_moves) voids.)
    ///
    /// # Errors
    ///
    /// As [`decide`](crate::decide) for [`Command::Reschedule`] (across days, the same
    /// refusals, from either day).
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
        let arrived = self.decide_and_append(schedule, actor, now, to_date, |book, ctx| {
            decide_move(book, &arrive, ctx)
        });
        let (book, _) = match arrived {
            Err(
                e @ Error::InvalidInput {
                    problem: Problem::DuplicateId,
                    ..
                },
            ) => {
                // A copy from an unfinished move (a mover that died, or one still between
                // its two steps) is in the way: void it, then read again and retry.
                if !self.is_unfinished_copy(schedule, found, to_date)? {
                    return Err(e);
                }
                self.void_copy(schedule, actor, now, found, to_date)?;
                return Err(Error::Conflict {
                    stream: StreamId::new(schedule.tenant().clone(), current.book_date).to_string(),
                    expected: found.version,
                    actual: found.version + 1,
                });
            }
            other => other?,
        };
        let moved = appointment_in(&book, &current.id)?;
        let from_date = current.book_date;
        let leave = Move::Out {
            appointment_id: &current.id,
            to_date,
            to: &moved.slot,
        };
        let left = self.append_at(schedule, actor, now, found, &leave);
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

    /// Decides `step` on the old day as it was read (`found`) and appends it only if that
    /// day is still at the version read.
    fn append_at(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        found: &Located,
        step: &Move<'_>,
    ) -> Result<u64> {
        let date = found.appointment.book_date;
        let ctx = Context {
            schedule,
            date,
            actor,
            now,
        };
        let changes = decide_move(&found.book, step, &ctx)?;
        let events = self.events(schedule, actor, now, changes);
        let stream = StreamId::new(schedule.tenant().clone(), date);
        self.store().append(&stream, found.version, &events)
    }

    /// Whether `copy_date` holds an unfinished move's copy of `found.appointment`: a live
    /// record of the id that came from the day the appointment is still on.
    fn is_unfinished_copy(
        &self,
        schedule: &Schedule,
        found: &Located,
        copy_date: NaiveDate,
    ) -> Result<bool> {
        let book = self.day(schedule, copy_date)?;
        Ok(book.appointment(&found.appointment.id).is_some_and(|copy| {
            copy.moved_to.is_none() && copy.moved_from == Some(found.appointment.book_date)
        }))
    }

    /// Voids the unfinished move of `found.appointment` to `copy_date`: first on the day it
    /// is on, at the version read (so no late step of that move can succeed), then aborts
    /// the copy.
    fn void_copy(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        found: &Located,
        copy_date: NaiveDate,
    ) -> Result<Appointment> {
        let id = &found.appointment.id;
        let void = Move::Void {
            appointment_id: id,
            copy_on: copy_date,
        };
        self.append_at(schedule, actor, now, found, &void)?;
        let abort = Move::Abort {
            appointment_id: id,
            back_to: found.appointment.book_date,
        };
        let (book, _) = self.decide_and_append(schedule, actor, now, copy_date, |book, ctx| {
            decide_move(book, &abort, ctx)
        })?;
        appointment_in(&book, id)
    }

    /// Finds and voids, on the day books of `dates`, the copies left by moves to another day
    /// that never finished: the new day booked the appointment, but the process died before
    /// the old day let it go, so the patient holds a slot on both days. A host runs it now
    /// and then (say, nightly over the booking horizon). Returns the voided copies, each now
    /// recorded as `appointment_move_aborted`; the appointment stays on its old day. A move
    /// still in progress that it meets is voided too, and that move reads again and retries.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a bad range; the store's errors.
    pub fn void_unfinished_moves(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        dates: RangeInclusive<NaiveDate>,
    ) -> Result<Vec<Appointment>> {
        let mut voided = Vec::new();
        for (date, events) in self.days(schedule, &dates)? {
            let book = DayBook::from_events(events);
            let copies = book
                .appointments()
                .iter()
                .filter_map(|a| match a.moved_from {
                    Some(from) if a.moved_to.is_none() => Some((a.id.clone(), from)),
                    _ => None,
                });
            for (id, from) in copies.collect::<Vec<_>>() {
                let loaded = self
                    .store()
                    .load(&StreamId::new(schedule.tenant().clone(), from))?;
                let version = loaded.version;
                let old_book = DayBook::from_events(loaded.events);
                let Some(old) = old_book.appointment(&id).cloned() else {
                    continue;
                };
                match old.moved_to {
                    Some(to) if to == date => {}
                    Some(_) => {
                        let abort = Move::Abort {
                            appointment_id: &id,
                            back_to: from,
                        };
                        let (book, _) =
                            self.decide_and_append(schedule, actor, now, date, |book, ctx| {
                                decide_move(book, &abort, ctx)
                            })?;
                        voided.push(appointment_in(&book, &id)?);
                    }
                    None => {
                        let found = Located {
                            appointment: old,
                            book: old_book,
                            version,
                        };
                        match self.void_copy(schedule, actor, now, &found, date) {
                            Ok(copy) => voided.push(copy),
                            Err(e) if e.is_conflict() => {}
                            Err(e) => return Err(e),
                        }
                    }
                }
            }
        }
        Ok(voided)
    }
}
