//! Clinic rules with their roster, and slot searches over several resources: the argument
//! handling each binding's `ClinicRules` constructor and `joint_slots` share.

use medsched::{Availability, Clinic, ClinicRules, Id, Result, SlotRequest, SlotSeries};

use crate::json::{limits, parse};
use crate::occupancy::Taken;

/// Compiles `Clinic` JSON with optional `Limits` JSON (the defaults when absent) and an
/// optional roster, the ids of the clinic's doctors: with one, a calendar or a reservation
/// naming any other doctor is refused (`ClinicRules::with_roster`), naming the field.
///
/// ```
/// use medsched::{Availability, DoctorCalendar};
/// use medsched_facade::resources::clinic_rules;
///
/// let clinic = r#"{"locations": [{"id": "main", "time_zone": "UTC"}]}"#;
/// let rules = clinic_rules(clinic, None, Some(&["dr-asha".to_owned()]))?;
/// assert!(Availability::new(&rules, &DoctorCalendar::new("dr-asha")).is_ok());
/// let stranger = Availability::new(&rules, &DoctorCalendar::new("dr-ahsa")).unwrap_err();
/// assert_eq!(stranger.code(), "invalid_input");
/// assert_eq!(stranger.value(), Some("dr-ahsa"));
/// let refused = clinic_rules(clinic, Some(r#"{"max_slots": -1}"#), None).unwrap_err();
/// assert_eq!(refused.field(), Some("limits.max_slots"));
/// # Ok::<(), medsched::Error>(())
/// ```
///
/// # Errors
///
/// `invalid_input` for refused JSON (naming the field), refused limits, or rules the core
/// refuses.
pub fn clinic_rules(
    clinic: &str,
    limits_json: Option<&str>,
    roster: Option<&[String]>,
) -> Result<ClinicRules> {
    let clinic: Clinic = parse("", clinic)?;
    let limits = limits(limits_json)?;
    match roster {
        Some(roster) => {
            let roster: Vec<Id> = roster.iter().map(|id| Id::from(id.as_str())).collect();
            ClinicRules::with_roster(&clinic, &limits, &roster)
        }
        None => ClinicRules::with_limits(&clinic, &limits),
    }
}

/// The slots of `request` that `lead` can take with every doctor of `others` and a seat of
/// every piece of `equipment` at once, given what is taken
/// ([`Availability::joint_slots`]; the occupancy is prepared once for the search).
///
/// ```
/// use medsched::{AppointmentType, Availability, DoctorCalendar, SlotRequest};
/// use medsched_facade::json::parse;
/// use medsched_facade::occupancy::Taken;
/// use medsched_facade::resources::{clinic_rules, joint_slots};
///
/// let rules = clinic_rules(r#"{"locations": [{"id": "main", "time_zone": "UTC",
///     "rooms": [{"id": "theatre", "capacity": 1}]}]}"#, None, None)?;
/// let calendar = |id: &str| parse::<DoctorCalendar>("calendar", &format!(
///     r#"{{"doctor_id": "{id}", "templates": [{{"id": "t", "location_id": "main",
///     "weekdays": ["Tue"], "sessions": [{{"start": "09:00", "end": "12:00"}}]}}]}}"#));
/// let surgeon = Availability::new(&rules, &calendar("dr-cut")?)?;
/// let anaesthetist = Availability::new(&rules, &calendar("dr-gas")?)?;
/// let request: SlotRequest = parse("request", r#"{"appointment_type": {"id": "op",
///     "duration_minutes": 60, "step_minutes": 60}, "start": "2026-03-03T00:00:00Z",
///     "end": "2026-03-04T00:00:00Z", "now": "2026-03-01T00:00:00Z"}"#)?;
/// let series = joint_slots(&surgeon, &[&anaesthetist], &["theatre".to_owned()], &request,
///     &Taken::default(), None)?;
/// assert_eq!(series.slots.len(), 3);
/// let unknown = joint_slots(&surgeon, &[&anaesthetist], &["x-ray".to_owned()], &request,
///     &Taken::default(), None).unwrap_err();
/// assert_eq!(unknown.code(), "invalid_input");
/// # Ok::<(), medsched::Error>(())
/// ```
///
/// # Errors
///
/// As [`Availability::joint_slots`], and `invalid_input` for an occupancy the core refuses.
pub fn joint_slots(
    lead: &Availability,
    others: &[&Availability],
    equipment: &[String],
    request: &SlotRequest,
    occupancy: &Taken,
    limit: Option<u32>,
) -> Result<SlotSeries> {
    let equipment: Vec<Id> = equipment.iter().map(|id| Id::from(id.as_str())).collect();
    let prepared = occupancy.prepared()?;
    lead.joint_slots(others, &equipment, request, &prepared, limit)
}
