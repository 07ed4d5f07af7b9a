//! Booking an appointment that takes several resources at once: the doctor's slot, other
//! clinicians and equipment, decided together on one day book (docs/RESOURCES.md).

use chrono::{DateTime, Utc};

use super::service::{appointment_in, start_date};
use crate::slots::{Load, Taken, check_clinicians, find_equipment, first_refusal, misplaced};
use crate::store::{Actor, AsyncEventStore, Change, EventStore, now_or_never};
use crate::{
    Error, Id, PreparedOccupancy, Problem, ResourceNeed, Result,
    booking::decide,
    booking::{
        Appointment, AsyncBookings, BookRequest, Bookings, Command, Context, DayBook, Schedule,
    },
};

/// A direct booking of an appointment that needs other clinicians or equipment as well as
/// its doctor: every resource is taken in one event, or none. The fields of a
/// [`BookRequest`] and of a [`ResourceNeed`], flat.
///
/// # Example
///
/// ```
/// use medsched::booking::JointBookRequest;
/// use chrono::{DateTime, Utc};
///
/// let request = JointBookRequest {
///     appointment_id: "op-1".into(),
///     patient_id: "pat-1".into(),
///     doctor_id: "dr-cut".into(),
///     appointment_type_id: "op".into(),
///     start: "2026-03-03T11:00:00Z".parse::<DateTime<Utc>>().unwrap(),
///     clinicians: vec!["dr-gas".into()],
///     equipment: vec!["theatre".into()],
/// };
/// assert_eq!(request.need().equipment[0].as_str(), "theatre");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct JointBookRequest {
    /// The new appointment's id.
    pub appointment_id: Id,
    /// The patient.
    pub patient_id: Id,
    /// The doctor who leads: the slot is on their grid, at their location, in their room.
    pub doctor_id: Id,
    /// The appointment type.
    pub appointment_type_id: Id,
    /// The slot's start.
    pub start: DateTime<Utc>,
    /// The other clinicians it takes at the same time (at most
    /// [`MAX_RESOURCES`](crate::MAX_RESOURCES), not the doctor).
    #[serde(default)]
    pub clinicians: Vec<Id>,
    /// The rooms or equipment it takes beside its session's room (room ids of the clinic,
    /// at most [`MAX_RESOURCES`](crate::MAX_RESOURCES)).
    #[serde(default)]
    pub equipment: Vec<Id>,
}

impl JointBookRequest {
    /// The booking of the lead doctor alone.
    pub fn booking(&self) -> BookRequest {
        BookRequest {
            appointment_id: self.appointment_id.clone(),
            patient_id: self.patient_id.clone(),
            doctor_id: self.doctor_id.clone(),
            appointment_type_id: self.appointment_type_id.clone(),
            start: self.start,
        }
    }

    /// What it needs besides the doctor.
    pub fn need(&self) -> ResourceNeed {
        ResourceNeed {
            clinicians: self.clinicians.clone(),
            equipment: self.equipment.clone(),
        }
    }
}

