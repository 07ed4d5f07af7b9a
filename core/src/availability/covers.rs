//! Every rule of a doctor expanded into the instant ranges it covers inside a window.

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;

use super::compile::{
    CompiledCalendar, CompiledClinic, DAY_SECS, LocationIx, OneSite, Site, WeekHours,
};
use super::local_time::{LocalDay, ZoneDays, local_days, wall_clock_instant};
use crate::{OverrideKind, RuleKind};

/// A cover whose rule applies wherever the doctor is (instant rules).
pub(crate) const EVERYWHERE: LocationIx = LocationIx::MAX;

/// What a cover does to the time it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    Open,
    Closed,
    /// Requested leave: reported, closes nothing.
    Tentative,
    /// A break of a template's day: reported where nothing else decides, closes nothing.
    Break,
}

/// One rule's claim on a range of instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cover {
    pub(crate) start: i64,
    pub(crate) end: i64,
    pub(crate) kind: RuleKind,
    pub(crate) effect: Effect,
    /// The rule's index in its list (templates, overrides, holidays…).
    pub(crate) rule: u32,
    /// The location whose sessions it concerns, or [`EVERYWHERE`].
    pub(crate) location: LocationIx,
    /// For an open cover: the UTC offset of its whole local day, when no DST change falls
    /// on that day.
    pub(crate) day_offset: Option<i64>,
}

struct Window {
    start: i64,
    end: i64,
    covers: Vec<Cover>,
}

impl Window {
    fn push(
        &mut self,
        start: i64,
        end: i64,
        kind: RuleKind,
        effect: Effect,
        rule: u32,
        location: LocationIx,
    ) {
        if end > start && end > self.start && start < self.end {
            self.covers.push(Cover {
                start,
                end,
                kind,
                effect,
                rule,
                location,
                day_offset: None,
            });
        }
    }
}

/// What the covers are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// A timeline: every rule matters, also where nothing is scheduled.
    Timeline,
    /// Slots starting before `starts_before`: without scheduled time beginning before it
    /// there is nothing to cut, so closing rules are skipped.
    Slots { starts_before: i64 },
}

