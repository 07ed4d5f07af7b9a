//! Booking limits and the grid options, scenario by scenario: slot generation reports a full
//! day as `limit_reached`, the decider refuses a booking past a limit (racing threads
//! included), and the grid restarts after bookings, fills gaps and starts at an offset.

use std::sync::{Arc, Barrier};

use chrono::{DateTime, Utc, Weekday};
use medsched::{
    Alignment, AppointmentType, Availability, BookingLimitKind, BookingLimits, Clinic, ClinicRules,
    DoctorCalendar, Error, Location, Occupancy, Reservation, Session, SlotOptions, SlotRequest,
    SlotSeries, Unavailable, WeeklyTemplate,
    booking::{BookRequest, Bookings, Schedule},
    store::{Actor, InMemoryStore},
};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("an RFC 3339 instant")
}

/// London is on UTC in early March 2026: every wall-clock time here is its UTC time.
fn clinic() -> Clinic {
    Clinic {
        locations: vec![Location::new("main", "Main", "Europe/London")],
        holidays: vec![],
    }
}

/// Mon–Fri 09:00–12:00, 15-minute slots.
fn calendar(limits: BookingLimits) -> DoctorCalendar {
    let mut calendar = DoctorCalendar::new("dr-a");
    calendar.booking_limits = limits;
    calendar.templates.push(WeeklyTemplate {
        weekdays: vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ],
        sessions: vec![Session::new("09:00", "12:00").unwrap()],
        ..WeeklyTemplate::new("opd", "main")
    });
    calendar
}

fn booked(id: &str, start: &str, minutes: i64, kind: Option<&str>) -> Reservation {
    let start = t(start);
    Reservation {
        appointment_type_id: kind.map(Into::into),
        ..Reservation::new(
            id,
            "dr-a",
            start,
            start + chrono::Duration::minutes(minutes),
        )
    }
}

fn slots(
    cal: &DoctorCalendar,
    ty: AppointmentType,
    (from, to): (&str, &str),
    reservations: Vec<Reservation>,
) -> SlotSeries {
    let rules = ClinicRules::new(&clinic()).unwrap();
    let availability = Availability::new(&rules, cal).unwrap();
    let request = SlotRequest {
        appointment_type: ty,
        start: t(from),
        end: t(to),
        now: t("2026-03-01T08:00:00Z"),
    };
    let occupancy = Occupancy {
        reservations,
        busy: vec![],
    };
    let options = SlotOptions {
        include_unavailable: true,
        limit: None,
    };
    availability.slots(&request, &occupancy, options).unwrap()
}

fn starts(series: &SlotSeries) -> Vec<String> {
    (series.slots.iter())
        .map(|s| s.local_start.format("%H:%M").to_string())
        .collect()
}

const MON: (&str, &str) = ("2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z");

#[test]
fn a_full_day_is_limit_reached_naming_the_limit() {
    let cal = calendar(BookingLimits {
        per_day: Some(2),
        ..BookingLimits::default()
    });
    let taken = vec![
        booked("a1", "2026-03-02T09:00:00Z", 15, None),
        booked("a2", "2026-03-02T10:00:00Z", 15, None),
    ];
    let monday = slots(
        &cal,
        AppointmentType::new("consult", 15),
        MON,
        taken.clone(),
    );
    assert!(monday.slots.is_empty());
    let reasons: Vec<_> = monday.unavailable.iter().map(|u| &u.reason).collect();
    assert_eq!(reasons.len(), 12);
    let full = Unavailable::LimitReached {
        limit: BookingLimitKind::PerDay,
        appointment_type_id: None,
        maximum: 2,
    };
    assert_eq!(reasons.iter().filter(|r| ***r == full).count(), 10);
    assert_eq!(full.code(), "limit_reached");
    assert_eq!(full.to_string(), "booking limit reached (per_day 2)");
    // Tuesday is another local day.
    let tuesday = ("2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z");
    let tue = slots(&cal, AppointmentType::new("consult", 15), tuesday, taken);
    assert_eq!(tue.slots.len(), 12);
}

