//! Validation of the host's records and their compilation into the form resolution reads.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Timelike, Utc, Weekday};
use chrono_tz::Tz;

use super::recurrence::expand_dates;
use crate::{
    Clinic, ConsultationMode, DoctorCalendar, Error, Hours, Id, LeaveStatus, OverrideKind, Problem,
    Result, SessionSettings, Unavailability,
};

/// Index of a location in [`ClinicRules::locations`].
pub(crate) type LocationIx = u16;

/// The earliest and latest years medsched computes with.
pub(crate) const FIRST_YEAR: i32 = 1900;
pub(crate) const LAST_YEAR: i32 = 2200;

pub(crate) struct CompiledLocation {
    pub(crate) id: Id,
    pub(crate) tz: Tz,
    pub(crate) rooms: Vec<(Id, u32)>,
}

pub(crate) struct CompiledHoliday {
    pub(crate) id: Id,
    pub(crate) location: Option<LocationIx>,
    /// Closed spans of local dates `(first, last)`, sorted.
    pub(crate) spans: Vec<(NaiveDate, NaiveDate)>,
}

pub(crate) struct CompiledClinic {
    pub(crate) locations: Vec<CompiledLocation>,
    pub(crate) location_ix: HashMap<Id, LocationIx>,
    pub(crate) holidays: Vec<CompiledHoliday>,
}

/// Settings in the units resolution and slot generation use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Settings {
    pub(crate) slot_secs: i64,
    pub(crate) buffer_before: i64,
    pub(crate) buffer_after: i64,
    pub(crate) max_parallel: u32,
    /// Capacity per mode (in-person, video, phone); 0 where the mode is not offered.
    pub(crate) mode_capacity: [u32; 3],
}

pub(crate) fn mode_index(mode: ConsultationMode) -> usize {
    match mode {
        ConsultationMode::InPerson => 0,
        ConsultationMode::Video => 1,
        ConsultationMode::Phone => 2,
    }
}

pub(crate) enum DaySet {
    /// Bit `n` set for the weekday `n` days from Monday.
    Weekly(u8),
    /// Sorted dates selected by a recurrence rule.
    Dates(Vec<NaiveDate>),
}

pub(crate) struct CompiledTemplate {
    pub(crate) id: Id,
    pub(crate) location: LocationIx,
    pub(crate) room: Option<Id>,
    pub(crate) days: DaySet,
    pub(crate) from: Option<NaiveDate>,
    pub(crate) until: Option<NaiveDate>,
    /// Open pieces of each day (sessions less breaks), as seconds of the day, sorted.
    pub(crate) pieces: Vec<(u32, u32)>,
    pub(crate) settings: Settings,
}

impl CompiledTemplate {
    pub(crate) fn applies(&self, date: NaiveDate) -> bool {
        if self.from.is_some_and(|f| date < f) || self.until.is_some_and(|u| date > u) {
            return false;
        }
        match &self.days {
            DaySet::Weekly(mask) => mask & (1 << date.weekday().num_days_from_monday()) != 0,
            DaySet::Dates(dates) => dates.binary_search(&date).is_ok(),
        }
    }
}

pub(crate) struct CompiledOverride {
    pub(crate) id: Id,
    pub(crate) date: NaiveDate,
    pub(crate) location: LocationIx,
    pub(crate) room: Option<Id>,
    pub(crate) kind: OverrideKind,
    /// Hours as seconds of the day, sorted and disjoint.
    pub(crate) hours: Vec<(u32, u32)>,
    pub(crate) settings: Settings,
}

pub(crate) struct CompiledLeave {
    pub(crate) id: Id,
    pub(crate) approved: bool,
    pub(crate) first: NaiveDate,
    pub(crate) start_secs: u32,
    /// The local date and time the leave ends.
    pub(crate) end_date: NaiveDate,
    pub(crate) end_secs: u32,
}

