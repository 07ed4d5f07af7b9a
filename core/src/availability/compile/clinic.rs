//! Compiling a clinic: locations with their zones and rooms, and holidays.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono_tz::Tz;

use super::checks::*;
use super::model::*;
use crate::availability::local_time::ZoneYears;
use crate::availability::recurrence::expand_dates;
use crate::{Clinic, Error, Id, Limits, Problem, Result};

/// The sizes of a clinic's lists and texts, against `limits`.
fn check_sizes(clinic: &Clinic, limits: &Limits) -> Result<()> {
    Limits::count(
        || "locations".into(),
        clinic.locations.len(),
        limits.max_exceptions,
    )?;
    for (i, loc) in clinic.locations.iter().enumerate() {
        limits.text(|| at("locations", i, "id"), &loc.id)?;
        limits.text(|| at("locations", i, "name"), &loc.name)?;
        limits.text(|| at("locations", i, "time_zone"), &loc.time_zone)?;
        let rooms = at("locations", i, "rooms");
        Limits::count(|| rooms.clone(), loc.rooms.len(), limits.max_exceptions)?;
        for (j, room) in loc.rooms.iter().enumerate() {
            limits.text(|| at(&rooms, j, "id"), &room.id)?;
            limits.text(|| at(&rooms, j, "name"), &room.name)?;
        }
    }
    Limits::count(
        || "holidays".into(),
        clinic.holidays.len(),
        limits.max_exceptions,
    )?;
    let rules = clinic.holidays.iter().filter(|h| h.rrule.is_some()).count();
    Limits::count(
        || "holidays[].rrule".into(),
        rules,
        limits.max_recurrence_rules,
    )?;
    for (i, h) in clinic.holidays.iter().enumerate() {
        limits.text(|| at("holidays", i, "id"), &h.id)?;
        limits.text(|| at("holidays", i, "name"), &h.name)?;
        if let Some(location) = &h.location_id {
            limits.text(|| at("holidays", i, "location_id"), location)?;
        }
    }
    Ok(())
}

pub(crate) fn compile_clinic(clinic: &Clinic, limits: &Limits) -> Result<CompiledClinic> {
    check_sizes(clinic, limits)?;
    unique_ids("locations", clinic.locations.iter().map(|l| &l.id))?;
    if clinic.locations.len() > usize::from(LocationIx::MAX) {
        return Err(Error::invalid(
            "locations",
            clinic.locations.len(),
            Problem::OutOfRange(format!("at most {} locations", LocationIx::MAX)),
        ));
    }
    let mut locations = Vec::with_capacity(clinic.locations.len());
    let mut location_ix = HashMap::new();
    let mut room_ids = HashSet::new();
    let mut zones: Vec<Arc<ZoneYears>> = Vec::new();
    for (i, loc) in clinic.locations.iter().enumerate() {
        let tz: Tz = loc.time_zone.parse().map_err(|_| {
            Error::invalid(
                at("locations", i, "time_zone"),
                &loc.time_zone,
                Problem::UnknownTimeZone,
            )
        })?;
        let rooms_path = at("locations", i, "rooms");
        for (j, room) in loc.rooms.iter().enumerate() {
            // A reservation names its room only, so a room id names one room in the clinic.
            if !room_ids.insert(&room.id) {
                return Err(Error::invalid(
                    at(&rooms_path, j, "id"),
                    &room.id,
                    Problem::DuplicateId,
                ));
            }
            if room.capacity == 0 {
                return Err(Error::invalid(
                    at(&rooms_path, j, "capacity"),
                    0,
                    Problem::NotPositive,
                ));
            }
        }
        location_ix.insert(loc.id.clone(), i as LocationIx);
        let zone = match zones.iter().find(|z| z.tz() == tz) {
            Some(zone) => zone.clone(),
            None => {
                let zone = Arc::new(ZoneYears::new(tz));
                zones.push(zone.clone());
                zone
            }
        };
        locations.push(CompiledLocation {
            id: loc.id.clone(),
            tz,
            zone,
            rooms: loc
                .rooms
                .iter()
                .map(|r| (r.id.clone(), r.capacity))
                .collect(),
        });
    }
    unique_ids("holidays", clinic.holidays.iter().map(|h| &h.id))?;
    let mut holidays = Vec::with_capacity(clinic.holidays.len());
    for (i, h) in clinic.holidays.iter().enumerate() {
        let location = match &h.location_id {
            None => None,
            Some(id) => Some(*location_ix.get(id).ok_or_else(|| {
                Error::invalid(
                    at("holidays", i, "location_id"),
                    id,
                    Problem::UnknownReference,
                )
            })?),
        };
        check_date(|| at("holidays", i, "first"), h.first)?;
        check_date(|| at("holidays", i, "last"), h.last)?;
        if h.last < h.first {
            return Err(Error::invalid(
                at("holidays", i, "last"),
                h.last,
                Problem::EndNotAfterStart,
            ));
        }
        let spans = match &h.rrule {
            None => vec![(h.first, h.last)],
            Some(rule) => {
                let length = h.last - h.first;
                expand_dates(&at("holidays", i, "rrule"), rule, h.first, None, limits)?
                    .into_iter()
                    .map(|d| (d, d + length))
                    .collect()
            }
        };
        holidays.push(CompiledHoliday {
            id: h.id.clone(),
            location,
            spans,
        });
    }
    Ok(CompiledClinic {
        locations,
        location_ix,
        holidays,
        limits: *limits,
        roster: None,
    })
}

/// A clinic's roster, checked (no doctor twice) and sorted.
pub(crate) fn compile_roster(roster: &[Id]) -> Result<Vec<Id>> {
    let mut seen = HashSet::with_capacity(roster.len());
    for (i, doctor) in roster.iter().enumerate() {
        if !seen.insert(doctor) {
            return Err(Error::invalid(
                format!("roster[{i}]"),
                doctor,
                Problem::DuplicateId,
            ));
        }
    }
    let mut sorted = roster.to_vec();
    sorted.sort_unstable();
    Ok(sorted)
}

impl CompiledClinic {
    pub(super) fn location(&self, field: impl FnOnce() -> String, id: &Id) -> Result<LocationIx> {
        self.location_ix
            .get(id)
            .copied()
            .ok_or_else(|| Error::invalid(field(), id, Problem::UnknownReference))
    }

    pub(super) fn room(
        &self,
        field: impl FnOnce() -> String,
        location: LocationIx,
        room: &Option<Id>,
    ) -> Result<Option<Id>> {
        match room {
            None => Ok(None),
            Some(id)
                if self.locations[usize::from(location)]
                    .rooms
                    .iter()
                    .any(|(r, _)| r == id) =>
            {
                Ok(Some(id.clone()))
            }
            Some(id) => Err(Error::invalid(field(), id, Problem::UnknownReference)),
        }
    }

    /// The capacity of a room at a location.
    pub(crate) fn room_capacity(&self, location: LocationIx, room: &Id) -> u32 {
        self.locations[usize::from(location)]
            .rooms
            .iter()
            .find(|(r, _)| r == room)
            .map_or(1, |(_, c)| *c)
    }
}
