//! Slots that need several resources at once: the doctor's slot, and at the same time other
//! clinicians free and a seat in each piece of equipment (docs/RESOURCES.md).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::load::Load;
use super::{SlotOptions, SlotRequest, SlotSeries};
use crate::{
    Alignment, AppointmentType, Availability, Error, Id, PreparedOccupancy, Problem, Result,
    RuleKind, Unavailable,
};

/// The most other clinicians, and the most pieces of equipment, one appointment may need.
pub const MAX_RESOURCES: usize = 8;

/// What an appointment needs besides its doctor: other clinicians at the same time (a
/// second doctor, an anaesthetist) and rooms or equipment (a procedure room, an ultrasound),
/// each a [`Room`](crate::Room) of the clinic with its capacity.
///
/// # Example
///
/// ```
/// use medsched::ResourceNeed;
///
/// let need = ResourceNeed {
///     clinicians: vec!["dr-gas".into()],
///     equipment: vec!["ultrasound".into()],
/// };
/// assert_eq!(need.clinicians.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ResourceNeed {
    /// The other clinicians (doctor ids), at most [`MAX_RESOURCES`], none the doctor's own.
    #[serde(default)]
    pub clinicians: Vec<Id>,
    /// Rooms or equipment (room ids of the clinic), at most [`MAX_RESOURCES`].
    #[serde(default)]
    pub equipment: Vec<Id>,
}

/// A piece of equipment found in the clinic: its id, location and capacity.
#[derive(Debug, Clone)]
pub(crate) struct Equipment {
    pub(crate) id: Id,
    pub(crate) location: Id,
    pub(crate) capacity: u32,
}

/// The equipment of `ids` looked up among the rooms of `lead`'s clinic, the ids checked
/// (at most [`MAX_RESOURCES`], none twice, each a room).
pub(crate) fn find_equipment(lead: &Availability, ids: &[Id]) -> Result<Vec<Equipment>> {
    check_ids("equipment", ids)?;
    ids.iter()
        .enumerate()
        .map(|(i, id)| {
            let found = lead.clinic.locations.iter().find_map(|loc| {
                loc.rooms
                    .iter()
                    .find(|(room, _)| room == id)
                    .map(|&(_, capacity)| Equipment {
                        id: id.clone(),
                        location: loc.id.clone(),
                        capacity,
                    })
            });
            found.ok_or_else(|| {
                Error::invalid(format!("equipment[{i}]"), id, Problem::UnknownReference)
            })
        })
        .collect()
}

/// Checks the other clinicians' ids: at most [`MAX_RESOURCES`], none twice, none `lead`.
pub(crate) fn check_clinicians(lead: &Id, ids: &[Id]) -> Result<()> {
    check_ids("clinicians", ids)?;
    match ids.iter().position(|c| c == lead) {
        Some(i) => Err(Error::invalid(
            format!("clinicians[{i}]"),
            lead,
            Problem::Conflicting("the appointment's own doctor".into()),
        )),
        None => Ok(()),
    }
}

fn check_ids(field: &str, ids: &[Id]) -> Result<()> {
    if ids.len() > MAX_RESOURCES {
        return Err(Error::invalid(
            field,
            ids.len(),
            Problem::OutOfRange(format!("at most {MAX_RESOURCES}")),
        ));
    }
    for (i, id) in ids.iter().enumerate() {
        if id.is_empty() {
            return Err(Error::invalid(
                format!("{field}[{i}]"),
                id,
                Problem::Missing("an id".into()),
            ));
        }
        if ids[..i].contains(id) {
            return Err(Error::invalid(
                format!("{field}[{i}]"),
                id,
                Problem::DuplicateId,
            ));
        }
    }
    Ok(())
}

/// The first piece of `equipment` a slot at `location` in `room` cannot name: one at
/// another location, or the slot's own room (which the slot takes already).
pub(crate) fn misplaced<'e>(
    equipment: &'e [Equipment],
    location: &Id,
    room: Option<&Id>,
) -> Option<&'e Equipment> {
    equipment
        .iter()
        .find(|e| e.location != *location || Some(&e.id) == room)
}

