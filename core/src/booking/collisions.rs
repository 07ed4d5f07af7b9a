//! Appointments that changed rules no longer allow.

use std::ops::RangeInclusive;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    Alignment, Appointment, AppointmentType, Availability, Bookings, DayBook, EventStore,
    Occupancy, Result, Schedule, SlotOptions, SlotRequest, Status, Unavailable,
};

/// An upcoming appointment the current rules no longer allow, and why: for staff to move
/// or cancel. medsched never drops or moves it by itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collision {
    /// The appointment, as booked.
    pub appointment: Appointment,
    /// Why its slot is no longer bookable: closed by which rule (leave, holiday, forced
    /// block, emergency, outside hours), or the doctor's, mode's or room's capacity
    /// (`booked`, `room_full`) now exceeded.
    pub reason: Unavailable,
}

impl<S: EventStore> Bookings<S> {
    /// The upcoming appointments of a doctor on `dates` that the schedule's current rules
    /// no longer allow: call it after [`Schedule::set_calendar`] (leave approved, forced
    /// block, emergency, holiday added, hours cut).
    ///
    /// Each appointment still to end after `now` is checked as the slot engine would check
    /// it, ignoring notice, horizon and the step grid. Appointments are checked in booking
    /// order, each against the ones booked before it that still fit, so when capacity
    /// shrinks, the later bookings are listed.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`](crate::Error::NotFound) for an unknown doctor;
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for a bad range; the store's
    /// errors.
    pub fn collisions(
        &self,
        schedule: &Schedule,
        doctor_id: &str,
        dates: RangeInclusive<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Collision>> {
        let availability = schedule.availability(doctor_id)?;
        let mut found = Vec::new();
        for (_, events) in self.days(schedule, &dates)? {
            let book = DayBook::from_events(events);
            day_collisions(availability, &book, now, &mut found)?;
        }
        Ok(found)
    }
}

fn day_collisions(
    availability: &Availability,
    book: &DayBook,
    now: DateTime<Utc>,
    found: &mut Vec<Collision>,
) -> Result<()> {
    let doctor = availability.doctor_id();
    let mine = |a: &Appointment| a.slot.doctor_id == *doctor;
    let mut kept = Occupancy::default();
    kept.reservations.extend(
        book.appointments()
            .iter()
            .filter(|a| a.occupies() && !mine(a))
            .map(|a| a.slot.reservation(&a.id, None)),
    );
    for a in book
        .appointments()
        .iter()
        .filter(|a| a.occupies() && mine(a))
    {
        if !a.is_upcoming() || a.slot.end <= now {
            kept.reservations.push(a.slot.reservation(&a.id, None));
            continue;
        }
        match still_fits(availability, a, &kept)? {
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
    let series = availability.slots(&request, kept, options)?;
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
            rule: crate::RuleKind::OutsideHours,
            rule_id: None,
        },
    }))
}
