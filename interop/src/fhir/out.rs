//! medsched's records as FHIR R4 resources.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use medsched::booking::{AppointmentStatus as Status, HoldStatus, SlotClaim};
use medsched::tokens::TokenState;
use medsched::{Id, Result, Status as Open, Unavailable};
use serde::{Deserialize, Serialize};

use super::model::{
    Appointment, AppointmentStatus, Bundle, CodeableConcept, Coding, Entry, Identifier, Meta,
    Participant, Period, Reference, Resource, Schedule, Search, Slot, SlotStatus,
};
use crate::Export;
use crate::export::is_off_hours;
use crate::ids::{fhir_id, instant_key};

impl Export {
    /// The export as a FHIR R4 `collection` Bundle: the Schedules first (one per location
    /// the doctor has time, appointments or slots at, and one without a location for
    /// closed time that has none), then the Slots (closed intervals, then the slot series),
    /// then the Appointments (appointments, then holds). Ids and identifiers depend only on
    /// medsched's ids and times, so they are the same at every export.
    ///
    /// Refused: an empty range, an empty system, and records of another doctor.
    ///
    /// ```
    /// use chrono::{DateTime, Utc};
    /// use medsched::{Interval, RuleKind, Status};
    /// use medsched_interop::Export;
    /// use medsched_interop::fhir::{Resource, SlotStatus};
    ///
    /// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    /// let mut export = Export::new("dr-asha", chrono_tz::Asia::Kolkata,
    ///     t("2026-03-02T00:00:00Z"), t("2026-03-03T00:00:00Z"), t("2026-03-01T06:00:00Z"));
    /// export.intervals.push(Interval {
    ///     start: t("2026-03-02T03:30:00Z"), end: t("2026-03-02T07:30:00Z"),
    ///     status: Status::Closed, rule: RuleKind::Leave, rule_id: Some("conference".into()),
    ///     location_id: Some("kochi".into()), room_id: None, tentative_leave_id: None,
    /// });
    /// let bundle = export.to_fhir()?;
    /// let Resource::Slot(slot) = &bundle.entry[1].resource else { panic!() };
    /// assert_eq!(slot.status, SlotStatus::BusyUnavailable);
    /// assert_eq!(slot.comment.as_deref(), Some(r#"closed by leave "conference""#));
    /// assert_eq!(slot.schedule.reference.as_deref(), Some("Schedule/dr-asha.kochi"));
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn to_fhir(&self) -> Result<Bundle> {
        self.validate()?;
        let mut locations: BTreeSet<Option<&str>> = BTreeSet::new();
        for i in self.closed_intervals() {
            locations.insert(i.location_id.as_ref().map(Id::as_str));
        }
        for typed in &self.slots {
            let places = typed.series.slots.iter().map(|s| &s.place);
            let busy = typed.series.unavailable.iter().map(|s| &s.place);
            for place in places.chain(busy) {
                locations.insert(Some(place.location_id.as_str()));
            }
        }
        for slot in self.claims() {
            locations.insert(Some(slot.location_id.as_str()));
        }
        let mut entries: Vec<Entry> = locations
            .into_iter()
            .map(|l| self.schedule(l))
            .map(Resource::Schedule)
            .map(entry)
            .collect();
        entries.extend(self.fhir_slots().into_iter().map(Resource::Slot).map(entry));
        entries.extend(
            self.fhir_appointments()
                .into_iter()
                .map(Resource::Appointment)
                .map(entry),
        );
        Ok(Bundle {
            resource_type: "Bundle".into(),
            kind: "collection".into(),
            timestamp: Some(self.now),
            total: None,
            entry: entries,
        })
    }

    fn closed_intervals(&self) -> impl Iterator<Item = &medsched::Interval> {
        self.intervals
            .iter()
            .filter(|i| i.status == Open::Closed && !is_off_hours(i.rule))
    }

    fn claims(&self) -> impl Iterator<Item = &SlotClaim> {
        let held = self.holds.iter().filter(|h| h.status == HoldStatus::Held);
        (self.appointments.iter().map(|a| &a.slot)).chain(held.map(|h| &h.slot))
    }

    fn identifier(&self, kind: &str, value: &str) -> Identifier {
        Identifier {
            system: Some(format!("{}/{kind}", self.system)),
            value: Some(value.to_owned()),
        }
    }

    /// A reference to `Type/id` carrying medsched's id as its identifier.
    fn reference(&self, kind: &str, id: &str) -> Reference {
        Reference {
            reference: Some(format!("{kind}/{}", fhir_id(&[id]))),
            identifier: Some(self.identifier(&kind.to_ascii_lowercase(), id)),
            display: None,
        }
    }

    fn schedule_id(&self, location: Option<&str>) -> String {
        match location {
            Some(l) => fhir_id(&[&self.doctor_id, l]),
            None => fhir_id(&[&self.doctor_id]),
        }
    }