/// The lead's slot as the other resources must take it.
pub(crate) struct Taken<'a> {
    pub(crate) start: DateTime<Utc>,
    /// Start less buffers and end plus buffers, in seconds.
    pub(crate) from: i64,
    pub(crate) to: i64,
    pub(crate) location: &'a Id,
}

/// The first resource that cannot take `taken`, and why: the other clinicians in their
/// order (each must be offered a slot of the type starting exactly then, at the same
/// location, on a one-minute clock grid), then the equipment (a seat free over the slot and
/// its buffers). `None` when every resource can. The equipment is at the slot's location
/// and is not its room ([`misplaced`]).
pub(crate) fn first_refusal(
    others: &[&Availability],
    equipment: &[Equipment],
    appointment_type: &AppointmentType,
    now: DateTime<Utc>,
    occupancy: &PreparedOccupancy,
    load: &Load<'_>,
    taken: &Taken<'_>,
) -> Result<Option<(Id, Unavailable)>> {
    let any_minute = AppointmentType {
        step_minutes: Some(1),
        alignment: Alignment::Clock,
        ..appointment_type.clone()
    };
    let request = SlotRequest {
        appointment_type: any_minute,
        start: taken.start,
        end: taken.start + Duration::seconds(1),
        now,
    };
    let options = SlotOptions {
        include_unavailable: true,
        limit: Some(1),
    };
    for other in others {
        let set = other.slot_set(&request, occupancy, options)?;
        let offered = set.compact().first().filter(|c| {
            c.start() == taken.start && set.places()[c.place()].place.location_id == *taken.location
        });
        if offered.is_some() {
            continue;
        }
        let reason = match set.unavailable().first() {
            Some(u) if u.place.location_id == *taken.location => u.reason.clone(),
            _ => Unavailable::Closed {
                rule: RuleKind::OutsideHours,
                rule_id: None,
            },
        };
        return Ok(Some((other.doctor_id().clone(), reason)));
    }
    for e in equipment {
        let Some(usage) = load.room(&e.id) else {
            continue;
        };
        if usage.max_over(taken.from, taken.to) < u64::from(e.capacity) {
            continue;
        }
        let reason = if usage.booked_over(taken.from, taken.to) >= u64::from(e.capacity) {
            Unavailable::RoomFull {
                room_id: e.id.clone(),
            }
        } else {
            Unavailable::Held
        };
        return Ok(Some((e.id.clone(), reason)));
    }
    Ok(None)
}

