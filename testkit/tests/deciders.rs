//! Given/when/then on the booking day book and the token queue: what the helpers read like
//! in real tests, and what they say when a test fails.

use medsched::booking::{self, Command, DayBook, Schedule};
use medsched::chrono::{DateTime, NaiveDate, Utc, Weekday};
use medsched::store::{Actor, Change};
use medsched::tokens::{
    self, Queue, QueueRules, TokenChange, TokenCommand, TokenKind, TokenRequest, TokenSession,
};
use medsched::{
    AppointmentType, Clinic, DoctorCalendar, Error, Location, Session, Unavailable, WeeklyTemplate,
};
use medsched_testkit::given;

const TENANT: &str = "clinic-1";

fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("an RFC 3339 instant")
}

/// Sunday 1 March 2026, 10:00 in London (UTC): the present of the booking tests.
fn now() -> DateTime<Utc> {
    t("2026-03-01T10:00:00Z")
}

/// Tuesday 09:00, Dr Lee's first slot.
fn nine() -> DateTime<Utc> {
    t("2026-03-03T09:00:00Z")
}

/// Dr Lee, Tuesdays 09:00-12:00 in London, 15-minute consults.
fn schedule() -> Schedule {
    let clinic = Clinic {
        locations: vec![Location::new("main", "Main", "Europe/London")],
        holidays: vec![],
    };
    let mut calendar = DoctorCalendar::new("dr-lee");
    calendar.templates.push(WeeklyTemplate {
        weekdays: vec![Weekday::Tue],
        sessions: vec![Session::new("09:00", "12:00").unwrap()],
        ..WeeklyTemplate::new("tue", "main")
    });
    Schedule::new(
        TENANT,
        &clinic,
        &[calendar],
        &[AppointmentType::new("consult", 15)],
    )
    .unwrap()
}

fn asks<'a>(schedule: &'a Schedule, actor: &'a Actor) -> booking::Context<'a> {
    booking::Context {
        schedule,
        date: NaiveDate::from_ymd_opt(2026, 3, 3).unwrap(),
        actor,
        now: now(),
    }
}

fn hold(hold_id: &str, patient: &str) -> Command {
    Command::PlaceHold {
        hold_id: hold_id.into(),
        patient_id: patient.into(),
        doctor_id: "dr-lee".into(),
        appointment_type_id: "consult".into(),
        start: nine(),
        minutes: None,
    }
}

fn book(appointment_id: &str, patient: &str) -> Command {
    Command::Book {
        appointment_id: appointment_id.into(),
        patient_id: patient.into(),
        doctor_id: "dr-lee".into(),
        appointment_type_id: "consult".into(),
        start: nine(),
    }
}

#[test]
fn another_patient_cannot_book_a_held_slot_but_the_holder_can() {
    let schedule = schedule();
    let (pat_1, pat_2) = (Actor::patient("pat-1"), Actor::patient("pat-2"));
    let held = given::<DayBook>([])
        .when(&hold("h-1", "pat-1"), &asks(&schedule, &pat_1))
        .then_change_names(["hold_placed"])
        .recorded(TENANT, &pat_1, now());

    let refusal = held
        .when(&book("a-2", "pat-2"), &asks(&schedule, &pat_2))
        .then_error_code("slot_unavailable");
    assert_eq!(
        refusal.to_string(),
        "slot of dr-lee at 2026-03-03 09:00:00 UTC is unavailable: held by another patient"
    );
    held.when(&hold("h-2", "pat-2"), &asks(&schedule, &pat_2))
        .then_refused(|e| {
            matches!(
                e,
                Error::SlotUnavailable {
                    reason: Unavailable::Held,
                    ..
                }
            )
        });

    let book_hold = Command::BookHold {
        appointment_id: "a-1".into(),
        hold_id: "h-1".into(),
    };
    let booked = held
        .when(&book_hold, &asks(&schedule, &pat_1))
        .then_change_names(["appointment_booked"])
        .recorded(TENANT, &pat_1, now());
    assert_eq!(booked.state().appointments().len(), 1);
    assert_eq!(booked.events().len(), 2);
    booked
        .when(&book_hold, &asks(&schedule, &pat_1))
        .then_no_changes();
}

#[test]
fn a_free_slot_is_booked_with_exactly_one_change() {
    let schedule = schedule();
    let pat_1 = Actor::patient("pat-1");
    let book = book("a-1", "pat-1");
    let booked = given::<DayBook>([])
        .when(&book, &asks(&schedule, &pat_1))
        .then_change_names(["appointment_booked"]);
    let expected = booked.changes().to_vec();
    given::<DayBook>([])
        .when(&book, &asks(&schedule, &pat_1))
        .then_changes(expected);
}

