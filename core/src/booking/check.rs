//! The one slot check of holds, bookings and reschedules: the slot engine, asked about one
//! start.

use chrono::{DateTime, Duration, Utc};

use crate::{
    Availability, Error, Problem, Result, SlotOptions, SlotRequest, Status, Unavailable,
    booking::DayBook, booking::SlotClaim,
};

use super::Context;

/// What is asked: this doctor, this type, this start, on the context's day book.
pub(crate) struct SlotAsk<'a> {
    pub(crate) doctor_id: &'a str,
    pub(crate) appointment_type_id: &'a str,
    pub(crate) start: DateTime<Utc>,
    /// A hold or appointment of the book that does not count against the slot (the hold
    /// being booked, the appointment being moved).
    pub(crate) except: Option<&'a str>,
    /// For a held slot: when the hold was placed. Minimum notice then counts from the
    /// placing, so a slot that was far enough ahead when held can still be booked.
    pub(crate) held_since: Option<DateTime<Utc>>,
}

/// The slot at `ask.start`, claimed, if the slot engine offers it at `ctx.now`; otherwise
/// why not.
pub(crate) fn claim(ctx: &Context<'_>, book: &DayBook, ask: &SlotAsk<'_>) -> Result<SlotClaim> {
    let availability = ctx.schedule.availability(ask.doctor_id)?;
    let appointment_type = ctx.schedule.appointment_type(ask.appointment_type_id)?;
    if ctx.schedule.date_of(ask.start) != ctx.date {
        return Err(Error::invalid(
            "start",
            ask.start.to_rfc3339(),
            Problem::OutOfRange(format!("not on the day book of {}", ctx.date)),
        ));
    }
    // Only claims that reach into the slot's widest extent can change the answer.
    let (session_before, session_after) = availability.widest_buffers();
    let minutes = |m: u32| i64::from(m) * 60;
    let from =
        ask.start.timestamp() - session_before.max(minutes(appointment_type.buffer_before_minutes));
    let to = ask.start.timestamp()
        + minutes(appointment_type.duration_minutes)
        + session_after.max(minutes(appointment_type.buffer_after_minutes));
    // Booking limits count the doctor's whole day, and a grid restarted after bookings or
    // filling gaps starts where they end: then every claim of the book that counts for the
    // doctor is passed; otherwise only those reaching into the slot's widest extent.
    let whole_day = availability.has_booking_limits()
        || !appointment_type.booking_limits.is_empty()
        || appointment_type.restart_after_bookings
        || appointment_type.fill_gaps;
    let occupancy = book.occupancy_where(ctx.now, ask.except, |c| {
        (whole_day
            || (c.start.timestamp() - minutes(c.buffer_before_minutes) < to
                && c.end.timestamp() + minutes(c.buffer_after_minutes) > from))
            && (c.doctor_id == *availability.doctor_id()
                || c.clinicians.contains(availability.doctor_id())
                || c.room_id
                    .iter()
                    .chain(&c.equipment)
                    .any(|r| availability.uses_room(r)))
    });
    let mut appointment_type = appointment_type.clone();
    if let Some(placed) = ask.held_since {
        let waited = ((ctx.now - placed).num_seconds().max(0) + 59) / 60;
        let notice = i64::from(appointment_type.min_notice_minutes);
        appointment_type.min_notice_minutes = u32::try_from((notice - waited).max(0)).unwrap_or(0);
    }
    let request = SlotRequest {
        appointment_type,
        start: ask.start,
        end: ask.start + Duration::seconds(1),
        now: ctx.now,
    };
    let options = SlotOptions {
        include_unavailable: true,
        limit: Some(1),
    };
    let series = availability.slots(&request, &occupancy, options)?;
    let unavailable = |reason| Error::SlotUnavailable {
        doctor_id: availability.doctor_id().clone(),
        start: ask.start,
        reason,
    };
    let Some(slot) = series.slots.into_iter().find(|s| s.start == ask.start) else {
        return Err(match series.unavailable.into_iter().next() {
            Some(u) => unavailable(u.reason),
            None => match closing_rule(
                availability,
                ask.start,
                request.appointment_type.duration_minutes,
            )? {
                Some(reason) => unavailable(reason),
                None => Error::invalid("start", ask.start.to_rfc3339(), Problem::NotSlotStart),
            },
        });
    };
    let claim = SlotClaim {
        doctor_id: slot.place.doctor_id.clone(),
        location_id: slot.place.location_id.clone(),
        room_id: slot.place.room_id.clone(),
        appointment_type_id: request.appointment_type.id,
        mode: request.appointment_type.mode,
        start: slot.start,
        end: slot.end,
        buffer_before_minutes: slot.buffer_before_minutes,
        buffer_after_minutes: slot.buffer_after_minutes,
        clinicians: Vec::new(),
        equipment: Vec::new(),
    };
    within_day(ctx, &claim)?;
    Ok(claim)
}

/// Why a start with no candidate slot is closed: the rule at its start, or at its last
/// instant. `None` when the doctor is open at both (the start is off the grid).
fn closing_rule(
    availability: &Availability,
    start: DateTime<Utc>,
    minutes: u32,
) -> Result<Option<Unavailable>> {
    let last = start + Duration::minutes(i64::from(minutes)) - Duration::seconds(1);
    for at in [start, last] {
        let why = availability.explain(at)?;
        if why.status == Status::Closed {
            return Ok(Some(Unavailable::Closed {
                rule: why.rule,
                rule_id: why.rule_id,
            }));
        }
    }
    Ok(None)
}

/// Refuses a claim that, with its buffers, reaches into another book day: the day book is
/// the unit of consistency, so everything a booking occupies must lie inside it.
fn within_day(ctx: &Context<'_>, claim: &SlotClaim) -> Result<()> {
    let from = claim.start - Duration::minutes(i64::from(claim.buffer_before_minutes));
    let to = claim.end + Duration::minutes(i64::from(claim.buffer_after_minutes));
    let book = ctx.schedule;
    if book.date_of(from) != ctx.date || book.date_of(to - Duration::seconds(1)) != ctx.date {
        return Err(Error::invalid(
            "start",
            claim.start.to_rfc3339(),
            Problem::OutOfRange(format!(
                "with its buffers the appointment crosses midnight in the day book's zone {}",
                book.book_time_zone()
            )),
        ));
    }
    Ok(())
}
