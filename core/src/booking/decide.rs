//! The decider: a command and a day book give new events or a typed refusal.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::check::{SlotAsk, claim};
use super::guards::{
    UPCOMING, active_hold, appointment, booked, from_status, hold_minutes, may_reschedule,
    notice_given, own, repeat, staff_only, started,
};
use crate::availability::compile::check_instant;
use crate::{
    Error, PolicyRule, Result, booking::AppointmentStatus, booking::Command, booking::DayBook,
    booking::Hold, booking::HoldStatus, booking::Schedule, store::Actor, store::Change,
};

/// What a decision is made with, besides the day book: the tenant's rules, the book's date,
/// who asks, and the present instant.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The tenant's rules.
    pub schedule: &'a Schedule,
    /// The date of the day book decided on.
    pub date: NaiveDate,
    /// Who asks.
    pub actor: &'a Actor,
    /// The present instant: holds lapse, notice and horizon count from it.
    pub now: DateTime<Utc>,
}

/// The text fields of a command, each no longer than
/// [`Limits::max_text_length`](crate::Limits::max_text_length) (an id or a reason is stored
/// in the events for ever).
fn texts(command: &Command) -> Vec<(&'static str, &str)> {
    match command {
        Command::PlaceHold {
            hold_id,
            patient_id,
            doctor_id,
            appointment_type_id,
            ..
        } => vec![
            ("hold_id", hold_id),
            ("patient_id", patient_id),
            ("doctor_id", doctor_id),
            ("appointment_type_id", appointment_type_id),
        ],
        Command::Book {
            appointment_id,
            patient_id,
            doctor_id,
            appointment_type_id,
            ..
        } => vec![
            ("appointment_id", appointment_id),
            ("patient_id", patient_id),
            ("doctor_id", doctor_id),
            ("appointment_type_id", appointment_type_id),
        ],
        Command::BookHold {
            appointment_id,
            hold_id,
        } => vec![("appointment_id", appointment_id), ("hold_id", hold_id)],
        Command::ExtendHold { hold_id, .. } | Command::ReleaseHold { hold_id } => {
            vec![("hold_id", hold_id)]
        }
        Command::Decline {
            appointment_id,
            reason,
        }
        | Command::Cancel {
            appointment_id,
            reason,
        } => {
            let mut texts = vec![("appointment_id", appointment_id.as_str())];
            texts.extend(reason.as_deref().map(|r| ("reason", r)));
            texts
        }
        Command::Confirm { appointment_id }
        | Command::Complete { appointment_id }
        | Command::MarkNoShow { appointment_id }
        | Command::Reschedule { appointment_id, .. } => vec![("appointment_id", appointment_id)],
        Command::ExpireHolds => Vec::new(),
    }
}

