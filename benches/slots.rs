//! Slot generation benchmarks.
//!
//! - `one_doctor_90_days`: one doctor in Kochi (Mon-Sat, two sessions, a break, a holiday,
//!   two days of leave, an override, ~300 reservations and a few holds), 90 days of slots.
//! - `one_doctor_90_days_prepared`: the same slots from `Availability::slot_set` with the
//!   occupancy prepared once (`PreparedOccupancy`), returned compact (`SlotSet`); and
//!   `one_doctor_90_days_prepare`, preparing that occupancy (the one-off cost).
//! - `one_doctor_90_days_resolve`: the same doctor, `resolve` over the same 90 days.
//! - `ten_thousand_doctors_90_days`: 90 days of slots for each of 10,000 doctors with varied
//!   templates in three time zones, sequentially on one thread (4 to 12 reservations each);
//!   `_prepared`: the same through `slot_set` and prepared occupancies.
//! - `first_10_across_10_000`: `first_available` (count 10, 30-day range) over the same doctors;
//!   `_prepared`: `first_available_prepared`.
//! - `..._300_booked`: the same two workloads with 300 reservations per doctor (3 million in
//!   all), as given and prepared.
//! - `scaling/...`: nanoseconds per slot (criterion's throughput in slots) over 1 / 100 /
//!   1,000 doctors, 7 / 90 / 365 days and 5- to 60-minute slots, through `slot_set`.
//!
//! Targets (2-core machine): one doctor x 90 days <= 25 µs prepared; 10,000 doctors x 90 days
//! <= 250 ms on one core, bookings included; first 10 across 10,000 doctors <= 5 ms with
//! bookings.
//!
//! One bench binary in three files: `slots/one_doctor.rs`, `slots/roster.rs` (10,000 doctors)
//! and `slots/scaling.rs`; the data they share is built here.
//!
//! All data is built deterministically (a small LCG, no randomness crate). The reservations
//! are placed on real slot starts: each doctor's free slots are generated once with an empty
//! occupancy during setup and a few of them are picked.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use criterion::{Criterion, criterion_group, criterion_main};
use medsched::{
    AppointmentType, Availability, Hours, Occupancy, Reservation, Session, SessionSettings, Slot,
    SlotOptions, SlotRequest,
};

mod support;
use support::Lcg;

#[path = "slots/one_doctor.rs"]
mod one_doctor;
#[path = "slots/roster.rs"]
mod roster;
#[path = "slots/scaling.rs"]
mod scaling;

use one_doctor::bench_one_doctor;
use roster::bench_ten_thousand;
use scaling::bench_scaling;

const DAYS: i64 = 90;

/// The working week of most doctors in the data set.
const MON_TO_SAT: [Weekday; 6] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
];

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().expect("a valid RFC 3339 instant")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

fn session(start: &str, end: &str) -> Session {
    Session::new(start, end).expect("valid session times")
}

fn hours(start: &str, end: &str) -> Hours {
    Hours::new(start, end).expect("valid hours")
}

fn settings(slot_minutes: u32) -> SessionSettings {
    SessionSettings {
        slot_minutes,
        ..SessionSettings::default()
    }
}

/// The 90-day request of a 15-minute in-person consultation from Monday 2 March 2026,
/// 00:00 in Kochi.
fn request_90_days() -> SlotRequest {
    let start = utc("2026-03-01T18:30:00Z");
    SlotRequest {
        appointment_type: AppointmentType::new("consult", 15),
        start,
        end: start + chrono::Duration::days(DAYS),
        now: utc("2026-03-01T00:00:00Z"),
    }
}

/// Picks `count` distinct free slots (partial Fisher-Yates shuffle) and books them: some with
/// buffers, some 30 minutes long, the last `holds` of them as holds. Two expired holds are
/// added too (they must be ignored).
fn reservations(
    rng: &mut Lcg,
    doctor_id: &str,
    free: &[Slot],
    count: usize,
    holds: usize,
    now: DateTime<Utc>,
) -> Vec<Reservation> {
    let mut order: Vec<usize> = (0..free.len()).collect();
    let count = count.min(free.len());
    let mut out = Vec::with_capacity(count + 2);
    for k in 0..count {
        let pick = k + rng.below(order.len() - k);
        order.swap(k, pick);
        let slot = &free[order[k]];
        let long = k % 7 == 3;
        let hold = k >= count - holds.min(count);
        out.push(Reservation {
            id: format!("{doctor_id}-r{k}").into(),
            doctor_id: doctor_id.into(),
            start: slot.start,
            end: slot.start + chrono::Duration::minutes(if long { 30 } else { 15 }),
            buffer_before_minutes: if k % 11 == 0 { 5 } else { 0 },
            buffer_after_minutes: if k % 5 == 0 { 5 } else { 0 },
            seats: 1,
            mode: medsched::ConsultationMode::InPerson,
            room_id: None,
            expires_at: hold.then(|| now + chrono::Duration::minutes(10)),
            appointment_type_id: None,
        });
    }
    // Expired holds: validated, then skipped.
    for (k, slot) in free.iter().take(2).enumerate() {
        out.push(Reservation {
            id: format!("{doctor_id}-expired{k}").into(),
            doctor_id: doctor_id.into(),
            start: slot.start,
            end: slot.end,
            buffer_before_minutes: 0,
            buffer_after_minutes: 0,
            seats: 1,
            mode: medsched::ConsultationMode::InPerson,
            room_id: None,
            expires_at: Some(now - chrono::Duration::minutes(1)),
            appointment_type_id: None,
        });
    }
    out
}

/// The free slots of a doctor over the request, with nothing booked.
fn free_slots(availability: &Availability, request: &SlotRequest) -> Vec<Slot> {
    availability
        .slots(request, &Occupancy::default(), SlotOptions::default())
        .expect("valid request")
        .slots
}
criterion_group!(one, bench_one_doctor);
criterion_group! {
    name = scaling;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench_scaling
}
criterion_group! {
    name = many;
    // One iteration of `ten_thousand_doctors_90_days` takes close to a second: with ten samples
    // criterion's automatic sampling mode switches to flat sampling (the same iteration count
    // per sample), which keeps the suite to a few minutes.
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    targets = bench_ten_thousand
}
criterion_main!(one, many, scaling);
