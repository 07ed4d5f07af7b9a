//! One simulated clinic day: the line as it moves, snapshots of it, the truth about each
//! snapshot (when each waiting token really started) and the oracle's estimate (Monte-Carlo
//! over the true generating process, knowing the day's hidden state).
//!
//! Times are minutes from the session start (09:00 local), as `f64`. Nothing here uses the
//! estimator's model; the estimator only sees the `QueueSnapshot` a host would build.

use chrono::{DateTime, TimeDelta, Utc};
use medsched::{
    tokens::EmergencyOrder, tokens::TokenKind, tokens::WalkInPlacement, wait::Consultation,
    wait::IssuedCounts, wait::PastDay, wait::QueueSnapshot, wait::SkippedToken, wait::VisitType,
    wait::WaitingToken,
};

use crate::rng::Rng;
use crate::scenarios::{CallRule, Params, Shape};
use crate::score::Estimate;

/// Snapshots every this many minutes, from `FIRST_TICK`, and at every check-in after it.
const TICK: f64 = 10.0;
const FIRST_TICK: f64 = -30.0;
/// Forward runs of the oracle per snapshot.
const ORACLE_RUNS: usize = 30;

/// The day's hidden state: what the oracle knows and the estimators never see.
#[derive(Debug, Clone, Copy)]
pub struct Hidden {
    /// Today's mean consultation, before visit type, pace and shape, minutes.
    pub mean_minutes: f64,
    /// When the doctor starts, minutes from the session start.
    pub start: f64,
    /// Staff's "delayed until" on a late day of a scenario that announces it: from when, and
    /// the start announced (minutes from the session start).
    pub announced: Option<(f64, f64)>,
}

/// A snapshot, for each waiting token how long it really waited (`None`: never seen) and,
/// on scored days, the oracle's (mean, P50, P90) for it.
pub struct Scored {
    pub queue: QueueSnapshot,
    pub truth: Vec<Option<f64>>,
    pub oracle: Vec<Estimate>,
}

/// What a day leaves: its record for the doctor's history, and its scored snapshots.
pub struct Day {
    pub past: PastDay,
    pub snapshots: Vec<Scored>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Visit {
    First,
    Review,
    Emergency,
}

impl Visit {
    /// The visit type as the host knows it from the booking or the registration desk
    /// (emergencies are a token kind, not a visit type).
    fn known(self) -> Option<VisitType> {
        match self {
            Visit::First => Some(VisitType::FirstVisit),
            Visit::Review => Some(VisitType::Review),
            Visit::Emergency => None,
        }
    }
}

#[derive(Debug, Clone)]
struct Token {
    number: u32,
    kind: TokenKind,
    slot: Option<f64>,
    visit: Visit,
    /// Issue time (walk-ins, emergencies) or slot (booked): the line's sort key under
    /// `CallRule::BookedAtSlot`.
    key: f64,
    present: bool,
    /// When a skipped patient came back.
    returned: Option<f64>,
    start: Option<f64>,
}

#[derive(Debug, Clone, Copy)]
enum Event {
    Booked(usize),
    WalkIn(Visit),
    Emergency,
}

#[derive(Clone)]
struct Clinic<'a> {
    params: &'a Params,
    hidden: Hidden,
    base: DateTime<Utc>,
    tokens: Vec<Token>,
    line: Vec<usize>,
    skipped: Vec<usize>,
    /// The consult in progress: start, end, present patients waiting at its start, the
    /// token.
    consult: Option<(f64, f64, u32, usize)>,
    completed: Vec<(f64, f64, u32, usize)>,
    issued: IssuedCounts,
    doctor_in: bool,
    /// Future arrivals, sorted by time; `next` is the first not yet happened.
    events: Vec<(f64, Event)>,
    next: usize,
    /// Booked patients who checked in: token index and time.
    checked_in: Vec<(usize, f64)>,
}

