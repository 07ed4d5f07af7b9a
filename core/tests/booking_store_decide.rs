//! Given/when/then scenarios of deciding on what the store holds: day books replayed from it
//! and `decide` on them, and instants outside the years medsched computes with, refused by
//! `Schedule::book_date`, `decide` and the service. Tenants and JSON are in `booking_store.rs`.

mod booking_support;

use booking_support::*;
use chrono::{DateTime, Utc};
use medsched::{
    Error, booking::AppointmentStatus, booking::Command, booking::DayBook, booking::HoldStatus,
    store::Actor,
};

// ---------------------------------------------------------------------------------------
// Replay and decide
// ---------------------------------------------------------------------------------------

#[test]
fn every_day_book_replays_to_what_execute_returned() {
    let w = world();
    let steps: Vec<(Actor, DateTime<Utc>, &str, Command)> = vec![
        (
            pat1(),
            now(),
            MON,
            Command::PlaceHold {
                hold_id: "h-1".into(),
                patient_id: "pat-1".into(),
                doctor_id: "dr-a".into(),
                appointment_type_id: "consult".into(),
                start: at(MON, "09:00"),
                minutes: None,
            },
        ),
        (
            pat1(),
            now(),
            MON,
            Command::ExtendHold {
                hold_id: "h-1".into(),
                minutes: Some(20),
            },
        ),
        (
            pat1(),
            now(),
            MON,
            Command::BookHold {
                appointment_id: "a-1".into(),
                hold_id: "h-1".into(),
            },
        ),
        (
            pat2(),
            now(),
            MON,
            Command::Book {
                appointment_id: "a-2".into(),
                patient_id: "pat-2".into(),
                doctor_id: "dr-a".into(),
                appointment_type_id: "review".into(),
                start: at(MON, "09:30"),
            },
        ),
        (staff(), now(), MON, lifecycle_command("confirm", "a-2")),
        (
            pat2(),
            now(),
            MON,
            Command::Reschedule {
                appointment_id: "a-2".into(),
                start: at(MON, "10:30"),
            },
        ),
        (
            staff(),
            now(),
            MON,
            Command::PlaceHold {
                hold_id: "h-2".into(),
                patient_id: "pat-3".into(),
                doctor_id: "dr-a".into(),
                appointment_type_id: "consult".into(),
                start: at(MON, "11:00"),
                minutes: Some(5),
            },
        ),
        (system(), now() + minutes(5), MON, Command::ExpireHolds),
        (
            staff(),
            at(MON, "09:00"),
            MON,
            lifecycle_command("complete", "a-1"),
        ),
        (
            staff(),
            at(MON, "10:30"),
            MON,
            lifecycle_command("mark_no_show", "a-2"),
        ),
    ];
    let mut last = DayBook::new();
    for (actor, now, date, command) in &steps {
        let (book, events) = w.execute(actor, *now, day(date), command).unwrap();
        assert!(!events.is_empty(), "{command:?}");
        assert!(events.iter().all(|e| e.tenant == TENANT && e.at == *now));
        last = book;
    }
    assert_eq!(w.replay(day(MON)), last);
    let statuses: Vec<AppointmentStatus> = last.appointments().iter().map(|a| a.status).collect();
    assert_eq!(
        statuses,
        [AppointmentStatus::Completed, AppointmentStatus::NoShow]
    );
    let holds: Vec<HoldStatus> = last.holds().iter().map(|h| h.status).collect();
    assert_eq!(holds, [HoldStatus::Booked, HoldStatus::Expired]);

    // Deciding is pure: the same book and command give the same answer, and a command that
    // changes nothing appends nothing.
    let (book, events) = w
        .execute(
            &system(),
            now() + minutes(5),
            day(MON),
            &Command::ExpireHolds,
        )
        .unwrap();
    assert!(events.is_empty());
    assert_eq!(book, last);
    let ctx = medsched::booking::Context {
        schedule: &w.schedule,
        date: day(MON),
        actor: &pat1(),
        now: now(),
    };
    let command = Command::Book {
        appointment_id: "a-9".into(),
        patient_id: "pat-1".into(),
        doctor_id: "dr-a".into(),
        appointment_type_id: "consult".into(),
        start: at(MON, "11:30"),
    };
    let first = medsched::booking::decide(&last, &command, &ctx).unwrap();
    assert_eq!(
        medsched::booking::decide(&last, &command, &ctx).unwrap(),
        first
    );
    assert_eq!(w.replay(day(MON)), last, "decide wrote nothing");
}

