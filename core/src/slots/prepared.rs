//! A host's occupancy checked and indexed once, kept current as bookings come and go.

use chrono::{DateTime, Utc};

use super::step::StepFn;
use crate::availability::compile::{
    CompiledClinic, DAY_MINUTES, check_instant, check_minutes, check_span, mode_index, seconds_up,
};
use crate::availability::local_time::DAY;
use crate::{BusyTime, ConsultationMode, Error, Id, Occupancy, Problem, Reservation, Result};

/// The seats one resource (a doctor, a doctor in one mode, a room) has taken over time:
/// bookings as a step function, holds apart (whether a hold counts depends on `now`), and
/// bookings with every hold, for a call made while none has expired yet.
#[derive(Debug, Default, Clone)]
pub(crate) struct Profile {
    pub(crate) booked: StepFn,
    pub(crate) holds: Vec<Hold>,
    /// `booked` with every hold in `holds`.
    pub(crate) with_holds: StepFn,
}

/// A hold: seats taken until it expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hold {
    pub(crate) start: i64,
    pub(crate) end: i64,
    pub(crate) seats: u32,
    pub(crate) expires_at: DateTime<Utc>,
}

impl Profile {
    pub(crate) fn build<'r>(claims: impl Iterator<Item = &'r Claim> + Clone) -> Profile {
        let booked = claims.clone().filter(|c| c.expires_at.is_none());
        let mut profile = Profile {
            booked: StepFn::build(booked.map(|c| (c.start, c.end, c.seats))),
            holds: claims.filter_map(Claim::hold).collect(),
            with_holds: StepFn::empty(),
        };
        profile.with_holds = profile.booked_and_holds();
        profile
    }

    /// `booked` with every hold (nothing when there is no hold).
    fn booked_and_holds(&self) -> StepFn {
        if self.holds.is_empty() {
            return StepFn::empty();
        }
        let holds = StepFn::build(self.holds.iter().map(|h| (h.start, h.end, h.seats)));
        self.booked.sum(&holds)
    }

    fn update(&mut self, claim: &Claim, add: bool) {
        let had_holds = !self.holds.is_empty();
        match claim.hold() {
            None => self.booked.update(claim.start, claim.end, claim.seats, add),
            Some(hold) if add => self.holds.push(hold),
            Some(hold) => match self.holds.iter().position(|h| *h == hold) {
                Some(i) => {
                    self.holds.swap_remove(i);
                }
                None => return,
            },
        }
        if had_holds && !self.holds.is_empty() {
            self.with_holds
                .update(claim.start, claim.end, claim.seats, add);
        } else {
            self.with_holds = self.booked_and_holds();
        }
    }
}

/// The seats a reservation takes (buffers included), in seconds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Claim {
    pub(crate) start: i64,
    pub(crate) end: i64,
    pub(crate) seats: u32,
    pub(crate) expires_at: Option<DateTime<Utc>>,
}

impl Claim {
    pub(crate) fn of(r: &Reservation) -> Claim {
        Claim {
            start: r.start.timestamp() - i64::from(r.buffer_before_minutes) * 60,
            end: seconds_up(r.end) + i64::from(r.buffer_after_minutes) * 60,
            seats: r.seats,
            expires_at: r.expires_at,
        }
    }

    fn hold(&self) -> Option<Hold> {
        self.expires_at.map(|expires_at| Hold {
            start: self.start,
            end: self.end,
            seats: self.seats,
            expires_at,
        })
    }
}

/// One doctor's seats: in all modes, and in each mode (`None` when every reservation of the
/// doctor is in that mode, so that its seats are those of all modes).
#[derive(Debug, Clone)]
pub(crate) struct DoctorUse {
    pub(crate) id: Id,
    pub(crate) all: Profile,
    pub(crate) modes: [Option<Profile>; 3],
}

/// The checked reservations and busy times a search examines of a doctor's occupancy.
pub(crate) type Near<'o> = (Vec<&'o Reservation>, Vec<&'o BusyTime>);

/// An external busy time, in seconds.
#[derive(Debug, Clone)]
pub(crate) struct Busy {
    pub(crate) start: i64,
    pub(crate) end: i64,
    /// The latest end among this busy time and those starting before it.
    pub(crate) ends_by: i64,
    pub(crate) id: Id,
}

