//! Given/when/then scenarios of appointments: repeated requests, shared rooms, the lifecycle
//! (confirm, decline, complete, no-show) and cancelling, run through `Bookings<InMemoryStore>`
//! in the world of `booking_support`.

mod booking_support;

use booking_support::*;
use chrono::{DateTime, Utc};
use medsched::{
    PolicyRule, Unavailable, booking::AppointmentStatus, booking::BookRequest, booking::Command,
    booking::HoldRequest,
};

// ---------------------------------------------------------------------------------------
// Repeats: a host may send the same request again
// ---------------------------------------------------------------------------------------

#[test]
fn repeating_a_hold_changes_nothing_while_it_is_active() {
    let w = world();
    let request = || hold_req("h-1", "pat-1", at(MON, "09:00"));
    let hold = w.hold(&pat1(), now(), request()).unwrap();
    let later = now() + minutes(3);
    assert_eq!(w.hold(&pat1(), later, request()).unwrap(), hold);
    // Its length is no part of the request's identity: the hold keeps its own.
    let longer = HoldRequest {
        minutes: Some(45),
        ..request()
    };
    assert_eq!(w.hold(&pat1(), later, longer).unwrap(), hold);
    let (_, events) = w
        .execute(&pat1(), later, day(MON), &request().into())
        .unwrap();
    assert!(events.is_empty());
    assert_eq!(w.events(day(MON)).len(), 1);

    // The same id for another request is a duplicate.
    let differing = [
        hold_req("h-1", "pat-1", at(MON, "09:15")),
        hold_req("h-1", "pat-2", at(MON, "09:00")),
        HoldRequest {
            appointment_type_id: "review".into(),
            ..request()
        },
        HoldRequest {
            doctor_id: "dr-b".into(),
            ..request()
        },
    ];
    for other in differing {
        let e = refused(w.hold(&staff(), later, other.clone()));
        assert_eq!(
            invalid(&e),
            ("invalid_input", "hold_id", "duplicate_id"),
            "{other:?}"
        );
    }
    // Once the hold is booked, or has lapsed, repeating it is a duplicate too: it does not
    // come back.
    w.book_hold(&pat1(), later, "h-1", "a-1").unwrap();
    let e = refused(w.hold(&pat1(), later, request()));
    assert_eq!(invalid(&e), ("invalid_input", "hold_id", "duplicate_id"));
    let lapsing = || hold_req("h-2", "pat-1", at(MON, "09:30"));
    w.hold(&pat1(), later, lapsing()).unwrap();
    let e = refused(w.hold(&pat1(), later + minutes(10), lapsing()));
    assert_eq!(invalid(&e), ("invalid_input", "hold_id", "duplicate_id"));
    assert_eq!(w.events(day(MON)).len(), 3);
}

#[test]
fn repeating_a_booking_returns_it_unchanged_while_it_is_upcoming() {
    let w = world();
    let request = || book_req("a-1", "pat-1", at(MON, "09:00"));
    let a = w.book(&pat1(), now(), request()).unwrap();
    let later = now() + minutes(3);
    assert_eq!(w.book(&pat1(), later, request()).unwrap(), a);
    let (_, events) = w
        .execute(&pat1(), later, day(MON), &request().into())
        .unwrap();
    assert!(events.is_empty());
    // A pending booking too.
    let review = || typed_req("a-2", "pat-2", "review", at(MON, "10:00"));
    let pending = w.book(&pat2(), now(), review()).unwrap();
    assert_eq!(pending.status, AppointmentStatus::Pending);
    assert_eq!(w.book(&pat2(), later, review()).unwrap(), pending);
    assert_eq!(w.events(day(MON)).len(), 2);

    // The same id for another request is a duplicate.
    let differing = [
        book_req("a-1", "pat-1", at(MON, "09:15")),
        book_req("a-1", "pat-2", at(MON, "09:00")),
        typed_req("a-1", "pat-1", "review", at(MON, "09:00")),
        BookRequest {
            doctor_id: "dr-b".into(),
            ..request()
        },
    ];
    for other in differing {
        let e = refused(w.book(&staff(), later, other.clone()));
        assert_eq!(
            invalid(&e),
            ("invalid_input", "appointment_id", "duplicate_id"),
            "{other:?}"
        );
    }
    // Rescheduled, the booking's request names its old start: a duplicate.
    w.reschedule(&pat1(), later, MON, "a-1", at(MON, "11:00"))
        .unwrap();
    let e = refused(w.book(&pat1(), later, request()));
    assert_eq!(
        invalid(&e),
        ("invalid_input", "appointment_id", "duplicate_id")
    );
    // Cancelled, it is no longer upcoming: a duplicate, and it is not booked again.
    w.cancel(&pat2(), later, MON, "a-2").unwrap();
    let e = refused(w.book(&pat2(), later, review()));
    assert_eq!(
        invalid(&e),
        ("invalid_input", "appointment_id", "duplicate_id")
    );
    assert_eq!(
        w.replay(day(MON)).appointment("a-2").unwrap().status,
        AppointmentStatus::Cancelled
    );
}

