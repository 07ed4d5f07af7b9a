//! The decider: a command and a day book give new events or a typed refusal.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::check::{SlotAsk, claim};
use crate::{
    Actor, Appointment, AppointmentStatus, Change, Command, DayBook, Error, Hold, HoldStatus, Id,
    PolicyRule, Problem, Result, Schedule,
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

/// Decides a command against a day book: the changes it makes, or why it is refused.
///
/// Pure: the same book, command and context always give the same answer, and nothing is
/// written. Every slot check goes through the slot engine
/// ([`Availability::slots`](crate::Availability::slots)): availability, capacity, rooms,
/// buffers, minimum notice, booking horizon and other holds.
///
/// # Errors
///
/// - [`Error::SlotUnavailable`] with the slot engine's reason (booked, held, closed by which
///   rule, too soon, too far ahead...);
/// - [`Error::InvalidInput`] for an id already used, a start that is not a slot start or not
///   on this day, or a hold length of zero;
/// - [`Error::NotFound`] for an unknown doctor, type, hold or appointment;
/// - [`Error::InvalidTransition`] for an action the record's status does not allow;
/// - [`Error::PolicyViolation`] for an action the type's policy or the actor's role forbids.
pub fn decide(book: &DayBook, command: &Command, ctx: &Context<'_>) -> Result<Vec<Change>> {
    match command {
        Command::PlaceHold {
            hold_id,
            patient_id,
            doctor_id,
            appointment_type_id,
            start,
            minutes,
        } => {
            fresh_id(book.hold(hold_id).is_some(), "hold_id", hold_id)?;
            own(ctx, patient_id, hold_id, "hold")?;
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
                expires_at: expires_at.max(hold.expires_at),
            }])
        }
        Command::ReleaseHold { hold_id } => {
            let hold = active_hold(book, ctx, hold_id, "release")?;
            own(ctx, &hold.patient_id, hold_id, "release")?;
            Ok(vec![Change::HoldReleased {
                hold_id: hold_id.clone(),
            }])
        }
        Command::ExpireHolds => Ok(book
            .holds()
            .iter()
            .filter(|h| h.status == HoldStatus::Held && h.expires_at <= ctx.now)
            .map(|h| Change::HoldExpired {
                hold_id: h.id.clone(),
            })
            .collect()),
        Command::Book {
            appointment_id,
            patient_id,
            doctor_id,
            appointment_type_id,
            start,
        } => {
            fresh_id(
                book.appointment(appointment_id).is_some(),
                "appointment_id",
                appointment_id,
            )?;
            own(ctx, patient_id, appointment_id, "book")?;
            let ask = SlotAsk {
                doctor_id,
                appointment_type_id,
                start: *start,
                except: None,
                held_since: None,
            };
            let slot = claim(ctx, book, &ask)?;
            booked(ctx, appointment_id, patient_id, slot, None)
        }
        Command::BookHold {
            appointment_id,
            hold_id,
        } => {
            fresh_id(
                book.appointment(appointment_id).is_some(),
                "appointment_id",
                appointment_id,
            )?;
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
            let policy = &ctx
                .schedule
                .appointment_type(&a.slot.appointment_type_id)?
                .policy;
            let minutes = policy.cancel_notice_minutes;
            if ctx.actor.is_patient() && !notice_given(ctx.now, a.slot.start, minutes) {
                return Err(Error::PolicyViolation {
                    id: appointment_id.to_string(),
                    action: "cancel",
                    rule: PolicyRule::CancelNotice { minutes },
                });
            }
            Ok(vec![Change::AppointmentCancelled {
                appointment_id: appointment_id.clone(),
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
            let a = appointment(book, appointment_id)?;
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
        Command::MoveIn { appointment, start } => {
            // An appointment may come back to a day it once moved away from.
            let here = book.appointment(&appointment.id);
            fresh_id(
                here.is_some_and(|a| a.moved_to.is_none()),
                "appointment_id",
                &appointment.id,
            )?;
            may_reschedule(ctx, appointment)?;
            let ask = SlotAsk {
                doctor_id: &appointment.slot.doctor_id,
                appointment_type_id: &appointment.slot.appointment_type_id,
                start: *start,
                except: None,
                held_since: None,
            };
            let slot = claim(ctx, book, &ask)?;
            Ok(vec![Change::AppointmentBooked {
                appointment: Appointment {
                    slot,
                    book_date: ctx.date,
                    hold_id: None,
                    reschedule_count: appointment.reschedule_count + 1,
                    moved_from: Some(appointment.book_date),
                    moved_to: None,
                    updated_at: ctx.now,
                    ..(**appointment).clone()
                },
            }])
        }
        Command::MoveOut {
            appointment_id,
            to_date,
            to,
        } => {
            let a = appointment(book, appointment_id)?;
            may_reschedule(ctx, a)?;
            Ok(vec![Change::AppointmentMovedOut {
                appointment_id: appointment_id.clone(),
                to_date: *to_date,
                to: to.clone(),
            }])
        }
    }
}

const UPCOMING: &[AppointmentStatus] = &[AppointmentStatus::Pending, AppointmentStatus::Confirmed];

fn booked(
    ctx: &Context<'_>,
    id: &Id,
    patient_id: &Id,
    slot: crate::SlotClaim,
    hold_id: Option<&Id>,
) -> Result<Vec<Change>> {
    let policy = &ctx
        .schedule
        .appointment_type(&slot.appointment_type_id)?
        .policy;
    let pending = policy.requires_confirmation && ctx.actor.is_patient();
    Ok(vec![Change::AppointmentBooked {
        appointment: Appointment {
            id: id.clone(),
            patient_id: patient_id.clone(),
            slot,
            book_date: ctx.date,
            status: if pending {
                AppointmentStatus::Pending
            } else {
                AppointmentStatus::Confirmed
            },
            booked_at: ctx.now,
            booked_by: ctx.actor.clone(),
            hold_id: hold_id.cloned(),
            reschedule_count: 0,
            moved_from: None,
            moved_to: None,
            ended_by: None,
            end_reason: None,
            confirmed_at: (!pending).then_some(ctx.now),
            updated_at: ctx.now,
            reminder_minutes_before: policy.reminder_minutes_before.clone(),
        },
    }])
}

fn fresh_id(taken: bool, field: &str, id: &Id) -> Result<()> {
    if taken {
        return Err(Error::invalid(field, id, Problem::DuplicateId));
    }
    Ok(())
}

/// A patient may act only for themselves.
fn own(ctx: &Context<'_>, patient_id: &Id, id: &Id, action: &'static str) -> Result<()> {
    if ctx.actor.is_patient() && ctx.actor.id != *patient_id {
        return Err(Error::PolicyViolation {
            id: id.to_string(),
            action,
            rule: PolicyRule::NotOwner,
        });
    }
    Ok(())
}

fn staff_only(ctx: &Context<'_>, id: &Id, action: &'static str) -> Result<()> {
    if ctx.actor.is_patient() {
        return Err(Error::PolicyViolation {
            id: id.to_string(),
            action,
            rule: PolicyRule::StaffOnly,
        });
    }
    Ok(())
}

fn hold_minutes(
    ctx: &Context<'_>,
    asked: Option<u32>,
    policy: &crate::BookingPolicy,
    id: &Id,
    action: &'static str,
) -> Result<u32> {
    let minutes = asked.unwrap_or(if ctx.actor.is_patient() {
        policy.patient_hold_minutes
    } else {
        policy.staff_hold_minutes
    });
    if minutes == 0 {
        return Err(Error::invalid("minutes", 0, Problem::NotPositive));
    }
    if minutes > policy.max_hold_minutes {
        return Err(Error::PolicyViolation {
            id: id.to_string(),
            action,
            rule: PolicyRule::HoldLimit {
                minutes: policy.max_hold_minutes,
            },
        });
    }
    Ok(minutes)
}

fn active_hold<'b>(
    book: &'b DayBook,
    ctx: &Context<'_>,
    id: &Id,
    action: &'static str,
) -> Result<&'b Hold> {
    let hold = book.hold(id).ok_or_else(|| Error::NotFound {
        kind: "hold",
        id: id.to_string(),
    })?;
    let from = match hold.status {
        HoldStatus::Held if hold.expires_at > ctx.now => return Ok(hold),
        HoldStatus::Held | HoldStatus::Expired => "expired",
        HoldStatus::Released => "released",
        HoldStatus::Booked => "booked",
    };
    Err(Error::InvalidTransition {
        kind: "hold",
        id: id.to_string(),
        from,
        action,
    })
}

