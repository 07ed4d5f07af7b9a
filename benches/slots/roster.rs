//! 10,000 doctors in three zones over 90 days, and the first 10 free slots across them; with
//! a few reservations each or 300, as given and prepared.

use std::cell::OnceCell;
use std::hint::black_box;
use std::time::Instant;

use chrono::{NaiveDate, Weekday};
use criterion::Criterion;
use medsched::{
    AppointmentType, Availability, BusyTime, Clinic, ClinicRules, DateOverride, DoctorCalendar,
    Holiday, Leave, LeaveStatus, Location, Occupancy, OverrideKind, PreparedOccupancy, Session,
    Slot, SlotOptions, SlotRequest, Unavailability, WeeklyTemplate, first_available,
    first_available_prepared,
};

use super::{
    Lcg, MON_TO_SAT, date, free_slots, hours, request_90_days, reservations, session, settings, utc,
};

const DOCTORS: usize = 10_000;

pub(super) struct Doctor {
    availability: Availability,
    occupancy: Occupancy,
    prepared: PreparedOccupancy,
}

/// Locations in three zones, two per zone.
const LOCATIONS: [(&str, &str); 6] = [
    ("kochi", "Asia/Kolkata"),
    ("mumbai", "Asia/Kolkata"),
    ("london", "Europe/London"),
    ("manchester", "Europe/London"),
    ("new-york", "America/New_York"),
    ("boston", "America/New_York"),
];

fn big_clinic() -> ClinicRules {
    let holiday_at = |id: &str, location: &str, d: NaiveDate| Holiday {
        location_id: Some(location.into()),
        ..Holiday::on(id, id, d)
    };
    ClinicRules::new(&Clinic {
        locations: LOCATIONS
            .iter()
            .map(|(id, tz)| Location::new(*id, *id, *tz))
            .collect(),
        holidays: vec![
            holiday_at("holi-kochi", "kochi", date(2026, 3, 4)),
            holiday_at("holi-mumbai", "mumbai", date(2026, 3, 4)),
            holiday_at("good-friday-london", "london", date(2026, 4, 3)),
            holiday_at("good-friday-manchester", "manchester", date(2026, 4, 3)),
            holiday_at("memorial-day-ny", "new-york", date(2026, 5, 25)),
            holiday_at("memorial-day-boston", "boston", date(2026, 5, 25)),
            Holiday {
                rrule: Some("FREQ=YEARLY".into()),
                ..Holiday::on("new-year", "New Year", date(2020, 1, 1))
            },
        ],
    })
    .expect("valid clinic")
}

const WEEKDAYS: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