/// Simulates one day starting at `base` (the session start instant), with snapshots and
/// truths (a host records its estimates on every day), and oracle estimates if `scored`.
pub fn simulate(
    params: &Params,
    hidden: Hidden,
    base: DateTime<Utc>,
    scored: bool,
    rng: &mut Rng,
) -> Day {
    let mut clinic = Clinic {
        params,
        hidden,
        base,
        tokens: Vec::new(),
        line: Vec::new(),
        skipped: Vec::new(),
        consult: None,
        completed: Vec::new(),
        issued: IssuedCounts::default(),
        doctor_in: false,
        events: Vec::new(),
        next: 0,
        checked_in: Vec::new(),
    };
    for b in 0..params.booked {
        let phone = rng.chance(params.phone_share);
        let kind = if phone {
            TokenKind::Phone
        } else {
            TokenKind::Booked
        };
        if phone {
            clinic.issued.phone += 1;
        } else {
            clinic.issued.booked += 1;
        }
        let slot = f64::from(b) * params.slot_minutes;
        let visit = if rng.chance(params.first_share_booked) {
            Visit::First
        } else {
            Visit::Review
        };
        clinic.tokens.push(Token {
            number: b + 1,
            kind,
            slot: Some(slot),
            visit,
            key: slot,
            present: false,
            returned: None,
            start: None,
        });
        clinic.line.push(b as usize);
    }
    clinic.draw_future(f64::NEG_INFINITY, rng);
    let mut taken: Vec<(f64, Clinic)> = Vec::new();
    clinic.run(rng, &mut |clinic, t| taken.push((t, clinic.clone())));
    let snapshots = taken
        .iter()
        .map(|(t, state)| {
            let queue = state.snapshot(*t);
            let truth = state
                .line
                .iter()
                .map(|&i| clinic.tokens[i].start.map(|s| s - t))
                .collect();
            let oracle = if scored {
                state.oracle(*t, rng)
            } else {
                Vec::new()
            };
            Scored {
                queue,
                truth,
                oracle,
            }
        })
        .collect();
    Day {
        past: clinic.record(),
        snapshots,
    }
}

