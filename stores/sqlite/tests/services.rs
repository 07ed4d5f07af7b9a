//! The booking and token services over a SQLite file, what survives reopening it, and what
//! a store says of a file it cannot trust.

mod support;

use futures::executor::block_on;
use futures::future::join_all;
use medsched::booking::{AsyncBookings, Bookings};
use medsched::store::{Blocking, EventStore, StreamId};
use medsched::tokens::Tokens;
use medsched::{Error, Unavailable};
use medsched_sqlite::{OpenError, SqliteStore};
use support::*;

fn file_store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("clinic.db")).unwrap();
    (dir, store)
}

#[test]
fn bookings_book_move_and_cancel_over_a_file() {
    let (_dir, store) = file_store();
    let bookings = Bookings::new(&store);
    let schedule = schedule(TENANT);
    let staff = desk();

    let first = bookings
        .book(
            &schedule,
            &patient(1),
            now(),
            book_request("a-1", "pat-1", at(MON, "09:00")),
        )
        .unwrap();
    let taken = bookings.book(
        &schedule,
        &patient(2),
        now(),
        book_request("a-2", "pat-2", at(MON, "09:00")),
    );
    assert!(
        matches!(
            &taken,
            Err(Error::SlotUnavailable {
                reason: Unavailable::Booked,
                ..
            })
        ),
        "{taken:?}"
    );
    let moved = bookings
        .reschedule(&schedule, &staff, now(), day(MON), "a-1", at(TUE, "10:00"))
        .unwrap();
    assert_eq!(moved.book_date, day(TUE));
    bookings
        .cancel(&schedule, &staff, now(), day(TUE), "a-1", None)
        .unwrap();

    assert_eq!(first.id.as_str(), "a-1");
    assert!(check_day_book(&store, TENANT, MON).is_empty());
    assert!(check_day_book(&store, TENANT, TUE).is_empty());
    let feed = bookings.feed(&schedule, 0, 100).unwrap();
    assert_eq!(
        feed.len(),
        4,
        "booked, booked on Tuesday, moved out, cancelled"
    );
    assert_eq!(check_feed(&store, TENANT), 4);
}

#[test]
fn tokens_are_numbered_in_order_over_a_file() {
    let (_dir, store) = file_store();
    let tokens = Tokens::new(&store);
    for i in 1..=5 {
        let update = tokens
            .issue(
                &queue_day(TENANT),
                &queue_rules(),
                &desk(),
                token_now(),
                walk_in(&format!("t-{i}"), &format!("pat-{i}")),
            )
            .unwrap();
        assert_eq!(update.token.unwrap().number, i);
    }
    assert_eq!(check_queue(&store, TENANT).len(), 5);
    assert_eq!(tokens.queue(&queue_day(TENANT)).unwrap().tokens().len(), 5);
}

#[test]
fn token_desks_on_two_connections_to_one_file_keep_their_queues_current() {
    // Two services, each with its own store on the same file (as two processes would be),
    // each keeping the queue it folded: every issue reads what the other desk wrote since.
    let (dir, store) = file_store();
    let other = SqliteStore::open(dir.path().join("clinic.db")).unwrap();
    let (desk_a, desk_b) = (Tokens::new(&store), Tokens::new(&other));
    for i in 1..=8u32 {
        let desk_of_turn = if i % 3 == 0 { &desk_b } else { &desk_a };
        let update = desk_of_turn
            .issue(
                &queue_day(TENANT),
                &queue_rules(),
                &desk(),
                token_now(),
                walk_in(&format!("t-{i}"), &format!("pat-{i}")),
            )
            .unwrap();
        assert_eq!(update.token.unwrap().number, i);
        assert_eq!(update.queue.tokens().len(), i as usize);
    }
    let stream = queue_day(TENANT).stream();
    let whole = store.load(&stream).unwrap();
    let since = other.load_after(&stream, 5).unwrap();
    assert_eq!((since.version, &since.events[..]), (8, &whole.events[5..]));
    for desk in [&desk_a, &desk_b] {
        let queue = desk.queue(&queue_day(TENANT)).unwrap();
        assert_eq!(
            queue,
            medsched::tokens::Queue::from_events(whole.events.clone())
        );
    }
}

#[test]
fn racing_async_bookers_over_blocking_get_the_last_seat_once() {
    let (_dir, store) = file_store();
    let bookings = AsyncBookings::new(Blocking(&store));
    let schedule = schedule(TENANT);
    let actors: Vec<_> = (0..16).map(patient).collect();
    let racing = actors.iter().enumerate().map(|(i, actor)| {
        let request = book_request(&format!("a-{i}"), &format!("pat-{i}"), at(MON, "10:00"));
        bookings.book(&schedule, actor, now(), request)
    });
    let results = block_on(join_all(racing));
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert_eq!(check_day_book(&store, TENANT, MON).len(), 1);
}

#[test]
fn a_reopened_file_holds_every_stream_and_the_feed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    let schedule = schedule(TENANT);
    let (feed, queue) = {
        let store = SqliteStore::open(&path).unwrap();
        let bookings = Bookings::new(&store);
        for (i, start) in slots(MON).into_iter().take(5).enumerate() {
            let request = book_request(&format!("a-{i}"), &format!("pat-{i}"), start);
            bookings
                .book(&schedule, &patient(i), now(), request)
                .unwrap();
        }
        let tokens = Tokens::new(&store);
        for i in 0..3 {
            let request = walk_in(&format!("t-{i}"), &format!("pat-{i}"));
            tokens
                .issue(
                    &queue_day(TENANT),
                    &queue_rules(),
                    &desk(),
                    token_now(),
                    request,
                )
                .unwrap();
        }
        let feed = store.feed(&TENANT.into(), 0, 100).unwrap();
        (feed, check_queue(&store, TENANT))
    };
    let store = medsched_sqlite::open(&format!("sqlite://{}", path.display())).unwrap();
    assert_eq!(store.feed(&TENANT.into(), 0, 100).unwrap(), feed);
    assert_eq!(check_day_book(&store, TENANT, MON).len(), 5);
    assert_eq!(check_queue(&store, TENANT), queue);
    // And it goes on where it stopped: the next position, the next version.
    let bookings = Bookings::new(&store);
    let request = book_request("a-9", "pat-9", slots(MON)[9]);
    bookings
        .book(&schedule, &patient(9), now(), request)
        .unwrap();
    let next = store
        .feed(&TENANT.into(), feed.last().unwrap().position, 10)
        .unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].position, feed.last().unwrap().position + 1);
    assert_eq!(next[0].version, 6);
}

