//! Given/when/then scenarios of holds: placing, extending, releasing and expiring them, and
//! booking a hold or a slot one holds (and direct bookings), run through
//! `Bookings<InMemoryStore>` in the world of `booking_support`.

mod booking_support;

use booking_support::*;
use medsched::{
    PolicyRule, Unavailable, booking::AppointmentStatus, booking::HoldRequest, booking::HoldStatus,
};

// ---------------------------------------------------------------------------------------
// Holds
// ---------------------------------------------------------------------------------------

#[test]
fn a_patient_hold_lasts_the_patient_default_of_10_minutes() {
    let w = world();
    let hold = w
        .hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    assert_eq!(hold.expires_at, now() + minutes(10));
    assert_eq!(hold.status, HoldStatus::Held);
    assert_eq!(hold.placed_by, pat1());
    assert_eq!(hold.slot.doctor_id, "dr-a");
    assert_eq!(hold.slot.room_id.as_deref(), Some("r1"));
    assert_eq!(hold.slot.end, at(MON, "09:15"));
    assert_eq!(hold.book_date, day(MON));
}

#[test]
fn a_staff_hold_lasts_the_staff_default_of_30_minutes() {
    let w = world();
    let hold = w
        .hold(&staff(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    assert_eq!(hold.expires_at, now() + minutes(30));
    assert_eq!(hold.placed_by, staff());
}

#[test]
fn a_hold_may_ask_for_its_length() {
    let w = world();
    let request = HoldRequest {
        minutes: Some(45),
        ..hold_req("h-1", "pat-1", at(MON, "09:00"))
    };
    let hold = w.hold(&pat1(), now(), request).unwrap();
    assert_eq!(hold.expires_at, now() + minutes(45));
}

#[test]
fn a_hold_of_zero_minutes_is_invalid_input() {
    let w = world();
    let request = HoldRequest {
        minutes: Some(0),
        ..hold_req("h-1", "pat-1", at(MON, "09:00"))
    };
    let e = refused(w.hold(&pat1(), now(), request));
    assert_eq!(invalid(&e), ("invalid_input", "minutes", "not_positive"));
    assert!(w.events(day(MON)).is_empty());
}

#[test]
fn a_hold_longer_than_the_policy_allows_is_refused() {
    let w = world();
    let request = HoldRequest {
        minutes: Some(61),
        ..hold_req("h-1", "pat-1", at(MON, "09:00"))
    };
    let e = refused(w.hold(&pat1(), now(), request));
    assert_eq!(
        e,
        policy("h-1", "hold", PolicyRule::HoldLimit { minutes: 60 })
    );
    assert_eq!(e.code(), "policy_violation");
}

#[test]
fn extending_a_hold_counts_from_now() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let later = now() + minutes(5);
    let hold = w.extend(&pat1(), later, "h-1", None).unwrap();
    assert_eq!(hold.expires_at, later + minutes(10));
    let hold = w.extend(&pat1(), later, "h-1", Some(55)).unwrap();
    assert_eq!(
        hold.expires_at,
        now() + minutes(60),
        "exactly the longest hold"
    );
    let events = w.events(day(MON));
    assert_eq!(type_of(&events[1].change), "hold_extended");
    assert_eq!(events[1].change.topic(), "hold_extended");
}

#[test]
fn extending_a_hold_beyond_the_longest_hold_is_refused() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.extend(&pat1(), now() + minutes(5), "h-1", Some(56)));
    assert_eq!(
        e,
        policy("h-1", "extend", PolicyRule::HoldLimit { minutes: 60 })
    );
    // Staff too: the limit counts from the hold's placing. Extended to the full hour, the
    // hold cannot take a staff member's 30 minutes at +40.
    w.extend(&pat1(), now() + minutes(5), "h-1", Some(55))
        .unwrap();
    let e = refused(w.extend(&staff(), now() + minutes(40), "h-1", None));
    assert_eq!(
        e,
        policy("h-1", "extend", PolicyRule::HoldLimit { minutes: 60 })
    );
    let hold = w
        .extend(&staff(), now() + minutes(40), "h-1", Some(20))
        .unwrap();
    assert_eq!(hold.expires_at, now() + minutes(60));
    // A lapsed hold cannot be extended at all.
    let e = refused(w.extend(&staff(), now() + minutes(60), "h-1", Some(1)));
    assert_eq!(e, transition("hold", "h-1", "expired", "extend"));
}

