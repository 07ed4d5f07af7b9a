//! One simulated clinic day: the line, minute by minute, with snapshots of it and, once the
//! day is over, the truth about each snapshot (when each waiting token really started).
//!
//! Times are minutes from the session start (09:00 local), as `f64`.

use chrono::{DateTime, TimeDelta, Utc};
use medsched::{
    tokens::TokenKind, wait::Consultation, wait::IssuedCounts, wait::PastDay, wait::QueueSnapshot,
    wait::SkippedToken, wait::WaitingToken,
};

use crate::rng::Rng;
use crate::scenarios::{Moments, Params};

/// Snapshots every this many minutes.
const TICK: f64 = 5.0;
/// The first tick, minutes from the session start.
const FIRST_TICK: f64 = -60.0;
/// Bookings are made between 3 days and 1 hour before the session.
const BOOKING_WINDOW: (f64, f64) = (-3.0 * 24.0 * 60.0, -60.0);

/// A snapshot and, for each waiting token, how long it really waited (`None`: never seen).
pub struct Scored {
    pub queue: QueueSnapshot,
    pub truth: Vec<Option<f64>>,
}

/// What a day leaves: its record for the doctor's history, and its scored snapshots.
pub struct Day {
    pub past: PastDay,
    pub snapshots: Vec<Scored>,
}

/// The doctor of a day: their median and today's factor, as log minutes.
pub struct Doctor {
    pub log_median: f64,
    pub day_log_factor: f64,
}

struct Token {
    number: u32,
    kind: TokenKind,
    slot: Option<f64>,
    present: bool,
    /// When a skipped patient came back.
    returned: Option<f64>,
    start: Option<f64>,
}

#[derive(Clone, Copy)]
enum Arrival {
    Booked(usize),
    WalkIn,
    Emergency,
}

struct Clinic<'a> {
    params: &'a Params,
    doctor: &'a Doctor,
    base: DateTime<Utc>,
    tokens: Vec<Token>,
    line: Vec<usize>,
    skipped: Vec<usize>,
    /// The consult in progress: start, end, patients present and waiting at its start.
    consult: Option<(f64, f64, u32)>,
    completed: Vec<(f64, f64, u32)>,
    issued: IssuedCounts,
    /// Taken snapshots, with the token index of each waiting entry.
    taken: Vec<(QueueSnapshot, Vec<usize>)>,
}

/// Simulates one day starting at `base` (the session start instant).
/// Snapshots are taken at `moments`, or not at all (a history day).
pub fn simulate(
    params: &Params,
    doctor: &Doctor,
    base: DateTime<Utc>,
    moments: Option<Moments>,
    rng: &mut Rng,
) -> Day {
    let mut clinic = Clinic {
        params,
        doctor,
        base,
        tokens: Vec::new(),
        line: Vec::new(),
        skipped: Vec::new(),
        consult: None,
        completed: Vec::new(),
        issued: IssuedCounts::default(),
        taken: Vec::new(),
    };
    let mut arrivals = Vec::new();
    let mut booking_times = Vec::new();
    for b in 0..params.booked {
        let phone = rng.chance(params.phone_share);
        let kind = if phone {
            TokenKind::Phone
        } else {
            TokenKind::Booked
        };
        let slot = f64::from(b) * params.slot_minutes;
        clinic.tokens.push(Token {
            number: b + 1,
            kind,
            slot: Some(slot),
            present: false,
            returned: None,
            start: None,
        });
        if phone {
            clinic.issued.phone += 1;
        } else {
            clinic.issued.booked += 1;
        }
        let offset = params.arrival_offset_mean + params.arrival_offset_sd * rng.normal();
        if !rng.chance(params.no_show) {
            arrivals.push((
                (slot + offset).max(params.earliest_arrival),
                Arrival::Booked(b as usize),
            ));
        }
        let (from, to) = BOOKING_WINDOW;
        booking_times.push(from + (to - from) * rng.uniform());
    }
    let walk_ins = rng.poisson_times(
        params.walk_ins_per_hour,
        params.walk_ins_from,
        params.walk_ins_until,
    );
    arrivals.extend(walk_ins.into_iter().map(|t| (t, Arrival::WalkIn)));
    let emergencies = rng.poisson_times(params.emergencies_per_hour, 0.0, params.session_minutes);
    arrivals.extend(emergencies.into_iter().map(|t| (t, Arrival::Emergency)));
    arrivals.sort_by(|a, b| a.0.total_cmp(&b.0));
    clinic.line = (0..clinic.tokens.len()).collect();
    if moments == Some(Moments::PreSession) {
        clinic.booking_snapshots(&booking_times);
    }
    let scored = |t: f64| match moments {
        Some(Moments::InSession) => t >= 0.0,
        Some(Moments::PreSession) => t < 0.0,
        None => false,
    };

    let mut next = arrivals.iter().peekable();
    let mut tick = FIRST_TICK;
    let mut checked_in = Vec::new();
    loop {
        let end = clinic.consult.map_or(f64::INFINITY, |c| c.1);
        let arrival = next.peek().map_or(f64::INFINITY, |a| a.0);
        let t = end.min(arrival).min(tick);
        if t >= params.session_minutes && clinic.consult.is_none() && !clinic.anyone_present() {
            break;
        }
        if end <= arrival && end <= tick {
            clinic.completed.extend(clinic.consult.take());
            clinic.call(end, rng);
        } else if arrival <= tick {
            let Some(&(t, who)) = next.next() else { break };
            if let Arrival::Booked(b) = who {
                checked_in.push((b, t));
            }
            clinic.arrive(t, who);
            clinic.call(t, rng);
            if scored(t) {
                clinic.snapshot(t);
            }
        } else {
            clinic.call(tick, rng);
            if scored(tick) {
                clinic.snapshot(tick);
            }
            tick += TICK;
        }
    }
    clinic.finish_day(&checked_in)
}

