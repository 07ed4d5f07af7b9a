//! Input that would silently do nothing, or nothing like what was meant, is refused with the
//! field, the value and what to write instead.

use chrono::{DateTime, Utc, Weekday};
use medsched::{
    AppointmentType, Availability, Clinic, ClinicRules, DoctorCalendar, Error, Id, Limits,
    Location, Occupancy, PreparedOccupancy, Reservation, Room, RuleKind, Session, SlotOptions,
    SlotRequest, Status, Unavailability, WeeklyTemplate, first_available, first_available_prepared,
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

fn rules_of(clinic: &ClinicRules, cal: &DoctorCalendar) -> Availability {
    Availability::new(clinic, cal).unwrap()
}

/// Monday 2 March 2026 in London (UTC+0) at `hh:mm`.
fn monday(hm: &str) -> DateTime<Utc> {
    utc(&format!("2026-03-02T{hm}:00Z"))
}

#[test]
fn a_lunch_between_two_sessions_is_a_break_of_its_template() {
    let cal = calendar(vec![
        Session::new("09:00", "13:00")
            .unwrap()
            .with_break("11:00", "11:15")
            .unwrap(),
        Session::new("14:00", "17:00").unwrap(),
    ]);
    let doctor = rules_of(&clinic(), &cal);
    let day = doctor.resolve(monday("00:00"), monday("23:59")).unwrap();
    let got: Vec<(String, &str, Option<&str>)> = day
        .iter()
        .map(|i| {
            (
                i.start.format("%H:%M").to_string(),
                i.rule.as_str(),
                i.rule_id.as_ref().map(|r| r.as_str()),
            )
        })
        .collect();
    let want = [
        ("00:00", "outside_hours", None),
        ("09:00", "base", Some("mon")),
        ("11:00", "break", Some("mon")),
        ("11:15", "base", Some("mon")),
        ("13:00", "break", Some("mon")),
        ("14:00", "base", Some("mon")),
        ("17:00", "outside_hours", None),
    ];
    let want: Vec<(String, &str, Option<&str>)> = want
        .iter()
        .map(|&(t, r, id)| (t.to_owned(), r, id))
        .collect();
    assert_eq!(got, want);
    let lunch = &day[4];
    assert_eq!(
        (lunch.status, lunch.location_id.as_ref()),
        (Status::Closed, None)
    );

    let why = doctor.explain(monday("13:30")).unwrap();
    assert_eq!(
        (why.rule, why.rule_id.unwrap().as_str()),
        (RuleKind::Break, "mon")
    );
    assert!(why.overruled.is_empty());
}

#[test]
fn a_break_closes_nothing_and_loses_to_every_rule() {
    let mut cal = calendar(vec![
        Session::new("09:00", "12:00").unwrap(),
        Session::new("14:00", "17:00").unwrap(),
    ]);
    // Another template works through the first one's lunch: that time is open.
    cal.templates.push(WeeklyTemplate {
        weekdays: vec![Weekday::Mon],
        sessions: vec![Session::new("12:00", "13:00").unwrap()],
        ..WeeklyTemplate::new("mon-noon", "main")
    });
    cal.forced_blocks.push(Unavailability {
        id: "audit".into(),
        start: monday("13:30"),
        end: monday("13:45"),
        reason: String::new(),
    });
    let doctor = rules_of(&clinic(), &cal);
    let at = |hm: &str| doctor.explain(monday(hm)).unwrap();
    assert_eq!(
        (at("12:30").status, at("12:30").rule),
        (Status::Open, RuleKind::Base)
    );
    assert_eq!(at("12:30").rule_id.unwrap().as_str(), "mon-noon");
    assert_eq!(at("13:15").rule, RuleKind::Break);
    assert_eq!(at("13:30").rule, RuleKind::ForcedBlock);
    // Before the first session and after the last: nothing is scheduled.
    assert_eq!(at("08:00").rule, RuleKind::OutsideHours);
    assert_eq!(at("18:00").rule, RuleKind::OutsideHours);
}

#[test]
fn resolve_dates_gives_the_last_dates_night_whole() {
    let night = calendar(vec![Session::new("20:00", "08:00").unwrap()]);
    let doctor = rules_of(&clinic(), &night);
    let monday_date = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let day = doctor
        .resolve_dates("main", monday_date, monday_date)
        .unwrap();
    let last = day.last().unwrap();
    assert_eq!(last.end, utc("2026-03-03T08:00:00Z"), "{day:?}");
    assert_eq!((last.start, last.rule), (monday("20:00"), RuleKind::Base));

    // Without a night, the range ends at the date's midnight as before.
    let days = rules_of(
        &clinic(),
        &calendar(vec![Session::new("09:00", "17:00").unwrap()]),
    );
    let day = days
        .resolve_dates("main", monday_date, monday_date)
        .unwrap();
    assert_eq!(day.last().unwrap().end, utc("2026-03-03T00:00:00Z"));
}

fn london() -> Clinic {
    Clinic {
        locations: vec![Location {
            rooms: vec![Room::new("r1", "Room 1", 1)],
            ..Location::new("main", "Main", "Europe/London")
        }],
        holidays: vec![],
    }
}

fn monday_request() -> SlotRequest {
    SlotRequest {
        appointment_type: AppointmentType::new("consult", 30),
        start: monday("00:00"),
        end: utc("2026-03-03T00:00:00Z"),
        now: utc("2026-03-01T00:00:00Z"),
    }
}

/// The day book's occupancy of the clinic: a colleague's appointment, and one whose doctor
/// id is mistyped.
fn day_book() -> Occupancy {
    let at = |id: &str, doctor: &str, hm: &str| {
        Reservation::new(
            id,
            doctor,
            monday(hm),
            monday(hm) + chrono::Duration::minutes(30),
        )
    };
    Occupancy {
        reservations: vec![at("a1", "dr-b", "09:00"), at("a2", "dr-aa", "09:30")],
        busy: vec![],
    }
}

#[test]
fn without_a_roster_any_doctors_reservation_is_read_and_a_typo_blocks_nothing() {
    let doctor = rules_of(
        &ClinicRules::new(&london()).unwrap(),
        &calendar(vec![Session::new("09:00", "11:00").unwrap()]),
    );
    let series = doctor
        .slots(&monday_request(), &day_book(), SlotOptions::default())
        .unwrap();
    // dr-aa's 09:30 (meant for dr-a) blocks nothing: every start 09:00 to 10:30 is open.
    assert_eq!(series.slots.len(), 7);
}

#[test]
fn with_a_roster_a_reservation_of_a_doctor_not_on_it_is_refused() {
    let roster: Vec<Id> = vec!["dr-a".into(), "dr-b".into()];
    let rules = ClinicRules::with_roster(&london(), &Limits::DEFAULT, &roster).unwrap();
    assert_eq!(rules.roster(), Some(&roster[..]));
    let doctor = rules_of(
        &rules,
        &calendar(vec![Session::new("09:00", "11:00").unwrap()]),
    );
    let request = monday_request();
    let refused = |err: Error, field: &str| {
        assert_eq!(err.field(), Some(field), "{err}");
        assert_eq!(err.value(), Some("dr-aa"));
        assert_eq!(err.problem().unwrap().code(), "unknown_reference");
    };

    let err = doctor
        .slots(&request, &day_book(), SlotOptions::default())
        .unwrap_err();
    refused(err, "reservations[1].doctor_id");
    let prepared = PreparedOccupancy::new(day_book()).unwrap();
    let err = doctor
        .slot_set(&request, &prepared, SlotOptions::default())
        .unwrap_err();
    refused(err, "reservations[1].doctor_id");
    let book = day_book();
    let err = first_available([(&doctor, &book)], &request, 3).unwrap_err();
    refused(err, "doctors[0].reservations[1].doctor_id");
    let err = first_available_prepared([(&doctor, &prepared)], &request, 3).unwrap_err();
    refused(err, "doctors[0].reservations[1].doctor_id");

    // The colleague on the roster is read as before (no room: blocks nothing of dr-a's).
    let mut fixed = day_book();
    fixed.reservations[1].doctor_id = "dr-a".into();
    let series = doctor
        .slots(&request, &fixed, SlotOptions::default())
        .unwrap();
    assert_eq!(
        series.slots.len(),
        4,
        "dr-a's own 09:30 takes 09:15, 09:30 and 09:45"
    );

    // A calendar of a doctor not on the roster, and a doctor twice on it.
    let err = Availability::new(&rules, &DoctorCalendar::new("dr-c")).unwrap_err();
    assert_eq!(
        (err.field(), err.value()),
        (Some("doctor_id"), Some("dr-c"))
    );
    let twice: Vec<Id> = vec!["dr-a".into(), "dr-a".into()];
    let err = ClinicRules::with_roster(&london(), &Limits::DEFAULT, &twice).unwrap_err();
    assert_eq!(err.field(), Some("roster[1]"));
    assert_eq!(err.problem().unwrap().code(), "duplicate_id");
}
