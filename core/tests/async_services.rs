//! The async services over stores whose calls really wait: the same answers as the sync
//! services, `Send` futures, one winner among racing futures on one thread and on many, and
//! stores chosen at run time (`Arc<dyn DynAsyncEventStore>`, `Box<dyn EventStore>`).

mod booking_support;
mod token_support;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use booking_support::*;
use futures::executor::block_on;
use futures::future::join_all;
use medsched::booking::{AsyncBookings, Bookings};
use medsched::store::{
    AsyncEventStore, Blocking, DynAsyncEventStore, Event, EventStore, FeedEntry, InMemoryStore,
    LoadedStream, StreamId,
};
use medsched::tokens::{AsyncTokens, TokenKind, TokenRequest, Tokens};
use medsched::{Error, Id, Result, Unavailable};

/// Gives way once before it answers: the first poll is `Pending` (after waking the task),
/// the second runs the call. Racing futures on one thread interleave at every store call.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// An async store over the in-memory one whose every call yields first.
#[derive(Default)]
struct Yielding(InMemoryStore);

impl AsyncEventStore for Yielding {
    async fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
        YieldOnce(false).await;
        self.0.load(stream)
    }

    async fn append(&self, stream: &StreamId, expected: u64, events: &[Event]) -> Result<u64> {
        YieldOnce(false).await;
        self.0.append(stream, expected, events)
    }

    async fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        YieldOnce(false).await;
        self.0.feed(tenant, after, limit)
    }
}

fn assert_send<T: Send>(value: T) -> T {
    value
}

#[test]
fn async_futures_are_send_so_a_multithreaded_runtime_can_run_them() {
    let schedule = schedule(TENANT);
    let bookings = AsyncBookings::new(Yielding::default());
    let request = hold_req("h-1", "pat-1", at(MON, "09:00"));
    let hold = block_on(assert_send(bookings.hold(
        &schedule,
        &pat1(),
        now(),
        request,
    )));
    assert_eq!(hold.unwrap().id.as_str(), "h-1");
    let patient = pat1();
    let moved = assert_send(bookings.reschedule(
        &schedule,
        &patient,
        now(),
        day(MON),
        "a-1",
        at(TUE, "09:00"),
    ));
    assert!(matches!(block_on(moved), Err(Error::NotFound { .. })));

    let tokens = AsyncTokens::new(Yielding::default());
    let walk_in = TokenRequest::new("t-1", TokenKind::WalkIn, "pat-1");
    let (rules, queue_day, desk) = (token_support::rules(), token_support::day(), staff());
    let issue = assert_send(tokens.issue(
        &queue_day,
        &rules,
        &desk,
        token_support::t("2026-03-02T03:40:00Z"),
        walk_in,
    ));
    assert_eq!(block_on(issue).unwrap().token.unwrap().number, 1);
}

#[test]
fn the_async_service_writes_what_the_sync_one_writes() {
    let schedule = schedule(TENANT);
    let sync = Bookings::new(InMemoryStore::new());
    let asynchronous = AsyncBookings::new(Yielding::default());
    let (staff, patient) = (staff(), pat1());

    let hold = sync.hold(
        &schedule,
        &patient,
        now(),
        hold_req("h-1", "pat-1", at(MON, "09:00")),
    );
    let same = block_on(asynchronous.hold(
        &schedule,
        &patient,
        now(),
        hold_req("h-1", "pat-1", at(MON, "09:00")),
    ));
    assert_eq!(hold, same);
    let booked = sync.book_hold(&schedule, &patient, now(), day(MON), "h-1", "a-1");
    let same = block_on(asynchronous.book_hold(&schedule, &patient, now(), day(MON), "h-1", "a-1"));
    assert_eq!(booked, same);
    let moved = sync.reschedule(&schedule, &staff, now(), day(MON), "a-1", at(WED, "10:00"));
    let same = block_on(asynchronous.reschedule(
        &schedule,
        &staff,
        now(),
        day(MON),
        "a-1",
        at(WED, "10:00"),
    ));
    assert_eq!(moved, same);
    assert_eq!(moved.unwrap().book_date, day(WED));
    let cancelled = sync.cancel(&schedule, &staff, now(), day(MON), "a-1", None);
    let same = block_on(asynchronous.cancel(&schedule, &staff, now(), day(MON), "a-1", None));
    assert_eq!(cancelled, same);

    let feed = sync.feed(&schedule, 0, 100).unwrap();
    let same = block_on(asynchronous.feed(&schedule, 0, 100)).unwrap();
    assert_eq!(feed, same);
    assert_eq!(
        feed.len(),
        5,
        "hold, booked, booked on Wednesday, moved out, cancelled"
    );
}