/// An [`Occupancy`] checked once and indexed for slot generation: each doctor's seats (in
/// all modes and per mode), each room's seats and the busy times, as step functions over
/// time.
///
/// [`Availability::slots`](crate::Availability::slots) prepares the occupancy it is given on
/// every call (checking and sorting every reservation); a host that searches the same
/// bookings more than once (a day book kept in memory, a FastAPI worker serving a doctor's
/// week) prepares them once and passes this to
/// [`Availability::slot_set`](crate::Availability::slot_set) and
/// [`first_available_prepared`](crate::first_available_prepared). It is kept current
/// reservation by reservation ([`insert_reservation`](Self::insert_reservation),
/// [`remove_reservation`](Self::remove_reservation)) without sorting again. Holds stay apart
/// from bookings, so one prepared occupancy serves any `now`: a hold counts while it has not
/// expired.
///
/// # Example
///
/// ```
/// use medsched::{Occupancy, PreparedOccupancy, Reservation};
/// use chrono::{DateTime, Utc};
///
/// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
/// let booked = Reservation::new("appt-1", "dr-lee", t("2026-03-03T09:00:00Z"), t("2026-03-03T09:30:00Z"));
/// let mut prepared = PreparedOccupancy::new(Occupancy { reservations: vec![booked], busy: vec![] })?;
/// let later = Reservation::new("appt-2", "dr-lee", t("2026-03-03T10:00:00Z"), t("2026-03-03T10:30:00Z"));
/// prepared.insert_reservation(later)?;
/// assert_eq!(prepared.occupancy().reservations.len(), 2);
/// assert!(prepared.remove_reservation("appt-1").is_some());
/// // A reservation that ends before it starts is refused, naming the field.
/// let bad = Reservation::new("appt-3", "dr-lee", t("2026-03-03T11:00:00Z"), t("2026-03-03T10:00:00Z"));
/// let err = prepared.insert_reservation(bad).unwrap_err();
/// assert!(err.to_string().contains("reservation.end"));
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct PreparedOccupancy {
    occupancy: Occupancy,
    /// By doctor id.
    doctors: Vec<DoctorUse>,
    /// In-person reservations with a room, by room id.
    rooms: Vec<(Id, Profile)>,
    /// By start, each with the latest end of it and those before it.
    busy: Vec<Busy>,
}

/// Checks a reservation; `field` names its fields.
fn check_reservation(field: impl Fn(&str) -> String, r: &Reservation) -> Result<()> {
    check_span(&field, r.start, r.end)?;
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
    Ok(())
}

/// Refuses a reservation of a doctor the clinic's roster does not name.
fn check_on_roster(clinic: &CompiledClinic, i: usize, r: &Reservation) -> Result<()> {
    if clinic.knows_doctor(&r.doctor_id) {
        return Ok(());
    }
    Err(Error::invalid(
        format!("reservations[{i}].doctor_id"),
        &r.doctor_id,
        Problem::UnknownReference,
    ))
}

fn check_busy(field: impl Fn(&str) -> String, b: &BusyTime) -> Result<()> {
    check_span(field, b.start, b.end).map(|_| ())
}

impl PreparedOccupancy {
    /// Checks every reservation and busy time of `occupancy` and indexes them.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] naming the first bad field, e.g. `reservations[3].end`.
    pub fn new(occupancy: Occupancy) -> Result<PreparedOccupancy> {
        PreparedOccupancy::check(&occupancy)?;
        let mut prepared =
            PreparedOccupancy::index(occupancy.reservations.iter(), occupancy.busy.iter(), true);
        prepared.occupancy = occupancy;
        Ok(prepared)
    }

