//! Input that would silently do nothing, or nothing like what was meant, is refused with the
//! field, the value and what to write instead.

use chrono::{DateTime, Utc, Weekday};
use medsched::{
    Availability, Clinic, ClinicRules, DoctorCalendar, Location, Room, Session, WeeklyTemplate,
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
