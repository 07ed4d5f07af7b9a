//! Bookability: each precondition from its source, the score under changed weights, the
//! verdicts, and when to evaluate again.

use chrono::{DateTime, Utc, Weekday};
use medsched::bookability::{
    BookabilityPolicy, BookabilityWeights, CalendarFacts, CheckKind, DoctorFacts, evaluate, score,
};
use medsched::{
    AppointmentType, Clinic, ClinicRules, DoctorCalendar, Location, Session, Unavailability,
    WeeklyTemplate,
};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn clinic() -> ClinicRules {
    ClinicRules::new(&Clinic {
        locations: vec![Location::new("kochi", "Kochi OPD", "Asia/Kolkata")],
        holidays: vec![],
    })
    .unwrap()
}

fn calendar() -> DoctorCalendar {
    let mut calendar = DoctorCalendar::new("dr-asha");
    calendar.templates.push(WeeklyTemplate {
        weekdays: vec![Weekday::Mon, Weekday::Thu],
        sessions: vec![Session::new("09:00", "13:00").unwrap()],
        ..WeeklyTemplate::new("opd", "kochi")
    });
    calendar
}

fn ready() -> DoctorFacts {
    DoctorFacts {
        profile_complete: true,
        license_verified: true,
        fees_configured: true,
        specialties: vec!["cardiology".into()],
        public_profile_visible: true,
        accepts_online_bookings: true,
        ..DoctorFacts::active()
    }
}

const NOW: &str = "2026-03-01T06:00:00Z"; // a Sunday

fn run(facts: &DoctorFacts, calendar: &DoctorCalendar) -> medsched::bookability::Bookability {
    let consult = AppointmentType::new("consult", 15);
    evaluate(
        facts,
        &clinic(),
        calendar,
        &consult,
        t(NOW),
        &BookabilityPolicy::default(),
    )
    .unwrap()
}

#[test]
fn a_ready_doctor_passes_all_ten() {
    let verdict = run(&ready(), &calendar());
    assert_eq!(verdict.checks.len(), 10);
    assert!(verdict.is_bookable && verdict.can_patient_book && verdict.can_receptionist_book);
    assert!(verdict.can_show_in_search);
    assert_eq!(verdict.score, 100);
    assert_eq!(verdict.first_slot, Some(t("2026-03-02T03:30:00Z")));
    // Time alone changes the answer a second after the first slot starts.
    assert_eq!(verdict.recheck_at, t("2026-03-02T03:30:01Z"));
    let location = verdict.check(CheckKind::Location).unwrap();
    assert_eq!(location.reason, "schedule at location kochi");
}

#[test]
fn no_schedule_fails_the_schedule_location_and_slot_checks() {
    let verdict = run(&ready(), &DoctorCalendar::new("dr-asha"));
    let failed: Vec<_> = verdict.failed().map(|c| c.kind).collect();
    assert_eq!(
        failed,
        [
            CheckKind::Location,
            CheckKind::BaseSchedule,
            CheckKind::SlotsAhead
        ]
    );
    assert_eq!(verdict.score, 65);
    assert!(verdict.can_show_in_search && verdict.can_receptionist_book);
    assert!(!verdict.can_patient_book);
    let slots = verdict.check(CheckKind::SlotsAhead).unwrap();
    assert_eq!(slots.reason, "no slot within 90 days");
    // A location the host assigned counts.
    let assigned = DoctorFacts {
        location_ids: vec!["kochi".into()],
        ..ready()
    };
    let verdict = run(&assigned, &DoctorCalendar::new("dr-asha"));
    assert!(verdict.check(CheckKind::Location).unwrap().passed);
}

