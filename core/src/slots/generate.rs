//! Cutting scheduled time into candidate slots and deciding each one.

use std::cell::Cell;
use std::sync::Arc;

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;

use super::load::PendingLoad;
use super::params::TypeParams;
use crate::availability::compile::{LocationIx, Settings, mode_index};
use crate::availability::covers::Cover;
use crate::availability::local_time::{DAY, local_date, offset_at};
use crate::availability::sweep::Segment;
use crate::availability::{Availability, Purpose, ZoneDays};
use crate::{
    Alignment, ConsultationMode, Id, Place, RuleKind, Slot, SlotSeries, Unavailable,
    UnavailableSlot,
};

/// One slot-generation pass over a doctor.
pub(crate) struct Generation<'a> {
    availability: &'a Availability,
    params: &'a TypeParams,
    load: &'a PendingLoad<'a>,
    now: i64,
    include_unavailable: bool,
    limit: usize,
    /// Candidates still to consider before the call stops ([`crate::Limits::max_slots`]).
    candidates_left: Cell<usize>,
    zone_days: &'a ZoneDays,
    hints: [Cell<usize>; 6],
    utc_day: DayCache,
    local_day: DayCache,
}

/// The last calendar day an instant fell on, so that consecutive slots of one day do not
/// convert their day number to a date again.
#[derive(Default)]
struct DayCache(Cell<Option<(i64, NaiveDate)>>);

impl DayCache {
    /// The date and time of `secs` seconds since the epoch (counted in UTC or local time).
    #[inline]
    fn naive(&self, secs: i64) -> NaiveDateTime {
        let (day, of_day) = (secs.div_euclid(DAY), secs.rem_euclid(DAY) as u32);
        let date = match self.0.get() {
            Some((d, date)) if d == day => date,
            _ => {
                let date = DateTime::from_timestamp(day * DAY, 0)
                    .unwrap_or_default()
                    .date_naive();
                self.0.set(Some((day, date)));
                date
            }
        };
        let time = NaiveTime::from_num_seconds_from_midnight_opt(of_day, 0).unwrap_or_default();
        NaiveDateTime::new(date, time)
    }

    #[inline]
    fn utc(&self, secs: i64) -> DateTime<Utc> {
        self.naive(secs).and_utc()
    }
}

/// The first instant at or after `t` at which the wall clock in `tz` shows a whole multiple
/// of `step` seconds since local midnight (midnight itself included). A reading in a
/// spring-forward gap never shows, so it is skipped; a reading in a fall-back fold shows
/// twice, so both instants are on the grid. `fixed_offset` is the zone's offset over the
/// whole stretch, when no change falls in it.
fn clock_align(tz: Tz, fixed_offset: Option<i64>, step: i64, t: i64) -> i64 {
    let mut t = t;
    // Each pass either returns or moves `t` to the next offset change; a day has few.
    loop {
        let offset = fixed_offset.unwrap_or_else(|| offset_at(tz, t));
        let of_day = (t + offset).rem_euclid(DAY);
        let aligned = t + ((of_day + step - 1) / step * step).min(DAY) - of_day;
        if fixed_offset.is_some() || offset_at(tz, aligned) == offset {
            return aligned;
        }
        // The offset changes in (t, aligned]: restart the grid at the change.
        let (mut before, mut after) = (t, aligned);
        while after - before > 1 {
            let mid = before + (after - before) / 2;
            if offset_at(tz, mid) == offset {
                before = mid;
            } else {
                after = mid;
            }
        }
        t = after;
    }
}

/// What a scheduled stretch offers, read from the rule that schedules it.
struct Run<'a> {
    covers: &'a [Cover],
    anchor: i64,
    place: Arc<Place>,
    tz: Tz,
    room: Option<(&'a Id, u32)>,
    settings: Settings,
    fixed_offset: Option<i64>,
    /// The first instant past the booking horizon.
    horizon: i64,
}

enum Verdict {
    Open(u32),
    /// Not bookable; the reason only when unavailable slots were asked for.
    Refused(Option<Unavailable>),
}

impl<'a> Generation<'a> {
    pub(crate) fn new(
        availability: &'a Availability,
        params: &'a TypeParams,
        load: &'a PendingLoad<'a>,
        now: i64,
        (include_unavailable, limit, candidates): (bool, usize, usize),
        zone_days: &'a ZoneDays,
    ) -> Self {
        Generation {
            availability,
            params,
            load,
            now,
            include_unavailable,
            limit,
            candidates_left: Cell::new(candidates),
            zone_days,
            hints: Default::default(),
            utc_day: DayCache::default(),
            local_day: DayCache::default(),
        }
    }

    /// The candidates this pass may still consider (what is left of its budget).
    pub(crate) fn candidates_left(&self) -> usize {
        self.candidates_left.get()
    }

