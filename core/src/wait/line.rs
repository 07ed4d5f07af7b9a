//! One pass down the line: when the doctor reaches each token, if its patient is there.

use std::collections::VecDeque;

use crate::tokens::{EmergencyOrder, TokenKind, WalkInPlacement};
use crate::wait::arrivals::{Absent, Arrivals, LateSet};
use crate::wait::durations::DurationPrior;
use crate::wait::history::DoctorHistory;
use crate::wait::rates::PRIOR_HOURS;
use crate::wait::snapshot::{QueueSnapshot, minutes_between};
use crate::wait::speed::Speed;
use crate::wait::start::doctor_wait;
use crate::wait::stats::norm_cdf_pdf_fast;

/// Steps per token when solving for its start, and the precision sought (minutes).
const STEPS: usize = 4;
const TOLERANCE: f64 = 0.05;
/// The most absent patients of one run followed when counting who is seen first.
const MAX_RUN: usize = 64;

/// What a waiting token contributes to those behind it.
#[derive(Clone, Copy)]
pub(crate) enum Entry {
    /// Here: seen for sure.
    Present,
    /// Absent, no appointment time: seen with this chance.
    Untimed(f64),
    /// Absent, booked for a time: its prospects and its arrival group.
    Timed(Absent, usize),
}

/// When the doctor reaches a token: mean and variance, minutes from now.
#[derive(Clone, Copy)]
pub(crate) struct Reach {
    pub(crate) mean: f64,
    pub(crate) variance: f64,
}

/// What comes before the first token: the wait for the session to start, or the rest of
/// the consult in progress (mean and variance).
struct First {
    wait: f64,
    rest: f64,
    variance: f64,
}

/// An absent booked token of the current run: its arrival group, its prospects, and when
/// the doctor reaches it (minutes from now).
#[derive(Clone, Copy)]
struct Passed {
    group: usize,
    absent: Absent,
    reach: f64,
}

/// Absent tokens passed over when the doctor reached a present token behind them at
/// `reach`: `passed[from..to]`, with the sum of their chances of having been there in time
/// (and of its Bernoulli variance).
struct Closed {
    reach: f64,
    from: usize,
    to: usize,
    sum: [f64; 2],
}

/// The line as the estimator reads it.
pub(crate) struct Line {
    /// Today's speed at the line's present length.
    pub(crate) speed: Speed,
    /// Each waiting token, and today's speed when it is called (fewer are waiting then).
    pub(crate) entries: Vec<(Entry, Speed)>,
    pub(crate) reinsert_after: usize,
    /// How many present patients are waiting now.
    pub(crate) present: usize,
    first: First,
    /// Emergencies per minute, and the window (minutes from now) they arrive in.
    emergency_rate: f64,
    emergency_window: (f64, f64),
    /// For each token: whether later emergencies can go ahead of it (not of an emergency
    /// waiting at the head when emergencies are first in, first out), and until when
    /// (minutes from now) a walk-in still to come goes ahead of it (walk-ins between slots:
    /// until the latest appointment due at or before it in the line).
    ahead: Vec<(bool, f64)>,
    /// For each token, how long its kind takes relative to the typical consultation.
    kind_factors: Vec<f64>,
    /// How long an emergency, and a walk-in, take relative to the typical consultation.
    emergency_factor: f64,
    walk_in_factor: f64,
    /// Walk-ins per minute (0 unless walk-ins go between slots).
    walk_in_rate: f64,
    /// Whether walk-ins still to come fill the gaps between booked tokens: then the doctor
    /// reaches the absent tokens of a run one by one ([`in_turn`]), not as one block.
    gaps_filled: bool,
    /// The doctor's pace through the session, and how far into it `now` is (minutes).
    pace: DurationPrior,
    session_minute: f64,
    /// Skipped tokens, and absent ones passed over: seen ahead if they return while the
    /// token at hand is more than `reinsert_after` from the head.
    late: LateSet,
}

