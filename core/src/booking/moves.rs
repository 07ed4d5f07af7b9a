//! Finding an appointment where it is now, and moving it: within its day, or to another day
//! in two steps that never lose a concurrent change.

use std::ops::RangeInclusive;

use chrono::{DateTime, NaiveDate, Utc};

use super::move_step::{Move, decide_move};
use super::service::{appointment_in, not_found, start_date};
use crate::availability::compile::check_instant;
use crate::booking::{Appointment, AsyncBookings, Command, Context, DayBook, Schedule, decide};
use crate::store::{Actor, AsyncEventStore, Decision, Ran, Stamp, StreamId, append};
use crate::{Error, Problem, Result};

/// The most moves followed to find an appointment.
pub(super) const MAX_MOVES: usize = 64;

/// An appointment where it is now, with the day book it was read from and that book's
/// version.
pub(super) struct Located {
    pub(super) appointment: Appointment,
    book: DayBook,
    version: u64,
}

/// What a decision on the day an appointment was located on found when it read that day
/// again.
pub(super) enum OnItsDay {
    /// The day still holds the record located: the command was decided there (its book
    /// after the command).
    Decided(DayBook),
    /// The appointment left that day meanwhile (moved to another day, or its record replaced
    /// by a copy that arrived): nothing was decided; locate it again.
    Left,
}

/// What the new day of a move to another day holds under the appointment's id.
enum Arrival {
    /// Nothing in the way: the move was booked there (the book after it).
    Booked(DayBook),
    /// A record of the appointment already occupies a slot there: a copy in transit, or the
    /// appointment itself, moved there by someone else.
    Occupied(Appointment),
}

impl<S: AsyncEventStore> AsyncBookings<S> {
    /// An appointment booked on `date`, followed to the day it was moved to if it was
    /// rescheduled to another day.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when neither the day nor the days it moved to hold it.
    pub async fn appointment(
        &self,
        schedule: &Schedule,
        date: NaiveDate,
        appointment_id: &str,
    ) -> Result<Appointment> {
        let found = self.locate(schedule, date, appointment_id).await?;
        Ok(found.appointment)
    }

