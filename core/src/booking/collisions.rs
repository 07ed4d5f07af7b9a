//! Appointments that changed rules no longer allow.

use std::ops::RangeInclusive;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    Alignment, AppointmentType, Availability, Occupancy, Result, RuleKind, SlotOptions,
    SlotRequest, Status, Unavailable, booking::Appointment, booking::AsyncBookings,
    booking::DayBook, booking::Schedule, store::AsyncEventStore,
};

/// An upcoming appointment the current rules no longer allow, and why: for staff to move
/// or cancel. medsched never drops or moves it by itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Collision {
    /// The appointment, as booked.
    pub appointment: Appointment,
    /// Why its slot is no longer bookable: closed by which rule (leave, holiday, forced
    /// block, emergency, outside hours), or the doctor's, mode's or room's capacity
    /// (`booked`, `room_full`) now exceeded.
    pub reason: Unavailable,
}

impl<S: AsyncEventStore> AsyncBookings<S> {
    /// The upcoming appointments on `dates` that the schedule's current rules no longer
    /// allow, for every doctor: call it after [`Schedule::set_calendar`] (leave approved,
    /// forced block, emergency, holiday added, hours cut, capacity lowered) or after a new
    /// [`Schedule`] (a room's capacity lowered, a doctor removed).
    ///
    /// Each appointment still to end after `now` is checked as the slot engine would check
    /// it, ignoring notice, horizon and the step grid. Appointments are checked in booking
    /// order, each against the ones booked before it that still fit (of every doctor, so a
    /// shared room is counted once), so when capacity shrinks, the later bookings are
    /// listed. An appointment of a doctor the schedule no longer has is listed as closed
    /// `outside_hours`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for a bad range; the store's
    /// errors.
    pub async fn collisions(
        &self,
        schedule: &Schedule,
        dates: RangeInclusive<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Collision>> {
        let mut found = Vec::new();
        for (_, events) in self.days(schedule, &dates).await? {
            let book = DayBook::from_events(events);
            day_collisions(schedule, &book, now, &mut found)?;
        }
        Ok(found)
    }
}

fn day_collisions(
    schedule: &Schedule,
    book: &DayBook,
    now: DateTime<Utc>,
    found: &mut Vec<Collision>,
) -> Result<()> {
    let checked = |a: &Appointment| a.is_upcoming() && a.slot.end > now;
    let mut kept = Occupancy::default();
    kept.reservations.extend(
        book.appointments()
            .iter()
            .filter(|a| a.occupies() && !checked(a))
            .map(|a| a.slot.reservation(&a.id, None)),
    );
    for a in book
        .appointments()
        .iter()
        .filter(|a| a.occupies() && checked(a))
    {
        let reason = match schedule.availability(&a.slot.doctor_id) {
            Ok(availability) => still_fits(availability, a, &kept)?,
            Err(_) => Some(Unavailable::Closed {
                rule: RuleKind::OutsideHours,
                rule_id: None,
            }),
        };
        match reason {
            None => kept.reservations.push(a.slot.reservation(&a.id, None)),
            Some(reason) => found.push(Collision {
                appointment: a.clone(),
                reason,
            }),
        }
    }
    Ok(())
}

/// Why the appointment's slot no longer fits beside `kept`, or `None` if it does.
fn still_fits(
    availability: &Availability,
    a: &Appointment,
    kept: &Occupancy,
) -> Result<Option<Unavailable>> {
    let slot = &a.slot;
    let minutes = (slot.end - slot.start).num_minutes().max(1);
    let same_slot = AppointmentType {
        step_minutes: Some(1),
        alignment: Alignment::Clock,
        buffer_before_minutes: slot.buffer_before_minutes,
        buffer_after_minutes: slot.buffer_after_minutes,
        mode: slot.mode,
        ..AppointmentType::new(
            slot.appointment_type_id.clone(),
            u32::try_from(minutes).unwrap_or(u32::MAX),
        )
    };
    let request = SlotRequest {
        appointment_type: same_slot,
        start: slot.start,
        end: slot.start + Duration::seconds(1),
        now: slot.start,
    };
    let options = SlotOptions {
        include_unavailable: true,
        limit: Some(1),
    };
    // Only what counts for this doctor: slot generation refuses other doctors' reservations
    // outside the rooms they use.
    let kept = Occupancy {
        reservations: (kept.reservations.iter())
            .filter(|r| crate::slots::counts_for(availability, r))
            .cloned()
            .collect(),
        busy: Vec::new(),
    };
    let series = availability.slots(&request, &kept, options)?;
    if series.slots.iter().any(|s| s.start == slot.start) {
        return Ok(None);
    }
    if let Some(u) = series.unavailable.into_iter().next() {
        return Ok(Some(u.reason));
    }
    let timeline = availability.resolve(slot.start, slot.end)?;
    let closed = timeline.into_iter().find(|i| i.status == Status::Closed);
    Ok(Some(match closed {
        Some(i) => Unavailable::Closed {
            rule: i.rule,
            rule_id: i.rule_id,
        },
        None => Unavailable::Closed {
            rule: RuleKind::OutsideHours,
            rule_id: None,
        },
    }))
}
