//! Concurrency: many threads share one `Bookings<InMemoryStore>` and race for the same
//! slots. The service decides, appends with the version it loaded and retries on a
//! conflicting append, so racers for the last seats get exactly the capacity in successes
//! and clear `SlotUnavailable` refusals (never a `Conflict`), and the store holds exactly
//! the successful events, once each.
//!
//! Each race runs on a plain `InMemoryStore` and on `Racy`, a wrapper that pauses after
//! every load so that most appends conflict and the retry path is what runs. Repeats of one
//! request race too: a host retrying a hold or booking gets the one record, written once.
//! The last tests race moves of an appointment to another day against a cancellation and
//! against another move; `booking_concurrency_interleaved.rs` replays, deterministically,
//! interleavings of such moves, among them a bug those races once found.
//!
//! The clinic is in Europe/London, on UTC in early March 2026, so wall-clock times below
//! are also UTC. The world (schedule, requests, stored events) is in `concurrency_support`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Barrier;
use std::thread;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use medsched::{
    Error, Unavailable, booking::Appointment, booking::AppointmentStatus, booking::Bookings,
    booking::Hold, booking::HoldRequest, booking::HoldStatus, booking::Schedule, store::Actor,
    store::Change, store::Event, store::EventStore, store::InMemoryStore,
};

mod concurrency_support;
mod racy_store;
use concurrency_support::*;
use racy_store::Racy;

const THREADS: usize = 16;

/// The ids of the appointments booked by `events`, in order.
fn booked_ids(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match &e.change {
            Change::AppointmentBooked { appointment } => Some(appointment.id.to_string()),
            _ => None,
        })
        .collect()
}

/// The tenant feed holds `n` entries at positions 1..=n (as the in-memory store numbers
/// them; the store contract asks only that they increase), each stream's versions 1, 2, ...
/// in order, and exactly the events of the given streams.
fn assert_feed_gapless<S: EventStore>(
    bookings: &Bookings<S>,
    schedule: &Schedule,
    dates: &[NaiveDate],
    n: usize,
) {
    let feed = bookings.feed(schedule, 0, usize::MAX).expect("feed");
    assert_eq!(feed.len(), n, "feed length");
    let positions: Vec<u64> = feed.iter().map(|e| e.position).collect();
    let want: Vec<u64> = (1..=n as u64).collect();
    assert_eq!(positions, want, "feed positions are not 1..={n}");
    let mut per_stream: BTreeMap<NaiveDate, Vec<Event>> = BTreeMap::new();
    for entry in &feed {
        let events = per_stream.entry(entry.stream.date).or_default();
        events.push(entry.event.clone());
        assert_eq!(
            entry.version,
            events.len() as u64,
            "feed entry {} has version {} in {}",
            entry.position,
            entry.version,
            entry.stream
        );
    }
    for date in dates {
        assert_eq!(
            per_stream.remove(date).unwrap_or_default(),
            events(bookings, *date),
            "the feed and the stream of {date} differ"
        );
    }
    assert!(
        per_stream.is_empty(),
        "feed entries of other streams: {:?}",
        per_stream.keys()
    );
}

/// The racy store of these tests: pauses of 1000 + 250 × (n mod 5) µs after each load.
fn racy() -> Racy {
    Racy::new(1000, 250, 5)
}

/// Runs `f(i)` on `n` threads released together; results in thread order.
fn race<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let barrier = Barrier::new(n);
    thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let (barrier, f) = (&barrier, &f);
                scope.spawn(move || {
                    barrier.wait();
                    f(i)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a booking thread panicked"))
            .collect()
    })
}

/// Splits racing results into the successes and the refusals, and checks every refusal is
/// `SlotUnavailable` with one of `reasons` (in particular never a `Conflict`).
fn split<T>(results: Vec<Result<T, Error>>, reasons: &[Unavailable]) -> (Vec<T>, usize) {
    let mut ok = Vec::new();
    let mut refused = 0;
    for r in results {
        match r {
            Ok(v) => ok.push(v),
            Err(Error::SlotUnavailable { reason, .. }) if reasons.contains(&reason) => {
                refused += 1;
            }
            Err(e) => panic!("expected a success or SlotUnavailable {reasons:?}, got {e:?}"),
        }
    }
    (ok, refused)
}