#[test]
fn every_status_change_follows_a_move_to_another_day() {
    let w = world();
    let book = |id: &str, kind: &str, hm: &str| {
        w.book(&pat1(), now(), typed_req(id, "pat-1", kind, at(MON, hm)))
            .unwrap();
        w.reschedule(&staff(), now(), MON, id, at(TUE, hm)).unwrap();
    };
    book("a-1", "review", "09:00");
    book("a-2", "review", "09:15");
    book("a-3", "consult", "09:30");
    book("a-4", "consult", "09:45");
    // Each is named by the date it was first booked on, and changed where it is now.
    let a = w
        .update(&staff(), now(), MON, lifecycle_command("confirm", "a-1"))
        .unwrap();
    assert_eq!(
        (a.book_date, a.status),
        (day(TUE), AppointmentStatus::Confirmed)
    );
    let a = w
        .update(&staff(), now(), MON, lifecycle_command("decline", "a-2"))
        .unwrap();
    assert_eq!(
        (a.book_date, a.status),
        (day(TUE), AppointmentStatus::Declined)
    );
    let a = w
        .update(
            &staff(),
            at(TUE, "09:30"),
            MON,
            lifecycle_command("complete", "a-3"),
        )
        .unwrap();
    assert_eq!(
        (a.book_date, a.status),
        (day(TUE), AppointmentStatus::Completed)
    );
    let a = w
        .update(
            &staff(),
            at(TUE, "10:00"),
            MON,
            lifecycle_command("mark_no_show", "a-4"),
        )
        .unwrap();
    assert_eq!(
        (a.book_date, a.status),
        (day(TUE), AppointmentStatus::NoShow)
    );
    // Monday's records only say where each went.
    let mon = w.replay(day(MON));
    assert!(
        mon.appointments()
            .iter()
            .all(|a| a.moved_to == Some(day(TUE)) && a.status.is_upcoming())
    );
}

// ---------------------------------------------------------------------------------------
// Instants outside the years medsched computes with
// ---------------------------------------------------------------------------------------

/// The instants a host might pass by mistake: chrono's extremes, and the first instants
/// outside the years 1900 to 2200 in every time zone (1900-01-01T00:00Z to 2201-01-02T00:00Z,
/// excluded).
fn extremes() -> [DateTime<Utc>; 4] {
    [
        DateTime::<Utc>::MAX_UTC,
        DateTime::<Utc>::MIN_UTC,
        t("2201-01-02T00:00:00Z"),
        t("1899-12-31T23:59:59Z"),
    ]
}

/// An invalid-input refusal of `field` as out of range.
#[track_caller]
fn out_of_range(e: &Error, field: &str) {
    assert_eq!(invalid(e), ("invalid_input", field, "out_of_range"), "{e}");
}

#[test]
fn book_date_refuses_instants_outside_the_years_computed() {
    let s = schedule(TENANT);
    for instant in extremes() {
        out_of_range(&refused(s.book_date(instant)), "instant");
    }
    // The last instant taken is still 2200 somewhere (here it is 2201 already).
    assert_eq!(
        s.book_date(t("2201-01-01T23:59:59Z")).unwrap(),
        day("2201-01-01")
    );
    assert_eq!(
        s.book_date(t("1900-01-01T00:00:00Z")).unwrap(),
        day("1900-01-01")
    );
}

