//! The store checks on the in-memory store (sync, as an async store, and boxed as a
//! `dyn DynAsyncEventStore`), and on stores that break one rule each: every check passes on
//! the first and names the broken rule on the others.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use futures::executor::block_on;
use medsched::store::{
    AsyncEventStore, Blocking, DynAsyncEventStore, Event, EventStore, FeedEntry, InMemoryStore,
    LoadedStream, StreamId,
};
use medsched::{Error, Id, Result};
use medsched_testkit::{Check, Checks, check_async_event_store, check_event_store};

#[test]
fn the_in_memory_store_passes_every_check() {
    let store = InMemoryStore::new();
    check_event_store(&store, "conformance").unwrap();
    // Again on the same store, which now holds the first run's events.
    check_event_store(&store, "conformance").unwrap();
    Checks::new("keys").tenant_keys(&store).unwrap();
    Checks::new("harder")
        .threads(8)
        .appends_per_thread(50)
        .run(&store)
        .unwrap();
}

#[test]
fn the_in_memory_store_as_an_async_store_passes_every_check() {
    let store = Blocking(InMemoryStore::new());
    block_on(check_async_event_store(&store, "conformance")).unwrap();
    Checks::new("threads").run_async_on_threads(&store).unwrap();
}

#[test]
fn a_boxed_async_store_passes_every_check() {
    let store: Arc<dyn DynAsyncEventStore> = Arc::new(Blocking(InMemoryStore::new()));
    block_on(check_async_event_store(&store, "conformance")).unwrap();
    Checks::new("threads").run_async_on_threads(&store).unwrap();
}

#[test]
fn a_shared_sync_store_passes_every_check() {
    let store: Arc<dyn EventStore> = Arc::new(InMemoryStore::new());
    check_event_store(&store, "conformance").unwrap();
}

#[test]
fn the_threaded_checks_are_quick() {
    let store = InMemoryStore::new();
    let started = Instant::now();
    let checks = Checks::new("timed");
    checks.racing_appends(&store).unwrap();
    checks.feed_under_concurrent_commits(&store).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn fewer_than_two_threads_run_the_one_caller_checks_only() {
    // A store that fails both threaded checks: every append conflicts once the stream holds
    // 10 events, whatever the version.
    let store = Capped(InMemoryStore::new());
    Checks::new("single").threads(1).run(&store).unwrap();
    Checks::new("single")
        .threads(0)
        .run_async_on_threads(&Blocking(&store))
        .unwrap();
    let breach = Checks::new("racing").run(&store).unwrap_err();
    assert_eq!(breach.check(), Check::RacingAppends, "{breach}");
}

#[test]
fn feed_positions_need_only_increase() {
    check_event_store(&Gapped(InMemoryStore::new()), "gapped").unwrap();
    block_on(check_async_event_store(
        &Blocking(Gapped(InMemoryStore::new())),
        "gapped",
    ))
    .unwrap();

    let breach = check_event_store(&Flat(InMemoryStore::new()), "flat").unwrap_err();
    assert_eq!(breach.check(), Check::Sequential);
    assert!(
        breach
            .message()
            .contains("with strictly increasing positions, got positions [1, 1, 1, 1, 1]"),
        "{breach}"
    );
}

#[test]
fn a_feed_from_a_bare_sequence_misses_events() {
    let store = Sequenced::default();
    Checks::new("sequenced").threads(1).run(&store).unwrap();
    let breach = Checks::new("sequenced")
        .feed_under_concurrent_commits(&store)
        .unwrap_err();
    assert_eq!(breach.check(), Check::FeedUnderConcurrentCommits);
    assert!(
        breach
            .message()
            .contains("a reader resuming after the last position it saw missed"),
        "{breach}"
    );
}

#[test]
fn a_store_that_checks_the_version_apart_from_the_write_loses_appends() {
    let store = Racy::default();
    Checks::new("racy").threads(1).run(&store).unwrap();
    let breach = Checks::new("racy").racing_appends(&store).unwrap_err();
    assert_eq!(breach.check(), Check::RacingAppends);
    assert!(
        breach.message().contains("was given to two appends"),
        "{breach}"
    );
}

#[test]
fn a_feed_of_every_tenant_breaks_isolation() {
    let breach = Checks::new("shared")
        .tenant_isolation(&SharedFeed(InMemoryStore::new()))
        .unwrap_err();
    assert_eq!(breach.check(), Check::TenantIsolation);
    assert!(
        breach
            .message()
            .starts_with("a feed holds only its tenant's events"),
        "{breach}"
    );
}

#[test]
fn a_day_book_shared_with_token_queues_is_one_stream_too_few() {
    let breach = check_event_store(&NoDoctors(InMemoryStore::new()), "no-doctors").unwrap_err();
    assert_eq!(
        breach.to_string().split(" (key").next(),
        Some("sequential check: a doctor's token queue is not the day book of its date")
    );
}

#[test]
fn a_failing_store_is_a_breach_naming_the_call() {
    let breach = check_event_store(&Failing, "failing").unwrap_err();
    assert_eq!(breach.check(), Check::Sequential);
    assert!(breach.message().starts_with("load of failing-"), "{breach}");
    assert!(
        breach
            .message()
            .ends_with("failed: storage failed: disk on fire"),
        "{breach}"
    );
    let breach = block_on(check_async_event_store(&Blocking(Failing), "failing")).unwrap_err();
    assert!(breach.message().contains("disk on fire"), "{breach}");
}

// --- stores that break a rule ------------------------------------------------------------

/// Forwards `load` and `append` to the in-memory store, and `feed` as its caller says.
macro_rules! store_with_feed {
    ($name:ident, |$inner:ident, $tenant:ident, $after:ident, $limit:ident| $feed:expr) => {
        impl EventStore for $name {
            fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
                self.0.load(stream)
            }

            fn append(&self, stream: &StreamId, expected: u64, events: &[Event]) -> Result<u64> {
                self.0.append(stream, expected, events)
            }

            fn feed(&self, $tenant: &Id, $after: u64, $limit: usize) -> Result<Vec<FeedEntry>> {
                let $inner = &self.0;
                $feed
            }
        }
    };
}

