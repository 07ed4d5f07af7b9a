//! The store contract as checks: run them in an adapter's tests to learn whether it keeps
//! the contract of [`EventStore`] and [`AsyncEventStore`] (see the trait docs for the
//! contract itself).
//!
//! | check | what it asks of the store |
//! | --- | --- |
//! | [`Check::Sequential`] | a new stream is empty at version 0; `append` at the expected version returns the new one; a wrong version is [`Error::Conflict`](medsched::Error::Conflict) and changes nothing; `load_after` gives the events after each version (none at or past the last) and the stream's version; day books of two dates, and the token queue of each doctor, are distinct streams; the feed gives a tenant's events in append order with increasing positions; `after` and `limit` page it |
//! | [`Check::TenantIsolation`] | two tenants writing streams of the same dates and doctors: each load and each feed holds only its own tenant's events |
//! | [`Check::RacingAppends`] | writers on threads append to one stream at once, each reloading and retrying on conflict: no version lost or given twice, the final version is the number of events, each event there once, a conflict only when the stream moved |
//! | [`Check::TenantKeys`] | a token queue of doctor `""` is refused or kept apart from the day book of its date; a tenant's feed positions count its own events only, so they never reveal another tenant's volume |
//! | [`Check::RateLimits`] | (a [`RateLimitStore`], run apart by [`check_rate_limit_store`]) a key never written has no state; `swap_rate_state` writes only over the expected state, to the nanosecond; keys differing in tenant, kind or value are apart; threads acquiring one key at one instant pass exactly its limit |
//! | [`Check::FeedUnderConcurrentCommits`] | writers append to streams of one tenant while a reader pages through its feed, resuming after the last position it saw: it sees every event exactly once, positions strictly increasing |
//!
//! The last is the feed rule: an adapter that takes feed positions from a bare SQL sequence
//! fails it (two transactions draw 7 and 8, 8 commits first, the reader resumes after 8 and
//! never sees 7).
//!
//! Every check **writes to the store** it is given, under tenants of its own,
//! `{tenant_prefix}-{run}-…` with a `run` new for each call, so it may run against a store
//! that already holds data, and more than once. The threaded checks take well under a second
//! on an in-memory store, and their outcome does not depend on how the threads are
//! scheduled: a store that keeps the contract passes every time.
//!
//! # Example
//!
//! ```
//! use medsched::store::{Blocking, InMemoryStore};
//! use medsched_testkit::{Check, Checks, check_event_store};
//!
//! let store = InMemoryStore::new();
//! check_event_store(&store, "adapter")?; // every check, defaults
//!
//! // One check, harder.
//! Checks::new("adapter").threads(8).appends_per_thread(50).racing_appends(&store)?;
//!
//! // The same checks for an async store, its futures interleaved on one thread.
//! futures::executor::block_on(Checks::new("adapter").run_async(&Blocking(&store)))?;
//! # Ok::<(), medsched_testkit::Breach>(())
//! ```

mod concurrent;
mod probe;
mod rate_limits;
mod sequential;

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use futures::executor::block_on;
use medsched::Id;
use medsched::rate_limit::RateLimitStore;
use medsched::store::{AsyncEventStore, Blocking, EventStore};

use probe::Probe;

/// One of the store checks (see the [module docs](self) for what each asks).
///
/// # Example
///
/// ```
/// use medsched_testkit::Check;
///
/// assert_eq!(Check::FeedUnderConcurrentCommits.to_string(), "feed under concurrent commits");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Check {
    /// The contract call by call, one caller.
    Sequential,
    /// Two tenants with streams of the same dates and doctors.
    TenantIsolation,
    /// Writers appending to one stream at once.
    RacingAppends,
    /// A reader paging through the feed while writers commit.
    FeedUnderConcurrentCommits,
    /// Stream keys no tenant or doctor can collide on, and feed positions per tenant.
    TenantKeys,
    /// A [`RateLimitStore`]'s compare-and-set, alone and under threads on one key.
    RateLimits,
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Check::Sequential => "sequential",
            Check::TenantIsolation => "tenant isolation",
            Check::RacingAppends => "racing appends",
            Check::FeedUnderConcurrentCommits => "feed under concurrent commits",
            Check::TenantKeys => "tenant keys",
            Check::RateLimits => "rate limits",
        })
    }
}

