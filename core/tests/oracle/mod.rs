//! Shared generators and an independent, minute-by-minute brute-force oracle for the
//! property tests in `oracle_resolution.rs` and `oracle_slots.rs`.
//!
//! The oracle reads the public input types only (`Clinic`, `DoctorCalendar`, `SlotRequest`,
//! `Occupancy`) and re-implements the documented semantics in the most direct way it can:
//!
//! - Wall clock: for every location it scans UTC minutes in order and keeps `max_local`, the
//!   largest local date-time shown so far. A local boundary `D T` has been reached at minute
//!   `m` iff `max_local(m) >= D T`. So minute `m` lies inside a local range `[D S, D E)` iff
//!   `D S <= max_local(m) < D E`. This never converts local time back to UTC, so it does not
//!   share the engine's gap/fold handling.
//! - Every minute is decided on its own by walking every rule.
//! - Slots are found by trying every minute of the request as a start.
//!
//! Every generated boundary (zone transitions, wall-clock times, instants) lies on a whole
//! minute, so deciding minute starts is exact.
#![allow(dead_code)]

mod decide;
mod gen_rules;
mod gen_scenario;
mod gen_slots;
mod grid;
mod rules;
mod slots;
mod time;
mod wall_clock;

// Each test crate compiles this module and uses part of it, as with `dead_code` above.
#[allow(unused_imports)]
pub use decide::{CoverKey, Decision, Minute, Oracle, Scheduled};
#[allow(unused_imports)]
pub use gen_rules::{arb_settings, time_point};
#[allow(unused_imports)]
pub use gen_scenario::{Scenario, ZONES, arb_scenario};
#[allow(unused_imports)]
pub use gen_slots::{
    SlotScenario, arb_appointment_type, arb_limited_slot_scenario, arb_slot_scenario,
};
#[allow(unused_imports)]
pub use rules::open_pieces;
#[allow(unused_imports)]
pub use slots::{Expected, ExpectedSlot};
#[allow(unused_imports)]
pub use time::{
    DAY, add_days, at, date_of, epoch_days, hm, local_of, minute_of, naive, naive_datetime, tod,
    ymd, zone,
};
#[allow(unused_imports)]
pub use wall_clock::ZoneLine;

/// `cases` by default; `PROPTEST_CASES=n` runs `n` instead (deeper searches).
pub fn config(cases: u32) -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(cases),
        failure_persistence: None,
        max_shrink_iters: 4096,
        ..proptest::test_runner::Config::default()
    }
}