    /// Generates the candidate slots starting in `[start, end)` into `out`.
    pub(crate) fn run(&self, start: i64, end: i64, out: &mut SlotSeries) {
        let av = self.availability;
        let resolution = av.resolution(
            start,
            end + self.params.duration,
            Purpose::Slots,
            self.zone_days,
        );
        let segments = &resolution.segments;
        let mut horizons: Vec<(LocationIx, i64)> = Vec::new();
        let mut places: Vec<Arc<Place>> = Vec::new();
        let mut i = 0;
        while i < segments.len() {
            let Some(cover) = segments[i].decision.scheduled else {
                i += 1;
                continue;
            };
            let mut j = i + 1;
            while j < segments.len() && segments[j].decision.scheduled == Some(cover) {
                j += 1;
            }
            let c = &resolution.covers[cover as usize];
            let location = c.location;
            let tz = av.clinic.locations[usize::from(location)].tz;
            let settings = match c.kind {
                RuleKind::Override => av.calendar.overrides[c.rule as usize].settings,
                _ => av.calendar.templates[c.rule as usize].settings,
            };
            let room = match self.params.mode {
                ConsultationMode::InPerson => av
                    .room_of(c)
                    .map(|r| (r, av.clinic.room_capacity(location, r))),
                _ => None,
            };
            let (run_start, run_end) = (segments[i].start, segments[j - 1].end);
            let horizon = self.horizon(&mut horizons, location, tz);
            let place = self.place(
                &mut places,
                &av.clinic.locations[usize::from(location)].id,
                room,
            );
            let run = Run {
                covers: &resolution.covers,
                anchor: c.start,
                place,
                tz,
                room,
                settings,
                fixed_offset: c.day_offset.or_else(|| {
                    let offset = offset_at(tz, run_start);
                    (offset == offset_at(tz, run_end - 1)).then_some(offset)
                }),
                horizon,
            };
            if !self.cut(&run, &segments[i..j], start.max(run_start), end, out) {
                return;
            }
            i = j;
        }
    }

    /// The place of a run, shared with the earlier runs at the same location and room.
    fn place(
        &self,
        places: &mut Vec<Arc<Place>>,
        location_id: &Id,
        room: Option<(&Id, u32)>,
    ) -> Arc<Place> {
        let room_id = room.map(|(r, _)| r);
        if let Some(p) = places
            .iter()
            .find(|p| &p.location_id == location_id && p.room_id.as_ref() == room_id)
        {
            return p.clone();
        }
        let place = Arc::new(Place {
            doctor_id: self.availability.calendar.doctor_id.clone(),
            location_id: location_id.clone(),
            room_id: room_id.cloned(),
        });
        places.push(place.clone());
        place
    }

    /// The first instant past the booking horizon at a location.
    fn horizon(&self, cache: &mut Vec<(LocationIx, i64)>, location: LocationIx, tz: Tz) -> i64 {
        let Some(days) = self.params.max_days_ahead else {
            return i64::MAX;
        };
        if let Some(&(_, h)) = cache.iter().find(|(l, _)| *l == location) {
            return h;
        }
        let h = local_date(tz, self.now)
            .checked_add_days(Days::new(days))
            .map_or(i64::MAX, |last| self.availability.day_end(location, last));
        cache.push((location, h));
        h
    }

    fn offset(run: &Run<'_>, t: i64) -> i64 {
        run.fixed_offset.unwrap_or_else(|| offset_at(run.tz, t))
    }

    /// The first candidate start at or after `t`.
    fn align(&self, run: &Run<'_>, step: i64, t: i64) -> i64 {
        match self.params.alignment {
            Alignment::SessionStart => {
                run.anchor + (t - run.anchor + step - 1).div_euclid(step) * step
            }
            Alignment::Clock => clock_align(run.tz, run.fixed_offset, step, t),
        }
    }

