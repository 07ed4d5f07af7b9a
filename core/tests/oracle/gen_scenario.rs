//! Generators for whole scenarios: zones, dates near DST changes, a clinic and a calendar.

use chrono::{DateTime, Utc};
use medsched::{
    Availability, Clinic, ClinicRules, DateOverride, DoctorCalendar, Holiday, Leave, LeaveStatus,
    Location, OverrideKind, Problem, Room, Session, SessionSettings, Unavailability,
    WeeklyTemplate,
};
use proptest::prelude::*;
use proptest::sample::Index;

use super::gen_rules::{
    RawOverride, RawTemplate, arb_override, arb_settings, arb_template, breaks_in, hours,
    night_end, pick_room, ranges, time_point, weekdays_of,
};
use super::rules::weekday_code;
use super::time::{DAY, add_days, at, hm, naive, tod, ymd};

/// The zones the generators use.
pub const ZONES: [&str; 6] = [
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Pacific/Apia",
];

/// Dates near each zone's transitions (or any date for zones without DST).
const ANCHORS: [&[(i32, u32, u32)]; 6] = [
    &[(2024, 3, 10), (2024, 11, 3)],
    &[(2024, 3, 31), (2024, 10, 27)],
    &[(2024, 4, 7), (2024, 10, 6)],
    &[(2024, 6, 15), (2024, 1, 26)],
    &[(2024, 8, 1), (2015, 4, 25)],
    &[
        (2011, 12, 29),
        (2011, 12, 30),
        (2011, 12, 31),
        (2011, 9, 24),
        (2012, 4, 1),
    ],
];

/// A valid clinic and calendar, and a window of UTC minutes near interesting dates.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub clinic: Clinic,
    pub calendar: DoctorCalendar,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// Status index, first date (offset from the anchor), length in days, start and end times.
type RawLeave = (u8, i64, i64, Option<u32>, Option<u32>);

#[derive(Debug, Clone)]
struct RawScenario {
    primary: usize,
    others: Vec<usize>,
    anchor: Index,
    any_anchor: bool,
    start_offset: i64,
    length: i64,
    rooms: Vec<Vec<u32>>,
    templates: Vec<RawTemplate>,
    overrides: Vec<RawOverride>,
    holidays: Vec<(Option<usize>, i64, i64)>,
    leaves: Vec<RawLeave>,
    emergencies: Vec<(i64, i64)>,
    forced: Vec<(i64, i64)>,
    settings: SessionSettings,
}

/// A valid scenario whose window lasts `min_minutes..=max_minutes`.
pub fn arb_scenario(min_minutes: i64, max_minutes: i64) -> impl Strategy<Value = Scenario> {
    let instant = |max: i64| (-240i64..max + 240, 1i64..=480);
    (
        (
            0usize..6,
            prop::collection::vec(0usize..6, 0..=2),
            any::<Index>(),
            prop::bool::weighted(0.25),
            -3 * DAY / 2..DAY / 4,
            min_minutes..=max_minutes,
            prop::collection::vec(prop::collection::vec(1u32..=3, 0..=2), 3),
        ),
        (
            prop_oneof![
                1 => prop::collection::vec(arb_template(), 0..=0),
                7 => prop::collection::vec(arb_template(), 1..=3),
            ],
            prop::collection::vec(arb_override(), 0..=3),
            prop::collection::vec((prop::option::of(0usize..3), -2i64..=3, 0i64..=1), 0..=2),
            prop::collection::vec(
                (
                    0u8..4,
                    -2i64..=3,
                    0i64..=1,
                    prop::option::of(time_point()),
                    prop::option::of(time_point()),
                ),
                0..=3,
            ),
            prop::collection::vec(instant(max_minutes), 0..=2),
            prop::collection::vec(instant(max_minutes), 0..=2),
            arb_settings(),
        ),
    )
        .prop_map(
            |(
                (primary, others, anchor, any_anchor, start_offset, length, rooms),
                (templates, overrides, holidays, leaves, emergencies, forced, settings),
            )| {
                build(RawScenario {
                    primary,
                    others,
                    anchor,
                    any_anchor,
                    start_offset,
                    length,
                    rooms,
                    templates,
                    overrides,
                    holidays,
                    leaves,
                    emergencies,
                    forced,
                    settings,
                })
            },
        )
}

