//! Why a slot cannot be booked: the reason slot generation reports and a refused booking
//! carries.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::booking_limits::BookingLimitKind;
use crate::id::Id;
use crate::timeline::RuleKind;

/// Why a candidate slot cannot be booked. When several reasons hold, the first in this
/// order is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// The doctor's bookings (of every type, or of `appointment_type_id`) already reach a
    /// booking limit for the slot's local day, week or month.
    LimitReached {
        /// Which limit.
        limit: BookingLimitKind,
        /// The appointment type whose limit it is; `None` for the doctor's own limits.
        appointment_type_id: Option<Id>,
        /// The limit's value (bookings, or minutes for `minutes_per_day`).
        maximum: u32,
    },
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
            Unavailable::LimitReached { .. } => "limit_reached",
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
            Unavailable::LimitReached {
                limit,
                appointment_type_id,
                maximum,
            } => {
                write!(f, "booking limit reached ({} {maximum}", limit.field())?;
                match appointment_type_id {
                    Some(id) => write!(f, " of type {:?})", id.as_str()),
                    None => f.write_str(")"),
                }
            }
        }
    }
}
