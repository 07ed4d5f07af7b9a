//! Cutting scheduled time into candidate slots and deciding each one.

use std::cell::Cell;

use chrono::{DateTime, Days};
use chrono_tz::Tz;

use super::compact::{CompactSlot, Sink};
use super::grid::{Stretch, clock_align, starts};
use super::limits::LimitCheck;
use super::load::{Load, Usage};
use super::params::TypeParams;
use super::step::StepFn;
use crate::availability::compile::{LocationIx, Settings, mode_index};
use crate::availability::covers::Cover;
use crate::availability::local_time::{DAY, local_date, offset_at};
use crate::availability::sweep::{Resolution, Segment};
use crate::availability::{Availability, Purpose, ZoneDays};
use crate::{Alignment, ConsultationMode, Id, RuleKind, Unavailable, UnavailableSlot};

/// The instants [`Generation::run`] resolves for candidates starting in `[start, end)`: a
/// grid restarted after bookings and blocks depends on the closing rules since its stretch
/// began (less than a day before `start`), and the last candidate runs a duration past
/// `end`.
fn window(p: &TypeParams, start: i64, end: i64) -> (i64, i64) {
    let reach_back = if p.restart_after_bookings || p.fill_gaps {
        DAY
    } else {
        0
    };
    (start - reach_back, end + p.duration)
}

/// Whether [`Generation::run`] over `[start, end)` may find a candidate for `availability`:
/// false when no rule of its can schedule time beginning before `end` there, read without
/// expanding a rule (a search passes over such doctors without preparing their run).
pub(crate) fn may_find(
    availability: &Availability,
    p: &TypeParams,
    (start, end): (i64, i64),
    zone_days: &ZoneDays,
) -> bool {
    let (from, to) = window(p, start, end);
    availability.may_schedule(from, to, end, zone_days)
}

/// The doctor's seats, and the requested mode's when they differ ([`Load::usages`]).
type Usages<'l> = (Usage<'l>, Option<Usage<'l>>);

/// What tells the places of a doctor's runs apart: the location, the room and the buffers
/// in minutes.
type PlaceKey<'a> = (LocationIx, Option<&'a Id>, (u32, u32));

/// One slot-generation pass over a doctor.
pub(crate) struct Generation<'a, 'l> {
    availability: &'a Availability,
    params: &'a TypeParams,
    load: &'a Load<'l>,
    now: i64,
    include_unavailable: bool,
    limit: usize,
    /// Candidates still to consider before the call stops ([`crate::Limits::max_slots`]).
    candidates_left: Cell<usize>,
    zone_days: &'a ZoneDays,
    /// The doctor's and the type's booking limits, when either sets one.
    limits: Option<LimitCheck>,
}

/// What a scheduled stretch offers, read from the rule that schedules it.
struct Run<'a> {
    covers: &'a [Cover],
    /// Every segment of the resolution, and the cover scheduling this run (where its
    /// closures end and begin, for a restarted grid).
    segments: &'a [Segment],
    cover: u32,
    anchor: i64,
    /// Its index in the set's table of places.
    place: u32,
    tz: Tz,
    /// The room, its capacity and its usage.
    room: Option<(&'a Id, u32, Option<Usage<'a>>)>,
    settings: Settings,
    /// The time kept free before and after a slot here: the larger of the session's and
    /// the type's buffers.
    buffers: (i64, i64),
    /// Whether nothing closes any of the run (no closure to look for, slot by slot).
    all_open: bool,
    fixed_offset: Option<i64>,
    /// The first instant past the booking horizon.
    horizon: i64,
}

