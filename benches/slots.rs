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
//! All data is built deterministically (a small LCG, no randomness crate). The reservations
//! are placed on real slot starts: each doctor's free slots are generated once with an empty
//! occupancy during setup and a few of them are picked.

use std::cell::OnceCell;
use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use medsched::{
    AppointmentType, Availability, BusyTime, Clinic, ClinicRules, DateOverride, DoctorCalendar,
    Holiday, Hours, Leave, LeaveStatus, Location, Occupancy, OverrideKind, PreparedOccupancy,
    Reservation, Session, SessionSettings, Slot, SlotOptions, SlotRequest, Unavailability,
    WeeklyTemplate, first_available, first_available_prepared,
};

mod support;
use support::Lcg;

const DAYS: i64 = 90;
const DOCTORS: usize = 10_000;

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

// ---------------------------------------------------------------------------------------------
// One doctor
// ---------------------------------------------------------------------------------------------

struct OneDoctor {
    availability: Availability,
    occupancy: Occupancy,
    request: SlotRequest,
}

fn one_doctor() -> OneDoctor {
    let clinic = ClinicRules::new(&Clinic {
        locations: vec![Location::new("kochi", "Kochi OPD", "Asia/Kolkata")],
        holidays: vec![
            // Holi, inside the range (a Wednesday).
            Holiday::on("holi", "Holi", date(2026, 3, 4)),
            // Yearly, outside the range: expanded at compile time, skipped at resolve time.
            Holiday {
                rrule: Some("FREQ=YEARLY".into()),
                ..Holiday::on("republic-day", "Republic Day", date(2020, 1, 26))
            },
        ],
    })
    .expect("valid clinic");

    let mut calendar = DoctorCalendar::new("dr-asha");
    calendar.settings = settings(15);
    calendar.templates.push(WeeklyTemplate {
        weekdays: MON_TO_SAT.to_vec(),
        sessions: vec![
            session("09:00", "13:00")
                .with_break("11:00", "11:15")
                .expect("valid break"),
            session("16:00", "20:00"),
        ],
        ..WeeklyTemplate::new("mon-sat-opd", "kochi")
    });
    calendar.leaves.push(Leave {
        id: "conference".into(),
        status: LeaveStatus::Approved,
        first: date(2026, 4, 13),
        last: date(2026, 4, 14),
        start_time: None,
        end_time: None,
        reason: "conference".into(),
    });
    calendar.overrides.push(DateOverride {
        id: "short-saturday".into(),
        date: date(2026, 3, 21),
        location_id: "kochi".into(),
        room_id: None,
        kind: OverrideKind::Replace,
        hours: vec![hours("09:00", "12:00")],
        settings: None,
    });
    let availability = Availability::new(&clinic, &calendar).expect("valid calendar");

    let request = request_90_days();
    let free = free_slots(&availability, &request);
    let mut rng = Lcg(0x5EED_0001);
    let occupancy = Occupancy {
        reservations: reservations(&mut rng, "dr-asha", &free, 300, 6, request.now),
        busy: vec![],
    };
    OneDoctor {
        availability,
        occupancy,
        request,
    }
}

fn bench_one_doctor(c: &mut Criterion) {
    let d = one_doctor();
    let series = d
        .availability
        .slots(&d.request, &d.occupancy, SlotOptions::default())
        .expect("valid request");
    let timeline = d
        .availability
        .resolve(d.request.start, d.request.end)
        .expect("valid range");
    eprintln!(
        "one_doctor_90_days: {} bookable slots ({} reservations incl. holds), {} intervals",
        series.slots.len(),
        d.occupancy.reservations.len(),
        timeline.len()
    );
    assert!(
        series.slots.len() > 1_500,
        "too few slots: {}",
        series.slots.len()
    );
    assert!(
        timeline.len() > 150,
        "too few intervals: {}",
        timeline.len()
    );

    c.bench_function("one_doctor_90_days", |b| {
        b.iter(|| {
            d.availability
                .slots(
                    black_box(&d.request),
                    black_box(&d.occupancy),
                    SlotOptions::default(),
                )
                .expect("valid request")
        })
    });
    let prepared = PreparedOccupancy::new(d.occupancy.clone()).expect("valid occupancy");
    let set = d
        .availability
        .slot_set(&d.request, &prepared, SlotOptions::default())
        .expect("valid request");
    assert_eq!(
        set.clone().into_series(),
        series,
        "slot_set gives the same slots"
    );
    c.bench_function("one_doctor_90_days_prepared", |b| {
        b.iter(|| {
            d.availability
                .slot_set(
                    black_box(&d.request),
                    black_box(&prepared),
                    SlotOptions::default(),
                )
                .expect("valid request")
        })
    });
    c.bench_function("one_doctor_90_days_prepare", |b| {
        b.iter(|| PreparedOccupancy::new(black_box(&d.occupancy).clone()).expect("valid"))
    });
    c.bench_function("one_doctor_90_days_resolve", |b| {
        b.iter(|| {
            d.availability
                .resolve(black_box(d.request.start), black_box(d.request.end))
                .expect("valid range")
        })
    });
}

// ---------------------------------------------------------------------------------------------
// Ten thousand doctors
// ---------------------------------------------------------------------------------------------

struct Doctor {
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
fn doctors(request: &SlotRequest, doctors: usize, booked: Option<usize>) -> Vec<Doctor> {
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
fn all_slots_prepared(doctors: &[Doctor], request: &SlotRequest) -> usize {
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

fn bench_ten_thousand(c: &mut Criterion) {
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

// ---------------------------------------------------------------------------------------------
// Scaling
// ---------------------------------------------------------------------------------------------

/// A request of `days` days for a type of `minutes` minutes on a grid of the same step.
fn request_of(days: i64, minutes: u32) -> SlotRequest {
    let base = request_90_days();
    SlotRequest {
        appointment_type: AppointmentType {
            step_minutes: Some(minutes),
            ..AppointmentType::new("consult", minutes)
        },
        end: base.start + chrono::Duration::days(days),
        ..base
    }
}

fn bench_scaling(c: &mut Criterion) {
    let mut group = c.benchmark_group("scaling");
    let base = request_90_days();
    let fleet = doctors(&base, 1_000, None);
    let mut case = |name: &str, label: String, doctors: &[Doctor], request: &SlotRequest| {
        let slots = all_slots_prepared(doctors, request);
        group.throughput(Throughput::Elements(slots as u64));
        group.bench_function(BenchmarkId::new(name, label), |b| {
            b.iter(|| all_slots_prepared(black_box(doctors), black_box(request)))
        });
    };
    for n in [1, 100, 1_000] {
        case("doctors_90_days_15_min", n.to_string(), &fleet[..n], &base);
    }
    for days in [7, 90, 365] {
        let request = request_of(days, 15);
        case(
            "days_100_doctors_15_min",
            days.to_string(),
            &fleet[..100],
            &request,
        );
    }
    for minutes in [5, 15, 30, 60] {
        let request = request_of(90, minutes);
        case(
            "minutes_100_doctors_90_days",
            minutes.to_string(),
            &fleet[..100],
            &request,
        );
    }
    group.finish();
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
