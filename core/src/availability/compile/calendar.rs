//! Compiling a doctor's calendar: settings, templates, overrides, leave and instant rules.

use chrono::{Datelike, NaiveDate, Weekday};

use super::checks::*;
use super::model::*;
use crate::availability::recurrence::expand_dates;
use crate::{
    DoctorCalendar, Error, Hours, LeaveStatus, Limits, OverrideKind, Problem, Result,
    SessionSettings, Unavailability,
};

/// The sizes of a calendar's lists and texts, against `limits` (recurrence rules' own
/// length is checked as they are expanded).
fn check_sizes(cal: &DoctorCalendar, limits: &Limits) -> Result<()> {
    let count = |list: &str, len: usize, max: u32| Limits::count(|| list.to_owned(), len, max);
    limits.text(|| "doctor_id".into(), &cal.doctor_id)?;
    count("templates", cal.templates.len(), limits.max_templates)?;
    let rules = cal.templates.iter().filter(|t| t.rrule.is_some()).count();
    count("templates[].rrule", rules, limits.max_recurrence_rules)?;
    for (i, t) in cal.templates.iter().enumerate() {
        let field = |name: &str| at("templates", i, name);
        limits.text(|| field("id"), &t.id)?;
        limits.text(|| field("location_id"), &t.location_id)?;
        if let Some(room) = &t.room_id {
            limits.text(|| field("room_id"), room)?;
        }
        count(&field("sessions"), t.sessions.len(), limits.max_sessions)?;
        for (j, session) in t.sessions.iter().enumerate() {
            let breaks = format!("{}.breaks", at(&field("sessions"), j, ""));
            count(&breaks, session.breaks.len(), limits.max_sessions)?;
        }
    }
    count("overrides", cal.overrides.len(), limits.max_exceptions)?;
    for (i, o) in cal.overrides.iter().enumerate() {
        limits.text(|| at("overrides", i, "id"), &o.id)?;
        limits.text(|| at("overrides", i, "location_id"), &o.location_id)?;
        if let Some(room) = &o.room_id {
            limits.text(|| at("overrides", i, "room_id"), room)?;
        }
        count(
            &at("overrides", i, "hours"),
            o.hours.len(),
            limits.max_sessions,
        )?;
    }
    count("leaves", cal.leaves.len(), limits.max_exceptions)?;
    for (i, l) in cal.leaves.iter().enumerate() {
        limits.text(|| at("leaves", i, "id"), &l.id)?;
        limits.text(|| at("leaves", i, "reason"), &l.reason)?;
    }
    for (list, rules) in [
        ("emergencies", &cal.emergencies),
        ("forced_blocks", &cal.forced_blocks),
    ] {
        count(list, rules.len(), limits.max_exceptions)?;
        for (i, r) in rules.iter().enumerate() {
            limits.text(|| at(list, i, "id"), &r.id)?;
            limits.text(|| at(list, i, "reason"), &r.reason)?;
        }
    }
    Ok(())
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

/// A session's start and end in seconds from its day's midnight (an end at or before the
/// start is on the next day).
fn session_span(s: &crate::Session) -> (u32, u32) {
    let (start, end) = (secs_of_day(s.start), secs_of_day(s.end));
    (start, if end <= start { end + DAY_SECS } else { end })
}

/// A common day of two templates as a date, or as a weekday ("Mondays") when both repeat
/// weekly without bounds.
fn day_label(a: &CompiledTemplate, b: &CompiledTemplate, day: NaiveDate) -> String {
    if a.from.or(b.from).or(a.until).or(b.until).is_some()
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
            let day = day_label(a, b, day);
            for (k, sb) in cal.templates[j].sessions.iter().enumerate() {
                let (bs, be) = session_span(sb);
                let clash = cal.templates[i].sessions.iter().position(|sa| {
                    let (s, e) = session_span(sa);
                    s < be && bs < e
                });
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

/// A session's breaks as seconds from the session day's midnight, sorted: a break time
/// before the session's start is on the next day (a night session's break after midnight).
/// Each must lie inside `[start, end)` and after the one before.
fn compile_breaks(path: &str, start: u32, end: u32, breaks: &[Hours]) -> Result<Vec<(u32, u32)>> {
    let place = |secs: u32| if secs < start { secs + DAY_SECS } else { secs };
    let mut out: Vec<(u32, u32, usize)> = Vec::with_capacity(breaks.len());
    for (k, b) in breaks.iter().enumerate() {
        check_time(|| at(path, k, "start"), b.start)?;
        check_time(|| at(path, k, "end"), b.end)?;
        let (bs, be) = (place(secs_of_day(b.start)), place(secs_of_day(b.end)));
        if be <= bs {
            return Err(Error::invalid(
                at(path, k, "end"),
                b.end,
                Problem::EndNotAfterStart,
            ));
        }
        if be > end {
            return Err(Error::invalid(
                at(path, k, ""),
                format!("{}-{}", b.start, b.end),
                Problem::BreakOutsideSession,
            ));
        }
        out.push((bs, be, k));
    }
    out.sort_unstable();
    for pair in out.windows(2) {
        if pair[1].0 < pair[0].1 {
            return Err(Error::invalid(
                at(path, pair[1].2, "start"),
                breaks[pair[1].2].start,
                Problem::Overlap(at(path, pair[0].2, "")),
            ));
        }
    }
    Ok(out.into_iter().map(|(s, e, _)| (s, e)).collect())
}

/// The gaps in `[from, to)` that no piece covers (pieces sorted): a template's breaks.
fn gaps(from: u32, to: u32, pieces: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut cursor = from;
    for &(s, e) in pieces {
        if s > cursor {
            out.push((cursor, s));
        }
        cursor = cursor.max(e);
    }
    if to > cursor {
        out.push((cursor, to));
    }
    out
}

/// The same template one day earlier: it applies on `d` when `t` applies on `d + 1`.
fn day_before(t: &CompiledTemplate) -> CompiledTemplate {
    let earlier = |d: NaiveDate| d.pred_opt().unwrap_or(d);
    CompiledTemplate {
        id: t.id.clone(),
        location: t.location,
        room: None,
        days: match &t.days {
            DaySet::Weekly(mask) => DaySet::Weekly((mask >> 1) | ((mask & 1) << 6)),
            DaySet::Dates(dates) => DaySet::Dates(dates.iter().copied().map(earlier).collect()),
        },
        from: t.from.map(earlier),
        until: t.until.map(earlier),
        pieces: Vec::new(),
        breaks: Vec::new(),
        last_end: 0,
        settings: t.settings,
    }
}

/// Refuses a session running past midnight into a session of the next day (of the same or
/// another template at a location sharing its time zone).
fn refuse_night_overlaps(
    clinic: &CompiledClinic,
    cal: &DoctorCalendar,
    templates: &[CompiledTemplate],
) -> Result<()> {
    let zone = |t: &CompiledTemplate| clinic.locations[usize::from(t.location)].tz;
    for (i, a) in templates.iter().enumerate() {
        if a.last_end <= DAY_SECS {
            continue;
        }
        for (j, b) in templates.iter().enumerate() {
            if zone(a) != zone(b) {
                continue;
            }
            let Some(k) = cal.templates[j]
                .sessions
                .iter()
                .position(|s| secs_of_day(s.start) + DAY_SECS < a.last_end)
            else {
                continue;
            };
            let before = day_before(b);
            let Some(day) = first_common_day(a, &before) else {
                continue;
            };
            let m = cal.templates[i]
                .sessions
                .iter()
                .position(|s| secs_of_day(s.end) <= secs_of_day(s.start))
                .unwrap_or(0);
            return Err(Error::invalid(
                format!("templates[{i}].sessions[{m}].end"),
                cal.templates[i].sessions[m].end,
                Problem::Overlap(format!(
                    "templates[{j}].sessions[{k}] of the next day, after {}",
                    day_label(a, &before, day)
                )),
            ));
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
    check_sizes(cal, &clinic.limits)?;
    if !clinic.knows_doctor(&cal.doctor_id) {
        return Err(Error::invalid(
            "doctor_id",
            &cal.doctor_id,
            Problem::UnknownReference,
        ));
    }
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
                    &clinic.limits,
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
        let sessions = compile_hours(&field("sessions"), &session_hours)?;
        let mut pieces = Vec::new();
        for (j, session) in t.sessions.iter().enumerate() {
            let path = format!("{}.breaks", at(&field("sessions"), j, ""));
            let start = secs_of_day(session.start);
            let end = end_secs(
                || at(&field("sessions"), j, "end"),
                session.start,
                session.end,
            )?;
            let breaks = compile_breaks(&path, start, end, &session.breaks)?;
            let mut cursor = start;
            for &(bs, be) in &breaks {
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
        let last_end = sessions.iter().map(|&(_, e)| e).max().unwrap_or(0);
        let first_start = sessions.iter().map(|&(s, _)| s).min().unwrap_or(0);
        let breaks = gaps(first_start, last_end, &pieces);
        templates.push(CompiledTemplate {
            id: t.id.clone(),
            location,
            room,
            days,
            from: t.effective_from,
            until: t.effective_until,
            pieces,
            breaks,
            last_end,
            settings: own_settings(field("settings"), &t.settings)?,
        });
    }

    refuse_double_booked_templates(clinic, cal, &templates)?;
    refuse_night_overlaps(clinic, cal, &templates)?;

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
        if let Some(t) = l.start_time {
            check_time(|| field("start_time"), t)?;
        }
        if let Some(t) = l.end_time {
            check_time(|| field("end_time"), t)?;
        }
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
            whole_first_day: l.start_time.is_none(),
            whole_last_day: l.end_time.is_none(),
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
                sites.push(Site::new(location));
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
        site.learn_week(&templates);
    }
    if sites.is_empty() {
        // A doctor with no hours anywhere: read date rules at every location of the clinic,
        // so that leave and holidays still explain the closed time.
        sites = (0..clinic.locations.len())
            .map(|l| Site::new(l as LocationIx))
            .collect();
    }

    let settings =
        (templates.iter().map(|t| &t.settings)).chain(overrides.iter().map(|o| &o.settings));
    let widest_buffers = settings.fold((0, 0), |(before, after), s| {
        (before.max(s.buffer_before), after.max(s.buffer_after))
    });
    let night = (templates.iter().any(|t| t.last_end > DAY_SECS))
        || (overrides.iter()).any(|o| o.hours.last().is_some_and(|&(_, e)| e > DAY_SECS));
    let mut rooms: Vec<crate::Id> = (templates.iter().filter_map(|t| t.room.clone()))
        .chain(overrides.iter().filter_map(|o| o.room.clone()))
        .collect();
    rooms.sort();
    rooms.dedup();
    Ok(CompiledCalendar {
        doctor_id: cal.doctor_id.clone(),
        sites,
        templates,
        overrides,
        leaves,
        rooms,
        widest_buffers,
        night,
        emergencies: compile_instants("emergencies", &cal.emergencies)?,
        forced_blocks: compile_instants("forced_blocks", &cal.forced_blocks)?,
        booking_limits: check_booking_limits("booking_limits", cal.booking_limits)?,
    })
}