/// Races `THREADS` direct bookings of the same start; returns the successes.
fn race_same_slot<S: EventStore>(
    bookings: &Bookings<S>,
    schedule: &Schedule,
    doctors: &[&str],
    start: DateTime<Utc>,
    reasons: &[Unavailable],
) -> Vec<Appointment> {
    let results = race(THREADS, |i| {
        let doctor = doctors[i % doctors.len()];
        let request = book_request(format!("a-{i}"), format!("pat-{i}"), doctor, start);
        bookings.book(
            schedule,
            &Actor::patient(format!("pat-{i}")),
            now(),
            request,
        )
    });
    let (ok, refused) = split(results, reasons);
    assert_eq!(ok.len() + refused, THREADS);
    ok
}

/// Checks that the day's stream holds exactly the successful bookings, once each, and
/// nothing else.
fn assert_stream_holds_exactly<S: EventStore>(
    bookings: &Bookings<S>,
    date: NaiveDate,
    ok: &[Appointment],
) {
    let stream = events(bookings, date);
    assert_eq!(
        stream.len(),
        ok.len(),
        "the stream holds {} events for {} successes",
        stream.len(),
        ok.len()
    );
    let in_stream: BTreeSet<String> = booked_ids(&stream).into_iter().collect();
    let succeeded: BTreeSet<String> = ok.iter().map(|a| a.id.to_string()).collect();
    assert_eq!(in_stream.len(), stream.len(), "an event is duplicated");
    assert_eq!(in_stream, succeeded);
}

/// Rounds of each race, on each store.
const ROUNDS: usize = 4;

/// Runs `round` on fresh `Racy` stores and checks the retry path ran: some append
/// conflicted.
fn with_conflicts(round: impl Fn(usize, &Bookings<Racy>)) {
    let mut conflicts = 0;
    for r in 0..ROUNDS {
        let bookings = Bookings::new(racy());
        round(r, &bookings);
        conflicts += bookings.store().conflicts();
    }
    assert!(
        conflicts > 0,
        "the racy store never saw a conflicting append"
    );
}

/// (a) 16 threads book the same slot of a doctor who sees 3 at once: 3 succeed, 13 are
/// refused as `booked`; the stream holds the 3 bookings, once each.
#[test]
fn racing_bookers_of_one_slot_get_exactly_the_doctors_capacity() {
    for r in 0..ROUNDS {
        doctor_capacity_round(r, &Bookings::new(InMemoryStore::new()));
    }
    with_conflicts(doctor_capacity_round);
}

fn doctor_capacity_round<S: EventStore>(round: usize, bookings: &Bookings<S>) {
    let schedule = schedule(&[("dr-a", 3, None)], &[]);
    let start = t("2026-03-02T10:00:00Z");
    let ok = race_same_slot(
        bookings,
        &schedule,
        &["dr-a"],
        start,
        &[Unavailable::Booked],
    );
    assert_eq!(ok.len(), 3, "round {round}: successes");
    for a in &ok {
        assert_eq!(a.status, AppointmentStatus::Confirmed);
        assert_eq!(a.slot.start, start);
    }
    assert_stream_holds_exactly(bookings, monday(), &ok);
    assert_feed_gapless(bookings, &schedule, &[monday()], 3);
    let book = bookings.day(&schedule, monday()).unwrap();
    let occupying = book.appointments().iter().filter(|a| a.occupies()).count();
    assert_eq!(occupying, 3);
}

/// (a) 16 threads book the same slot of two doctors who share a room of capacity 2 (each
/// doctor could see 3): 2 succeed, the rest are refused as `room_full` (or `booked`).
#[test]
fn racing_bookers_of_a_shared_room_get_exactly_the_rooms_capacity() {
    for r in 0..ROUNDS {
        room_capacity_round(r, &Bookings::new(InMemoryStore::new()));
    }
    with_conflicts(room_capacity_round);
}

fn room_capacity_round<S: EventStore>(round: usize, bookings: &Bookings<S>) {
    let schedule = schedule(
        &[("dr-b", 3, Some("r1")), ("dr-c", 3, Some("r1"))],
        &[("r1", 2)],
    );
    let start = t("2026-03-02T11:30:00Z");
    let reasons = [
        Unavailable::RoomFull {
            room_id: "r1".into(),
        },
        Unavailable::Booked,
    ];
    let ok = race_same_slot(bookings, &schedule, &["dr-b", "dr-c"], start, &reasons);
    assert_eq!(ok.len(), 2, "round {round}: successes");
    for a in &ok {
        assert_eq!(a.slot.room_id.as_deref(), Some("r1"));
    }
    assert_stream_holds_exactly(bookings, monday(), &ok);
    assert_feed_gapless(bookings, &schedule, &[monday()], 2);
}