/// A breach of the store contract: the check that found it and what went wrong, including
/// an error the store returned where the contract wants none.
///
/// Its [`Display`](fmt::Display) is the whole story, e.g. `sequential check: a stale
/// append must be Error::Conflict { expected: 0, actual: 2 }, got Ok(3)`; a binding can
/// raise it as a host exception with that text.
///
/// # Example
///
/// ```
/// use medsched::store::{Event, EventStore, FeedEntry, InMemoryStore, LoadedStream, StreamId};
/// use medsched::{Id, Result};
/// use medsched_testkit::{Check, check_event_store};
///
/// /// A store that forgets every append.
/// struct Forgetful(InMemoryStore);
///
/// impl EventStore for Forgetful {
///     fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
///         self.0.load(stream)
///     }
///     fn append(&self, _: &StreamId, expected: u64, events: &[Event]) -> Result<u64> {
///         Ok(expected + events.len() as u64)
///     }
///     fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
///         self.0.feed(tenant, after, limit)
///     }
/// }
///
/// let breach = check_event_store(&Forgetful(InMemoryStore::new()), "forgetful").unwrap_err();
/// assert_eq!(breach.check(), Check::Sequential);
/// assert!(breach.to_string().starts_with("sequential check: load returns the events"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    check: Check,
    message: String,
}

impl Breach {
    pub(crate) fn new(check: Check, message: impl Into<String>) -> Self {
        Breach {
            check,
            message: message.into(),
        }
    }

    /// The check that found it.
    ///
    /// ```
    /// # use medsched_testkit::{Check, check_event_store};
    /// # let store = medsched::store::InMemoryStore::new();
    /// if let Err(breach) = check_event_store(&store, "adapter") {
    ///     assert_ne!(breach.check(), Check::Sequential, "the basics hold: {breach}");
    /// }
    /// ```
    pub fn check(&self) -> Check {
        self.check
    }

    /// What went wrong, without the check's name.
    ///
    /// ```
    /// # use medsched_testkit::check_event_store;
    /// # let store = medsched::store::InMemoryStore::new();
    /// let outcome = check_event_store(&store, "adapter").map_err(|b| b.message().to_owned());
    /// assert_eq!(outcome, Ok(()));
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Breach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} check: {}", self.check, self.message)
    }
}

impl std::error::Error for Breach {}

/// Runs every check on a sync store with the defaults of [`Checks::new`]: the sequential
/// contract, tenant isolation, tenant keys, four threads racing on one stream, and the feed read while
/// four writers commit. Writes under tenants `{tenant_prefix}-{run}-…`.
///
/// # Errors
///
/// The first [`Breach`] found.
///
/// # Example
///
/// ```
/// use medsched::store::InMemoryStore;
///
/// medsched_testkit::check_event_store(&InMemoryStore::new(), "conformance")?;
/// # Ok::<(), medsched_testkit::Breach>(())
/// ```
pub fn check_event_store<S: EventStore + ?Sized>(
    store: &S,
    tenant_prefix: &str,
) -> Result<(), Breach> {
    Checks::new(tenant_prefix).run(store)
}

/// Runs every check on an async store, awaited on the caller's runtime (any: the checks
/// only await the store): the sequential contract, tenant isolation and keys, and the racing and
/// feed checks with their writers and reader as futures interleaved on one task. For an
/// async store whose futures need no runtime, [`Checks::run_async_on_threads`] also races
/// them on threads.
///
/// # Errors
///
/// The first [`Breach`] found.
///
/// # Example
///
/// ```
/// use std::sync::Arc;
/// use medsched::store::{Blocking, DynAsyncEventStore, InMemoryStore};
/// use medsched_testkit::check_async_event_store;
///
/// let store: Arc<dyn DynAsyncEventStore> = Arc::new(Blocking(InMemoryStore::new()));
/// futures::executor::block_on(check_async_event_store(&store, "conformance"))?;
/// # Ok::<(), medsched_testkit::Breach>(())
/// ```
/// Runs [`Check::RateLimits`] on a [`RateLimitStore`] with the defaults of [`Checks`] (8
/// threads hammering one key of limit 25).
///
/// ```
/// use medsched::store::InMemoryStore;
/// use medsched_testkit::check_rate_limit_store;
///
/// check_rate_limit_store(&InMemoryStore::new(), "adapter")?;
/// # Ok::<(), medsched_testkit::Breach>(())
/// ```
///
/// # Errors
///
/// The [`Breach`] of the first rule the store breaks.
pub fn check_rate_limit_store<S: RateLimitStore + ?Sized>(
    store: &S,
    tenant_prefix: &str,
) -> Result<(), Breach> {
    Checks::new(tenant_prefix).threads(8).rate_limits(store)
}