impl Line {
    pub(crate) fn new(queue: &QueueSnapshot, history: &DoctorHistory) -> Line {
        let arrivals = Arrivals::new(&history.rates);
        let mut entries = Vec::with_capacity(queue.waiting.len());
        let mut timed = Vec::new();
        for token in &queue.waiting {
            entries.push(match token.expected_at {
                _ if token.present => Entry::Present,
                None => Entry::Untimed(1.0 - arrivals.no_show()),
                Some(at) => {
                    let expected = queue.minutes_until(at);
                    timed.push(expected);
                    Entry::Timed(arrivals.absent(expected), 0)
                }
            });
        }
        let in_line = timed.len();
        let skipped = queue.skipped.iter().filter_map(|s| s.expected_at);
        timed.extend(skipped.map(|at| queue.minutes_until(at)));
        let (mut late, groups) = LateSet::new(&arrivals, &timed);
        for &group in &groups[in_line..] {
            late.enter(group);
        }
        let mut groups = groups.into_iter();
        for entry in &mut entries {
            if let Entry::Timed(_, group) = entry {
                *group = groups.next().unwrap_or_default();
            }
        }
        let day = Speed::today(&history.durations, &queue.completed, queue.session_start);
        // When a token is called, the present patients behind it are still waiting.
        let mut behind = entries.iter().map(present_weight).sum::<f64>();
        let speed = day.at(behind);
        // Patients keep coming: a later call is taken to find at least the usual line.
        let usual = history.durations.load_reference;
        let entries = entries
            .into_iter()
            .map(|entry| {
                behind -= present_weight(&entry);
                (entry, day.at(behind.max(usual)))
            })
            .collect();
        let first = match queue.consulting_since {
            Some(since) => {
                let durations = &history.durations;
                let pace = durations.pace_at(minutes_between(queue.session_start, since))
                    * durations.length_factor(queue.consulting_kind, queue.consulting_visit);
                let (rest, variance) = speed.paced(pace).remaining(
                    minutes_between(since, queue.now).max(0.0),
                    &history.durations,
                );
                First {
                    wait: 0.0,
                    rest,
                    variance,
                }
            }
            None => {
                let (wait, variance) = doctor_wait(queue, history);
                First {
                    wait,
                    rest: 0.0,
                    variance,
                }
            }
        };
        let (emergency_rate, emergency_window) = emergencies(queue, history);
        let fifo = queue.emergency_order == EmergencyOrder::Fifo;
        let mut head = true;
        let mut due = f64::NEG_INFINITY;
        let session_end = queue.minutes_until(queue.session_end);
        let ahead = queue
            .waiting
            .iter()
            .map(|token| {
                head &= token.kind == TokenKind::Emergency;
                if matches!(token.kind, TokenKind::Booked | TokenKind::Phone)
                    && let Some(at) = token.expected_at
                {
                    due = due.max(queue.minutes_until(at));
                }
                (!(fifo && head), due.min(session_end))
            })
            .collect();
        let kinds = &history.durations.kinds;
        let kind_factors = queue
            .waiting
            .iter()
            .map(|t| history.durations.length_factor(Some(t.kind), t.visit))
            .collect();
        let walk_in_rate = match queue.walk_ins {
            WalkInPlacement::BetweenSlots => {
                let rate = history.rates.walk_ins_per_hour;
                if rate.is_finite() {
                    rate.clamp(0.0, 60.0) / 60.0
                } else {
                    0.0
                }
            }
            WalkInPlacement::End => 0.0,
        };
        Line {
            speed,
            present: queue.waiting.iter().filter(|t| t.present).count(),
            entries,
            reinsert_after: usize::try_from(queue.reinsert_after).unwrap_or(usize::MAX),
            first,
            emergency_rate,
            emergency_window,
            ahead,
            kind_factors,
            emergency_factor: kinds.factor(TokenKind::Emergency),
            walk_in_factor: kinds.factor(TokenKind::WalkIn),
            walk_in_rate,
            gaps_filled: queue.walk_ins == WalkInPlacement::BetweenSlots,
            pace: DurationPrior {
                pace: history.durations.pace.clone(),
                ..DurationPrior::default()
            },
            session_minute: minutes_between(queue.session_start, queue.now),
            late,
        }
    }

