//! Given/when/then scenarios of reschedules to another day: the appointment moves between
//! day books, keeps its status and history, is found from its old date, and may come back;
//! a refused move changes neither day.

mod booking_support;

use booking_support::*;
use medsched::{
    RuleKind, Unavailable, booking::AppointmentStatus, booking::Command, store::Change,
};

#[test]
fn a_reschedule_to_another_day_moves_the_appointment_between_day_books() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let later = now() + minutes(60);
    let a = w
        .reschedule(&pat1(), later, MON, "a-1", at(TUE, "10:00"))
        .unwrap();
    assert_eq!(a.book_date, day(TUE));
    assert_eq!(a.moved_from, Some(day(MON)));
    assert_eq!(a.moved_to, None);
    assert_eq!(a.reschedule_count, 1);
    assert_eq!(a.slot.start, at(TUE, "10:00"));
    assert_eq!(a.booked_at, now(), "the booking keeps its history");
    assert_eq!(a.updated_at, later);

    let tue = w.events(day(TUE));
    assert_eq!(tue.len(), 1);
    let moved_from = match &tue[0].change {
        Change::AppointmentBooked { appointment } => appointment.moved_from,
        other => panic!("expected appointment_booked, got {other:?}"),
    };
    assert_eq!(moved_from, Some(day(MON)));
    let mon = w.events(day(MON));
    assert_eq!(mon.len(), 2);
    match &mon[1].change {
        Change::AppointmentMovedOut {
            appointment_id,
            to_date,
            from_version,
            to,
        } => {
            assert_eq!(appointment_id, "a-1");
            assert_eq!(*to_date, day(TUE));
            assert_eq!(
                *from_version, 1,
                "the move read Monday after its one booking"
            );
            assert_eq!(
                a.moved_from_version,
                Some(1),
                "the copy names the same move"
            );
            assert_eq!(to, &a.slot);
        }
        other => panic!("expected appointment_moved_out, got {other:?}"),
    }
    let old = w.replay(day(MON));
    let old = old.appointment("a-1").unwrap();
    assert_eq!(old.moved_to, Some(day(TUE)));
    assert!(!old.occupies());

    // The appointment is found from its old date.
    let found = w
        .bookings
        .appointment(&w.schedule, day(MON), "a-1")
        .unwrap();
    assert_eq!(found, a);
    // Monday 09:00 is free again; Tuesday 10:00 is taken.
    w.book(&pat2(), later, book_req("a-2", "pat-2", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.book(&pat2(), later, book_req("a-3", "pat-2", at(TUE, "10:00"))));
    assert_eq!(
        e,
        unavailable("dr-a", at(TUE, "10:00"), Unavailable::Booked)
    );

    // Cancelling with the old date cancels it on its new day.
    let c = w.cancel(&pat1(), later, MON, "a-1").unwrap();
    assert_eq!(c.status, AppointmentStatus::Cancelled);
    assert_eq!(c.book_date, day(TUE));
    w.book(&pat2(), later, book_req("a-3", "pat-2", at(TUE, "10:00")))
        .unwrap();
}

#[test]
fn a_reschedule_across_days_keeps_the_pending_status() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "review", at(MON, "09:00")),
    )
    .unwrap();
    let a = w
        .reschedule(&pat1(), now(), MON, "a-1", at(TUE, "09:00"))
        .unwrap();
    assert_eq!(a.status, AppointmentStatus::Pending);
    let confirmed = w
        .update(
            &staff(),
            now(),
            MON,
            Command::Confirm {
                appointment_id: "a-1".into(),
            },
        )
        .unwrap();
    assert_eq!(confirmed.book_date, day(TUE));
    assert_eq!(confirmed.status, AppointmentStatus::Confirmed);
}

#[test]
fn a_refused_reschedule_to_another_day_changes_nothing() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.reschedule(&pat1(), now(), MON, "a-1", at(THU, "09:00")));
    assert_eq!(
        e,
        unavailable(
            "dr-a",
            at(THU, "09:00"),
            closed(RuleKind::Leave, Some("annual-leave"))
        )
    );
    assert!(w.events(day(THU)).is_empty());
    assert_eq!(w.events(day(MON)).len(), 1);
}

#[test]
fn a_reschedule_back_to_the_original_day_is_allowed() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    w.reschedule(&pat1(), now(), MON, "a-1", at(TUE, "09:00"))
        .unwrap();
    let back = w
        .reschedule(&pat1(), now(), MON, "a-1", at(MON, "10:00"))
        .unwrap();
    assert_eq!(back.book_date, day(MON));
    assert_eq!(back.slot.start, at(MON, "10:00"));
    assert_eq!(back.reschedule_count, 2);
    let found = w
        .bookings
        .appointment(&w.schedule, day(MON), "a-1")
        .unwrap();
    assert_eq!(found, back);
}