/// The calendar of doctor `i`: one of six weekly patterns at one or two locations of one zone,
/// with leave, overrides, emergencies and rosters on some doctors.
fn calendar(i: usize) -> DoctorCalendar {
    let id = format!("dr-{i:05}");
    let zone = i % 3;
    let (home, other) = (LOCATIONS[2 * zone].0, LOCATIONS[2 * zone + 1].0);
    let home = [home, other][(i / 3) % 2];
    let mut cal = DoctorCalendar::new(id.as_str());
    let template =
        |tid: &str, location: &str, days: &[Weekday], sessions: Vec<Session>| WeeklyTemplate {
            weekdays: days.to_vec(),
            sessions,
            ..WeeklyTemplate::new(tid, location)
        };
    match (i / 6) % 6 {
        0 => cal.templates.push(template(
            "weekday-opd",
            home,
            &WEEKDAYS,
            vec![
                session("09:00", "13:00")
                    .with_break("11:00", "11:15")
                    .expect("valid break"),
                session("16:00", "19:00"),
            ],
        )),
        1 => cal.templates.push(template(
            "mwf-mornings",
            home,
            &[Weekday::Mon, Weekday::Wed, Weekday::Fri],
            vec![session("10:00", "14:00")],
        )),
        2 => {
            cal.templates.push(WeeklyTemplate {
                settings: Some(settings(20)),
                ..template(
                    "tts-long",
                    home,
                    &[Weekday::Tue, Weekday::Thu, Weekday::Sat],
                    vec![session("08:30", "12:30"), session("14:00", "17:00")],
                )
            });
        }
        3 => {
            cal.settings = settings(10);
            cal.templates.push(template(
                "evenings",
                home,
                &MON_TO_SAT,
                vec![session("17:00", "21:00")],
            ));
        }
        4 => {
            // Two locations in one zone.
            let (a, b) = (LOCATIONS[2 * zone].0, LOCATIONS[2 * zone + 1].0);
            cal.templates.push(template(
                "first-half",
                a,
                &[Weekday::Mon, Weekday::Tue, Weekday::Wed],
                vec![session("09:00", "13:00")],
            ));
            cal.templates.push(template(
                "second-half",
                b,
                &[Weekday::Thu, Weekday::Fri],
                vec![
                    session("09:30", "12:30"),
                    session("15:00", "18:00")
                        .with_break("16:30", "16:45")
                        .expect("valid break"),
                ],
            ));
        }
        _ => {
            // A roster: every other Monday and every Saturday morning.
            cal.templates.push(WeeklyTemplate {
                rrule: Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO".into()),
                effective_from: Some(date(2026, 1, 5)),
                effective_until: Some(date(2026, 12, 31)),
                sessions: vec![
                    session("09:00", "17:00")
                        .with_break("13:00", "14:00")
                        .expect("valid break"),
                ],
                ..WeeklyTemplate::new("alt-mondays", home)
            });
            cal.templates.push(template(
                "saturdays",
                home,
                &[Weekday::Sat],
                vec![session("09:00", "12:00")],
            ));
        }
    }
    if i % 20 == 7 {
        cal.leaves.push(Leave {
            id: "leave".into(),
            status: LeaveStatus::Approved,
            first: date(2026, 3, 16 + (i % 10) as u32),
            last: date(2026, 3, 17 + (i % 10) as u32),
            start_time: None,
            end_time: None,
            reason: String::new(),
        });
    }
    if i % 50 == 11 {
        cal.leaves.push(Leave {
            id: "requested".into(),
            status: LeaveStatus::Requested,
            first: date(2026, 4, 20),
            last: date(2026, 4, 24),
            start_time: None,
            end_time: None,
            reason: String::new(),
        });
    }
    if i % 25 == 3 {
        let location = cal.templates[0].location_id.clone();
        cal.overrides.push(DateOverride {
            id: "extra-sunday".into(),
            date: date(2026, 3, 29),
            location_id: location.clone(),
            room_id: None,
            kind: OverrideKind::Extra,
            hours: vec![hours("10:00", "13:00")],
            settings: None,
        });
        cal.overrides.push(DateOverride {
            id: "blocked-afternoon".into(),
            date: date(2026, 4, 9),
            location_id: location,
            room_id: None,
            kind: OverrideKind::Block,
            hours: vec![hours("12:00", "18:00")],
            settings: None,
        });
    }
    if i % 100 == 42 {
        cal.emergencies.push(Unavailability {
            id: "emergency".into(),
            start: utc("2026-03-10T06:00:00Z"),
            end: utc("2026-03-11T06:00:00Z"),
            reason: String::new(),
        });
    }
    cal
}

/// `doctors` doctors, each with 4 to 12 reservations (`booked` none) or `booked`.
pub(super) fn doctors(request: &SlotRequest, doctors: usize, booked: Option<usize>) -> Vec<Doctor> {
    let clinic = big_clinic();
    let mut rng = Lcg(0x5EED_0002);
    (0..doctors)
        .map(|i| {
            let cal = calendar(i);
            let availability = Availability::new(&clinic, &cal).expect("valid calendar");
            let free = free_slots(&availability, request);
            let count = booked.unwrap_or_else(|| 4 + rng.below(9));
            let reservations = reservations(
                &mut rng,
                cal.doctor_id.as_str(),
                &free,
                count,
                1,
                request.now,
            );
            // A few doctors have an imported busy time too.
            let busy = if i % 30 == 0 {
                let at = free[free.len() / 2].start;
                vec![BusyTime {
                    id: "gcal-event".into(),
                    start: at,
                    end: at + chrono::Duration::minutes(45),
                }]
            } else {
                vec![]
            };
            let occupancy = Occupancy { reservations, busy };
            Doctor {
                availability,
                prepared: PreparedOccupancy::new(occupancy.clone()).expect("valid occupancy"),
                occupancy,
            }
        })
        .collect()
}

