//! Generators for single rules: session settings, templates, overrides and their pieces.

use chrono::Weekday;
use medsched::{Clinic, ConsultationMode, Hours, Id, ModeCapacity, SessionSettings};
use proptest::prelude::*;

use super::time::hm;

/// A minute of the day on a 5-minute grid, biased to 00:00-04:00 (DST changes) and late
/// evening.
pub fn time_point() -> impl Strategy<Value = u32> {
    prop_oneof![
        3 => (0u32..=48).prop_map(|k| k * 5),
        2 => (0u32..288).prop_map(|k| k * 5),
        1 => (264u32..288).prop_map(|k| k * 5),
    ]
}

/// Non-overlapping ranges from points: sorted, deduplicated, paired; `adjacent[i]` makes the
/// next range start where this one ends.
pub(super) fn ranges(mut points: Vec<u32>, adjacent: &[bool]) -> Vec<(u32, u32)> {
    points.sort_unstable();
    points.dedup();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < points.len() {
        out.push((points[i], points[i + 1]));
        i += if adjacent.get(out.len()).copied().unwrap_or(false) {
            1
        } else {
            2
        };
    }
    out
}

pub(super) fn hours(r: &[(u32, u32)]) -> Vec<Hours> {
    r.iter()
        .map(|&(s, e)| Hours {
            start: hm(s),
            end: hm(e),
        })
        .collect()
}

/// Session settings with small, 5-minute-grid values.
pub fn arb_settings() -> impl Strategy<Value = SessionSettings> {
    (
        prop::sample::select(vec![5u32, 10, 15, 20, 30, 60]),
        (0u32..=3).prop_map(|k| k * 5),
        (0u32..=3).prop_map(|k| k * 5),
        1u32..=3,
        prop::option::weighted(
            0.5,
            (
                prop::option::weighted(0.8, 1u32..=3),
                prop::option::weighted(0.8, 1u32..=3),
                prop::option::weighted(0.8, 1u32..=3),
            ),
        ),
    )
        .prop_map(|(slot, bb, ba, max_parallel, modes)| {
            let modes = modes.map_or(Vec::new(), |(a, b, c)| {
                [
                    (ConsultationMode::InPerson, a),
                    (ConsultationMode::Video, b),
                    (ConsultationMode::Phone, c),
                ]
                .into_iter()
                .filter_map(|(mode, cap)| cap.map(|capacity| ModeCapacity { mode, capacity }))
                .collect()
            });
            SessionSettings {
                slot_minutes: slot,
                buffer_before_minutes: bb,
                buffer_after_minutes: ba,
                max_parallel,
                modes,
            }
        })
}

pub(super) type BreakSeed = Option<(u8, u8, Option<(u8, u8)>)>;

#[derive(Debug, Clone)]
pub(super) struct RawTemplate {
    pub(super) loc: usize,
    pub(super) days: u8,
    pub(super) rrule: Option<(bool, u8)>,
    pub(super) from: Option<i64>,
    pub(super) until: Option<i64>,
    pub(super) points: Vec<u32>,
    pub(super) adjacent: Vec<bool>,
    pub(super) breaks: Vec<BreakSeed>,
    pub(super) room: Option<usize>,
    pub(super) settings: Option<SessionSettings>,
    /// Makes the last session run past midnight (see [`night_end`]).
    pub(super) night: Option<u8>,
}

/// A next-day end for hours starting at `start`, no later than `first` (the earliest start
/// of the day, so that the same rule on the next day is not overlapped): `None` when there
/// is no room before `first`.
pub(super) fn night_end(seed: u8, first: u32) -> Option<u32> {
    (first >= 5).then(|| 5 * (u32::from(seed) % (first / 5 + 1)))
}

pub(super) fn arb_template() -> impl Strategy<Value = RawTemplate> {
    (
        (
            0usize..3,
            prop_oneof![1 => Just(127u8), 2 => 1u8..128],
            prop::option::weighted(0.25, (any::<bool>(), 1u8..=3)),
            prop::option::weighted(0.3, -3i64..=2),
            prop::option::weighted(0.3, -1i64..=4),
        ),
        (
            prop::collection::vec(time_point(), 2..7),
            prop::collection::vec(any::<bool>(), 4),
            prop::collection::vec(
                prop::option::weighted(
                    0.4,
                    (
                        any::<u8>(),
                        any::<u8>(),
                        prop::option::of((any::<u8>(), any::<u8>())),
                    ),
                ),
                3,
            ),
            prop::option::of(0usize..2),
            prop::option::weighted(0.3, arb_settings()),
        ),
        prop::option::weighted(0.35, any::<u8>()),
    )
        .prop_map(
            |(
                (loc, days, rrule, from, until),
                (points, adjacent, breaks, room, settings),
                night,
            )| {
                RawTemplate {
                    night,
                    loc,
                    days,
                    rrule,
                    from,
                    until,
                    points,
                    adjacent,
                    breaks,
                    room,
                    settings,
                }
            },
        )
}

#[derive(Debug, Clone)]
pub(super) struct RawOverride {
    pub(super) loc: usize,
    pub(super) date: i64,
    pub(super) kind: u8,
    pub(super) points: Vec<u32>,
    pub(super) adjacent: Vec<bool>,
    pub(super) room: Option<usize>,
    pub(super) settings: Option<SessionSettings>,
    /// Makes the last hours run past midnight (see [`night_end`]).
    pub(super) night: Option<u8>,
}

pub(super) fn arb_override() -> impl Strategy<Value = RawOverride> {
    (
        0usize..3,
        -2i64..=3,
        0u8..3,
        prop::collection::vec(time_point(), 0..5),
        prop::collection::vec(any::<bool>(), 3),
        prop::option::of(0usize..2),
        prop::option::weighted(0.3, arb_settings()),
        prop::option::weighted(0.25, any::<u8>()),
    )
        .prop_map(
            |(loc, date, kind, points, adjacent, room, settings, night)| RawOverride {
                night,
                loc,
                date,
                kind,
                points,
                adjacent,
                room,
                settings,
            },
        )
}

/// Break seeds to breaks inside `[s, e)` (5-minute grid).
pub(super) fn breaks_in(s: u32, e: u32, seed: BreakSeed) -> Vec<Hours> {
    let Some((a, b, second)) = seed else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut lo = s;
    for (a, b) in std::iter::once((a, b)).chain(second) {
        let n = (e - lo) / 5;
        if n == 0 {
            break;
        }
        let k0 = u32::from(a) % n;
        let len = 1 + u32::from(b) % (n - k0);
        let (bs, be) = (lo + 5 * k0, lo + 5 * (k0 + len));
        out.push(Hours {
            start: hm(bs),
            end: hm(be),
        });
        lo = be;
    }
    out
}

pub(super) fn pick_room(clinic: &Clinic, loc: usize, room: Option<usize>) -> Option<Id> {
    let rooms = &clinic.locations[loc].rooms;
    match room {
        Some(r) if !rooms.is_empty() => Some(rooms[r % rooms.len()].id.clone()),
        _ => None,
    }
}

pub(super) fn weekdays_of(mask: u8) -> Vec<Weekday> {
    (0..7)
        .filter(|i| mask & (1 << i) != 0)
        .map(|i| Weekday::try_from(i as u8).unwrap())
        .collect()
}
