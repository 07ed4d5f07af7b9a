//! The checks and records the deciders share: who may act, from which status, within which
//! policy, and the appointment a booking makes.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use crate::{
    BookingPolicy, Error, Id, PolicyRule, Problem, Result, booking::Appointment,
    booking::AppointmentStatus, booking::Context, booking::DayBook, booking::Hold,
    booking::HoldStatus, booking::SlotClaim, store::Change,
};

pub(super) const UPCOMING: &[AppointmentStatus] =
    &[AppointmentStatus::Pending, AppointmentStatus::Confirmed];

pub(super) fn booked(
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
pub(super) fn repeat(same: bool, field: &str, id: &Id) -> Result<Vec<Change>> {
    fresh_id(!same, field, id)?;
    Ok(Vec::new())
}

pub(super) fn fresh_id(taken: bool, field: &str, id: &Id) -> Result<()> {
    if taken {
        return Err(Error::invalid(field, id, Problem::DuplicateId));
    }
    Ok(())
}

/// A patient may act only for themselves.
pub(super) fn own(ctx: &Context<'_>, patient_id: &Id, id: &Id, action: &'static str) -> Result<()> {
    if ctx.actor.is_patient() && ctx.actor.id != *patient_id {
        return Err(Error::PolicyViolation {
            id: id.to_string(),
            action,
            rule: PolicyRule::NotOwner,
        });
    }
    Ok(())
}

pub(super) fn staff_only(ctx: &Context<'_>, id: &Id, action: &'static str) -> Result<()> {
    if ctx.actor.is_patient() {
        return Err(Error::PolicyViolation {
            id: id.to_string(),
            action,
            rule: PolicyRule::StaffOnly,
        });
    }
    Ok(())
}

pub(super) fn hold_minutes(
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

pub(super) fn active_hold<'b>(
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

pub(super) fn appointment<'b>(book: &'b DayBook, id: &str) -> Result<&'b Appointment> {
    book.appointment(id)
        .filter(|a| a.moved_to.is_none())
        .ok_or_else(|| Error::NotFound {
            kind: "appointment",
            id: id.to_owned(),
        })
}

pub(super) fn from_status(
    a: &Appointment,
    allowed: &[AppointmentStatus],
    action: &'static str,
) -> Result<()> {
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

pub(super) fn notice_given(now: DateTime<Utc>, start: DateTime<Utc>, minutes: u32) -> bool {
    now + Duration::minutes(i64::from(minutes)) <= start
}

/// A confirmed appointment that has started, for staff to complete or mark a no-show.
pub(super) fn started<'b>(
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
pub(super) fn may_reschedule(ctx: &Context<'_>, a: &Appointment) -> Result<()> {
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