fn all_slots(doctors: &[Doctor], request: &SlotRequest) -> usize {
    doctors
        .iter()
        .map(|d| {
            d.availability
                .slots(request, &d.occupancy, SlotOptions::default())
                .expect("valid request")
                .slots
                .len()
        })
        .sum()
}

/// As [`all_slots`], through `slot_set` and the prepared occupancies.
pub(super) fn all_slots_prepared(doctors: &[Doctor], request: &SlotRequest) -> usize {
    doctors
        .iter()
        .map(|d| {
            d.availability
                .slot_set(request, &d.prepared, SlotOptions::default())
                .expect("valid request")
                .len()
        })
        .sum()
}

fn first_10(doctors: &[Doctor], request: &SlotRequest) -> Vec<Slot> {
    first_available(
        doctors.iter().map(|d| (&d.availability, &d.occupancy)),
        request,
        10,
    )
    .expect("valid request")
}

fn first_10_prepared(doctors: &[Doctor], request: &SlotRequest) -> Vec<Slot> {
    first_available_prepared(
        doctors.iter().map(|d| (&d.availability, &d.prepared)),
        request,
        10,
    )
    .expect("valid request")
}

/// Monday 2 March 2026, 08:00 in Kochi (02:30 UTC): Kochi and Mumbai doctors open within
/// the hour; London and New York are closed until later that day.
fn first_request() -> SlotRequest {
    let start = utc("2026-03-02T02:30:00Z");
    SlotRequest {
        appointment_type: AppointmentType::new("consult", 15),
        start,
        end: start + chrono::Duration::days(30),
        now: start,
    }
}

/// The 10,000 doctors, checked once: every one has slots, and the search finds ten.
fn fleet(request: &SlotRequest, first: &SlotRequest, booked: Option<usize>) -> Vec<Doctor> {
    let setup = Instant::now();
    let doctors = doctors(request, DOCTORS, booked);
    let reservations: usize = doctors.iter().map(|d| d.occupancy.reservations.len()).sum();
    eprintln!(
        "setup of {DOCTORS} doctors ({reservations} reservations incl. holds): {:?}",
        setup.elapsed()
    );

    let total = all_slots(&doctors, request);
    eprintln!("ten_thousand_doctors_90_days: {total} bookable slots in all");
    assert_eq!(total, all_slots_prepared(&doctors, request));
    assert!(
        total > DOCTORS * 200,
        "too few slots for {DOCTORS} doctors: {total}"
    );

    let found = first_10(&doctors, first);
    assert_eq!(found, first_10_prepared(&doctors, first));
    assert_eq!(found.len(), 10);
    let mut ids: Vec<_> = found.iter().map(|s| s.place.doctor_id.as_str()).collect();
    ids.dedup();
    eprintln!(
        "first_10_across_10_000: {} slots from {} doctors, local {} to {}",
        found.len(),
        ids.len(),
        found[0].local_start,
        found[found.len() - 1].local_start,
    );
    doctors
}

pub(super) fn bench_ten_thousand(c: &mut Criterion) {
    let request = request_90_days();
    let first = first_request();
    // Built on first use, so that a filtered run (`cargo bench -- one_doctor`) skips them.
    let light = OnceCell::new();
    let heavy = OnceCell::new();
    let fleet_of = |booked: Option<usize>| match booked {
        None => light.get_or_init(|| fleet(&request, &first, None)),
        Some(_) => heavy.get_or_init(|| fleet(&request, &first, booked)),
    };
    for (suffix, booked) in [("", None), ("_300_booked", Some(300))] {
        c.bench_function(&format!("ten_thousand_doctors_90_days{suffix}"), |b| {
            let doctors = fleet_of(booked);
            b.iter(|| all_slots(black_box(doctors), black_box(&request)))
        });
        c.bench_function(
            &format!("ten_thousand_doctors_90_days{suffix}_prepared"),
            |b| {
                let doctors = fleet_of(booked);
                b.iter(|| all_slots_prepared(black_box(doctors), black_box(&request)))
            },
        );
        c.bench_function(&format!("first_10_across_10_000{suffix}"), |b| {
            let doctors = fleet_of(booked);
            b.iter(|| first_10(black_box(doctors), black_box(&first)))
        });
        c.bench_function(&format!("first_10_across_10_000{suffix}_prepared"), |b| {
            let doctors = fleet_of(booked);
            b.iter(|| first_10_prepared(black_box(doctors), black_box(&first)))
        });
    }
}