/// The seats a run's candidates are checked against, read once for the run: a capacity, the
/// seats taken over time, and where the last query of them stopped.
struct Seats<'u> {
    doctor: (i64, Taken<'u>),
    /// The requested mode's, when it can bind (a lower capacity, or reservations of the
    /// doctor in another mode).
    mode: Option<(i64, Taken<'u>)>,
    /// The room's capacity, and its seats taken when anything occupies it.
    room: Option<(i64, Option<Taken<'u>>)>,
}

/// Seats taken over time, and where the last query of them stopped.
type Taken<'u> = (&'u StepFn, &'u Cell<usize>);

impl Seats<'_> {
    /// The fewest seats left anywhere in `[from, to)`.
    #[inline(always)]
    fn left(&self, from: i64, to: i64) -> i64 {
        let used = |(f, hint): (&StepFn, &Cell<usize>)| {
            i64::try_from(f.max_over(from, to, hint)).unwrap_or(i64::MAX)
        };
        let (capacity, taken) = self.doctor;
        let mut left = capacity - used(taken);
        if let Some((capacity, taken)) = self.mode {
            left = left.min(capacity - used(taken));
        }
        if let Some((capacity, taken)) = self.room {
            left = left.min(capacity - taken.map_or(0, used));
        }
        left
    }

    /// The first instant after `from` where any of these seat counts changes, when none
    /// changes inside `[from, to)`: until then, a later stretch starting after `from` has the
    /// seats of this one.
    #[inline(always)]
    fn steady_until(&self, from: i64, to: i64) -> Option<i64> {
        let next = |(f, hint): Taken<'_>| f.next_change(from, hint);
        let mut until = next(self.doctor.1);
        if let Some((_, taken)) = self.mode {
            until = until.min(next(taken));
        }
        if let Some((_, Some(taken))) = self.room {
            until = until.min(next(taken));
        }
        (until >= to).then_some(until)
    }

    /// When no seat is left at `t` in some count: the first instant after it where every
    /// count that is full at `t` has a seat again. `None` when each has a seat at `t`.
    #[inline(always)]
    fn full_until(&self, t: i64) -> Option<i64> {
        let full = |capacity: i64, (f, hint): Taken<'_>| {
            f.full_until(t, u64::try_from(capacity).unwrap_or(0), hint)
        };
        let mut until = full(self.doctor.0, self.doctor.1);
        if let Some((capacity, taken)) = self.mode {
            until = until.max(full(capacity, taken));
        }
        if let Some((capacity, Some(taken))) = self.room {
            until = until.max(full(capacity, taken));
        }
        until
    }
}

/// What deciding one candidate did.
#[derive(PartialEq, Eq)]
enum Considered {
    /// The call stops: its limit or its budget of candidates is reached.
    Stop,
    /// Not bookable.
    Refused,
    /// Bookable, with these seats left.
    Open(u32),
}

enum Verdict {
    Open(u32),
    /// Not bookable; the reason only when unavailable slots were asked for.
    Refused(Option<Unavailable>),
}

