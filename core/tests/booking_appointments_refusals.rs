//! Given/when/then scenarios of booking refusals that say why: a slot booked, held, on leave,
//! on a holiday, under a block, outside hours, too soon or too far; unknown doctors and types,
//! duplicate ids and starts out of range.

mod booking_support;

use booking_support::*;
use chrono::Duration;
use medsched::{
    Error, RuleKind, Unavailable, booking::BookRequest, booking::Command, booking::HoldRequest,
};

const NEXT_MON: &str = "2026-03-09";

// ---------------------------------------------------------------------------------------
// Refusals say why
// ---------------------------------------------------------------------------------------

#[test]
fn a_booked_slot_is_refused_as_booked() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.book(&pat2(), now(), book_req("a-2", "pat-2", at(MON, "09:00"))));
    assert_eq!(
        e,
        unavailable("dr-a", at(MON, "09:00"), Unavailable::Booked)
    );
    assert_eq!(e.code(), "slot_unavailable");
    let e = refused(w.hold(&pat2(), now(), hold_req("h-2", "pat-2", at(MON, "09:00"))));
    assert_eq!(
        e,
        unavailable("dr-a", at(MON, "09:00"), Unavailable::Booked)
    );
}

#[test]
fn a_held_slot_is_refused_as_held() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.hold(&pat2(), now(), hold_req("h-2", "pat-2", at(MON, "09:00"))));
    assert_eq!(e, unavailable("dr-a", at(MON, "09:00"), Unavailable::Held));
    let e = refused(w.book(&pat2(), now(), book_req("a-2", "pat-2", at(MON, "09:00"))));
    assert_eq!(e, unavailable("dr-a", at(MON, "09:00"), Unavailable::Held));
    assert_eq!(
        e.to_string(),
        "slot of dr-a at 2026-03-02 09:00:00 UTC is unavailable: held by another patient"
    );
}

#[test]
fn a_slot_on_leave_is_refused_with_the_leave() {
    let w = world();
    let e = refused(w.book(&pat1(), now(), book_req("a-1", "pat-1", at(THU, "09:00"))));
    assert_eq!(
        e,
        unavailable(
            "dr-a",
            at(THU, "09:00"),
            closed(RuleKind::Leave, Some("annual-leave"))
        )
    );
}

#[test]
fn a_slot_on_a_holiday_is_refused_with_the_holiday() {
    let w = world();
    let e = refused(w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(FRI, "10:00"))));
    assert_eq!(
        e,
        unavailable(
            "dr-a",
            at(FRI, "10:00"),
            closed(RuleKind::Holiday, Some("founders-day"))
        )
    );
}

#[test]
fn a_slot_under_a_forced_block_is_refused_with_the_block() {
    let w = world();
    let e = refused(w.book(&pat1(), now(), book_req("a-1", "pat-1", at(WED, "09:30"))));
    assert_eq!(
        e,
        unavailable(
            "dr-a",
            at(WED, "09:30"),
            closed(RuleKind::ForcedBlock, Some("audit"))
        )
    );
    // A block inside the slot (11:05-11:10 in the 11:00 slot) closes it too.
    let e = refused(w.book(&pat1(), now(), book_req("a-1", "pat-1", at(WED, "11:00"))));
    assert_eq!(
        e,
        unavailable(
            "dr-a",
            at(WED, "11:00"),
            closed(RuleKind::ForcedBlock, Some("fire-drill"))
        )
    );
    // Around the block the day is open.
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(WED, "10:00")))
        .unwrap();
}

#[test]
fn a_slot_outside_hours_is_refused_as_outside_hours() {
    let w = world();
    for start in [at(MON, "13:00"), at(MON, "08:45"), at(SUN, "10:00")] {
        let e = refused(w.book(&staff(), at(SUN, "07:00"), book_req("a-1", "pat-1", start)));
        assert_eq!(
            e,
            unavailable("dr-a", start, closed(RuleKind::OutsideHours, None)),
            "{start}"
        );
    }
    // The last slot of the session fits; one that would run past its end does not.
    w.book(&staff(), now(), book_req("a-1", "pat-1", at(MON, "11:45")))
        .unwrap();
}

#[test]
fn a_slot_within_the_minimum_notice_is_refused_as_too_soon() {
    let w = world();
    let now = at(MON, "08:00");
    let e = refused(w.book(
        &pat1(),
        now,
        typed_req("a-1", "pat-1", "planned", at(MON, "09:45")),
    ));
    assert_eq!(
        e,
        unavailable("dr-a", at(MON, "09:45"), Unavailable::TooSoon)
    );
    w.book(
        &pat1(),
        now,
        typed_req("a-1", "pat-1", "planned", at(MON, "10:00")),
    )
    .unwrap();
}