#[test]
fn a_held_slot_may_be_booked_with_the_notice_it_had_when_held() {
    let w = world();
    let request = HoldRequest {
        appointment_type_id: "planned".into(),
        ..hold_req("h-1", "pat-1", at(MON, "09:00"))
    };
    // Exactly 120 minutes ahead when held.
    w.hold(&pat1(), at(MON, "07:00"), request).unwrap();
    let a = w
        .book_hold(&pat1(), at(MON, "07:09"), "h-1", "a-1")
        .unwrap();
    assert_eq!(a.slot.start, at(MON, "09:00"));
    // Booked directly at that time, the slot would be too soon.
    let e = refused(w.book(
        &pat2(),
        at(MON, "07:09"),
        typed_req("a-2", "pat-2", "planned", at(MON, "09:00")),
    ));
    assert_eq!(
        e,
        unavailable("dr-a", at(MON, "09:00"), Unavailable::TooSoon)
    );
}

#[test]
fn releasing_a_hold_frees_its_slot_and_releasing_it_again_is_refused() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let hold = w.release(&pat1(), now() + minutes(1), "h-1").unwrap();
    assert_eq!(hold.status, HoldStatus::Released);
    let e = refused(w.release(&pat1(), now() + minutes(2), "h-1"));
    assert_eq!(e, transition("hold", "h-1", "released", "release"));
    // The slot is free for another patient.
    w.book(
        &pat2(),
        now() + minutes(2),
        book_req("a-2", "pat-2", at(MON, "09:00")),
    )
    .unwrap();
}

#[test]
fn expire_holds_returns_exactly_the_lapsed_holds_and_they_stop_occupying() {
    let w = world();
    let t0 = now();
    // h-1 lapses at t0+10, h-2 (staff, 30 min) at t0+30, h-3 at t0+15; h-4 is released.
    w.hold(&pat1(), t0, hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    w.hold(&staff(), t0, hold_req("h-2", "pat-2", at(MON, "09:15")))
        .unwrap();
    w.hold(
        &pat1(),
        t0 + minutes(5),
        hold_req("h-3", "pat-1", at(MON, "09:30")),
    )
    .unwrap();
    w.hold(&pat1(), t0, hold_req("h-4", "pat-1", at(MON, "09:45")))
        .unwrap();
    w.release(&pat1(), t0 + minutes(1), "h-4").unwrap();

    assert!(w.expire(t0 + minutes(9)).unwrap().is_empty());
    let expired = w.expire(t0 + minutes(10)).unwrap();
    let ids: Vec<&str> = expired.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["h-1"], "a hold lapses at its expires_at");
    assert_eq!(expired[0].status, HoldStatus::Expired);
    assert!(
        w.expire(t0 + minutes(10)).unwrap().is_empty(),
        "expired once"
    );
    let expired = w.expire(t0 + minutes(20)).unwrap();
    let ids: Vec<&str> = expired.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["h-3"]);

    // The expired slots take bookings again; h-2 still blocks.
    let later = t0 + minutes(20);
    w.book(&pat2(), later, book_req("a-1", "pat-2", at(MON, "09:00")))
        .unwrap();
    w.book(&pat2(), later, book_req("a-3", "pat-2", at(MON, "09:30")))
        .unwrap();
    let e = refused(w.book(&pat1(), later, book_req("a-2", "pat-1", at(MON, "09:15"))));
    assert_eq!(e, unavailable("dr-a", at(MON, "09:15"), Unavailable::Held));

    let types: Vec<String> = w
        .events(day(MON))
        .iter()
        .map(|e| type_of(&e.change))
        .collect();
    assert_eq!(
        types.iter().filter(|t| *t == "hold_expired").count(),
        2,
        "{types:?}"
    );
}

