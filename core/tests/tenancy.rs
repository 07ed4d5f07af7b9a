//! Tenants cannot reach each other, and a stored stream is checked before it is folded: every
//! cross-tenant path and every edit of a stored stream is tried here, and each is refused
//! with a typed error.

mod booking_support;

use std::sync::Mutex;

use booking_support::*;
use medsched::booking::Bookings;
use medsched::store::{
    Actor, Change, Event, EventStore, FeedEntry, InMemoryStore, LoadedStream, StreamId,
};
use medsched::tokens::{QueueDay, QueueRules, TokenKind, TokenRequest, TokenSession, Tokens};
use medsched::{Error, Id, Result};

/// An edit of a loaded stream.
type Edit = Box<dyn Fn(&mut LoadedStream) + Send>;

/// A store whose `load` hands back an edited copy of the stream: what a tampered database
/// or a buggy adapter returns.
struct Tampered {
    inner: InMemoryStore,
    edit: Mutex<Option<Edit>>,
}

impl Tampered {
    fn new() -> Self {
        Tampered {
            inner: InMemoryStore::new(),
            edit: Mutex::new(None),
        }
    }

    fn edit(&self, f: impl Fn(&mut LoadedStream) + Send + 'static) {
        *self.edit.lock().unwrap() = Some(Box::new(f));
    }
}

impl EventStore for Tampered {
    fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
        let mut loaded = self.inner.load(stream)?;
        if let Some(edit) = &*self.edit.lock().unwrap() {
            edit(&mut loaded);
        }
        Ok(loaded)
    }

    fn append(&self, stream: &StreamId, expected: u64, events: &[Event]) -> Result<u64> {
        self.inner.append(stream, expected, events)
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        self.inner.feed(tenant, after, limit)
    }
}

fn booked_world() -> (Bookings<Tampered>, medsched::booking::Schedule) {
    let bookings = Bookings::new(Tampered::new());
    let schedule = schedule(TENANT);
    for (id, time) in [("a-1", "09:00"), ("a-2", "10:00")] {
        bookings
            .book(
                &schedule,
                &pat1(),
                now(),
                book_req(id, "pat-1", at(MON, time)),
            )
            .unwrap();
    }
    (bookings, schedule)
}

#[track_caller]
fn assert_corrupt(err: Error, stream: &str, version: u64) {
    let Error::Storage { kind, message, .. } = &err else {
        panic!("not a storage error: {err:?}");
    };
    assert_eq!(kind, "corrupt_stream");
    let at = format!("corrupt stream {stream} at version {version}:");
    assert!(message.starts_with(&at), "{message}");
    assert!(!err.is_retry_safe());
}

#[test]
fn an_event_of_another_tenant_in_a_stream_is_refused_when_loaded() {
    let (bookings, schedule) = booked_world();
    bookings
        .store()
        .edit(|loaded| loaded.events[1].tenant = "clinic-2".into());
    let err = bookings.day(&schedule, day(MON)).unwrap_err();
    assert_corrupt(err, "clinic-1/2026-03-02", 2);
    // Deciding on it is refused too, and nothing is appended.
    let err = bookings
        .book(
            &schedule,
            &pat1(),
            now(),
            book_req("a-3", "pat-1", at(MON, "11:00")),
        )
        .unwrap_err();
    assert_corrupt(err, "clinic-1/2026-03-02", 2);
}

#[test]
fn a_skipped_or_claimed_version_is_refused() {
    let (bookings, schedule) = booked_world();
    bookings.store().edit(|loaded| loaded.version += 1);
    assert_corrupt(
        bookings.day(&schedule, day(MON)).unwrap_err(),
        "clinic-1/2026-03-02",
        3,
    );
    bookings.store().edit(|loaded| {
        loaded.events.remove(0);
    });
    assert_corrupt(
        bookings.day(&schedule, day(MON)).unwrap_err(),
        "clinic-1/2026-03-02",
        2,
    );
}

#[test]
fn an_event_filed_in_another_stream_is_refused() {
    let (bookings, schedule) = booked_world();
    // Tuesday's book handed Monday's events: the booking names its own book date.
    let monday = bookings
        .store()
        .inner
        .load(&StreamId::new(TENANT, day(MON)))
        .unwrap();
    bookings
        .store()
        .edit(move |loaded| *loaded = monday.clone());
    let err = bookings.day(&schedule, day(TUE)).unwrap_err();
    assert_corrupt(err, "clinic-1/2026-03-03", 1);
    // A token event in a day book.
    bookings.store().edit(|loaded| {
        loaded.events[0].change =
            Change::Token(medsched::tokens::TokenChange::TokenCalled { number: 1 });
    });
    let err = bookings.day(&schedule, day(MON)).unwrap_err();
    assert_corrupt(err, "clinic-1/2026-03-02", 1);
}