impl Clinic<'_> {
    fn at(&self, t: f64) -> DateTime<Utc> {
        self.base + TimeDelta::milliseconds((t * 60_000.0).round() as i64)
    }

    fn visit(&self, share_first: f64, rng: &mut Rng) -> Visit {
        if rng.chance(share_first) {
            Visit::First
        } else {
            Visit::Review
        }
    }

    /// Draws every arrival after `now`: absent booked patients (given they have not come
    /// by `now`), walk-ins and emergencies.
    fn draw_future(&mut self, now: f64, rng: &mut Rng) {
        let p = self.params;
        self.events.truncate(self.next);
        let mut future = Vec::new();
        for (b, token) in self.tokens.iter().enumerate() {
            let Some(slot) = token.slot else { continue };
            if token.present || token.start.is_some() {
                continue;
            }
            // Rejection: (no-show, arrival) from the prior, given no arrival by `now`.
            for _ in 0..1000 {
                if rng.chance(p.no_show) {
                    break;
                }
                let at = (slot + rng.logistic(p.offset_location, p.offset_scale))
                    .max(p.earliest_arrival);
                if at > now {
                    future.push((at, Event::Booked(b)));
                    break;
                }
            }
        }
        let from = p.walk_ins_from.max(now);
        for t in rng.poisson_times(p.walk_ins_per_hour, from, p.walk_ins_until) {
            let visit = self.visit(p.first_share_walk_in, rng);
            future.push((t, Event::WalkIn(visit)));
        }
        for t in rng.poisson_times(p.emergencies_per_hour, now.max(0.0), p.session_minutes) {
            future.push((t, Event::Emergency));
        }
        future.sort_by(|a, b| a.0.total_cmp(&b.0));
        self.events = future;
        self.next = 0;
    }

    /// A consultation length for a `visit` starting at `t`.
    fn duration(&self, visit: Visit, t: f64, rng: &mut Rng) -> f64 {
        let p = self.params;
        let factor = match visit {
            Visit::First => p.first_factor,
            Visit::Review => p.review_factor,
            Visit::Emergency => p.emergency_factor,
        };
        let pace = p
            .pace
            .iter()
            .find(|(until, _)| t < *until)
            .map_or(p.pace[2].1, |x| x.1);
        let draw = match p.shape {
            Shape::Gamma { cv } => rng.gamma(1.0, cv),
            Shape::Bimodal {
                short,
                long,
                p_long,
                cv,
            } => {
                let mean = if rng.chance(p_long) { long } else { short };
                rng.gamma(mean, cv)
            }
        };
        self.hidden.mean_minutes * factor * pace * draw
    }

    /// Runs the day to its end; `on_moment` is called at each moment a host would estimate
    /// (every day: a host records its estimates on history days too).
    fn run(&mut self, rng: &mut Rng, on_moment: &mut dyn FnMut(&Self, f64)) {
        let mut tick = FIRST_TICK;
        loop {
            let end = self.consult.map_or(f64::INFINITY, |c| c.1);
            let doctor = if self.doctor_in {
                f64::INFINITY
            } else {
                self.hidden.start
            };
            let arrival = self.events.get(self.next).map_or(f64::INFINITY, |e| e.0);
            let t = end.min(doctor).min(arrival).min(tick);
            let open = self.consult.is_some() || !self.doctor_in || self.anyone_present();
            if (t >= self.params.session_minutes && !open) || t == f64::INFINITY {
                break;
            }
            if end <= t {
                self.completed.extend(self.consult.take());
                self.call(t, rng);
            } else if doctor <= t {
                self.doctor_in = true;
                self.call(t, rng);
            } else if arrival <= t {
                let (_, event) = self.events[self.next];
                self.next += 1;
                self.arrive(t, event);
                self.call(t, rng);
                if t >= FIRST_TICK && !matches!(event, Event::Emergency) {
                    on_moment(self, t);
                }
            } else {
                on_moment(self, t);
                tick += TICK;
            }
        }
    }

    fn anyone_present(&self) -> bool {
        self.line.iter().any(|&i| self.tokens[i].present)
    }

    fn arrive(&mut self, t: f64, event: Event) {
        let number = self.tokens.len() as u32 + 1;
        match event {
            Event::Booked(b) => {
                self.tokens[b].present = true;
                self.checked_in.push((b, t));
                if let Some(k) = self.skipped.iter().position(|&i| i == b) {
                    self.skipped.remove(k);
                    let at = self.behind_present(self.params.reinsert_after);
                    self.line.insert(at, b);
                    self.issued.reinserted += 1;
                    self.tokens[b].returned = Some(t);
                }
            }
            Event::WalkIn(visit) => {
                self.tokens.push(Token {
                    number,
                    kind: TokenKind::WalkIn,
                    slot: None,
                    visit,
                    key: t,
                    present: true,
                    returned: None,
                    start: None,
                });
                let i = self.tokens.len() - 1;
                if self.params.walk_ins_between_slots {
                    let at = self
                        .line
                        .iter()
                        .position(|&j| self.tokens[j].slot.is_some() && self.tokens[j].key > t)
                        .unwrap_or(self.line.len());
                    self.line.insert(at, i);
                } else {
                    self.line.push(i);
                }
                self.issued.walk_in += 1;
            }
            Event::Emergency => {
                self.tokens.push(Token {
                    number,
                    kind: TokenKind::Emergency,
                    slot: None,
                    visit: Visit::Emergency,
                    key: t,
                    present: true,
                    returned: None,
                    start: None,
                });
                let head = if self.params.emergencies_lifo {
                    0
                } else {
                    self.line
                        .iter()
                        .take_while(|&&i| self.tokens[i].kind == TokenKind::Emergency)
                        .count()
                };
                self.line.insert(head, self.tokens.len() - 1);
                self.issued.emergency += 1;
            }
        }
    }

    /// The line position just behind the `k`-th present patient (behind the last present
    /// one if fewer are waiting).
    fn behind_present(&self, k: usize) -> usize {
        let mut seen = 0;
        let mut last = 0;
        for (at, &i) in self.line.iter().enumerate() {
            if self.tokens[i].present {
                seen += 1;
                last = at + 1;
                if seen == k {
                    break;
                }
            }
        }
        last
    }

    /// The doctor, if in and free, calls the next patient by the clinic's rule.
    fn call(&mut self, t: f64, rng: &mut Rng) {
        if self.consult.is_some() || !self.doctor_in {
            return;
        }
        let pick = match self.params.call_rule {
            CallRule::LineOrder => {
                let Some(p) = self.line.iter().position(|&i| self.tokens[i].present) else {
                    return;
                };
                self.skipped.extend(self.line.drain(..p));
                Some(0)
            }
            CallRule::BookedAtSlot => {
                let present = |i: usize| self.tokens[i].present;
                let kind = |i: usize| self.tokens[i].kind;
                let booked = |i: usize| self.tokens[i].slot.is_some();
                let emergency = self
                    .line
                    .iter()
                    .position(|&i| present(i) && kind(i) == TokenKind::Emergency);
                let due = self
                    .line
                    .iter()
                    .position(|&i| present(i) && booked(i) && self.tokens[i].key <= t);
                let walk_in = self
                    .line
                    .iter()
                    .position(|&i| present(i) && kind(i) == TokenKind::WalkIn);
                let early = self.line.iter().position(|&i| present(i) && booked(i));
                emergency.or(due).or(walk_in).or(early)
            }
        };
        let Some(at) = pick else { return };
        let i = self.line.remove(at);
        self.tokens[i].start = Some(t);
        let waiting = self
            .line
            .iter()
            .filter(|&&j| self.tokens[j].present)
            .count();
        let length = self.duration(self.tokens[i].visit, t, rng);
        self.consult = Some((t, t + length, waiting as u32, i));
    }

    fn snapshot(&self, t: f64) -> QueueSnapshot {
        let mut queue = QueueSnapshot::new(
            self.at(t),
            self.at(0.0),
            self.at(self.params.session_minutes),
        );
        queue.consulting_since = self.consult.map(|c| self.at(c.0));
        // The token in the room is known to the queue: its kind and its visit type.
        queue.consulting_kind = self.consult.map(|c| self.tokens[c.3].kind);
        queue.consulting_visit = self.consult.and_then(|c| self.tokens[c.3].visit.known());
        queue.waiting = self
            .line
            .iter()
            .map(|&i| {
                let token = &self.tokens[i];
                WaitingToken {
                    number: token.number,
                    kind: token.kind,
                    expected_at: token.slot.map(|s| self.at(s)),
                    present: token.present,
                    visit: token.visit.known(),
                }
            })
            .collect();
        queue.skipped = self
            .skipped
            .iter()
            .map(|&i| SkippedToken {
                number: self.tokens[i].number,
                expected_at: self.tokens[i].slot.map(|s| self.at(s)),
            })
            .collect();
        queue.completed = self
            .completed
            .iter()
            .map(|&(s, e, waiting, i)| Consultation {
                started_at: self.at(s),
                ended_at: self.at(e),
                waiting_at_start: Some(waiting),
                kind: Some(self.tokens[i].kind),
                visit: self.tokens[i].visit.known(),
            })
            .collect();
        queue.issued = self.issued;
        queue.reinsert_after = self.params.reinsert_after as u32;
        if self.params.walk_ins_between_slots {
            queue.walk_ins = WalkInPlacement::BetweenSlots;
        }
        if self.params.emergencies_lifo {
            queue.emergency_order = EmergencyOrder::Lifo;
        }
        // Staff say "doctor arrived" when the doctor does.
        queue.doctor_arrived_at = self.doctor_in.then(|| self.at(self.hidden.start));
        if let Some((from, start)) = self.hidden.announced
            && !self.doctor_in
            && t >= from
        {
            queue.doctor_expected_at = Some(self.at(start));
        }
        queue
    }

    /// The oracle at `now`: for each waiting token, the mean, median and P90 of its wait over
    /// forward runs of the true process from this state, knowing the day's hidden state
    /// (today's mean consult, the doctor's start, each visit type's true length), the
    /// rest drawn afresh: the running consult's length given its elapsed time, whether and
    /// when absent patients come given they have not yet, later walk-ins and emergencies,
    /// every future consult's length.
    fn oracle(&self, now: f64, rng: &mut Rng) -> Vec<Estimate> {
        let mut waits: Vec<Vec<f64>> = vec![Vec::with_capacity(ORACLE_RUNS); self.line.len()];
        for _ in 0..ORACLE_RUNS {
            let mut run = self.clone();
            run.draw_future(now, rng);
            if let Some((start, _, waiting, i)) = run.consult {
                let visit = run.tokens[i].visit;
                let mut length = None;
                for _ in 0..1000 {
                    let d = run.duration(visit, start, rng);
                    if start + d > now {
                        length = Some(d);
                        break;
                    }
                }
                let end = length.map_or(now + rng.exponential(1.0), |d| start + d);
                run.consult = Some((start, end, waiting, i));
            }
            run.run(rng, &mut |_, _| {});
            for (k, &i) in self.line.iter().enumerate() {
                if let Some(s) = run.tokens[i].start {
                    waits[k].push(s - now);
                }
            }
        }
        waits
            .into_iter()
            .map(|mut w| {
                if w.is_empty() {
                    let rest = (self.params.session_minutes - now).max(0.0);
                    return Estimate {
                        point: rest,
                        p50: rest,
                        p90: rest,
                    };
                }
                w.sort_by(f64::total_cmp);
                let n = w.len();
                let mean = w.iter().sum::<f64>() / n as f64;
                let median = 0.5 * (w[(n - 1) / 2] + w[n / 2]);
                let p90 = w[((0.9 * n as f64).ceil() as usize).clamp(1, n) - 1];
                Estimate {
                    point: mean,
                    p50: median,
                    p90: p90.max(mean),
                }
            })
            .collect()
    }

    /// The day as a host records it for the doctor's history.
    fn record(&self) -> PastDay {
        PastDay {
            durations: self.completed.iter().map(|(s, e, ..)| e - s).collect(),
            waiting_at_start: self.completed.iter().map(|c| c.2).collect(),
            started_minutes: self.completed.iter().map(|c| c.0).collect(),
            kinds: self
                .completed
                .iter()
                .map(|c| self.tokens[c.3].kind)
                .collect(),
            visits: self
                .completed
                .iter()
                .map(|c| self.tokens[c.3].visit.known())
                .collect(),
            booked: self.params.booked,
            no_shows: self.params.booked - self.checked_in.len() as u32,
            emergencies: self.issued.emergency,
            walk_ins: self.issued.walk_in,
            session_minutes: self.params.session_minutes,
            arrival_offsets: self
                .checked_in
                .iter()
                .map(|&(b, t)| t - self.tokens[b].slot.unwrap_or(t))
                .collect(),
            return_waits: self
                .tokens
                .iter()
                .filter_map(|t| Some(t.start? - t.returned?))
                .collect(),
            doctor_start_minutes: Some(self.hidden.start),
            estimates: Vec::new(),
        }
    }
}