pub(crate) struct InstantRule {
    pub(crate) id: Id,
    pub(crate) start: i64,
    pub(crate) end: i64,
}

/// The rules of one location the doctor works at.
pub(crate) struct Site {
    pub(crate) location: LocationIx,
    pub(crate) templates: Vec<u32>,
    /// Override indices sorted by date.
    pub(crate) overrides: Vec<u32>,
}

pub(crate) struct CompiledCalendar {
    pub(crate) doctor_id: Id,
    pub(crate) sites: Vec<Site>,
    pub(crate) templates: Vec<CompiledTemplate>,
    pub(crate) overrides: Vec<CompiledOverride>,
    pub(crate) leaves: Vec<CompiledLeave>,
    pub(crate) emergencies: Vec<InstantRule>,
    pub(crate) forced_blocks: Vec<InstantRule>,
}

fn at(list: &str, i: usize, field: &str) -> String {
    if field.is_empty() {
        format!("{list}[{i}]")
    } else {
        format!("{list}[{i}].{field}")
    }
}

pub(crate) fn check_date(field: impl FnOnce() -> String, date: NaiveDate) -> Result<()> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        Ok(())
    } else {
        Err(Error::invalid(field(), date, years_problem()))
    }
}

pub(crate) fn years_problem() -> Problem {
    Problem::OutOfRange(format!(
        "must fall in the years {FIRST_YEAR} to {LAST_YEAR}"
    ))
}

/// 1900-01-01T00:00:00Z and 2201-01-02T00:00:00Z, in seconds since the epoch: the instants
/// of the years 1900-2200 in every time zone.
const FIRST_INSTANT: i64 = -2_208_988_800;
const END_INSTANT: i64 = 7_289_740_800;

/// Seconds since the epoch of an instant inside the years medsched computes with.
pub(crate) fn check_instant(field: impl FnOnce() -> String, t: DateTime<Utc>) -> Result<i64> {
    let secs = t.timestamp();
    if (FIRST_INSTANT..END_INSTANT).contains(&secs) {
        Ok(secs)
    } else {
        Err(Error::invalid(field(), t.to_rfc3339(), years_problem()))
    }
}

/// Minutes in a day: the longest slot, step or buffer.
pub(crate) const DAY_MINUTES: u32 = 24 * 60;

/// A count of minutes between `min` and `max`, in seconds.
pub(crate) fn check_minutes(
    field: impl FnOnce() -> String,
    value: u32,
    min: u32,
    max: u32,
) -> Result<i64> {
    if value < min {
        Err(Error::invalid(field(), value, Problem::NotPositive))
    } else if value > max {
        Err(Error::invalid(
            field(),
            value,
            Problem::OutOfRange(format!("at most {max} minutes")),
        ))
    } else {
        Ok(i64::from(value) * 60)
    }
}

/// Seconds since the epoch, rounded up to a whole second.
pub(crate) fn seconds_up(t: DateTime<Utc>) -> i64 {
    t.timestamp() + i64::from(t.timestamp_subsec_nanos() > 0)
}

/// [`check_instant`] rounded up to the next whole second.
pub(crate) fn check_instant_up(field: impl FnOnce() -> String, t: DateTime<Utc>) -> Result<i64> {
    check_instant(field, t)?;
    Ok(seconds_up(t))
}

/// Seconds since the epoch of a `[start, end)` range of instants that occupies or closes
/// time, checked (both inside the years medsched computes with, `end` after `start`) and
/// widened to whole seconds. `field` names a field of the range.
pub(crate) fn check_span(
    field: impl Fn(&str) -> String,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<(i64, i64)> {
    let s = check_instant(|| field("start"), start)?;
    let e = check_instant_up(|| field("end"), end)?;
    if e <= s {
        return Err(Error::invalid(
            field("end"),
            end.to_rfc3339(),
            Problem::EndNotAfterStart,
        ));
    }
    Ok((s, e))
}

fn secs_of_day(t: NaiveTime) -> u32 {
    t.num_seconds_from_midnight()
}

fn unique_ids<'a>(list: &str, ids: impl Iterator<Item = &'a Id>) -> Result<()> {
    let mut seen = HashSet::new();
    for (i, id) in ids.enumerate() {
        if !seen.insert(id) {
            return Err(Error::invalid(at(list, i, "id"), id, Problem::DuplicateId));
        }
    }
    Ok(())
}

