//! `first_available` across several doctors against a naive merge of each doctor's own slots
//! (which the oracle suites check): the earliest `count`, ties in the order doctors are given.

use chrono::NaiveDate;
use chrono::{DateTime, Duration, Utc, Weekday};
use medsched::{
    AppointmentType, Availability, Clinic, ClinicRules, DateOverride, DoctorCalendar, Hours,
    Limits, Location, Occupancy, OverrideKind, PreparedOccupancy, Reservation, Room, Session,
    SlotOptions, SlotRequest, WeeklyTemplate, first_available, first_available_prepared,
    first_available_series,
};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn doctor(
    clinic: &ClinicRules,
    id: &str,
    location: &str,
    days: &[Weekday],
    hours: (&str, &str),
) -> Availability {
    let mut calendar = DoctorCalendar::new(id);
    calendar.settings.slot_minutes = 20;
    calendar.templates.push(WeeklyTemplate {
        weekdays: days.to_vec(),
        room_id: (location == "kochi").then(|| "shared".into()),
        sessions: vec![Session::new(hours.0, hours.1).unwrap()],
        ..WeeklyTemplate::new(format!("{id}-opd"), location)
    });
    Availability::new(clinic, &calendar).unwrap()
}

/// Dr `id` in London on Wednesdays 14:00-16:00, with date overrides: extra hours on a
/// Saturday, earlier hours on one Wednesday, a Wednesday closed; and from the 16th, also on
/// Thursdays in New York.
fn overridden(clinic: &ClinicRules, id: &str) -> Availability {
    let date = |d: u32| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
    let hours = |s: &str, e: &str| vec![Hours::new(s, e).unwrap()];
    let mut calendar = DoctorCalendar::new(id);
    calendar.settings.slot_minutes = 20;
    calendar.templates.push(WeeklyTemplate {
        weekdays: vec![Weekday::Wed],
        sessions: vec![Session::new("14:00", "16:00").unwrap()],
        ..WeeklyTemplate::new(format!("{id}-opd"), "london")
    });
    calendar.overrides = vec![
        DateOverride::new(
            "sat",
            date(7),
            "london",
            OverrideKind::Extra,
            hours("04:00", "05:00"),
        ),
        DateOverride::new(
            "early",
            date(11),
            "london",
            OverrideKind::Replace,
            hours("05:00", "06:00"),
        ),
        DateOverride::new("shut", date(18), "london", OverrideKind::Replace, vec![]),
    ];
    if id == "g" {
        calendar.templates.push(WeeklyTemplate {
            weekdays: vec![Weekday::Thu],
            sessions: vec![Session::new("00:20", "01:00").unwrap()],
            effective_from: Some(date(16)),
            ..WeeklyTemplate::new("g-nyc", "nyc")
        });
    }
    Availability::new(clinic, &calendar).unwrap()
}

