//! Appointments that take several resources at once: a surgeon, an anaesthetist and the
//! theatre, booked together or not at all (docs/RESOURCES.md).

mod resources_support;

use chrono::Duration;
use medsched::booking::{Bookings, DayBook};
use medsched::store::InMemoryStore;
use medsched::{Error, Occupancy, PreparedOccupancy, Problem, SlotRequest, Unavailable};
use resources_support::*;

fn bookings() -> Bookings<InMemoryStore> {
    Bookings::new(InMemoryStore::new())
}

fn day_book(b: &Bookings<InMemoryStore>) -> DayBook {
    b.day(&schedule(), DAY.parse().unwrap()).unwrap()
}

fn refused_by(result: medsched::Result<impl std::fmt::Debug>) -> (String, Unavailable) {
    match result {
        Err(Error::SlotUnavailable {
            doctor_id, reason, ..
        }) => (doctor_id.to_string(), reason),
        other => panic!("expected slot_unavailable, got {other:?}"),
    }
}

fn invalid(result: medsched::Result<impl std::fmt::Debug>) -> (String, Problem) {
    match result {
        Err(Error::InvalidInput { field, problem, .. }) => (field, problem),
        other => panic!("expected invalid_input, got {other:?}"),
    }
}

#[test]
fn a_joint_booking_takes_every_resource() {
    let (s, b) = (schedule(), bookings());
    let op = b
        .book_joint(
            &s,
            &staff(),
            now(),
            joint("op-1", at("10:00"), &["dr-gas"], &["theatre"]),
        )
        .unwrap();
    assert_eq!(op.slot.room_id.as_deref(), Some("r1"));
    assert_eq!(op.slot.clinicians, [medsched::Id::from("dr-gas")]);
    assert_eq!(op.slot.equipment, [medsched::Id::from("theatre")]);
    // The anaesthetist is taken for the hour.
    let gas = b.book(
        &s,
        &staff(),
        now(),
        book("c-1", "dr-gas", "consult", at("10:45")),
    );
    assert_eq!(refused_by(gas), ("dr-gas".into(), Unavailable::Booked));
    // The theatre is taken for the hour, whoever asks.
    let mut other = joint("op-2", at("10:30"), &[], &["theatre"]);
    other.doctor_id = "dr-ash".into();
    let room_full = Unavailable::RoomFull {
        room_id: "theatre".into(),
    };
    assert_eq!(
        refused_by(b.book_joint(&s, &staff(), now(), other.clone())),
        ("dr-ash".into(), room_full)
    );
    other.start = at("11:00");
    b.book_joint(&s, &staff(), now(), other).unwrap();
    b.book(
        &s,
        &staff(),
        now(),
        book("c-2", "dr-gas", "consult", at("11:00")),
    )
    .unwrap();
    assert_eq!(day_book(&b).appointments().len(), 3);
}

#[test]
fn a_busy_clinician_refuses_the_whole_booking() {
    let (s, b) = (schedule(), bookings());
    b.book(
        &s,
        &staff(),
        now(),
        book("c-1", "dr-gas", "consult", at("10:30")),
    )
    .unwrap();
    let op = b.book_joint(
        &s,
        &staff(),
        now(),
        joint("op-1", at("10:00"), &["dr-gas"], &[]),
    );
    assert_eq!(refused_by(op), ("dr-gas".into(), Unavailable::Booked));
    // Before the anaesthetist's session: closed, outside hours.
    let early = b.book_joint(
        &s,
        &staff(),
        now(),
        joint("op-1", at("09:00"), &["dr-gas"], &[]),
    );
    let (who, why) = refused_by(early);
    assert_eq!((who.as_str(), why.code()), ("dr-gas", "closed"));
    assert_eq!(day_book(&b).appointments().len(), 1);
}

#[test]
fn equipment_has_seats_like_a_room() {
    let (s, b) = (schedule(), bookings());
    for (i, doctor) in ["dr-ash", "dr-bay", "dr-cole"].into_iter().enumerate() {
        let mut scan = joint(&format!("op-{i}"), at("10:00"), &[], &["ultrasound"]);
        scan.doctor_id = doctor.into();
        let result = b.book_joint(&s, &staff(), now(), scan);
        if i < 2 {
            result.unwrap();
        } else {
            let full = Unavailable::RoomFull {
                room_id: "ultrasound".into(),
            };
            assert_eq!(refused_by(result), ("dr-cole".into(), full));
        }
    }
}

