//! Given/when/then scenarios of what the store holds: tenants sharing a store, and events and
//! commands as JSON. Day books replayed from the store, `decide` on them and instants outside
//! the years medsched computes with are in `booking_store_decide.rs`.

mod booking_support;

use booking_support::*;
use medsched::{
    Id, booking::Bookings, booking::Command, booking::DayBook, booking::SlotClaim, store::Change,
    store::Event, store::EventStore, store::InMemoryStore, store::StreamId,
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
        let entry_back: medsched::store::FeedEntry = serde_json::from_value(entry_json).unwrap();
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
        clinicians: Vec::new(),
        equipment: Vec::new(),
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