fn appointment<'b>(book: &'b DayBook, id: &Id) -> Result<&'b Appointment> {
    book.appointment(id)
        .filter(|a| a.moved_to.is_none())
        .ok_or_else(|| Error::NotFound {
            kind: "appointment",
            id: id.to_string(),
        })
}

fn from_status(a: &Appointment, allowed: &[AppointmentStatus], action: &'static str) -> Result<()> {
    if allowed.contains(&a.status) {
        return Ok(());
    }
    Err(Error::InvalidTransition {
        kind: "appointment",
        id: a.id.to_string(),
        from: a.status.as_str(),
        action,
    })
}

fn notice_given(now: DateTime<Utc>, start: DateTime<Utc>, minutes: u32) -> bool {
    now + Duration::minutes(i64::from(minutes)) <= start
}

/// A confirmed appointment that has started, for staff to complete or mark a no-show.
fn started<'b>(
    book: &'b DayBook,
    ctx: &Context<'_>,
    id: &Id,
    action: &'static str,
) -> Result<&'b Appointment> {
    let a = appointment(book, id)?;
    staff_only(ctx, id, action)?;
    from_status(a, &[AppointmentStatus::Confirmed], action)?;
    if ctx.now < a.slot.start {
        return Err(Error::PolicyViolation {
            id: id.to_string(),
            action,
            rule: PolicyRule::NotStarted,
        });
    }
    Ok(a)
}

/// The type's reschedule policy: status, who asks, how often, how late.
fn may_reschedule(ctx: &Context<'_>, a: &Appointment) -> Result<()> {
    from_status(a, UPCOMING, "reschedule")?;
    own(ctx, &a.patient_id, &a.id, "reschedule")?;
    let policy = &ctx
        .schedule
        .appointment_type(&a.slot.appointment_type_id)?
        .policy;
    let refuse = |rule| {
        Err(Error::PolicyViolation {
            id: a.id.to_string(),
            action: "reschedule",
            rule,
        })
    };
    if let Some(max) = policy.max_reschedules
        && a.reschedule_count >= max
    {
        return refuse(PolicyRule::RescheduleLimit { max });
    }
    if ctx.actor.is_patient() {
        if !policy.allow_patient_reschedule {
            return refuse(PolicyRule::PatientRescheduleNotAllowed);
        }
        let minutes = policy.reschedule_notice_minutes;
        if !notice_given(ctx.now, a.slot.start, minutes) {
            return refuse(PolicyRule::RescheduleNotice { minutes });
        }
    }
    Ok(())
}
