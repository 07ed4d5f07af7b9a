//! The mobile library's speed in the profile it is built with, through the same calls an app
//! makes (JSON in, records out): a doctor's 90-day slot search, and 192 bookings in a row
//! into the in-memory store. Prints the median and the spread of 7 runs of each, so the
//! `mobile` profile (`opt-level = "s"`, LTO, strip) can be weighed against `release`:
//!
//! ```text
//! cargo run --release -p medsched-mobile --example speed
//! cargo run --profile mobile -p medsched-mobile --example speed
//! ```

use std::time::{Duration, Instant, UNIX_EPOCH};

use medsched_mobile::{Bookings, Schedule, Store};

const CLINIC: &str = r#"{"locations": [{"id": "main", "time_zone": "UTC",
    "rooms": [{"id": "r1", "capacity": 1}]}]}"#;
const CALENDARS: &str = r#"[{"doctor_id": "dr-a", "templates": [{"id": "opd",
    "location_id": "main", "room_id": "r1", "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
    "sessions": [{"start": "09:00", "end": "13:00"}, {"start": "14:00", "end": "18:00"}]}]}]"#;
const TYPES: &str = r#"[{"id": "consult", "duration_minutes": 15, "max_days_ahead": 120}]"#;

/// The median and the spread (min..max) of 7 runs of `body`.
fn measure(name: &str, mut body: impl FnMut()) {
    let mut runs: Vec<Duration> = (0..7)
        .map(|_| {
            let start = Instant::now();
            body();
            start.elapsed()
        })
        .collect();
    runs.sort();
    println!(
        "{name}: median {:.2} ms (min {:.2}, max {:.2})",
        runs[3].as_secs_f64() * 1e3,
        runs[0].as_secs_f64() * 1e3,
        runs[6].as_secs_f64() * 1e3
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let schedule = Schedule::new(
        "clinic-1".into(),
        CLINIC.into(),
        CALENDARS.into(),
        TYPES.into(),
        None,
        None,
    )?;
    let doctor = schedule.availability("dr-a".into())?;
    let request = r#"{"appointment_type": {"id": "consult", "duration_minutes": 15},
        "start": "2026-03-02T00:00:00Z", "end": "2026-05-31T00:00:00Z",
        "now": "2026-03-01T00:00:00Z"}"#;
    measure("90-day slot search (one doctor)", || {
        let found = doctor
            .slots(request.into(), None, None)
            .map(|s| s.slots().len());
        assert!(found.is_ok_and(|n| n > 2000));
    });
    let now = UNIX_EPOCH + Duration::from_secs(1_772_323_200); // 2026-03-01T00:00:00Z
    let staff = r#"{"kind": "staff", "id": "desk"}"#;
    measure("192 bookings into the in-memory store", || {
        let bookings = Bookings::new(Store::memory(), 5);
        for i in 0..192u64 {
            // Monday 2 to Saturday 7 March, 32 slots a day: 09:00-13:00 and 14:00-18:00.
            let (day, slot) = (2 + i / 32, i % 32);
            let minutes = (slot % 16) * 15;
            let hour = if slot < 16 { 9 } else { 14 } + minutes / 60;
            let start = format!("2026-03-{day:02}T{hour:02}:{:02}:00Z", minutes % 60);
            let request = format!(
                r#"{{"appointment_id": "a-{i}", "patient_id": "p-{i}", "doctor_id": "dr-a",
                "appointment_type_id": "consult", "start": "{start}"}}"#
            );
            let booked = bookings.book(&schedule, staff.into(), now, request);
            assert!(booked.is_ok(), "{booked:?}");
        }
    });
    Ok(())
}
