//! How much capacity reservations use over time: step functions built once per request.

use chrono::{DateTime, Utc};

use crate::availability::compile::{check_instant, mode_index};
use crate::{ConsultationMode, Error, Id, Occupancy, Problem, Result};

/// A piecewise-constant count of seats in use: `levels[i]` holds on `[starts[i], starts[i+1])`.
#[derive(Debug, Default)]
pub(crate) struct StepFn {
    starts: Vec<i64>,
    levels: Vec<u32>,
}

impl StepFn {
    fn build(mut ranges: Vec<(i64, i64, u32)>) -> StepFn {
        let mut edges: Vec<(i64, i64)> = Vec::with_capacity(ranges.len() * 2);
        for (s, e, seats) in ranges.drain(..) {
            edges.push((s, i64::from(seats)));
            edges.push((e, -i64::from(seats)));
        }
        edges.sort_unstable();
        let mut f = StepFn::default();
        let mut level = 0i64;
        for (t, delta) in edges {
            level += delta;
            let value = u32::try_from(level).unwrap_or(u32::MAX);
            if f.starts.last() == Some(&t) {
                if let Some(last) = f.levels.last_mut() {
                    *last = value;
                }
            } else {
                f.starts.push(t);
                f.levels.push(value);
            }
        }
        f
    }

    /// The highest level anywhere in `[from, to)`.
    pub(crate) fn max_over(&self, from: i64, to: i64) -> u32 {
        let first = self.starts.partition_point(|&s| s <= from);
        let mut max = if first == 0 {
            0
        } else {
            self.levels[first - 1]
        };
        for i in first..self.starts.len() {
            if self.starts[i] >= to {
                break;
            }
            max = max.max(self.levels[i]);
        }
        max
    }
}

/// Seats a reservation uses over its range (buffers included).
#[derive(Debug, Clone, Copy)]
struct Claim {
    start: i64,
    end: i64,
    seats: u32,
    held: bool,
}

/// Booked seats and booked-plus-held seats.
#[derive(Debug, Default)]
pub(crate) struct Usage {
    pub(crate) booked: StepFn,
    pub(crate) all: StepFn,
}

impl Usage {
    fn build(claims: Vec<Claim>) -> Usage {
        let range = |c: &Claim| (c.start, c.end, c.seats);
        Usage {
            booked: StepFn::build(claims.iter().filter(|c| !c.held).map(range).collect()),
            all: StepFn::build(claims.iter().map(range).collect()),
        }
    }
}

/// A doctor's occupancy, validated and turned into usage profiles for one mode at `now`.
#[derive(Debug, Default)]
pub(crate) struct Load {
    pub(crate) doctor: Usage,
    pub(crate) mode: Usage,
    pub(crate) rooms: Vec<(Id, Usage)>,
    /// Busy times merged into disjoint ranges, sorted, each with the first busy id.
    pub(crate) busy: Vec<(i64, i64, Id)>,
}

fn minutes(field: impl FnOnce() -> String, value: u32) -> Result<i64> {
    if value > 24 * 60 {
        return Err(Error::invalid(
            field(),
            value,
            Problem::OutOfRange("at most 1440 minutes".into()),
        ));
    }
    Ok(i64::from(value) * 60)
}

impl Load {
    /// Validates `occupancy` and profiles what counts for `doctor` booking `mode` at `now`.
    pub(crate) fn new(
        occupancy: &Occupancy,
        doctor: &Id,
        mode: ConsultationMode,
        now: i64,
    ) -> Result<Load> {
        let mut own = Vec::new();
        let mut own_mode = Vec::new();
        let mut rooms: Vec<(Id, Vec<Claim>)> = Vec::new();
        for (i, r) in occupancy.reservations.iter().enumerate() {
            let field = |name: &str| format!("reservations[{i}].{name}");
            let start = check_instant(|| field("start"), r.start)?;
            let end = check_instant(|| field("end"), r.end)?;
            if end <= start {
                return Err(Error::invalid(
                    field("end"),
                    r.end.to_rfc3339(),
                    Problem::EndNotAfterStart,
                ));
            }
            if r.seats == 0 {
                return Err(Error::invalid(field("seats"), 0, Problem::NotPositive));
            }
            let before = minutes(|| field("buffer_before_minutes"), r.buffer_before_minutes)?;
            let after = minutes(|| field("buffer_after_minutes"), r.buffer_after_minutes)?;
            let held = match r.expires_at {
                None => false,
                Some(expiry) => {
                    if check_instant(|| field("expires_at"), expiry)? <= now {
                        continue;
                    }
                    true
                }
            };
            let range = Claim {
                start: start - before,
                end: end + after,
                seats: r.seats,
                held,
            };
            if &r.doctor_id == doctor {
                own.push(range);
                if mode_index(r.mode) == mode_index(mode) {
                    own_mode.push(range);
                }
            }
            if let (Some(room), ConsultationMode::InPerson) = (&r.room_id, r.mode) {
                match rooms.iter_mut().find(|(id, _)| id == room) {
                    Some((_, list)) => list.push(range),
                    None => rooms.push((room.clone(), vec![range])),
                }
            }
        }
        let mut busy = Vec::with_capacity(occupancy.busy.len());
        for (i, b) in occupancy.busy.iter().enumerate() {
            let field = |name: &str| format!("busy[{i}].{name}");
            let start = check_instant(|| field("start"), b.start)?;
            let end = check_instant(|| field("end"), b.end)?;
            if end <= start {
                return Err(Error::invalid(
                    field("end"),
                    b.end.to_rfc3339(),
                    Problem::EndNotAfterStart,
                ));
            }
            busy.push((start, end, b.id.clone()));
        }
        busy.sort_by_key(|b| (b.0, b.1));
        let mut merged: Vec<(i64, i64, Id)> = Vec::with_capacity(busy.len());
        for (s, e, id) in busy {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e, id)),
            }
        }
        Ok(Load {
            doctor: Usage::build(own),
            mode: Usage::build(own_mode),
            rooms: rooms
                .into_iter()
                .map(|(id, list)| (id, Usage::build(list)))
                .collect(),
            busy: merged,
        })
    }

    /// The usage of a room, if any reservation occupies it.
    pub(crate) fn room(&self, room: &Id) -> Option<&Usage> {
        self.rooms.iter().find(|(id, _)| id == room).map(|(_, u)| u)
    }

    /// The first busy time overlapping `[from, to)`.
    pub(crate) fn busy_over(&self, from: i64, to: i64) -> Option<&Id> {
        let i = self.busy.partition_point(|b| b.1 <= from);
        self.busy.get(i).filter(|b| b.0 < to).map(|b| &b.2)
    }
}

/// Seconds since the epoch of `now`, checked.
pub(crate) fn check_now(now: DateTime<Utc>) -> Result<i64> {
    check_instant(|| "now".into(), now)
}
