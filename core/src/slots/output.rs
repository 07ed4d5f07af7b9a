//! What slot generation returns.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Id, RuleKind};

/// Where and with whom a slot takes place.
///
/// The slots of one call share their `Place` (an [`Arc`]), so a slot costs one reference
/// count to produce, not one per id, and threads serving the same doctor do not contend on
/// the doctor's ids. In JSON its fields appear directly in the slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// Why a candidate slot cannot be booked. When several reasons hold, the first in this
/// order is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Unavailable {
    /// A rule closes part of it (forced block, emergency, leave, holiday, override).
    Closed {
        /// The kind of the closing rule.
        rule: RuleKind,
        /// The closing rule's id.
        rule_id: Option<Id>,
    },
    /// It starts before `now` + minimum notice.
    TooSoon,
    /// Its local date is past the booking horizon.
    TooFar,
    /// It (with its buffers) overlaps an external busy time.
    Busy {
        /// The busy time.
        busy_id: Id,
    },
    /// The doctor's capacity (or the mode's) is used by booked appointments.
    Booked,
    /// The room's capacity is used by booked appointments.
    RoomFull {
        /// The room.
        room_id: Id,
    },
    /// Capacity is used, in part by holds that have not expired.
    Held,
}

/// The slots of one doctor, as returned by [`Availability::slots`](crate::Availability::slots).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SlotSeries {
    /// Bookable slots, by start.
    pub slots: Vec<Slot>,
    /// Candidate slots that cannot be booked, by start (only when asked for).
    pub unavailable: Vec<UnavailableSlot>,
    /// Generation stopped at the limit; more slots may follow.
    pub truncated: bool,
}

impl Unavailable {
    /// The snake_case code used in JSON, e.g. `"room_full"`.
    pub fn code(&self) -> &'static str {
        match self {
            Unavailable::Closed { .. } => "closed",
            Unavailable::TooSoon => "too_soon",
            Unavailable::TooFar => "too_far",
            Unavailable::Busy { .. } => "busy",
            Unavailable::Booked => "booked",
            Unavailable::RoomFull { .. } => "room_full",
            Unavailable::Held => "held",
        }
    }
}

/// A short English reason, e.g. `closed by leave "half-day"` or `room "r1" is full`.
impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unavailable::Closed {
                rule,
                rule_id: Some(id),
            } => write!(f, "closed by {rule} {:?}", id.as_str()),
            Unavailable::Closed {
                rule,
                rule_id: None,
            } => write!(f, "closed ({rule})"),
            Unavailable::TooSoon => f.write_str("too soon (minimum notice)"),
            Unavailable::TooFar => f.write_str("too far ahead (booking horizon)"),
            Unavailable::Busy { busy_id } => write!(f, "busy ({:?})", busy_id.as_str()),
            Unavailable::Booked => f.write_str("booked"),
            Unavailable::RoomFull { room_id } => write!(f, "room {:?} is full", room_id.as_str()),
            Unavailable::Held => f.write_str("held by another patient"),
        }
    }
}
