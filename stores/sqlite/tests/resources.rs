//! Joint bookings and pool bookings racing on one SQLite file: every resource an appointment
//! takes is on its day book, so the single-stream append orders them (docs/RESOURCES.md).
//! Afterwards, minute by minute, no doctor, clinician or piece of equipment holds more
//! appointments than it has seats.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc, Weekday};
use medsched::booking::{
    AssignmentRule, BookRequest, Bookings, JointBookRequest, Pool, PoolBookRequest, Schedule,
};
use medsched::store::Actor;
use medsched::{AppointmentType, Clinic, DoctorCalendar, Location, Room, Session, WeeklyTemplate};
use medsched_sqlite::SqliteStore;

fn at(hm: &str) -> DateTime<Utc> {
    format!("2026-03-03T{hm}:00Z").parse().unwrap()
}

fn schedule() -> Schedule {
    let clinic = Clinic {
        locations: vec![Location {
            rooms: vec![Room::new("theatre", "Theatre", 1)],
            ..Location::new("main", "Main", "UTC")
        }],
        holidays: vec![],
    };
    let calendars: Vec<DoctorCalendar> = ["dr-cut", "dr-gas", "dr-ash", "dr-bay"]
        .into_iter()
        .map(|id| {
            let mut calendar = DoctorCalendar::new(id);
            calendar.templates.push(WeeklyTemplate {
                weekdays: vec![Weekday::Tue],
                sessions: vec![Session::new("09:00", "13:00").unwrap()],
                ..WeeklyTemplate::new("tue", "main")
            });
            calendar
        })
        .collect();
    let types = [
        AppointmentType {
            step_minutes: Some(30),
            ..AppointmentType::new("op", 60)
        },
        AppointmentType::new("consult", 15),
    ];
    Schedule::new("clinic-1", &clinic, &calendars, &types).unwrap()
}

fn joint(id: &str, doctor: &str, start: DateTime<Utc>, clinicians: &[&str]) -> JointBookRequest {
    JointBookRequest {
        appointment_id: id.into(),
        patient_id: format!("pat-{id}").into(),
        doctor_id: doctor.into(),
        appointment_type_id: "op".into(),
        start,
        clinicians: clinicians.iter().map(|&c| c.into()).collect(),
        equipment: vec!["theatre".into()],
    }
}

#[test]
fn racing_joint_and_pool_bookings_on_sqlite_never_overbook_a_resource() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("clinic.db")).unwrap();
    let s = schedule();
    let staff = Actor::staff("desk");
    let now = at("00:00") - Duration::days(2);
    std::thread::scope(|scope| {
        for i in 0..12 {
            let (store, s, staff) = (&store, &s, &staff);
            scope.spawn(move || {
                let b = Bookings::new(store);
                let id = format!("x-{i}");
                let result = match i % 4 {
                    0 => b.book_joint(
                        s,
                        staff,
                        now,
                        joint(&id, "dr-cut", at("10:00"), &["dr-gas"]),
                    ),
                    1 => b.book_joint(s, staff, now, joint(&id, "dr-ash", at("10:30"), &[])),
                    2 => b.book(
                        s,
                        staff,
                        now,
                        BookRequest {
                            appointment_id: id.as_str().into(),
                            patient_id: "pat".into(),
                            doctor_id: "dr-gas".into(),
                            appointment_type_id: "consult".into(),
                            start: at("10:15"),
                        },
                    ),
                    _ => b
                        .book_from_pool(
                            s,
                            staff,
                            now,
                            PoolBookRequest {
                                appointment_id: id.as_str().into(),
                                patient_id: "pat".into(),
                                pool: Pool {
                                    id: "team".into(),
                                    doctor_ids: vec!["dr-ash".into(), "dr-bay".into()],
                                    rule: AssignmentRule::RoundRobin,
                                },
                                appointment_type_id: "consult".into(),
                                start: at("10:45"),
                            },
                        )
                        .map(|p| p.appointment),
                };
                if let Err(e) = result {
                    assert_eq!(e.code(), "slot_unavailable", "{e}");
                }
            });
        }
    });
    let book = Bookings::new(&store)
        .day(&s, "2026-03-03".parse().unwrap())
        .unwrap();
    assert!(!book.appointments().is_empty());
    let mut minute = at("09:00");
    while minute < at("13:00") {
        let mut taken: HashMap<String, u32> = HashMap::new();
        for a in book.appointments().iter().filter(|a| a.occupies()) {
            if a.slot.start <= minute && minute < a.slot.end {
                let slot = &a.slot;
                for r in std::iter::once(&slot.doctor_id)
                    .chain(&slot.clinicians)
                    .chain(&slot.equipment)
                {
                    *taken.entry(r.to_string()).or_default() += 1;
                }
            }
        }
        for (r, n) in taken {
            assert!(n <= 1, "{r} holds {n} at {minute}");
        }
        minute += Duration::minutes(1);
    }
}