#[test]
fn a_slot_past_the_horizon_is_refused_as_too_far() {
    let w = world();
    // Sunday + 7 days = next Sunday: next Monday is too far.
    let e = refused(w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "planned", at(NEXT_MON, "09:00")),
    ));
    assert_eq!(
        e,
        unavailable("dr-a", at(NEXT_MON, "09:00"), Unavailable::TooFar)
    );
    // A day later, it is within reach.
    w.book(
        &pat1(),
        now() + Duration::days(1),
        typed_req("a-1", "pat-1", "planned", at(NEXT_MON, "09:00")),
    )
    .unwrap();
}

#[test]
fn an_off_grid_start_is_not_a_slot_start() {
    let w = world();
    let e = refused(w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:05"))));
    assert_eq!(invalid(&e), ("invalid_input", "start", "not_slot_start"));
    let e = refused(w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "10:10"))));
    assert_eq!(invalid(&e), ("invalid_input", "start", "not_slot_start"));
}

#[test]
fn an_unknown_doctor_or_type_is_not_found() {
    let w = world();
    let e = refused(w.book(
        &pat1(),
        now(),
        BookRequest {
            doctor_id: "dr-nobody".into(),
            ..book_req("a-1", "pat-1", at(MON, "09:00"))
        },
    ));
    assert_eq!(
        e,
        Error::NotFound {
            kind: "doctor",
            id: "dr-nobody".into()
        }
    );
    let e = refused(w.hold(
        &pat1(),
        now(),
        HoldRequest {
            appointment_type_id: "surgery".into(),
            ..hold_req("h-1", "pat-1", at(MON, "09:00"))
        },
    ));
    assert_eq!(
        e,
        Error::NotFound {
            kind: "appointment_type",
            id: "surgery".into()
        }
    );
    let e = refused(w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "surgery", at(MON, "09:00")),
    ));
    assert_eq!(e.code(), "not_found");
    let e = refused(w.book_hold(&pat1(), now(), "h-nothing", "a-1"));
    assert_eq!(
        e,
        Error::NotFound {
            kind: "hold",
            id: "h-nothing".into()
        }
    );
    let e = refused(w.cancel(&pat1(), now(), MON, "a-nothing"));
    assert_eq!(
        e,
        Error::NotFound {
            kind: "appointment",
            id: "a-nothing".into()
        }
    );
}

#[test]
fn a_duplicate_appointment_or_hold_id_is_invalid_input() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "10:00"))));
    assert_eq!(
        invalid(&e),
        ("invalid_input", "appointment_id", "duplicate_id")
    );
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "11:00")))
        .unwrap();
    let e = refused(w.book_hold(&pat1(), now(), "h-1", "a-1"));
    assert_eq!(
        invalid(&e),
        ("invalid_input", "appointment_id", "duplicate_id")
    );
    let e = refused(w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "11:15"))));
    assert_eq!(invalid(&e), ("invalid_input", "hold_id", "duplicate_id"));
}

#[test]
fn a_buffer_crossing_midnight_is_out_of_range() {
    let w = world();
    let night = |start| BookRequest {
        doctor_id: "dr-night".into(),
        ..book_req("a-1", "pat-1", start)
    };
    // 23:30-23:45 plus 30 minutes after ends at 00:15 on Tuesday.
    let e = refused(w.book(&pat1(), now(), night(at(MON, "23:30"))));
    assert_eq!(invalid(&e), ("invalid_input", "start", "out_of_range"));
    // 23:15-23:30 plus 30 ends exactly at midnight: inside Monday's book.
    let a = w.book(&pat1(), now(), night(at(MON, "23:15"))).unwrap();
    assert_eq!(a.slot.buffer_after_minutes, 30);
    assert_eq!(a.book_date, day(MON));
}

#[test]
fn a_start_on_another_day_than_the_book_is_out_of_range() {
    let w = world();
    let command = Command::Book {
        appointment_id: "a-1".into(),
        patient_id: "pat-1".into(),
        doctor_id: "dr-a".into(),
        appointment_type_id: "consult".into(),
        start: at(TUE, "09:00"),
    };
    let e = refused(w.execute(&pat1(), now(), day(MON), &command));
    assert_eq!(invalid(&e), ("invalid_input", "start", "out_of_range"));
}