    /// Cuts one scheduled run; returns false once the limit is reached.
    fn cut(
        &self,
        run: &Run<'_>,
        segments: &[Segment],
        from: i64,
        end: i64,
        out: &mut SlotSeries,
    ) -> bool {
        let p = self.params;
        let mode_capacity = run.settings.mode_capacity[mode_index(p.mode)];
        if mode_capacity == 0 {
            return true;
        }
        let step = p.step.unwrap_or(run.settings.slot_secs);
        let buffer_minutes =
            |session: i64, own: i64| u32::try_from(session.max(own) / 60).unwrap_or(0);
        let buffer_before_minutes = buffer_minutes(run.settings.buffer_before, p.buffer_before);
        let buffer_after_minutes = buffer_minutes(run.settings.buffer_after, p.buffer_after);
        let run_end = segments.last().map_or(from, |s| s.end);
        let mut cursor = 0;
        let mut s = self.align(run, step, from);
        if s < end {
            let expected = (end.min(run_end) - s) / step + 1;
            out.slots.reserve(usize::try_from(expected).unwrap_or(0));
        }
        while s < end && s + p.duration <= run_end {
            let e = s + p.duration;
            let Some(left) = self.candidates_left.get().checked_sub(1) else {
                out.truncated = true;
                return false;
            };
            self.candidates_left.set(left);
            while segments[cursor].end <= s {
                cursor += 1;
            }
            let verdict = self.verdict(run, &segments[cursor..], s, e, mode_capacity);
            match verdict {
                Verdict::Open(capacity_left) => {
                    out.slots.push(Slot {
                        place: run.place.clone(),
                        start: self.utc_day.utc(s),
                        end: self.utc_day.utc(e),
                        local_start: self.local_day.naive(s + Self::offset(run, s)),
                        buffer_before_minutes,
                        buffer_after_minutes,
                        capacity_left,
                    });
                    if out.slots.len() >= self.limit {
                        out.truncated = true;
                        return false;
                    }
                }
                Verdict::Refused(Some(reason)) => {
                    out.unavailable.push(UnavailableSlot {
                        place: run.place.clone(),
                        start: self.utc_day.utc(s),
                        end: self.utc_day.utc(e),
                        local_start: self.local_day.naive(s + Self::offset(run, s)),
                        reason,
                    });
                }
                Verdict::Refused(None) => {}
            }
            s = match p.alignment {
                Alignment::SessionStart => s + step,
                Alignment::Clock => self.align(run, step, s + 1),
            };
        }
        true
    }

    /// A refusal, with its reason when unavailable slots were asked for.
    fn refuse(&self, reason: impl FnOnce() -> Unavailable) -> Verdict {
        Verdict::Refused(self.include_unavailable.then(reason))
    }

    fn verdict(
        &self,
        run: &Run<'_>,
        segments: &[Segment],
        s: i64,
        e: i64,
        mode_capacity: u32,
    ) -> Verdict {
        let p = self.params;
        if let Some(seg) = segments
            .iter()
            .take_while(|seg| seg.start < e)
            .find(|seg| !seg.decision.open)
        {
            return self.refuse(|| {
                let closing = seg.decision.decider.map(|d| &run.covers[d as usize]);
                Unavailable::Closed {
                    rule: closing.map_or(RuleKind::OutsideHours, |c| c.kind),
                    rule_id: closing.map(|c| self.availability.rule_id(c).clone()),
                }
            });
        }
        if s < self.now + p.notice {
            return self.refuse(|| Unavailable::TooSoon);
        }
        if s >= run.horizon {
            return self.refuse(|| Unavailable::TooFar);
        }
        let (from, to) = (
            s - run.settings.buffer_before.max(p.buffer_before),
            e + run.settings.buffer_after.max(p.buffer_after),
        );
        let load = self.load.get();
        if let Some(busy) = load.busy_over(from, to) {
            return self.refuse(|| Unavailable::Busy {
                busy_id: busy.clone(),
            });
        }
        let capacity = i64::from(run.settings.max_parallel);
        let mode_capacity = i64::from(mode_capacity);
        let (doctor, mode) = (&load.doctor, load.mode());
        let [
            doctor_all,
            mode_all,
            room_all,
            doctor_booked,
            mode_booked,
            room_booked,
        ] = &self.hints;
        let mut left = capacity - i64::from(doctor.all.max_over(from, to, doctor_all));
        if !std::ptr::eq(doctor, mode) || mode_capacity < capacity {
            left = left.min(mode_capacity - i64::from(mode.all.max_over(from, to, mode_all)));
        }
        let room = run
            .room
            .map(|(id, cap)| (id, i64::from(cap), load.room(id)));
        if let Some((_, cap, usage)) = room {
            let used = usage.map_or(0, |u| u.all.max_over(from, to, room_all));
            left = left.min(cap - i64::from(used));
        }
        if left >= 1 {
            return Verdict::Open(u32::try_from(left).unwrap_or(u32::MAX));
        }
        self.refuse(|| {
            let booked_out = |usage: &super::load::Usage, cap: i64, hint| {
                cap - i64::from(usage.booked().max_over(from, to, hint)) < 1
            };
            if booked_out(doctor, capacity, doctor_booked)
                || booked_out(mode, mode_capacity, mode_booked)
            {
                return Unavailable::Booked;
            }
            match room {
                Some((id, cap, Some(usage))) if booked_out(usage, cap, room_booked) => {
                    Unavailable::RoomFull {
                        room_id: id.clone(),
                    }
                }
                _ => Unavailable::Held,
            }
        })
    }
}