/// Checks hours lie after one another without overlap and turns them into seconds of the day.
fn compile_hours(path: &str, hours: &[Hours]) -> Result<Vec<(u32, u32)>> {
    let mut out: Vec<(u32, u32, usize)> = Vec::with_capacity(hours.len());
    for (i, h) in hours.iter().enumerate() {
        if h.end <= h.start {
            return Err(Error::invalid(
                at(path, i, "end"),
                h.end,
                Problem::EndNotAfterStart,
            ));
        }
        out.push((secs_of_day(h.start), secs_of_day(h.end), i));
    }
    out.sort_unstable();
    for pair in out.windows(2) {
        if pair[1].0 < pair[0].1 {
            return Err(Error::invalid(
                at(path, pair[1].2, "start"),
                hours[pair[1].2].start,
                Problem::Overlap(at(path, pair[0].2, "")),
            ));
        }
    }
    Ok(out.into_iter().map(|(s, e, _)| (s, e)).collect())
}

pub(crate) fn compile_settings(path: &str, s: &SessionSettings) -> Result<Settings> {
    let field = |name: &str| format!("{path}.{name}");
    let minutes =
        |name: &str, value: u32, min: u32| check_minutes(|| field(name), value, min, DAY_MINUTES);
    let slot_secs = minutes("slot_minutes", s.slot_minutes, 1)?;
    let buffer_before = minutes("buffer_before_minutes", s.buffer_before_minutes, 0)?;
    let buffer_after = minutes("buffer_after_minutes", s.buffer_after_minutes, 0)?;
    if s.max_parallel == 0 {
        return Err(Error::invalid(
            field("max_parallel"),
            0,
            Problem::NotPositive,
        ));
    }
    let mut mode_capacity = [s.max_parallel; 3];
    if !s.modes.is_empty() {
        mode_capacity = [0; 3];
        for (i, m) in s.modes.iter().enumerate() {
            let slot = &mut mode_capacity[mode_index(m.mode)];
            if *slot != 0 {
                return Err(Error::invalid(
                    at(&field("modes"), i, "mode"),
                    format!("{:?}", m.mode),
                    Problem::Conflicting("an earlier entry for the same mode".into()),
                ));
            }
            if m.capacity == 0 {
                return Err(Error::invalid(
                    at(&field("modes"), i, "capacity"),
                    0,
                    Problem::NotPositive,
                ));
            }
            *slot = m.capacity.min(s.max_parallel);
        }
    }
    Ok(Settings {
        slot_secs,
        buffer_before,
        buffer_after,
        max_parallel: s.max_parallel,
        mode_capacity,
    })
}

pub(crate) fn compile_clinic(clinic: &Clinic) -> Result<CompiledClinic> {
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
        locations.push(CompiledLocation {
            id: loc.id.clone(),
            tz,
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
                expand_dates(&at("holidays", i, "rrule"), rule, h.first, None)?
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
    })
}

impl CompiledClinic {
    fn location(&self, field: impl FnOnce() -> String, id: &Id) -> Result<LocationIx> {
        self.location_ix
            .get(id)
            .copied()
            .ok_or_else(|| Error::invalid(field(), id, Problem::UnknownReference))
    }