/// The covers of every rule intersecting `[start, end)`, unclipped.
pub(crate) fn covers(
    clinic: &CompiledClinic,
    cal: &CompiledCalendar,
    (start, end): (i64, i64),
    purpose: Purpose,
    zone_days: &ZoneDays,
) -> Vec<Cover> {
    let mut w = Window {
        start,
        end,
        covers: Vec::new(),
    };
    // Each site's zone, its local days in the window and the first and last of their dates.
    let span = |site: &Site| {
        let place = &clinic.locations[usize::from(site.location)];
        let (tz, days) = (place.tz, zone_days.get(&place.zone, start, end));
        let (first, last) = (days.first()?.date, days.last()?.date);
        Some((tz, days, first, last))
    };
    for site in &cal.sites {
        let location = site.location;
        let Some((tz, days, first, _)) = span(site) else {
            continue;
        };
        if matches!(purpose, Purpose::Slots { .. })
            && !site_may_open(cal, site, &days, tz, (start, end))
        {
            // No template of the site can open in the window: nothing to cut here. (In the
            // whole window, not only before the last candidate start: hours beginning after
            // it still end another rule's run that such a candidate would need.)
            continue;
        }
        // With night sessions, the day before the first may run into the window.
        let before: Vec<LocalDay> = match first.pred_opt() {
            Some(prev) if cal.night => local_days(tz, prev, prev),
            _ => Vec::new(),
        };
        w.covers
            .reserve(site.day_covers * (before.len() + days.len()));
        let mut next_override = site.overrides.partition_point(|&o| {
            cal.overrides[o as usize].date < before.first().map_or(first, |d| d.date)
        });
        for day in before.iter().chain(days.iter()) {
            let opened = w.covers.len();
            // Each template's pieces and breaks go in by start, so a day of one template
            // comes out sorted.
            let mut templates = 0;
            for &t in &site.templates {
                let template = &cal.templates[t as usize];
                if !template.applies(day.date) {
                    continue;
                }
                templates += 1;
                let (mut pieces, mut breaks) = (template.pieces.iter(), template.breaks.iter());
                let (mut piece, mut pause) = (pieces.next(), breaks.next());
                loop {
                    let (&(s, e), kind, effect) = match (piece, pause) {
                        (Some(p), Some(b)) if b.0 < p.0 => {
                            pause = breaks.next();
                            (b, RuleKind::Break, Effect::Break)
                        }
                        (Some(p), _) => {
                            piece = pieces.next();
                            (p, RuleKind::Base, Effect::Open)
                        }
                        (None, Some(b)) => {
                            pause = breaks.next();
                            (b, RuleKind::Break, Effect::Break)
                        }
                        (None, None) => break,
                    };
                    w.push(
                        day.instant(tz, s),
                        day.instant(tz, e),
                        kind,
                        effect,
                        t,
                        location,
                    );
                }
            }
            let overridden = next_override;
            while let Some(&o) = site.overrides.get(next_override) {
                let rule = &cal.overrides[o as usize];
                if rule.date > day.date {
                    break;
                }
                let (from, to) = if cal.night {
                    let prev = day.date.pred_opt().unwrap_or(day.date);
                    let from = last_end(cal, site, prev).saturating_sub(DAY_SECS);
                    (from, last_end(cal, site, day.date))
                } else {
                    (0, DAY_SECS)
                };
                let hours = (o, rule.kind, &rule.hours[..]);
                push_override(&mut w, day, tz, hours, location, (from, to));
                next_override += 1;
            }
            // By start within the day (breaks and closed override hours come after the
            // pieces they cut), so the days come out sorted for the sweep.
            if templates > 1 || next_override > overridden {
                w.covers[opened..].sort_by_key(|c| c.start);
            }
            let whole_day = day.fixed_offset();
            if cal.night {
                // A cover running into the next day crosses that day's offset too.
                let midnight = day.instant(tz, DAY_SECS);
                for cover in &mut w.covers[opened..] {
                    cover.day_offset = whole_day.filter(|_| cover.end <= midnight);
                }
            } else {
                for cover in &mut w.covers[opened..] {
                    cover.day_offset = whole_day;
                }
            }
        }
    }
    if let Purpose::Slots { starts_before } = purpose
        && !(w.covers.iter()).any(|c| c.effect == Effect::Open && c.start < starts_before)
    {
        return Vec::new();
    }
    for site in &cal.sites {
        let Some((tz, _, first, last)) = span(site) else {
            continue;
        };
        let location = site.location;
        let day_end = |date: NaiveDate| day_end(cal, site, tz, date);
        let day_start = |date: NaiveDate| match date.pred_opt() {
            Some(prev) if cal.night => day_end(prev),
            _ => wall_clock_instant(tz, date, 0),
        };
        for (h, holiday) in clinic.holidays.iter().enumerate() {
            if holiday.location.is_some_and(|l| l != location) {
                continue;
            }
            // With night sessions, a holiday of the day before closes its night.
            let since = match first.pred_opt() {
                Some(prev) if cal.night => prev,
                _ => first,
            };
            let from = holiday.spans.partition_point(|&(_, l)| l < since);
            for &(f, l) in holiday.spans[from..]
                .iter()
                .take_while(|&&(f, _)| f <= last)
            {
                w.push(
                    day_start(f),
                    day_end(l),
                    RuleKind::Holiday,
                    Effect::Closed,
                    h as u32,
                    location,
                );
            }
        }
        for (i, leave) in cal.leaves.iter().enumerate() {
            if leave.end_date < first || leave.first > last {
                continue;
            }
            let s = if leave.whole_first_day {
                day_start(leave.first)
            } else {
                wall_clock_instant(tz, leave.first, leave.start_secs)
            };
            let e = match leave.end_date.pred_opt() {
                Some(last) if leave.whole_last_day => day_end(last),
                _ => wall_clock_instant(tz, leave.end_date, leave.end_secs),
            };
            let effect = if leave.approved {
                Effect::Closed
            } else {
                Effect::Tentative
            };
            w.push(s, e, RuleKind::Leave, effect, i as u32, location);
        }
    }
    for (list, kind) in [
        (&cal.emergencies, RuleKind::Emergency),
        (&cal.forced_blocks, RuleKind::ForcedBlock),
    ] {
        for (i, r) in list.iter().enumerate() {
            w.push(r.start, r.end, kind, Effect::Closed, i as u32, EVERYWHERE);
        }
    }
    w.covers
}