#[test]
fn a_forced_block_in_force_blocks_every_booking_until_it_ends() {
    let mut calendar = calendar();
    let end = t("2026-03-01T12:00:00Z");
    calendar
        .forced_blocks
        .push(Unavailability::new("audit", t("2026-03-01T00:00:00Z"), end));
    let verdict = run(&ready(), &calendar);
    let block = verdict.check(CheckKind::NoForcedBlock).unwrap();
    assert!(!block.passed && block.critical);
    assert_eq!(block.reason, "forced block audit in force");
    assert!(!verdict.can_receptionist_book && !verdict.can_patient_book);
    assert_eq!(verdict.score, 95);
    assert_eq!(verdict.recheck_at, end);
}

#[test]
fn slots_beyond_the_horizon_do_not_count() {
    let mut calendar = calendar();
    calendar.templates[0].effective_from =
        Some(chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
    let verdict = run(&ready(), &calendar);
    assert!(!verdict.check(CheckKind::SlotsAhead).unwrap().passed);
    let consult = AppointmentType::new("consult", 15);
    let far = BookabilityPolicy {
        horizon_days: 200,
        ..BookabilityPolicy::default()
    };
    let verdict = evaluate(&ready(), &clinic(), &calendar, &consult, t(NOW), &far).unwrap();
    assert!(verdict.is_bookable);
}

#[test]
fn weights_and_critical_checks_are_the_hosts() {
    let consult = AppointmentType::new("consult", 15);
    let facts = CalendarFacts::gather(&clinic(), &calendar(), &consult, t(NOW), 90).unwrap();
    let unverified = DoctorFacts {
        critical_verification_failures: vec!["background".into()],
        ..ready()
    };
    let default = score(&unverified, &facts, &BookabilityPolicy::default()).unwrap();
    assert_eq!(default.score, 90);
    assert!(!default.can_receptionist_book && default.can_show_in_search);
    let check = default
        .check(CheckKind::NoCriticalVerificationFailure)
        .unwrap();
    assert_eq!(
        check.reason,
        "1 critical verification failure(s), first background"
    );
    let strict = BookabilityPolicy {
        weights: BookabilityWeights {
            no_critical_verification_failure: 100,
            ..BookabilityWeights::default()
        },
        critical: vec![],
        search_threshold: 80,
        ..BookabilityPolicy::default()
    };
    let verdict = score(&unverified, &facts, &strict).unwrap();
    assert_eq!(verdict.score, 47); // 90 of 190
    assert!(verdict.can_receptionist_book && !verdict.can_show_in_search);
}

#[test]
fn bad_policies_are_refused_by_field() {
    let consult = AppointmentType::new("consult", 15);
    let facts = CalendarFacts::gather(&clinic(), &calendar(), &consult, t(NOW), 90).unwrap();
    let zero = BookabilityPolicy {
        weights: BookabilityWeights {
            profile_complete: 0,
            license_verified: 0,
            fees_configured: 0,
            location: 0,
            specialty: 0,
            base_schedule: 0,
            slots_ahead: 0,
            no_critical_verification_failure: 0,
            status_active: 0,
            no_forced_block: 0,
        },
        ..BookabilityPolicy::default()
    };
    assert_eq!(
        score(&ready(), &facts, &zero).unwrap_err().field(),
        Some("weights")
    );
    let heavy = BookabilityPolicy {
        weights: BookabilityWeights {
            specialty: 5_000,
            ..BookabilityWeights::default()
        },
        ..BookabilityPolicy::default()
    };
    let err = score(&ready(), &facts, &heavy).unwrap_err();
    assert_eq!(
        (err.field(), err.value()),
        (Some("weights.specialty"), Some("5000"))
    );
    let high = BookabilityPolicy {
        search_threshold: 101,
        ..BookabilityPolicy::default()
    };
    assert_eq!(
        score(&ready(), &facts, &high).unwrap_err().field(),
        Some("search_threshold")
    );
}

#[test]
fn a_long_status_is_cut_in_its_reason() {
    let odd = DoctorFacts {
        status: "x".repeat(10_000),
        ..ready()
    };
    let verdict = run(&odd, &calendar());
    let status = verdict.check(CheckKind::StatusActive).unwrap();
    assert!(
        !status.passed && status.reason.len() < 300,
        "{}",
        status.reason.len()
    );
}
