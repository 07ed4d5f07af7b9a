//! What resolution returns: intervals of open and closed time, each with the rule behind it.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Id;

/// The kind of rule that decided an interval, highest priority first.
///
/// | covering rules (highest wins)            | decision |
/// |------------------------------------------|----------|
/// | forced block                             | closed (`forced_block`) |
/// | emergency                                | closed (`emergency`) |
/// | approved leave                           | closed (`leave`) |
/// | holiday                                  | closed (`holiday`) |
/// | override `block`, or `replace` outside its hours | closed (`override`) |
/// | override `extra`, or `replace` hours     | open (`override`) |
/// | weekly template session (not in a break) | open (`base`) |
/// | a break of a template's day              | closed (`break`) |
/// | none                                     | closed (`outside_hours`) |
///
/// A break is a gap in one template's day: a break inside a session, or the time between two
/// of its sessions on the same day (lunch between `09:00`-`13:00` and `14:00`-`18:00`),
/// reported with the template's id. It closes nothing: another rule's open time wins over it,
/// and so does every closing rule. Time before a day's first session or after its last is
/// `outside_hours`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// An admin forced block.
    ForcedBlock,
    /// Emergency unavailability.
    Emergency,
    /// Approved leave.
    Leave,
    /// A holiday.
    Holiday,
    /// A date override.
    Override,
    /// A weekly template (the base schedule).
    Base,
    /// A break of a weekly template's day (between two of its sessions, or inside one).
    Break,
    /// No rule covers the time.
    OutsideHours,
}

/// Whether the doctor can be booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Bookable.
    Open,
    /// Not bookable.
    Closed,
}

/// A maximal stretch of time with one decision, as returned by
/// [`Availability::resolve`](crate::Availability::resolve).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Interval {
    /// Start (inclusive).
    pub start: DateTime<Utc>,
    /// End (exclusive).
    pub end: DateTime<Utc>,
    /// Open or closed.
    pub status: Status,
    /// The kind of the deciding rule.
    pub rule: RuleKind,
    /// The deciding rule's id (`None` for `outside_hours`).
    pub rule_id: Option<Id>,
    /// The location the doctor is scheduled at (also when that time is closed).
    pub location_id: Option<Id>,
    /// The room of the scheduled session, if any.
    pub room_id: Option<Id>,
    /// A requested (not yet approved) leave covering this time.
    pub tentative_leave_id: Option<Id>,
}

/// A rule, named by kind and id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RuleRef {
    /// The rule's kind.
    pub kind: RuleKind,
    /// The rule's id.
    pub id: Id,
}

/// The decision at one instant, as returned by
/// [`Availability::explain`](crate::Availability::explain).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Explanation {
    /// The instant explained.
    pub instant: DateTime<Utc>,
    /// Open or closed.
    pub status: Status,
    /// The kind of the deciding rule.
    pub rule: RuleKind,
    /// The deciding rule's id (`None` for `outside_hours`).
    pub rule_id: Option<Id>,
    /// The location the doctor is scheduled at, if any.
    pub location_id: Option<Id>,
    /// The room of the scheduled session, if any.
    pub room_id: Option<Id>,
    /// A requested leave covering the instant.
    pub tentative_leave_id: Option<Id>,
    /// The other rules covering the instant that lost to the deciding one, highest first:
    /// closing rules that concern the doctor's location there, and every other open rule
    /// (including sessions scheduled at another location at the same time).
    pub overruled: Vec<RuleRef>,
}

impl RuleKind {
    /// The snake_case name used in JSON, e.g. `"forced_block"`.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::ForcedBlock => "forced_block",
            RuleKind::Emergency => "emergency",
            RuleKind::Leave => "leave",
            RuleKind::Holiday => "holiday",
            RuleKind::Override => "override",
            RuleKind::Base => "base",
            RuleKind::Break => "break",
            RuleKind::OutsideHours => "outside_hours",
        }
    }
}

impl fmt::Display for RuleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl Status {
    /// The snake_case name used in JSON: `"open"` or `"closed"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}