    /// The appointment where it is now, with its day's version: from `date`, following
    /// moves, and passing over copies in transit (a copy whose old day has not recorded its
    /// move is not the appointment yet: its old day's record is).
    pub(super) async fn locate(
        &self,
        schedule: &Schedule,
        date: NaiveDate,
        id: &str,
    ) -> Result<Located> {
        let mut date = date;
        for _ in 0..MAX_MOVES {
            let (book, version) = self.load(schedule, date).await?;
            let appointment = appointment_in(&book, id)?;
            if let Some(to) = appointment.moved_to {
                date = to;
                continue;
            }
            if let Some(from) = self.in_transit_from(schedule, &appointment).await? {
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
    pub(super) async fn in_transit_from(
        &self,
        schedule: &Schedule,
        record: &Appointment,
    ) -> Result<Option<NaiveDate>> {
        let (Some(from), Some(version)) = (record.moved_from, record.moved_from_version) else {
            return Ok(None);
        };
        let (old_day, _) = self.load(schedule, from).await?;
        let moved = old_day.moved_out(&record.id, record.book_date, version);
        Ok((!moved).then_some(from))
    }

    /// A day book and its version.
    async fn load(&self, schedule: &Schedule, date: NaiveDate) -> Result<(DayBook, u64)> {
        let stream = StreamId::new(schedule.tenant().clone(), date);
        let loaded = crate::store::load(self.store(), &stream).await?;
        Ok((DayBook::from_events(loaded.events), loaded.version))
    }

    /// Whether `current` has left its day since it was located there: moved to another day,
    /// or its record replaced by a copy that arrived.
    async fn has_left(&self, schedule: &Schedule, current: &Appointment) -> Result<bool> {
        let (book, _) = self.load(schedule, current.book_date).await?;
        Ok(book
            .appointment(&current.id)
            .is_some_and(|a| left(a, current)))
    }

    /// Decides `command` on `located`'s day only while that day still holds the record
    /// located; [`OnItsDay::Left`] if it has left since.
    pub(super) async fn execute_on(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        located: &Appointment,
        command: &Command,
    ) -> Result<OnItsDay> {
        let date = located.book_date;
        let ctx = Context {
            schedule,
            date,
            actor,
            now,
        };
        let ran = self
            .run_on(schedule, actor, now, date, |book: &DayBook| {
                if book
                    .appointment(&located.id)
                    .is_some_and(|a| left(a, located))
                {
                    return Ok(Decision::Stop(()));
                }
                decide(book, command, &ctx).map(Decision::Append)
            })
            .await?;
        Ok(match ran {
            Ran::Appended { state, .. } => OnItsDay::Decided(state),
            Ran::Stopped(()) => OnItsDay::Left,
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
    /// As [`decide`](crate::booking::decide) for [`Command::Reschedule`] (across days, the
    /// same refusals, from either day).
    pub async fn reschedule(
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
            let moved = self
                .move_once(schedule, actor, now, date, appointment_id, start, to_date)
                .await;
            match moved {
                Err(e) if e.is_conflict() && attempt < self.max_attempts => attempt += 1,
                done => return done,
            }
        }
    }

    /// One attempt of [`reschedule`](Self::reschedule): the appointment located from
    /// `date`, moved within its day or to `to_date`, and located again wherever it went if
    /// it left its day before the move decided.
    #[allow(clippy::too_many_arguments)]
    async fn move_once(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        appointment_id: &str,
        start: DateTime<Utc>,
        to_date: NaiveDate,
    ) -> Result<Appointment> {
        let mut date = date;
        for _ in 0..MAX_MOVES {
            let found = self.locate(schedule, date, appointment_id).await?;
            let current = &found.appointment;
            if to_date == current.book_date {
                let command = Command::Reschedule {
                    appointment_id: appointment_id.into(),
                    start,
                };
                match self
                    .execute_on(schedule, actor, now, current, &command)
                    .await?
                {
                    OnItsDay::Decided(book) => return appointment_in(&book, appointment_id),
                    OnItsDay::Left => date = current.book_date,
                }
                continue;
            }
            match self
                .move_to_day(schedule, actor, now, &found, to_date, start)
                .await?
            {
                Some(moved) => return Ok(moved),
                None => date = current.book_date,
            }
        }
        Err(not_found(appointment_id))
    }

    /// Moves `found.appointment` to `start` on `to_date`: books it there, then records the
    /// move on its old day **only if that day is still at the version the appointment was
    /// read at**, so the copy booked on the new day is exactly what the old day held. If the
    /// old day changed meanwhile (a confirmation, a cancellation, another move, any booking
    /// of the day), the arrival is recorded as aborted and [`Error::Conflict`] returned, for
    /// the caller to read again and retry. `None` when the appointment left its day before
    /// the move (the caller locates it again).
    async fn move_to_day(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        found: &Located,
        to_date: NaiveDate,
        start: DateTime<Utc>,
    ) -> Result<Option<Appointment>> {
        let current = &found.appointment;
        let arrive = Move::In {
            appointment: current,
            version: found.version,
            start,
        };
        let ctx = Context {
            schedule,
            date: to_date,
            actor,
            now,
        };
        let arrival = self
            .run_on(schedule, actor, now, to_date, |book: &DayBook| {
                check_instant(|| "now".into(), now)?;
                check_instant(|| "start".into(), start)?;
                if let Some(there) = book.appointment(&current.id).filter(|a| a.occupies()) {
                    return Ok(Decision::Stop(there.clone()));
                }
                decide_move(book, &arrive, &ctx).map(Decision::Append)
            })
            .await;
        let arrival = match arrival {
            Ok(Ran::Appended { state, .. }) => Arrival::Booked(state),
            Ok(Ran::Stopped(there)) => Arrival::Occupied(there),
            // The arrival was refused. A refusal that names the appointment (its id is not
            // there, or taken there by a record that holds no slot) may mean it left its day
            // since it was located: then it is located again. Any other refusal (the slot is
            // taken, a policy forbids it) is the answer.
            Err(refusal) => {
                let about_it = matches!(
                    refusal,
                    Error::NotFound {
                        kind: "appointment",
                        ..
                    } | Error::InvalidInput {
                        problem: Problem::DuplicateId,
                        ..
                    }
                );
                return if about_it && self.has_left(schedule, current).await? {
                    Ok(None)
                } else {
                    Err(refusal)
                };
            }
        };
        let book = match arrival {
            Arrival::Booked(book) => book,
            Arrival::Occupied(there) => {
                if self.in_transit_from(schedule, &there).await?.is_some() {
                    // A copy in transit (its mover between its steps, or dead) is in the
                    // way: void it, then read again and retry. The conflict names the new
                    // day at the version the copy was seen at, and the abort after it.
                    let (_, seen) = self.load(schedule, to_date).await?;
                    self.void_copy(schedule, actor, now, &there).await?;
                    return Err(Error::Conflict {
                        stream: StreamId::new(schedule.tenant().clone(), to_date).to_string(),
                        expected: seen,
                        actual: seen + 1,
                    });
                }
                // The appointment itself is there: another mover took it there first.
                if self.has_left(schedule, current).await? {
                    return Ok(None);
                }
                return Err(Error::invalid(
                    "appointment_id",
                    &current.id,
                    Problem::DuplicateId,
                ));
            }
        };
        let moved = appointment_in(&book, &current.id)?;
        let from_date = current.book_date;
        let leave = Move::Out {
            appointment_id: &current.id,
            version: found.version,
            to_date,
            to: &moved.slot,
        };
        match self.append_at(schedule, actor, now, found, &leave).await {
            Ok(_) => Ok(Some(moved)),
            Err(refusal) => {
                let abort = Move::Abort {
                    appointment_id: &current.id,
                    from: from_date,
                    version: found.version,
                };
                self.decide_and_append(schedule, actor, now, to_date, |book, ctx| {
                    decide_move(book, &abort, ctx)
                })
                .await?;
                Err(refusal)
            }
        }
    }

    /// Decides `step` on the old day as it was read (`found`) and appends it only if that
    /// day is still at the version read.
    async fn append_at(
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
        let stream = StreamId::new(schedule.tenant().clone(), date);
        let events = Stamp { actor, at: now }.events(&stream, changes);
        append(self.store(), &stream, found.version, &events).await
    }

    /// Voids `copy`, a copy in transit: if its old day is still at the version its move
    /// read, `appointment_move_voided` is appended there at that version first (so the move's
    /// own `Out` can never land); then the copy is aborted. Returns the aborted copy, or
    /// `None` if another writer aborted it first.
    async fn void_copy(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        copy: &Appointment,
    ) -> Result<Option<Appointment>> {
        let (Some(from), Some(version)) = (copy.moved_from, copy.moved_from_version) else {
            return Ok(None);
        };
        let (old_day, old_version) = self.load(schedule, from).await?;
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
            let stream = StreamId::new(schedule.tenant().clone(), from);
            let events = Stamp { actor, at: now }.events(&stream, changes);
            append(self.store(), &stream, version, &events).await?;
        }
        let abort = Move::Abort {
            appointment_id: &copy.id,
            from,
            version,
        };
        let (book, events) = self
            .decide_and_append(schedule, actor, now, copy.book_date, |book, ctx| {
                decide_move(book, &abort, ctx)
            })
            .await?;
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
    pub async fn void_unfinished_moves(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        dates: RangeInclusive<NaiveDate>,
    ) -> Result<Vec<Appointment>> {
        let mut voided = Vec::new();
        for (_, events) in self.days(schedule, &dates).await? {
            let book = DayBook::from_events(events);
            for copy in book.appointments().iter().filter(|a| a.occupies()) {
                if self.in_transit_from(schedule, copy).await?.is_none() {
                    continue;
                }
                match self.void_copy(schedule, actor, now, copy).await {
                    Ok(aborted) => voided.extend(aborted),
                    Err(e) if e.is_conflict() => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(voided)
    }
}

/// Whether `a`, read again on `located`'s day, shows that the appointment has left it:
/// moved to another day, or replaced by another record (a copy that arrived).
fn left(a: &Appointment, located: &Appointment) -> bool {
    a.moved_to.is_some() || !same_record(a, located)
}

/// Whether `a` is the same record as `located` (not a copy that replaced it since).
fn same_record(a: &Appointment, located: &Appointment) -> bool {
    a.moved_from == located.moved_from && a.moved_from_version == located.moved_from_version
}
