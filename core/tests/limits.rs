//! The limits of issue 20: bounded recurrence expansion, counts and sizes of rules, slots per
//! call by count, cut error values and refused leap seconds. Each test asserts behaviour
//! (what is refused, with which field and problem), never speed.

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use medsched::{
    AppointmentType, Availability, Clinic, ClinicRules, ConsultationMode, DoctorCalendar, Holiday,
    Limits, Location, Occupancy, PreparedOccupancy, Reservation, Session, SlotOptions, SlotRequest,
    Unavailability, WeeklyTemplate,
};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn clinic() -> Clinic {
    Clinic {
        locations: vec![Location::new("main", "Main", "Europe/London")],
        holidays: vec![],
    }
}

fn weekdays() -> DoctorCalendar {
    let mut calendar = DoctorCalendar::new("dr-lee");
    calendar.templates.push(WeeklyTemplate {
        weekdays: vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ],
        sessions: vec![Session::new("08:00", "20:00").unwrap()],
        ..WeeklyTemplate::new("week", "main")
    });
    calendar
}

fn code(err: &medsched::Error) -> (&str, Option<&str>) {
    (err.code(), err.problem().map(|p| p.code()))
}

#[test]
fn a_holiday_rule_that_never_fires_is_refused() {
    let mut clinic = clinic();
    let mut never = Holiday::on("feb-30", "Never", date("2026-01-01"));
    never.rrule = Some("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30".into());
    clinic.holidays.push(never);
    let err = ClinicRules::new(&clinic).unwrap_err();
    assert_eq!(err.field(), Some("holidays[0].rrule"));
    assert_eq!(code(&err), ("invalid_input", Some("invalid_recurrence")));
    assert!(err.to_string().contains("selects no date"), "{err}");
}

#[test]
fn rules_that_cannot_fire_are_refused_in_templates_too() {
    for rule in ["FREQ=WEEKLY;INTERVAL=0;BYDAY=MO", "FREQ=WEEKLY;COUNT=0"] {
        let mut calendar = DoctorCalendar::new("dr-lee");
        calendar.templates.push(WeeklyTemplate {
            rrule: Some(rule.into()),
            effective_from: Some(date("2026-01-05")),
            sessions: vec![Session::new("09:00", "10:00").unwrap()],
            ..WeeklyTemplate::new("t", "main")
        });
        let rules = ClinicRules::new(&clinic()).unwrap();
        let err = Availability::new(&rules, &calendar).unwrap_err();
        assert_eq!(err.field(), Some("templates[0].rrule"), "{rule}");
        assert_eq!(code(&err).1, Some("invalid_recurrence"), "{rule}");
    }
}

#[test]
fn the_number_of_recurrence_rules_is_bounded() {
    let mut clinic = clinic();
    for i in 0..=Limits::DEFAULT.max_recurrence_rules {
        let mut h = Holiday::on(format!("h{i}"), "Yearly", date("2026-01-26"));
        h.rrule = Some("FREQ=YEARLY".into());
        clinic.holidays.push(h);
    }
    let err = ClinicRules::new(&clinic).unwrap_err();
    assert_eq!(err.field(), Some("holidays[].rrule"));
    assert_eq!(err.value(), Some("33 entries"));
    assert_eq!(code(&err).1, Some("out_of_range"));
    let roomy = Limits {
        max_recurrence_rules: 33,
        ..Limits::DEFAULT
    };
    assert!(ClinicRules::with_limits(&clinic, &roomy).is_ok());
}

#[test]
fn forced_blocks_past_the_limit_are_refused_and_the_host_can_raise_it() {
    let mut calendar = weekdays();
    let start = t("2026-03-02T09:00:00Z");
    for i in 0..=Limits::DEFAULT.max_exceptions {
        let at = start + chrono::Duration::minutes(i64::from(i) * 2);
        let block = Unavailability::new(format!("b{i}"), at, at + chrono::Duration::minutes(1));
        calendar.forced_blocks.push(block);
    }
    let rules = ClinicRules::new(&clinic()).unwrap();
    let err = Availability::new(&rules, &calendar).unwrap_err();
    assert_eq!(err.field(), Some("forced_blocks"));
    assert_eq!(code(&err).1, Some("out_of_range"));
    let roomy = Limits {
        max_exceptions: 20_000,
        ..Limits::DEFAULT
    };
    let rules = ClinicRules::with_limits(&clinic(), &roomy).unwrap();
    assert!(Availability::new(&rules, &calendar).is_ok());
}

#[test]
fn long_texts_are_refused_and_the_error_cuts_the_value() {
    let mut calendar = weekdays();
    let reason = "x".repeat(1_200_000);
    calendar.leaves.push(medsched::Leave {
        reason: reason.clone(),
        ..medsched::Leave::new(
            "l1",
            medsched::LeaveStatus::Approved,
            date("2026-03-02"),
            date("2026-03-03"),
        )
    });
    let rules = ClinicRules::new(&clinic()).unwrap();
    let err = Availability::new(&rules, &calendar).unwrap_err();
    assert_eq!(err.field(), Some("leaves[0].reason"));
    let value = err.value().unwrap();
    assert!(value.ends_with("… (1200000 characters)"), "{value}");
    assert!(value.len() < 300);
    assert!(err.to_string().len() < 500);
    assert!(err.report().message.len() < 500);
}