#[test]
fn decide_refuses_a_start_or_now_outside_the_years_computed() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "10:00")))
        .unwrap();
    let book = w.replay(day(MON));
    let decide = |command: &Command, now: DateTime<Utc>, actor: &Actor| {
        let ctx = medsched::booking::Context {
            schedule: &w.schedule,
            date: day(MON),
            actor,
            now,
        };
        medsched::booking::decide(&book, command, &ctx)
    };
    for extreme in extremes() {
        let with_start = [
            Command::from(hold_req("h-2", "pat-1", extreme)),
            Command::from(book_req("a-2", "pat-1", extreme)),
            Command::Reschedule {
                appointment_id: "a-1".into(),
                start: extreme,
            },
        ];
        for command in &with_start {
            out_of_range(&refused(decide(command, now(), &pat1())), "start");
        }
        let every = [
            Command::from(hold_req("h-2", "pat-1", at(MON, "11:00"))),
            Command::ExtendHold {
                hold_id: "h-1".into(),
                minutes: None,
            },
            Command::ReleaseHold {
                hold_id: "h-1".into(),
            },
            Command::ExpireHolds,
            Command::from(book_req("a-2", "pat-1", at(MON, "11:00"))),
            Command::BookHold {
                appointment_id: "a-2".into(),
                hold_id: "h-1".into(),
            },
            lifecycle_command("confirm", "a-1"),
            lifecycle_command("decline", "a-1"),
            lifecycle_command("cancel", "a-1"),
            lifecycle_command("complete", "a-1"),
            lifecycle_command("mark_no_show", "a-1"),
            Command::Reschedule {
                appointment_id: "a-1".into(),
                start: at(MON, "11:00"),
            },
        ];
        for command in &every {
            out_of_range(&refused(decide(command, extreme, &staff())), "now");
        }
    }
}

#[test]
fn the_service_refuses_instants_outside_the_years_computed_without_panicking() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "10:00")))
        .unwrap();
    let before = w.bookings.feed(&w.schedule, 0, 100).unwrap();
    for extreme in extremes() {
        // As a start: refused whatever `now`.
        for now in [now(), extreme] {
            let e = refused(w.hold(&pat1(), now, hold_req("h-2", "pat-1", extreme)));
            assert_eq!(e.code(), "invalid_input", "{e}");
            let e = refused(w.book(&pat1(), now, book_req("a-2", "pat-1", extreme)));
            assert_eq!(e.code(), "invalid_input", "{e}");
            let e = refused(w.reschedule(&pat1(), now, MON, "a-1", extreme));
            assert_eq!(e.code(), "invalid_input", "{e}");
        }
        // As `now`.
        let later = hold_req("h-2", "pat-1", at(MON, "11:00"));
        out_of_range(&refused(w.hold(&pat1(), extreme, later)), "now");
        let later = book_req("a-2", "pat-1", at(MON, "11:00"));
        out_of_range(&refused(w.book(&pat1(), extreme, later)), "now");
        out_of_range(&refused(w.extend(&pat1(), extreme, "h-1", None)), "now");
        out_of_range(&refused(w.release(&pat1(), extreme, "h-1")), "now");
        out_of_range(&refused(w.book_hold(&pat1(), extreme, "h-1", "a-2")), "now");
        out_of_range(&refused(w.expire(extreme)), "now");
        out_of_range(
            &refused(w.reschedule(&pat1(), extreme, MON, "a-1", at(MON, "11:00"))),
            "now",
        );
        out_of_range(
            &refused(w.reschedule(&pat1(), extreme, MON, "a-1", at(TUE, "11:00"))),
            "now",
        );
        out_of_range(&refused(w.cancel(&pat1(), extreme, MON, "a-1")), "now");
        out_of_range(&refused(w.cancel(&staff(), extreme, MON, "a-1")), "now");
        for action in ["confirm", "decline", "complete", "mark_no_show"] {
            let e = refused(w.update(&staff(), extreme, MON, lifecycle_command(action, "a-1")));
            out_of_range(&e, "now");
        }
        // Reading is never refused for it.
        let (dates, span) = (day(MON)..=day(FRI), day(MON)..=day(MON));
        w.bookings.collisions(&w.schedule, dates, extreme).unwrap();
        w.bookings
            .reminders(&w.schedule, span.clone(), extreme, DateTime::<Utc>::MAX_UTC)
            .unwrap();
        w.bookings
            .reminders(&w.schedule, span, DateTime::<Utc>::MIN_UTC, extreme)
            .unwrap();
    }
    assert_eq!(
        w.bookings.feed(&w.schedule, 0, 100).unwrap(),
        before,
        "no refusal wrote anything"
    );
}