#[test]
fn a_lapsed_hold_stops_blocking_without_expire_holds() {
    let w = world();
    let t0 = now();
    w.hold(&pat1(), t0, hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.book(
        &pat2(),
        t0 + minutes(9),
        book_req("a-2", "pat-2", at(MON, "09:00")),
    ));
    assert_eq!(e, unavailable("dr-a", at(MON, "09:00"), Unavailable::Held));
    let a = w
        .book(
            &pat2(),
            t0 + minutes(10),
            book_req("a-2", "pat-2", at(MON, "09:00")),
        )
        .unwrap();
    assert_eq!(a.patient_id, "pat-2");
    // The lapsed hold was never expired by an event.
    assert_eq!(
        w.replay(day(MON)).hold("h-1").unwrap().status,
        HoldStatus::Held
    );
}

// ---------------------------------------------------------------------------------------
// Booking
// ---------------------------------------------------------------------------------------

#[test]
fn a_direct_booking_is_confirmed_at_once() {
    let w = world();
    let a = w
        .book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    assert_eq!(a.status, AppointmentStatus::Confirmed);
    assert_eq!(a.book_date, day(MON));
    assert_eq!(a.booked_at, now());
    assert_eq!(a.booked_by, pat1());
    assert_eq!(a.confirmed_at, Some(now()));
    assert_eq!(a.hold_id, None);
    assert_eq!(a.reschedule_count, 0);
    assert_eq!(a.policy.reminder_minutes_before, [24 * 60, 120]);
    assert_eq!(
        *a.policy,
        w.schedule.appointment_type("consult").unwrap().policy,
        "a snapshot of the type's policy"
    );
    assert_eq!(
        (a.slot.start, a.slot.end),
        (at(MON, "09:00"), at(MON, "09:15"))
    );
}

#[test]
fn booking_a_hold_takes_its_own_seat() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    // Dr A and room r1 take one patient: the hold's own seat does not count against it.
    let a = w
        .book_hold(&pat1(), now() + minutes(3), "h-1", "a-1")
        .unwrap();
    assert_eq!(a.hold_id.as_deref(), Some("h-1"));
    assert_eq!(a.patient_id, "pat-1");
    assert_eq!(a.slot.start, at(MON, "09:00"));
    assert_eq!(a.booked_at, now() + minutes(3));
    let book = w.replay(day(MON));
    assert_eq!(book.hold("h-1").unwrap().status, HoldStatus::Booked);
    // The booked hold no longer lapses into a free slot.
    let e = refused(w.book(
        &pat2(),
        now() + minutes(30),
        book_req("a-2", "pat-2", at(MON, "09:00")),
    ));
    assert_eq!(
        e,
        unavailable("dr-a", at(MON, "09:00"), Unavailable::Booked)
    );
}

#[test]
fn staff_may_book_a_patients_hold() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let a = w.book_hold(&staff(), now(), "h-1", "a-1").unwrap();
    assert_eq!(a.patient_id, "pat-1");
    assert_eq!(a.booked_by, staff());
}

#[test]
fn booking_an_expired_hold_is_refused() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    // Lapsed, not yet expired by the job.
    let e = refused(w.book_hold(&pat1(), now() + minutes(10), "h-1", "a-1"));
    assert_eq!(e, transition("hold", "h-1", "expired", "book"));
    // Expired by the job.
    w.expire(now() + minutes(11)).unwrap();
    let e = refused(w.book_hold(&pat1(), now() + minutes(11), "h-1", "a-1"));
    assert_eq!(e, transition("hold", "h-1", "expired", "book"));
}

#[test]
fn booking_a_released_or_booked_hold_is_refused() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    w.book_hold(&pat1(), now(), "h-1", "a-1").unwrap();
    let e = refused(w.book_hold(&pat1(), now(), "h-1", "a-2"));
    assert_eq!(e, transition("hold", "h-1", "booked", "book"));

    w.hold(&pat1(), now(), hold_req("h-2", "pat-1", at(MON, "09:15")))
        .unwrap();
    w.release(&pat1(), now(), "h-2").unwrap();
    let e = refused(w.book_hold(&pat1(), now(), "h-2", "a-2"));
    assert_eq!(e, transition("hold", "h-2", "released", "book"));
}