/// Feed positions with gaps (17, 27, 37, ...), as an SQL sequence may give them.
struct Gapped(InMemoryStore);

store_with_feed!(Gapped, |inner, tenant, after, limit| {
    let mut entries = inner.feed(tenant, after.saturating_sub(7) / 10, limit)?;
    for e in &mut entries {
        e.position = 10 * e.position + 7;
    }
    Ok(entries)
});

/// Every feed entry at position 1.
struct Flat(InMemoryStore);

store_with_feed!(Flat, |inner, tenant, after, limit| {
    let mut entries = inner.feed(tenant, after, limit)?;
    for e in &mut entries {
        e.position = 1;
    }
    Ok(entries)
});

/// A feed that also lists another tenant's events: those of the tenant named like the one
/// asked, with `-b` for `-a`.
struct SharedFeed(InMemoryStore);

store_with_feed!(SharedFeed, |inner, tenant, after, limit| {
    let mut entries = inner.feed(tenant, after, limit)?;
    if let Some(stem) = tenant.as_str().strip_suffix("-a") {
        entries.extend(inner.feed(&format!("{stem}-b").into(), after, limit)?);
    }
    Ok(entries)
});

/// Token queues kept in the day book of their date: the doctor is not part of the key.
struct NoDoctors(InMemoryStore);

impl NoDoctors {
    fn day_book(stream: &StreamId) -> StreamId {
        StreamId::new(stream.tenant.clone(), stream.date)
    }
}

impl EventStore for NoDoctors {
    fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
        self.0.load(&NoDoctors::day_book(stream))
    }

    fn append(&self, stream: &StreamId, expected: u64, events: &[Event]) -> Result<u64> {
        self.0
            .append(&NoDoctors::day_book(stream), expected, events)
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        self.0.feed(tenant, after, limit)
    }
}

/// Refuses every append once a stream holds 10 events.
struct Capped(InMemoryStore);

impl EventStore for Capped {
    fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
        self.0.load(stream)
    }

    fn append(&self, stream: &StreamId, expected: u64, events: &[Event]) -> Result<u64> {
        if expected >= 10 {
            return Err(Error::Conflict {
                stream: stream.to_string(),
                expected,
                actual: expected + 1,
            });
        }
        self.0.append(stream, expected, events)
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        self.0.feed(tenant, after, limit)
    }
}

/// Every call fails.
struct Failing;

impl EventStore for Failing {
    fn load(&self, _: &StreamId) -> Result<LoadedStream> {
        Err(Error::storage("disk on fire"))
    }

    fn append(&self, _: &StreamId, _: u64, _: &[Event]) -> Result<u64> {
        Err(Error::storage("disk on fire"))
    }

    fn feed(&self, _: &Id, _: u64, _: usize) -> Result<Vec<FeedEntry>> {
        Err(Error::storage("disk on fire"))
    }
}

/// Checks the version, lets go of the lock, then writes: two writers that checked the same
/// version both write.
#[derive(Default)]
struct Racy(Mutex<RacyLog>);

/// The streams and the feed of a [`Racy`] store.
type RacyLog = (HashMap<StreamId, Vec<Event>>, Vec<FeedEntry>);