    fn schedule(&self, location: Option<&str>) -> Schedule {
        let id = self.schedule_id(location);
        let mut actor = vec![self.reference("Practitioner", &self.doctor_id)];
        actor.extend(location.map(|l| self.reference("Location", l)));
        let key = match location {
            Some(l) => format!("{}/{l}", self.doctor_id),
            None => self.doctor_id.to_string(),
        };
        Schedule {
            id: Some(id),
            identifier: vec![self.identifier("schedule", &key)],
            active: Some(true),
            actor,
            planning_horizon: Some(Period {
                start: Some(self.start),
                end: Some(self.end),
            }),
        }
    }

    fn service_type(&self, appointment_type_id: &str) -> Vec<CodeableConcept> {
        vec![CodeableConcept {
            coding: vec![Coding {
                system: Some(format!("{}/appointment-type", self.system)),
                code: Some(appointment_type_id.to_owned()),
            }],
            text: None,
        }]
    }

    #[allow(clippy::too_many_arguments)]
    fn slot(
        &self,
        key: &[&str],
        location: Option<&str>,
        appointment_type_id: Option<&str>,
        status: SlotStatus,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        comment: Option<String>,
    ) -> Slot {
        Slot {
            id: Some(fhir_id(key)),
            identifier: vec![self.identifier("slot", &key.join("/"))],
            service_type: appointment_type_id
                .map(|t| self.service_type(t))
                .unwrap_or_default(),
            schedule: Reference {
                reference: Some(format!("Schedule/{}", self.schedule_id(location))),
                identifier: None,
                display: None,
            },
            status,
            start,
            end,
            comment,
        }
    }

    fn fhir_slots(&self) -> Vec<Slot> {
        let mut slots = Vec::new();
        for i in self.closed_intervals() {
            let start = instant_key(i.start);
            let reason = Unavailable::Closed {
                rule: i.rule,
                rule_id: i.rule_id.clone(),
            };
            let location = i.location_id.as_ref().map(Id::as_str);
            slots.push(self.slot(
                &[
                    &self.doctor_id,
                    location.unwrap_or("-"),
                    i.rule.as_str(),
                    &start,
                ],
                location,
                None,
                SlotStatus::BusyUnavailable,
                i.start,
                i.end,
                Some(reason.to_string()),
            ));
        }
        for typed in &self.slots {
            let kind = typed.appointment_type_id.as_str();
            let free = typed
                .series
                .slots
                .iter()
                .map(|s| (&s.place, s.start, s.end, None));
            let busy = (typed.series.unavailable.iter())
                .map(|s| (&s.place, s.start, s.end, Some(&s.reason)));
            for (place, start, end, reason) in free.chain(busy) {
                let status = match reason {
                    None => SlotStatus::Free,
                    Some(Unavailable::Held) => SlotStatus::BusyTentative,
                    Some(
                        Unavailable::Booked
                        | Unavailable::RoomFull { .. }
                        | Unavailable::Busy { .. },
                    ) => SlotStatus::Busy,
                    Some(
                        Unavailable::Closed { .. }
                        | Unavailable::TooSoon
                        | Unavailable::TooFar
                        | Unavailable::LimitReached { .. },
                    ) => SlotStatus::BusyUnavailable,
                };
                let at = instant_key(start);
                let room = place.room_id.as_ref().map_or("-", Id::as_str);
                slots.push(self.slot(
                    &[&self.doctor_id, &place.location_id, room, kind, &at],
                    Some(&place.location_id),
                    Some(kind),
                    status,
                    start,
                    end,
                    reason.map(ToString::to_string),
                ));
            }
        }
        slots
    }

    fn participants(&self, slot: &SlotClaim, patient_id: &str, status: &str) -> Vec<Participant> {
        let with = |actor: Reference, status: &str| Participant {
            actor: Some(actor),
            status: status.to_owned(),
        };
        vec![
            with(self.reference("Patient", patient_id), "accepted"),
            with(self.reference("Practitioner", &slot.doctor_id), status),
            with(self.reference("Location", &slot.location_id), "accepted"),
        ]
    }

