//! What resolution returns: intervals of open and closed time, each with the rule behind it.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Id;
use crate::json_text::{Stamps, json_into, json_text_into};

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

impl Interval {
    /// Writes `intervals` to `out` as their JSON list: the text `serde_json` writes for them
    /// (instants as `2026-03-02T09:00:00Z`), without chrono's formatting machinery, which is
    /// most of `serde_json`'s time. An interval with an instant that is not a whole second of
    /// the years 0–9999 (never one a clinic's rules make) is written by `serde_json`.
    ///
    /// The work is one pass over the intervals; `out` grows by about 150 bytes an interval.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use medsched::{Interval, RuleKind, Status};
    ///
    /// let night = Interval {
    ///     start: Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap(),
    ///     end: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
    ///     status: Status::Closed,
    ///     rule: RuleKind::OutsideHours,
    ///     rule_id: None,
    ///     location_id: None,
    ///     room_id: None,
    ///     tentative_leave_id: None,
    /// };
    /// let mut body = Vec::new();
    /// Interval::write_json_list(&[night.clone()], &mut body);
    /// assert_eq!(body, serde_json::to_vec(&[night]).unwrap());
    /// ```
    pub fn write_json_list(intervals: &[Interval], out: &mut Vec<u8>) {
        out.reserve(intervals.len() * 160 + 2);
        out.push(b'[');
        let mut stamps = Stamps::default();
        for (k, i) in intervals.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            let at = out.len();
            let whole = |t: &DateTime<Utc>| t.timestamp_subsec_nanos() == 0;
            out.extend_from_slice(br#"{"start":""#);
            if !(whole(&i.start) && whole(&i.end) && stamps.push(out, i.start.timestamp()) && {
                out.extend_from_slice(br#"Z","end":""#);
                stamps.push(out, i.end.timestamp())
            }) {
                out.truncate(at);
                json_into(out, i);
                continue;
            }
            out.extend_from_slice(br#"Z","status":""#);
            out.extend_from_slice(i.status.as_str().as_bytes());
            out.extend_from_slice(br#"","rule":""#);
            out.extend_from_slice(i.rule.as_str().as_bytes());
            out.extend_from_slice(br#"","rule_id":"#);
            json_text_into(out, i.rule_id.as_ref().map(Id::as_str));
            out.extend_from_slice(br#","location_id":"#);
            json_text_into(out, i.location_id.as_ref().map(Id::as_str));
            out.extend_from_slice(br#","room_id":"#);
            json_text_into(out, i.room_id.as_ref().map(Id::as_str));
            out.extend_from_slice(br#","tentative_leave_id":"#);
            json_text_into(out, i.tentative_leave_id.as_ref().map(Id::as_str));
            out.push(b'}');
        }
        out.push(b']');
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use proptest::prelude::*;

    use super::*;

    const KINDS: [RuleKind; 8] = [
        RuleKind::ForcedBlock,
        RuleKind::Emergency,
        RuleKind::Leave,
        RuleKind::Holiday,
        RuleKind::Override,
        RuleKind::Base,
        RuleKind::Break,
        RuleKind::OutsideHours,
    ];

    /// Instants mostly on whole seconds of 1900-2200, some with a fraction of a second or
    /// beyond the year 9999 (serde_json's path).
    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        let secs = -2_208_988_800i64..7_258_118_400;
        prop_oneof![
            8 => secs.clone().prop_map(|s| DateTime::from_timestamp(s, 0).expect("in range")),
            1 => (secs, 1u32..1_000_000_000)
                .prop_map(|(s, n)| DateTime::from_timestamp(s, n).expect("in range")),
            1 => (253_402_300_700i64..253_402_400_000)
                .prop_map(|s| DateTime::from_timestamp(s, 0).expect("in range")),
        ]
    }

    fn id() -> impl Strategy<Value = Option<Id>> {
        proptest::option::of(prop_oneof![
            Just("dr-asha".to_owned()),
            Just("köln \"main\"\\ \u{1}".to_owned()),
            "[a-z0-9-]{1,12}",
        ])
        .prop_map(|id| id.map(Id::from))
    }

    fn interval() -> impl Strategy<Value = Interval> {
        (
            instant(),
            instant(),
            any::<bool>(),
            0..KINDS.len(),
            id(),
            id(),
            id(),
            id(),
        )
            .prop_map(
                |(start, end, open, kind, rule_id, location_id, room_id, tentative_leave_id)| {
                    Interval {
                        start,
                        end,
                        status: if open { Status::Open } else { Status::Closed },
                        rule: KINDS[kind],
                        rule_id,
                        location_id,
                        room_id,
                        tentative_leave_id,
                    }
                },
            )
    }

    proptest! {
        /// The list written by hand is serde_json's text of it.
        #[test]
        fn written_lists_are_serde_jsons_text(
            intervals in proptest::collection::vec(interval(), 0..12),
        ) {
            let mut body = Vec::new();
            Interval::write_json_list(&intervals, &mut body);
            let want = serde_json::to_vec(&intervals).expect("serializes");
            prop_assert_eq!(String::from_utf8(body).ok(), String::from_utf8(want).ok());
        }
    }
}