    /// When the doctor reaches each token (if its patient is there), in line order.
    pub(crate) fn reach_times(&mut self) -> Vec<Reach> {
        let (mut work, mut own, mut bernoulli, mut floor) = (0.0, 0.0, 0.0, 0.0_f64);
        let mut guess = 0.0;
        let mut settled = [0.0; 2];
        // Absent booked tokens in line order; those from `run_start` on come after the last
        // present token (the current run).
        let mut passed: Vec<Passed> = Vec::new();
        let mut run_start = 0;
        let mut closed: VecDeque<Closed> = VecDeque::new();
        let mut reaches = Vec::with_capacity(self.entries.len());
        for k in 0..self.entries.len() {
            let (entry, speed) = self.entries[k];
            // Read at the doctor's pace when the line reaches this token (about when the one
            // before it was reached).
            let speed = speed.paced(self.pace.pace_at(self.session_minute + floor));
            let m = speed.mean();
            // A late return lands ahead while the token has `reinsert_after` waiting ahead:
            // until the one that far ahead is called, about `reinsert_after · m` before it.
            // Counting arrivals by that expected instant overstates them (the count is
            // concave in time, and the instant is uncertain); ending the window a further
            // mean residual consult earlier offsets that (measured on the simulator).
            let behind = self.reinsert_after as f64 * m + speed.residual();
            // Passed-over tokens whose reach is long gone can now only come back late.
            while let Some(run) = closed.front().filter(|c| c.reach < floor - behind) {
                for member in &passed[run.from..run.to] {
                    self.late.enter(member.group);
                }
                settled[0] -= run.sum[0];
                settled[1] -= run.sum[1];
                closed.pop_front();
            }
            // How uncertain the token's start is before counting who comes ahead: arrivals
            // are counted before that uncertain instant.
            let known = self.first.rest + work;
            let blur =
                self.first.variance + own + bernoulli + known * known * speed.speed_variance();
            let (emergencies, walk_ins_until) = self.ahead[k];
            let shape = Shape {
                base: self.first.wait + self.first.rest + work,
                m,
                behind,
                blur,
                settled,
                emergencies,
                walk_ins_until,
            };
            let run = &passed[run_start..];
            let (s, extra) = self.solve(shape, floor, guess, run);
            guess = extra.mean;
            let busy = known + m * extra.mean;
            let variance = self.first.variance
                + own
                + extra.mean * speed.own_variance()
                + bernoulli
                + m * m * extra.variance
                + busy * busy * speed.speed_variance();
            reaches.push(Reach { mean: s, variance });
            floor = s;
            match entry {
                Entry::Present => {
                    if run_start < passed.len() {
                        // The run is passed over when this token is called: each member was
                        // seen first with its chance of being served in the first-gap model,
                        // or, when walk-ins fill the gaps, of having come by its own reach.
                        let sum = if self.gaps_filled {
                            let (count, variance, _) = in_turn(run, f64::NEG_INFINITY, blur);
                            [count, variance]
                        } else {
                            let (x, mut sum, mut chain) = (extra.free, [0.0; 2], 1.0);
                            for (i, member) in run.iter().enumerate() {
                                chain *= member.absent.by(x + i as f64 * m, blur).0;
                                sum[0] += chain;
                                sum[1] += chain * (1.0 - chain);
                                if chain < 1e-6 {
                                    break;
                                }
                            }
                            sum
                        };
                        settled[0] += sum[0];
                        settled[1] += sum[1];
                        let to = passed.len();
                        closed.push_back(Closed {
                            reach: s,
                            from: run_start,
                            to,
                            sum,
                        });
                        run_start = to;
                    }
                    let f = self.kind_factors[k];
                    work += f * m;
                    own += f * f * speed.own_variance();
                }
                Entry::Untimed(p) => {
                    let f = self.kind_factors[k];
                    work += p * f * m;
                    own += p * f * f * speed.own_variance();
                    bernoulli += m * m * p * (1.0 - p);
                }
                Entry::Timed(absent, group) => passed.push(Passed {
                    group,
                    absent,
                    reach: s,
                }),
            }
        }
        reaches
    }

