//! The records a day book holds: holds and appointments, and the slot each claims.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{BookingPolicy, ConsultationMode, Id, Reservation, store::Actor};

/// The slot a hold or an appointment occupies: who, where, when and with which buffers, as
/// the slot engine produced it. Kept in the event, so replay never needs the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SlotClaim {
    /// The doctor.
    pub doctor_id: Id,
    /// The location.
    pub location_id: Id,
    /// The room, for in-person slots of sessions with a room.
    #[serde(default)]
    pub room_id: Option<Id>,
    /// The appointment type.
    pub appointment_type_id: Id,
    /// The consultation mode.
    pub mode: ConsultationMode,
    /// Start.
    pub start: DateTime<Utc>,
    /// End.
    pub end: DateTime<Utc>,
    /// Minutes kept free before the start.
    pub buffer_before_minutes: u32,
    /// Minutes kept free after the end.
    pub buffer_after_minutes: u32,
    /// The other clinicians the appointment takes at the same time (a second doctor, an
    /// anaesthetist), each occupied over the same time and buffers (docs/RESOURCES.md).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(extend("default" = [])))]
    pub clinicians: Vec<Id>,
    /// The rooms or equipment (a procedure room, an ultrasound) the appointment takes
    /// beside its session's room, each a [`Room`](crate::Room) with a capacity.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(extend("default" = [])))]
    pub equipment: Vec<Id>,
}

impl SlotClaim {
    /// The claim as the slot engine's [`Reservation`]; `expires_at` for a hold.
    pub(crate) fn reservation(&self, id: &Id, expires_at: Option<DateTime<Utc>>) -> Reservation {
        Reservation {
            id: id.clone(),
            doctor_id: self.doctor_id.clone(),
            start: self.start,
            end: self.end,
            buffer_before_minutes: self.buffer_before_minutes,
            buffer_after_minutes: self.buffer_after_minutes,
            seats: 1,
            mode: self.mode,
            room_id: self.room_id.clone(),
            expires_at,
            appointment_type_id: Some(self.appointment_type_id.clone()),
        }
    }

    /// The claim as the slot engine's reservations: the doctor's, then one per other
    /// clinician (no room) and one per piece of equipment (in person, its own id as the
    /// doctor, so it counts against nobody's own seats), each id `{id}/{resource}`.
    pub(crate) fn reservations<'a>(
        &'a self,
        id: &'a Id,
        expires_at: Option<DateTime<Utc>>,
    ) -> impl Iterator<Item = Reservation> + 'a {
        let lead = self.reservation(id, expires_at);
        let clinicians = self.clinicians.iter().map(move |c| Reservation {
            id: format!("{id}/{c}").into(),
            doctor_id: c.clone(),
            room_id: None,
            ..self.reservation(id, expires_at)
        });
        let equipment = self.equipment.iter().map(move |e| Reservation {
            id: format!("{id}/{e}").into(),
            doctor_id: e.clone(),
            room_id: Some(e.clone()),
            mode: ConsultationMode::InPerson,
            ..self.reservation(id, expires_at)
        });
        std::iter::once(lead).chain(clinicians).chain(equipment)
    }
}

/// Where a hold stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum HoldStatus {
    /// Placed and not ended by an event. It still lapses at `expires_at`: see
    /// [`Hold::is_active`].
    Held,
    /// Released by its holder or staff.
    Released,
    /// Expired by the expiry job.
    Expired,
    /// Turned into an appointment.
    Booked,
}

/// A tentative hold on a slot: nobody else is offered the slot until it ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Hold {
    /// The hold's id (chosen by the host).
    pub id: Id,
    /// The patient the slot is held for.
    pub patient_id: Id,
    /// The held slot.
    pub slot: SlotClaim,
    /// The day book (stream) it is on.
    pub book_date: NaiveDate,
    /// When it was placed.
    pub placed_at: DateTime<Utc>,
    /// Who placed it.
    pub placed_by: Actor,
    /// When it lapses (exclusive).
    pub expires_at: DateTime<Utc>,
    /// Where it stands.
    pub status: HoldStatus,
}

