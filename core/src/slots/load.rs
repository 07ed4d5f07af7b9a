//! How much capacity reservations use over time: step functions built once per request.

use std::cell::{Cell, OnceCell};

use chrono::{DateTime, Utc};

use crate::availability::compile::{
    DAY_MINUTES, check_instant, check_instant_up, check_minutes, check_span, mode_index, seconds_up,
};
use crate::{Availability, ConsultationMode, Error, Id, Occupancy, Problem, Reservation, Result};

/// A piecewise-constant count of seats in use: `levels[i]` holds on `[starts[i], starts[i+1])`.
#[derive(Debug, Default)]
pub(crate) struct StepFn {
    starts: Vec<i64>,
    levels: Vec<u32>,
}

impl StepFn {
    fn build(ranges: impl Iterator<Item = (i64, i64, u32)>) -> StepFn {
        let mut edges: Vec<(i64, i64)> = Vec::new();
        for (s, e, seats) in ranges {
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

    /// The highest level anywhere in `[from, to)`. `hint` remembers where the last query
    /// started, so queries in increasing time cost almost nothing.
    pub(crate) fn max_over(&self, from: i64, to: i64, hint: &Cell<usize>) -> u32 {
        let n = self.starts.len();
        let mut i = hint.get().min(n);
        if i > 0 && self.starts[i - 1] > from {
            i = self.starts.partition_point(|&s| s <= from);
        } else {
            while i < n && self.starts[i] <= from {
                i += 1;
            }
        }
        hint.set(i);
        let mut max = if i == 0 { 0 } else { self.levels[i - 1] };
        for j in i..n {
            if self.starts[j] >= to {
                break;
            }
            max = max.max(self.levels[j]);
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

/// Seats in use: by bookings and holds (`all`), and by bookings alone (built only when a
/// refusal must tell `booked` from `held`).
#[derive(Debug, Default)]
pub(crate) struct Usage {
    claims: Vec<Claim>,
    pub(crate) all: StepFn,
    booked: OnceCell<StepFn>,
}

impl Usage {
    fn build(claims: Vec<Claim>) -> Usage {
        Usage {
            all: StepFn::build(claims.iter().map(|c| (c.start, c.end, c.seats))),
            claims,
            booked: OnceCell::new(),
        }
    }

    pub(crate) fn booked(&self) -> &StepFn {
        self.booked.get_or_init(|| {
            let booked = self.claims.iter().filter(|c| !c.held);
            StepFn::build(booked.map(|c| (c.start, c.end, c.seats)))
        })
    }
}

/// An external busy time.
#[derive(Debug)]
struct Busy {
    start: i64,
    end: i64,
    /// The latest end among this busy time and those starting before it.
    ends_by: i64,
    id: Id,
}

/// A doctor's occupancy turned into usage profiles for one mode at `now`.
#[derive(Debug, Default)]
pub(crate) struct Load {
    pub(crate) doctor: Usage,
    /// The mode's usage, when it differs from the doctor's.
    mode: Option<Usage>,
    pub(crate) rooms: Vec<(Id, Usage)>,
    /// Busy times sorted by start, each with the latest end of it and those before it.
    busy: Vec<Busy>,
}

/// Checks every reservation and busy time, allocating nothing.
fn validate(occupancy: &Occupancy) -> Result<()> {
    for (i, r) in occupancy.reservations.iter().enumerate() {
        let field = |name: &str| format!("reservations[{i}].{name}");
        check_span(field, r.start, r.end)?;
        if r.seats == 0 {
            return Err(Error::invalid(field("seats"), 0, Problem::NotPositive));
        }
        check_minutes(
            || field("buffer_before_minutes"),
            r.buffer_before_minutes,
            0,
            DAY_MINUTES,
        )?;
        check_minutes(
            || field("buffer_after_minutes"),
            r.buffer_after_minutes,
            0,
            DAY_MINUTES,
        )?;
        if let Some(expiry) = r.expires_at {
            check_instant(|| field("expires_at"), expiry)?;
        }
    }
    for (i, b) in occupancy.busy.iter().enumerate() {
        let field = |name: &str| format!("busy[{i}].{name}");
        check_span(field, b.start, b.end)?;
    }
    Ok(())
}

/// Whether a reservation counts for `availability`'s doctor: it is theirs, or it takes a
/// room their rules use (another doctor's appointment fills a shared room).
pub(crate) fn counts_for(availability: &Availability, r: &Reservation) -> bool {
    &r.doctor_id == availability.doctor_id()
        || r.room_id
            .as_ref()
            .is_some_and(|room| availability.uses_room(room))
}

/// Refuses a reservation that cannot count for the doctor asked about (see [`counts_for`]):
/// it would block nothing, as a mistyped doctor id would.
pub(crate) fn refuse_other_doctors(
    availability: &Availability,
    occupancy: &Occupancy,
) -> Result<()> {
    match (occupancy.reservations.iter()).position(|r| !counts_for(availability, r)) {
        None => Ok(()),
        Some(i) => Err(Error::invalid(
            format!("reservations[{i}].doctor_id"),
            &occupancy.reservations[i].doctor_id,
            Problem::Conflicting(format!(
                "the doctor asked about, {}: another doctor's reservation counts only in a \
                 room this doctor's rules use, so this one would block nothing",
                availability.doctor_id()
            )),
        )),
    }
}

impl Load {
    /// Profiles what counts for `doctor` booking `mode` at `now`; `occupancy` is validated.
    fn build(
        occupancy: &Occupancy,
        doctor: &Id,
        mode: ConsultationMode,
        now: DateTime<Utc>,
    ) -> Load {
        let mut own = Vec::new();
        let mut own_mode = Vec::new();
        let mut rooms: Vec<(Id, Vec<Claim>)> = Vec::new();
        for r in &occupancy.reservations {
            let held = match r.expires_at {
                None => false,
                Some(expiry) if expiry > now => true,
                Some(_) => continue,
            };
            let claim = Claim {
                start: r.start.timestamp() - i64::from(r.buffer_before_minutes) * 60,
                end: seconds_up(r.end) + i64::from(r.buffer_after_minutes) * 60,
                seats: r.seats,
                held,
            };
            if &r.doctor_id == doctor {
                own.push(claim);
                if mode_index(r.mode) == mode_index(mode) {
                    own_mode.push(claim);
                }
            }
            if let (Some(room), ConsultationMode::InPerson) = (&r.room_id, r.mode) {
                match rooms.iter_mut().find(|(id, _)| id == room) {
                    Some((_, list)) => list.push(claim),
                    None => rooms.push((room.clone(), vec![claim])),
                }
            }
        }
        let mut busy: Vec<Busy> = occupancy
            .busy
            .iter()
            .map(|b| Busy {
                start: b.start.timestamp(),
                end: seconds_up(b.end),
                ends_by: 0,
                id: b.id.clone(),
            })
            .collect();
        busy.sort_by_key(|b| b.start);
        let mut ends_by = i64::MIN;
        for b in &mut busy {
            ends_by = ends_by.max(b.end);
            b.ends_by = ends_by;
        }
        Load {
            mode: (own_mode.len() != own.len()).then(|| Usage::build(own_mode)),
            doctor: Usage::build(own),
            rooms: rooms
                .into_iter()
                .map(|(id, list)| (id, Usage::build(list)))
                .collect(),
            busy,
        }
    }

    /// The usage of the requested mode.
    pub(crate) fn mode(&self) -> &Usage {
        self.mode.as_ref().unwrap_or(&self.doctor)
    }

    /// The usage of a room, if any reservation occupies it.
    pub(crate) fn room(&self, room: &Id) -> Option<&Usage> {
        self.rooms.iter().find(|(id, _)| id == room).map(|(_, u)| u)
    }

    /// The earliest-starting busy time overlapping `[from, to)`.
    pub(crate) fn busy_over(&self, from: i64, to: i64) -> Option<&Id> {
        let first = self.busy.partition_point(|b| b.ends_by <= from);
        self.busy[first..]
            .iter()
            .take_while(|b| b.start < to)
            .find(|b| b.end > from)
            .map(|b| &b.id)
    }
}

/// A doctor's validated occupancy, profiled on first use: a search across many doctors only
/// pays for the doctors whose slots it actually checks.
pub(crate) struct PendingLoad<'a> {
    occupancy: &'a Occupancy,
    doctor: &'a Id,
    mode: ConsultationMode,
    now: DateTime<Utc>,
    built: OnceCell<Box<Load>>,
}

impl<'a> PendingLoad<'a> {
    /// Validates `occupancy`.
    pub(crate) fn new(
        occupancy: &'a Occupancy,
        doctor: &'a Id,
        mode: ConsultationMode,
        now: DateTime<Utc>,
    ) -> Result<Self> {
        validate(occupancy)?;
        Ok(PendingLoad {
            occupancy,
            doctor,
            mode,
            now,
            built: OnceCell::new(),
        })
    }

    pub(crate) fn get(&self) -> &Load {
        self.built.get_or_init(|| {
            Box::new(Load::build(
                self.occupancy,
                self.doctor,
                self.mode,
                self.now,
            ))
        })
    }
}

/// Seconds since the epoch of `now`, checked and rounded up (notice counts from it).
pub(crate) fn check_now(now: DateTime<Utc>) -> Result<i64> {
    check_instant_up(|| "now".into(), now)
}
