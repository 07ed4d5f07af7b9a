//! The grid of candidate starts in a scheduled stretch: session or clock aligned, shifted by
//! the type's offset, restarted after bookings and blocks, and the gaps around them filled.

use chrono_tz::Tz;

use super::load::Load;
use super::params::TypeParams;
use crate::availability::local_time::{DAY, offset_at};
use crate::{Alignment, Id};

/// The first instant at or after `t` at which the wall clock in `tz` shows `offset` plus a
/// whole multiple of `step` seconds since local midnight. A reading in a spring-forward gap
/// never shows, so it is skipped; a reading in a fall-back fold shows twice, so both instants
/// are on the grid. `fixed_offset` is the zone's offset over the whole stretch, when no change
/// falls in it. `offset` is below a day.
pub(crate) fn clock_align(
    tz: Tz,
    fixed_offset: Option<i64>,
    (step, offset): (i64, i64),
    t: i64,
) -> i64 {
    let mut t = t;
    // Each pass either returns or moves `t` to the next offset change or local midnight; a
    // day has few.
    loop {
        let zone_offset = fixed_offset.unwrap_or_else(|| offset_at(tz, t));
        let of_day = (t + zone_offset).rem_euclid(DAY);
        let reading = if of_day <= offset {
            offset
        } else {
            offset + (of_day - offset + step - 1) / step * step
        };
        let aligned = t + reading.min(DAY) - of_day;
        if fixed_offset.is_some() || offset_at(tz, aligned) == zone_offset {
            if reading < DAY || offset == 0 {
                return aligned;
            }
            // Past the day's last reading: start again from the next local midnight.
            t = aligned;
            continue;
        }
        // The offset changes in (t, aligned]: restart the grid at the change.
        let (mut before, mut after) = (t, aligned);
        while after - before > 1 {
            let mid = before + (after - before) / 2;
            if offset_at(tz, mid) == zone_offset {
                before = mid;
            } else {
                after = mid;
            }
        }
        t = after;
    }
}

/// A scheduled stretch as the grid sees it.
pub(crate) struct Stretch<'a> {
    /// Where a session-aligned grid is counted from.
    pub(crate) anchor: i64,
    pub(crate) tz: Tz,
    pub(crate) fixed_offset: Option<i64>,
    pub(crate) step: i64,
    /// The room its in-person slots take.
    pub(crate) room: Option<&'a Id>,
    /// The buffers a slot keeps before and after it (seconds).
    pub(crate) buffers: (i64, i64),
    /// Where its closures (blocks, leave, emergencies) end with the stretch going on open,
    /// and where they begin after open time of it.
    pub(crate) closures: (Vec<i64>, Vec<i64>),
}

/// Where the grid starts again, and what fills the gaps: for each booking, live hold, busy
/// time and closed part, the first start clear after it and the last start clear before it.
fn edges(params: &TypeParams, load: &Load<'_>, stretch: &Stretch<'_>) -> (Vec<i64>, Vec<i64>) {
    let (before, after) = stretch.buffers;
    let minutes = |m: u32| i64::from(m) * 60;
    let mut clear_after = Vec::new();
    let mut clear_before = Vec::new();
    for r in load.occupying(stretch.room) {
        clear_after.push(r.end.timestamp() + minutes(r.buffer_after_minutes) + before);
        clear_before
            .push(r.start.timestamp() - minutes(r.buffer_before_minutes) - after - params.duration);
    }
    for b in load.busy_times() {
        clear_after.push(b.end + before);
        clear_before.push(b.start - after - params.duration);
    }
    let (ends, starts) = &stretch.closures;
    clear_after.extend(ends);
    clear_before.extend(starts.iter().map(|start| start - params.duration));
    (clear_after, clear_before)
}

/// The candidate starts in `[from, last]` of a stretch whose type restarts the grid or fills
/// gaps, in order, each once. Work is bounded by the stretch's length over the step plus
/// twice the reservations and busy times.
pub(crate) fn starts(
    params: &TypeParams,
    load: &Load<'_>,
    stretch: &Stretch<'_>,
    (from, last): (i64, i64),
) -> Vec<i64> {
    if from > last {
        return Vec::new();
    }
    let (clear_after, clear_before) = edges(params, load, stretch);
    let step = stretch.step;
    let mut out = Vec::new();
    let within = |t: &i64| (from..=last).contains(t);
    match params.alignment {
        Alignment::Clock => {
            let mut s = clock_align(
                stretch.tz,
                stretch.fixed_offset,
                (step, params.start_offset),
                from,
            );
            while s <= last {
                out.push(s);
                s = clock_align(
                    stretch.tz,
                    stretch.fixed_offset,
                    (step, params.start_offset),
                    s + 1,
                );
            }
            if params.restart_after_bookings {
                out.extend(clear_after.iter().copied().filter(within));
            }
        }
        Alignment::SessionStart => {
            let mut origins = vec![stretch.anchor + params.start_offset];
            if params.restart_after_bookings {
                origins.extend(
                    (clear_after.iter().copied()).filter(|&t| t > stretch.anchor && t <= last),
                );
            }
            origins.sort_unstable();
            origins.dedup();
            for (i, &origin) in origins.iter().enumerate() {
                let until = origins
                    .get(i + 1)
                    .map_or(last + 1, |&next| next.min(last + 1));
                let mut s = if origin >= from {
                    origin
                } else {
                    origin + (from - origin + step - 1) / step * step
                };
                while s < until {
                    out.push(s);
                    s += step;
                }
            }
        }
    }
    if params.fill_gaps {
        out.extend(
            clear_after
                .iter()
                .chain(&clear_before)
                .copied()
                .filter(within),
        );
    }
    out.sort_unstable();
    out.dedup();
    out
}
