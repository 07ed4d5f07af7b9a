//! What a doctor's own rules say about bookability: a base schedule, locations, the first
//! slot ahead and an active forced block. The only part of an evaluation that searches
//! slots.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    AppointmentType, Availability, ClinicRules, DoctorCalendar, Id, Occupancy, Result, SlotRequest,
    first_available,
};

/// The facts of a doctor's calendar a bookability evaluation needs, gathered by
/// [`CalendarFacts::gather`]. Keep them and gather again only when the calendar, the
/// clinic's rules or the appointment type change, or at [`recheck_at`](Self::recheck_at);
/// bookings never change them (`docs/BOOKABILITY.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CalendarFacts {
    /// The instant the facts were gathered at.
    pub at: DateTime<Utc>,
    /// How many weekly templates with at least one session the calendar has.
    pub base_templates: u32,
    /// The locations of the calendar's templates, each once, in order.
    pub location_ids: Vec<Id>,
    /// The start of the first bookable slot of the appointment type within the horizon,
    /// ignoring bookings and holds (the rules open it).
    pub first_slot: Option<DateTime<Utc>>,
    /// The forced block in force at `at`, if any.
    pub forced_block: Option<Id>,
    /// When time alone may change these facts: a second after the first slot's start, the
    /// end of the forced block in force, the start of the next one, or a day after `at`,
    /// whichever comes first (always after `at`).
    pub recheck_at: DateTime<Utc>,
}

impl CalendarFacts {
    /// Compiles the calendar against the clinic's rules and reads its facts at `now`,
    /// searching for one slot of `appointment_type` starting in `[now, now + horizon_days)`,
    /// with no bookings (the search stops at the first slot; its work is bounded by the
    /// rules' [`Limits::max_slots`](crate::Limits::max_slots), as
    /// [`first_available`] is).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for a calendar the rules refuse
    /// (as [`Availability::new`]), a bad appointment type or a `now` out of range.
    pub fn gather(
        clinic: &ClinicRules,
        calendar: &DoctorCalendar,
        appointment_type: &AppointmentType,
        now: DateTime<Utc>,
        horizon_days: u32,
    ) -> Result<CalendarFacts> {
        let availability = Availability::new(clinic, calendar)?;
        let request = SlotRequest {
            appointment_type: appointment_type.clone(),
            start: now,
            end: now + Duration::days(i64::from(horizon_days)),
            now,
        };
        let none = Occupancy::default();
        let first_slot = first_available([(&availability, &none)], &request, 1)?
            .first()
            .map(|slot| slot.start);
        let mut location_ids: Vec<Id> = Vec::new();
        for template in &calendar.templates {
            if !location_ids.contains(&template.location_id) {
                location_ids.push(template.location_id.clone());
            }
        }
        let base_templates = calendar
            .templates
            .iter()
            .filter(|t| !t.sessions.is_empty())
            .count() as u32;
        let active = calendar
            .forced_blocks
            .iter()
            .find(|b| b.start <= now && now < b.end);
        let next_block = calendar
            .forced_blocks
            .iter()
            .map(|b| b.start)
            .filter(|start| *start > now)
            .min();
        let recheck_at = [
            first_slot.map(|start| start.max(now) + Duration::seconds(1)),
            active.map(|b| b.end),
            next_block,
            Some(now + Duration::days(1)),
        ]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(now + Duration::days(1));
        Ok(CalendarFacts {
            at: now,
            base_templates,
            location_ids,
            first_slot,
            forced_block: active.map(|b| b.id.clone()),
            recheck_at,
        })
    }
}
