//! The independent model of the booking service that `booking_props.rs` checks the
//! engine against: the clinic's days and clock, the random scenarios, the rules as the
//! model reads them, its holds and appointments, and [`Run`], which drives a scenario
//! through `Bookings<InMemoryStore>` step by step.
//!
//! `strategies` generates the scenarios, `rules` builds the clinic and keeps each
//! doctor's rules, `model` counts claims and compares refusals, `run` holds the run's
//! state and the model's slot check, `step` runs one step, `commands` and `collisions`
//! carry out its bookings, lifecycle changes and rule changes.

mod collisions;
mod commands;
mod model;
mod rules;
mod run;
mod step;
mod strategies;

pub use model::{MAppt, MHold, counts, fail, span};
pub use run::Run;
pub use strategies::{Scenario, arb_scenario};

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

pub const TENANT: &str = "clinic-props";
const LOCATION: &str = "kochi";
/// Asia/Kolkata is UTC+05:30 all year (no DST since 1945), so the model turns local wall
/// clock times into UTC with this fixed offset, without chrono-tz or the engine.
const ZONE: &str = "Asia/Kolkata";
const OFFSET_MINUTES: i64 = 5 * 60 + 30;
/// Local 09:00: slot starts and rule changes are counted from it in 5-minute steps.
const BASE: i64 = 9 * 60;
const PATIENTS: u8 = 4;

/// The two book days: Monday and Tuesday.
pub fn day_date(day: usize) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2 + day as u32).unwrap()
}

fn epoch_days(date: NaiveDate) -> i64 {
    (date - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days()
}

/// The UTC minute (since the epoch) of local `minute_of_day` on book day `day`.
fn local(day: usize, minute_of_day: i64) -> i64 {
    epoch_days(day_date(day)) * 1440 + minute_of_day - OFFSET_MINUTES
}

/// The book day (0 or 1) of UTC minute `m`, if it is one of them.
fn day_of(m: i64) -> Option<usize> {
    let date = (m + OFFSET_MINUTES).div_euclid(1440);
    (0..2).find(|&d| epoch_days(day_date(d)) == date)
}

pub fn instant(minute: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(minute * 60, 0).unwrap()
}

fn mins(m: u32) -> Duration {
    Duration::minutes(i64::from(m))
}

pub fn minute(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(60)
}

fn time_of_day(minute_of_day: i64) -> NaiveTime {
    NaiveTime::from_num_seconds_from_midnight_opt(minute_of_day as u32 * 60, 0).unwrap()
}