/// Whether some rule of `cal` may schedule time inside `[start, end)` that begins before
/// `starts_before`: false only where [`covers`] for [`Purpose::Slots`] would find no open
/// cover starting before it and return none. Read from each site's hours by weekday, without
/// expanding a rule, and true whenever that cannot tell (night sessions, a site with
/// overrides). A doctor's [`OneSite`], when it has one, answers the same from
/// [`one_site_may_open`].
pub(crate) fn may_schedule(
    clinic: &CompiledClinic,
    cal: &CompiledCalendar,
    (start, end): (i64, i64),
    starts_before: i64,
    zone_days: &ZoneDays,
) -> bool {
    let before = end.min(starts_before);
    cal.sites.iter().any(|site| {
        let place = &clinic.locations[usize::from(site.location)];
        let days = zone_days.get(&place.zone, start, end);
        site_may_open(cal, site, &days, place.tz, (start, before))
    })
}

/// [`may_schedule`] for a doctor whose only site is `site`, read from the site's hours by
/// weekday alone. Where [`may_schedule`] says yes for any window of a site with date
/// overrides, this says yes only for windows that meet a date from the first override to
/// the last: on other dates no override applies (without night sessions, an override's hours
/// lie within its date), and the hours by weekday tell.
pub(crate) fn one_site_may_open(
    clinic: &CompiledClinic,
    site: &OneSite,
    (start, end): (i64, i64),
    starts_before: i64,
    zone_days: &ZoneDays,
) -> bool {
    let place = &clinic.locations[usize::from(site.location)];
    let days = zone_days.get(&place.zone, start, end);
    let window = (start, end.min(starts_before));
    let overridden = |day: &LocalDay| {
        site.overrides
            .is_some_and(|(first, last)| (first..=last).contains(&day.date))
    };
    days.iter()
        .any(|day| overridden(day) || may_open(&site.week, day, place.tz, window))
}

/// Whether `site` may open inside `[start, end)` on one of `days`: from its hours by
/// weekday, and yes whenever they cannot tell (night sessions, date overrides).
fn site_may_open(
    cal: &CompiledCalendar,
    site: &Site,
    days: &[LocalDay],
    tz: Tz,
    window: (i64, i64),
) -> bool {
    cal.night
        || !site.overrides.is_empty()
        || days.iter().any(|day| may_open(&site.week, day, tz, window))
}

/// Whether hours by weekday `week` may open inside `[start, end)` on `day` (without night
/// sessions: each day's pieces end by its midnight).
fn may_open(week: &WeekHours, day: &LocalDay, tz: Tz, (start, end): (i64, i64)) -> bool {
    let weekday = day.date.weekday().num_days_from_monday() as usize;
    week[weekday].is_some_and(|(s, e)| day.instant(tz, s) < end && day.instant(tz, e) > start)
}

/// The end of a local date's sessions at a site, in seconds from its midnight: the midnight
/// ending it (86 400), or later when a session or override hours of that date run into the
/// next day.
pub(crate) fn last_end(cal: &CompiledCalendar, site: &Site, date: NaiveDate) -> u32 {
    if !cal.night {
        return DAY_SECS;
    }
    let templates = (site.templates.iter())
        .map(|&t| &cal.templates[t as usize])
        .filter(|t| t.last_end > DAY_SECS && t.applies(date))
        .map(|t| t.last_end);
    let from = (site.overrides).partition_point(|&o| cal.overrides[o as usize].date < date);
    let overrides = site.overrides[from..]
        .iter()
        .map(|&o| &cal.overrides[o as usize])
        .take_while(|o| o.date == date)
        .filter_map(|o| o.hours.last().map(|&(_, e)| e));
    templates.chain(overrides).fold(DAY_SECS, u32::max)
}