impl Hold {
    /// Whether the hold still occupies its slot at `now`.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.status == HoldStatus::Held && self.expires_at > now
    }
}

/// An appointment's place in its lifecycle.
///
/// `pending → confirmed | declined | cancelled`, `confirmed → completed | no_show |
/// cancelled`. Declined, cancelled, completed and no-show are final. Pending and confirmed
/// appointments can be rescheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    /// Booked, waiting for staff to confirm or decline.
    Pending,
    /// Confirmed.
    Confirmed,
    /// Refused by staff.
    Declined,
    /// Cancelled by the patient, staff or the system.
    Cancelled,
    /// Took place.
    Completed,
    /// The patient did not come.
    NoShow,
}

impl AppointmentStatus {
    /// The snake_case name, e.g. `"no_show"`.
    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Pending => "pending",
            AppointmentStatus::Confirmed => "confirmed",
            AppointmentStatus::Declined => "declined",
            AppointmentStatus::Cancelled => "cancelled",
            AppointmentStatus::Completed => "completed",
            AppointmentStatus::NoShow => "no_show",
        }
    }

    /// Whether the appointment occupies its slot: every status but declined and cancelled.
    /// (Completed and no-show appointments keep the time they were given.)
    pub fn occupies(self) -> bool {
        !matches!(
            self,
            AppointmentStatus::Declined | AppointmentStatus::Cancelled
        )
    }

    /// Whether the appointment is still to happen: pending or confirmed.
    pub fn is_upcoming(self) -> bool {
        matches!(
            self,
            AppointmentStatus::Pending | AppointmentStatus::Confirmed
        )
    }
}

/// A booked appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Appointment {
    /// The appointment's id (chosen by the host).
    pub id: Id,
    /// The patient.
    pub patient_id: Id,
    /// The booked slot.
    pub slot: SlotClaim,
    /// The day book (stream) it is on.
    pub book_date: NaiveDate,
    /// Where it stands.
    pub status: AppointmentStatus,
    /// When it was booked.
    pub booked_at: DateTime<Utc>,
    /// Who booked it.
    pub booked_by: Actor,
    /// The hold it was booked from.
    #[serde(default)]
    pub hold_id: Option<Id>,
    /// How often it has been rescheduled.
    #[serde(default)]
    pub reschedule_count: u32,
    /// The day book it was moved here from, when rescheduled from another day.
    #[serde(default)]
    pub moved_from: Option<NaiveDate>,
    /// With `moved_from`: the version of that day book the move read the appointment at,
    /// which names the move. The move is final once that day records it as moved out at
    /// this version; until then this record is a copy in transit.
    #[serde(default)]
    pub moved_from_version: Option<u64>,
    /// The day book it moved to, when rescheduled to another day (or went back to, when a
    /// move here was aborted). A moved appointment no longer occupies this day.
    #[serde(default)]
    pub moved_to: Option<NaiveDate>,
    /// Who cancelled or declined it.
    #[serde(default)]
    pub ended_by: Option<Actor>,
    /// Why it was cancelled or declined.
    #[serde(default)]
    pub end_reason: Option<String>,
    /// When it was confirmed (when it was booked, for a type without confirmation).
    #[serde(default)]
    pub confirmed_at: Option<DateTime<Utc>>,
    /// When it last changed status or time.
    pub updated_at: DateTime<Utc>,
    /// The type's booking policy as it was at booking: cancelling, rescheduling and
    /// reminders follow the terms the appointment was booked under, even if the type later
    /// changes or is retired.
    pub policy: Arc<BookingPolicy>,
}

impl Appointment {
    /// Whether it occupies its slot on this day: it is neither declined, cancelled nor moved
    /// to another day.
    pub fn occupies(&self) -> bool {
        self.moved_to.is_none() && self.status.occupies()
    }

    /// Whether it is still to happen on this day: pending or confirmed, and not moved.
    pub fn is_upcoming(&self) -> bool {
        self.moved_to.is_none() && self.status.is_upcoming()
    }
}