impl EventStore for Racy {
    fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
        let log = self.0.lock().unwrap();
        let events = log.0.get(stream).cloned().unwrap_or_default();
        Ok(LoadedStream {
            version: events.len() as u64,
            events,
        })
    }

    fn append(&self, stream: &StreamId, expected: u64, events: &[Event]) -> Result<u64> {
        let actual = self.load(stream)?.version;
        if actual != expected {
            return Err(Error::Conflict {
                stream: stream.to_string(),
                expected,
                actual,
            });
        }
        thread::sleep(Duration::from_millis(1));
        let mut log = self.0.lock().unwrap();
        let (streams, feed) = &mut *log;
        let held = streams.entry(stream.clone()).or_default();
        for event in events {
            held.push(event.clone());
            let position = feed
                .iter()
                .filter(|f| f.stream.tenant == stream.tenant)
                .count() as u64
                + 1;
            feed.push(FeedEntry {
                position,
                stream: stream.clone(),
                version: held.len() as u64,
                event: event.clone(),
            });
        }
        Ok(expected + events.len() as u64)
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        let log = self.0.lock().unwrap();
        Ok(log
            .1
            .iter()
            .filter(|f| f.stream.tenant == *tenant && f.position > after)
            .take(limit)
            .cloned()
            .collect())
    }
}

/// Feed positions from a bare sequence: an append draws its positions, then commits them;
/// one that drew an odd position commits only once the feed has been read past it (or
/// after 100 ms), as a slow transaction would.
#[derive(Default)]
struct Sequenced {
    log: Mutex<SequencedLog>,
    changed: Condvar,
}

#[derive(Default)]
struct SequencedLog {
    streams: HashMap<StreamId, Vec<Event>>,
    /// Each tenant's last position drawn.
    drawn: HashMap<Id, u64>,
    committed: BTreeMap<(Id, u64), FeedEntry>,
    read_past: u64,
}

impl EventStore for Sequenced {
    fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
        let log = self.log.lock().unwrap();
        let events = log.streams.get(stream).cloned().unwrap_or_default();
        Ok(LoadedStream {
            version: events.len() as u64,
            events,
        })
    }

    fn append(&self, stream: &StreamId, expected: u64, events: &[Event]) -> Result<u64> {
        let mut log = self.log.lock().unwrap();
        let held = log.streams.entry(stream.clone()).or_default();
        let actual = held.len() as u64;
        if actual != expected {
            return Err(Error::Conflict {
                stream: stream.to_string(),
                expected,
                actual,
            });
        }
        held.extend_from_slice(events);
        let drawn = log.drawn.entry(stream.tenant.clone()).or_default();
        let first = *drawn + 1;
        *drawn += events.len() as u64;
        if first % 2 == 1 {
            let deadline = Instant::now() + Duration::from_millis(100);
            while log.read_past <= first && Instant::now() < deadline {
                log = self
                    .changed
                    .wait_timeout(log, Duration::from_millis(5))
                    .unwrap()
                    .0;
            }
        }
        for (i, event) in events.iter().enumerate() {
            let entry = FeedEntry {
                position: first + i as u64,
                stream: stream.clone(),
                version: expected + i as u64 + 1,
                event: event.clone(),
            };
            log.committed
                .insert((stream.tenant.clone(), entry.position), entry);
        }
        self.changed.notify_all();
        Ok(expected + events.len() as u64)
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        let mut log = self.log.lock().unwrap();
        let entries: Vec<FeedEntry> = log
            .committed
            .range((tenant.clone(), after + 1)..)
            .take_while(|((t, _), _)| t == tenant)
            .take(limit)
            .map(|(_, e)| e.clone())
            .collect();
        if let Some(last) = entries.last() {
            log.read_past = log.read_past.max(last.position);
            self.changed.notify_all();
        }
        Ok(entries)
    }
}

/// The async trait is implemented by the checks' users too; this one forwards to a
/// sync store, to show the bound the checks need.
#[test]
fn any_async_store_can_be_checked() {
    struct Forwarding(InMemoryStore);

    impl AsyncEventStore for Forwarding {
        async fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
            self.0.load(stream)
        }

        async fn append(&self, stream: &StreamId, expected: u64, events: &[Event]) -> Result<u64> {
            self.0.append(stream, expected, events)
        }

        async fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
            self.0.feed(tenant, after, limit)
        }
    }

    let store = Forwarding(InMemoryStore::new());
    block_on(check_async_event_store(&store, "forwarding")).unwrap();
    Checks::new("forwarding")
        .run_async_on_threads(&store)
        .unwrap();
}

/// A store that keys a token queue of doctor `""` as the day book of its date (as an SQL
/// table with `doctor_id = ''` for day books does, unless it refuses the empty doctor).
struct EmptyDoctorIsTheDayBook(InMemoryStore);

impl EmptyDoctorIsTheDayBook {
    fn key(stream: &StreamId) -> StreamId {
        match stream.doctor_id.as_deref() {
            Some("") => StreamId::new(stream.tenant.clone(), stream.date),
            _ => stream.clone(),
        }
    }
}

