//! What slot generation returns.

use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Id, Unavailable};

/// Where and with whom a slot takes place.
///
/// The slots of one call share their `Place` (an [`Arc`]), so a slot costs one reference
/// count to produce, not one per id, and threads serving the same doctor do not contend on
/// the doctor's ids. In JSON its fields appear directly in the slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Place {
    /// The doctor.
    pub doctor_id: Id,
    /// The location.
    pub location_id: Id,
    /// The room (in-person slots of sessions with a room).
    pub room_id: Option<Id>,
}

/// A bookable slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Slot {
    /// The doctor, location and room (`slot.place.location_id`).
    #[serde(flatten)]
    pub place: Arc<Place>,
    /// Start of the appointment.
    pub start: DateTime<Utc>,
    /// End of the appointment.
    pub end: DateTime<Utc>,
    /// Start in the location's wall-clock time.
    pub local_start: NaiveDateTime,
    /// Minutes this slot keeps free before its start: the larger of the type's and the
    /// session's buffer. A [`Reservation`](crate::Reservation) for the slot carries it.
    pub buffer_before_minutes: u32,
    /// Minutes this slot keeps free after its end (the larger of the type's and the
    /// session's).
    pub buffer_after_minutes: u32,
    /// How many more appointments could still be booked over this slot (at least 1).
    pub capacity_left: u32,
}

/// A candidate slot that cannot be booked, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UnavailableSlot {
    /// The doctor, location and room it would have.
    #[serde(flatten)]
    pub place: Arc<Place>,
    /// Start of the appointment.
    pub start: DateTime<Utc>,
    /// End of the appointment.
    pub end: DateTime<Utc>,
    /// Start in the location's wall-clock time.
    pub local_start: NaiveDateTime,
    /// Why it cannot be booked.
    pub reason: Unavailable,
}

/// The slots of one doctor, as returned by [`Availability::slots`](crate::Availability::slots).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SlotSeries {
    /// Bookable slots, by start.
    pub slots: Vec<Slot>,
    /// Candidate slots that cannot be booked, by start (only when asked for).
    pub unavailable: Vec<UnavailableSlot>,
    /// Generation stopped at the limit (`options.limit` bookable slots, or
    /// `Limits::max_slots` candidates); more slots may follow.
    pub truncated: bool,
}
