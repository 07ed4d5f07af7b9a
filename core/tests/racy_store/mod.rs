//! `Racy`: an `InMemoryStore` that pauses after every load, so that racing writers decide
//! on the same version and most appends conflict: the services' retry path is what runs.
//! It counts the loads and the conflicting appends.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use medsched::{
    Error, Id, store::Event, store::EventStore, store::FeedEntry, store::InMemoryStore,
    store::LoadedStream, store::StreamId,
};

/// The store; each load pauses `base + step × (n mod cycle)` microseconds, `n` counting
/// the loads, so that the pauses vary.
pub struct Racy {
    inner: InMemoryStore,
    base: u64,
    step: u64,
    cycle: u64,
    loads: AtomicUsize,
    conflicts: AtomicUsize,
}

impl Racy {
    /// An empty store pausing as above.
    pub fn new(base_micros: u64, step_micros: u64, cycle: u64) -> Racy {
        Racy {
            inner: InMemoryStore::new(),
            base: base_micros,
            step: step_micros,
            cycle: cycle.max(1),
            loads: AtomicUsize::new(0),
            conflicts: AtomicUsize::new(0),
        }
    }

    /// How many appends met a concurrent write so far.
    pub fn conflicts(&self) -> usize {
        self.conflicts.load(Ordering::Relaxed)
    }
}

impl EventStore for Racy {
    fn load(&self, stream: &StreamId) -> medsched::Result<LoadedStream> {
        let loaded = self.inner.load(stream);
        let n = self.loads.fetch_add(1, Ordering::Relaxed) as u64;
        thread::sleep(Duration::from_micros(
            self.base + self.step * (n % self.cycle),
        ));
        loaded
    }

    fn append(
        &self,
        stream: &StreamId,
        expected_version: u64,
        events: &[Event],
    ) -> medsched::Result<u64> {
        let appended = self.inner.append(stream, expected_version, events);
        if appended.as_ref().is_err_and(Error::is_conflict) {
            self.conflicts.fetch_add(1, Ordering::Relaxed);
        }
        appended
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> medsched::Result<Vec<FeedEntry>> {
        self.inner.feed(tenant, after, limit)
    }
}
