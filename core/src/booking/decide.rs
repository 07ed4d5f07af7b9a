//! The decider: a command and a day book give new events or a typed refusal.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::check::{SlotAsk, claim};
use crate::availability::compile::check_instant;
use crate::{
    BookingPolicy, Error, Id, PolicyRule, Problem, Result, booking::Appointment,
    booking::AppointmentStatus, booking::Command, booking::DayBook, booking::Hold,
    booking::HoldStatus, booking::Schedule, booking::SlotClaim, store::Actor, store::Change,
    store::StreamId,
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

const UPCOMING: &[AppointmentStatus] = &[AppointmentStatus::Pending, AppointmentStatus::Confirmed];

fn booked(
    ctx: &Context<'_>,
    id: &Id,
    patient_id: &Id,
    slot: SlotClaim,
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
            moved_from_version: None,
            moved_to: None,
            ended_by: None,
            end_reason: None,
            confirmed_at: (!pending).then_some(ctx.now),
            updated_at: ctx.now,
            policy: Arc::new(policy.clone()),
        },
    }])
}

/// A hold or booking whose id is already in the book: nothing to do if it is the same
/// request again, a duplicate id otherwise.
fn repeat(same: bool, field: &str, id: &Id) -> Result<Vec<Change>> {
    fresh_id(!same, field, id)?;
    Ok(Vec::new())
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
    policy: &BookingPolicy,
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

fn appointment<'b>(book: &'b DayBook, id: &str) -> Result<&'b Appointment> {
    book.appointment(id)
        .filter(|a| a.moved_to.is_none())
        .ok_or_else(|| Error::NotFound {
            kind: "appointment",
            id: id.to_owned(),
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

/// The reschedule policy the appointment was booked under: status, who asks, how often,
/// how late; an appointment taking several resources is not moved (docs/RESOURCES.md).
fn may_reschedule(ctx: &Context<'_>, a: &Appointment) -> Result<()> {
    from_status(a, UPCOMING, "reschedule")?;
    if !a.slot.clinicians.is_empty() || !a.slot.equipment.is_empty() {
        return Err(Error::invalid(
            "appointment_id",
            &a.id,
            Problem::Conflicting("it takes several resources: cancel it and book again".into()),
        ));
    }
    own(ctx, &a.patient_id, &a.id, "reschedule")?;
    let policy = &a.policy;
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