    /// The smallest `s >= max(base, floor)` with `s = base + m · extra_ahead(s)` (to
    /// `TOLERANCE`), and what is ahead then. It starts from `guess` (the previous token's
    /// extra patients, which change slowly along the line) and takes Newton steps from
    /// below, falling back on regula falsi once a step overshoots.
    fn solve(&self, shape: Shape, floor: f64, guess: f64, run: &[Passed]) -> (f64, Extra) {
        let Shape { base, m, .. } = shape;
        let at = |s: f64| {
            let extra = self.extra_ahead(s, shape, run);
            (base + m * extra.mean - s, extra)
        };
        let start = base.max(floor);
        let mut low = (base + m * guess).max(start);
        let (mut low_gap, mut low_extra) = at(low);
        let mut high: Option<(f64, f64)> = None;
        if low_gap < -TOLERANCE && low > start {
            high = Some((low, low_gap));
            low = start;
            (low_gap, low_extra) = at(low);
        }
        for _ in 0..STEPS {
            // Also stops on NaN.
            if low_gap.abs().partial_cmp(&TOLERANCE) != Some(std::cmp::Ordering::Greater) {
                break;
            }
            let slope = 1.0 - m * low_extra.density;
            let mut next = low + low_gap / slope.max(0.05);
            if let Some((h, h_gap)) = high.filter(|&(h, _)| next >= h) {
                next = low + low_gap * (h - low) / (low_gap - h_gap);
            }
            let (next_gap, next_extra) = at(next);
            if next_gap >= 0.0 {
                (low, low_gap, low_extra) = (next, next_gap, next_extra);
            } else {
                high = Some((next, next_gap));
            }
        }
        let (s, extra) = match high {
            Some((h, h_gap)) if low_gap > TOLERANCE => {
                let s = low + low_gap * (h - low) / (low_gap - h_gap);
                (s, self.extra_ahead(s, shape, run))
            }
            _ => (low, low_extra),
        };
        if s.is_finite() {
            (s.max(floor), extra)
        } else {
            (floor, extra)
        }
    }

    /// Patients expected ahead of a token on top of the present ones, if it starts at `s`:
    /// passed-over ones (their chance of having been there in time, `settled`, or of
    /// returning by `s − behind`), emergencies, and the absent ones since the last present
    /// token who arrive while the doctor is still busy ([`in_order`]; or who come in turn
    /// when walk-ins fill the gaps, [`in_turn`]).
    fn extra_ahead(&self, s: f64, shape: Shape, run: &[Passed]) -> Extra {
        let Shape {
            base,
            m,
            behind,
            blur,
            settled,
            emergencies,
            walk_ins_until,
        } = shape;
        let mut extra = Extra::default();
        extra.add(settled[0].max(0.0), settled[1].max(0.0), 0.0);
        let (p, variance, density) = self.late.by(s - behind, blur);
        extra.add(p, variance, density);
        // Poisson counts of consultations, each `f` typical ones long, arriving in a window
        // `(from, to)` before the token is reached. The reach is uncertain — its spread
        // before extra patients, and the lumpiness of the counts themselves — so the part of
        // the window before it is taken over that uncertainty: near a window's end the count
        // at the expected reach overstates the expected count.
        let emergency = (
            self.emergency_rate,
            self.emergency_window,
            self.emergency_factor,
        );
        let walk_in = (
            self.walk_in_rate,
            (0.0, walk_ins_until),
            self.walk_in_factor,
        );
        let counted = [(emergencies, emergency), (true, walk_in)].map(|(ahead, counted)| {
            let (rate, _, _) = counted;
            (ahead && rate > 0.0).then_some(counted)
        });
        let lumps: f64 = counted
            .iter()
            .flatten()
            .map(|(rate, (from, to), f)| f * f * rate * (s.min(*to) - from).max(0.0))
            .sum();
        let spread = (blur + m * m * lumps).max(0.0).sqrt();
        for (rate, window, f) in counted.into_iter().flatten() {
            let (length, inside) = clipped(s, spread, window);
            let count = rate * length;
            extra.add(f * count, f * f * count, f * rate * inside);
        }
        // The doctor is done with everyone else at `free`, then serves the run as it comes.
        extra.free = base + m * extra.mean;
        if self.gaps_filled {
            let (served, variance, density) = in_turn(run, s - behind, blur);
            extra.add(served, variance, density);
        } else if !run.is_empty() {
            let (served, variance, density) = in_order(run, extra.free, m, blur);
            extra.add(served, variance, density * m * extra.density);
        }
        extra
    }
}