    fn room(
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

/// The first date both templates apply on, if any.
fn first_common_day(a: &CompiledTemplate, b: &CompiledTemplate) -> Option<NaiveDate> {
    let from = a.from.max(b.from);
    let until = match (a.until, b.until) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    };
    match (&a.days, &b.days) {
        (DaySet::Dates(dates), _) | (_, DaySet::Dates(dates)) => dates.iter().copied().find(|&d| {
            from.is_none_or(|f| d >= f)
                && until.is_none_or(|u| d <= u)
                && a.applies(d)
                && b.applies(d)
        }),
        (DaySet::Weekly(_), DaySet::Weekly(_)) => {
            let first = from
                .or(until.map(|u| u - chrono::Days::new(6)))
                .unwrap_or(NaiveDate::MIN);
            first
                .iter_days()
                .take(7)
                .take_while(|d| until.is_none_or(|u| *d <= u))
                .find(|&d| a.applies(d) && b.applies(d))
        }
    }
}

/// Refuses two templates that schedule the doctor at the same wall-clock time on a common day,
/// at locations that share a time zone (the doctor cannot be in two sessions at once).
fn refuse_double_booked_templates(
    clinic: &CompiledClinic,
    cal: &DoctorCalendar,
    templates: &[CompiledTemplate],
) -> Result<()> {
    let zone = |t: &CompiledTemplate| clinic.locations[usize::from(t.location)].tz;
    for (j, b) in templates.iter().enumerate() {
        for (i, a) in templates[..j].iter().enumerate() {
            if zone(a) != zone(b) {
                continue;
            }
            let Some(day) = first_common_day(a, b) else {
                continue;
            };
            let day = if a.from.or(b.from).or(a.until).or(b.until).is_some()
                || matches!(a.days, DaySet::Dates(_))
                || matches!(b.days, DaySet::Dates(_))
            {
                day.to_string()
            } else {
                const NAMES: [&str; 7] = [
                    "Monday",
                    "Tuesday",
                    "Wednesday",
                    "Thursday",
                    "Friday",
                    "Saturday",
                    "Sunday",
                ];
                format!("{}s", NAMES[day.weekday().num_days_from_monday() as usize])
            };
            for (k, sb) in cal.templates[j].sessions.iter().enumerate() {
                let clash = cal.templates[i]
                    .sessions
                    .iter()
                    .position(|sa| sa.start < sb.end && sb.start < sa.end);
                if let Some(m) = clash {
                    return Err(Error::invalid(
                        format!("templates[{j}].sessions[{k}].start"),
                        sb.start,
                        Problem::Overlap(format!("templates[{i}].sessions[{m}] on {day}")),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn weekday_mask(days: &[Weekday]) -> u8 {
    days.iter()
        .fold(0, |mask, d| mask | (1 << d.num_days_from_monday()))
}

fn compile_instants(list: &str, rules: &[Unavailability]) -> Result<Vec<InstantRule>> {
    unique_ids(list, rules.iter().map(|r| &r.id))?;
    rules
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (start, end) = check_span(|name| at(list, i, name), r.start, r.end)?;
            Ok(InstantRule {
                id: r.id.clone(),
                start,
                end,
            })
        })
        .collect()
}

pub(crate) fn compile_calendar(
    clinic: &CompiledClinic,
    cal: &DoctorCalendar,
) -> Result<CompiledCalendar> {
    let defaults = compile_settings("settings", &cal.settings)?;
    let own_settings = |path: String, s: &Option<SessionSettings>| match s {
        None => Ok(defaults),
        Some(s) => compile_settings(&path, s),
    };

    unique_ids("templates", cal.templates.iter().map(|t| &t.id))?;
    let mut templates = Vec::with_capacity(cal.templates.len());
    for (i, t) in cal.templates.iter().enumerate() {
        let field = |name: &str| at("templates", i, name);
        let location = clinic.location(|| field("location_id"), &t.location_id)?;
        let room = clinic.room(|| field("room_id"), location, &t.room_id)?;
        if let Some(from) = t.effective_from {
            check_date(|| field("effective_from"), from)?;
        }
        if let Some(until) = t.effective_until {
            check_date(|| field("effective_until"), until)?;
            if t.effective_from.is_some_and(|from| until < from) {
                return Err(Error::invalid(
                    field("effective_until"),
                    until,
                    Problem::EndNotAfterStart,
                ));
            }
        }
        let days = match (&t.rrule, t.weekdays.is_empty()) {
            (Some(rule), true) => {
                let from = t.effective_from.ok_or_else(|| {
                    Error::invalid(
                        field("effective_from"),
                        "none",
                        Problem::Missing("the start (DTSTART) of the rrule".into()),
                    )
                })?;
                DaySet::Dates(expand_dates(
                    &field("rrule"),
                    rule,
                    from,
                    t.effective_until,
                )?)
            }
            (Some(rule), false) => {
                return Err(Error::invalid(
                    field("rrule"),
                    rule,
                    Problem::Conflicting("weekdays".into()),
                ));
            }
            (None, false) => DaySet::Weekly(weekday_mask(&t.weekdays)),
            (None, true) => {
                return Err(Error::invalid(
                    field("weekdays"),
                    "[]",
                    Problem::Missing("weekdays or an rrule".into()),
                ));
            }
        };
        if t.sessions.is_empty() {
            return Err(Error::invalid(
                field("sessions"),
                "[]",
                Problem::Missing("at least one session".into()),
            ));
        }
        let session_hours: Vec<Hours> = t
            .sessions
            .iter()
            .map(|s| Hours {
                start: s.start,
                end: s.end,
            })
            .collect();
        compile_hours(&field("sessions"), &session_hours)?;
        let mut pieces = Vec::new();
        for (j, session) in t.sessions.iter().enumerate() {
            let path = format!("{}.breaks", at(&field("sessions"), j, ""));
            let breaks = compile_hours(&path, &session.breaks)?;
            let (start, end) = (secs_of_day(session.start), secs_of_day(session.end));
            let mut cursor = start;
            for (k, &(bs, be)) in breaks.iter().enumerate() {
                if bs < start || be > end {
                    let original = session
                        .breaks
                        .iter()
                        .position(|b| secs_of_day(b.start) == bs)
                        .unwrap_or(k);
                    return Err(Error::invalid(
                        at(&path, original, ""),
                        format!(
                            "{}-{}",
                            session.breaks[original].start, session.breaks[original].end
                        ),
                        Problem::BreakOutsideSession,
                    ));
                }
                if bs > cursor {
                    pieces.push((cursor, bs));
                }
                cursor = be;
            }
            if end > cursor {
                pieces.push((cursor, end));
            }
        }
        pieces.sort_unstable();
        templates.push(CompiledTemplate {
            id: t.id.clone(),
            location,
            room,
            days,
            from: t.effective_from,
            until: t.effective_until,
            pieces,
            settings: own_settings(field("settings"), &t.settings)?,
        });
    }

    refuse_double_booked_templates(clinic, cal, &templates)?;

    unique_ids("overrides", cal.overrides.iter().map(|o| &o.id))?;
    let mut overrides = Vec::with_capacity(cal.overrides.len());
    for (i, o) in cal.overrides.iter().enumerate() {
        let field = |name: &str| at("overrides", i, name);
        let location = clinic.location(|| field("location_id"), &o.location_id)?;
        let room = clinic.room(|| field("room_id"), location, &o.room_id)?;
        check_date(|| field("date"), o.date)?;
        let hours = compile_hours(&field("hours"), &o.hours)?;
        if hours.is_empty() && o.kind != OverrideKind::Replace {
            return Err(Error::invalid(
                field("hours"),
                "[]",
                Problem::Missing("at least one range of hours".into()),
            ));
        }
        overrides.push(CompiledOverride {
            id: o.id.clone(),
            date: o.date,
            location,
            room,
            kind: o.kind,
            hours,
            settings: own_settings(field("settings"), &o.settings)?,
        });
    }

    unique_ids("leaves", cal.leaves.iter().map(|l| &l.id))?;
    let mut leaves = Vec::new();
    for (i, l) in cal.leaves.iter().enumerate() {
        let field = |name: &str| at("leaves", i, name);
        check_date(|| field("first"), l.first)?;
        check_date(|| field("last"), l.last)?;
        let start_secs = l.start_time.map_or(0, secs_of_day);
        let (end_date, end_secs) = match l.end_time {
            Some(t) => (l.last, secs_of_day(t)),
            None => (l.last + chrono::Days::new(1), 0),
        };
        if (end_date, end_secs) <= (l.first, start_secs) {
            let value = l
                .end_time
                .map_or(l.last.to_string(), |t| format!("{} {t}", l.last));
            return Err(Error::invalid(
                field("last"),
                value,
                Problem::EndNotAfterStart,
            ));
        }
        let approved = match l.status {
            LeaveStatus::Approved => true,
            LeaveStatus::Requested => false,
            LeaveStatus::Rejected | LeaveStatus::Cancelled => continue,
        };
        leaves.push(CompiledLeave {
            id: l.id.clone(),
            approved,
            first: l.first,
            start_secs,
            end_date,
            end_secs,
        });
    }

    for (i, o) in overrides.iter().enumerate() {
        let twin = overrides[..i].iter().position(|p| {
            p.kind == OverrideKind::Replace
                && o.kind == OverrideKind::Replace
                && p.date == o.date
                && p.location == o.location
        });
        if let Some(j) = twin {
            return Err(Error::invalid(
                at("overrides", i, "kind"),
                "replace",
                Problem::Conflicting(format!("overrides[{j}], which replaces the same date")),
            ));
        }
    }

    let mut sites: Vec<Site> = Vec::new();
    let site_of = |location: LocationIx, sites: &mut Vec<Site>| -> usize {
        sites
            .iter()
            .position(|s| s.location == location)
            .unwrap_or_else(|| {
                sites.push(Site {
                    location,
                    templates: Vec::new(),
                    overrides: Vec::new(),
                });
                sites.len() - 1
            })
    };
    for (i, t) in templates.iter().enumerate() {
        let s = site_of(t.location, &mut sites);
        sites[s].templates.push(i as u32);
    }
    for (i, o) in overrides.iter().enumerate() {
        let s = site_of(o.location, &mut sites);
        sites[s].overrides.push(i as u32);
    }
    for site in &mut sites {
        site.overrides.sort_by_key(|&i| overrides[i as usize].date);
    }
    if sites.is_empty() {
        // A doctor with no hours anywhere: read date rules at every location of the clinic,
        // so that leave and holidays still explain the closed time.
        sites = (0..clinic.locations.len())
            .map(|l| Site {
                location: l as LocationIx,
                templates: Vec::new(),
                overrides: Vec::new(),
            })
            .collect();
    }

    Ok(CompiledCalendar {
        doctor_id: cal.doctor_id.clone(),
        sites,
        templates,
        overrides,
        leaves,
        emergencies: compile_instants("emergencies", &cal.emergencies)?,
        forced_blocks: compile_instants("forced_blocks", &cal.forced_blocks)?,
    })
}

/// A compiled clinic shared by the availabilities of its doctors.
pub(crate) type SharedClinic = Arc<CompiledClinic>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instant_bounds_are_the_first_and_past_the_last_year() {
        let first = DateTime::<Utc>::from_timestamp(FIRST_INSTANT, 0).unwrap();
        let end = DateTime::<Utc>::from_timestamp(END_INSTANT, 0).unwrap();
        assert_eq!(first.to_rfc3339(), "1900-01-01T00:00:00+00:00");
        assert_eq!(
            end.to_rfc3339(),
            format!("{}-01-02T00:00:00+00:00", LAST_YEAR + 1)
        );
        assert!(check_instant(String::new, end).is_err());
        assert!(check_instant(String::new, end - chrono::Duration::seconds(1)).is_ok());
    }
}