impl EventStore for EmptyDoctorIsTheDayBook {
    fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
        self.0.load(&Self::key(stream))
    }
    fn append(&self, stream: &StreamId, expected: u64, events: &[Event]) -> Result<u64> {
        self.0.append(&Self::key(stream), expected, events)
    }
    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        self.0.feed(tenant, after, limit)
    }
}

/// A store whose feed positions come from one sequence for every tenant.
#[derive(Default)]
struct GlobalSequence {
    inner: InMemoryStore,
    /// (tenant, position in the tenant's feed) → position in the global sequence.
    global: Mutex<HashMap<(Id, u64), u64>>,
}

impl EventStore for GlobalSequence {
    fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
        self.inner.load(stream)
    }
    fn append(&self, stream: &StreamId, expected: u64, events: &[Event]) -> Result<u64> {
        let mut global = self.global.lock().unwrap();
        let before = self.inner.feed(&stream.tenant, 0, usize::MAX)?.len() as u64;
        let version = self.inner.append(stream, expected, events)?;
        for k in 1..=events.len() as u64 {
            let next = global.len() as u64 + 1;
            global.insert((stream.tenant.clone(), before + k), next);
        }
        Ok(version)
    }
    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        let global = self.global.lock().unwrap();
        let mut all = self.inner.feed(tenant, 0, usize::MAX)?;
        for entry in &mut all {
            entry.position = global[&(tenant.clone(), entry.position)];
        }
        all.retain(|e| e.position > after);
        all.truncate(limit);
        Ok(all)
    }
}

#[test]
fn the_tenant_keys_check_catches_a_shared_key_and_a_global_feed() {
    let shared = EmptyDoctorIsTheDayBook(InMemoryStore::new());
    let breach = Checks::new("keys").tenant_keys(&shared).unwrap_err();
    assert_eq!(breach.check(), Check::TenantKeys);
    assert!(breach.message().contains("is not the day book"), "{breach}");
    let global = GlobalSequence::default();
    // The rest of the contract holds: only the positions tell tenants' volumes apart.
    let checks = Checks::new("global");
    checks.sequential(&global).unwrap();
    checks.tenant_isolation(&global).unwrap();
    checks.racing_appends(&global).unwrap();
    checks.feed_under_concurrent_commits(&global).unwrap();
    let breach = Checks::new("keys").tenant_keys(&global).unwrap_err();
    assert!(breach.message().contains("own events only"), "{breach}");
    let fresh = GlobalSequence::default();
    let breach = Checks::new("keys").tenant_keys(&fresh).unwrap_err();
    assert!(
        breach.message().contains("positions [6, 7] and [28, 29]"),
        "{breach}"
    );
    // And every check run together finds it.
    let breach = check_event_store(&GlobalSequence::default(), "global").unwrap_err();
    assert_eq!(breach.check(), Check::TenantKeys);
    let breach = block_on(check_async_event_store(
        &Blocking(GlobalSequence::default()),
        "global",
    ))
    .unwrap_err();
    assert_eq!(breach.check(), Check::TenantKeys);
}

#[test]
fn the_tenant_keys_check_takes_any_numbering_per_tenant() {
    // Positions with gaps (17, 27, ...) counted per tenant pass: only another tenant's
    // volume must not show.
    Checks::new("keys")
        .tenant_keys(&Gapped(InMemoryStore::new()))
        .unwrap();
}

/// Reads from the version it is given, but numbers the stream from there: a `load_after`
/// that returns the events' count as the version.
struct CountsFromAfter(InMemoryStore);

impl EventStore for CountsFromAfter {
    fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
        self.0.load(stream)
    }

    fn load_after(&self, stream: &StreamId, after: u64) -> Result<LoadedStream> {
        let since = self.0.load_after(stream, after)?;
        Ok(LoadedStream {
            version: since.events.len() as u64,
            events: since.events,
        })
    }

    fn append(&self, stream: &StreamId, expected: u64, events: &[Event]) -> Result<u64> {
        self.0.append(stream, expected, events)
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        self.0.feed(tenant, after, limit)
    }
}

#[test]
fn a_load_after_that_loses_the_version_is_a_breach() {
    let breach = check_event_store(&CountsFromAfter(InMemoryStore::new()), "counts").unwrap_err();
    assert_eq!(breach.check(), Check::Sequential);
    assert!(
        breach
            .to_string()
            .starts_with("sequential check: load_after 1 of a stream at version 3"),
        "{breach}"
    );
}

#[test]
fn a_store_without_load_after_passes_with_the_default() {
    // `Capped` writes no `load_after`: the trait's default (load, then skip) keeps the
    // contract.
    Checks::new("default")
        .threads(1)
        .run(&Capped(InMemoryStore::new()))
        .unwrap();
}
