//! Input that would silently do nothing, or nothing like what was meant, is refused with the
//! field, the value and what to write instead.

use chrono::{DateTime, Utc, Weekday};
use medsched::{
    AppointmentType, Availability, Clinic, ClinicRules, DoctorCalendar, Location, Occupancy,
    Reservation, Room, Session, SlotOptions, SlotRequest, WeeklyTemplate, first_available,
};

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn clinic() -> ClinicRules {
    ClinicRules::new(&Clinic {
        locations: vec![Location {
            rooms: vec![Room::new("r1", "Room 1", 1)],
            ..Location::new("main", "Main", "Europe/London")
        }],
        holidays: vec![],
    })
    .unwrap()
}

fn calendar(sessions: Vec<Session>) -> DoctorCalendar {
    let mut calendar = DoctorCalendar::new("dr-a");
    calendar.templates.push(WeeklyTemplate {
        weekdays: vec![Weekday::Mon],
        room_id: Some("r1".into()),
        sessions,
        ..WeeklyTemplate::new("mon", "main")
    });
    calendar
}

fn request() -> SlotRequest {
    SlotRequest {
        appointment_type: AppointmentType::new("visit", 30),
        start: utc("2026-03-02T00:00:00Z"),
        end: utc("2026-03-03T00:00:00Z"),
        now: utc("2026-03-01T00:00:00Z"),
    }
}

#[test]
fn a_reservation_of_another_doctor_outside_shared_rooms_is_refused() {
    let doctor = Availability::new(
        &clinic(),
        &calendar(vec![Session::new("09:00", "12:00").unwrap()]),
    )
    .unwrap();
    let typo = Reservation::new(
        "res-1",
        "dr-A",
        utc("2026-03-02T09:00:00Z"),
        utc("2026-03-02T09:30:00Z"),
    );
    let occupancy = Occupancy {
        reservations: vec![typo.clone()],
        busy: vec![],
    };
    let err = doctor
        .slots(&request(), &occupancy, SlotOptions::default())
        .unwrap_err();
    assert_eq!(err.field(), Some("reservations[0].doctor_id"));
    assert_eq!(err.problem().unwrap().code(), "conflicting");
    assert!(err.to_string().contains("dr-a"), "{err}");
    let err = first_available([(&doctor, &occupancy)], &request(), 1).unwrap_err();
    assert_eq!(err.field(), Some("doctors[0].reservations[0].doctor_id"));

    // In a room the doctor uses, another doctor's appointment counts.
    let shared = Occupancy {
        reservations: vec![Reservation {
            room_id: Some("r1".into()),
            ..typo
        }],
        busy: vec![],
    };
    let series = doctor
        .slots(&request(), &shared, SlotOptions::default())
        .unwrap();
    assert_eq!(series.slots[0].start, utc("2026-03-02T09:30:00Z"));
}

#[test]
fn a_search_takes_one_occupancy_for_all_its_doctors() {
    let mut other = calendar(vec![Session::new("09:00", "12:00").unwrap()]);
    other.doctor_id = "dr-B".into();
    let doctor = Availability::new(
        &clinic(),
        &calendar(vec![Session::new("09:00", "12:00").unwrap()]),
    )
    .unwrap();
    let doctor_b = Availability::new(&clinic(), &other).unwrap();
    let theirs = |id: &str| {
        Reservation::new(
            format!("res-{id}"),
            id,
            utc("2026-03-02T09:00:00Z"),
            utc("2026-03-02T12:00:00Z"),
        )
    };
    // The clinic's bookings, shared by both doctors of the search: each counts for its own.
    let clinic_wide = Occupancy {
        reservations: vec![theirs(doctor.doctor_id().as_str()), theirs("dr-B")],
        busy: vec![],
    };
    let pairs = [(&doctor, &clinic_wide), (&doctor_b, &clinic_wide)];
    assert!(first_available(pairs, &request(), 1).unwrap().is_empty());
    // A doctor no one asked about is still a typo.
    let typo = Occupancy {
        reservations: vec![theirs("dr-C")],
        busy: vec![],
    };
    let err = first_available([(&doctor, &typo), (&doctor_b, &typo)], &request(), 1).unwrap_err();
    assert_eq!(err.field(), Some("doctors[0].reservations[0].doctor_id"));
}

#[test]
fn a_day_long_or_24_00_session_says_how_to_write_it() {
    let err = Session::new("20:00", "24:00").unwrap_err();
    assert_eq!(err.field(), Some("end"));
    assert!(err.to_string().contains("write 00:00"), "{err}");

    let whole_day = calendar(vec![Session::new("00:00", "00:00").unwrap()]);
    let err = Availability::new(&clinic(), &whole_day).unwrap_err();
    assert_eq!(err.field(), Some("templates[0].sessions[0].end"));
    assert_eq!(err.problem().unwrap().code(), "out_of_range");
    assert!(
        err.to_string().contains("00:00-12:00 and 12:00-00:00"),
        "{err}"
    );
}

#[test]
fn a_night_running_into_the_next_days_session_is_refused() {
    let mut cal = calendar(vec![Session::new("20:00", "08:00").unwrap()]);
    cal.templates[0].weekdays = vec![Weekday::Mon, Weekday::Tue];
    cal.templates[0]
        .sessions
        .insert(0, Session::new("07:00", "09:00").unwrap());
    let err = Availability::new(&clinic(), &cal).unwrap_err();
    assert_eq!(err.field(), Some("templates[0].sessions[1].end"));
    assert_eq!(err.problem().unwrap().code(), "overlap");
    assert!(err.to_string().contains("after Mondays"), "{err}");

    // Monday's night and Tuesday's morning only: no overlap, the night ends at 08:00.
    cal.templates[0].weekdays = vec![Weekday::Mon];
    let doctor = Availability::new(&clinic(), &cal).unwrap();
    let night = doctor
        .resolve(utc("2026-03-02T20:00:00Z"), utc("2026-03-03T09:00:00Z"))
        .unwrap();
    assert_eq!(night[0].end, utc("2026-03-03T08:00:00Z"));
}