pub async fn check_async_event_store<S: AsyncEventStore + ?Sized>(
    store: &S,
    tenant_prefix: &str,
) -> Result<(), Breach> {
    Checks::new(tenant_prefix).run_async(store).await
}

/// The store checks with their settings: the tenant prefix, how many writers race and how
/// many events each appends.
///
/// # Example
///
/// ```
/// use medsched::store::InMemoryStore;
/// use medsched_testkit::Checks;
///
/// let store = InMemoryStore::new();
/// let checks = Checks::new("adapter").threads(6).appends_per_thread(40);
/// checks.sequential(&store)?;
/// checks.tenant_isolation(&store)?;
/// checks.racing_appends(&store)?;
/// checks.feed_under_concurrent_commits(&store)?;
/// checks.run(&store)?; // all four
/// # Ok::<(), medsched_testkit::Breach>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checks {
    tenant_prefix: String,
    threads: usize,
    appends_per_thread: usize,
}

/// The most writers [`Checks::try_threads`] accepts.
pub const MAX_THREADS: usize = 256;

impl Checks {
    /// The checks with their defaults, 4 threads of 25 appends, writing under tenants
    /// `{tenant_prefix}-{run}-…`.
    ///
    /// ```
    /// let checks = medsched_testkit::Checks::new("adapter");
    /// # drop(checks);
    /// ```
    pub fn new(tenant_prefix: impl Into<String>) -> Self {
        Checks {
            tenant_prefix: tenant_prefix.into(),
            threads: 4,
            appends_per_thread: 25,
        }
    }

    /// How many writers race in the threaded checks (threads, or futures for
    /// [`run_async`](Self::run_async)). With fewer than 2, [`run`](Self::run) and the async
    /// runners skip the racing and feed checks (for a store not meant to be shared between
    /// threads); the racing and feed checks called by name race 2 at least.
    ///
    /// ```
    /// # use medsched::store::InMemoryStore;
    /// // The sequential and tenant checks only.
    /// medsched_testkit::Checks::new("adapter").threads(0).run(&InMemoryStore::new())?;
    /// # Ok::<(), medsched_testkit::Breach>(())
    /// ```
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// [`threads`](Self::threads) as a binding receives it: a count from 0 to
    /// [`MAX_THREADS`], anything else refused with `invalid_input` on the field `threads`
    /// (the racing checks start that many threads, so a host's typo must not start a
    /// million).
    ///
    /// # Errors
    ///
    /// [`medsched::Error::InvalidInput`] for a negative count or one above [`MAX_THREADS`].
    ///
    /// ```
    /// let checks = medsched_testkit::Checks::new("adapter");
    /// assert!(checks.clone().try_threads(256).is_ok());
    /// let refused = checks.try_threads(-1).unwrap_err();
    /// assert!(matches!(
    ///     refused,
    ///     medsched::Error::InvalidInput { ref field, ref value, .. } if field == "threads" && value == "-1"
    /// ));
    /// ```
    pub fn try_threads(self, threads: i64) -> medsched::Result<Self> {
        match usize::try_from(threads) {
            Ok(n) if n <= MAX_THREADS => Ok(self.threads(n)),
            _ => Err(medsched::Error::invalid_input(
                "threads",
                threads,
                medsched::Problem::OutOfRange(format!("0 to {MAX_THREADS}")),
            )),
        }
    }

    /// How many events each writer appends (at least 1).
    ///
    /// ```
    /// # use medsched::store::InMemoryStore;
    /// let quick = medsched_testkit::Checks::new("adapter").appends_per_thread(5);
    /// quick.racing_appends(&InMemoryStore::new())?;
    /// # Ok::<(), medsched_testkit::Breach>(())
    /// ```
    pub fn appends_per_thread(mut self, appends: usize) -> Self {
        self.appends_per_thread = appends;
        self
    }

    /// Every check on a sync store, in the order of the [module docs](self); the racing
    /// and feed checks only with 2 threads or more.
    ///
    /// # Errors
    ///
    /// The first [`Breach`] found.
    ///
    /// # Example
    ///
    /// ```
    /// # use medsched::store::InMemoryStore;
    /// medsched_testkit::Checks::new("adapter").run(&InMemoryStore::new())?;
    /// # Ok::<(), medsched_testkit::Breach>(())
    /// ```
    pub fn run<S: EventStore + ?Sized>(&self, store: &S) -> Result<(), Breach> {
        self.sequential(store)?;
        self.tenant_isolation(store)?;
        self.tenant_keys(store)?;
        if self.threads >= 2 {
            self.racing_appends(store)?;
            self.feed_under_concurrent_commits(store)?;
        }
        Ok(())
    }

