//! What an occupancy means for one slot call: the seats of the doctor, the requested mode and
//! the rooms at `now` (holds count until they expire), and the busy times.

use std::borrow::Cow;
use std::cell::{Cell, OnceCell};

use chrono::{DateTime, Utc};

use super::prepared::{Busy, Claim, PreparedOccupancy, Profile};
use super::step::StepFn;
use crate::availability::compile::{check_instant_up, mode_index};
use crate::{Availability, BusyTime, ConsultationMode, Id, Reservation, Result};

static NOTHING: StepFn = StepFn::empty();

/// Up to how many holds a call applies to a copy of a prepared profile one at a time rather
/// than summing them with its bookings: each costs about a copy of the profile's steps.
const FEW_HOLDS: usize = 8;

/// A resource's seats at one `now`: its bookings and the holds not yet expired.
#[derive(Debug)]
pub(crate) struct Usage<'a> {
    /// Bookings and live holds together.
    all: Cow<'a, StepFn>,
    /// Bookings alone.
    booked: Booked<'a>,
    /// Where the last queries stopped: bookings and holds together, bookings alone.
    hints: [Cell<usize>; 2],
}

/// The bookings of a usage alone, read only to tell a booked slot from a held one.
#[derive(Debug)]
enum Booked<'a> {
    /// No hold is live: the bookings are all the seats taken.
    Same,
    /// A prepared profile's bookings.
    Prepared(&'a StepFn),
    /// Summed from these claims when first read.
    Later(Vec<Claim>, OnceCell<StepFn>),
}

impl<'a> Usage<'a> {
    /// The seats of a prepared profile at `now`: its bookings with the live holds added, or
    /// its bookings with every hold less the expired ones, whichever applies fewer holds. A
    /// few are applied to a copy in place (each a shift of the copy's steps); more are summed
    /// in one pass over the bookings.
    fn new(profile: Option<&'a Profile>, now: DateTime<Utc>) -> Usage<'a> {
        let Some(profile) = profile else {
            return Usage::of(Cow::Borrowed(&NOTHING), Booked::Same);
        };
        let live = profile.holds.iter().filter(|h| h.expires_at > now);
        let expired = profile.holds.iter().filter(|h| h.expires_at <= now);
        let all = match (live.clone().count(), expired.clone().count()) {
            (0, _) => return Usage::of(Cow::Borrowed(&profile.booked), Booked::Same),
            (_, 0) => Cow::Borrowed(&profile.with_holds),
            (live_count, expired_count) if live_count.min(expired_count) <= FEW_HOLDS => {
                // The live holds onto the bookings, or the expired ones out of the bookings
                // with every hold.
                let add = live_count < expired_count;
                let mut all = if add {
                    profile.booked.clone()
                } else {
                    profile.with_holds.clone()
                };
                for h in (profile.holds.iter()).filter(|h| (h.expires_at > now) == add) {
                    all.update(h.start, h.end, h.seats, add);
                }
                Cow::Owned(all)
            }
            _ => {
                let live = StepFn::build(live.map(|h| (h.start, h.end, h.seats)));
                Cow::Owned(profile.booked.sum(&live))
            }
        };
        Usage::of(all, Booked::Prepared(&profile.booked))
    }

    /// The seats of `claims`: bookings, and holds live at the call's `now` (one sort).
    fn of_claims(claims: Vec<Claim>) -> Usage<'static> {
        let all = StepFn::build(claims.iter().map(|c| (c.start, c.end, c.seats)));
        let booked = if claims.iter().any(|c| c.expires_at.is_some()) {
            Booked::Later(claims, OnceCell::new())
        } else {
            Booked::Same
        };
        Usage::of(Cow::Owned(all), booked)
    }

    fn of(all: Cow<'a, StepFn>, booked: Booked<'a>) -> Usage<'a> {
        Usage {
            all,
            booked,
            hints: Default::default(),
        }
    }

    /// The most seats taken by bookings and live holds anywhere in `[from, to)`.
    #[inline]
    pub(crate) fn max_over(&self, from: i64, to: i64) -> u64 {
        self.all.max_over(from, to, &self.hints[0])
    }

    /// The seats taken by bookings and live holds, and where the last query of them
    /// stopped: for a walk that queries them many times.
    #[inline]
    pub(crate) fn taken(&self) -> (&StepFn, &Cell<usize>) {
        (&self.all, &self.hints[0])
    }

    /// The most seats taken by bookings alone anywhere in `[from, to)`.
    pub(crate) fn booked_over(&self, from: i64, to: i64) -> u64 {
        let booked = match &self.booked {
            Booked::Same => &*self.all,
            Booked::Prepared(booked) => booked,
            Booked::Later(claims, built) => built.get_or_init(|| {
                let booked = claims.iter().filter(|c| c.expires_at.is_none());
                StepFn::build(booked.map(|c| (c.start, c.end, c.seats)))
            }),
        };
        booked.max_over(from, to, &self.hints[1])
    }
}

