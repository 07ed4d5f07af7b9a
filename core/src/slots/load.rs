//! What a prepared occupancy means for one slot call: the holds still live at `now`, for the
//! doctor, the requested mode and the rooms.

use std::cell::Cell;

use chrono::{DateTime, Utc};

use super::prepared::{Busy, PreparedOccupancy, Profile};
use super::step::StepFn;
use crate::availability::compile::{check_instant_up, mode_index};
use crate::{Availability, ConsultationMode, Id, Reservation, Result};

static NOTHING: StepFn = StepFn::empty();

/// A resource's seats at one `now`: its bookings and the holds not yet expired.
#[derive(Debug)]
pub(crate) struct Usage<'a> {
    booked: &'a StepFn,
    /// Bookings and live holds together, when some hold is live.
    with_holds: Option<StepFn>,
    /// Where the last queries stopped: bookings and holds together, bookings alone.
    hints: [Cell<usize>; 2],
}

impl<'a> Usage<'a> {
    fn new(profile: Option<&'a Profile>, now: DateTime<Utc>) -> Usage<'a> {
        let Some(profile) = profile else {
            return Usage {
                booked: &NOTHING,
                with_holds: None,
                hints: Default::default(),
            };
        };
        let live = profile.holds.iter().filter(|h| h.expires_at > now);
        let live = StepFn::build(live.map(|h| (h.start, h.end, h.seats)));
        Usage {
            booked: &profile.booked,
            with_holds: (!live.is_empty()).then(|| profile.booked.sum(&live)),
            hints: Default::default(),
        }
    }

    /// The most seats taken by bookings and live holds anywhere in `[from, to)`.
    #[inline]
    pub(crate) fn max_over(&self, from: i64, to: i64) -> u64 {
        let all = self.with_holds.as_ref().unwrap_or(self.booked);
        all.max_over(from, to, &self.hints[0])
    }

    /// The most seats taken by bookings alone anywhere in `[from, to)`.
    pub(crate) fn booked_over(&self, from: i64, to: i64) -> u64 {
        self.booked.max_over(from, to, &self.hints[1])
    }
}

/// A prepared occupancy seen by one doctor booking one mode at `now`.
#[derive(Debug)]
pub(crate) struct Load<'a> {
    prepared: &'a PreparedOccupancy,
    /// The reservations as the host gave them (booking limits and restarted grids read
    /// them; the capacity checks read `prepared`).
    reservations: &'a [Reservation],
    doctor_id: Id,
    now: DateTime<Utc>,
    pub(crate) doctor: Usage<'a>,
    /// The mode's usage, when it differs from the doctor's.
    mode: Option<Usage<'a>>,
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
    pub(crate) fn new(
        (prepared, reservations): (&'a PreparedOccupancy, &'a [Reservation]),
        doctor: &Id,
        mode: ConsultationMode,
        now: DateTime<Utc>,
    ) -> Load<'a> {
        let own = prepared.doctor(doctor);
        let in_mode = own.and_then(|d| d.modes[mode_index(mode)].as_ref());
        Load {
            prepared,
            reservations,
            doctor_id: doctor.clone(),
            now,
            doctor: Usage::new(own.map(|d| &d.all), now),
            mode: in_mode.map(|m| Usage::new(Some(m), now)),
        }
    }

    /// The usage of the requested mode.
    pub(crate) fn mode(&self) -> &Usage<'a> {
        self.mode.as_ref().unwrap_or(&self.doctor)
    }

    /// Whether the mode's usage is the doctor's (every reservation is in the mode).
    pub(crate) fn mode_is_doctor(&self) -> bool {
        self.mode.is_none()
    }

    /// The usage of a room, if any reservation occupies it.
    pub(crate) fn room(&self, room: &Id) -> Option<Usage<'a>> {
        self.prepared
            .room(room)
            .map(|profile| Usage::new(Some(profile), self.now))
    }

    /// The doctor's own reservations that count at `now`: bookings, and holds not expired.
    pub(crate) fn own_reservations(&self) -> impl Iterator<Item = &'a Reservation> + use<'a> {
        let now = self.now;
        let doctor = self.doctor_id.clone();
        self.reservations.iter().filter(move |r| {
            r.doctor_id == doctor && r.expires_at.is_none_or(|expires| expires > now)
        })
    }

    /// Every reservation that occupies the doctor or `room` at `now` (bookings and holds not
    /// expired): the doctor's own, and other doctors' in that room.
    pub(crate) fn occupying(
        &self,
        room: Option<&'a Id>,
    ) -> impl Iterator<Item = &'a Reservation> + use<'a> {
        let now = self.now;
        let doctor = self.doctor_id.clone();
        self.reservations.iter().filter(move |r| {
            (r.doctor_id == doctor
                || (r.mode == ConsultationMode::InPerson
                    && room.is_some()
                    && r.room_id.as_ref() == room))
                && r.expires_at.is_none_or(|expires| expires > now)
        })
    }

    /// Every busy time, by start.
    pub(crate) fn busy_times(&self) -> &'a [Busy] {
        self.prepared.busy()
    }

    /// The earliest-starting busy time overlapping `[from, to)`.
    pub(crate) fn busy_over(&self, from: i64, to: i64) -> Option<&'a Id> {
        let busy: &'a [Busy] = self.prepared.busy();
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
