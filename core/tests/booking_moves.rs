//! Given/when/then scenarios of reschedules on the same day, and of the reschedule policy
//! every move answers to: the limit, patients' notice, types patients may not move, owners
//! and retries that change nothing.

mod booking_support;

use booking_support::*;
use medsched::{
    AppointmentType, PolicyRule, Unavailable, booking::AppointmentStatus, booking::Bookings,
    booking::Command, booking::Schedule, store::Change, store::InMemoryStore,
};

// ---------------------------------------------------------------------------------------
// Reschedule
// ---------------------------------------------------------------------------------------

#[test]
fn a_same_day_reschedule_moves_the_slot_and_frees_the_old_one() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let later = now() + minutes(60);
    let a = w
        .reschedule(&pat1(), later, MON, "a-1", at(MON, "10:00"))
        .unwrap();
    assert_eq!(a.slot.start, at(MON, "10:00"));
    assert_eq!(a.reschedule_count, 1);
    assert_eq!(a.updated_at, later);
    assert_eq!(a.status, AppointmentStatus::Confirmed);

    let events = w.events(day(MON));
    assert_eq!(events.len(), 2);
    match &events[1].change {
        Change::AppointmentRescheduled {
            appointment_id,
            from,
            to,
        } => {
            assert_eq!(appointment_id, "a-1");
            assert_eq!(from.start, at(MON, "09:00"));
            assert_eq!(to.start, at(MON, "10:00"));
        }
        other => panic!("expected appointment_rescheduled, got {other:?}"),
    }
    assert_eq!(events[1].actor, pat1());
    w.book(&pat2(), later, book_req("a-2", "pat-2", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.book(&pat2(), later, book_req("a-3", "pat-2", at(MON, "10:00"))));
    assert_eq!(
        e,
        unavailable("dr-a", at(MON, "10:00"), Unavailable::Booked)
    );
}

#[test]
fn a_reschedule_may_overlap_its_own_old_slot() {
    let mut types = types();
    types.push(AppointmentType::new("long", 30));
    let w = World {
        bookings: Bookings::new(InMemoryStore::new()),
        schedule: Schedule::new(TENANT, &clinic(), &calendars(), &types).unwrap(),
    };
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "long", at(MON, "09:00")),
    )
    .unwrap();
    // 09:15-09:45 overlaps 09:00-09:30, the appointment's own time: it does not count.
    let a = w
        .reschedule(&pat1(), now(), MON, "a-1", at(MON, "09:15"))
        .unwrap();
    assert_eq!(a.slot.end, at(MON, "09:45"));
}

#[test]
fn the_reschedule_limit_binds_everyone() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "limited", at(MON, "09:00")),
    )
    .unwrap();
    w.reschedule(&staff(), now(), MON, "a-1", at(MON, "10:00"))
        .unwrap();
    let limit = policy("a-1", "reschedule", PolicyRule::RescheduleLimit { max: 1 });
    let e = refused(w.reschedule(&pat1(), now(), MON, "a-1", at(MON, "11:00")));
    assert_eq!(e, limit);
    let e = refused(w.reschedule(&staff(), now(), MON, "a-1", at(MON, "11:00")));
    assert_eq!(e, limit);
    // Across days too.
    let e = refused(w.reschedule(&staff(), now(), MON, "a-1", at(TUE, "11:00")));
    assert_eq!(e, limit);
    assert!(w.events(day(TUE)).is_empty());
}

#[test]
fn patients_may_not_reschedule_a_type_that_forbids_it() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "fixed", at(MON, "09:00")),
    )
    .unwrap();
    let e = refused(w.reschedule(&pat1(), now(), MON, "a-1", at(MON, "10:00")));
    assert_eq!(
        e,
        policy("a-1", "reschedule", PolicyRule::PatientRescheduleNotAllowed)
    );
    let e = refused(w.reschedule(&pat1(), now(), MON, "a-1", at(TUE, "10:00")));
    assert_eq!(
        e,
        policy("a-1", "reschedule", PolicyRule::PatientRescheduleNotAllowed)
    );
    let a = w
        .reschedule(&staff(), now(), MON, "a-1", at(MON, "10:00"))
        .unwrap();
    assert_eq!(a.slot.start, at(MON, "10:00"));
}