/// The service names the request's `start` when it is outside the years medsched computes:
/// `Bookings::hold`, `Bookings::book` and `Bookings::reschedule` date the start with
/// `Schedule::book_date` before deciding, and report its refusal on the field `start` (as
/// `decide` does), not on `book_date`'s own `instant`.
///
/// `Bookings::hold` with `start = DateTime::<Utc>::MAX_UTC`:
/// `InvalidInput { field: "start", problem: OutOfRange }`.
#[test]
fn the_service_names_the_start_field_of_a_start_outside_the_years_computed() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "10:00")))
        .unwrap();
    let extreme = DateTime::<Utc>::MAX_UTC;
    out_of_range(
        &refused(w.hold(&pat1(), now(), hold_req("h-2", "pat-1", extreme))),
        "start",
    );
    out_of_range(
        &refused(w.book(&pat1(), now(), book_req("a-2", "pat-1", extreme))),
        "start",
    );
    out_of_range(
        &refused(w.reschedule(&pat1(), now(), MON, "a-1", extreme)),
        "start",
    );
}

#[test]
fn the_first_and_last_days_computed_take_bookings_and_the_day_after_is_refused() {
    let w = world();
    // 1900-01-01 is a Monday and 2200-12-31 a Wednesday: Dr A works both (Dr A's leave and
    // blocks are in March 2026).
    let first = w
        .book(
            &staff(),
            t("1900-01-01T08:00:00Z"),
            book_req("a-1", "pat-1", t("1900-01-01T09:00:00Z")),
        )
        .unwrap();
    assert_eq!(first.book_date, day("1900-01-01"));
    let last = w
        .book(
            &staff(),
            t("2200-12-31T08:00:00Z"),
            book_req("a-2", "pat-1", t("2200-12-31T09:00:00Z")),
        )
        .unwrap();
    assert_eq!(last.book_date, day("2200-12-31"));
    let moved = w
        .reschedule(
            &staff(),
            t("2200-12-31T08:00:00Z"),
            "2200-12-31",
            "a-2",
            t("2200-12-31T11:45:00Z"),
        )
        .unwrap();
    assert_eq!(moved.slot.end, t("2200-12-31T12:00:00Z"));
    // Thursday 2201-01-01 is still 2200 somewhere, so its instants are taken (booked or
    // refused with a reason, never a panic); the next day's are not.
    let result = w.book(
        &staff(),
        t("2200-12-31T08:00:00Z"),
        book_req("a-3", "pat-1", t("2201-01-01T09:00:00Z")),
    );
    if let Err(e) = &result {
        assert!(
            matches!(e.code(), "invalid_input" | "slot_unavailable"),
            "{e}"
        );
    }
    let e = refused(w.reschedule(
        &staff(),
        t("2200-12-31T08:00:00Z"),
        "2200-12-31",
        "a-2",
        t("2201-01-02T09:00:00Z"),
    ));
    assert_eq!(e.code(), "invalid_input");
}
