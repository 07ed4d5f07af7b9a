//! The store checks stay right at their bounds: many writers still pass a correct store,
//! and a feed that does not move past `after` is reported, not read forever.
use std::sync::atomic::{AtomicUsize, Ordering};

use medsched::store::{Event, EventStore, FeedEntry, InMemoryStore, LoadedStream, StreamId};
use medsched::{Error, Id, Result};
use medsched_testkit::Checks;

/// With 34 writers, writers 31 and 33 both write the day book `march(2 + w)`, which is no
/// date (March 33, 35) and falls back to `NaiveDate::default()`: the same stream, so one of
/// them meets a conflict it did not expect and the in-memory store "breaches" the contract.
#[test]
fn the_feed_check_passes_the_in_memory_store_with_many_writers() {
    let checks = Checks::new("review").threads(34).appends_per_thread(1);
    checks
        .feed_under_concurrent_commits(&InMemoryStore::new())
        .unwrap();
}

/// A store whose feed is off by one (`position >= after`): the racing check's `whole_feed`
/// pages with `after = last position` and gets the last entry back every time, so it never
/// sees an empty page. It should report a breach after a few pages; it loops (and grows its
/// Vec) forever. Here the store gives up after many pages so the test ends.
struct Inclusive {
    inner: InMemoryStore,
    feeds: AtomicUsize,
}

impl EventStore for Inclusive {
    fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
        self.inner.load(stream)
    }
    fn append(&self, stream: &StreamId, expected: u64, events: &[Event]) -> Result<u64> {
        self.inner.append(stream, expected, events)
    }
    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        if self.feeds.fetch_add(1, Ordering::Relaxed) > 10_000 {
            return Err(Error::storage("the check kept paging"));
        }
        self.inner.feed(tenant, after.saturating_sub(1), limit)
    }
}

#[test]
fn the_racing_check_reports_an_inclusive_feed_instead_of_paging_forever() {
    let store = Inclusive {
        inner: InMemoryStore::new(),
        feeds: AtomicUsize::new(0),
    };
    let breach = Checks::new("review")
        .threads(2)
        .appends_per_thread(1)
        .racing_appends(&store)
        .unwrap_err();
    assert!(
        store.feeds.load(Ordering::Relaxed) < 100,
        "the check paged {} times before it stopped ({breach})",
        store.feeds.load(Ordering::Relaxed)
    );
}