/// (b) 8 threads book 128 (doctor, day, start) targets: each its own share first, then every
/// other target, so each is contended by all. Each target ends with exactly its capacity of
/// bookings, every success is in the store once, and the feed is gapless.
#[test]
fn many_threads_booking_many_slots_lose_nothing_and_double_book_nothing() {
    many_slots_round(&Bookings::new(InMemoryStore::new()));
    // With the racy store, 8 writers of one day book each lose most races: with the default
    // 64 attempts about 1 run in 50 sees a booking give up with `Conflict` (as documented,
    // the retry loop has no backoff). More attempts keep this test about lost and double
    // bookings.
    let bookings = Bookings::new(racy()).with_max_attempts(1024);
    many_slots_round(&bookings);
    assert!(bookings.store().conflicts() > 0);
}

fn many_slots_round<S: EventStore>(bookings: &Bookings<S>) {
    const WORKERS: usize = 8;
    let doctors = ["dr-d", "dr-e"];
    let capacity = |doctor: &str| if doctor == "dr-d" { 1 } else { 2 };
    let schedule = schedule(&[("dr-d", 1, Some("r2")), ("dr-e", 2, None)], &[("r2", 1)]);
    // Every (doctor, day, slot): 2 doctors x 2 days x 32 slots of 09:00-17:00.
    let mut targets = Vec::new();
    for doctor in doctors {
        for date in ["2026-03-02", "2026-03-03"] {
            for k in 0..32 {
                let start = t(&format!("{date}T09:00:00Z")) + Duration::minutes(15 * k);
                targets.push((doctor, start));
            }
        }
    }
    let n = targets.len();
    let results = race(WORKERS, |w| {
        let own = (0..n).filter(|k| k % WORKERS == w);
        let rest = (0..n)
            .map(|k| (k + w * 17) % n)
            .filter(|k| k % WORKERS != w);
        own.chain(rest)
            .map(|k| {
                let (doctor, start) = targets[k];
                let patient = format!("pat-{w}");
                let request = book_request(format!("a-{w}-{k}"), patient.clone(), doctor, start);
                let actor = Actor::patient(patient);
                (k, bookings.book(&schedule, &actor, now(), request))
            })
            .collect::<Vec<_>>()
    });

    let mut successes: BTreeMap<usize, Vec<Appointment>> = BTreeMap::new();
    for (k, result) in results.into_iter().flatten() {
        match result {
            Ok(a) => successes.entry(k).or_default().push(a),
            Err(Error::SlotUnavailable {
                reason: Unavailable::Booked,
                ..
            }) => {}
            Err(e) => panic!("target {k}: expected success or SlotUnavailable(booked), got {e:?}"),
        }
    }
    // dr-d (max_parallel 1) gets each slot once, dr-e (max_parallel 2) twice.
    for (k, &(doctor, start)) in targets.iter().enumerate() {
        let got = successes.get(&k).map_or(0, Vec::len);
        assert_eq!(got, capacity(doctor), "{doctor} at {start}: {got} bookings");
    }
    let all: Vec<Appointment> = successes.into_values().flatten().collect();
    assert_eq!(all.len(), 32 * 2 * (1 + 2));

    // Every success is in the store, once, and occupies its slot; nothing else is there.
    let mut total = 0;
    for date in [monday(), tuesday()] {
        let stream = events(bookings, date);
        total += stream.len();
        let ids = booked_ids(&stream);
        assert_eq!(ids.len(), stream.len(), "only bookings were appended");
        let unique: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "an event is duplicated on {date}");
        let want: BTreeSet<String> = all
            .iter()
            .filter(|a| a.book_date == date)
            .map(|a| a.id.to_string())
            .collect();
        let got: BTreeSet<String> = ids.into_iter().collect();
        assert_eq!(got, want, "successes and stream differ on {date}");
        // No doctor is double-booked: exactly max_parallel appointments per start.
        let book = bookings.day(&schedule, date).unwrap();
        for doctor in doctors {
            let mut per_start: BTreeMap<DateTime<Utc>, usize> = BTreeMap::new();
            for a in book
                .appointments()
                .iter()
                .filter(|a| a.occupies() && a.slot.doctor_id == doctor)
            {
                *per_start.entry(a.slot.start).or_default() += 1;
            }
            assert_eq!(per_start.len(), 32, "{doctor} on {date}");
            assert!(
                per_start.values().all(|&c| c == capacity(doctor)),
                "{doctor} on {date}: {per_start:?}"
            );
        }
    }
    assert_eq!(total, all.len());
    assert_feed_gapless(bookings, &schedule, &[monday(), tuesday()], total);
}

