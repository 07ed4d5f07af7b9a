//! The running aggregates and how each event and observation moves them.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use rustc_hash::FxHashMap;

use crate::{
    Id, Interval, Status,
    analytics::local::{date_hour, hour_pieces},
    channel::TokenKind,
    store::{
        ActorKind, Change, Event, FeedEntry, appointment::SlotClaim, token_change::TokenChange,
    },
};

/// Upper edges (minutes) of the wait-estimate bins of the calibration; the last bin is open.
pub(crate) const ESTIMATE_BINS: [f64; 9] = [5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0];
/// Upper edges (hours) of the lead-time buckets; the last bucket is open.
pub(crate) const LEAD_BUCKETS: [i64; 5] = [1, 24, 72, 168, 720];

/// Where an offered or booked minute lies: doctor, location, room, local hour.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Place {
    pub doctor: Id,
    pub location: Id,
    pub room: Option<Id>,
    pub hour: u32,
}

/// A calibration bin's sums.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Bin {
    pub count: u64,
    pub estimated: f64,
    pub actual: f64,
}

/// One doctor's counts on one local date.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct DoctorDay {
    pub booked: u64,
    pub cancelled: u64,
    pub declined: u64,
    pub completed: u64,
    pub no_show: u64,
    pub lead_seconds: i64,
    pub lead_buckets: [u64; LEAD_BUCKETS.len() + 1],
    pub appointments_by_hour: [u64; 24],
    pub tokens_by_kind: [u64; 4],
    pub tokens_by_hour: [u64; 24],
    pub tokens_late: u64,
    pub tokens_skipped: u64,
    pub consults: u64,
    pub consult_seconds: i64,
    pub waits: u64,
    pub wait_seconds: i64,
    pub bins: [Bin; ESTIMATE_BINS.len() + 1],
}

/// What the fold remembers of a token: enough to time its wait and consultation.
#[derive(Debug, Clone, Default)]
struct TokenSeen {
    arrived: Option<DateTime<Utc>>,
    expected: Option<DateTime<Utc>>,
    started: Option<DateTime<Utc>>,
    /// Estimates shown before the consultation started: when, and minutes.
    estimates: Vec<(DateTime<Utc>, f64)>,
}

/// The aggregates, keyed by local date so a report can take any range of dates.
#[derive(Debug, Clone, Default)]
pub(crate) struct State {
    /// Offered seconds per doctor and local date, replaced whenever the host offers again.
    pub offered: BTreeMap<(Id, NaiveDate), FxHashMap<Place, i64>>,
    /// Booked seconds per local date and place (occupying appointments only).
    pub booked: BTreeMap<(NaiveDate, Place), i64>,
    pub doctors: BTreeMap<(NaiveDate, Id), DoctorDay>,
    /// Searches per local date.
    pub searches: BTreeMap<NaiveDate, u64>,
    /// New bookings made by patients themselves, per local date of booking.
    pub patient_bookings: BTreeMap<NaiveDate, u64>,
    /// Occupying appointments by day book and id, with their slot.
    appointments: FxHashMap<(NaiveDate, Id), SlotClaim>,
    /// Tokens by queue date, doctor and number.
    tokens: FxHashMap<(NaiveDate, Id, u32), TokenSeen>,
}

fn seconds(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_seconds()
}

fn kind_index(kind: TokenKind) -> usize {
    match kind {
        TokenKind::Booked => 0,
        TokenKind::WalkIn => 1,
        TokenKind::Phone => 2,
        TokenKind::Emergency => 3,
    }
}

pub(crate) fn bin_index(minutes: f64) -> usize {
    ESTIMATE_BINS
        .iter()
        .position(|&edge| minutes < edge)
        .unwrap_or(ESTIMATE_BINS.len())
}

impl State {
    fn doctor_day(&mut self, date: NaiveDate, doctor: &Id) -> &mut DoctorDay {
        self.doctors.entry((date, doctor.clone())).or_default()
    }

    /// Adds (`sign` 1) or removes (`sign` -1) a claim's minutes from the booked sums.
    fn book_minutes(&mut self, tz: Tz, claim: &SlotClaim, sign: i64) {
        for piece in hour_pieces(tz, claim.start, claim.end) {
            let place = Place {
                doctor: claim.doctor_id.clone(),
                location: claim.location_id.clone(),
                room: claim.room_id.clone(),
                hour: piece.hour,
            };
            let key = (piece.date, place);
            let total = self.booked.entry(key.clone()).or_default();
            *total += sign * piece.seconds;
            if *total == 0 {
                self.booked.remove(&key);
            }
        }
    }