/// The instant a local date ends at a site for the rules owned by dates (holidays, leave,
/// the booking horizon): its midnight, or the end of its sessions running past it.
pub(crate) fn day_end(cal: &CompiledCalendar, site: &Site, tz: Tz, date: NaiveDate) -> i64 {
    wall_clock_instant(tz, date, last_end(cal, site, date))
}

/// Pushes an override's covers on `day`; a replacing override closes the rest of
/// `[from, to)`, its date's own time (seconds from the day's midnight).
fn push_override(
    w: &mut Window,
    day: &LocalDay,
    tz: Tz,
    (rule, kind, hours): (u32, OverrideKind, &[(u32, u32)]),
    location: LocationIx,
    (from, to): (u32, u32),
) {
    let effect = match kind {
        OverrideKind::Block => Effect::Closed,
        OverrideKind::Replace | OverrideKind::Extra => Effect::Open,
    };
    let mut cursor = from;
    for &(s, e) in hours {
        if kind == OverrideKind::Replace && s > cursor {
            w.push(
                day.instant(tz, cursor),
                day.instant(tz, s),
                RuleKind::Override,
                Effect::Closed,
                rule,
                location,
            );
        }
        w.push(
            day.instant(tz, s),
            day.instant(tz, e),
            RuleKind::Override,
            effect,
            rule,
            location,
        );
        cursor = cursor.max(e);
    }
    if kind == OverrideKind::Replace && cursor < to {
        w.push(
            day.instant(tz, cursor),
            day.instant(tz, to),
            RuleKind::Override,
            Effect::Closed,
            rule,
            location,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::availability::local_time::local_days;
    use crate::{Availability, Clinic, ClinicRules, DoctorCalendar, Location, Session};
    use crate::{WeeklyTemplate, availability::compile::DAY_SECS};
    use chrono::Weekday;

    #[test]
    fn a_site_knows_the_hours_its_templates_can_open_by_weekday() {
        let clinic = ClinicRules::new(&Clinic {
            locations: vec![Location::new("main", "Main", "UTC")],
            holidays: vec![],
        })
        .unwrap();
        let mut calendar = DoctorCalendar::new("dr-asha");
        let session = |s: &str, e: &str| Session::new(s, e).unwrap();
        calendar.templates.push(WeeklyTemplate {
            weekdays: vec![Weekday::Mon, Weekday::Wed],
            sessions: vec![session("09:00", "12:00"), session("16:00", "18:00")],
            ..WeeklyTemplate::new("opd", "main")
        });
        calendar.templates.push(WeeklyTemplate {
            weekdays: vec![Weekday::Wed],
            sessions: vec![session("07:30", "08:30")],
            ..WeeklyTemplate::new("early", "main")
        });
        let doctor = Availability::new(&clinic, &calendar).unwrap();
        let site = &doctor.calendar.sites[0];
        let hours = |h: u32, m: u32| h * 3600 + m * 60;
        assert_eq!(
            site.week,
            [
                Some((hours(9, 0), hours(18, 0))),
                None,
                Some((hours(7, 30), hours(18, 0))),
                None,
                None,
                None,
                None
            ]
        );
        // Monday 2 March 2026 in UTC: open 09:00-18:00 at most, never on Tuesday.
        let tz = chrono_tz::UTC;
        let date = |d: u32| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        let monday = local_days(tz, date(2), date(2))[0];
        let tuesday = local_days(tz, date(3), date(3))[0];
        let at = |day: &LocalDay, secs: u32| day.instant(tz, secs);
        let window = |day: &LocalDay, from: u32, to: u32| (at(day, from), at(day, to));
        assert!(!may_open(
            &site.week,
            &monday,
            tz,
            window(&monday, 0, hours(9, 0))
        ));
        assert!(may_open(
            &site.week,
            &monday,
            tz,
            window(&monday, 0, hours(9, 1))
        ));
        assert!(may_open(
            &site.week,
            &monday,
            tz,
            window(&monday, hours(17, 59), DAY_SECS)
        ));
        assert!(!may_open(
            &site.week,
            &monday,
            tz,
            window(&monday, hours(18, 0), DAY_SECS)
        ));
        assert!(!may_open(
            &site.week,
            &tuesday,
            tz,
            window(&tuesday, 0, DAY_SECS)
        ));
    }

    #[test]
    fn one_site_answers_as_the_calendar_does() {
        let clinic = ClinicRules::new(&Clinic {
            locations: vec![
                Location::new("main", "Main", "America/New_York"),
                Location::new("annex", "Annex", "America/New_York"),
            ],
            holidays: vec![],
        })
        .unwrap();
        let session = |s: &str, e: &str| Session::new(s, e).unwrap();
        let mut calendar = DoctorCalendar::new("dr-asha");
        calendar.templates.push(WeeklyTemplate {
            weekdays: vec![Weekday::Mon, Weekday::Sat, Weekday::Sun],
            sessions: vec![session("01:30", "03:30"), session("16:00", "18:00")],
            ..WeeklyTemplate::new("opd", "main")
        });
        let doctor = Availability::new(&clinic, &calendar).unwrap();
        let site = doctor.one_site.expect("one site, no overrides, no night");
        assert_eq!(site.week, doctor.calendar.sites[0].week);
        // Every window of whole quarter-hours over the week of the spring change (Sunday 8
        // March 2026 02:00 does not exist in New York), each with a cutoff inside it.
        let zone_days = ZoneDays::default();
        let week = chrono::DateTime::parse_from_rfc3339("2026-03-06T00:00:00Z")
            .unwrap()
            .timestamp();
        let quarter = 900;
        for from in (0..4 * 24 * 5).map(|q| week + q * quarter * 3) {
            for len in [1, 4, 9, 96, 200] {
                let to = from + len * quarter;
                for before in [from + quarter, (from + to) / 2, to] {
                    assert_eq!(
                        one_site_may_open(&doctor.clinic, &site, (from, to), before, &zone_days),
                        may_schedule(
                            &doctor.clinic,
                            &doctor.calendar,
                            (from, to),
                            before,
                            &zone_days
                        ),
                        "[{from}, {to}) before {before}"
                    );
                }
            }
        }
        // A date override: the hours by weekday decide away from its date; on it, yes.
        let mut overridden = calendar.clone();
        let monday = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap();
        overridden.overrides.push(crate::DateOverride::new(
            "short",
            monday,
            "main",
            crate::OverrideKind::Replace,
            vec![crate::Hours::new("09:00", "10:00").unwrap()],
        ));
        let with = Availability::new(&clinic, &overridden).unwrap();
        let site_with = with.one_site.expect("one site, its overrides spanned");
        assert_eq!(site_with.overrides, Some((monday, monday)));
        // Monday 9 March in New York (EDT, UTC-4).
        let (day_start, day_end) = (week + 3 * 86_400 + 4 * 3600, week + 4 * 86_400 + 4 * 3600);
        for from in (0..4 * 24 * 7).map(|q| week + q * quarter * 2) {
            for len in [1, 4, 9, 96] {
                let to = from + len * quarter;
                let before = (from + to) / 2;
                let plain =
                    one_site_may_open(&doctor.clinic, &site, (from, to), before, &zone_days);
                let near =
                    one_site_may_open(&with.clinic, &site_with, (from, to), before, &zone_days);
                assert!(near || !plain, "[{from}, {to})");
                if from < day_end && to > day_start {
                    assert!(near, "[{from}, {to}) meets the override's date");
                }
                if to <= day_start - 86_400 || from >= day_end + 86_400 {
                    assert_eq!(near, plain, "[{from}, {to}) is a day from the override");
                }
            }
        }
        // A second site or a night session: the calendar is read.
        let mut two_sites = calendar.clone();
        two_sites.templates.push(WeeklyTemplate {
            weekdays: vec![Weekday::Tue],
            sessions: vec![session("09:00", "10:00")],
            ..WeeklyTemplate::new("annex-opd", "annex")
        });
        let mut night = calendar.clone();
        night.templates.push(WeeklyTemplate {
            weekdays: vec![Weekday::Tue],
            sessions: vec![session("22:00", "02:00")],
            ..WeeklyTemplate::new("night", "main")
        });
        for other in [two_sites, night] {
            let doctor = Availability::new(&clinic, &other).unwrap();
            assert_eq!(doctor.one_site, None, "{:?}", other.templates);
        }
    }
}