#[test]
fn a_patient_cannot_book_another_patients_hold() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.book_hold(&pat2(), now(), "h-1", "a-1"));
    assert_eq!(e, policy("h-1", "book", PolicyRule::NotOwner));
    let e = refused(w.release(&pat2(), now(), "h-1"));
    assert_eq!(e, policy("h-1", "release", PolicyRule::NotOwner));
    let e = refused(w.extend(&pat2(), now(), "h-1", None));
    assert_eq!(e, policy("h-1", "extend", PolicyRule::NotOwner));
}

#[test]
fn a_patient_cannot_hold_or_book_for_another_patient() {
    let w = world();
    let e = refused(w.hold(&pat2(), now(), hold_req("h-1", "pat-1", at(MON, "09:00"))));
    assert_eq!(e, policy("h-1", "hold", PolicyRule::NotOwner));
    let e = refused(w.book(&pat2(), now(), book_req("a-1", "pat-1", at(MON, "09:00"))));
    assert_eq!(e, policy("a-1", "book", PolicyRule::NotOwner));
}

// ---------------------------------------------------------------------------------------
// Booking a slot one holds
// ---------------------------------------------------------------------------------------

#[test]
fn a_patient_booking_a_slot_they_hold_books_it_from_their_hold() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let later = now() + minutes(2);
    let a = w
        .book(&pat1(), later, book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    assert_eq!(a.hold_id.as_deref(), Some("h-1"));
    assert_eq!(a.status, AppointmentStatus::Confirmed);
    assert_eq!(a.booked_at, later);
    let book = w.replay(day(MON));
    assert_eq!(book.hold("h-1").unwrap().status, HoldStatus::Booked);
    let types: Vec<String> = w
        .events(day(MON))
        .iter()
        .map(|e| type_of(&e.change))
        .collect();
    assert_eq!(types, ["hold_placed", "appointment_booked"]);
    // The hold is used up.
    let e = refused(w.release(&pat1(), later, "h-1"));
    assert_eq!(e, transition("hold", "h-1", "booked", "release"));
    let e = refused(w.book(&pat2(), later, book_req("a-2", "pat-2", at(MON, "09:00"))));
    assert_eq!(
        e,
        unavailable("dr-a", at(MON, "09:00"), Unavailable::Booked)
    );
}

#[test]
fn only_the_holder_books_a_held_slot_directly_and_only_as_held() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    // Another patient, or staff for another patient: held.
    let e = refused(w.book(&pat2(), now(), book_req("a-2", "pat-2", at(MON, "09:00"))));
    assert_eq!(e, unavailable("dr-a", at(MON, "09:00"), Unavailable::Held));
    let e = refused(w.book(&staff(), now(), book_req("a-3", "pat-3", at(MON, "09:00"))));
    assert_eq!(e, unavailable("dr-a", at(MON, "09:00"), Unavailable::Held));
    // The holder, for another type than the one held: held.
    let e = refused(w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "review", at(MON, "09:00")),
    ));
    assert_eq!(e, unavailable("dr-a", at(MON, "09:00"), Unavailable::Held));
    // Staff booking the holder's slot for the holder book it from the hold.
    let a = w
        .book(&staff(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    assert_eq!(a.hold_id.as_deref(), Some("h-1"));
    assert_eq!(a.booked_by, staff());
}

#[test]
fn a_lapsed_hold_is_not_booked_from() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let a = w
        .book(
            &pat1(),
            now() + minutes(10),
            book_req("a-1", "pat-1", at(MON, "09:00")),
        )
        .unwrap();
    assert_eq!(a.hold_id, None);
    assert_eq!(
        w.replay(day(MON)).hold("h-1").unwrap().status,
        HoldStatus::Held,
        "lapsed, not booked"
    );
}

#[test]
fn a_slot_one_holds_is_booked_directly_with_the_notice_it_had_when_held() {
    let w = world();
    let held = HoldRequest {
        appointment_type_id: "planned".into(),
        ..hold_req("h-1", "pat-1", at(MON, "09:00"))
    };
    // Exactly 120 minutes ahead when held; 111 when booked.
    w.hold(&pat1(), at(MON, "07:00"), held).unwrap();
    let a = w
        .book(
            &pat1(),
            at(MON, "07:09"),
            typed_req("a-1", "pat-1", "planned", at(MON, "09:00")),
        )
        .unwrap();
    assert_eq!(a.hold_id.as_deref(), Some("h-1"));
}
