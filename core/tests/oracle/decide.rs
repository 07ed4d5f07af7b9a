//! The per-minute decision: every rule walked on its own, closing tiers over open covers.

use std::collections::HashMap;

use chrono::NaiveDate;
use chrono_tz::Tz;
use medsched::{
    Clinic, DoctorCalendar, Id, Interval, LeaveStatus, OverrideKind, RuleKind, SessionSettings,
    Status,
};

use super::rules::{open_pieces, span, template_applies};
use super::time::{DAY, add_days, date_of, minute_of, naive, tod};
use super::wall_clock::ZoneLine;

/// The identity of one open cover: a rule's piece on one local date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverKey {
    pub kind: RuleKind,
    pub rule: usize,
    pub date: NaiveDate,
    pub piece: usize,
}

/// The open cover the doctor is scheduled by at a minute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduled {
    pub key: CoverKey,
    /// Clinic location index.
    pub location: usize,
    /// First minute of the (unclipped) cover.
    pub start: i64,
}

/// What resolution reports for a minute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub status: Status,
    pub rule: RuleKind,
    pub rule_id: Option<Id>,
    pub location_id: Option<Id>,
    pub room_id: Option<Id>,
    pub tentative_leave_id: Option<Id>,
}

impl Decision {
    pub fn of_interval(i: &Interval) -> Self {
        Decision {
            status: i.status,
            rule: i.rule,
            rule_id: i.rule_id.clone(),
            location_id: i.location_id.clone(),
            room_id: i.room_id.clone(),
            tentative_leave_id: i.tentative_leave_id.clone(),
        }
    }

    pub fn of_explanation(e: &medsched::Explanation) -> Self {
        Decision {
            status: e.status,
            rule: e.rule,
            rule_id: e.rule_id.clone(),
            location_id: e.location_id.clone(),
            room_id: e.room_id.clone(),
            tentative_leave_id: e.tentative_leave_id.clone(),
        }
    }
}

/// The oracle's view of one minute.
#[derive(Debug, Clone)]
pub struct Minute {
    pub decision: Decision,
    pub scheduled: Option<Scheduled>,
}

/// The closing tiers, highest first.
const CLOSING_TIERS: [RuleKind; 5] = [
    RuleKind::ForcedBlock,
    RuleKind::Emergency,
    RuleKind::Leave,
    RuleKind::Holiday,
    RuleKind::Override,
];

/// A brute-force model of one doctor's rules.
pub struct Oracle<'a> {
    pub(super) clinic: &'a Clinic,
    pub(super) cal: &'a DoctorCalendar,
    /// The clinic location indices the doctor works at.
    sites: Vec<usize>,
    lines: HashMap<usize, ZoneLine>,
    tzs: Vec<Option<Tz>>,
    template_location: Vec<usize>,
    override_location: Vec<usize>,
    holiday_location: Vec<Option<usize>>,
    /// Per template: its open pieces (session less breaks) in minutes of the day.
    pieces: Vec<Vec<(i64, i64)>>,
}

fn location_index(clinic: &Clinic, id: &Id) -> usize {
    clinic
        .locations
        .iter()
        .position(|l| &l.id == id)
        .expect("oracle: unknown location")
}

struct ClosedCover {
    kind: RuleKind,
    rule: usize,
    location: Option<usize>,
}

impl<'a> Oracle<'a> {
    /// An oracle able to decide every minute of `[from, to)`.
    pub fn new(clinic: &'a Clinic, cal: &'a DoctorCalendar, from: i64, to: i64) -> Self {
        let template_location: Vec<usize> = cal
            .templates
            .iter()
            .map(|t| location_index(clinic, &t.location_id))
            .collect();
        let override_location: Vec<usize> = cal
            .overrides
            .iter()
            .map(|o| location_index(clinic, &o.location_id))
            .collect();
        let holiday_location = clinic
            .holidays
            .iter()
            .map(|h| h.location_id.as_ref().map(|l| location_index(clinic, l)))
            .collect();
        let mut sites = Vec::new();
        for &l in template_location.iter().chain(&override_location) {
            if !sites.contains(&l) {
                sites.push(l);
            }
        }
        if sites.is_empty() {
            // Documented (docs/ARCHITECTURE.md): a calendar that names no location reads its
            // date rules at every location of the clinic.
            sites = (0..clinic.locations.len()).collect();
        }
        let tzs: Vec<Option<Tz>> = clinic
            .locations
            .iter()
            .map(|l| l.time_zone.parse().ok())
            .collect();
        let lines = sites
            .iter()
            .map(|&l| {
                let tz = tzs[l].expect("oracle: unknown zone");
                (l, ZoneLine::new(tz, from - 3 * DAY, to + 2 * DAY))
            })
            .collect();
        Oracle {
            clinic,
            cal,
            sites,
            lines,
            tzs,
            template_location,
            override_location,
            holiday_location,
            pieces: cal
                .templates
                .iter()
                .map(|t| open_pieces(&t.sessions))
                .collect(),
        }
    }