    fn fhir_appointments(&self) -> Vec<Appointment> {
        let mut out = Vec::new();
        for a in &self.appointments {
            let token = self
                .token_of(&a.id)
                .map(|t| (t.state, t.arrived_at.is_some()));
            let status = fhir_status(a.status, token);
            let cancelation_reason =
                matches!(a.status, Status::Cancelled | Status::Declined).then(|| CodeableConcept {
                    coding: vec![Coding {
                        system: Some(format!("{}/end", self.system)),
                        code: Some(a.status.as_str().to_owned()),
                    }],
                    text: a.end_reason.clone(),
                });
            let doctor = if a.status == Status::Pending {
                "needs-action"
            } else {
                "accepted"
            };
            out.push(Appointment {
                id: Some(fhir_id(&[&a.id])),
                meta: Some(Meta {
                    last_updated: Some(a.updated_at),
                }),
                identifier: vec![self.identifier("appointment", &a.id)],
                status,
                cancelation_reason,
                service_type: self.service_type(&a.slot.appointment_type_id),
                start: Some(a.slot.start),
                end: Some(a.slot.end),
                minutes_duration: Some((a.slot.end - a.slot.start).num_minutes()),
                participant: self.participants(&a.slot, &a.patient_id, doctor),
            });
        }
        for h in self.holds.iter().filter(|h| h.status == HoldStatus::Held) {
            out.push(Appointment {
                id: Some(fhir_id(&["hold", &h.id])),
                meta: Some(Meta {
                    last_updated: Some(h.placed_at),
                }),
                identifier: vec![self.identifier("hold", &h.id)],
                status: AppointmentStatus::Proposed,
                cancelation_reason: None,
                service_type: self.service_type(&h.slot.appointment_type_id),
                start: Some(h.slot.start),
                end: Some(h.slot.end),
                minutes_duration: Some((h.slot.end - h.slot.start).num_minutes()),
                participant: self.participants(&h.slot, &h.patient_id, "tentative"),
            });
        }
        out
    }
}

/// An appointment's FHIR status: its lifecycle status, refined by the state of the token
/// issued for it (and whether the patient arrived) while it is confirmed.
fn fhir_status(status: Status, token: Option<(TokenState, bool)>) -> AppointmentStatus {
    match (status, token) {
        (Status::Pending, _) => AppointmentStatus::Pending,
        (Status::Cancelled | Status::Declined, _) => AppointmentStatus::Cancelled,
        (Status::Completed, _) | (Status::Confirmed, Some((TokenState::Completed, _))) => {
            AppointmentStatus::Fulfilled
        }
        (Status::NoShow, _) | (Status::Confirmed, Some((TokenState::Skipped, _))) => {
            AppointmentStatus::Noshow
        }
        (Status::Confirmed, Some((TokenState::Consulting, _))) => AppointmentStatus::CheckedIn,
        (Status::Confirmed, Some((TokenState::Late, _) | (TokenState::Waiting, true))) => {
            AppointmentStatus::Arrived
        }
        (Status::Confirmed, _) => AppointmentStatus::Booked,
    }
}

/// A FHIR Slot search (`GET /Slot?schedule=…&start=ge…&start=lt…&status=…`): every
/// field that is set must match.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlotSearch {
    /// The Schedule's id, or `Schedule/id`.
    pub schedule: Option<String>,
    /// The slot starts at or after this.
    pub start_ge: Option<DateTime<Utc>>,
    /// The slot starts before this.
    pub start_lt: Option<DateTime<Utc>>,
    /// The slot's status.
    pub status: Option<SlotStatus>,
}

fn entry(resource: Resource) -> Entry {
    Entry {
        full_url: None,
        resource,
        search: None,
    }
}

impl Bundle {
    /// The Slots of this bundle that a FHIR Slot search matches, as a `searchset` bundle
    /// (see [`SlotSearch`]).
    ///
    /// ```
    /// use chrono::{DateTime, Utc};
    /// use medsched_interop::Export;
    /// use medsched_interop::fhir::SlotSearch;
    ///
    /// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    /// let export = Export::new("dr-asha", chrono_tz::Asia::Kolkata,
    ///     t("2026-03-02T00:00:00Z"), t("2026-03-03T00:00:00Z"), t("2026-03-01T06:00:00Z"));
    /// let search = SlotSearch { schedule: Some("dr-asha.kochi".into()), ..SlotSearch::default() };
    /// let found = export.to_fhir()?.slot_search(&search);
    /// assert_eq!((found.kind.as_str(), found.total), ("searchset", Some(0)));
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn slot_search(&self, search: &SlotSearch) -> Bundle {
        let SlotSearch {
            schedule,
            start_ge,
            start_lt,
            status,
        } = search;
        let (start_ge, start_lt, status) = (*start_ge, *start_lt, *status);
        let schedule = (schedule.as_deref()).map(|s| s.strip_prefix("Schedule/").unwrap_or(s));
        let entry: Vec<Entry> = (self.entry.iter())
            .filter(|e| match &e.resource {
                Resource::Slot(slot) => {
                    let reference = slot.schedule.reference.as_deref();
                    let id = reference.map(|r| r.strip_prefix("Schedule/").unwrap_or(r));
                    schedule.is_none_or(|s| id == Some(s))
                        && start_ge.is_none_or(|t| slot.start >= t)
                        && start_lt.is_none_or(|t| slot.start < t)
                        && status.is_none_or(|s| slot.status == s)
                }
                _ => false,
            })
            .map(|e| Entry {
                search: Some(Search {
                    mode: "match".into(),
                }),
                ..e.clone()
            })
            .collect();
        Bundle {
            resource_type: "Bundle".into(),
            kind: "searchset".into(),
            timestamp: self.timestamp,
            total: Some(u32::try_from(entry.len()).unwrap_or(u32::MAX)),
            entry,
        }
    }
}