    /// Replaces the offered time of `doctor` on the local dates `dates` by the open time of
    /// `intervals`.
    pub fn offer(
        &mut self,
        tz: Tz,
        doctor: &Id,
        dates: (NaiveDate, NaiveDate),
        intervals: &[Interval],
    ) {
        let mut fresh: BTreeMap<NaiveDate, FxHashMap<Place, i64>> = BTreeMap::new();
        for interval in intervals.iter().filter(|i| i.status == Status::Open) {
            for piece in hour_pieces(tz, interval.start, interval.end) {
                if piece.date < dates.0 || piece.date > dates.1 {
                    continue;
                }
                let place = Place {
                    doctor: doctor.clone(),
                    location: interval.location_id.clone().unwrap_or_else(|| Id::from("")),
                    room: interval.room_id.clone(),
                    hour: piece.hour,
                };
                *fresh
                    .entry(piece.date)
                    .or_default()
                    .entry(place)
                    .or_default() += piece.seconds;
            }
        }
        let stale: Vec<_> = self
            .offered
            .range((doctor.clone(), dates.0)..=(doctor.clone(), dates.1))
            .map(|(k, _)| k.clone())
            .collect();
        for key in stale {
            self.offered.remove(&key);
        }
        for (date, places) in fresh {
            self.offered.insert((doctor.clone(), date), places);
        }
    }

    pub fn search(&mut self, tz: Tz, at: DateTime<Utc>) {
        *self.searches.entry(date_hour(tz, at).0).or_default() += 1;
    }

    pub fn wait_estimated(&mut self, key: (NaiveDate, Id, u32), at: DateTime<Utc>, minutes: f64) {
        let (date, doctor) = (key.0, key.1.clone());
        let seen = self.tokens.entry(key).or_default();
        match seen.started {
            Some(started) => {
                let waited = seconds(at, started).max(0) as f64 / 60.0;
                add_estimate(self.doctor_day(date, &doctor), minutes, waited);
            }
            None => seen.estimates.push((at, minutes)),
        }
    }

    pub fn event(&mut self, tz: Tz, entry: &FeedEntry) {
        let event: &Event = &entry.event;
        match &event.change {
            Change::AppointmentBooked { appointment } => {
                let claim = &appointment.slot;
                self.book_minutes(tz, claim, 1);
                self.appointments
                    .insert((entry.stream.date, appointment.id.clone()), claim.clone());
                if appointment.moved_from.is_none() {
                    let (date, hour) = date_hour(tz, claim.start);
                    let lead = seconds(appointment.booked_at, claim.start).max(0);
                    let bucket = LEAD_BUCKETS
                        .iter()
                        .position(|&h| lead < h * 3600)
                        .unwrap_or(LEAD_BUCKETS.len());
                    let day = self.doctor_day(date, &claim.doctor_id);
                    day.booked += 1;
                    day.lead_seconds += lead;
                    day.lead_buckets[bucket] += 1;
                    day.appointments_by_hour[hour as usize] += 1;
                    if appointment.booked_by.kind == ActorKind::Patient {
                        let made = date_hour(tz, appointment.booked_at).0;
                        *self.patient_bookings.entry(made).or_default() += 1;
                    }
                }
            }
            Change::AppointmentCancelled { appointment_id, .. }
            | Change::AppointmentDeclined { appointment_id, .. } => {
                if let Some(claim) = self
                    .appointments
                    .remove(&(entry.stream.date, appointment_id.clone()))
                {
                    self.book_minutes(tz, &claim, -1);
                    let date = date_hour(tz, claim.start).0;
                    let day = self.doctor_day(date, &claim.doctor_id);
                    if matches!(event.change, Change::AppointmentCancelled { .. }) {
                        day.cancelled += 1;
                    } else {
                        day.declined += 1;
                    }
                }
            }
            Change::AppointmentMovedOut { appointment_id, .. }
            | Change::AppointmentMoveAborted { appointment_id, .. } => {
                if let Some(claim) = self
                    .appointments
                    .remove(&(entry.stream.date, appointment_id.clone()))
                {
                    self.book_minutes(tz, &claim, -1);
                }
            }
            Change::AppointmentRescheduled {
                appointment_id, to, ..
            } => {
                let key = (entry.stream.date, appointment_id.clone());
                if let Some(claim) = self.appointments.remove(&key) {
                    self.book_minutes(tz, &claim, -1);
                    self.book_minutes(tz, to, 1);
                    self.appointments.insert(key, to.clone());
                }
            }
            Change::AppointmentCompleted { appointment_id }
            | Change::AppointmentNoShow { appointment_id } => {
                let key = (entry.stream.date, appointment_id.clone());
                if let Some(claim) = self.appointments.get(&key) {
                    let date = date_hour(tz, claim.start).0;
                    let doctor = claim.doctor_id.clone();
                    let day = self.doctor_day(date, &doctor);
                    if matches!(event.change, Change::AppointmentCompleted { .. }) {
                        day.completed += 1;
                    } else {
                        day.no_show += 1;
                    }
                }
            }
            Change::Token(change) => {
                if let Some(doctor) = &entry.stream.doctor_id {
                    self.token(tz, entry.stream.date, doctor, event.at, change);
                }
            }
            Change::HoldPlaced { .. }
            | Change::HoldExtended { .. }
            | Change::HoldReleased { .. }
            | Change::HoldExpired { .. }
            | Change::AppointmentConfirmed { .. }
            | Change::AppointmentMoveVoided { .. } => {}
        }
    }