    /// The contract call by call ([`Check::Sequential`]).
    ///
    /// # Errors
    ///
    /// The first [`Breach`] found.
    ///
    /// # Example
    ///
    /// ```
    /// # use medsched::store::InMemoryStore;
    /// medsched_testkit::Checks::new("adapter").sequential(&InMemoryStore::new())?;
    /// # Ok::<(), medsched_testkit::Breach>(())
    /// ```
    pub fn sequential<S: EventStore + ?Sized>(&self, store: &S) -> Result<(), Breach> {
        let store = Blocking(store);
        block_on(sequential::sequential(
            &Probe::new(&store, Check::Sequential),
            &self.tenant("a"),
        ))
    }

    /// Two tenants, the same dates and doctors ([`Check::TenantIsolation`]).
    ///
    /// # Errors
    ///
    /// The first [`Breach`] found.
    ///
    /// # Example
    ///
    /// ```
    /// # use medsched::store::InMemoryStore;
    /// medsched_testkit::Checks::new("adapter").tenant_isolation(&InMemoryStore::new())?;
    /// # Ok::<(), medsched_testkit::Breach>(())
    /// ```
    pub fn tenant_isolation<S: EventStore + ?Sized>(&self, store: &S) -> Result<(), Breach> {
        let store = Blocking(store);
        let run = self.run_id();
        block_on(sequential::tenant_isolation(
            &Probe::new(&store, Check::TenantIsolation),
            [run.tenant("a"), run.tenant("b"), run.tenant("c")],
        ))
    }

    /// Writers on threads racing on one stream ([`Check::RacingAppends`]).
    ///
    /// # Errors
    ///
    /// The first [`Breach`] found.
    ///
    /// # Example
    ///
    /// ```
    /// # use medsched::store::InMemoryStore;
    /// medsched_testkit::Checks::new("adapter").racing_appends(&InMemoryStore::new())?;
    /// # Ok::<(), medsched_testkit::Breach>(())
    /// ```
    pub fn racing_appends<S: EventStore + ?Sized>(&self, store: &S) -> Result<(), Breach> {
        concurrent::racing_appends_on_threads(&self.race(&Blocking(store), Check::RacingAppends))
    }

    /// A reader paging through the feed while writers on threads commit
    /// ([`Check::FeedUnderConcurrentCommits`]).
    ///
    /// # Errors
    ///
    /// The first [`Breach`] found.
    ///
    /// # Example
    ///
    /// ```
    /// # use medsched::store::InMemoryStore;
    /// let checks = medsched_testkit::Checks::new("adapter");
    /// checks.feed_under_concurrent_commits(&InMemoryStore::new())?;
    /// # Ok::<(), medsched_testkit::Breach>(())
    /// ```
    pub fn feed_under_concurrent_commits<S: EventStore + ?Sized>(
        &self,
        store: &S,
    ) -> Result<(), Breach> {
        concurrent::feed_on_threads(&self.race(&Blocking(store), Check::FeedUnderConcurrentCommits))
    }

    /// Stream keys and feed positions that keep tenants apart ([`Check::TenantKeys`]): a
    /// token queue for the doctor `""` must be refused (as the services refuse it:
    /// [`StreamId::validate`](medsched::store::StreamId::validate)) or be a stream of its
    /// own, not the day book of its date; and two tenants that wrote the same number of
    /// events, one before and one after a third tenant wrote 20 more, must have the same
    /// feed positions, since a position that counts every tenant's events (one global
    /// sequence) tells each tenant the others' volume. Positions may start anywhere and have
    /// gaps, as long as they depend on the tenant's own events only.
    ///
    /// # Errors
    ///
    /// The first [`Breach`] found.
    ///
    /// # Example
    ///
    /// ```
    /// # use medsched::store::InMemoryStore;
    /// medsched_testkit::Checks::new("adapter").tenant_keys(&InMemoryStore::new())?;
    /// # Ok::<(), medsched_testkit::Breach>(())
    /// ```
    pub fn tenant_keys<S: EventStore + ?Sized>(&self, store: &S) -> Result<(), Breach> {
        let store = Blocking(store);
        let run = self.run_id();
        block_on(sequential::tenant_keys(
            &Probe::new(&store, Check::TenantKeys),
            [
                run.tenant("keys-a"),
                run.tenant("keys-b"),
                run.tenant("keys-c"),
            ],
        ))
    }