#[test]
fn the_search_offers_what_the_booking_accepts() {
    let (s, b) = (schedule(), bookings());
    let mut ash = joint("op-0", at("11:00"), &[], &["theatre"]);
    ash.doctor_id = "dr-ash".into();
    b.book_joint(&s, &staff(), now(), ash).unwrap();
    let occupancy = PreparedOccupancy::new(day_book(&b).occupancy(now(), None)).unwrap();
    let request = SlotRequest {
        appointment_type: s.appointment_type("op").unwrap().clone(),
        start: at("00:00"),
        end: at("00:00") + Duration::days(1),
        now: now(),
    };
    let surgeon = s.availability("dr-cut").unwrap();
    let gas = s.availability("dr-gas").unwrap();
    let series = surgeon
        .joint_slots(&[gas], &["theatre".into()], &request, &occupancy, None)
        .unwrap();
    let starts: Vec<_> = series.slots.iter().map(|s| s.start).collect();
    assert_eq!(starts, [at("10:00"), at("12:00")]);
    let first = surgeon
        .joint_slots(&[gas], &["theatre".into()], &request, &occupancy, Some(1))
        .unwrap();
    assert_eq!((first.slots.len(), first.truncated), (1, true));
    for start in [at("10:30"), at("11:30")] {
        let op = joint("op-x", start, &["dr-gas"], &["theatre"]);
        refused_by(b.book_joint(&s, &staff(), now(), op));
    }
    b.book_joint(
        &s,
        &staff(),
        now(),
        joint("op-1", at("10:00"), &["dr-gas"], &["theatre"]),
    )
    .unwrap();
    b.book_joint(
        &s,
        &staff(),
        now(),
        joint("op-2", at("12:00"), &["dr-gas"], &["theatre"]),
    )
    .unwrap();
}

