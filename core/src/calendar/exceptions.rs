//! Exceptions to the weekly schedule: date overrides, leave, emergencies and forced blocks.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Hours, SessionSettings};
use crate::id::Id;

/// A change to one local date's hours at one location.
///
/// - `replace`: on that date the location's template hours are replaced by `hours` (an empty
///   list closes the whole day);
/// - `extra`: `hours` are opened in addition to the template hours;
/// - `block`: `hours` are closed.
///
/// Overrides beat the base schedule and lose to holidays, leave, emergencies and forced
/// blocks. Between two overrides, closed beats open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DateOverride {
    /// The override's id.
    pub id: Id,
    /// The local date it changes.
    pub date: NaiveDate,
    /// The location whose hours it changes (and whose time zone it is read in).
    pub location_id: Id,
    /// The room used during opened hours.
    #[serde(default)]
    pub room_id: Option<Id>,
    /// What it does.
    pub kind: OverrideKind,
    /// The hours it opens or closes; they must not overlap. Hours ending at or before their
    /// start run into the next day; a `replace` replaces the time its date owns (from the end
    /// of the previous day's night sessions to the end of its own).
    #[serde(default)]
    pub hours: Vec<Hours>,
    /// Settings for opened hours; the calendar's settings when `None`.
    #[serde(default)]
    pub settings: Option<SessionSettings>,
}

impl DateOverride {
    /// An override of one date at a location, with no room and the calendar's settings.
    ///
    /// ```
    /// use medsched::{DateOverride, Hours, OverrideKind};
    /// use chrono::NaiveDate;
    ///
    /// let camp = DateOverride::new(
    ///     "saturday-camp",
    ///     NaiveDate::from_ymd_opt(2026, 3, 7).unwrap(),
    ///     "kochi",
    ///     OverrideKind::Extra,
    ///     vec![Hours::new("10:00", "12:00")?],
    /// );
    /// assert_eq!(camp.hours.len(), 1);
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn new(
        id: impl Into<Id>,
        date: NaiveDate,
        location_id: impl Into<Id>,
        kind: OverrideKind,
        hours: Vec<Hours>,
    ) -> Self {
        DateOverride {
            id: id.into(),
            date,
            location_id: location_id.into(),
            room_id: None,
            kind,
            hours,
            settings: None,
        }
    }
}

/// What a [`DateOverride`] does with its hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OverrideKind {
    /// The day's hours at the location become exactly these hours.
    Replace,
    /// These hours are open in addition to the day's hours.
    Extra,
    /// These hours are closed.
    Block,
}

/// A leave request. Only approved leave closes time; requested leave is reported as
/// tentative on the intervals it covers so that a UI can warn; rejected and cancelled leave
/// is ignored.
///
/// The leave runs from `start_time` (default midnight) on `first` to `end_time` (default end
/// of day) on `last`, in local time at each of the doctor's locations. A half day off is
/// `first == last` with times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Leave {
    /// The leave's id.
    pub id: Id,
    /// Where it stands in its approval workflow.
    pub status: LeaveStatus,
    /// First local date of the leave.
    pub first: NaiveDate,
    /// Last local date of the leave (inclusive).
    pub last: NaiveDate,
    /// Local time the leave starts on `first`; midnight when `None`.
    #[serde(default)]
    pub start_time: Option<NaiveTime>,
    /// Local time the leave ends on `last`; the end of the day when `None`.
    #[serde(default)]
    pub end_time: Option<NaiveTime>,
    /// Free text, e.g. "conference".
    #[serde(default)]
    pub reason: String,
}

impl Leave {
    /// Whole days of leave, `first` to `last` inclusive, with no reason given.
    pub fn new(id: impl Into<Id>, status: LeaveStatus, first: NaiveDate, last: NaiveDate) -> Self {
        Leave {
            id: id.into(),
            status,
            first,
            last,
            start_time: None,
            end_time: None,
            reason: String::new(),
        }
    }
}

/// The approval state of a [`Leave`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LeaveStatus {
    /// Asked for, not yet decided: does not close time, reported as tentative.
    Requested,
    /// Approved: closes time.
    Approved,
    /// Refused: ignored.
    Rejected,
    /// Withdrawn: ignored.
    Cancelled,
}

/// A closed range of instants: an emergency or an admin forced block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Unavailability {
    /// The rule's id.
    pub id: Id,
    /// Start (inclusive).
    pub start: DateTime<Utc>,
    /// End (exclusive).
    pub end: DateTime<Utc>,
    /// Free text.
    #[serde(default)]
    pub reason: String,
}

impl Unavailability {
    /// A closed range with no reason given.
    pub fn new(id: impl Into<Id>, start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        Unavailability {
            id: id.into(),
            start,
            end,
            reason: String::new(),
        }
    }
}