    /// Every check on an async store, awaited on the caller's runtime: the sequential and
    /// tenant checks, then the racing and feed checks with their writers and reader as
    /// futures interleaved on one task (each yields between its calls, so they interleave
    /// even over a store whose futures are ready at once).
    ///
    /// # Errors
    ///
    /// The first [`Breach`] found.
    ///
    /// # Example
    ///
    /// ```
    /// use medsched::store::{Blocking, InMemoryStore};
    ///
    /// let store = Blocking(InMemoryStore::new());
    /// futures::executor::block_on(medsched_testkit::Checks::new("adapter").run_async(&store))?;
    /// # Ok::<(), medsched_testkit::Breach>(())
    /// ```
    /// [`Check::RateLimits`]: compare-and-set alone, then [`threads`](Self::threads)
    /// threads (at least 2) acquiring one key of limit 25 at one instant, 25 times each:
    /// exactly 25 pass.
    ///
    /// # Errors
    ///
    /// The [`Breach`] of the first rule the store breaks.
    pub fn rate_limits<S: RateLimitStore + ?Sized>(&self, store: &S) -> Result<(), Breach> {
        rate_limits::sequential(store, &self.tenant("rate-a"))?;
        rate_limits::hammer(store, &self.tenant("rate-b"), self.threads.max(2), 25)
    }

    pub async fn run_async<S: AsyncEventStore + ?Sized>(&self, store: &S) -> Result<(), Breach> {
        sequential::sequential(&Probe::new(store, Check::Sequential), &self.tenant("a")).await?;
        let run = self.run_id();
        sequential::tenant_isolation(
            &Probe::new(store, Check::TenantIsolation),
            [run.tenant("a"), run.tenant("b"), run.tenant("c")],
        )
        .await?;
        sequential::tenant_keys(
            &Probe::new(store, Check::TenantKeys),
            [
                run.tenant("keys-a"),
                run.tenant("keys-b"),
                run.tenant("keys-c"),
            ],
        )
        .await?;
        if self.threads >= 2 {
            concurrent::racing_appends_interleaved(&self.race(store, Check::RacingAppends)).await?;
            concurrent::feed_interleaved(&self.race(store, Check::FeedUnderConcurrentCommits))
                .await?;
        }
        Ok(())
    }

    /// The racing and feed checks on an async store whose futures need no runtime (they
    /// complete by themselves, like [`Blocking`]'s, or on threads of the store's own): one
    /// thread per writer and one for the reader, each driving its futures with
    /// [`futures::executor::block_on`]. Nothing with fewer than 2 threads.
    ///
    /// # Errors
    ///
    /// The first [`Breach`] found.
    ///
    /// # Example
    ///
    /// ```
    /// use medsched::store::{Blocking, InMemoryStore};
    ///
    /// medsched_testkit::Checks::new("adapter").run_async_on_threads(&Blocking(InMemoryStore::new()))?;
    /// # Ok::<(), medsched_testkit::Breach>(())
    /// ```
    pub fn run_async_on_threads<S: AsyncEventStore + ?Sized>(
        &self,
        store: &S,
    ) -> Result<(), Breach> {
        if self.threads >= 2 {
            concurrent::racing_appends_on_threads(&self.race(store, Check::RacingAppends))?;
            concurrent::feed_on_threads(&self.race(store, Check::FeedUnderConcurrentCommits))?;
        }
        Ok(())
    }

    /// A fresh tenant `{prefix}-{run}-{name}`.
    fn tenant(&self, name: &str) -> Id {
        self.run_id().tenant(name)
    }

    fn run_id(&self) -> Run<'_> {
        static RUNS: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Run {
            prefix: &self.tenant_prefix,
            id: format!(
                "{:x}{:x}{}",
                std::process::id(),
                nanos,
                RUNS.fetch_add(1, Ordering::Relaxed)
            ),
        }
    }

    /// What a racing or feed check runs with.
    fn race<'s, S: AsyncEventStore + ?Sized>(
        &self,
        store: &'s S,
        check: Check,
    ) -> concurrent::Race<'s, S> {
        concurrent::Race {
            probe: Probe::new(store, check),
            tenant: self.tenant("a"),
            writers: self.threads.max(2),
            appends: self.appends_per_thread.max(1),
        }
    }
}

/// One run of a check: its tenants share a prefix and an id no other run has.
struct Run<'c> {
    prefix: &'c str,
    id: String,
}

impl Run<'_> {
    fn tenant(&self, name: &str) -> Id {
        format!("{}-{}-{name}", self.prefix, self.id).into()
    }
}