#[test]
fn a_types_limit_counts_its_own_bookings_only() {
    let cal = calendar(BookingLimits::default());
    let ty = AppointmentType {
        booking_limits: BookingLimits {
            per_week: Some(1),
            ..BookingLimits::default()
        },
        ..AppointmentType::new("review", 15)
    };
    // A consult on Monday does not count; a review on Tuesday fills the ISO week.
    let consult = vec![booked("a1", "2026-03-02T09:00:00Z", 15, Some("consult"))];
    let week = ("2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z");
    assert_eq!(slots(&cal, ty.clone(), week, consult).slots.len(), 59);
    let review = vec![booked("a1", "2026-03-03T09:00:00Z", 15, Some("review"))];
    let series = slots(&cal, ty.clone(), week, review.clone());
    assert!(series.slots.is_empty());
    assert!(series.unavailable.iter().any(|u| u.reason
        == Unavailable::LimitReached {
            limit: BookingLimitKind::PerWeek,
            appointment_type_id: Some("review".into()),
            maximum: 1,
        }));
    // The next ISO week starts on Monday 9 March.
    let next = ("2026-03-09T00:00:00Z", "2026-03-10T00:00:00Z");
    assert_eq!(slots(&cal, ty, next, review).slots.len(), 12);
}

#[test]
fn minutes_per_day_leaves_room_for_shorter_appointments_only() {
    let cal = calendar(BookingLimits {
        minutes_per_day: Some(60),
        ..BookingLimits::default()
    });
    let taken = vec![booked("a1", "2026-03-02T09:00:00Z", 40, None)];
    let short = slots(&cal, AppointmentType::new("short", 20), MON, taken.clone());
    assert!(!short.slots.is_empty());
    let long = slots(&cal, AppointmentType::new("long", 30), MON, taken);
    assert!(long.slots.is_empty());
}

#[test]
fn a_limit_of_zero_is_refused_naming_the_field() {
    let cal = calendar(BookingLimits {
        per_month: Some(0),
        ..BookingLimits::default()
    });
    let rules = ClinicRules::new(&clinic()).unwrap();
    let err = Availability::new(&rules, &cal).unwrap_err();
    assert!(
        err.to_string().contains("booking_limits.per_month"),
        "{err}"
    );
    let offset = AppointmentType {
        start_offset_minutes: 1440,
        ..AppointmentType::new("consult", 15)
    };
    let availability = Availability::new(&rules, &calendar(BookingLimits::default())).unwrap();
    let request = SlotRequest {
        appointment_type: offset,
        start: t(MON.0),
        end: t(MON.1),
        now: t("2026-03-01T08:00:00Z"),
    };
    let err =
        (availability.slots(&request, &Occupancy::default(), SlotOptions::default())).unwrap_err();
    assert!(
        err.to_string()
            .contains("appointment_type.start_offset_minutes"),
        "{err}"
    );
}

fn schedule(limits: BookingLimits) -> Schedule {
    let types = [AppointmentType::new("consult", 15)];
    Schedule::new("clinic-1", &clinic(), &[calendar(limits)], &types).unwrap()
}

fn book(id: &str, start: &str) -> BookRequest {
    BookRequest {
        appointment_id: id.into(),
        patient_id: format!("pat-{id}").into(),
        doctor_id: "dr-a".into(),
        appointment_type_id: "consult".into(),
        start: t(start),
    }
}

#[test]
fn the_decider_refuses_a_booking_past_the_days_limit() {
    let schedule = schedule(BookingLimits {
        per_day: Some(2),
        ..BookingLimits::default()
    });
    let desk = Bookings::new(InMemoryStore::new());
    let (staff, now) = (Actor::staff("desk"), t("2026-03-01T08:00:00Z"));
    desk.book(&schedule, &staff, now, book("a1", "2026-03-02T09:00:00Z"))
        .unwrap();
    desk.book(&schedule, &staff, now, book("a2", "2026-03-02T11:00:00Z"))
        .unwrap();
    let err = desk
        .book(&schedule, &staff, now, book("a3", "2026-03-02T10:00:00Z"))
        .unwrap_err();
    assert_eq!(err.code(), "slot_unavailable");
    assert!(
        matches!(
            &err,
            Error::SlotUnavailable {
                reason: Unavailable::LimitReached {
                    limit: BookingLimitKind::PerDay,
                    maximum: 2,
                    ..
                },
                ..
            }
        ),
        "{err:?}"
    );
    // Another day is free.
    desk.book(&schedule, &staff, now, book("a3", "2026-03-03T10:00:00Z"))
        .unwrap();
}

