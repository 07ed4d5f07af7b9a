//! The steps of a move to another day: each decided on one day book.

use chrono::{DateTime, NaiveDate, Utc};

use super::check::{SlotAsk, claim};
use super::guards::{appointment, fresh_id, may_reschedule};
use crate::availability::compile::check_instant;
use crate::{
    Error, Result, booking::Appointment, booking::Context, booking::DayBook, booking::SlotClaim,
    store::Change, store::StreamId,
};

/// The steps of a move to another day, which [`Bookings::reschedule`](crate::booking::Bookings::reschedule)
/// decides on two day books. Not a public command: each step trusts what the service read.
///
/// A move is named by its token: the old day and the version of it the move read the
/// appointment at. The copy on the new day carries the token (`moved_from`,
/// `moved_from_version`), the old day's `moved_out` carries the version, and an abort
/// touches only the copy of its own move.
pub(crate) enum Move<'a> {
    /// On the new day: book the appointment, as it stood on its old day at `version`, at
    /// `start`.
    In {
        appointment: &'a Appointment,
        version: u64,
        start: DateTime<Utc>,
    },
    /// On the old day, at `version`: let the appointment go to the slot it took on
    /// `to_date`.
    Out {
        appointment_id: &'a str,
        version: u64,
        to_date: NaiveDate,
        to: &'a SlotClaim,
    },
    /// On the new day: void the copy of the move read from `from` at `version`, because its
    /// old day will not let it go. Nothing to do if the day holds no such copy.
    Abort {
        appointment_id: &'a str,
        from: NaiveDate,
        version: u64,
    },
    /// On the old day: declare void an unfinished move's copy on `copy_on` (its mover died
    /// or has not let go yet); appended at the version that move read, it makes the move's
    /// `Out` fail.
    Void {
        appointment_id: &'a str,
        copy_on: NaiveDate,
    },
}

/// Decides one step of a move to another day.
pub(crate) fn decide_move(
    book: &DayBook,
    step: &Move<'_>,
    ctx: &Context<'_>,
) -> Result<Vec<Change>> {
    check_instant(|| "now".into(), ctx.now)?;
    match *step {
        Move::In {
            appointment,
            version,
            start,
        } => {
            check_instant(|| "start".into(), start)?;
            // It may come back to a day it once left, or where an earlier move was aborted;
            // any other record of the id (even a cancelled one) stays.
            let taken = book
                .appointment(&appointment.id)
                .is_some_and(|a| a.moved_to.is_none());
            fresh_id(taken, "appointment_id", &appointment.id)?;
            // A move arrives once: a mover that read the old day before another move of the
            // same reading landed here has read a day that has moved on.
            if book.moved_in(&appointment.id, appointment.book_date, version) {
                return Err(Error::Conflict {
                    stream: StreamId::new(ctx.schedule.tenant().clone(), appointment.book_date)
                        .to_string(),
                    expected: version,
                    actual: version + 1,
                });
            }
            may_reschedule(ctx, appointment)?;
            let ask = SlotAsk {
                doctor_id: &appointment.slot.doctor_id,
                appointment_type_id: &appointment.slot.appointment_type_id,
                start,
                except: None,
                held_since: None,
            };
            let slot = claim(ctx, book, &ask)?;
            Ok(vec![Change::AppointmentBooked {
                appointment: Appointment {
                    slot,
                    book_date: ctx.date,
                    hold_id: None,
                    reschedule_count: appointment.reschedule_count.saturating_add(1),
                    moved_from: Some(appointment.book_date),
                    moved_from_version: Some(version),
                    moved_to: None,
                    updated_at: ctx.now,
                    ..appointment.clone()
                },
            }])
        }
        Move::Out {
            appointment_id,
            version,
            to_date,
            to,
        } => {
            let a = appointment(book, appointment_id)?;
            may_reschedule(ctx, a)?;
            Ok(vec![Change::AppointmentMovedOut {
                appointment_id: a.id.clone(),
                to_date,
                from_version: version,
                to: to.clone(),
            }])
        }
        Move::Abort {
            appointment_id,
            from,
            version,
        } => {
            let copy = book.appointment(appointment_id).filter(|a| {
                a.moved_to.is_none()
                    && a.moved_from == Some(from)
                    && a.moved_from_version == Some(version)
            });
            Ok(copy.map_or_else(Vec::new, |a| {
                vec![Change::AppointmentMoveAborted {
                    appointment_id: a.id.clone(),
                    slot: a.slot.clone(),
                    back_to: from,
                }]
            }))
        }
        Move::Void {
            appointment_id,
            copy_on,
        } => {
            let a = appointment(book, appointment_id)?;
            Ok(vec![Change::AppointmentMoveVoided {
                appointment_id: a.id.clone(),
                copy_on,
            }])
        }
    }
}