/// (c) 16 threads hold the same slot of a doctor who sees one at a time: one hold is
/// placed, the 15 others are refused as `held`.
#[test]
fn racing_holds_of_one_seat_give_one_hold() {
    for r in 0..ROUNDS {
        holds_round(r, &Bookings::new(InMemoryStore::new()));
    }
    with_conflicts(holds_round);
}

fn holds_round<S: EventStore>(round: usize, bookings: &Bookings<S>) {
    let schedule = schedule(&[("dr-a", 1, None)], &[]);
    let start = t("2026-03-02T14:15:00Z");
    let results = race(THREADS, |i| {
        let request = HoldRequest {
            hold_id: format!("h-{i}").into(),
            patient_id: format!("pat-{i}").into(),
            doctor_id: "dr-a".into(),
            appointment_type_id: "consult".into(),
            start,
            minutes: None,
        };
        let actor = Actor::patient(format!("pat-{i}"));
        bookings.hold(&schedule, &actor, now(), request)
    });
    let (ok, refused): (Vec<Hold>, usize) = split(results, &[Unavailable::Held]);
    assert_eq!(ok.len(), 1, "round {round}: holds placed");
    assert_eq!(refused, THREADS - 1);
    assert_eq!(ok[0].status, HoldStatus::Held);
    let stream = events(bookings, monday());
    assert_eq!(stream.len(), 1);
    match &stream[0].change {
        Change::HoldPlaced { hold } => assert_eq!(hold, &ok[0]),
        other => panic!("expected the hold, got {other:?}"),
    }
    assert_feed_gapless(bookings, &schedule, &[monday()], 1);
}

/// A patient booking from their hold while 15 others book the held slot directly: the hold
/// wins, the others are refused as `held` (before the booking) or `booked` (after).
#[test]
fn a_hold_wins_against_racing_direct_bookings() {
    for r in 0..ROUNDS {
        hold_wins_round(r, &Bookings::new(InMemoryStore::new()), false);
    }
    for r in 0..ROUNDS {
        hold_wins_round(r, &Bookings::new(racy()), false);
    }
}

/// The same race, the holder booking the slot directly (not naming the hold): they book it
/// from their hold all the same.
#[test]
fn a_holder_booking_directly_wins_against_racing_direct_bookings() {
    for r in 0..ROUNDS {
        hold_wins_round(r, &Bookings::new(InMemoryStore::new()), true);
    }
    for r in 0..ROUNDS {
        hold_wins_round(r, &Bookings::new(racy()), true);
    }
}

fn hold_wins_round<S: EventStore>(round: usize, bookings: &Bookings<S>, direct: bool) {
    let schedule = schedule(&[("dr-a", 1, None)], &[]);
    let start = t("2026-03-02T15:00:00Z");
    let holder = Actor::patient("pat-0");
    let request = HoldRequest {
        hold_id: "h-0".into(),
        patient_id: "pat-0".into(),
        doctor_id: "dr-a".into(),
        appointment_type_id: "consult".into(),
        start,
        minutes: None,
    };
    bookings.hold(&schedule, &holder, now(), request).unwrap();
    let results = race(THREADS, |i| {
        if i == 0 && direct {
            let request = book_request("a-0".into(), "pat-0".into(), "dr-a", start);
            bookings.book(&schedule, &holder, now(), request)
        } else if i == 0 {
            bookings.book_hold(&schedule, &holder, now(), monday(), "h-0", "a-0")
        } else {
            let request = book_request(format!("a-{i}"), format!("pat-{i}"), "dr-a", start);
            let actor = Actor::patient(format!("pat-{i}"));
            bookings.book(&schedule, &actor, now(), request)
        }
    });
    let (ok, _) = split(results, &[Unavailable::Held, Unavailable::Booked]);
    assert_eq!(ok.len(), 1, "round {round}: bookings");
    assert_eq!(ok[0].id.as_str(), "a-0");
    assert_eq!(ok[0].hold_id.as_deref(), Some("h-0"));
    let stream = events(bookings, monday());
    assert_eq!(stream.len(), 2, "the hold and its booking");
    assert_eq!(booked_ids(&stream), ["a-0"]);
    let book = bookings.day(&schedule, monday()).unwrap();
    assert_eq!(book.hold("h-0").unwrap().status, HoldStatus::Booked);
    assert_feed_gapless(bookings, &schedule, &[monday()], 2);
}