    fn token(
        &mut self,
        tz: Tz,
        date: NaiveDate,
        doctor: &Id,
        at: DateTime<Utc>,
        change: &TokenChange,
    ) {
        let key = |number: u32| (date, doctor.clone(), number);
        match change {
            TokenChange::TokenIssued { token, .. } => {
                let hour = date_hour(tz, token.issued_at).1;
                let day = self.doctor_day(date, doctor);
                day.tokens_by_kind[kind_index(token.kind)] += 1;
                day.tokens_by_hour[hour as usize] += 1;
                let seen = self.tokens.entry(key(token.number)).or_default();
                seen.arrived = token.arrived_at;
                seen.expected = token.expected_at;
            }
            TokenChange::TokenReassigned { token, .. } => {
                let seen = self.tokens.entry(key(token.number)).or_default();
                seen.arrived = token.arrived_at;
                seen.expected = token.expected_at;
            }
            TokenChange::TokenCheckedIn { number } => {
                let seen = self.tokens.entry(key(*number)).or_default();
                seen.arrived.get_or_insert(at);
            }
            TokenChange::TokenAmended {
                number,
                expected_at,
                ..
            } => {
                self.tokens.entry(key(*number)).or_default().expected = *expected_at;
            }
            TokenChange::ConsultationStarted { number, .. } => {
                let seen = self.tokens.entry(key(*number)).or_default();
                seen.started = Some(at);
                let from = match (seen.arrived, seen.expected) {
                    (Some(arrived), Some(expected)) => Some(arrived.max(expected)),
                    (arrived, _) => arrived,
                };
                let estimates = std::mem::take(&mut seen.estimates);
                let day = self.doctor_day(date, doctor);
                if let Some(from) = from {
                    day.waits += 1;
                    day.wait_seconds += seconds(from, at).max(0);
                }
                for (shown, minutes) in estimates {
                    add_estimate(day, minutes, seconds(shown, at).max(0) as f64 / 60.0);
                }
            }
            TokenChange::ConsultationCompleted { number } => {
                if let Some(started) = self.tokens.get(&key(*number)).and_then(|s| s.started) {
                    let day = self.doctor_day(date, doctor);
                    day.consults += 1;
                    day.consult_seconds += seconds(started, at).max(0);
                }
            }
            TokenChange::TokenCancelled { number, .. } => {
                self.tokens.remove(&key(*number));
            }
            TokenChange::TokenSkipped { .. } => self.doctor_day(date, doctor).tokens_skipped += 1,
            TokenChange::TokenMarkedLate { .. } => self.doctor_day(date, doctor).tokens_late += 1,
            TokenChange::TokenCalled { .. }
            | TokenChange::TokenReinserted { .. }
            | TokenChange::TokenMoved { .. }
            | TokenChange::MeetLinkUpdated { .. } => {}
        }
    }
}

fn add_estimate(day: &mut DoctorDay, minutes: f64, waited: f64) {
    let bin = &mut day.bins[bin_index(minutes)];
    bin.count += 1;
    bin.estimated += minutes;
    bin.actual += waited;
}