#[test]
fn racing_futures_on_one_thread_book_the_last_seat_once() {
    let schedule = schedule(TENANT);
    let bookings = AsyncBookings::new(Yielding::default());
    let start = at(MON, "10:00");
    let requests: Vec<_> = (0..16)
        .map(|i| book_req(&format!("a-{i}"), &format!("pat-{i}"), start))
        .collect();
    let actors: Vec<_> = (0..16)
        .map(|i| medsched::store::Actor::patient(format!("pat-{i}")))
        .collect();
    let racing = requests
        .into_iter()
        .zip(&actors)
        .map(|(request, actor)| bookings.book(&schedule, actor, now(), request));
    let results = block_on(join_all(racing));
    let won = results.iter().filter(|r| r.is_ok()).count();
    let refused = results
        .iter()
        .filter(|r| {
            matches!(r, Err(Error::SlotUnavailable { reason, .. }) if *reason == Unavailable::Booked)
        })
        .count();
    assert_eq!((won, refused), (1, 15), "{results:?}");
    let events = bookings
        .store()
        .0
        .load(&StreamId::new(TENANT, day(MON)))
        .unwrap();
    assert_eq!(events.version, 1, "one booking, nothing else written");
}

#[test]
fn racing_futures_on_one_thread_issue_distinct_token_numbers() {
    let tokens = AsyncTokens::new(Yielding::default());
    let rules = token_support::rules();
    let day = token_support::day();
    let desk = staff();
    let racing = (0..40).map(|i| {
        let request = TokenRequest::new(format!("t-{i}"), TokenKind::WalkIn, format!("pat-{i}"));
        tokens.issue(
            &day,
            &rules,
            &desk,
            token_support::t("2026-03-02T03:40:00Z"),
            request,
        )
    });
    let mut numbers: Vec<u32> = block_on(join_all(racing))
        .into_iter()
        .map(|update| update.unwrap().token.unwrap().number)
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=40).collect::<Vec<u32>>());
}

#[test]
fn threads_each_driving_their_own_futures_share_one_async_service() {
    let schedule = schedule(TENANT);
    let bookings = AsyncBookings::new(Yielding::default());
    let start = at(TUE, "11:00");
    let results: Vec<Result<_>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let (bookings, schedule) = (&bookings, &schedule);
                scope.spawn(move || {
                    let actor = medsched::store::Actor::patient(format!("pat-{i}"));
                    let request = book_req(&format!("a-{i}"), &format!("pat-{i}"), start);
                    block_on(bookings.book(schedule, &actor, now(), request))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
}

#[test]
fn stores_chosen_at_run_time_serve_both_services() {
    let schedule = schedule(TENANT);
    let chosen: Arc<dyn DynAsyncEventStore> = Arc::new(Yielding::default());
    let bookings = AsyncBookings::new(chosen.clone());
    let request = book_req("a-1", "pat-1", at(MON, "09:00"));
    block_on(bookings.book(&schedule, &pat1(), now(), request)).unwrap();
    let loaded = block_on(chosen.load(&StreamId::new(TENANT, day(MON)))).unwrap();
    assert_eq!(loaded.version, 1);

    let boxed: Box<dyn EventStore> = Box::new(InMemoryStore::new());
    let tokens = Tokens::new(boxed);
    let walk_in = TokenRequest::new("t-1", TokenKind::WalkIn, "pat-1");
    let update = tokens
        .issue(
            &token_support::day(),
            &token_support::rules(),
            &staff(),
            token_support::t("2026-03-02T03:40:00Z"),
            walk_in,
        )
        .unwrap();
    assert_eq!(update.events.len(), 1);

    let shared = Arc::new(InMemoryStore::new());
    let by_ref = Bookings::new(&*shared);
    by_ref
        .book(
            &schedule,
            &pat1(),
            now(),
            book_req("a-2", "pat-1", at(MON, "09:15")),
        )
        .unwrap();
    let over_blocking = AsyncBookings::new(Blocking(shared.clone()));
    let day_book = block_on(over_blocking.day(&schedule, day(MON))).unwrap();
    assert_eq!(day_book.appointments().len(), 1);
}
