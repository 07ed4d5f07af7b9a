//! Clinic-wide records: locations with their time zones and rooms, and holidays.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Id;

/// The clinic (or hospital, or chain) whose doctors medsched schedules.
///
/// # Example
///
/// ```
/// use medsched::{Clinic, Holiday, Location, Room};
/// use chrono::NaiveDate;
///
/// let clinic = Clinic {
///     locations: vec![Location {
///         rooms: vec![Room::new("r1", "Consultation 1", 1)],
///         ..Location::new("kochi", "Kochi OPD", "Asia/Kolkata")
///     }],
///     holidays: vec![Holiday {
///         rrule: Some("FREQ=YEARLY".into()),
///         ..Holiday::on("republic-day", "Republic Day", NaiveDate::from_ymd_opt(2020, 1, 26).unwrap())
///     }],
/// };
/// clinic.validate()?;
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Clinic {
    /// The places where doctors see patients.
    #[serde(default)]
    pub locations: Vec<Location>,
    /// Days the clinic, or one of its locations, is closed.
    #[serde(default)]
    pub holidays: Vec<Holiday>,
}

/// A place where doctors work, with its IANA time zone. Every wall-clock rule of a session
/// held there is read in this zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// The location's id.
    pub id: Id,
    /// A display name.
    #[serde(default)]
    pub name: String,
    /// IANA time zone name, e.g. `Asia/Kolkata`.
    pub time_zone: String,
    /// Consultation rooms at this location.
    #[serde(default)]
    pub rooms: Vec<Room>,
}

impl Location {
    /// A location with no rooms.
    pub fn new(id: impl Into<Id>, name: impl Into<String>, time_zone: impl Into<String>) -> Self {
        Location {
            id: id.into(),
            name: name.into(),
            time_zone: time_zone.into(),
            rooms: Vec::new(),
        }
    }
}

/// A consultation room. A room is shared by every doctor whose sessions name it: at most
/// `capacity` in-person appointments (with their buffers) may overlap in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Room {
    /// The room's id, unique across the clinic (reservations name their room by it).
    pub id: Id,
    /// A display name.
    #[serde(default)]
    pub name: String,
    /// How many in-person appointments may take place in it at once (at least 1).
    pub capacity: u32,
}

impl Room {
    /// A room.
    pub fn new(id: impl Into<Id>, name: impl Into<String>, capacity: u32) -> Self {
        Room {
            id: id.into(),
            name: name.into(),
            capacity,
        }
    }
}

/// Whole local days on which the clinic, or one location, is closed.
///
/// The days run from `first` to `last` inclusive, each read in the time zone of the location
/// concerned. With an `rrule` (RFC 5545, daily or coarser, `DTSTART` = `first`) the span
/// repeats at every occurrence: `FREQ=YEARLY` with `first` = 26 January closes every
/// 26 January.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    /// The holiday's id.
    pub id: Id,
    /// A display name, e.g. "Onam".
    #[serde(default)]
    pub name: String,
    /// The location it closes; `None` closes every location.
    #[serde(default)]
    pub location_id: Option<Id>,
    /// First closed day.
    pub first: NaiveDate,
    /// Last closed day (inclusive); equal to `first` for a one-day holiday.
    pub last: NaiveDate,
    /// Optional recurrence of the whole span.
    #[serde(default)]
    pub rrule: Option<String>,
}

impl Holiday {
    /// A one-day, clinic-wide, non-recurring holiday.
    pub fn on(id: impl Into<Id>, name: impl Into<String>, date: NaiveDate) -> Self {
        Holiday {
            id: id.into(),
            name: name.into(),
            location_id: None,
            first: date,
            last: date,
            rrule: None,
        }
    }
}
