//! Given/when/then scenarios of what the store holds: tenants sharing a store, day books
//! replayed from it and `decide` on them, instants outside the years medsched computes with,
//! and events and commands as JSON.

mod booking_support;

use booking_support::*;
use chrono::{DateTime, Utc};
use medsched::{
    Actor, AppointmentStatus, Bookings, Change, Command, DayBook, Error, Event, EventStore,
    HoldStatus, Id, InMemoryStore, SlotClaim, StreamId,
};

// ---------------------------------------------------------------------------------------
// Tenants
// ---------------------------------------------------------------------------------------

#[test]
fn tenants_sharing_a_store_never_see_each_others_bookings() {
    let bookings = Bookings::new(InMemoryStore::new());
    let a = schedule("tenant-a");
    let b = schedule("tenant-b");
    bookings
        .hold(
            &a,
            &pat1(),
            now(),
            hold_req("h-1", "pat-1", at(MON, "09:00")),
        )
        .unwrap();
    bookings
        .book(
            &a,
            &pat1(),
            now(),
            book_req("a-1", "pat-1", at(MON, "10:00")),
        )
        .unwrap();

    assert_eq!(bookings.day(&b, day(MON)).unwrap(), DayBook::new());
    assert!(bookings.feed(&b, 0, 100).unwrap().is_empty());
    let e = refused(bookings.appointment(&b, day(MON), "a-1"));
    assert_eq!(e.code(), "not_found");
    // Tenant B's slots are free.
    let mine = bookings
        .book(
            &b,
            &pat2(),
            now(),
            book_req("a-1", "pat-2", at(MON, "10:00")),
        )
        .unwrap();
    assert_eq!(mine.patient_id, "pat-2");
    bookings
        .book(
            &b,
            &pat2(),
            now(),
            book_req("a-2", "pat-2", at(MON, "09:00")),
        )
        .unwrap();

    let feed_b = bookings.feed(&b, 0, 100).unwrap();
    assert_eq!(feed_b.len(), 2);
    assert!(
        feed_b
            .iter()
            .all(|f| f.event.tenant == "tenant-b" && f.stream.tenant == "tenant-b")
    );
    assert_eq!(
        feed_b.iter().map(|f| f.position).collect::<Vec<_>>(),
        [1, 2]
    );
    let feed_a = bookings.feed(&a, 0, 100).unwrap();
    assert_eq!(feed_a.len(), 2);
    assert!(feed_a.iter().all(|f| f.event.tenant == "tenant-a"));
    assert_eq!(
        bookings
            .appointment(&a, day(MON), "a-1")
            .unwrap()
            .patient_id,
        "pat-1"
    );
}