/// An occupancy seen by one doctor booking one mode at `now`.
#[derive(Debug)]
pub(crate) struct Load<'a> {
    /// The rooms and busy times (and every doctor, when prepared by the host).
    prepared: Cow<'a, PreparedOccupancy>,
    /// The reservations as the host gave them (booking limits and restarted grids read
    /// them; the capacity checks read `prepared` and `usages`).
    reservations: &'a [Reservation],
    doctor_id: &'a Id,
    now: DateTime<Utc>,
    /// The host's prepared occupancy, whose doctor's seats are read when first needed.
    host: Option<(&'a PreparedOccupancy, &'a Id, ConsultationMode)>,
    /// The doctor's usage, and the mode's when it differs: made when first read, since a
    /// search passes over many doctors with nothing scheduled where it looks.
    usages: OnceCell<(Usage<'a>, Option<Usage<'a>>)>,
}
/// Whether a reservation counts for `availability`'s doctor: it is theirs, or it takes a
/// room their rules use (another doctor's appointment fills a shared room).
pub(crate) fn counts_for(availability: &Availability, r: &Reservation) -> bool {
    &r.doctor_id == availability.doctor_id()
        || r.room_id
            .as_ref()
            .is_some_and(|room| availability.uses_room(room))
}

impl<'a> Load<'a> {
    /// A prepared occupancy seen by `doctor` booking `mode` at `now`.
    pub(crate) fn new(
        (prepared, reservations): (&'a PreparedOccupancy, &'a [Reservation]),
        doctor: &'a Id,
        mode: ConsultationMode,
        now: DateTime<Utc>,
    ) -> Load<'a> {
        Load {
            prepared: Cow::Borrowed(prepared),
            reservations,
            doctor_id: doctor,
            now,
            host: Some((prepared, doctor, mode)),
            usages: OnceCell::new(),
        }
    }

    /// Checked reservations and busy times as given, seen by `doctor` booking `mode` at
    /// `now`: the doctor's seats summed once from their reservations (expired holds left
    /// out), the rooms and busy times indexed; what one call with a plain occupancy needs.
    /// `all` are the host's reservations as given (read by booking limits and restarted
    /// grids), `reservations` those of them that can touch the call.
    pub(crate) fn given<'o>(
        all: &'a [Reservation],
        reservations: impl Iterator<Item = &'o Reservation> + Clone,
        busy: impl Iterator<Item = &'o BusyTime>,
        doctor: &'a Id,
        mode: ConsultationMode,
        now: DateTime<Utc>,
    ) -> Load<'a> {
        // Room for every reservation: one allocation each, not a doubling per power of two.
        let (mut own, mut own_mode) =
            (Vec::with_capacity(all.len()), Vec::with_capacity(all.len()));
        for r in reservations.clone() {
            if &r.doctor_id != doctor || r.expires_at.is_some_and(|at| at <= now) {
                continue;
            }
            let claim = Claim::of(r);
            own.push(claim);
            if mode_index(r.mode) == mode_index(mode) {
                own_mode.push(claim);
            }
        }
        let in_mode = (own_mode.len() != own.len()).then(|| Usage::of_claims(own_mode));
        Load {
            prepared: Cow::Owned(PreparedOccupancy::rooms_and_busy(reservations, busy)),
            reservations: all,
            doctor_id: doctor,
            now,
            host: None,
            usages: OnceCell::from((Usage::of_claims(own), in_mode)),
        }
    }

    /// The usage of the doctor in all modes, and of the requested mode when it differs
    /// (when some reservation of the doctor is in another mode).
    pub(crate) fn usages(&self) -> &(Usage<'a>, Option<Usage<'a>>) {
        self.usages.get_or_init(|| {
            let Some((prepared, doctor, mode)) = self.host else {
                return (Usage::new(None, self.now), None);
            };
            let own = prepared.doctor(doctor);
            let in_mode = own.and_then(|d| d.modes[mode_index(mode)].as_ref());
            (
                Usage::new(own.map(|d| &d.all), self.now),
                in_mode.map(|m| Usage::new(Some(m), self.now)),
            )
        })
    }

    /// The usage of a room, if any reservation occupies it.
    pub(crate) fn room(&self, room: &Id) -> Option<Usage<'_>> {
        self.prepared
            .room(room)
            .map(|profile| Usage::new(Some(profile), self.now))
    }

    /// The doctor's own reservations that count at `now`: bookings, and holds not expired.
    pub(crate) fn own_reservations(&self) -> impl Iterator<Item = &'a Reservation> + use<'a> {
        let now = self.now;
        let doctor = self.doctor_id;
        self.reservations.iter().filter(move |r| {
            &r.doctor_id == doctor && r.expires_at.is_none_or(|expires| expires > now)
        })
    }

    /// Every reservation that occupies the doctor or `room` at `now` (bookings and holds not
    /// expired): the doctor's own, and other doctors' in that room.
    pub(crate) fn occupying<'r>(
        &self,
        room: Option<&'r Id>,
    ) -> impl Iterator<Item = &'a Reservation> + use<'a, 'r> {
        let now = self.now;
        let doctor = self.doctor_id;
        self.reservations.iter().filter(move |r| {
            (&r.doctor_id == doctor
                || (r.mode == ConsultationMode::InPerson
                    && room.is_some()
                    && r.room_id.as_ref() == room))
                && r.expires_at.is_none_or(|expires| expires > now)
        })
    }

    /// The first instant at or after `at` where a busy time starts (`i64::MAX` if none).
    pub(crate) fn next_busy_start(&self, at: i64) -> i64 {
        let busy: &[Busy] = self.prepared.busy();
        let first = busy.partition_point(|b| b.start < at);
        busy.get(first).map_or(i64::MAX, |b| b.start)
    }

    /// Every busy time, by start.
    pub(crate) fn busy_times(&self) -> &[Busy] {
        self.prepared.busy()
    }

    /// The earliest-starting busy time overlapping `[from, to)`.
    pub(crate) fn busy_over(&self, from: i64, to: i64) -> Option<&Id> {
        let busy: &[Busy] = self.prepared.busy();
        let first = busy.partition_point(|b| b.ends_by <= from);
        busy[first..]
            .iter()
            .take_while(|b| b.start < to)
            .find(|b| b.end > from)
            .map(|b| &b.id)
    }
}