#[test]
fn a_bad_need_is_refused_naming_the_field() {
    let (s, b) = (schedule(), bookings());
    let ask = |clinicians: &[&str], equipment: &[&str]| {
        b.book_joint(
            &s,
            &staff(),
            now(),
            joint("op-1", at("10:00"), clinicians, equipment),
        )
    };
    let (field, problem) = invalid(ask(&["dr-cut"], &[]));
    assert_eq!(
        (field.as_str(), problem.code()),
        ("clinicians[0]", "conflicting")
    );
    let (field, problem) = invalid(ask(&["dr-gas", "dr-gas"], &[]));
    assert_eq!(
        (field.as_str(), problem.code()),
        ("clinicians[1]", "duplicate_id")
    );
    let (field, problem) = invalid(ask(&[], &["laser"]));
    assert_eq!(
        (field.as_str(), problem.code()),
        ("equipment[0]", "unknown_reference")
    );
    let (field, problem) = invalid(ask(&[], &["far-scanner"]));
    assert_eq!(
        (field.as_str(), problem.code()),
        ("equipment[0]", "out_of_range")
    );
    let (field, problem) = invalid(ask(&[], &["r1"]));
    assert_eq!(
        (field.as_str(), problem.code()),
        ("equipment[0]", "conflicting")
    );
    let many: Vec<String> = (0..9).map(|i| format!("dr-{i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let (field, problem) = invalid(ask(&many, &[]));
    assert_eq!(
        (field.as_str(), problem.code()),
        ("clinicians", "out_of_range")
    );
    assert!(matches!(
        ask(&["dr-nobody"], &[]),
        Err(Error::NotFound { kind: "doctor", .. })
    ));
    assert!(day_book(&b).appointments().is_empty());
}

#[test]
fn a_repeat_is_the_same_booking_and_a_joint_booking_is_not_moved() {
    let (s, b) = (schedule(), bookings());
    let request = joint("op-1", at("10:00"), &["dr-gas"], &["theatre"]);
    let first = b.book_joint(&s, &staff(), now(), request.clone()).unwrap();
    let again = b.book_joint(&s, &staff(), now(), request).unwrap();
    assert_eq!(first, again);
    let other = b.book_joint(
        &s,
        &staff(),
        now(),
        joint("op-1", at("10:00"), &["dr-gas"], &[]),
    );
    let (field, problem) = invalid(other);
    assert_eq!(
        (field.as_str(), problem.code()),
        ("appointment_id", "duplicate_id")
    );
    let date = DAY.parse().unwrap();
    let moved = b.reschedule(&s, &staff(), now(), date, "op-1", at("11:00"));
    let (field, problem) = invalid(moved);
    assert_eq!(
        (field.as_str(), problem.code()),
        ("appointment_id", "conflicting")
    );
    assert_eq!(day_book(&b).appointments().len(), 1);
}

#[test]
fn cancelling_frees_every_resource() {
    let (s, b) = (schedule(), bookings());
    b.book_joint(
        &s,
        &staff(),
        now(),
        joint("op-1", at("10:00"), &["dr-gas"], &["theatre"]),
    )
    .unwrap();
    let date = DAY.parse().unwrap();
    b.cancel(&s, &staff(), now(), date, "op-1", None).unwrap();
    b.book(
        &s,
        &staff(),
        now(),
        book("c-1", "dr-gas", "consult", at("10:15")),
    )
    .unwrap();
    let mut other = joint("op-2", at("10:00"), &[], &["theatre"]);
    other.doctor_id = "dr-ash".into();
    b.book_joint(&s, &staff(), now(), other).unwrap();
}

#[test]
fn the_claim_keeps_its_resources_through_json_and_plain_claims_are_unchanged() {
    let (s, b) = (schedule(), bookings());
    let op = b
        .book_joint(
            &s,
            &staff(),
            now(),
            joint("op-1", at("10:00"), &["dr-gas"], &["theatre"]),
        )
        .unwrap();
    let plain = b
        .book(
            &s,
            &staff(),
            now(),
            book("c-1", "dr-ash", "consult", at("09:00")),
        )
        .unwrap();
    let json = serde_json::to_value(&op.slot).unwrap();
    assert_eq!(json["clinicians"], serde_json::json!(["dr-gas"]));
    assert_eq!(json["equipment"], serde_json::json!(["theatre"]));
    let plain_json = serde_json::to_value(&plain.slot).unwrap();
    assert!(plain_json.get("clinicians").is_none() && plain_json.get("equipment").is_none());
    let back: medsched::booking::SlotClaim = serde_json::from_value(json).unwrap();
    assert_eq!(back, op.slot);
    // The day book's occupancy names every resource, one reservation each.
    let occupancy: Occupancy = day_book(&b).occupancy(now(), None);
    let mut ids: Vec<_> = occupancy
        .reservations
        .iter()
        .map(|r| r.id.to_string())
        .collect();
    ids.sort();
    assert_eq!(ids, ["c-1", "op-1", "op-1/dr-gas", "op-1/theatre"]);
}

/// Every minute of the day, no resource holds more appointments than its capacity: the
/// brute-force check of the races below.
fn no_resource_overbooked(book: &DayBook) {
    let capacity = |r: &str| match r {
        "ultrasound" => 2,
        _ => 1,
    };
    let mut minute = at("00:00");
    while minute < at("23:59") {
        let mut taken: std::collections::HashMap<String, u32> = Default::default();
        for a in book.appointments().iter().filter(|a| a.occupies()) {
            if a.slot.start <= minute && minute < a.slot.end {
                let slot = &a.slot;
                let resources = std::iter::once(&slot.doctor_id)
                    .chain(&slot.clinicians)
                    .chain(&slot.equipment)
                    .chain(&slot.room_id);
                for r in resources {
                    *taken.entry(r.to_string()).or_default() += 1;
                }
            }
        }
        for (r, n) in taken {
            assert!(n <= capacity(&r), "{r} holds {n} at {minute}");
        }
        minute += Duration::minutes(1);
    }
}

#[test]
fn racing_bookings_of_any_shared_resource_never_overbook_it() {
    let s = schedule();
    let b = bookings();
    std::thread::scope(|scope| {
        for i in 0..12 {
            let (s, b) = (&s, &b);
            scope.spawn(move || {
                let id = format!("x-{i}");
                let result = match i % 3 {
                    0 => b
                        .book_joint(
                            s,
                            &staff(),
                            now(),
                            joint(&id, at("10:00"), &["dr-gas"], &["theatre"]),
                        )
                        .map(|_| ()),
                    1 => {
                        let mut other = joint(&id, at("10:30"), &[], &["theatre"]);
                        other.doctor_id = ["dr-ash", "dr-bay", "dr-cole"][i % 3].into();
                        b.book_joint(s, &staff(), now(), other).map(|_| ())
                    }
                    _ => b
                        .book(
                            s,
                            &staff(),
                            now(),
                            book(&id, "dr-gas", "consult", at("10:15")),
                        )
                        .map(|_| ()),
                };
                if let Err(e) = result {
                    assert_eq!(e.code(), "slot_unavailable", "{e}");
                }
            });
        }
    });
    let book = day_book(&b);
    assert!(!book.appointments().is_empty());
    no_resource_overbooked(&book);
}