#[test]
fn a_store_refuses_an_event_of_another_tenant() {
    let store = InMemoryStore::new();
    let event = Event {
        tenant: "tenant-a".into(),
        actor: staff(),
        at: now(),
        change: Change::HoldReleased {
            hold_id: "h-1".into(),
            slot: slot_claim(),
        },
    };
    let stream = StreamId::new("tenant-b", day(MON));
    let e = refused(store.append(&stream, 0, std::slice::from_ref(&event)));
    assert_eq!(e.code(), "invalid_input");
    assert_eq!(e.field(), Some("events[0].tenant"));
    assert_eq!(e.value(), Some("tenant-a"));
    assert_eq!(store.load(&stream).unwrap().version, 0);
    assert!(store.feed(&"tenant-b".into(), 0, 10).unwrap().is_empty());
    assert!(store.feed(&"tenant-a".into(), 0, 10).unwrap().is_empty());
    // Its own stream takes it.
    let own = StreamId::new("tenant-a", day(MON));
    assert_eq!(store.append(&own, 0, &[event]).unwrap(), 1);
    // A stale version is a conflict.
    let again = Event {
        tenant: "tenant-a".into(),
        actor: staff(),
        at: now(),
        change: Change::HoldReleased {
            hold_id: "h-2".into(),
            slot: slot_claim(),
        },
    };
    let e = refused(store.append(&own, 0, &[again]));
    assert!(e.is_conflict(), "{e}");
}

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
    let ctx = medsched::Context {
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
    let first = medsched::decide(&last, &command, &ctx).unwrap();
    assert_eq!(medsched::decide(&last, &command, &ctx).unwrap(), first);
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
        let ctx = medsched::Context {
            schedule: &w.schedule,
            date: day(MON),
            actor,
            now,
        };
        medsched::decide(&book, command, &ctx)
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

/// BUG: `Bookings::hold`, `Bookings::book` and `Bookings::reschedule` date the request's
/// `start` with `Schedule::book_date` before deciding, and pass its refusal on as it is:
/// an invalid-input error on the field `instant`, which the request does not have. Their
/// docs promise `decide`'s errors, where the same start is refused on the field `start`.
///
/// Input: `Bookings::hold` with `start = DateTime::<Utc>::MAX_UTC`. Expected:
/// `InvalidInput { field: "start", problem: OutOfRange }`. Actual: the field is `instant`.
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

// ---------------------------------------------------------------------------------------
// Serde
// ---------------------------------------------------------------------------------------

#[test]
fn events_round_trip_through_json() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    w.extend(&pat1(), now(), "h-1", Some(20)).unwrap();
    w.book_hold(&pat1(), now(), "h-1", "a-1").unwrap();
    w.hold(&pat1(), now(), hold_req("h-2", "pat-1", at(MON, "11:00")))
        .unwrap();
    w.release(&pat1(), now(), "h-2").unwrap();
    w.hold(&pat1(), now(), hold_req("h-3", "pat-1", at(MON, "11:15")))
        .unwrap();
    w.expire(now() + minutes(10)).unwrap();
    w.book(
        &pat2(),
        now(),
        typed_req("a-2", "pat-2", "review", at(MON, "09:15")),
    )
    .unwrap();
    w.update(&staff(), now(), MON, lifecycle_command("confirm", "a-2"))
        .unwrap();
    w.book(
        &pat2(),
        now(),
        typed_req("a-3", "pat-2", "review", at(MON, "09:30")),
    )
    .unwrap();
    w.update(
        &staff(),
        now(),
        MON,
        Command::Decline {
            appointment_id: "a-3".into(),
            reason: Some("no referral".into()),
        },
    )
    .unwrap();
    w.reschedule(&pat2(), now(), MON, "a-2", at(MON, "10:00"))
        .unwrap();
    w.reschedule(&pat2(), now(), MON, "a-2", at(TUE, "10:00"))
        .unwrap();
    w.cancel(&pat2(), now(), MON, "a-2").unwrap();
    w.update(
        &staff(),
        at(MON, "09:00"),
        MON,
        lifecycle_command("complete", "a-1"),
    )
    .unwrap();
    w.book(&pat1(), now(), book_req("a-4", "pat-1", at(MON, "10:30")))
        .unwrap();
    w.update(
        &staff(),
        at(MON, "10:40"),
        MON,
        lifecycle_command("mark_no_show", "a-4"),
    )
    .unwrap();

    let feed = w.bookings.feed(&w.schedule, 0, 100).unwrap();
    let mut types: Vec<String> = feed.iter().map(|f| type_of(&f.event.change)).collect();
    types.sort();
    types.dedup();
    assert_eq!(
        types,
        [
            "appointment_booked",
            "appointment_cancelled",
            "appointment_completed",
            "appointment_confirmed",
            "appointment_declined",
            "appointment_moved_out",
            "appointment_no_show",
            "appointment_rescheduled",
            "hold_expired",
            "hold_extended",
            "hold_placed",
            "hold_released",
        ],
        "every change but a move's abort (see the aborted move tests) is covered"
    );
    for entry in &feed {
        let json = serde_json::to_string(&entry.event).unwrap();
        let back: Event = serde_json::from_str(&json).unwrap();
        assert_eq!(back, entry.event, "{json}");
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["type"], entry.event.change.name());
        assert_eq!(value["tenant"], TENANT);
        assert!(value["actor"]["kind"].is_string());
        let entry_json = serde_json::to_value(entry).unwrap();
        let entry_back: medsched::FeedEntry = serde_json::from_value(entry_json).unwrap();
        assert_eq!(&entry_back, entry);
    }
}

#[test]
fn an_event_reads_from_language_neutral_json() {
    let json = r#"{
        "tenant": "clinic-1",
        "actor": {"kind": "staff", "id": "rcp-1"},
        "at": "2026-03-01T08:00:00Z",
        "type": "appointment_cancelled",
        "appointment_id": "a-1",
        "slot": {
            "doctor_id": "dr-a",
            "location_id": "main",
            "room_id": "r1",
            "appointment_type_id": "consult",
            "mode": "in_person",
            "start": "2026-03-03T10:00:00Z",
            "end": "2026-03-03T10:15:00Z",
            "buffer_before_minutes": 0,
            "buffer_after_minutes": 5
        },
        "reason": null
    }"#;
    let event: Event = serde_json::from_str(json).unwrap();
    assert_eq!(
        event,
        Event {
            tenant: TENANT.into(),
            actor: staff(),
            at: now(),
            change: Change::AppointmentCancelled {
                appointment_id: "a-1".into(),
                slot: slot_claim(),
                reason: None,
            },
        }
    );
}

