//! The slot oracle: every minute of a request tried as a start.

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use medsched::{
    AppointmentType, ConsultationMode, Id, Occupancy, SessionSettings, Slot, SlotRequest, Status,
    Unavailable, UnavailableSlot,
};

use super::decide::{CoverKey, Minute, Oracle};
use super::grid::Edges;
use super::time::{DAY, add_days, at, date_of, local_of, minute_of, naive_datetime};

impl Oracle<'_> {
    fn room_capacity(&self, location: usize, room: &Id) -> u32 {
        self.clinic.locations[location]
            .rooms
            .iter()
            .find(|r| &r.id == room)
            .expect("oracle: unknown room")
            .capacity
    }

    /// Every candidate slot of `request` with what the oracle expects of it, by start.
    pub fn slots(&self, request: &SlotRequest, occupancy: &Occupancy) -> Vec<ExpectedSlot> {
        let ty = &request.appointment_type;
        let dur = i64::from(ty.duration_minutes);
        let (from, to) = (minute_of(request.start), minute_of(request.end));
        // A grid restarted after bookings and closures depends on its whole stretch (under a
        // day long): decide from a day before (the oracle must cover it).
        let lo = if ty.restart_after_bookings || ty.fill_gaps {
            from - DAY
        } else {
            from
        };
        let minutes: Vec<Minute> = (lo..to + dur).map(|m| self.decide(m)).collect();
        let minute = |m: i64| &minutes[(m - lo) as usize];
        let now = request.now.timestamp();
        let mut edges: Vec<(CoverKey, Edges)> = Vec::new();
        let mut out = Vec::new();
        for s in from..to {
            let Some(sched) = &minute(s).scheduled else {
                continue;
            };
            let settings = self.settings_of(&sched.key);
            let step = i64::from(ty.step_minutes.unwrap_or(settings.slot_minutes));
            let tz = self.tz(sched.location);
            // The clock grid: every minute whose wall-clock reading is a multiple of the
            // step since local midnight (a reading in a gap never shows; one in a fold
            // shows twice and is on the grid both times).
            // With a start offset, restarts and filled gaps: `on_grid` (oracle/grid.rs).
            if edges.iter().all(|(k, _)| *k != sched.key) {
                let found = self.edges(request, occupancy, (&minutes, lo), &sched.key);
                edges.push((sched.key.clone(), found));
            }
            let stretch = &edges
                .iter()
                .find(|(k, _)| *k == sched.key)
                .expect("just added")
                .1;
            if !self.on_grid(request, sched, (s, step, tz), stretch) {
                continue;
            }
            if !(s..s + dur)
                .all(|m| minute(m).scheduled.as_ref().map(|x| &x.key) == Some(&sched.key))
            {
                continue;
            }
            let mode_capacity = if settings.modes.is_empty() {
                settings.max_parallel
            } else {
                match settings.modes.iter().find(|mc| mc.mode == ty.mode) {
                    Some(mc) => mc.capacity.min(settings.max_parallel),
                    None => continue,
                }
            };
            let room = match ty.mode {
                ConsultationMode::InPerson => self.room_of(&sched.key),
                _ => None,
            };
            let mut outcome = self.verdict(
                request,
                occupancy,
                &minutes[(s - lo) as usize..(s + dur - lo) as usize],
                s,
                now,
                (tz, sched.location),
                settings,
                mode_capacity,
                room.as_ref()
                    .map(|r| (r, self.room_capacity(sched.location, r))),
            );
            if let Expected::Open(_) = outcome
                && let Some(reason) = self.limit_reached(request, occupancy, (s, dur, tz))
            {
                outcome = Expected::Closed(reason);
            }
            out.push(ExpectedSlot {
                start: s,
                end: s + dur,
                local_start: naive_datetime(local_of(tz, s)),
                location_id: self.clinic.locations[sched.location].id.clone(),
                room_id: room,
                outcome,
            });
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn verdict(
        &self,
        request: &SlotRequest,
        occupancy: &Occupancy,
        span: &[Minute],
        s: i64,
        now: i64,
        (tz, location): (Tz, usize),
        settings: &SessionSettings,
        mode_capacity: u32,
        room: Option<(&Id, u32)>,
    ) -> Expected {
        let ty: &AppointmentType = &request.appointment_type;
        if let Some(closed) = span.iter().find(|m| m.decision.status == Status::Closed) {
            return Expected::Closed(Unavailable::Closed {
                rule: closed.decision.rule,
                rule_id: closed.decision.rule_id.clone(),
            });
        }
        if s * 60 < now + i64::from(ty.min_notice_minutes) * 60 {
            return Expected::Closed(Unavailable::TooSoon);
        }
        if let Some(days) = ty.max_days_ahead {
            let today = date_of(local_of(tz, now.div_euclid(60)));
            // A slot counts for the day owning it (a night session's day).
            if self.owner(location, s) > add_days(today, i64::from(days)) {
                return Expected::Closed(Unavailable::TooFar);
            }
        }
        let bb = i64::from(ty.buffer_before_minutes.max(settings.buffer_before_minutes));
        let ba = i64::from(ty.buffer_after_minutes.max(settings.buffer_after_minutes));
        let (from, to) = (s - bb, s + i64::from(ty.duration_minutes) + ba);
        let busy: Vec<Id> = occupancy
            .busy
            .iter()
            .filter(|b| b.start < at(to) && b.end > at(from))
            .map(|b| b.id.clone())
            .collect();
        if !busy.is_empty() {
            return Expected::Busy(busy);
        }
        // Max load over the padded window: [doctor, mode, room] x [booked, all].
        let mut load = [[0i64; 2]; 3];
        for m in from..to {
            let mut here = [[0i64; 2]; 3];
            for r in &occupancy.reservations {
                let held = match r.expires_at {
                    None => false,
                    Some(e) if e.timestamp() > now => true,
                    Some(_) => continue,
                };
                let (rs, re) = (
                    minute_of(r.start) - i64::from(r.buffer_before_minutes),
                    minute_of(r.end) + i64::from(r.buffer_after_minutes),
                );
                if !(rs <= m && m < re) {
                    continue;
                }
                let seats = i64::from(r.seats);
                let mut add = |k: usize| {
                    here[k][1] += seats;
                    if !held {
                        here[k][0] += seats;
                    }
                };
                if r.doctor_id == self.cal.doctor_id {
                    add(0);
                    if r.mode == ty.mode {
                        add(1);
                    }
                }
                if let Some((room_id, _)) = room
                    && r.mode == ConsultationMode::InPerson
                    && r.room_id.as_ref() == Some(room_id)
                {
                    add(2);
                }
            }
            for k in 0..3 {
                for j in 0..2 {
                    load[k][j] = load[k][j].max(here[k][j]);
                }
            }
        }
        let doctor = i64::from(settings.max_parallel);
        let mode = i64::from(mode_capacity);
        let mut left = (doctor - load[0][1]).min(mode - load[1][1]);
        if let Some((_, cap)) = room {
            left = left.min(i64::from(cap) - load[2][1]);
        }
        if left >= 1 {
            return Expected::Open(left as u32);
        }
        if doctor - load[0][0] < 1 || mode - load[1][0] < 1 {
            return Expected::Closed(Unavailable::Booked);
        }
        if let Some((room_id, cap)) = room
            && i64::from(cap) - load[2][0] < 1
        {
            return Expected::Closed(Unavailable::RoomFull {
                room_id: room_id.clone(),
            });
        }
        Expected::Closed(Unavailable::Held)
    }
}

/// What the oracle expects of a candidate slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// Bookable with this capacity left.
    Open(u32),
    /// Not bookable for this reason.
    Closed(Unavailable),
    /// Overlaps these busy times (the engine may name any of them).
    Busy(Vec<Id>),
}