fn queue_rules() -> QueueRules {
    QueueRules::new(vec![TokenSession::new(
        "all-day",
        t("2026-03-02T00:00:00Z"),
        t("2026-03-02T23:00:00Z"),
    )])
}

#[test]
fn a_day_book_event_in_a_token_queue_is_refused() {
    // A service that keeps no folded queue reads the whole stream on every call.
    let tokens = Tokens::new(Tampered::new()).with_cached_queues(0);
    let schedule = schedule(TENANT);
    let queue = QueueDay::of(&schedule, "dr-a", day(MON)).unwrap();
    let walk_in = TokenRequest::new("t-1", TokenKind::WalkIn, "pat-1");
    tokens
        .issue(&queue, &queue_rules(), &staff(), now(), walk_in)
        .unwrap();
    tokens.store().edit(|loaded| {
        loaded.events[0].change = Change::AppointmentConfirmed {
            appointment_id: "a-1".into(),
        };
    });
    let err = tokens.queue(&queue).unwrap_err();
    assert_corrupt(err, "clinic-1/2026-03-02/tokens/dr-a", 1);
}

#[test]
fn a_day_book_event_appended_after_a_kept_queue_is_refused() {
    // A service that keeps its folded queue reads only the events appended since: those
    // are checked as a whole stream is.
    let store = Tampered::new();
    let tokens = Tokens::new(&store);
    let other_desk = Tokens::new(&store);
    let schedule = schedule(TENANT);
    let queue = QueueDay::of(&schedule, "dr-a", day(MON)).unwrap();
    for (desk, id) in [(&tokens, "t-1"), (&other_desk, "t-2")] {
        let walk_in = TokenRequest::new(id, TokenKind::WalkIn, "pat-1");
        desk.issue(&queue, &queue_rules(), &staff(), now(), walk_in)
            .unwrap();
    }
    store.edit(|loaded| {
        if let Some(last) = loaded.events.last_mut() {
            last.change = Change::AppointmentConfirmed {
                appointment_id: "a-1".into(),
            };
        }
    });
    let err = tokens.queue(&queue).unwrap_err();
    assert_corrupt(err, "clinic-1/2026-03-02/tokens/dr-a", 2);
}

#[test]
fn a_token_for_another_tenants_appointment_is_refused() {
    let store = InMemoryStore::new();
    let bookings = Bookings::new(&store);
    let tokens = Tokens::new(&store);
    let (ours, theirs) = (schedule("clinic-1"), schedule("clinic-2"));
    let appointment = bookings
        .book(
            &theirs,
            &pat1(),
            now(),
            book_req("a-1", "pat-1", at(MON, "09:00")),
        )
        .unwrap();
    let err = tokens
        .issue_for_appointment(&ours, &queue_rules(), &staff(), now(), &appointment)
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
    // Its own tenant issues it.
    let issued = tokens
        .issue_for_appointment(&theirs, &queue_rules(), &staff(), now(), &appointment)
        .unwrap();
    assert_eq!(issued.token.unwrap().appointment_id.as_deref(), Some("a-1"));
    assert!(
        tokens
            .queue(&QueueDay::new("clinic-1", "dr-a", day(MON)))
            .unwrap()
            .tokens()
            .is_empty()
    );
}

#[test]
fn an_edited_appointment_record_is_refused() {
    let store = InMemoryStore::new();
    let bookings = Bookings::new(&store);
    let tokens = Tokens::new(&store);
    let schedule = schedule(TENANT);
    let appointment = bookings
        .book(
            &schedule,
            &pat1(),
            now(),
            book_req("a-1", "pat-1", at(MON, "09:00")),
        )
        .unwrap();
    let mut other_patient = appointment.clone();
    other_patient.patient_id = "pat-2".into();
    let err = tokens
        .issue_for_appointment(&schedule, &queue_rules(), &staff(), now(), &other_patient)
        .unwrap_err();
    assert_eq!(err.field(), Some("appointment"));
    assert_eq!(err.problem().map(|p| p.code()), Some("conflicting"));
    let mut moved = appointment.clone();
    moved.slot.start = at(MON, "11:00");
    assert!(
        tokens
            .issue_for_appointment(&schedule, &queue_rules(), &staff(), now(), &moved)
            .is_err()
    );
    // A cancelled appointment handed in as still booked: the stored status decides.
    bookings
        .cancel(&schedule, &staff(), now(), day(MON), "a-1", None)
        .unwrap();
    let err = tokens
        .issue_for_appointment(&schedule, &queue_rules(), &staff(), now(), &appointment)
        .unwrap_err();
    assert_eq!(err.code(), "invalid_transition");
}

#[test]
fn a_queue_is_opened_only_for_a_doctor_of_the_tenant() {
    let schedule = schedule(TENANT);
    let err = QueueDay::of(&schedule, "dr-elsewhere", day(MON)).unwrap_err();
    assert_eq!(err.code(), "not_found");
    let day = QueueDay::of(&schedule, "dr-a", day(MON)).unwrap();
    assert_eq!(day.tenant, TENANT);
}