fn slot_claim() -> SlotClaim {
    SlotClaim {
        doctor_id: "dr-a".into(),
        location_id: "main".into(),
        room_id: Some("r1".into()),
        appointment_type_id: "consult".into(),
        mode: medsched::ConsultationMode::InPerson,
        start: at(TUE, "10:00"),
        end: at(TUE, "10:15"),
        buffer_before_minutes: 0,
        buffer_after_minutes: 5,
    }
}

#[test]
fn commands_round_trip_through_json() {
    let id: Id = "a-1".into();
    let commands = [
        Command::PlaceHold {
            hold_id: "h-1".into(),
            patient_id: "pat-1".into(),
            doctor_id: "dr-a".into(),
            appointment_type_id: "consult".into(),
            start: at(MON, "09:00"),
            minutes: Some(20),
        },
        Command::ExtendHold {
            hold_id: "h-1".into(),
            minutes: None,
        },
        Command::ReleaseHold {
            hold_id: "h-1".into(),
        },
        Command::ExpireHolds,
        Command::Book {
            appointment_id: id.clone(),
            patient_id: "pat-1".into(),
            doctor_id: "dr-a".into(),
            appointment_type_id: "consult".into(),
            start: at(MON, "09:00"),
        },
        Command::BookHold {
            appointment_id: id.clone(),
            hold_id: "h-1".into(),
        },
        lifecycle_command("confirm", "a-1"),
        Command::Decline {
            appointment_id: id.clone(),
            reason: Some("no referral".into()),
        },
        lifecycle_command("cancel", "a-1"),
        lifecycle_command("complete", "a-1"),
        lifecycle_command("mark_no_show", "a-1"),
        Command::Reschedule {
            appointment_id: id,
            start: at(MON, "10:00"),
        },
    ];
    let tags = [
        "place_hold",
        "extend_hold",
        "release_hold",
        "expire_holds",
        "book",
        "book_hold",
        "confirm",
        "decline",
        "cancel",
        "complete",
        "mark_no_show",
        "reschedule",
    ];
    for (command, tag) in commands.iter().zip(tags) {
        let value = serde_json::to_value(command).unwrap();
        assert_eq!(value["command"], tag);
        let back: Command = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(&back, command, "{value}");
    }
}

#[test]
fn a_command_reads_from_language_neutral_json() {
    let command: Command = serde_json::from_str(
        r#"{"command": "place_hold", "hold_id": "h-1", "patient_id": "pat-1",
            "doctor_id": "dr-a", "appointment_type_id": "consult",
            "start": "2026-03-02T09:00:00Z"}"#,
    )
    .unwrap();
    assert_eq!(
        command,
        Command::PlaceHold {
            hold_id: "h-1".into(),
            patient_id: "pat-1".into(),
            doctor_id: "dr-a".into(),
            appointment_type_id: "consult".into(),
            start: at(MON, "09:00"),
            minutes: None,
        }
    );
    let command: Command = serde_json::from_str(r#"{"command": "expire_holds"}"#).unwrap();
    assert_eq!(command, Command::ExpireHolds);
    // Unknown fields and commands are refused.
    assert!(
        serde_json::from_str::<Command>(
            r#"{"command": "cancel", "appointment_id": "a-1", "why": "x"}"#
        )
        .is_err()
    );
    assert!(serde_json::from_str::<Command>(r#"{"command": "teleport"}"#).is_err());
    // The steps of a move to another day are the service's own, not commands a host sends.
    let move_out = serde_json::json!({
        "command": "move_out",
        "appointment_id": "a-1",
        "to_date": "2026-03-03",
        "to": slot_claim(),
    });
    assert!(serde_json::from_value::<Command>(move_out).is_err());
    assert!(
        serde_json::from_str::<Command>(
            r#"{"command": "move_in", "appointment": {}, "start": "2026-03-03T10:00:00Z"}"#
        )
        .is_err()
    );
}