/// Decides a command against a day book: the changes it makes, or why it is refused.
///
/// Pure: the same book, command and context always give the same answer, and nothing is
/// written. Every slot check goes through the slot engine
/// ([`Availability::slots`](crate::Availability::slots)): availability, capacity, rooms,
/// buffers, minimum notice, booking horizon and other holds. Repeating a hold or booking
/// that is already in the book (same id, patient, doctor, type and start) changes nothing
/// and is not an error, so a host can retry a request safely; so is rescheduling to the
/// current start.
///
/// # Errors
///
/// - [`Error::SlotUnavailable`] with the slot engine's reason (booked, held, closed by which
///   rule, too soon, too far ahead...);
/// - [`Error::InvalidInput`] for an id already used, a start that is not a slot start or not
///   on this day, an instant outside the years 1900–2200, a hold length of zero, or an id or
///   reason longer than [`Limits::max_text_length`](crate::Limits::max_text_length);
/// - [`Error::NotFound`] for an unknown doctor, type, hold or appointment;
/// - [`Error::InvalidTransition`] for an action the record's status does not allow;
/// - [`Error::PolicyViolation`] for an action the type's policy or the actor's role forbids.
pub fn decide(book: &DayBook, command: &Command, ctx: &Context<'_>) -> Result<Vec<Change>> {
    check_instant(|| "now".into(), ctx.now)?;
    let limits = ctx.schedule.clinic().limits();
    for (field, text) in texts(command) {
        limits.text(|| field.to_owned(), text)?;
    }
    match command {
        Command::PlaceHold {
            hold_id,
            patient_id,
            doctor_id,
            appointment_type_id,
            start,
            minutes,
        } => {
            check_instant(|| "start".into(), *start)?;
            own(ctx, patient_id, hold_id, "hold")?;
            if let Some(held) = book.hold(hold_id) {
                let same = held.patient_id == *patient_id
                    && held.slot.doctor_id == *doctor_id
                    && held.slot.appointment_type_id == *appointment_type_id
                    && held.slot.start == *start;
                return repeat(same && held.is_active(ctx.now), "hold_id", hold_id);
            }
            let policy = &ctx.schedule.appointment_type(appointment_type_id)?.policy;
            let minutes = hold_minutes(ctx, *minutes, policy, hold_id, "hold")?;
            let ask = SlotAsk {
                doctor_id,
                appointment_type_id,
                start: *start,
                except: None,
                held_since: None,
            };
            let slot = claim(ctx, book, &ask)?;
            Ok(vec![Change::HoldPlaced {
                hold: Hold {
                    id: hold_id.clone(),
                    patient_id: patient_id.clone(),
                    slot,
                    book_date: ctx.date,
                    placed_at: ctx.now,
                    placed_by: ctx.actor.clone(),
                    expires_at: ctx.now + Duration::minutes(i64::from(minutes)),
                    status: HoldStatus::Held,
                },
            }])
        }
        Command::ExtendHold { hold_id, minutes } => {
            let hold = active_hold(book, ctx, hold_id, "extend")?;
            own(ctx, &hold.patient_id, hold_id, "extend")?;
            let policy = &ctx
                .schedule
                .appointment_type(&hold.slot.appointment_type_id)?
                .policy;
            let minutes = hold_minutes(ctx, *minutes, policy, hold_id, "extend")?;
            let expires_at = ctx.now + Duration::minutes(i64::from(minutes));
            let limit = hold.placed_at + Duration::minutes(i64::from(policy.max_hold_minutes));
            if expires_at > limit {
                return Err(Error::PolicyViolation {
                    id: hold_id.to_string(),
                    action: "extend",
                    rule: PolicyRule::HoldLimit {
                        minutes: policy.max_hold_minutes,
                    },
                });
            }
            Ok(vec![Change::HoldExtended {
                hold_id: hold_id.clone(),
                previous_expires_at: hold.expires_at,
                expires_at: expires_at.max(hold.expires_at),
            }])
        }
        Command::ReleaseHold { hold_id } => {
            let hold = active_hold(book, ctx, hold_id, "release")?;
            own(ctx, &hold.patient_id, hold_id, "release")?;
            Ok(vec![Change::HoldReleased {
                hold_id: hold_id.clone(),
                slot: hold.slot.clone(),
            }])
        }
        Command::ExpireHolds => Ok(book
            .holds()
            .iter()
            .filter(|h| h.status == HoldStatus::Held && h.expires_at <= ctx.now)
            .map(|h| Change::HoldExpired {
                hold_id: h.id.clone(),
                slot: h.slot.clone(),
            })
            .collect()),
        Command::Book {
            appointment_id,
            patient_id,
            doctor_id,
            appointment_type_id,
            start,
        } => {
            check_instant(|| "start".into(), *start)?;
            own(ctx, patient_id, appointment_id, "book")?;
            if let Some(a) = book.appointment(appointment_id) {
                let same = a.patient_id == *patient_id
                    && a.slot.doctor_id == *doctor_id
                    && a.slot.appointment_type_id == *appointment_type_id
                    && a.slot.start == *start;
                return repeat(same && a.is_upcoming(), "appointment_id", appointment_id);
            }
            // A patient booking a slot they hold books it from their hold.
            let own_hold = book.holds().iter().find(|h| {
                h.is_active(ctx.now)
                    && h.patient_id == *patient_id
                    && h.slot.doctor_id == *doctor_id
                    && h.slot.appointment_type_id == *appointment_type_id
                    && h.slot.start == *start
            });
            let ask = SlotAsk {
                doctor_id,
                appointment_type_id,
                start: *start,
                except: own_hold.map(|h| h.id.as_str()),
                held_since: own_hold.map(|h| h.placed_at),
            };
            let slot = claim(ctx, book, &ask)?;
            booked(
                ctx,
                appointment_id,
                patient_id,
                slot,
                own_hold.map(|h| &h.id),
            )
        }
        Command::BookHold {
            appointment_id,
            hold_id,
        } => {
            if let Some(a) = book.appointment(appointment_id) {
                own(ctx, &a.patient_id, appointment_id, "book")?;
                let same = a.hold_id.as_ref() == Some(hold_id);
                return repeat(same && a.is_upcoming(), "appointment_id", appointment_id);
            }
            let hold = active_hold(book, ctx, hold_id, "book")?;
            own(ctx, &hold.patient_id, hold_id, "book")?;
            let ask = SlotAsk {
                doctor_id: &hold.slot.doctor_id,
                appointment_type_id: &hold.slot.appointment_type_id,
                start: hold.slot.start,
                except: Some(hold_id),
                held_since: Some(hold.placed_at),
            };
            let slot = claim(ctx, book, &ask)?;
            booked(ctx, appointment_id, &hold.patient_id, slot, Some(hold_id))
        }
        Command::Confirm { appointment_id } => {
            let a = appointment(book, appointment_id)?;
            staff_only(ctx, appointment_id, "confirm")?;
            from_status(a, &[AppointmentStatus::Pending], "confirm")?;
            Ok(vec![Change::AppointmentConfirmed {
                appointment_id: appointment_id.clone(),
            }])
        }
        Command::Decline {
            appointment_id,
            reason,
        } => {
            let a = appointment(book, appointment_id)?;
            staff_only(ctx, appointment_id, "decline")?;
            from_status(a, &[AppointmentStatus::Pending], "decline")?;
            Ok(vec![Change::AppointmentDeclined {
                appointment_id: appointment_id.clone(),
                slot: a.slot.clone(),
                reason: reason.clone(),
            }])
        }
        Command::Cancel {
            appointment_id,
            reason,
        } => {
            let a = appointment(book, appointment_id)?;
            own(ctx, &a.patient_id, appointment_id, "cancel")?;
            from_status(a, UPCOMING, "cancel")?;
            let minutes = a.policy.cancel_notice_minutes;
            if ctx.actor.is_patient() && !notice_given(ctx.now, a.slot.start, minutes) {
                return Err(Error::PolicyViolation {
                    id: appointment_id.to_string(),
                    action: "cancel",
                    rule: PolicyRule::CancelNotice { minutes },
                });
            }
            Ok(vec![Change::AppointmentCancelled {
                appointment_id: appointment_id.clone(),
                slot: a.slot.clone(),
                reason: reason.clone(),
            }])
        }
        Command::Complete { appointment_id } => {
            let a = started(book, ctx, appointment_id, "complete")?;
            Ok(vec![Change::AppointmentCompleted {
                appointment_id: a.id.clone(),
            }])
        }
        Command::MarkNoShow { appointment_id } => {
            let a = started(book, ctx, appointment_id, "mark_no_show")?;
            Ok(vec![Change::AppointmentNoShow {
                appointment_id: a.id.clone(),
            }])
        }
        Command::Reschedule {
            appointment_id,
            start,
        } => {
            check_instant(|| "start".into(), *start)?;
            let a = appointment(book, appointment_id)?;
            if a.slot.start == *start {
                from_status(a, UPCOMING, "reschedule")?;
                own(ctx, &a.patient_id, &a.id, "reschedule")?;
                return Ok(Vec::new());
            }
            may_reschedule(ctx, a)?;
            let ask = SlotAsk {
                doctor_id: &a.slot.doctor_id,
                appointment_type_id: &a.slot.appointment_type_id,
                start: *start,
                except: Some(appointment_id),
                held_since: None,
            };
            let to = claim(ctx, book, &ask)?;
            Ok(vec![Change::AppointmentRescheduled {
                appointment_id: appointment_id.clone(),
                from: a.slot.clone(),
                to,
            }])
        }
    }
}