    /// The zone of a clinic location.
    pub fn tz(&self, location: usize) -> Tz {
        self.tzs[location].unwrap()
    }

    /// The decision at minute `m`.
    pub fn decide(&self, m: i64) -> Minute {
        let cal = self.cal;
        // (tier: 0 override, 1 base; rule index; key; location; naive start boundary)
        let mut open: Vec<(u8, usize, CoverKey, usize, i64)> = Vec::new();
        let mut closed: Vec<ClosedCover> = Vec::new();
        let mut tentative: Vec<(usize, Option<usize>)> = Vec::new();
        // Templates whose day has a break at this minute: inside the span of their sessions
        // that day, outside every open piece.
        let mut breaks: Vec<usize> = Vec::new();
        for &l in &self.sites {
            let x = self.lines[&l].max_local(m);
            let today = date_of(x);
            let owner = self.owner(l, m);
            // A reading is `t` minutes into today and `t + DAY` into yesterday.
            for d in [today, add_days(today, -1)] {
                let day = naive(d, 0);
                let t = x - day;
                for (i, template) in cal.templates.iter().enumerate() {
                    if self.template_location[i] != l || !template_applies(template, d) {
                        continue;
                    }
                    let spans = template.sessions.iter().map(|s| span(s.start, s.end));
                    let first = spans.clone().map(|s| s.0).min().unwrap_or(0);
                    let last = spans.map(|s| s.1).max().unwrap_or(0);
                    let in_piece = self.pieces[i].iter().any(|&(s, e)| s <= t && t < e);
                    if first <= t && t < last && !in_piece {
                        breaks.push(i);
                    }
                    for (p, &(s, e)) in self.pieces[i].iter().enumerate() {
                        if s <= t && t < e {
                            let key = CoverKey {
                                kind: RuleKind::Base,
                                rule: i,
                                date: d,
                                piece: p,
                            };
                            open.push((1, i, key, l, day + s));
                        }
                    }
                }
                for (i, o) in cal.overrides.iter().enumerate() {
                    if self.override_location[i] != l || o.date != d {
                        continue;
                    }
                    let inside = o.hours.iter().position(|h| {
                        let (s, e) = span(h.start, h.end);
                        s <= t && t < e
                    });
                    match (o.kind, inside) {
                        (OverrideKind::Replace | OverrideKind::Extra, Some(p)) => {
                            let key = CoverKey {
                                kind: RuleKind::Override,
                                rule: i,
                                date: d,
                                piece: p,
                            };
                            open.push((0, i, key, l, day + tod(o.hours[p].start)));
                        }
                        // A replacing override closes the rest of the time its date owns.
                        (OverrideKind::Replace, None) if d == owner => {
                            closed.push(ClosedCover {
                                kind: RuleKind::Override,
                                rule: i,
                                location: Some(l),
                            });
                        }
                        (OverrideKind::Block, Some(_)) => {
                            closed.push(ClosedCover {
                                kind: RuleKind::Override,
                                rule: i,
                                location: Some(l),
                            });
                        }
                        _ => {}
                    }
                }
            }
            let d = owner;
            for (i, h) in self.clinic.holidays.iter().enumerate() {
                if self.holiday_location[i].is_some_and(|hl| hl != l) {
                    continue;
                }
                assert!(h.rrule.is_none(), "oracle: holiday rrules are not modelled");
                if h.first <= d && d <= h.last {
                    closed.push(ClosedCover {
                        kind: RuleKind::Holiday,
                        rule: i,
                        location: Some(l),
                    });
                }
            }
            for (i, leave) in cal.leaves.iter().enumerate() {
                // Whole days count by the day owning the reading; times are wall-clock.
                let started = match leave.start_time {
                    Some(s) => naive(leave.first, tod(s)) <= x,
                    None => leave.first <= owner,
                };
                let ended = match leave.end_time {
                    Some(e) => naive(leave.last, tod(e)) <= x,
                    None => leave.last < owner,
                };
                if !started || ended {
                    continue;
                }
                match leave.status {
                    LeaveStatus::Approved => closed.push(ClosedCover {
                        kind: RuleKind::Leave,
                        rule: i,
                        location: Some(l),
                    }),
                    LeaveStatus::Requested => tentative.push((i, Some(l))),
                    LeaveStatus::Rejected | LeaveStatus::Cancelled => {}
                }
            }
        }
        for (list, kind) in [
            (&cal.emergencies, RuleKind::Emergency),
            (&cal.forced_blocks, RuleKind::ForcedBlock),
        ] {
            for (i, r) in list.iter().enumerate() {
                if minute_of(r.start) <= m && m < minute_of(r.end) {
                    closed.push(ClosedCover {
                        kind,
                        rule: i,
                        location: None,
                    });
                }
            }
        }

        let best = open.into_iter().min_by_key(|o| (o.0, o.1));
        let scheduled = best.map(|(_, _, key, location, boundary)| Scheduled {
            start: self.lines[&location].reached(boundary),
            key,
            location,
        });
        let place = scheduled.as_ref().map(|s| s.location);
        let applies = |c: Option<usize>| c.is_none() || place.is_none() || c == place;
        let tentative_leave_id = tentative
            .iter()
            .filter(|t| applies(t.1))
            .map(|t| t.0)
            .min()
            .map(|i| cal.leaves[i].id.clone());
        let location_id = place.map(|l| self.clinic.locations[l].id.clone());
        let room_id = scheduled.as_ref().and_then(|s| self.room_of(&s.key));
        for tier in CLOSING_TIERS {
            if let Some(rule) = closed
                .iter()
                .filter(|c| c.kind == tier && applies(c.location))
                .map(|c| c.rule)
                .min()
            {
                return Minute {
                    decision: Decision {
                        status: Status::Closed,
                        rule: tier,
                        rule_id: Some(self.rule_id(tier, rule)),
                        location_id,
                        room_id,
                        tentative_leave_id,
                    },
                    scheduled,
                };
            }
        }
        let decision = match &scheduled {
            Some(s) => Decision {
                status: Status::Open,
                rule: s.key.kind,
                rule_id: Some(self.rule_id(s.key.kind, s.key.rule)),
                location_id,
                room_id,
                tentative_leave_id,
            },
            None => Decision {
                status: Status::Closed,
                rule: breaks
                    .iter()
                    .min()
                    .map_or(RuleKind::OutsideHours, |_| RuleKind::Break),
                rule_id: breaks.iter().min().map(|&i| cal.templates[i].id.clone()),
                location_id,
                room_id,
                tentative_leave_id,
            },
        };
        Minute {
            decision,
            scheduled,
        }
    }