fn morning() -> QueueRules {
    QueueRules::new(vec![TokenSession::new(
        "morning",
        t("2026-03-02T03:30:00Z"),
        t("2026-03-02T07:30:00Z"),
    )])
}

fn walk_in(token_id: &str, patient: &str) -> TokenCommand {
    TokenCommand::Issue(TokenRequest::new(token_id, TokenKind::WalkIn, patient))
}

/// The number of the one token a decision issued.
fn issued_number(changes: &[Change]) -> u32 {
    match changes {
        [Change::Token(TokenChange::TokenIssued { token, .. })] => token.number,
        other => panic!("one token issued, got {other:?}"),
    }
}

#[test]
fn walk_ins_get_numbers_in_order_from_1() {
    let rules = morning();
    let desk = Actor::staff("rcp-1");
    let at_eight = t("2026-03-02T03:00:00Z");
    let ctx = tokens::Context {
        rules: &rules,
        actor: &desk,
        now: at_eight,
    };
    let first = given::<Queue>([])
        .when(&walk_in("t-1", "pat-1"), &ctx)
        .then_accepted(|changes| assert_eq!(issued_number(changes), 1))
        .recorded(TENANT, &desk, at_eight);
    first
        .when(&walk_in("t-2", "pat-2"), &ctx)
        .then_accepted(|changes| assert_eq!(issued_number(changes), 2));
    // The same request again is the same token: nothing new.
    first.when(&walk_in("t-1", "pat-1"), &ctx).then_no_changes();
}

#[test]
fn calling_an_empty_queue_is_refused() {
    let rules = morning();
    let doctor = Actor::staff("dr-lee");
    let ctx = tokens::Context {
        rules: &rules,
        actor: &doctor,
        now: t("2026-03-02T04:00:00Z"),
    };
    let refusal = given::<Queue>([])
        .when(&TokenCommand::CallNext, &ctx)
        .then_error_code("policy_violation");
    assert!(matches!(
        refusal,
        Error::PolicyViolation {
            rule: medsched::PolicyRule::QueueEmpty,
            ..
        }
    ));
}

// --- what a failing test says -------------------------------------------------------------

#[test]
#[should_panic(
    expected = "expected a refusal (slot_unavailable), but the command was accepted \
                           with [\"appointment_booked\"]"
)]
fn an_accepted_command_fails_a_refusal_test() {
    let schedule = schedule();
    let pat_1 = Actor::patient("pat-1");
    given::<DayBook>([])
        .when(&book("a-1", "pat-1"), &asks(&schedule, &pat_1))
        .then_error_code("slot_unavailable");
}

#[test]
#[should_panic(
    expected = "expected a refusal \"invalid_input\", but the command was refused \
                           with \"slot_unavailable\""
)]
fn another_refusal_fails_an_error_code_test() {
    let schedule = schedule();
    let (pat_1, pat_2) = (Actor::patient("pat-1"), Actor::patient("pat-2"));
    given::<DayBook>([])
        .when(&hold("h-1", "pat-1"), &asks(&schedule, &pat_1))
        .then_change_names(["hold_placed"])
        .recorded(TENANT, &pat_1, now())
        .when(&book("a-2", "pat-2"), &asks(&schedule, &pat_2))
        .then_error_code("invalid_input");
}

#[test]
#[should_panic(
    expected = "expected [\"hold_placed\"], but the command was refused: slot of \
                           dr-lee at 2026-03-03 09:00:00 UTC is unavailable"
)]
fn a_refused_command_fails_a_changes_test() {
    let schedule = schedule();
    let pat_1 = Actor::patient("pat-1");
    let too_late = booking::Context {
        now: t("2026-03-03T09:30:00Z"),
        ..asks(&schedule, &pat_1)
    };
    given::<DayBook>([])
        .when(&hold("h-1", "pat-1"), &too_late)
        .then_change_names(["hold_placed"]);
}

#[test]
#[should_panic(
    expected = "the decision made other changes than expected\n  expected: [\n    \
                           AppointmentConfirmed"
)]
fn other_changes_fail_a_changes_test() {
    let schedule = schedule();
    let pat_1 = Actor::patient("pat-1");
    given::<DayBook>([])
        .when(&book("a-1", "pat-1"), &asks(&schedule, &pat_1))
        .then_changes([Change::AppointmentConfirmed {
            appointment_id: "a-1".into(),
        }]);
}