/// Seconds since the epoch of `now`, checked and rounded up (notice counts from it).
pub(crate) fn check_now(now: DateTime<Utc>) -> Result<i64> {
    check_instant_up(|| "now".into(), now)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn lcg(state: &mut u64, below: u64) -> u64 {
        *state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (*state >> 33) % below
    }

    /// The seats taken at `t` by the claims counting at `now`, one by one: the oracle.
    fn taken(claims: &[Claim], now: DateTime<Utc>, booked_only: bool, t: i64) -> u64 {
        (claims.iter())
            .filter(|c| c.start <= t && t < c.end)
            .filter(|c| match c.expires_at {
                None => true,
                Some(at) => !booked_only && at > now,
            })
            .map(|c| u64::from(c.seats))
            .sum()
    }

    #[test]
    fn a_prepared_profile_at_any_now_counts_its_bookings_and_live_holds() {
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let mut seed = 5;
        for _ in 0..60 {
            // Up to 30 holds expiring a minute apart: at the `now`s below, a few or many of
            // them are live or expired, so both ways of applying them are taken.
            let claims: Vec<Claim> = (0..1 + lcg(&mut seed, 40))
                .map(|k| {
                    let start = lcg(&mut seed, 100) as i64;
                    Claim {
                        start,
                        end: start + 1 + lcg(&mut seed, 20) as i64,
                        seats: 1 + lcg(&mut seed, 2) as u32,
                        expires_at: (lcg(&mut seed, 4) > 0)
                            .then(|| t0 + Duration::minutes(k as i64 % 30)),
                    }
                })
                .collect();
            let profile = Profile::build(claims.iter());
            for minutes in [0, 3, 12, 20, 28, 40] {
                let now = t0 + Duration::minutes(minutes);
                let usage = Usage::new(Some(&profile), now);
                for from in -2..125 {
                    let to = from + 1 + lcg(&mut seed, 12) as i64;
                    let most = |booked_only| {
                        (from..to)
                            .map(|t| taken(&claims, now, booked_only, t))
                            .max()
                            .unwrap()
                    };
                    assert_eq!(usage.max_over(from, to), most(false), "{from}..{to}");
                    assert_eq!(usage.booked_over(from, to), most(true), "{from}..{to}");
                }
            }
        }
    }
}