/// 16 threads send the same hold request at once, as a host's retries may race each other:
/// each gets the same hold, written once. Then the same for the hold's booking, and for a
/// direct booking.
#[test]
fn racing_repeats_of_one_request_write_it_once() {
    for r in 0..ROUNDS {
        repeats_round(r, &Bookings::new(InMemoryStore::new()));
    }
    with_conflicts(repeats_round);
}

fn repeats_round<S: EventStore>(round: usize, bookings: &Bookings<S>) {
    let schedule = schedule(&[("dr-a", 1, None)], &[]);
    let start = t("2026-03-02T10:00:00Z");
    let patient = Actor::patient("pat-1");
    let all_equal = |what: &str, got: &[String]| {
        assert!(
            got.iter().all(|g| *g == got[0]),
            "round {round}: {what}: {got:?}"
        );
    };
    let holds = race(THREADS, |_| {
        let request = HoldRequest {
            hold_id: "h-1".into(),
            patient_id: "pat-1".into(),
            doctor_id: "dr-a".into(),
            appointment_type_id: "consult".into(),
            start,
            minutes: None,
        };
        bookings.hold(&schedule, &patient, now(), request)
    });
    let holds: Vec<String> = holds
        .into_iter()
        .map(|h| format!("{:?}", h.expect("a repeated hold")))
        .collect();
    all_equal("holds", &holds);
    let booked = race(THREADS, |_| {
        bookings.book_hold(&schedule, &patient, now(), monday(), "h-1", "a-1")
    });
    let booked: Vec<String> = booked
        .into_iter()
        .map(|a| {
            let a = a.expect("a repeated booking of the hold");
            assert_eq!(a.hold_id.as_deref(), Some("h-1"));
            format!("{a:?}")
        })
        .collect();
    all_equal("bookings of the hold", &booked);
    let direct = race(THREADS, |_| {
        let request = book_request(
            "a-2".into(),
            "pat-1".into(),
            "dr-a",
            t("2026-03-02T11:00:00Z"),
        );
        bookings.book(&schedule, &patient, now(), request)
    });
    let direct: Vec<String> = direct
        .into_iter()
        .map(|a| format!("{:?}", a.expect("a repeated direct booking")))
        .collect();
    all_equal("direct bookings", &direct);
    let types: Vec<&str> = events(bookings, monday())
        .iter()
        .map(|e| e.change.name())
        .collect();
    assert_eq!(
        types,
        ["hold_placed", "appointment_booked", "appointment_booked"],
        "round {round}"
    );
    assert_feed_gapless(bookings, &schedule, &[monday()], 3);
}

/// Rounds of each race of a move to another day.
const MOVE_ROUNDS: usize = 40;

/// A move to another day (two decisions: book the new day, then leave the old one) racing a
/// cancellation: whatever the interleaving, the patient never holds two slots, and holds
/// none once the cancellation succeeded.
#[test]
fn a_move_to_another_day_racing_a_cancellation_never_leaves_two_slots() {
    let mut outcomes = BTreeMap::new();
    for r in 0..MOVE_ROUNDS {
        let outcome = move_vs_cancel_round(r, &Bookings::new(InMemoryStore::new()));
        *outcomes.entry(outcome).or_insert(0) += 1;
        let outcome = move_vs_cancel_round(r, &Bookings::new(racy()));
        *outcomes.entry(outcome).or_insert(0) += 1;
    }
    eprintln!("move vs cancel outcomes: {outcomes:?}");
}