/// The absent patients of a run (in line order) seen before the token behind them, when the
/// doctor is free for them from `x`: the doctor calls the token behind at the first moment
/// no run patient is waiting, so the `n`-th is seen only if each of the first `n` has
/// arrived by the time the previous one is done (`x + (i − 1)·m`). Expected number seen,
/// its variance, and its derivative in `x`. Arrivals are taken in line order (booked
/// tokens are numbered by appointment time); at most `MAX_RUN` are followed.
fn in_order(run: &[Passed], x: f64, m: f64, blur: f64) -> (f64, f64, f64) {
    let (mut chain, mut slope) = (1.0, 0.0);
    let (mut count, mut second, mut density) = (0.0, 0.0, 0.0);
    for (i, member) in run.iter().take(MAX_RUN).enumerate() {
        let (p, d) = member.absent.by(x + i as f64 * m, blur);
        slope = slope * p + chain * d;
        chain *= p;
        count += chain;
        density += slope;
        // Seen counts are nested (the n-th implies the ones before): E[N²] = Σ (2n − 1)·P(N ≥ n).
        second += (2 * i + 1) as f64 * chain;
        if chain < 1e-6 {
            break;
        }
    }
    (count, (second - count * count).max(0.0), density)
}

/// The absent patients of a run (in line order) seen before the token behind them when
/// walk-ins still to come fill the gaps between booked tokens. The run is then not passed
/// over as one block when the doctor is free: walk-ins arriving between the members'
/// appointments go between them, so the doctor reaches each member in turn, and each is
/// seen first if their patient has come by then (its `reach`), else skipped and, if they
/// come by `back`, put back ahead of the token. Each member is seen before the token if
/// they come by `max(reach, back)`: expected number, its variance (independent members),
/// and its derivative in `back`.
fn in_turn(run: &[Passed], back: f64, blur: f64) -> (f64, f64, f64) {
    let (mut count, mut variance, mut density) = (0.0, 0.0, 0.0);
    for member in run.iter().take(MAX_RUN) {
        let (p, d) = member.absent.by(member.reach.max(back), blur);
        count += p;
        variance += p * (1.0 - p);
        if back > member.reach {
            density += d;
        }
    }
    (count, variance, density)
}

/// How much of the window `(from, to)` passes before an uncertain instant `S ~ N(s,
/// spread²)`: `E[clip(S, from, to)] − from`, and its derivative in `s`, `P(from < S < to)`.
/// A spread of 0 (or an instant that is not finite) is the instant `s` itself.
fn clipped(s: f64, spread: f64, (from, to): (f64, f64)) -> (f64, f64) {
    if to <= from {
        return (0.0, 0.0);
    }
    if !(spread > 1e-9 && s.is_finite()) {
        let inside = if s > from && s < to { 1.0 } else { 0.0 };
        return ((s.min(to) - from).max(0.0), inside);
    }
    // E[(S − c)⁺] = (s − c)·Φ(z) + spread·φ(z), z = (s − c) / spread.
    let above = |c: f64| {
        let (cdf, pdf) = norm_cdf_pdf_fast((s - c) / spread);
        ((s - c) * cdf + spread * pdf, cdf)
    };
    let ((past_from, p_from), (past_to, p_to)) = (above(from), above(to));
    ((past_from - past_to).max(0.0), (p_from - p_to).max(0.0))
}

/// How much a token counts toward the patients present: 1 if here, its chance of coming if
/// absent without a time; absent booked tokens are not counted (most are passed over).
fn present_weight(entry: &Entry) -> f64 {
    match entry {
        Entry::Present => 1.0,
        Entry::Untimed(p) => *p,
        Entry::Timed(..) => 0.0,
    }
}

/// What a token's equation depends on: its base, today's consultation length then, how far
/// ahead of it a late return must land, how uncertain its start is, and the passed-over
/// patients still counted.
#[derive(Clone, Copy)]
struct Shape {
    /// When the doctor would reach the token with nobody extra ahead.
    base: f64,
    m: f64,
    behind: f64,
    /// The variance of the token's start before extra patients are counted.
    blur: f64,
    settled: [f64; 2],
    /// Whether later emergencies go ahead of it.
    emergencies: bool,
    /// Walk-ins still to come go ahead of it if they arrive before this (minutes from now).
    walk_ins_until: f64,
}

/// Expected extra patients ahead, the variance of their number, and its density in time;
/// and when the doctor is free for the current run of absent patients.
#[derive(Default)]
struct Extra {
    mean: f64,
    variance: f64,
    density: f64,
    free: f64,
}

impl Extra {
    fn add(&mut self, mean: f64, variance: f64, density: f64) {
        self.mean += mean;
        self.variance += variance;
        self.density += density;
    }
}