#[test]
fn repeating_the_booking_of_a_hold_returns_the_appointment() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let a = w.book_hold(&pat1(), now(), "h-1", "a-1").unwrap();
    let later = now() + minutes(20);
    assert_eq!(w.book_hold(&pat1(), later, "h-1", "a-1").unwrap(), a);
    let (_, events) = w
        .execute(
            &pat1(),
            later,
            day(MON),
            &Command::BookHold {
                appointment_id: "a-1".into(),
                hold_id: "h-1".into(),
            },
        )
        .unwrap();
    assert!(events.is_empty());
    assert_eq!(w.events(day(MON)).len(), 2);
    // Another hold booked under the same appointment id is a duplicate.
    w.hold(&pat1(), later, hold_req("h-2", "pat-1", at(MON, "09:15")))
        .unwrap();
    let e = refused(w.book_hold(&pat1(), later, "h-2", "a-1"));
    assert_eq!(
        invalid(&e),
        ("invalid_input", "appointment_id", "duplicate_id")
    );
    // A cancelled appointment is not booked again.
    w.cancel(&pat1(), later, MON, "a-1").unwrap();
    let e = refused(w.book_hold(&pat1(), later, "h-1", "a-1"));
    assert_eq!(
        invalid(&e),
        ("invalid_input", "appointment_id", "duplicate_id")
    );
}

/// A patient who sends another patient's hold or booking request again (same id, patient,
/// doctor, type and start) is refused as `not_owner`, as the first request would have been,
/// and never gets that patient's record back: ownership is checked before repeats.
///
/// `pat-1` holds `h-1` and books `a-1`; `pat-2` sends both requests again: each is
/// `PolicyViolation { rule: NotOwner }`.
#[test]
fn a_patient_repeating_another_patients_request_is_refused_as_not_owner() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "10:00")))
        .unwrap();
    let e = refused(w.hold(&pat2(), now(), hold_req("h-1", "pat-1", at(MON, "09:00"))));
    assert_eq!(e, policy("h-1", "hold", PolicyRule::NotOwner));
    let e = refused(w.book(&pat2(), now(), book_req("a-1", "pat-1", at(MON, "10:00"))));
    assert_eq!(e, policy("a-1", "book", PolicyRule::NotOwner));
}

// ---------------------------------------------------------------------------------------
// Rooms
// ---------------------------------------------------------------------------------------

#[test]
fn a_shared_rooms_capacity_binds_across_doctors() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let dr_b = |id: &str, start| BookRequest {
        doctor_id: "dr-b".into(),
        ..book_req(id, "pat-2", start)
    };
    let e = refused(w.book(&pat2(), now(), dr_b("b-1", at(MON, "09:00"))));
    assert_eq!(
        e,
        unavailable(
            "dr-b",
            at(MON, "09:00"),
            Unavailable::RoomFull {
                room_id: "r1".into()
            }
        )
    );
    // Next slot, the room is free again.
    let b = w
        .book(&pat2(), now(), dr_b("b-1", at(MON, "09:15")))
        .unwrap();
    assert_eq!(b.slot.room_id.as_deref(), Some("r1"));
    // And Dr A now meets Dr B's booking in the room.
    let e = refused(w.book(&pat1(), now(), book_req("a-2", "pat-1", at(MON, "09:15"))));
    assert_eq!(
        e,
        unavailable(
            "dr-a",
            at(MON, "09:15"),
            Unavailable::RoomFull {
                room_id: "r1".into()
            }
        )
    );
}