#[test]
fn two_stores_on_one_file_see_each_other() {
    let (dir, store) = file_store();
    let other = SqliteStore::open(dir.path().join("clinic.db")).unwrap();
    let schedule = schedule(TENANT);
    Bookings::new(&store)
        .book(
            &schedule,
            &patient(1),
            now(),
            book_request("a-1", "pat-1", at(MON, "09:00")),
        )
        .unwrap();
    let taken = Bookings::new(&other).book(
        &schedule,
        &patient(2),
        now(),
        book_request("a-2", "pat-2", at(MON, "09:00")),
    );
    assert!(
        matches!(taken, Err(Error::SlotUnavailable { .. })),
        "{taken:?}"
    );
    assert_eq!(other.feed(&TENANT.into(), 0, 10).unwrap().len(), 1);
}

/// Writes a row to the events table behind the store's back (the feed head too).
fn write_raw(path: &std::path::Path, date: &str, version: i64, body: &str) {
    let db = rusqlite::Connection::open(path).unwrap();
    let position: i64 = db
        .query_row(
            "INSERT INTO feed_heads (tenant, position) VALUES (?1, 1) ON CONFLICT (tenant) \
             DO UPDATE SET position = position + 1 RETURNING position",
            [TENANT],
            |row| row.get(0),
        )
        .unwrap();
    db.execute(
        "INSERT INTO events (tenant, position, date, doctor_id, version, body) \
         VALUES (?1, ?2, ?3, '', ?4, ?5)",
        rusqlite::params![TENANT, position, date, version, body],
    )
    .unwrap();
}

fn assert_storage<T: std::fmt::Debug>(result: medsched::Result<T>, needle: &str) {
    match result {
        Err(Error::Storage { message, .. }) => {
            assert!(
                message.contains(needle),
                "{message:?} should say {needle:?}"
            )
        }
        other => panic!("expected a storage error saying {needle:?}, got {other:?}"),
    }
}

#[test]
fn a_corrupt_event_is_a_storage_error_not_a_panic() {
    let (dir, store) = file_store();
    let path = dir.path().join("clinic.db");
    write_raw(
        &path,
        MON,
        1,
        "{\"tenant\": \"clinic-1\", \"type\": \"no_such_change\"}",
    );
    let stream = StreamId::new(TENANT, day(MON));
    assert_storage(
        store.load(&stream),
        "corrupt event 1 of stream clinic-1/2026-03-02",
    );
    assert_storage(store.feed(&TENANT.into(), 0, 10), "corrupt event 1");
    let bookings = Bookings::new(&store);
    let schedule = schedule(TENANT);
    let request = book_request("a-1", "pat-1", at(MON, "09:00"));
    assert_storage(
        bookings.book(&schedule, &patient(1), now(), request),
        "corrupt",
    );
}

#[test]
fn a_bad_date_or_a_missing_version_is_a_storage_error() {
    let (dir, store) = file_store();
    let path = dir.path().join("clinic.db");
    let event = {
        let bookings = Bookings::new(&store);
        let request = book_request("a-1", "pat-1", at(MON, "09:00"));
        bookings
            .book(&schedule(TENANT), &patient(1), now(), request)
            .unwrap();
        store.feed(&TENANT.into(), 0, 1).unwrap().remove(0).event
    };
    let body = serde_json::to_string(&event).unwrap();
    write_raw(&path, TUE, 2, &body);
    assert_storage(
        store.load(&StreamId::new(TENANT, day(TUE))),
        "expected version 1",
    );
    // Monday holds version 1: a row at 3 is a gap after it, for a read from version 1 too.
    write_raw(&path, MON, 3, &body);
    assert_storage(
        store.load_after(&StreamId::new(TENANT, day(MON)), 1),
        "expected version 2",
    );
    write_raw(&path, "2026-02-30", 1, &body);
    assert_storage(store.feed(&TENANT.into(), 0, 10), "date \"2026-02-30\"");
}

#[test]
fn a_file_of_a_newer_schema_is_refused_and_left_alone() {
    let (dir, store) = file_store();
    drop(store);
    let path = dir.path().join("clinic.db");
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(
        matches!(
            err,
            OpenError::SchemaTooNew {
                found: 99,
                known: 2,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(Error::from(err).code(), "storage");
    let db = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = db
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 99);
}

#[test]
fn a_file_that_is_not_a_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(
        &path,
        "these are not the pages you are looking for ".repeat(200),
    )
    .unwrap();
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(
        matches!(&err, OpenError::Sqlite { message, .. } if message.contains("not a database")),
        "{err:?}"
    );
}

#[test]
fn a_token_queue_without_a_doctor_is_refused() {
    let store = SqliteStore::open_in_memory().unwrap();
    let stream = StreamId::tokens(TENANT, "", day(MON));
    let err = store.load(&stream).unwrap_err();
    assert_eq!(err.field(), Some("stream.doctor_id"));
}