    /// Indexes the rooms and busy times of checked reservations and busy times, not the
    /// doctors: what a call with a plain occupancy needs besides its doctor's seats.
    pub(crate) fn rooms_and_busy<'r>(
        reservations: impl Iterator<Item = &'r Reservation>,
        busy: impl Iterator<Item = &'r BusyTime>,
    ) -> PreparedOccupancy {
        PreparedOccupancy::index(reservations, busy, false)
    }

    /// Checks every reservation and busy time of `occupancy` (as [`new`](Self::new)), and
    /// every reservation's doctor against the clinic's roster: what one
    /// [`Availability::slots`](crate::Availability::slots) call needs.
    pub(crate) fn check_with_roster(occupancy: &Occupancy, clinic: &CompiledClinic) -> Result<()> {
        PreparedOccupancy::check(occupancy)?;
        for (i, r) in occupancy.reservations.iter().enumerate() {
            check_on_roster(clinic, i, r)?;
        }
        Ok(())
    }

    /// Checks every reservation and busy time of `occupancy` (as [`new`](Self::new)).
    fn check(occupancy: &Occupancy) -> Result<()> {
        for (i, r) in occupancy.reservations.iter().enumerate() {
            check_reservation(|name| format!("reservations[{i}].{name}"), r)?;
        }
        for (i, b) in occupancy.busy.iter().enumerate() {
            check_busy(|name| format!("busy[{i}].{name}"), b)?;
        }
        Ok(())
    }

    /// The reservations (of a doctor, or with a room) and busy times of `occupancy` that can
    /// touch slots starting in `[from, to)` (seconds), checked: what a search across many
    /// doctors examines of a doctor's occupancy. Every reservation's doctor is checked against
    /// the clinic's roster (the doctor's own pass without a look-up).
    pub(crate) fn near<'o>(
        occupancy: &'o Occupancy,
        doctor: &Id,
        from: i64,
        to: i64,
        clinic: &CompiledClinic,
    ) -> Result<Near<'o>> {
        // Buffers are at most a day each side and a slot at most a day long.
        let (lo, hi) = (from.saturating_sub(3 * DAY), to.saturating_add(3 * DAY));
        let near = |start: DateTime<Utc>, end: DateTime<Utc>| {
            end.timestamp() >= lo && start.timestamp() < hi
        };
        let mut reservations = Vec::new();
        for (i, r) in occupancy.reservations.iter().enumerate() {
            // The doctor's own reservations need no look-up: a calendar compiles only
            // against a roster that names its doctor.
            let own = &r.doctor_id == doctor;
            if !own {
                check_on_roster(clinic, i, r)?;
            }
            let touches = (own || r.room_id.is_some()) && near(r.start, r.end);
            if touches {
                check_reservation(|name| format!("reservations[{i}].{name}"), r)?;
                reservations.push(r);
            }
        }
        let mut busy = Vec::new();
        for (i, b) in occupancy.busy.iter().enumerate() {
            if near(b.start, b.end) {
                check_busy(|name| format!("busy[{i}].{name}"), b)?;
                busy.push(b);
            }
        }
        Ok((reservations, busy))
    }

    /// Checks the doctor of every reservation against the clinic's roster, if it declared
    /// one: a reservation of a doctor not on it is refused (the first of the first such
    /// doctor by id).
    pub(crate) fn check_roster(&self, clinic: &CompiledClinic) -> Result<()> {
        if clinic.roster.is_none() {
            return Ok(());
        }
        for doctor in self.doctors.iter().filter(|d| !clinic.knows_doctor(&d.id)) {
            let mut reservations = self.occupancy.reservations.iter().enumerate();
            if let Some((i, r)) = reservations.find(|(_, r)| r.doctor_id == doctor.id) {
                return check_on_roster(clinic, i, r);
            }
        }
        Ok(())
    }

    /// Indexes checked reservations and busy times: the rooms and busy times, and the
    /// doctors when `doctors` is true.
    fn index<'r>(
        reservations: impl Iterator<Item = &'r Reservation>,
        busy: impl Iterator<Item = &'r BusyTime>,
        doctors: bool,
    ) -> PreparedOccupancy {
        let mut by_doctor: Vec<(&Id, ConsultationMode, Claim)> = Vec::new();
        let mut by_room: Vec<(&Id, Claim)> = Vec::new();
        for r in reservations {
            let room = match (&r.room_id, r.mode) {
                (Some(room), ConsultationMode::InPerson) => Some(room),
                _ => None,
            };
            if !doctors && room.is_none() {
                continue;
            }
            let claim = Claim::of(r);
            if doctors {
                by_doctor.push((&r.doctor_id, r.mode, claim));
            }
            if let Some(room) = room {
                by_room.push((room, claim));
            }
        }
        by_doctor.sort_by(|a, b| a.0.cmp(b.0));
        by_room.sort_by(|a, b| a.0.cmp(b.0));
        let doctors = by_doctor
            .chunk_by(|a, b| a.0 == b.0)
            .map(|group| {
                let claims = group.iter().map(|(_, _, c)| c);
                let in_mode = |m: usize| {
                    let of_mode = group
                        .iter()
                        .filter(move |(_, mode, _)| mode_index(*mode) == m)
                        .map(|(_, _, c)| c);
                    (of_mode.clone().count() != group.len()).then(|| Profile::build(of_mode))
                };
                DoctorUse {
                    id: group[0].0.clone(),
                    all: Profile::build(claims),
                    modes: [in_mode(0), in_mode(1), in_mode(2)],
                }
            })
            .collect();
        let rooms = by_room
            .chunk_by(|a, b| a.0 == b.0)
            .map(|group| {
                (
                    group[0].0.clone(),
                    Profile::build(group.iter().map(|(_, c)| c)),
                )
            })
            .collect();
        let mut prepared = PreparedOccupancy {
            occupancy: Occupancy::default(),
            doctors,
            rooms,
            busy: busy
                .map(|b| Busy {
                    start: b.start.timestamp(),
                    end: seconds_up(b.end),
                    ends_by: 0,
                    id: b.id.clone(),
                })
                .collect(),
        };
        prepared.busy.sort_by_key(|b| b.start);
        prepared.mark_busy_ends();
        prepared
    }

    fn mark_busy_ends(&mut self) {
        let mut ends_by = i64::MIN;
        for b in &mut self.busy {
            ends_by = ends_by.max(b.end);
            b.ends_by = ends_by;
        }
    }

    /// The occupancy as given and updated since.
    pub fn occupancy(&self) -> &Occupancy {
        &self.occupancy
    }

    /// Adds a reservation (a booking, or a hold when it has `expires_at`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] naming the bad field, e.g. `reservation.seats`.
    pub fn insert_reservation(&mut self, reservation: Reservation) -> Result<()> {
        check_reservation(|name| format!("reservation.{name}"), &reservation)?;
        self.apply(&reservation, true);
        self.occupancy.reservations.push(reservation);
        Ok(())
    }

    /// Removes the first reservation with this id, and returns it.
    pub fn remove_reservation(&mut self, id: &str) -> Option<Reservation> {
        let at = self
            .occupancy
            .reservations
            .iter()
            .position(|r| r.id.as_str() == id)?;
        let reservation = self.occupancy.reservations.remove(at);
        self.apply(&reservation, false);
        Some(reservation)
    }

    /// Adds a busy time.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] naming the bad field, e.g. `busy.end`.
    pub fn insert_busy(&mut self, busy: BusyTime) -> Result<()> {
        let (start, end) = check_span(|name| format!("busy.{name}"), busy.start, busy.end)?;
        let at = self.busy.partition_point(|b| b.start <= start);
        self.busy.insert(
            at,
            Busy {
                start,
                end,
                ends_by: 0,
                id: busy.id.clone(),
            },
        );
        self.mark_busy_ends();
        self.occupancy.busy.push(busy);
        Ok(())
    }

    /// Removes the first busy time with this id, and returns it.
    pub fn remove_busy(&mut self, id: &str) -> Option<BusyTime> {
        let at = self
            .occupancy
            .busy
            .iter()
            .position(|b| b.id.as_str() == id)?;
        let busy = self.occupancy.busy.remove(at);
        let start = busy.start.timestamp();
        if let Some(i) = self
            .busy
            .iter()
            .position(|b| b.start == start && b.id == busy.id)
        {
            self.busy.remove(i);
        }
        self.mark_busy_ends();
        Some(busy)
    }

    /// Adds (or takes away) a checked reservation's claim on its doctor and room.
    fn apply(&mut self, r: &Reservation, add: bool) {
        let claim = Claim::of(r);
        let at = self.doctors.partition_point(|d| d.id < r.doctor_id);
        if self.doctors.get(at).is_none_or(|d| d.id != r.doctor_id) {
            self.doctors.insert(
                at,
                DoctorUse {
                    id: r.doctor_id.clone(),
                    all: Profile::default(),
                    modes: [None, None, None],
                },
            );
        }
        let DoctorUse { all, modes, .. } = &mut self.doctors[at];
        let mode = mode_index(r.mode);
        for (m, profile) in modes.iter_mut().enumerate() {
            match profile {
                Some(p) if m == mode => p.update(&claim, add),
                // The mode's seats part from the doctor's: they keep what they were.
                None if m != mode => *profile = Some(all.clone()),
                _ => {}
            }
        }
        all.update(&claim, add);
        if let (Some(room), ConsultationMode::InPerson) = (&r.room_id, r.mode) {
            let at = self.rooms.partition_point(|(id, _)| id < room);
            if self.rooms.get(at).is_none_or(|(id, _)| id != room) {
                self.rooms.insert(at, (room.clone(), Profile::default()));
            }
            self.rooms[at].1.update(&claim, add);
        }
    }

    /// A doctor's seats, if any reservation is theirs.
    pub(crate) fn doctor(&self, id: &Id) -> Option<&DoctorUse> {
        self.doctors
            .binary_search_by(|d| d.id.cmp(id))
            .ok()
            .map(|i| &self.doctors[i])
    }

    /// A room's seats, if any reservation occupies it.
    pub(crate) fn room(&self, id: &Id) -> Option<&Profile> {
        self.rooms
            .binary_search_by(|(r, _)| r.cmp(id))
            .ok()
            .map(|i| &self.rooms[i].1)
    }

    /// The busy times, by start.
    pub(crate) fn busy(&self) -> &[Busy] {
        &self.busy
    }
}
