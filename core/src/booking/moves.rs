//! Finding an appointment where it is now, and moving it: within its day, or to another day
//! in two steps that never lose a concurrent change.

use std::ops::RangeInclusive;

use chrono::{DateTime, NaiveDate, Utc};

use super::decide::{Move, decide_move};
use super::service::{appointment_in, not_found, start_date};
use crate::{
    Error, Problem, Result, booking::Appointment, booking::Bookings, booking::Command,
    booking::Context, booking::DayBook, booking::Schedule, booking::decide, store::Actor,
    store::Event, store::EventStore, store::StreamId,
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

    /// The appointment where it is now, with its day's version: from `date`, following
    /// moves, and passing over copies in transit (a copy whose old day has not recorded its
    /// move is not the appointment yet: its old day's record is).
    pub(super) fn locate(&self, schedule: &Schedule, date: NaiveDate, id: &str) -> Result<Located> {
        let mut date = date;
        for _ in 0..MAX_MOVES {
            let (book, version) = self.load(schedule, date)?;
            let appointment = appointment_in(&book, id)?;
            if let Some(to) = appointment.moved_to {
                date = to;
                continue;
            }
            if let Some(from) = self.in_transit_from(schedule, &appointment)? {
                date = from;
                continue;
            }
            return Ok(Located {
                appointment,
                book,
                version,
            });
        }
        Err(not_found(id))
    }

    /// For a live record that arrived by a move its old day has not recorded (a mover still
    /// between its steps, or one that died), that old day; `None` for the appointment itself.
    pub(super) fn in_transit_from(
        &self,
        schedule: &Schedule,
        record: &Appointment,
    ) -> Result<Option<NaiveDate>> {
        let (Some(from), Some(version)) = (record.moved_from, record.moved_from_version) else {
            return Ok(None);
        };
        let (old_day, _) = self.load(schedule, from)?;
        let moved = old_day.moved_out(&record.id, record.book_date, version);
        Ok((!moved).then_some(from))
    }

    /// A day book and its version.
    fn load(&self, schedule: &Schedule, date: NaiveDate) -> Result<(DayBook, u64)> {
        let loaded = self
            .store()
            .load(&StreamId::new(schedule.tenant().clone(), date))?;
        Ok((DayBook::from_events(loaded.events), loaded.version))
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
            .is_some_and(|a| a.moved_to.is_some() || !same_record(a, current)))
    }

    /// Decides `command` on `located`'s day only while that day still holds the record
    /// located (not a copy in transit that replaced it since).
    pub(super) fn execute_on(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        located: &Appointment,
        command: &Command,
    ) -> Result<(DayBook, Vec<Event>)> {
        self.decide_and_append(schedule, actor, now, located.book_date, |book, ctx| {
            if book
                .appointment(&located.id)
                .is_some_and(|a| !same_record(a, located))
            {
                return Err(not_found(&located.id));
            }
            decide(book, command, ctx)
        })
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
    /// As [`decide`](crate::booking::decide) for [`Command::Reschedule`] (across days, the same
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
                    let (book, _) = self.execute_on(schedule, actor, now, current, &command)?;
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
            version: found.version,
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
                // A copy in transit (its mover between its steps, or dead) is in the way:
                // void it, then read again and retry.
                let (new_day, new_version) = self.load(schedule, to_date)?;
                let Some(copy) = new_day.appointment(&current.id).filter(|a| a.occupies()) else {
                    return Err(e);
                };
                if self.in_transit_from(schedule, copy)?.is_none() {
                    return Err(e);
                }
                self.void_copy(schedule, actor, now, copy)?;
                return Err(Error::Conflict {
                    stream: StreamId::new(schedule.tenant().clone(), to_date).to_string(),
                    expected: new_version,
                    actual: new_version + 1,
                });
            }
            other => other?,
        };
        let moved = appointment_in(&book, &current.id)?;
        let from_date = current.book_date;
        let leave = Move::Out {
            appointment_id: &current.id,
            version: found.version,
            to_date,
            to: &moved.slot,
        };
        match self.append_at(schedule, actor, now, found, &leave) {
            Ok(_) => Ok(moved),
            Err(refusal) => {
                let abort = Move::Abort {
                    appointment_id: &current.id,
                    from: from_date,
                    version: found.version,
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

    /// Voids `copy`, a copy in transit: if its old day is still at the version its move
    /// read, `appointment_move_voided` is appended there at that version first (so the move's
    /// own `Out` can never land); then the copy is aborted. Returns the aborted copy, or
    /// `None` if another writer aborted it first.
    fn void_copy(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        copy: &Appointment,
    ) -> Result<Option<Appointment>> {
        let (Some(from), Some(version)) = (copy.moved_from, copy.moved_from_version) else {
            return Ok(None);
        };
        let (old_day, old_version) = self.load(schedule, from)?;
        if old_version != version && old_day.moved_out(&copy.id, copy.book_date, version) {
            // Its move landed since it was seen in transit: it is the appointment now.
            return Err(Error::Conflict {
                stream: StreamId::new(schedule.tenant().clone(), from).to_string(),
                expected: version,
                actual: old_version,
            });
        }
        if old_version == version {
            let ctx = Context {
                schedule,
                date: from,
                actor,
                now,
            };
            let void = Move::Void {
                appointment_id: &copy.id,
                copy_on: copy.book_date,
            };
            let changes = decide_move(&old_day, &void, &ctx)?;
            let events = self.events(schedule, actor, now, changes);
            self.store().append(
                &StreamId::new(schedule.tenant().clone(), from),
                version,
                &events,
            )?;
        }
        let abort = Move::Abort {
            appointment_id: &copy.id,
            from,
            version,
        };
        let (book, events) =
            self.decide_and_append(schedule, actor, now, copy.book_date, |book, ctx| {
                decide_move(book, &abort, ctx)
            })?;
        if events.is_empty() {
            return Ok(None);
        }
        appointment_in(&book, &copy.id).map(Some)
    }

    /// Finds and voids, on the day books of `dates`, the copies of moves to another day that
    /// never finished: the new day booked the appointment, but the process died before the
    /// old day let it go, so the patient holds a slot on both days. A host runs it now and
    /// then (say, nightly over the booking horizon). Returns the voided copies, each now
    /// recorded as `appointment_move_aborted`; the appointment stays on its old day. A move
    /// still between its steps is voided too, and that move reads again and retries.
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
        for (_, events) in self.days(schedule, &dates)? {
            let book = DayBook::from_events(events);
            for copy in book.appointments().iter().filter(|a| a.occupies()) {
                if self.in_transit_from(schedule, copy)?.is_none() {
                    continue;
                }
                match self.void_copy(schedule, actor, now, copy) {
                    Ok(aborted) => voided.extend(aborted),
                    Err(e) if e.is_conflict() => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(voided)
    }
}

/// Whether `a` is the same record as `located` (not a copy that replaced it since).
fn same_record(a: &Appointment, located: &Appointment) -> bool {
    a.moved_from == located.moved_from && a.moved_from_version == located.moved_from_version
}