#[test]
fn slots_stop_at_the_limit_by_count_and_say_so() {
    let rules = ClinicRules::new(&clinic()).unwrap();
    let availability = Availability::new(&rules, &weekdays()).unwrap();
    let request = SlotRequest {
        appointment_type: AppointmentType {
            step_minutes: Some(1),
            max_days_ahead: Some(2_000),
            ..AppointmentType::new("quick", 1)
        },
        start: t("2026-03-02T00:00:00Z"),
        end: t("2029-03-01T00:00:00Z"),
        now: t("2026-03-01T00:00:00Z"),
    };
    let options = SlotOptions {
        include_unavailable: true,
        limit: None,
    };
    let series = availability
        .slots(&request, &Occupancy::default(), options)
        .unwrap();
    let max = Limits::DEFAULT.max_slots as usize;
    assert!(series.truncated);
    assert_eq!(series.slots.len() + series.unavailable.len(), max);
    // The rest follows from the last slot returned.
    let last = series.slots.last().unwrap().start;
    let rest = SlotRequest {
        start: last,
        ..request.clone()
    };
    let next = availability
        .slots(&rest, &Occupancy::default(), options)
        .unwrap();
    assert_eq!(next.slots[0].start, last);
    // A small range is whole.
    let day = SlotRequest {
        end: t("2026-03-03T00:00:00Z"),
        ..request
    };
    let series = availability
        .slots(&day, &Occupancy::default(), options)
        .unwrap();
    assert!(!series.truncated);
    assert_eq!(series.slots.len() + series.unavailable.len(), 12 * 60);
}

#[test]
fn the_slot_budget_counts_refused_candidates_whether_or_not_they_are_reported() {
    // Booked and held slots, some with buffers, through a working day: without reasons to
    // report, refused candidates are passed over in runs (not decided one by one), and the
    // budget must still count each, so a truncated call stops at the same slot either way.
    let base = Availability::new(&ClinicRules::new(&clinic()).unwrap(), &weekdays()).unwrap();
    let request = SlotRequest {
        appointment_type: AppointmentType::new("consult", 15),
        start: t("2026-03-02T00:00:00Z"),
        end: t("2026-03-04T00:00:00Z"),
        now: t("2026-03-01T00:00:00Z"),
    };
    let reservations: Vec<Reservation> = (0..40)
        .map(|k| {
            let start = t("2026-03-02T08:00:00Z") + chrono::Duration::minutes(15 * (3 * k % 97));
            Reservation {
                id: format!("r{k}").into(),
                doctor_id: "dr-lee".into(),
                start,
                end: start + chrono::Duration::minutes(if k % 4 == 0 { 30 } else { 15 }),
                buffer_before_minutes: if k % 5 == 0 { 5 } else { 0 },
                buffer_after_minutes: if k % 3 == 0 { 10 } else { 0 },
                seats: 1,
                mode: ConsultationMode::InPerson,
                room_id: None,
                expires_at: (k % 6 == 0).then(|| t("2026-03-01T00:10:00Z")),
                appointment_type_id: None,
            }
        })
        .collect();
    let occupancy = Occupancy {
        reservations,
        busy: vec![],
    };
    let prepared = PreparedOccupancy::new(occupancy.clone()).unwrap();
    for max_slots in 1..=100 {
        let limits = Limits {
            max_slots,
            ..Limits::DEFAULT
        };
        let rules = ClinicRules::with_limits(&clinic(), &limits).unwrap();
        let availability = Availability::new(&rules, &weekdays()).unwrap();
        let reported = SlotOptions {
            include_unavailable: true,
            limit: None,
        };
        let all = availability.slots(&request, &occupancy, reported).unwrap();
        assert_eq!(
            all.slots.len() + all.unavailable.len(),
            (max_slots as usize).min(96),
            "every candidate is counted"
        );
        for quiet in [
            availability
                .slots(&request, &occupancy, SlotOptions::default())
                .unwrap(),
            availability
                .slot_set(&request, &prepared, SlotOptions::default())
                .unwrap()
                .into_series(),
        ] {
            assert_eq!(quiet.slots, all.slots, "max_slots {max_slots}");
            assert_eq!(quiet.truncated, all.truncated, "max_slots {max_slots}");
        }
    }
    // With the default budget nothing is cut, and both calls agree too.
    let quiet = base
        .slots(&request, &occupancy, SlotOptions::default())
        .unwrap();
    let reported = SlotOptions {
        include_unavailable: true,
        limit: None,
    };
    let all = base.slots(&request, &occupancy, reported).unwrap();
    assert!(!quiet.truncated && !quiet.slots.is_empty());
    assert_eq!(quiet.slots, all.slots);
}

#[test]
fn leap_seconds_are_refused_everywhere() {
    let err = Session::new("09:00", "23:59:60").unwrap_err();
    assert_eq!(code(&err), ("invalid_input", Some("out_of_range")));
    let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
        .unwrap()
        .and_hms_milli_opt(23, 59, 59, 1_000)
        .unwrap()
        .and_utc();
    let rules = ClinicRules::new(&clinic()).unwrap();
    let availability = Availability::new(&rules, &weekdays()).unwrap();
    let err = availability.explain(leap).unwrap_err();
    assert_eq!(err.field(), Some("instant"));
    assert!(err.to_string().contains("leap second"), "{err}");
    let from_json: DateTime<Utc> = serde_json::from_str("\"2016-12-31T23:59:60Z\"").unwrap();
    assert!(availability.explain(from_json).is_err());
    let mut calendar = weekdays();
    calendar.templates[0].sessions[0].end = serde_json::from_str("\"23:59:60\"").unwrap();
    let err = Availability::new(&rules, &calendar).unwrap_err();
    assert_eq!(err.field(), Some("templates[0].sessions[0].end"));
}