#[test]
fn a_hold_in_a_shared_room_blocks_the_other_doctor_as_held() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.book(
        &pat2(),
        now(),
        BookRequest {
            doctor_id: "dr-b".into(),
            ..book_req("b-1", "pat-2", at(MON, "09:00"))
        },
    ));
    assert_eq!(e, unavailable("dr-b", at(MON, "09:00"), Unavailable::Held));
}

// ---------------------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------------------

#[test]
fn a_type_needing_confirmation_starts_pending_for_patients_and_confirmed_for_staff() {
    let w = world();
    let a = w
        .book(
            &pat1(),
            now(),
            typed_req("a-1", "pat-1", "review", at(MON, "09:00")),
        )
        .unwrap();
    assert_eq!(a.status, AppointmentStatus::Pending);
    assert_eq!(a.confirmed_at, None);
    let b = w
        .book(
            &staff(),
            now(),
            typed_req("a-2", "pat-2", "review", at(MON, "09:15")),
        )
        .unwrap();
    assert_eq!(b.status, AppointmentStatus::Confirmed);
    assert_eq!(b.confirmed_at, Some(now()));

    let later = now() + minutes(30);
    let a = w
        .update(
            &staff(),
            later,
            MON,
            Command::Confirm {
                appointment_id: "a-1".into(),
            },
        )
        .unwrap();
    assert_eq!(a.status, AppointmentStatus::Confirmed);
    assert_eq!(a.confirmed_at, Some(later));
    assert_eq!(a.updated_at, later);
}

#[test]
fn a_pending_appointment_may_be_declined_by_staff() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "review", at(MON, "09:00")),
    )
    .unwrap();
    let a = w
        .update(
            &staff(),
            now(),
            MON,
            Command::Decline {
                appointment_id: "a-1".into(),
                reason: Some("needs a referral".into()),
            },
        )
        .unwrap();
    assert_eq!(a.status, AppointmentStatus::Declined);
    assert_eq!(a.ended_by, Some(staff()));
    assert_eq!(a.end_reason.as_deref(), Some("needs a referral"));
    // A declined appointment frees its slot.
    w.book(&pat2(), now(), book_req("a-2", "pat-2", at(MON, "09:00")))
        .unwrap();
}

#[test]
fn confirm_and_decline_are_staff_only() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "review", at(MON, "09:00")),
    )
    .unwrap();
    let confirm = Command::Confirm {
        appointment_id: "a-1".into(),
    };
    let decline = Command::Decline {
        appointment_id: "a-1".into(),
        reason: None,
    };
    let e = refused(w.update(&pat1(), now(), MON, confirm));
    assert_eq!(e, policy("a-1", "confirm", PolicyRule::StaffOnly));
    let e = refused(w.update(&pat1(), now(), MON, decline));
    assert_eq!(e, policy("a-1", "decline", PolicyRule::StaffOnly));
    // The system may confirm.
    let a = w
        .update(
            &system(),
            now(),
            MON,
            Command::Confirm {
                appointment_id: "a-1".into(),
            },
        )
        .unwrap();
    assert_eq!(a.status, AppointmentStatus::Confirmed);
}