/// Decides a [`JointBookRequest`] on a day book: the doctor's slot as for
/// [`Command::Book`], then every other clinician and piece of equipment as
/// [`Availability::joint_slots`](crate::Availability::joint_slots) checks them, against the
/// same day book. The one `appointment_booked` change carries them all
/// ([`SlotClaim::clinicians`](crate::booking::SlotClaim::clinicians),
/// [`equipment`](crate::booking::SlotClaim::equipment)).
///
/// # Errors
///
/// As [`decide`] for [`Command::Book`]; [`Error::NotFound`] for an unknown clinician;
/// [`Error::InvalidInput`] for a bad [`ResourceNeed`] (as `joint_slots`), equipment at
/// another location than the slot or that is the slot's own room, or an appointment id
/// already used by a different booking; [`Error::SlotUnavailable`] naming the first
/// clinician who is not free (with their reason), or the doctor with
/// [`Unavailable::RoomFull`](crate::Unavailable::RoomFull) (or `Held`) naming the
/// equipment that is taken.
pub fn decide_joint(
    book: &DayBook,
    request: &JointBookRequest,
    ctx: &Context<'_>,
) -> Result<Vec<Change>> {
    let (booking, need) = (request.booking(), request);
    check_clinicians(&booking.doctor_id, &need.clinicians)?;
    let lead = ctx.schedule.availability(&booking.doctor_id)?;
    let others = need
        .clinicians
        .iter()
        .map(|c| ctx.schedule.availability(c))
        .collect::<Result<Vec<_>>>()?;
    let equipment = find_equipment(lead, &need.equipment)?;
    if let Some(a) = book.appointment(&booking.appointment_id)
        && (a.slot.clinicians != need.clinicians || a.slot.equipment != need.equipment)
    {
        return Err(Error::invalid(
            "appointment_id",
            &booking.appointment_id,
            Problem::DuplicateId,
        ));
    }
    let mut changes = decide(book, &Command::from(booking.clone()), ctx)?;
    let Some(Change::AppointmentBooked { appointment, .. }) = changes.first_mut() else {
        return Ok(changes);
    };
    let slot = &mut appointment.slot;
    if let Some(e) = misplaced(&equipment, &slot.location_id, slot.room_id.as_ref()) {
        let problem = if slot.room_id.as_ref() == Some(&e.id) {
            Problem::Conflicting("it is the slot's own room".into())
        } else {
            Problem::OutOfRange(format!(
                "it is at location {}, the slot at {}",
                e.location, slot.location_id
            ))
        };
        let i = need.equipment.iter().position(|x| *x == e.id).unwrap_or(0);
        return Err(Error::invalid(format!("equipment[{i}]"), &e.id, problem));
    }
    let minutes = |m: u32| i64::from(m) * 60;
    let taken = Taken {
        start: slot.start,
        from: slot.start.timestamp() - minutes(slot.buffer_before_minutes),
        to: slot.end.timestamp() + minutes(slot.buffer_after_minutes),
        location: &slot.location_id,
    };
    let occupancy = PreparedOccupancy::new(book.occupancy_where(ctx.now, None, |c| {
        c.start.timestamp() - minutes(c.buffer_before_minutes) < taken.to + minutes(24 * 60)
            && c.end.timestamp() + minutes(c.buffer_after_minutes) > taken.from - minutes(24 * 60)
    }))?;
    let reservations = &occupancy.occupancy().reservations;
    let load = Load::new(
        (&occupancy, reservations),
        &booking.doctor_id,
        slot.mode,
        ctx.now,
    );
    let appointment_type = ctx
        .schedule
        .appointment_type(&booking.appointment_type_id)?;
    let refusal = first_refusal(
        &others,
        &equipment,
        appointment_type,
        ctx.now,
        &occupancy,
        &load,
        &taken,
    )?;
    if let Some((resource, reason)) = refusal {
        let doctor_id = if need.clinicians.contains(&resource) {
            resource
        } else {
            booking.doctor_id.clone()
        };
        return Err(Error::SlotUnavailable {
            doctor_id,
            start: slot.start,
            reason,
        });
    }
    slot.clinicians.clone_from(&need.clinicians);
    slot.equipment.clone_from(&need.equipment);
    Ok(changes)
}

impl<S: AsyncEventStore> AsyncBookings<S> {
    /// Books an appointment that takes other clinicians and equipment too, all in one
    /// decision on the day book of `request.start` (see [`decide_joint`]): a racing
    /// booking of any of the resources on that day either lands first and is seen, or is
    /// refused.
    ///
    /// # Errors
    ///
    /// As [`decide_joint`]; [`Error::Conflict`] when every attempt met a concurrent write;
    /// the store's errors.
    pub async fn book_joint(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        request: JointBookRequest,
    ) -> Result<Appointment> {
        let date = start_date(schedule, request.start)?;
        let id: Id = request.appointment_id.clone();
        let (book, _) = self
            .decide_and_append(schedule, actor, now, date, |book, ctx| {
                decide_joint(book, &request, ctx)
            })
            .await?;
        appointment_in(&book, &id)
    }
}

impl<S: EventStore> Bookings<S> {
    /// As [`AsyncBookings::book_joint`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::book_joint`].
    pub fn book_joint(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        request: JointBookRequest,
    ) -> Result<Appointment> {
        now_or_never(self.inner.book_joint(schedule, actor, now, request))
    }
}