impl Clinic<'_> {
    fn at(&self, t: f64) -> DateTime<Utc> {
        self.base + TimeDelta::milliseconds((t * 60_000.0).round() as i64)
    }

    fn anyone_present(&self) -> bool {
        self.line.iter().any(|&i| self.tokens[i].present)
    }

    fn arrive(&mut self, t: f64, who: Arrival) {
        let number = self.tokens.len() as u32 + 1;
        match who {
            Arrival::Booked(b) => {
                self.tokens[b].present = true;
                if let Some(k) = self.skipped.iter().position(|&i| i == b) {
                    self.skipped.remove(k);
                    let at = self.params.reinsert_after.min(self.line.len());
                    self.line.insert(at, b);
                    self.issued.reinserted += 1;
                    self.tokens[b].returned = Some(t);
                }
            }
            Arrival::WalkIn => {
                self.tokens.push(Token {
                    number,
                    kind: TokenKind::WalkIn,
                    slot: None,
                    present: true,
                    returned: None,
                    start: None,
                });
                self.line.push(self.tokens.len() - 1);
                self.issued.walk_in += 1;
            }
            Arrival::Emergency => {
                self.tokens.push(Token {
                    number,
                    kind: TokenKind::Emergency,
                    slot: None,
                    present: true,
                    returned: None,
                    start: None,
                });
                let head = self
                    .line
                    .iter()
                    .take_while(|&&i| self.tokens[i].kind == TokenKind::Emergency)
                    .count();
                self.line.insert(head, self.tokens.len() - 1);
                self.issued.emergency += 1;
            }
        }
    }

    /// The doctor, if free and the session has begun, calls the first present token,
    /// skipping the absent ones before it.
    fn call(&mut self, t: f64, rng: &mut Rng) {
        if self.consult.is_some() || t < 0.0 {
            return;
        }
        let Some(p) = self.line.iter().position(|&i| self.tokens[i].present) else {
            return;
        };
        self.skipped.extend(self.line.drain(..p));
        let i = self.line.remove(0);
        self.tokens[i].start = Some(t);
        let present = self
            .line
            .iter()
            .filter(|&&i| self.tokens[i].present)
            .count();
        let p = self.params;
        let load =
            (1.0 - p.load_step * present.saturating_sub(p.load_free) as f64).max(p.load_floor);
        let log = self.doctor.log_median + self.doctor.day_log_factor + p.log_sd * rng.normal();
        self.consult = Some((t, t + log.exp() * load, present as u32));
    }

    fn snapshot(&mut self, t: f64) {
        let mut queue = QueueSnapshot::new(
            self.at(t),
            self.at(0.0),
            self.at(self.params.session_minutes),
        );
        queue.consulting_since = self.consult.map(|c| self.at(c.0));
        queue.waiting = self.line.iter().map(|&i| self.waiting_token(i)).collect();
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
            .map(|&(s, e, waiting)| Consultation {
                started_at: self.at(s),
                ended_at: self.at(e),
                waiting_at_start: Some(waiting),
            })
            .collect();
        queue.issued = self.issued;
        queue.reinsert_after = self.params.reinsert_after as u32;
        self.taken.push((queue, self.line.clone()));
    }

    fn waiting_token(&self, i: usize) -> WaitingToken {
        let token = &self.tokens[i];
        WaitingToken {
            number: token.number,
            kind: token.kind,
            expected_at: token.slot.map(|s| self.at(s)),
            present: token.present,
        }
    }

    /// Snapshots at booking times: the tokens booked so far, nobody there yet.
    fn booking_snapshots(&mut self, booking_times: &[f64]) {
        for &t in booking_times {
            let booked: Vec<usize> = (0..booking_times.len())
                .filter(|&b| booking_times[b] <= t)
                .collect();
            let mut queue = QueueSnapshot::new(
                self.at(t),
                self.at(0.0),
                self.at(self.params.session_minutes),
            );
            queue.waiting = booked.iter().map(|&b| self.waiting_token(b)).collect();
            for token in &queue.waiting {
                match token.kind {
                    TokenKind::Phone => queue.issued.phone += 1,
                    _ => queue.issued.booked += 1,
                }
            }
            queue.reinsert_after = self.params.reinsert_after as u32;
            self.taken.push((queue, booked));
        }
    }

    fn finish_day(self, checked_in: &[(usize, f64)]) -> Day {
        let past = PastDay {
            durations: self.completed.iter().map(|(s, e, _)| e - s).collect(),
            waiting_at_start: self.completed.iter().map(|c| c.2).collect(),
            booked: self.params.booked,
            no_shows: self.params.booked - checked_in.len() as u32,
            emergencies: self.issued.emergency,
            session_minutes: self.params.session_minutes,
            arrival_offsets: checked_in
                .iter()
                .map(|&(b, t)| t - self.tokens[b].slot.unwrap_or(t))
                .collect(),
            return_waits: self
                .tokens
                .iter()
                .filter_map(|t| Some(t.start? - t.returned?))
                .collect(),
        };
        let base = self.base;
        let snapshots = self
            .taken
            .into_iter()
            .map(|(queue, line)| {
                let now = (queue.now - base).num_milliseconds() as f64 / 60_000.0;
                let truth = line
                    .iter()
                    .map(|&i| self.tokens[i].start.map(|s| s - now))
                    .collect();
                Scored { queue, truth }
            })
            .collect();
        Day { past, snapshots }
    }
}