#[test]
fn every_invalid_transition_is_refused_with_its_from_status() {
    let w = world();
    let staff = staff();
    let book = |id: &str, kind: &str, hm: &str| {
        w.book(&pat1(), now(), typed_req(id, "pat-1", kind, at(MON, hm)))
            .unwrap();
    };
    book("pending", "review", "09:00");
    book("confirmed", "consult", "09:15");
    book("declined", "review", "09:30");
    book("cancelled", "consult", "09:45");
    book("completed", "consult", "10:00");
    book("no_show", "consult", "10:15");
    let act = |action: &str, id: &str, at: DateTime<Utc>| {
        w.update(&staff, at, MON, lifecycle_command(action, id))
    };
    act("decline", "declined", now()).unwrap();
    act("cancel", "cancelled", now()).unwrap();
    act("complete", "completed", at(MON, "10:05")).unwrap();
    act("mark_no_show", "no_show", at(MON, "10:20")).unwrap();

    let statuses = [
        "pending",
        "confirmed",
        "declined",
        "cancelled",
        "completed",
        "no_show",
    ];
    let allowed: [(&'static str, &[&str]); 6] = [
        ("confirm", &["pending"]),
        ("decline", &["pending"]),
        ("cancel", &["pending", "confirmed"]),
        ("complete", &["confirmed"]),
        ("mark_no_show", &["confirmed"]),
        ("reschedule", &["pending", "confirmed"]),
    ];
    let late = at(MON, "11:00");
    let mut checked = 0;
    for (action, from) in allowed {
        for status in statuses.into_iter().filter(|s| !from.contains(s)) {
            let result = if action == "reschedule" {
                w.reschedule(&staff, late, MON, status, at(MON, "11:30"))
            } else {
                act(action, status, late)
            };
            assert_eq!(
                refused(result),
                transition("appointment", status, status, action),
                "{action} from {status}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 28, "36 pairs, 8 of them allowed");
    assert_eq!(w.events(day(MON)).len(), 10, "no refusal wrote anything");
}

#[test]
fn completing_or_marking_a_no_show_before_the_start_is_refused() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let before = at(MON, "08:59");
    for action in ["complete", "mark_no_show"] {
        let e = refused(w.update(&staff(), before, MON, lifecycle_command(action, "a-1")));
        assert_eq!(e, policy("a-1", action, PolicyRule::NotStarted));
        let e = refused(w.update(
            &pat1(),
            at(MON, "09:00"),
            MON,
            lifecycle_command(action, "a-1"),
        ));
        assert_eq!(e, policy("a-1", action, PolicyRule::StaffOnly));
    }
    // At the start it is allowed.
    let a = w
        .update(
            &staff(),
            at(MON, "09:00"),
            MON,
            lifecycle_command("complete", "a-1"),
        )
        .unwrap();
    assert_eq!(a.status, AppointmentStatus::Completed);
    // A completed appointment keeps its slot.
    let e = refused(w.book(&staff(), now(), book_req("a-2", "pat-2", at(MON, "09:00"))));
    assert_eq!(
        e,
        unavailable("dr-a", at(MON, "09:00"), Unavailable::Booked)
    );
}

// ---------------------------------------------------------------------------------------
// Cancel
// ---------------------------------------------------------------------------------------

#[test]
fn a_patient_cancel_within_the_cancel_notice_is_refused() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "limited", at(MON, "09:00")),
    )
    .unwrap();
    // 23 hours ahead, where 24 are asked.
    let e = refused(w.cancel(&pat1(), at(SUN, "10:00"), MON, "a-1"));
    assert_eq!(
        e,
        policy("a-1", "cancel", PolicyRule::CancelNotice { minutes: 1440 })
    );
    // Exactly 24 hours ahead is enough.
    let a = w.cancel(&pat1(), at(SUN, "09:00"), MON, "a-1").unwrap();
    assert_eq!(a.status, AppointmentStatus::Cancelled);
    assert_eq!(a.ended_by, Some(pat1()));
    assert_eq!(a.end_reason.as_deref(), Some("changed plans"));
}

#[test]
fn staff_may_cancel_within_the_cancel_notice() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "limited", at(MON, "09:00")),
    )
    .unwrap();
    let late = at(MON, "08:59");
    let a = w.cancel(&staff(), late, MON, "a-1").unwrap();
    assert_eq!(a.status, AppointmentStatus::Cancelled);
    assert_eq!(a.ended_by, Some(staff()));
    assert_eq!(a.updated_at, late);
    // The slot is free again.
    w.book(&staff(), late, book_req("a-2", "pat-2", at(MON, "09:00")))
        .unwrap();
    // Cancelling twice is a transition from cancelled.
    let e = refused(w.cancel(&staff(), late, MON, "a-1"));
    assert_eq!(e, transition("appointment", "a-1", "cancelled", "cancel"));
}