fn build(raw: RawScenario) -> Scenario {
    let anchor = if raw.any_anchor {
        let all: Vec<_> = ANCHORS.iter().flat_map(|a| a.iter()).collect();
        let &(y, m, d) = all[raw.anchor.index(all.len())];
        ymd(y, m, d)
    } else {
        let list = ANCHORS[raw.primary];
        let (y, m, d) = list[raw.anchor.index(list.len())];
        ymd(y, m, d)
    };
    let mut zones = vec![raw.primary];
    zones.extend(raw.others.iter().copied());
    let locations: Vec<Location> = zones
        .iter()
        .enumerate()
        .map(|(i, &z)| Location {
            rooms: raw.rooms[i]
                .iter()
                .enumerate()
                .map(|(k, &cap)| Room::new(format!("room-{i}-{k}"), "", cap))
                .collect(),
            ..Location::new(format!("loc-{i}"), "", ZONES[z])
        })
        .collect();
    let nloc = locations.len();
    let day = |off: i64| add_days(anchor, off);
    let mut clinic = Clinic {
        locations,
        holidays: Vec::new(),
    };
    for (i, &(loc, first, len)) in raw.holidays.iter().enumerate() {
        clinic.holidays.push(Holiday {
            location_id: loc.map(|l| clinic.locations[l % nloc].id.clone()),
            last: day(first + len),
            ..Holiday::on(format!("hol-{i}"), "", day(first))
        });
    }

    let mut calendar = DoctorCalendar::new("dr-a");
    calendar.settings = raw.settings;
    for (i, t) in raw.templates.iter().enumerate() {
        let loc = t.loc % nloc;
        let mut sessions: Vec<Session> = ranges(t.points.clone(), &t.adjacent)
            .into_iter()
            .zip(t.breaks.iter().chain(std::iter::repeat(&None)))
            .map(|((s, e), seed)| Session {
                start: hm(s),
                end: hm(e),
                breaks: breaks_in(s, e, *seed),
            })
            .collect();
        if sessions.is_empty() {
            sessions.push(Session {
                start: hm(60),
                end: hm(180),
                breaks: Vec::new(),
            });
        }
        let first = tod(sessions[0].start) as u32;
        if let (Some(seed), Some(last)) = (t.night, sessions.last_mut())
            && let Some(end) = night_end(seed, first)
            && end != tod(last.start) as u32
        {
            last.end = hm(end);
        }
        let mut from = t.from.map(day);
        let mut until = t.until.map(day);
        let (weekdays, rrule) = match t.rrule {
            None => (weekdays_of(t.days), None),
            Some((daily, n)) => {
                from = Some(from.unwrap_or(day(-2)));
                let rule = if daily {
                    format!("FREQ=DAILY;INTERVAL={n}")
                } else {
                    let days: Vec<&str> =
                        weekdays_of(t.days).into_iter().map(weekday_code).collect();
                    format!("FREQ=WEEKLY;BYDAY={}", days.join(","))
                };
                (Vec::new(), Some(rule))
            }
        };
        if let (Some(f), Some(u)) = (from, until)
            && u < f
        {
            until = Some(f);
            from = Some(u);
        }
        calendar.templates.push(WeeklyTemplate {
            room_id: pick_room(&clinic, loc, t.room),
            weekdays,
            rrule,
            sessions,
            effective_from: from,
            effective_until: until,
            settings: t.settings.clone(),
            ..WeeklyTemplate::new(format!("tpl-{i}"), clinic.locations[loc].id.clone())
        });
    }
    for (i, o) in raw.overrides.iter().enumerate() {
        let loc = o.loc % nloc;
        let kind = [
            OverrideKind::Replace,
            OverrideKind::Extra,
            OverrideKind::Block,
        ][o.kind as usize];
        let mut r = ranges(o.points.clone(), &o.adjacent);
        if r.is_empty() && kind != OverrideKind::Replace {
            r.push((60, 150));
        }
        let first = r.first().map_or(0, |h| h.0);
        if let (Some(seed), Some(last)) = (o.night, r.last_mut())
            && let Some(end) = night_end(seed, first)
            && end != last.0
        {
            last.1 = end;
        }
        calendar.overrides.push(DateOverride {
            id: format!("ovr-{i}").into(),
            date: day(o.date),
            location_id: clinic.locations[loc].id.clone(),
            room_id: pick_room(&clinic, loc, o.room),
            kind,
            hours: hours(&r),
            settings: o.settings.clone(),
        });
    }
    for (i, &(status, first, len, st, et)) in raw.leaves.iter().enumerate() {
        let status = [
            LeaveStatus::Approved,
            LeaveStatus::Requested,
            LeaveStatus::Rejected,
            LeaveStatus::Cancelled,
        ][status as usize];
        let mut end_time = et.map(hm);
        let start_time = st.map(hm);
        if len == 0
            && let Some(e) = et
            && e <= st.unwrap_or(0)
        {
            end_time = None;
        }
        calendar.leaves.push(Leave {
            id: format!("lv-{i}").into(),
            status,
            first: day(first),
            last: day(first + len),
            start_time,
            end_time,
            reason: String::new(),
        });
    }
    // Naive minutes of a UTC midnight are its UTC minutes.
    let start = naive(anchor, 0) + raw.start_offset;
    let instants = |list: &[(i64, i64)], prefix: &str| -> Vec<Unavailability> {
        list.iter()
            .enumerate()
            .map(|(i, &(off, len))| Unavailability {
                id: format!("{prefix}-{i}").into(),
                start: at(start + off),
                end: at(start + off + len),
                reason: String::new(),
            })
            .collect()
    };
    calendar.emergencies = instants(&raw.emergencies, "em");
    calendar.forced_blocks = instants(&raw.forced, "fb");
    drop_double_bookings(&clinic, &mut calendar);
    Scenario {
        clinic,
        calendar,
        start: at(start),
        end: at(start + raw.length),
    }
}

/// Removes the templates and `replace` overrides that the engine refuses for scheduling the
/// doctor twice at once (the generators draw them independently), one at a time.
fn drop_double_bookings(clinic: &Clinic, calendar: &mut DoctorCalendar) {
    let Ok(rules) = ClinicRules::new(clinic) else {
        return;
    };
    while let Err(e) = Availability::new(&rules, calendar) {
        let index = |list: &str| {
            let field = e.field()?.strip_prefix(list)?;
            field[..field.find(']')?].parse::<usize>().ok()
        };
        match e.problem() {
            Some(Problem::Overlap(_)) if index("templates[").is_some() => {
                calendar.templates.remove(index("templates[").unwrap_or(0));
            }
            Some(Problem::Conflicting(_)) if index("overrides[").is_some() => {
                calendar.overrides.remove(index("overrides[").unwrap_or(0));
            }
            _ => return,
        }
    }
}