/// A candidate slot as the oracle sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedSlot {
    pub start: i64,
    pub end: i64,
    pub local_start: NaiveDateTime,
    pub location_id: Id,
    pub room_id: Option<Id>,
    pub outcome: Expected,
}

impl ExpectedSlot {
    pub fn is_open(&self) -> bool {
        matches!(self.outcome, Expected::Open(_))
    }

    /// Whether an engine slot is this one.
    pub fn matches_slot(&self, s: &Slot) -> bool {
        s.start == at(self.start)
            && s.end == at(self.end)
            && s.local_start == self.local_start
            && s.place.location_id == self.location_id
            && s.place.room_id == self.room_id
            && self.outcome == Expected::Open(s.capacity_left)
    }

    /// Whether an engine unavailable slot is this one.
    pub fn matches_unavailable(&self, s: &UnavailableSlot) -> bool {
        s.start == at(self.start)
            && s.end == at(self.end)
            && s.local_start == self.local_start
            && s.place.location_id == self.location_id
            && s.place.room_id == self.room_id
            && match (&self.outcome, &s.reason) {
                (Expected::Busy(ids), Unavailable::Busy { busy_id }) => ids.contains(busy_id),
                (Expected::Closed(want), got) => want == got,
                _ => false,
            }
    }
}