#[test]
fn racing_bookings_never_pass_a_full_day() {
    let schedule = Arc::new(schedule(BookingLimits {
        per_day: Some(3),
        ..BookingLimits::default()
    }));
    let desk = Arc::new(Bookings::new(InMemoryStore::new()));
    let barrier = Arc::new(Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let (schedule, desk, barrier) = (schedule.clone(), desk.clone(), barrier.clone());
            std::thread::spawn(move || {
                let start = format!("2026-03-02T{:02}:{:02}:00Z", 9 + i / 4, (i % 4) * 15);
                barrier.wait();
                let staff = Actor::staff("desk");
                let now = t("2026-03-01T08:00:00Z");
                desk.book(&schedule, &staff, now, book(&format!("a{i}"), &start))
            })
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 3);
    for err in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(
            matches!(
                err,
                Error::SlotUnavailable {
                    reason: Unavailable::LimitReached { .. },
                    ..
                }
            ),
            "{err:?}"
        );
    }
}

#[test]
fn the_grid_restarts_where_a_booking_ends() {
    let cal = calendar(BookingLimits::default());
    let ty = AppointmentType {
        restart_after_bookings: true,
        ..AppointmentType::new("consult", 30)
    };
    let taken = vec![booked("a1", "2026-03-02T10:10:00Z", 30, None)];
    let series = slots(&cal, ty.clone(), MON, taken.clone());
    assert_eq!(
        starts(&series),
        [
            "09:00", "09:15", "09:30", "10:40", "10:55", "11:10", "11:25"
        ]
    );
    // The same slots whatever the range asked: from 10:50 on, the grid is still 10:55...
    let later = slots(&cal, ty, ("2026-03-02T10:50:00Z", MON.1), taken);
    assert_eq!(starts(&later), ["10:55", "11:10", "11:25"]);
}

#[test]
fn filled_gaps_offer_the_slots_flush_with_bookings() {
    let cal = calendar(BookingLimits::default());
    let ty = AppointmentType {
        fill_gaps: true,
        step_minutes: Some(30),
        ..AppointmentType::new("consult", 20)
    };
    // 09:00–09:25 and 10:05–11:00 booked: the grid (:00, :30) offers 11:00, 11:30; the gap
    // 09:25–10:05 gets 09:25 and 09:45 (ending flush at 10:05).
    let taken = vec![
        booked("a1", "2026-03-02T09:00:00Z", 25, None),
        booked("a2", "2026-03-02T10:05:00Z", 55, None),
    ];
    let series = slots(&cal, ty, MON, taken);
    assert_eq!(
        starts(&series),
        ["09:25", "09:30", "09:45", "11:00", "11:30"]
    );
}

#[test]
fn a_start_offset_shifts_the_clock_grid() {
    let cal = calendar(BookingLimits::default());
    let ty = AppointmentType {
        alignment: Alignment::Clock,
        step_minutes: Some(30),
        start_offset_minutes: 5,
        ..AppointmentType::new("consult", 20)
    };
    let series = slots(&cal, ty, MON, vec![]);
    assert_eq!(
        starts(&series),
        ["09:05", "09:35", "10:05", "10:35", "11:05", "11:35"]
    );
    let session = AppointmentType {
        step_minutes: Some(30),
        start_offset_minutes: 5,
        ..AppointmentType::new("consult", 20)
    };
    assert_eq!(
        starts(&slots(&cal, session, MON, vec![])),
        ["09:05", "09:35", "10:05", "10:35", "11:05", "11:35"]
    );
}

#[test]
fn a_restart_after_a_block_begun_before_the_range_counts() {
    let mut cal = DoctorCalendar::new("dr-a");
    cal.settings.slot_minutes = 5;
    cal.templates.push(WeeklyTemplate {
        weekdays: vec![Weekday::Sat],
        sessions: vec![Session::new("01:00", "00:00").unwrap()],
        ..WeeklyTemplate::new("opd", "ny")
    });
    cal.forced_blocks.push(medsched::Unavailability::new(
        "fb",
        t("2024-03-09T10:41:00Z"),
        t("2024-03-09T13:11:00Z"),
    ));
    let rules = ClinicRules::new(&Clinic {
        locations: vec![Location::new("ny", "NY", "America/New_York")],
        holidays: vec![],
    })
    .unwrap();
    let availability = Availability::new(&rules, &cal).unwrap();
    let request = SlotRequest {
        appointment_type: AppointmentType {
            restart_after_bookings: true,
            ..AppointmentType::new("consult", 5)
        },
        start: t("2024-03-09T13:05:00Z"),
        end: t("2024-03-09T13:40:00Z"),
        now: t("2024-03-09T13:05:00Z"),
    };
    let series =
        (availability.slots(&request, &Occupancy::default(), SlotOptions::default())).unwrap();
    assert_eq!(
        starts(&series),
        ["08:11", "08:16", "08:21", "08:26", "08:31", "08:36"]
    );
}