    /// Minutes from `date`'s midnight to the end of its sessions at location `l`: 1440, or
    /// later when a session or override hours of that date run into the next day.
    pub fn last_end(&self, l: usize, date: NaiveDate) -> i64 {
        let cal = self.cal;
        let templates = (cal.templates.iter().enumerate())
            .filter(|(i, t)| self.template_location[*i] == l && template_applies(t, date))
            .flat_map(|(_, t)| t.sessions.iter().map(|s| span(s.start, s.end).1));
        let overrides = (cal.overrides.iter().enumerate())
            .filter(|(i, o)| self.override_location[*i] == l && o.date == date)
            .flat_map(|(_, o)| o.hours.iter().map(|h| span(h.start, h.end).1));
        templates.chain(overrides).fold(DAY, i64::max)
    }

    /// The local date owning minute `m` at location `l`: yesterday while its sessions that
    /// run past midnight last, else today.
    pub(super) fn owner(&self, l: usize, m: i64) -> NaiveDate {
        let x = self.lines[&l].max_local(m);
        let yesterday = add_days(date_of(x), -1);
        if x < naive(yesterday, self.last_end(l, yesterday)) {
            yesterday
        } else {
            date_of(x)
        }
    }

    fn rule_id(&self, kind: RuleKind, i: usize) -> Id {
        let cal = self.cal;
        match kind {
            RuleKind::ForcedBlock => cal.forced_blocks[i].id.clone(),
            RuleKind::Emergency => cal.emergencies[i].id.clone(),
            RuleKind::Leave => cal.leaves[i].id.clone(),
            RuleKind::Holiday => self.clinic.holidays[i].id.clone(),
            RuleKind::Override => cal.overrides[i].id.clone(),
            RuleKind::Base | RuleKind::Break => cal.templates[i].id.clone(),
            RuleKind::OutsideHours => unreachable!(),
        }
    }

    pub(super) fn room_of(&self, key: &CoverKey) -> Option<Id> {
        match key.kind {
            RuleKind::Override => self.cal.overrides[key.rule].room_id.clone(),
            _ => self.cal.templates[key.rule].room_id.clone(),
        }
    }

    /// The settings of the rule behind an open cover.
    pub fn settings_of(&self, key: &CoverKey) -> &SessionSettings {
        let own = match key.kind {
            RuleKind::Override => &self.cal.overrides[key.rule].settings,
            _ => &self.cal.templates[key.rule].settings,
        };
        own.as_ref().unwrap_or(&self.cal.settings)
    }
}
