//! medsched's booking and token services over PostgreSQL, sync and async: what they write
//! replays to what they returned, racing clients book a seat once and draw distinct token
//! numbers.

mod support;

use std::sync::Arc;

use futures::future::join_all;
use medsched::booking::{AsyncBookings, Bookings, DayBook};
use medsched::store::{Actor, AsyncEventStore, EventStore, StreamId};
use medsched::tokens::{AsyncTokens, Queue, TokenKind, TokenRequest, Tokens};
use medsched::{Error, Unavailable};

#[test]
fn the_sync_services_write_what_they_return() {
    let Some(url) = support::url() else { return };
    let tenant = support::tenant("services");
    let schedule = support::schedule(&tenant);
    let bookings = Bookings::new(support::store(&url, 4));
    let patient = Actor::patient("pat-1");
    let booked = bookings
        .book(
            &schedule,
            &patient,
            support::now(),
            support::book_request("a-1", "pat-1", support::slots(support::MON)[0]),
        )
        .unwrap();
    let again = bookings.book(
        &schedule,
        &Actor::patient("pat-2"),
        support::now(),
        support::book_request("a-2", "pat-2", support::slots(support::MON)[0]),
    );
    assert!(
        matches!(
            again,
            Err(Error::SlotUnavailable {
                reason: Unavailable::Booked,
                ..
            })
        ),
        "{again:?}"
    );
    let stream = StreamId::new(tenant.as_str(), support::day(support::MON));
    let replayed = DayBook::from_events(bookings.store().load(&stream).unwrap().events);
    assert_eq!(replayed.appointment(&booked.id), Some(&booked));
    assert_eq!(
        bookings.day(&schedule, support::day(support::MON)).unwrap(),
        replayed
    );

    let tokens = Tokens::new(support::store(&url, 2));
    let day = support::queue_day(&tenant);
    let update = tokens
        .issue(
            &day,
            &support::queue_rules(),
            &Actor::staff("desk"),
            support::token_now(),
            TokenRequest::new("t-1", TokenKind::WalkIn, "pat-1"),
        )
        .unwrap();
    assert_eq!(update.token.unwrap().number, 1);
    let queue = Queue::from_events(tokens.store().load(&day.stream()).unwrap().events);
    assert_eq!(queue.tokens().len(), 1);
    let feed = bookings.feed(&schedule, 0, 10).unwrap();
    assert_eq!(
        feed.len(),
        2,
        "the booking and the token, one feed: {feed:?}"
    );
}

#[test]
fn threads_racing_for_the_last_seat_book_it_once() {
    let Some(url) = support::url() else { return };
    let tenant = support::tenant("last-seat");
    let schedule = support::schedule(&tenant);
    let bookings = Bookings::new(support::store(&url, 8));
    let start = support::slots(support::MON)[5];
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..16)
            .map(|i| {
                let (bookings, schedule) = (&bookings, &schedule);
                scope.spawn(move || {
                    let patient = format!("pat-{i}");
                    bookings.book(
                        schedule,
                        &Actor::patient(patient.as_str()),
                        support::now(),
                        support::book_request(&format!("a-{i}"), &patient, start),
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let won = results.iter().filter(|r| r.is_ok()).count();
    let refused = results
        .iter()
        .filter(|r| {
            matches!(
                r,
                Err(Error::SlotUnavailable {
                    reason: Unavailable::Booked,
                    ..
                })
            )
        })
        .count();
    assert_eq!((won, refused), (1, 15), "{results:?}");
    let stream = StreamId::new(tenant.as_str(), support::day(support::MON));
    assert_eq!(bookings.store().load(&stream).unwrap().version, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_tasks_book_the_last_seat_once_and_draw_distinct_tokens() {
    let Some(url) = support::url() else { return };
    let tenant = support::tenant("async-services");
    let schedule = support::schedule(&tenant);
    let store = Arc::new(support::async_store(&url, 8).await);
    let bookings = AsyncBookings::new(store.clone());
    let start = support::slots(support::MON)[3];
    let actors: Vec<Actor> = (0..16)
        .map(|i| Actor::patient(format!("pat-{i}")))
        .collect();
    let racing = actors.iter().enumerate().map(|(i, actor)| {
        let request = support::book_request(&format!("a-{i}"), actor.id.as_str(), start);
        bookings.book(&schedule, actor, support::now(), request)
    });
    let results = join_all(racing).await;
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );

    let tokens = AsyncTokens::new(store.clone());
    let (day, rules, desk) = (
        support::queue_day(&tenant),
        support::queue_rules(),
        Actor::staff("desk"),
    );
    let racing = (0..24).map(|i| {
        let request = TokenRequest::new(format!("t-{i}"), TokenKind::WalkIn, format!("pat-{i}"));
        tokens.issue(&day, &rules, &desk, support::token_now(), request)
    });
    let mut numbers: Vec<u32> = join_all(racing)
        .await
        .into_iter()
        .map(|update| update.unwrap().token.unwrap().number)
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=24).collect::<Vec<u32>>());
    let queue = Queue::from_events(store.load(&day.stream()).await.unwrap().events);
    assert_eq!(queue.tokens().len(), 24);
}
