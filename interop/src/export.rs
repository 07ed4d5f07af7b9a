//! What an export takes: one doctor's time in a range, as the core gave it.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use medsched::booking::{Appointment, Hold};
use medsched::tokens::Token;
use medsched::{Error, Id, Interval, Problem, Result, SlotSeries};
use serde::{Deserialize, Serialize};

/// The slots of one appointment type, as [`Availability::slots`](medsched::Availability::slots)
/// returned them (with `include_unavailable` for the busy ones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypedSlots {
    /// The appointment type the slots are of (FHIR `Slot.serviceType`).
    pub appointment_type_id: Id,
    /// The slots.
    pub series: SlotSeries,
}

/// One doctor's time from `start` to `end`: what FHIR and iCalendar exports are made of.
/// Every list is optional; only what is given is exported, and nothing is recomputed.
///
/// - `intervals`: [`Availability::resolve`](medsched::Availability::resolve) over the range:
///   open hours, and closing rules other than `outside_hours` and `break` (blocks, leave,
///   holidays...).
/// - `slots`: slot series per appointment type.
/// - `appointments` and `holds`: from the day books
///   ([`DayBook::appointments`](medsched::booking::DayBook::appointments)); only holds that
///   are still `held` are exported.
/// - `tokens`: the doctor's tokens of those days; a token issued for an appointment refines
///   its FHIR status (arrived, checked-in, fulfilled, noshow).
///
/// ```
/// use chrono::{DateTime, Utc};
/// use medsched_interop::Export;
///
/// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
/// let export: Export = serde_json::from_str(r#"{
///     "doctor_id": "dr-asha", "time_zone": "Asia/Kolkata",
///     "start": "2026-03-02T00:00:00Z", "end": "2026-03-03T00:00:00Z",
///     "now": "2026-03-01T06:00:00Z"
/// }"#).unwrap();
/// assert_eq!(export.system, "urn:medsched");
/// assert_eq!(export.end, t("2026-03-03T00:00:00Z"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Export {
    /// The doctor.
    pub doctor_id: Id,
    /// The zone of the doctor's iCalendar feed (`TZID` of every event).
    pub time_zone: Tz,
    /// Start of the range (the FHIR Schedule's planning horizon).
    pub start: DateTime<Utc>,
    /// End of the range (exclusive).
    pub end: DateTime<Utc>,
    /// When the export is made: the Bundle's timestamp, the `DTSTAMP` of generated events.
    pub now: DateTime<Utc>,
    /// The namespace of every identifier: FHIR `Identifier.system`s and code systems are
    /// under it, and iCalendar `UID`s start with it. Default `urn:medsched`; a host with
    /// several tenants gives each its own, e.g. `urn:medsched:kochi-clinic`.
    #[serde(default = "default_system")]
    pub system: String,
    /// Open and closed time.
    #[serde(default)]
    pub intervals: Vec<Interval>,
    /// Slot series per appointment type.
    #[serde(default)]
    pub slots: Vec<TypedSlots>,
    /// Appointments.
    #[serde(default)]
    pub appointments: Vec<Appointment>,
    /// Holds.
    #[serde(default)]
    pub holds: Vec<Hold>,
    /// Tokens.
    #[serde(default)]
    pub tokens: Vec<Token>,
}

fn default_system() -> String {
    "urn:medsched".to_owned()
}

impl Export {
    /// An export of nothing yet, for `doctor_id` in `time_zone` from `start` to `end`,
    /// made at `now`, under the system `urn:medsched`.
    pub fn new(
        doctor_id: impl Into<Id>,
        time_zone: Tz,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Export {
        Export {
            doctor_id: doctor_id.into(),
            time_zone,
            start,
            end,
            now,
            system: default_system(),
            intervals: Vec::new(),
            slots: Vec::new(),
            appointments: Vec::new(),
            holds: Vec::new(),
            tokens: Vec::new(),
        }
    }

    /// Refuses an empty range or system, and records of another doctor.
    pub(crate) fn validate(&self) -> Result<()> {
        if self.end <= self.start {
            return Err(Error::invalid_input(
                "end",
                self.end.to_rfc3339(),
                Problem::EndNotAfterStart,
            ));
        }
        if self.system.trim().is_empty() {
            return Err(Error::invalid_input(
                "system",
                &self.system,
                Problem::Missing("a namespace such as urn:medsched".into()),
            ));
        }
        let other = |field: String, id: &Id| {
            Err(Error::invalid_input(
                field,
                id.as_str(),
                Problem::Conflicting(format!("doctor_id {:?}", self.doctor_id.as_str())),
            ))
        };
        for (i, a) in self.appointments.iter().enumerate() {
            if a.slot.doctor_id != self.doctor_id {
                return other(
                    format!("appointments[{i}].slot.doctor_id"),
                    &a.slot.doctor_id,
                );
            }
        }
        for (i, h) in self.holds.iter().enumerate() {
            if h.slot.doctor_id != self.doctor_id {
                return other(format!("holds[{i}].slot.doctor_id"), &h.slot.doctor_id);
            }
        }
        for (i, s) in self.slots.iter().enumerate() {
            let places = s.series.slots.iter().map(|s| &s.place);
            let busy = s.series.unavailable.iter().map(|s| &s.place);
            if let Some(p) = places.chain(busy).find(|p| p.doctor_id != self.doctor_id) {
                return other(format!("slots[{i}].series"), &p.doctor_id);
            }
        }
        Ok(())
    }

    /// The token issued for an appointment, the last issued if several.
    pub(crate) fn token_of(&self, appointment_id: &Id) -> Option<&Token> {
        self.tokens
            .iter()
            .filter(|t| t.appointment_id.as_ref() == Some(appointment_id))
            .max_by_key(|t| t.issued_at)
    }
}

/// Whether closed time of this rule is simply off hours (nothing scheduled, or a template's
/// break), which the exports leave out rather than report as busy.
pub(crate) fn is_off_hours(rule: medsched::RuleKind) -> bool {
    matches!(
        rule,
        medsched::RuleKind::OutsideHours | medsched::RuleKind::Break
    )
}