fn move_vs_cancel_round<S: EventStore>(round: usize, bookings: &Bookings<S>) -> String {
    let schedule = schedule(&[("dr-a", 1, None)], &[]);
    book_monday(bookings, &schedule);
    let results = race(2, |i| {
        if i == 0 {
            let patient = Actor::patient("pat-1");
            let to = t("2026-03-03T09:00:00Z");
            bookings
                .reschedule(&schedule, &patient, now(), monday(), "a-1", to)
                .map(|_| ())
        } else {
            let staff = Actor::staff("desk");
            bookings
                .cancel(&schedule, &staff, now(), monday(), "a-1", None)
                .map(|_| ())
        }
    });
    let left = occupying(bookings, &schedule, "a-1");
    let codes: Vec<&str> = results
        .iter()
        .map(|r| r.as_ref().map_or_else(Error::code, |()| "ok"))
        .collect();
    assert!(
        left.len() <= 1,
        "round {round}: {codes:?}: the patient holds {} slots: {left:?}",
        left.len()
    );
    for r in &results {
        if let Err(e) = r {
            assert!(!e.is_conflict(), "round {round}: {e:?}");
        }
    }
    match (&results[0], &results[1]) {
        (_, Ok(())) => assert!(left.is_empty(), "round {round}: cancelled, yet {left:?}"),
        (Ok(()), Err(_)) => {
            assert_eq!(left.len(), 1, "round {round}: {codes:?}");
            assert_eq!(left[0].book_date, tuesday(), "round {round}");
        }
        (Err(a), Err(b)) => panic!("round {round}: both refused: {a:?} / {b:?}"),
    }
    // Only the staff member cancels: a move the old day refused is recorded as aborted on
    // the new day (its record sent back to Monday), never as a cancellation.
    let tuesday_events = events(bookings, tuesday());
    let mut aborted = false;
    for e in events(bookings, monday()).iter().chain(&tuesday_events) {
        match &e.change {
            Change::AppointmentCancelled { .. } => {
                assert_eq!(e.actor, Actor::staff("desk"), "round {round}: {e:?}");
            }
            Change::AppointmentMoveAborted { back_to, .. } => {
                assert_eq!(*back_to, monday(), "round {round}");
                assert_eq!(e.actor, Actor::patient("pat-1"), "round {round}");
                aborted = true;
            }
            _ => {}
        }
    }
    let tue = bookings.day(&schedule, tuesday()).unwrap();
    if let Some(a) = tue.appointment("a-1") {
        assert_eq!(a.moved_from, Some(monday()), "round {round}");
        if aborted {
            assert!(results[0].is_err(), "round {round}: aborted, yet moved");
            assert_eq!(a.moved_to, Some(monday()), "round {round}");
            assert!(a.status.is_upcoming(), "round {round}: {a:?}");
        }
    }
    let mut outcome = codes.join("/");
    if aborted {
        outcome.push_str(" (aborted)");
    }
    outcome
}

/// Two moves of one appointment to two other days, racing: exactly one slot is left, on the
/// day of a move that succeeded.
#[test]
fn two_racing_moves_to_other_days_leave_one_slot() {
    let mut outcomes = BTreeMap::new();
    for r in 0..MOVE_ROUNDS {
        let outcome = two_moves_round(r, &Bookings::new(InMemoryStore::new()));
        *outcomes.entry(outcome).or_insert(0) += 1;
        let outcome = two_moves_round(r, &Bookings::new(racy()));
        *outcomes.entry(outcome).or_insert(0) += 1;
    }
    eprintln!("two moves outcomes: {outcomes:?}");
}

fn two_moves_round<S: EventStore>(round: usize, bookings: &Bookings<S>) -> String {
    let schedule = schedule(&[("dr-a", 1, None)], &[]);
    book_monday(bookings, &schedule);
    let targets = [t("2026-03-03T10:00:00Z"), t("2026-03-04T11:00:00Z")];
    let results = race(2, |i| {
        let staff = Actor::staff(format!("desk-{i}"));
        bookings.reschedule(&schedule, &staff, now(), monday(), "a-1", targets[i])
    });
    let left = occupying(bookings, &schedule, "a-1");
    let codes: Vec<&str> = results
        .iter()
        .map(|r| r.as_ref().map_or_else(Error::code, |_| "ok"))
        .collect();
    assert_eq!(left.len(), 1, "round {round}: {codes:?}: {left:?}");
    let winners: Vec<&Appointment> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert!(
        !winners.is_empty(),
        "round {round}: both refused: {results:?}"
    );
    for r in &results {
        if let Err(e) = r {
            assert!(!e.is_conflict(), "round {round}: {e:?}");
        }
    }
    assert!(
        winners.iter().any(|w| w.slot == left[0].slot),
        "round {round}: {codes:?}: the slot left {:?} is no winner's",
        left[0].slot
    );
    let found = bookings
        .appointment(&schedule, monday(), "a-1")
        .expect("followed from Monday");
    assert_eq!(found, left[0], "round {round}");
    codes.join("/")
}