impl Availability {
    /// The slots of `request` this doctor can take with every clinician of `others` and a
    /// seat of every piece of `equipment` (room ids of the clinic) at the same time.
    ///
    /// The slots are this doctor's (their grid, location, room and buffers). A slot is kept
    /// when each other clinician is offered a slot of the same type starting at the same
    /// instant at the same location (their rules, notice, horizon, busy times and seats,
    /// on a one-minute clock grid so their own grid does not matter), and each piece of
    /// equipment, at that location, has a seat free over the slot with its buffers (a slot
    /// at another location than a piece of equipment, or in it as its own room, is not
    /// kept).
    /// `occupancy` holds every resource's reservations: another clinician's under their
    /// doctor id, a piece of equipment's as in-person reservations naming it as their room.
    ///
    /// Work is bounded: this doctor's candidates as in [`slot_set`](Self::slot_set) (at most
    /// [`Limits::max_slots`](crate::Limits::max_slots), then
    /// [`truncated`](SlotSeries::truncated)), and for each of their bookable slots one
    /// one-minute search per other clinician (at most [`MAX_RESOURCES`]) and one lookup
    /// per piece of equipment. Only bookable slots are returned (`unavailable` is empty);
    /// it stops after `limit` of them and then sets `truncated`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a bad range, appointment type or limit (as in
    /// [`slots`](Self::slots)); for `others` naming this doctor or one doctor twice, more
    /// than [`MAX_RESOURCES`] of either kind, equipment that is no room of the clinic
    /// (`equipment[i]`, `unknown_reference`).
    ///
    /// # Example
    ///
    /// ```
    /// use medsched::*;
    /// use chrono::{DateTime, Utc, Weekday};
    ///
    /// let clinic = ClinicRules::new(&Clinic {
    ///     locations: vec![Location {
    ///         rooms: vec![Room::new("theatre", "Theatre", 1)],
    ///         ..Location::new("main", "Main", "Europe/London")
    ///     }],
    ///     holidays: vec![],
    /// })?;
    /// let calendar = |id: &str, from: &str, to: &str| -> Result<DoctorCalendar> {
    ///     let mut calendar = DoctorCalendar::new(id);
    ///     calendar.templates.push(WeeklyTemplate {
    ///         weekdays: vec![Weekday::Tue],
    ///         sessions: vec![Session::new(from, to)?],
    ///         ..WeeklyTemplate::new("tue", "main")
    ///     });
    ///     Ok(calendar)
    /// };
    /// let surgeon = Availability::new(&clinic, &calendar("dr-cut", "09:00", "12:00")?)?;
    /// let anaesthetist = Availability::new(&clinic, &calendar("dr-gas", "10:00", "13:00")?)?;
    /// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    /// let request = SlotRequest {
    ///     appointment_type: AppointmentType { step_minutes: Some(60), ..AppointmentType::new("op", 60) },
    ///     start: t("2026-03-03T00:00:00Z"),
    ///     end: t("2026-03-04T00:00:00Z"),
    ///     now: t("2026-03-01T12:00:00Z"),
    /// };
    /// // The theatre is taken at 10:00 by another operation.
    /// let mut other_op = Reservation::new("op-0", "theatre", t("2026-03-03T10:00:00Z"), t("2026-03-03T11:00:00Z"));
    /// other_op.room_id = Some("theatre".into());
    /// let occupancy = PreparedOccupancy::new(Occupancy { reservations: vec![other_op], busy: vec![] })?;
    /// let series = surgeon.joint_slots(&[&anaesthetist], &["theatre".into()], &request, &occupancy, None)?;
    /// let starts: Vec<_> = series.slots.iter().map(|s| s.local_start.time().to_string()).collect();
    /// assert_eq!(starts, ["11:00:00"]);
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn joint_slots(
        &self,
        others: &[&Availability],
        equipment: &[Id],
        request: &SlotRequest,
        occupancy: &PreparedOccupancy,
        limit: Option<u32>,
    ) -> Result<SlotSeries> {
        let ids: Vec<Id> = others.iter().map(|o| o.doctor_id().clone()).collect();
        check_clinicians(self.doctor_id(), &ids)?;
        let equipment = find_equipment(self, equipment)?;
        let limit = match limit {
            Some(0) => return Err(Error::invalid("limit", 0, Problem::NotPositive)),
            Some(n) => n as usize,
            None => usize::MAX,
        };
        let options = SlotOptions {
            include_unavailable: false,
            limit: None,
        };
        let lead = self.slot_set(request, occupancy, options)?;
        let load = Load::new(
            (occupancy, &occupancy.occupancy().reservations),
            self.doctor_id(),
            request.appointment_type.mode,
            request.now,
        );
        let mut series = SlotSeries {
            truncated: lead.truncated(),
            ..SlotSeries::default()
        };
        for slot in lead.iter() {
            if series.slots.len() == limit {
                series.truncated = true;
                break;
            }
            let room = slot.place.room_id.as_ref();
            if misplaced(&equipment, &slot.place.location_id, room).is_some() {
                continue;
            }
            let taken = Taken {
                start: slot.start,
                from: slot.start.timestamp() - i64::from(slot.buffer_before_minutes) * 60,
                to: slot.end.timestamp() + i64::from(slot.buffer_after_minutes) * 60,
                location: &slot.place.location_id,
            };
            let refusal = first_refusal(
                others,
                &equipment,
                &request.appointment_type,
                request.now,
                occupancy,
                &load,
                &taken,
            )?;
            if refusal.is_none() {
                series.slots.push(slot);
            }
        }
        Ok(series)
    }
}