/// Today's emergencies per minute (the history's rate, updated by today's count over the
/// session time passed: gamma–Poisson), and when they can still arrive (minutes from now).
fn emergencies(queue: &QueueSnapshot, history: &DoctorHistory) -> (f64, (f64, f64)) {
    let rates = &history.rates;
    let finite = |x: f64| if x.is_finite() { x.max(0.0) } else { 0.0 };
    let weight = finite(rates.session_hours) + PRIOR_HOURS;
    let start = queue.minutes_until(queue.session_start);
    let end = queue.minutes_until(queue.session_end);
    let passed = (end.min(0.0) - start).max(0.0) / 60.0;
    let seen = f64::from(queue.issued.emergency);
    let per_hour = (finite(rates.emergencies_per_hour) * weight + seen) / (weight + passed);
    ((per_hour / 60.0).min(1.0), (start.max(0.0), end.max(0.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(reaches: &[f64]) -> Vec<Passed> {
        let arrivals = Arrivals::new(&crate::wait::QueueRates {
            no_show_share: 0.2,
            arrival_offset_mean: -10.0,
            arrival_offset_sd: 10.0,
            ..crate::wait::QueueRates::default()
        });
        // Due at 20, 40, 60, ... minutes from now.
        reaches
            .iter()
            .enumerate()
            .map(|(i, &reach)| Passed {
                group: i,
                absent: arrivals.absent(20.0 * (i as f64 + 1.0)),
                reach,
            })
            .collect()
    }

    #[test]
    fn members_of_a_run_are_seen_in_turn_when_the_gaps_are_filled() {
        // Reached well after they are due: each who still comes is seen.
        let late = run(&[100.0, 110.0, 120.0]);
        let comes: Vec<f64> = late.iter().map(|m| m.absent.comes()).collect();
        let expected: f64 = comes.iter().sum();
        let (count, variance, density) = in_turn(&late, f64::NEG_INFINITY, 0.0);
        assert!((count - expected).abs() < 0.01, "{count} {expected}");
        let bernoulli: f64 = comes.iter().map(|p| p * (1.0 - p)).sum();
        assert!((variance - bernoulli).abs() < 0.01, "{variance}");
        assert_eq!(density, 0.0);
        // Reached before they come: not seen then, but seen ahead if they come back before
        // the token's `back`.
        let early = run(&[0.0, 1.0, 2.0]);
        assert!(in_turn(&early, f64::NEG_INFINITY, 0.0).0 < 0.01);
        let (count, _, density) = in_turn(&early, 200.0, 0.0);
        assert!((count - expected).abs() < 0.01, "{count}");
        assert!(density >= 0.0);
        let (count, _, density) = in_turn(&early, 40.0, 0.0);
        assert!((0.8..1.6).contains(&count), "{count}");
        assert!(density > 0.01);
        // The first-gap model passes the whole run over once the first is not there when
        // the doctor is free.
        assert!(in_order(&late, 0.0, 10.0, 0.0).0 < 0.01);
    }

    #[test]
    fn the_window_before_an_uncertain_instant() {
        // A sure instant: the part of the window before it.
        assert_eq!(clipped(50.0, 0.0, (10.0, 100.0)), (40.0, 1.0));
        assert_eq!(clipped(150.0, 0.0, (10.0, 100.0)), (90.0, 0.0));
        assert_eq!(clipped(5.0, 0.0, (10.0, 100.0)), (0.0, 0.0));
        assert_eq!(clipped(f64::NAN, 10.0, (10.0, 100.0)), (90.0, 0.0));
        assert_eq!(clipped(50.0, 10.0, (100.0, 10.0)), (0.0, 0.0));
        // Far inside the window the spread changes nothing.
        let (length, inside) = clipped(50.0, 5.0, (0.0, 100.0));
        assert!((length - 50.0).abs() < 1e-4 && (inside - 1.0).abs() < 1e-4);
        // At the window's end, half the time the instant is past it:
        // E[min(S, end)] = end − spread · φ(0).
        let (length, inside) = clipped(100.0, 10.0, (0.0, 100.0));
        let expected = 100.0 - 10.0 / (2.0 * std::f64::consts::PI).sqrt();
        assert!((length - expected).abs() < 1e-3, "{length}");
        assert!((inside - 0.5).abs() < 1e-4);
        // Well before the window opens, hardly any of it.
        assert!(clipped(-50.0, 5.0, (0.0, 100.0)).0 < 1e-6);
    }
}