#[test]
fn a_patient_reschedule_needs_notice_and_staff_are_exempt() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "limited", at(MON, "09:00")),
    )
    .unwrap();
    // 90 minutes before, where 120 are asked.
    let late = at(MON, "07:30");
    let e = refused(w.reschedule(&pat1(), late, MON, "a-1", at(MON, "10:00")));
    assert_eq!(
        e,
        policy(
            "a-1",
            "reschedule",
            PolicyRule::RescheduleNotice { minutes: 120 }
        )
    );
    // Exactly 120 minutes before is enough.
    w.reschedule(&pat1(), at(MON, "07:00"), MON, "a-1", at(MON, "10:00"))
        .unwrap();

    w.book(
        &pat1(),
        now(),
        typed_req("a-2", "pat-1", "limited", at(MON, "09:00")),
    )
    .unwrap();
    let a = w
        .reschedule(&staff(), late, MON, "a-2", at(MON, "11:00"))
        .unwrap();
    assert_eq!(a.slot.start, at(MON, "11:00"));
}

#[test]
fn a_patient_cannot_reschedule_or_cancel_another_patients_appointment() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.reschedule(&pat2(), now(), MON, "a-1", at(MON, "10:00")));
    assert_eq!(e, policy("a-1", "reschedule", PolicyRule::NotOwner));
    let e = refused(w.cancel(&pat2(), now(), MON, "a-1"));
    assert_eq!(e, policy("a-1", "cancel", PolicyRule::NotOwner));
}

#[test]
fn rescheduling_to_the_current_start_changes_nothing() {
    let w = world();
    let a = w
        .book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let later = now() + minutes(30);
    let same = w
        .reschedule(&pat1(), later, MON, "a-1", at(MON, "09:00"))
        .unwrap();
    assert_eq!(same, a, "no count, no new updated_at");
    let (_, events) = w
        .execute(
            &pat1(),
            later,
            day(MON),
            &Command::Reschedule {
                appointment_id: "a-1".into(),
                start: at(MON, "09:00"),
            },
        )
        .unwrap();
    assert!(events.is_empty());
    assert_eq!(w.events(day(MON)).len(), 1);
    // A reschedule sent again after it succeeded changes nothing more, on the same day or
    // to another.
    let moved = w
        .reschedule(&pat1(), later, MON, "a-1", at(MON, "10:00"))
        .unwrap();
    assert_eq!(moved.reschedule_count, 1);
    let again = w
        .reschedule(&pat1(), later, MON, "a-1", at(MON, "10:00"))
        .unwrap();
    assert_eq!(again, moved);
    let tue = w
        .reschedule(&pat1(), later, MON, "a-1", at(TUE, "10:00"))
        .unwrap();
    assert_eq!(tue.reschedule_count, 2);
    let again = w
        .reschedule(&pat1(), later, MON, "a-1", at(TUE, "10:00"))
        .unwrap();
    assert_eq!(again, tue);
    assert_eq!(w.events(day(MON)).len(), 3);
    assert_eq!(w.events(day(TUE)).len(), 1);
}

/// A reschedule to the current start changes nothing and is not an error, even once the
/// reschedule that put it there used up the type's limit (or its notice has run out since):
/// a host's retry of a reschedule that succeeded is answered, not refused. The repeat is
/// recognised before the reschedule policy is checked.
///
/// A `limited` visit (1 reschedule) booked Monday 09:00 is rescheduled by staff to 10:00,
/// and the same reschedule is sent again: `Ok`, no events, count still 1.
#[test]
fn retrying_a_reschedule_that_used_up_the_limit_changes_nothing() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "limited", at(MON, "09:00")),
    )
    .unwrap();
    let moved = w
        .reschedule(&staff(), now(), MON, "a-1", at(MON, "10:00"))
        .unwrap();
    assert_eq!(moved.reschedule_count, 1);
    let again = w.reschedule(&staff(), now(), MON, "a-1", at(MON, "10:00"));
    assert_eq!(again.unwrap(), moved);
    assert_eq!(w.events(day(MON)).len(), 2);
}
