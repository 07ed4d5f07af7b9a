//! A small clinic for the several-resources and pool tests: one location in UTC with a
//! theatre (capacity 1) and an ultrasound (capacity 2), doctors working one Tuesday.

#![allow(dead_code)]

use chrono::{DateTime, Duration, Utc, Weekday};
use medsched::booking::{BookRequest, JointBookRequest, Schedule};
use medsched::store::Actor;
use medsched::{AppointmentType, Clinic, DoctorCalendar, Location, Room, Session, WeeklyTemplate};

/// The Tuesday every test books on.
pub const DAY: &str = "2026-03-03";

pub fn at(hm: &str) -> DateTime<Utc> {
    format!("{DAY}T{hm}:00Z").parse().unwrap()
}

pub fn now() -> DateTime<Utc> {
    at("00:00") - Duration::days(2)
}

pub fn clinic() -> Clinic {
    Clinic {
        locations: vec![
            Location {
                rooms: vec![
                    Room::new("theatre", "Theatre", 1),
                    Room::new("ultrasound", "Ultrasound", 2),
                    Room::new("r1", "Consultation 1", 1),
                ],
                ..Location::new("main", "Main", "UTC")
            },
            Location {
                rooms: vec![Room::new("far-scanner", "Scanner", 1)],
                ..Location::new("annex", "Annex", "UTC")
            },
        ],
        holidays: vec![],
    }
}

/// A doctor working `from`–`to` on Tuesdays at the main location, in `room` if given.
pub fn doctor(id: &str, from: &str, to: &str, room: Option<&str>) -> DoctorCalendar {
    let mut calendar = DoctorCalendar::new(id);
    calendar.templates.push(WeeklyTemplate {
        weekdays: vec![Weekday::Tue],
        sessions: vec![Session::new(from, to).unwrap()],
        room_id: room.map(Into::into),
        ..WeeklyTemplate::new("tue", "main")
    });
    calendar
}

pub fn types() -> Vec<AppointmentType> {
    vec![
        AppointmentType {
            step_minutes: Some(30),
            ..AppointmentType::new("op", 60)
        },
        AppointmentType::new("consult", 15),
    ]
}

/// Surgeon 09–13 in r1, anaesthetist 10–14, a GP team of three 09–12.
pub fn schedule() -> Schedule {
    let calendars = [
        doctor("dr-cut", "09:00", "13:00", Some("r1")),
        doctor("dr-gas", "10:00", "14:00", None),
        doctor("dr-ash", "09:00", "12:00", None),
        doctor("dr-bay", "09:00", "12:00", None),
        doctor("dr-cole", "09:00", "12:00", None),
    ];
    Schedule::new("clinic-1", &clinic(), &calendars, &types()).unwrap()
}

pub fn staff() -> Actor {
    Actor::staff("desk")
}

pub fn book(id: &str, doctor: &str, type_id: &str, start: DateTime<Utc>) -> BookRequest {
    BookRequest {
        appointment_id: id.into(),
        patient_id: format!("pat-{id}").into(),
        doctor_id: doctor.into(),
        appointment_type_id: type_id.into(),
        start,
    }
}

pub fn joint(
    id: &str,
    start: DateTime<Utc>,
    clinicians: &[&str],
    equipment: &[&str],
) -> JointBookRequest {
    let b = book(id, "dr-cut", "op", start);
    JointBookRequest {
        appointment_id: b.appointment_id,
        patient_id: b.patient_id,
        doctor_id: b.doctor_id,
        appointment_type_id: b.appointment_type_id,
        start: b.start,
        clinicians: clinicians.iter().map(|&c| c.into()).collect(),
        equipment: equipment.iter().map(|&e| e.into()).collect(),
    }
}