#[test]
fn tenants_share_no_queue_and_no_feed() {
    let store = InMemoryStore::new();
    let tokens = Tokens::new(&store);
    let bookings = Bookings::new(&store);
    let (one, two) = (schedule("clinic-1"), schedule("clinic-2"));
    for s in [&one, &two] {
        let queue = QueueDay::of(s, "dr-a", day(MON)).unwrap();
        let walk_in = TokenRequest::new("t-1", TokenKind::WalkIn, "pat-1");
        let issued = tokens
            .issue(&queue, &queue_rules(), &staff(), now(), walk_in)
            .unwrap();
        // Numbers are per tenant: each starts at 1.
        assert_eq!(issued.token.unwrap().number, 1);
    }
    bookings
        .book(
            &one,
            &pat1(),
            now(),
            book_req("a-1", "pat-1", at(MON, "09:00")),
        )
        .unwrap();
    // Feed positions are per tenant: clinic-2 sees its own one event, at position 1.
    let two_feed = bookings.feed(&two, 0, 100).unwrap();
    assert_eq!(two_feed.len(), 1);
    assert_eq!(two_feed[0].position, 1);
    assert!(two_feed.iter().all(|e| e.stream.tenant == "clinic-2"));
    let one_feed = bookings.feed(&one, 0, 100).unwrap();
    assert_eq!(
        one_feed.iter().map(|e| e.position).collect::<Vec<_>>(),
        [1, 2]
    );
}

#[test]
fn a_token_queue_of_doctor_empty_is_not_the_day_book() {
    let store = InMemoryStore::new();
    let tokens = Tokens::new(&store);
    let queue = QueueDay::new(TENANT, "", day(MON));
    let walk_in = TokenRequest::new("t-1", TokenKind::WalkIn, "pat-1");
    let err = tokens
        .issue(&queue, &queue_rules(), &staff(), now(), walk_in)
        .unwrap_err();
    assert_eq!(err.field(), Some("stream.doctor_id"));
    let err = store
        .load(&StreamId::tokens(TENANT, "", day(MON)))
        .unwrap_err();
    assert_eq!(err.field(), Some("stream.doctor_id"));
    let event = Event {
        tenant: TENANT.into(),
        actor: Actor::staff("rcp-1"),
        at: now(),
        change: Change::AppointmentConfirmed {
            appointment_id: "a-1".into(),
        },
    };
    let err = store
        .append(&StreamId::new("clinic-2", day(MON)), 0, &[event])
        .unwrap_err();
    assert_eq!(err.field(), Some("events[0].tenant"));
}

#[test]
fn a_booking_with_an_overlong_id_is_refused_before_anything_is_stored() {
    let store = InMemoryStore::new();
    let bookings = Bookings::new(&store);
    let schedule = schedule(TENANT);
    let patient = "p".repeat(100_000);
    let err = bookings
        .book(
            &schedule,
            &pat1(),
            now(),
            book_req("a-1", &patient, at(MON, "09:00")),
        )
        .unwrap_err();
    assert_eq!(err.field(), Some("patient_id"));
    assert!(err.value().unwrap().ends_with("… (100000 characters)"));
    let doctor = "d".repeat(5_000);
    let mut request = book_req("a-1", "pat-1", at(MON, "09:00"));
    request.doctor_id = doctor.as_str().into();
    let err = bookings
        .book(&schedule, &pat1(), now(), request)
        .unwrap_err();
    assert_eq!(err.field(), Some("doctor_id"));
    assert!(err.to_string().len() < 400, "{err}");
    assert!(store.feed(&TENANT.into(), 0, 10).unwrap().is_empty());
}

#[test]
fn a_token_with_an_overlong_text_is_refused_unless_the_host_raises_the_limit() {
    let queue = QueueDay::new(TENANT, "dr-a", day(MON));
    let long = "p".repeat(2_000);
    let walk_in = TokenRequest::new("t-1", TokenKind::WalkIn, long.as_str());
    let tokens = Tokens::new(InMemoryStore::new());
    let err = tokens
        .issue(&queue, &queue_rules(), &staff(), now(), walk_in.clone())
        .unwrap_err();
    assert_eq!(err.field(), Some("patient_id"));
    assert!(err.value().unwrap().ends_with("… (2000 characters)"));
    assert!(tokens.queue(&queue).unwrap().tokens().is_empty());
    let roomy = medsched::Limits {
        max_text_length: 2_000,
        ..medsched::Limits::DEFAULT
    };
    let tokens = Tokens::new(InMemoryStore::new()).with_limits(roomy);
    let issued = tokens
        .issue(&queue, &queue_rules(), &staff(), now(), walk_in)
        .unwrap();
    assert_eq!(issued.token.unwrap().number, 1);
}
