//! Every rule of a doctor expanded into the instant ranges it covers inside a window.

use super::compile::{CompiledCalendar, CompiledClinic, LocationIx};
use super::local_time::{LocalDay, ZoneDays, wall_clock_instant};
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
    /// Slots: without scheduled time there is nothing to cut, so closing rules are skipped.
    Slots,
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
    // Each site's zone and the local dates the window touches there.
    let mut spans = Vec::with_capacity(cal.sites.len());
    for site in &cal.sites {
        let location = site.location;
        let tz = clinic.locations[usize::from(location)].tz;
        let days = zone_days.get(tz, start, end);
        let (Some(first), Some(last)) = (days.first(), days.last()) else {
            continue;
        };
        let (first, last) = (first.date, last.date);
        spans.push((location, tz, first, last));
        let mut next_override = site
            .overrides
            .partition_point(|&o| cal.overrides[o as usize].date < first);
        for day in days.iter() {
            let opened = w.covers.len();
            for &t in &site.templates {
                let template = &cal.templates[t as usize];
                if template.applies(day.date) {
                    for &(s, e) in &template.pieces {
                        w.push(
                            day.instant(tz, s),
                            day.instant(tz, e),
                            RuleKind::Base,
                            Effect::Open,
                            t,
                            location,
                        );
                    }
                }
            }
            while let Some(&o) = site.overrides.get(next_override) {
                let rule = &cal.overrides[o as usize];
                if rule.date > day.date {
                    break;
                }
                push_override(&mut w, day, tz, o, rule.kind, &rule.hours, location);
                next_override += 1;
            }
            for cover in &mut w.covers[opened..] {
                cover.day_offset = day.fixed_offset();
            }
        }
    }
    if purpose == Purpose::Slots && !w.covers.iter().any(|c| c.effect == Effect::Open) {
        return Vec::new();
    }
    for (location, tz, first, last) in spans {
        for (h, holiday) in clinic.holidays.iter().enumerate() {
            if holiday.location.is_some_and(|l| l != location) {
                continue;
            }
            let from = holiday.spans.partition_point(|&(_, l)| l < first);
            for &(f, l) in holiday.spans[from..]
                .iter()
                .take_while(|&&(f, _)| f <= last)
            {
                let s = wall_clock_instant(tz, f, 0);
                let e = wall_clock_instant(tz, l, 86_400);
                w.push(s, e, RuleKind::Holiday, Effect::Closed, h as u32, location);
            }
        }
        for (i, leave) in cal.leaves.iter().enumerate() {
            if leave.end_date < first || leave.first > last {
                continue;
            }
            let s = wall_clock_instant(tz, leave.first, leave.start_secs);
            let e = wall_clock_instant(tz, leave.end_date, leave.end_secs);
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

fn push_override(
    w: &mut Window,
    day: &LocalDay,
    tz: chrono_tz::Tz,
    rule: u32,
    kind: OverrideKind,
    hours: &[(u32, u32)],
    location: LocationIx,
) {
    let effect = match kind {
        OverrideKind::Block => Effect::Closed,
        OverrideKind::Replace | OverrideKind::Extra => Effect::Open,
    };
    let mut cursor = 0;
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
        cursor = e;
    }
    if kind == OverrideKind::Replace && cursor < 86_400 {
        w.push(
            day.instant(tz, cursor),
            day.instant(tz, 86_400),
            RuleKind::Override,
            Effect::Closed,
            rule,
            location,
        );
    }
}