#[test]
fn the_search_equals_a_merge_of_every_doctors_slots() {
    use Weekday::*;
    let clinic = ClinicRules::new(&Clinic {
        locations: vec![
            Location {
                rooms: vec![Room::new("shared", "Shared", 1)],
                ..Location::new("kochi", "Kochi", "Asia/Kolkata")
            },
            Location::new("london", "London", "Europe/London"),
            Location::new("nyc", "New York", "America/New_York"),
        ],
        holidays: vec![],
    })
    .unwrap();
    let doctors = [
        doctor(&clinic, "a", "kochi", &[Mon, Wed, Fri], ("09:00", "12:00")),
        doctor(&clinic, "b", "kochi", &[Mon, Tue], ("09:00", "11:00")),
        doctor(&clinic, "c", "london", &[Tue, Thu], ("04:00", "06:00")),
        doctor(&clinic, "d", "nyc", &[Sat], ("08:00", "17:00")),
        doctor(&clinic, "e", "london", &[Sun], ("10:00", "10:40")),
        overridden(&clinic, "f"),
        overridden(&clinic, "g"),
    ];
    let busy = |doctor: &str, at: &str| Occupancy {
        reservations: vec![Reservation {
            room_id: Some("shared".into()),
            ..Reservation::new("r", doctor, t(at), t(at) + Duration::minutes(20))
        }],
        busy: vec![],
    };
    let occupancies = [
        busy("a", "2026-03-02T03:30:00Z"),
        busy("b", "2026-03-03T04:10:00Z"),
        Occupancy::default(),
        Occupancy::default(),
        Occupancy::default(),
        Occupancy::default(),
        Occupancy::default(),
    ];
    let prepared: Vec<_> = (occupancies.iter())
        .map(|o| PreparedOccupancy::new(o.clone()).unwrap())
        .collect();
    let mut checked = 0;
    for start_hours in [0, 5, 29, 50, 77, 150] {
        let request = SlotRequest {
            appointment_type: AppointmentType::new("visit", 20),
            start: t("2026-03-01T00:00:00Z") + Duration::hours(start_hours),
            end: t("2026-03-29T00:00:00Z"),
            now: t("2026-02-20T00:00:00Z"),
        };
        let mut merged: Vec<_> = doctors
            .iter()
            .zip(&occupancies)
            .enumerate()
            .flat_map(|(d, (doctor, occupancy))| {
                let series = doctor
                    .slots(&request, occupancy, SlotOptions::default())
                    .unwrap();
                series.slots.into_iter().map(move |s| (s.start, d, s))
            })
            .collect();
        merged.sort_by_key(|m| (m.0, m.1));
        for count in [1, 2, 3, 7, 10, 25, 60, 200] {
            let found = first_available(doctors.iter().zip(&occupancies), &request, count).unwrap();
            let expected: Vec<_> = merged
                .iter()
                .take(count as usize)
                .map(|m| m.2.clone())
                .collect();
            assert_eq!(found, expected, "from +{start_hours}h, count {count}");
            let found =
                first_available_prepared(doctors.iter().zip(&prepared), &request, count).unwrap();
            assert_eq!(
                found, expected,
                "prepared, from +{start_hours}h, count {count}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 48);
}

/// With a small work bound, the search says when it stopped looking: untruncated, it is the
/// naive merge of every doctor's slots (under the default limits, which reach every slot);
/// truncated, every slot it gives is one of those, and some doctor had slots it missed.
#[test]
fn a_search_stopped_by_its_work_bound_says_so() {
    use Weekday::*;
    let clinic_of = |limits: &Limits| {
        ClinicRules::with_limits(
            &Clinic {
                locations: vec![Location::new("london", "London", "Europe/London")],
                holidays: vec![],
            },
            limits,
        )
        .unwrap()
    };
    let doctors_of = |clinic: &ClinicRules| {
        [
            doctor(clinic, "a", "london", &[Mon], ("09:00", "10:00")),
            doctor(clinic, "b", "london", &[Tue, Thu], ("09:00", "11:00")),
        ]
    };
    let everyone = doctors_of(&clinic_of(&Limits::DEFAULT));
    let none = Occupancy::default();
    let request = SlotRequest {
        appointment_type: AppointmentType::new("visit", 20),
        start: t("2026-03-02T00:00:00Z"),
        end: t("2026-03-16T00:00:00Z"),
        now: t("2026-02-20T00:00:00Z"),
    };
    let mut merged: Vec<_> = (everyone.iter().enumerate())
        .flat_map(|(d, doctor)| {
            let series = doctor
                .slots(&request, &none, SlotOptions::default())
                .unwrap();
            series.slots.into_iter().map(move |s| (s.start, d, s))
        })
        .collect();
    merged.sort_by_key(|m| (m.0, m.1));
    let all: Vec<_> = merged.into_iter().map(|m| m.2).collect();
    assert_eq!(all.len(), 2 * 3 + 4 * 6);
    let (mut truncated, mut whole) = (0, 0);
    for max_slots in [1, 2, 3, 5, 8, 13, 40] {
        let doctors = doctors_of(&clinic_of(&Limits {
            max_slots,
            ..Limits::DEFAULT
        }));
        for count in [1, 2, 4, 9, 30, 31] {
            let found = first_available_series(doctors.iter().map(|d| (d, &none)), &request, count)
                .unwrap();
            assert!(found.unavailable.is_empty());
            let what = format!("max_slots {max_slots}, count {count}");
            if found.truncated {
                truncated += 1;
                assert!(found.slots.iter().all(|s| all.contains(s)), "{what}");
                assert!(found.slots.len() <= count as usize, "{what}");
                assert!(
                    max_slots < 24,
                    "{what}: no doctor has more than 24 candidates"
                );
            } else {
                whole += 1;
                let want: Vec<_> = all.iter().take(count as usize).cloned().collect();
                assert_eq!(found.slots, want, "{what}");
            }
            let plain = first_available(doctors.iter().map(|d| (d, &none)), &request, count);
            assert_eq!(plain.unwrap(), found.slots, "{what}");
        }
    }
    assert!(
        truncated > 0 && whole > 0,
        "{truncated} truncated, {whole} whole"
    );
}