impl<'a, 'l> Generation<'a, 'l> {
    pub(crate) fn new(
        availability: &'a Availability,
        params: &'a TypeParams,
        load: &'a Load<'l>,
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
            limits: LimitCheck::new(
                load,
                availability.calendar.booking_limits,
                (&params.id, params.booking_limits),
            ),
        }
    }

    /// The candidates this pass may still consider (what is left of its budget).
    pub(crate) fn candidates_left(&self) -> usize {
        self.candidates_left.get()
    }

    /// Generates the candidate slots starting in `[start, end)` into `out`.
    pub(crate) fn run(&self, start: i64, end: i64, out: &mut impl Sink) {
        let av = self.availability;
        let p = self.params;
        let (from, to) = window(p, start, end);
        let resolution = av.resolution(
            from,
            to,
            // No candidate starts at or after `end`: time scheduled from then on cuts none.
            Purpose::Slots { starts_before: end },
            self.zone_days,
        );
        let segments = &resolution.segments;
        out.reserve(self.expected_slots(&resolution, start, end));
        let mut horizons: Vec<(LocationIx, i64)> = Vec::new();
        // The place of the last run, by location, room and buffers: the runs of a template
        // share one, so the set's table is searched once per place rather than per run.
        let mut last_place: Option<(PlaceKey<'_>, u32)> = None;
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
            let (run_start, run_end) = (segments[i].start, segments[j - 1].end);
            if run_end <= start {
                i = j;
                continue;
            }
            let c = &resolution.covers[cover as usize];
            let location = c.location;
            let tz = av.clinic.locations[usize::from(location)].tz;
            let settings = self.settings(c);
            let room = match self.params.mode {
                ConsultationMode::InPerson => av
                    .room_of(c)
                    .map(|r| (r, av.clinic.room_capacity(location, r), self.load.room(r))),
                _ => None,
            };
            let horizon = self.horizon(&mut horizons, location, tz);
            let buffer_minutes =
                |session: i64, own: i64| u32::try_from(session.max(own) / 60).unwrap_or(0);
            let key = (
                location,
                room.as_ref().map(|(r, _, _)| *r),
                (
                    buffer_minutes(settings.buffer_before, p.buffer_before),
                    buffer_minutes(settings.buffer_after, p.buffer_after),
                ),
            );
            let place = match last_place {
                Some((last, at)) if last == key => at,
                _ => {
                    let at = out.place_index(
                        &av.calendar.doctor_id,
                        &av.clinic.locations[usize::from(location)].id,
                        key.1,
                        key.2,
                    );
                    last_place = Some((key, at));
                    at
                }
            };
            let run = Run {
                covers: &resolution.covers,
                segments,
                cover,
                anchor: c.start,
                place,
                tz,
                room,
                settings,
                buffers: (
                    settings.buffer_before.max(p.buffer_before),
                    settings.buffer_after.max(p.buffer_after),
                ),
                all_open: segments[i..j].iter().all(|seg| seg.decision.open),
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

    /// The settings of the rule scheduling `cover`.
    fn settings(&self, cover: &Cover) -> Settings {
        let calendar = &self.availability.calendar;
        match cover.kind {
            RuleKind::Override => calendar.overrides[cover.rule as usize].settings,
            _ => calendar.templates[cover.rule as usize].settings,
        }
    }

    /// About how many slots `[start, end)` can hold (candidates on the grid of the open
    /// scheduled time, the first rule's step taken for all, at most the call's limit and
    /// the candidates its budget still allows): reserved at once, so the slots are not
    /// copied as they grow, and never more than the call can fill.
    fn expected_slots(&self, resolution: &Resolution, start: i64, end: i64) -> usize {
        let segments = &resolution.segments;
        let Some(first) = segments.iter().find_map(|seg| seg.decision.scheduled) else {
            return 0;
        };
        let step = (self.params.step)
            .unwrap_or_else(|| self.settings(&resolution.covers[first as usize]).slot_secs)
            .max(1);
        let open: i64 = (segments.iter())
            .filter(|seg| seg.decision.open && seg.decision.scheduled.is_some())
            .map(|seg| (seg.end.min(end) - seg.start.max(start)).max(0) / step + 1)
            .sum();
        usize::try_from(open).map_or(0, |n| n.min(self.limit).min(self.candidates_left.get()))
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
                let origin = run.anchor + self.params.start_offset;
                origin + (t - origin + step - 1).div_euclid(step).max(0) * step
            }
            Alignment::Clock => clock_align(
                run.tz,
                run.fixed_offset,
                (step, self.params.start_offset),
                t,
            ),
        }
    }

    /// Cuts one scheduled run; returns false once the limit is reached.
    fn cut(
        &self,
        run: &Run<'_>,
        segments: &[Segment],
        from: i64,
        end: i64,
        out: &mut impl Sink,
    ) -> bool {
        let p = self.params;
        let mode_capacity = run.settings.mode_capacity[mode_index(p.mode)];
        if mode_capacity == 0 {
            return true;
        }
        let step = p.step.unwrap_or(run.settings.slot_secs);
        let run_end = segments.last().map_or(from, |s| s.end);
        if from >= end || from + p.duration > run_end {
            // No candidate starts here, so the seats are not looked up (a search passes many
            // such runs).
            return true;
        }
        let usages = self.load.usages();
        let (doctor, in_mode) = usages;
        let capacity = i64::from(run.settings.max_parallel);
        let seats = Seats {
            doctor: (capacity, doctor.taken()),
            mode: (in_mode.is_some() || i64::from(mode_capacity) < capacity).then(|| {
                (
                    i64::from(mode_capacity),
                    in_mode.as_ref().unwrap_or(doctor).taken(),
                )
            }),
            room: (run.room.as_ref())
                .map(|(_, cap, usage)| (i64::from(*cap), usage.as_ref().map(Usage::taken))),
        };
        let capacities = (mode_capacity, usages, &seats);
        let mut cursor = 0;
        if p.restart_after_bookings || p.fill_gaps {
            let stretch = Stretch {
                anchor: run.anchor,
                tz: run.tz,
                fixed_offset: run.fixed_offset,
                step,
                room: run.room.as_ref().map(|(r, _, _)| *r),
                buffers: run.buffers,
                closures: closure_edges(run.segments, run.cover),
            };
            let last = (end - 1).min(run_end - p.duration);
            let candidates = starts(p, self.load, &stretch, (from, last));
            out.reserve(candidates.len());
            return (candidates.into_iter()).all(|s| {
                self.consider(run, segments, &mut cursor, s, capacities, out) != Considered::Stop
            });
        }
        // On a grid of fixed steps through open time without booking limits, the candidates
        // after an open one are open with the same seats until the seats or busy times
        // change: they are pushed without being decided one by one.
        let repeat =
            run.all_open && self.limits.is_none() && p.alignment == Alignment::SessionStart;
        let mut s = self.align(run, step, from);
        if s < end {
            let expected = (end.min(run_end) - s) / step + 1;
            out.reserve(usize::try_from(expected).unwrap_or(0));
        }
        while s < end && s + p.duration <= run_end {
            match self.consider(run, segments, &mut cursor, s, capacities, out) {
                Considered::Stop => return false,
                Considered::Open(left) if repeat => {
                    match self.repeat_open(run, &seats, (s, step), (end, run_end), left, out) {
                        Some(next) => s = next,
                        None => return false,
                    }
                    continue;
                }
                _ => {}
            }
            s = match p.alignment {
                Alignment::SessionStart => s + step,
                Alignment::Clock => self.align(run, step, s + 1),
            };
        }
        true
    }

    /// After an open candidate at `s` with `left` seats, pushes the candidates after it, `step`
    /// apart, that are open with the same seats, without deciding each: in a run where
    /// nothing closes and no booking limit counts, what decides them is the same until the
    /// seats change, a busy time starts, the horizon, `end` or the run's end. Returns the
    /// start to decide next, or `None` once the call stops (its limit or its budget).
    #[inline(always)]
    fn repeat_open(
        &self,
        run: &Run<'_>,
        seats: &Seats<'_>,
        (s, step): (i64, i64),
        (end, run_end): (i64, i64),
        left: u32,
        out: &mut impl Sink,
    ) -> Option<i64> {
        let duration = self.params.duration;
        let (before, after) = run.buffers;
        let mut next = s + step;
        let Some(steady) = seats.steady_until(s - before, s + duration + after) else {
            return Some(next);
        };
        // Every later candidate's stretch must end by the next change of seats or busy time.
        let clear = steady.min(self.load.next_busy_start(s + duration + after));
        let last = (clear.saturating_sub(duration + after))
            .min(end - 1)
            .min(run_end - duration)
            .min(run.horizon - 1);
        if let (Some(offset), true) = (run.fixed_offset, next <= last) {
            // One offset for the whole run: the candidates up to `last` are pushed at once,
            // as many as the budget and the limit leave room for, stopping where the walk
            // one by one would.
            let more = usize::try_from((last - next) / step).unwrap_or(usize::MAX);
            let room = self.limit - out.len();
            let budget = self.candidates_left.get();
            let take = (more + 1).min(room).min(budget);
            if take > 0 {
                let first = CompactSlot::new(next, next + duration, offset, left, run.place);
                out.push_every(first, step, take - 1);
                self.candidates_left.set(budget - take);
            }
            if take <= more || take == room {
                out.set_truncated();
                return None;
            }
            next += step * (more as i64 + 1);
        }
        while next <= last {
            if !self.spend(out) || !self.keep(run, (next, next + duration), left, out) {
                return None;
            }
            next += step;
        }
        // Where the seats run out at the change (a booking or a hold), every candidate whose
        // stretch meets the full time is refused: without reasons to report, it is passed
        // over, its candidates still spent from the call's budget.
        let meets = next.saturating_add(duration + after) > steady;
        let free = (clear == steady && meets && !self.include_unavailable)
            .then(|| seats.full_until(steady))
            .flatten();
        let Some(free) = free else {
            return Some(next);
        };
        // The starts on the grid from `next` before `to`.
        let starts_before = |to: i64| {
            if to <= next {
                0
            } else {
                (to - next - 1) / step + 1
            }
        };
        let refused = starts_before(free.saturating_add(before));
        let resume = next.saturating_add(refused.saturating_mul(step));
        let candidates = starts_before((end - 1).min(run_end - duration) + 1);
        let passed = usize::try_from(refused.min(candidates)).unwrap_or(usize::MAX);
        match self.candidates_left.get().checked_sub(passed) {
            Some(left) => self.candidates_left.set(left),
            None => {
                self.candidates_left.set(0);
                out.set_truncated();
                return None;
            }
        }
        Some(resume)
    }

    /// Takes one candidate from the call's budget; false (the set truncated) when none is
    /// left.
    #[inline(always)]
    fn spend(&self, out: &mut impl Sink) -> bool {
        let Some(left) = self.candidates_left.get().checked_sub(1) else {
            out.set_truncated();
            return false;
        };
        self.candidates_left.set(left);
        true
    }

    /// Pushes an open slot `[s, e)` with `left` seats; false (the set truncated) once the
    /// call's limit is reached.
    #[inline(always)]
    fn keep(&self, run: &Run<'_>, (s, e): (i64, i64), left: u32, out: &mut impl Sink) -> bool {
        out.push(CompactSlot::new(
            s,
            e,
            Self::offset(run, s),
            left,
            run.place,
        ));
        if out.len() >= self.limit {
            out.set_truncated();
            return false;
        }
        true
    }

    /// Decides the candidate starting at `s` into `out`, and says whether it was open or the
    /// call stops (its limit or its budget of candidates reached). Inlined into the walk of a
    /// run, so what is the same for the whole run is worked out once.
    #[inline(always)]
    fn consider(
        &self,
        run: &Run<'_>,
        segments: &[Segment],
        cursor: &mut usize,
        s: i64,
        capacities: (u32, &Usages<'_>, &Seats<'_>),
        out: &mut impl Sink,
    ) -> Considered {
        let e = s + self.params.duration;
        if !self.spend(out) {
            return Considered::Stop;
        }
        if !run.all_open {
            while segments[*cursor].end <= s {
                *cursor += 1;
            }
        }
        match self.verdict(run, &segments[*cursor..], s, e, capacities) {
            Verdict::Open(capacity_left) => {
                if !self.keep(run, (s, e), capacity_left, out) {
                    return Considered::Stop;
                }
                Considered::Open(capacity_left)
            }
            Verdict::Refused(Some(reason)) => {
                let at = |t: i64| DateTime::from_timestamp(t, 0).unwrap_or_default();
                let local_start = at(s + Self::offset(run, s)).naive_utc();
                out.push_unavailable(run.place, |place| UnavailableSlot {
                    place,
                    start: at(s),
                    end: at(e),
                    local_start,
                    reason,
                });
                Considered::Refused
            }
            Verdict::Refused(None) => Considered::Refused,
        }
    }

    /// A refusal, with its reason when unavailable slots were asked for.
    fn refuse(&self, reason: impl FnOnce() -> Unavailable) -> Verdict {
        Verdict::Refused(self.include_unavailable.then(reason))
    }

    /// Whether a candidate is bookable, and its capacity left. Inlined into the walk, which
    /// calls it for every candidate: 6–9% fewer instructions a call (callgrind).
    #[inline(always)]
    fn verdict(
        &self,
        run: &Run<'_>,
        segments: &[Segment],
        s: i64,
        e: i64,
        (mode_capacity, (doctor, in_mode), seats): (u32, &Usages<'_>, &Seats<'_>),
    ) -> Verdict {
        let p = self.params;
        if let Some(seg) = (!run.all_open)
            .then(|| {
                (segments.iter())
                    .take_while(|seg| seg.start < e)
                    .find(|seg| !seg.decision.open)
            })
            .flatten()
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
        let (from, to) = (s - run.buffers.0, e + run.buffers.1);
        let load = self.load;
        if let Some(busy) = load.busy_over(from, to) {
            return self.refuse(|| Unavailable::Busy {
                busy_id: busy.clone(),
            });
        }
        let capacity = i64::from(run.settings.max_parallel);
        let mode_capacity = i64::from(mode_capacity);
        let used = |seats: u64| i64::try_from(seats).unwrap_or(i64::MAX);
        let mode = in_mode.as_ref().unwrap_or(doctor);
        let left = seats.left(from, to);
        if left >= 1 {
            if let Some(reason) = self.limits.as_ref().and_then(|l| l.reached(run.tz, s, e)) {
                return self.refuse(|| reason);
            }
            return Verdict::Open(u32::try_from(left).unwrap_or(u32::MAX));
        }
        self.refuse(|| {
            let booked_out =
                |usage: &Usage<'_>, cap: i64| cap - used(usage.booked_over(from, to)) < 1;
            if booked_out(doctor, capacity) || booked_out(mode, mode_capacity) {
                return Unavailable::Booked;
            }
            match &run.room {
                Some((id, cap, Some(usage))) if booked_out(usage, i64::from(*cap)) => {
                    Unavailable::RoomFull {
                        room_id: (*id).clone(),
                    }
                }
                _ => Unavailable::Held,
            }
        })
    }
}

/// Where the closures of `cover` end with the stretch going on open, and where they begin
/// after open time of it (a block running into leave is one closure; a closure running
/// into another rule's hours restarts nothing).
fn closure_edges(segments: &[Segment], cover: u32) -> (Vec<i64>, Vec<i64>) {
    let (mut ends, mut starts) = (Vec::new(), Vec::new());
    for pair in segments.windows(2) {
        let (a, b) = (&pair[0].decision, &pair[1].decision);
        if a.scheduled != Some(cover) || b.scheduled != Some(cover) {
            continue;
        }
        match (a.open, b.open) {
            (false, true) => ends.push(pair[1].start),
            (true, false) => starts.push(pair[1].start),
            _ => {}
        }
    }
    (ends, starts)
}
