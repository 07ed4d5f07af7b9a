//! Several-resources benchmarks (docs/RESOURCES.md).
//!
//! - `two_resources_90_days`: 90 days of 30-minute slots of a surgeon in Kochi (Mon-Sat,
//!   09:00-13:00 and 14:00-17:00) who needs an anaesthetist (Mon-Fri, 10:00-16:00) and the
//!   theatre (capacity 1), through `Availability::joint_slots`; about 150 appointments of
//!   each doctor and 150 other uses of the theatre, prepared once.
//! - `surgeon_alone_90_days`: the same surgeon's slots alone (`slot_set`), for comparison.

use std::hint::black_box;

use chrono::{DateTime, Duration, Utc, Weekday};
use criterion::{Criterion, criterion_group, criterion_main};
use medsched::{
    AppointmentType, Availability, Clinic, ClinicRules, DoctorCalendar, Id, Location, Occupancy,
    PreparedOccupancy, Reservation, Room, Session, SlotOptions, SlotRequest, WeeklyTemplate,
};

mod support;
use support::Lcg;

const DAYS: i64 = 90;

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().expect("a valid RFC 3339 instant")
}

fn calendar(id: &str, weekdays: &[Weekday], sessions: &[(&str, &str)]) -> DoctorCalendar {
    let mut calendar = DoctorCalendar::new(id);
    calendar.templates.push(WeeklyTemplate {
        weekdays: weekdays.to_vec(),
        sessions: sessions
            .iter()
            .map(|(from, to)| Session::new(from, to).expect("valid session"))
            .collect(),
        ..WeeklyTemplate::new("week", "kochi")
    });
    calendar
}

struct Setup {
    surgeon: Availability,
    anaesthetist: Availability,
    request: SlotRequest,
    occupancy: PreparedOccupancy,
}

fn setup() -> Setup {
    use Weekday::*;
    let clinic = ClinicRules::new(&Clinic {
        locations: vec![Location {
            rooms: vec![Room::new("theatre", "Theatre", 1)],
            ..Location::new("kochi", "Kochi", "Asia/Kolkata")
        }],
        holidays: vec![],
    })
    .expect("valid clinic");
    let surgeon = calendar(
        "dr-cut",
        &[Mon, Tue, Wed, Thu, Fri, Sat],
        &[("09:00", "13:00"), ("14:00", "17:00")],
    );
    let anaesthetist = calendar("dr-gas", &[Mon, Tue, Wed, Thu, Fri], &[("10:00", "16:00")]);
    let start = utc("2026-03-01T18:30:00Z");
    let request = SlotRequest {
        appointment_type: AppointmentType {
            step_minutes: Some(30),
            ..AppointmentType::new("op", 30)
        },
        start,
        end: start + Duration::days(DAYS),
        now: utc("2026-03-01T00:00:00Z"),
    };
    let mut rng = Lcg(17);
    let mut reservations = Vec::new();
    for (k, owner) in ["dr-cut", "dr-gas", "theatre"].into_iter().enumerate() {
        for i in 0..150 {
            let day = rng.below(DAYS as usize) as i64;
            let minute = 3 * 60 + 30 + 30 * rng.below(16) as i64;
            let from = start + Duration::days(day) + Duration::minutes(minute);
            let mut r = Reservation::new(
                format!("r-{k}-{i}"),
                owner,
                from,
                from + Duration::minutes(30),
            );
            if owner == "theatre" {
                r.room_id = Some("theatre".into());
            }
            reservations.push(r);
        }
    }
    let occupancy = PreparedOccupancy::new(Occupancy {
        reservations,
        busy: vec![],
    })
    .expect("valid occupancy");
    Setup {
        surgeon: Availability::new(&clinic, &surgeon).expect("valid calendar"),
        anaesthetist: Availability::new(&clinic, &anaesthetist).expect("valid calendar"),
        request,
        occupancy,
    }
}

fn bench_resources(c: &mut Criterion) {
    let s = setup();
    let theatre: [Id; 1] = ["theatre".into()];
    let joint = s
        .surgeon
        .joint_slots(&[&s.anaesthetist], &theatre, &s.request, &s.occupancy, None)
        .expect("valid search");
    let alone = s
        .surgeon
        .slot_set(&s.request, &s.occupancy, SlotOptions::default())
        .expect("valid search");
    eprintln!(
        "two_resources_90_days: {} joint slots of {} of the surgeon alone",
        joint.slots.len(),
        alone.len()
    );
    assert!(joint.slots.len() > 300 && joint.slots.len() < alone.len());
    c.bench_function("two_resources_90_days", |b| {
        b.iter(|| {
            s.surgeon
                .joint_slots(
                    &[&s.anaesthetist],
                    black_box(&theatre),
                    black_box(&s.request),
                    &s.occupancy,
                    None,
                )
                .expect("valid search")
        })
    });
    c.bench_function("surgeon_alone_90_days", |b| {
        b.iter(|| {
            s.surgeon
                .slot_set(black_box(&s.request), &s.occupancy, SlotOptions::default())
                .expect("valid search")
        })
    });
}

criterion_group!(resources, bench_resources);
criterion_main!(resources);
