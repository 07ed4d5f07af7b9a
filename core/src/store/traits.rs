//! The storage traits adapters implement: sync ([`EventStore`]) and async
//! ([`AsyncEventStore`]), the contract both keep, and the impls that let a store be shared
//! (`&S`, `Arc<S>`, `Box<S>`) or used where the other kind is expected.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::store::{Event, FeedEntry, LoadedStream, StreamId};
use crate::{Id, Result};

/// A store of event streams whose calls return when done: an embedded database, a
/// connection pool used from threads, the [`InMemoryStore`](crate::store::InMemoryStore).
///
/// # The contract
///
/// Every adapter, sync or async ([`AsyncEventStore`]), keeps it; the `medsched-testkit`
/// crate checks it.
///
/// - **`load`** returns a stream's events in append order and its version (how many events
///   it holds); a stream never written is empty at version 0.
/// - **`load_after`** returns what `load` would, without the first `after` events: the
///   stream's events from version `after + 1` on and its version (none when `after` is at or
///   past it). The token services keep folded queues and read only what was appended since
///   (`Tokens::with_cached_queues`); the default implementation loads the whole
///   stream and drops the first `after` events, so an adapter need not write it, but one
///   that can read from a version (`WHERE version > $after`) should.
/// - **`append`** adds events at the end of a stream **only if** its version still equals
///   `expected_version`, atomically (all or none); otherwise it changes nothing and returns
///   [`Error::Conflict`](crate::Error::Conflict). It returns the new version. Every field of
///   the [`StreamId`] names the stream: a doctor's token queue is not the day book of its
///   date. In SQL: a unique key on `(tenant, date, doctor_id, version)` (`doctor_id` empty
///   for day books, so a token queue of doctor `""` must be refused: the services never
///   ask for one, see [`StreamId::validate`]) and one transaction; a unique violation is a
///   conflict.
/// - **`feed`** returns a tenant's events with positions greater than `after`, in position
///   order, at most `limit` of them. Positions strictly increase per tenant; gaps are
///   allowed, but positions count the tenant's own events only: one sequence for every
///   tenant would tell each tenant the others' volume (`medsched_testkit`'s
///   `Checks::tenant_keys` checks both). **A reader that resumes from the last position it saw never misses an
///   event**: so an event must never become visible at a position lower than one a reader
///   may already have seen. An SQL sequence alone breaks this (two transactions draw 7 and 8,
///   8 commits first, a reader sees 8 and resumes after it, then 7 commits and is never
///   read). Adapters keep it either way:
///   - **a per-tenant position counter updated in the append transaction**
///     (`UPDATE feed_heads SET position = position + $n WHERE tenant = $1 RETURNING
///     position`): the row lock orders a tenant's appends, so positions commit in order
///     (what the in-memory store does with its per-tenant lock); or
///   - **a visibility watermark**: positions from a per-tenant sequence, but `feed` returns only
///     positions below the lowest one still in flight (e.g. PostgreSQL's
///     `pg_snapshot_xmin`), so a reader waits for a slow commit instead of passing it.
/// - **Tenants are isolated**: a stream holds only its tenant's events and a feed only its
///   tenant's. The services check every event's tenant against its stream before they
///   append, so an adapter needs no check of its own; it must key every read and write by
///   tenant.
///
/// # Example
///
/// ```
/// use medsched::store::{EventStore, InMemoryStore, StreamId};
/// use chrono::NaiveDate;
///
/// let store = InMemoryStore::new();
/// let stream = StreamId::new("clinic-1", NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
/// assert_eq!(store.load(&stream)?.version, 0);
/// assert!(store.feed(&"clinic-1".into(), 0, 100)?.is_empty());
/// # Ok::<(), medsched::Error>(())
/// ```
pub trait EventStore: Send + Sync {
    /// Loads a stream.
    ///
    /// # Errors
    ///
    /// [`Error::Storage`](crate::Error::Storage) when the adapter fails.
    fn load(&self, stream: &StreamId) -> Result<LoadedStream>;

    /// Loads a stream's events after version `after`: those of versions `after + 1` on, and
    /// the stream's version. The default loads the whole stream and skips the first `after`.
    ///
    /// # Errors
    ///
    /// [`Error::Storage`](crate::Error::Storage) when the adapter fails.
    ///
    /// # Example
    ///
    /// ```
    /// use medsched::store::{Actor, Change, Event, EventStore, InMemoryStore, StreamId};
    ///
    /// let store = InMemoryStore::new();
    /// let day = StreamId::new("clinic-1", "2026-03-02".parse()?);
    /// let event = |id: &str| Event {
    ///     tenant: "clinic-1".into(),
    ///     actor: Actor::staff("rcp-1"),
    ///     at: "2026-03-01T08:00:00Z".parse().unwrap(),
    ///     change: Change::AppointmentConfirmed { appointment_id: id.into() },
    /// };
    /// store.append(&day, 0, &[event("a-1"), event("a-2"), event("a-3")])?;
    /// let since = store.load_after(&day, 2)?;
    /// assert_eq!((since.events, since.version), (vec![event("a-3")], 3));
    /// assert!(store.load_after(&day, 3)?.events.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn load_after(&self, stream: &StreamId, after: u64) -> Result<LoadedStream> {
        self.load(stream).map(|loaded| loaded.skip(after))
    }

    /// Appends events to a stream if it is still at `expected_version`.
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`](crate::Error::Conflict) when another writer appended first;
    /// [`Error::Storage`](crate::Error::Storage) when the adapter fails.
    fn append(&self, stream: &StreamId, expected_version: u64, events: &[Event]) -> Result<u64>;

    /// Reads a tenant's change feed after position `after` (0 for the start).
    ///
    /// # Errors
    ///
    /// [`Error::Storage`](crate::Error::Storage) when the adapter fails.
    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>>;
}

/// A store of event streams whose calls are awaited: a database driver on an async runtime,
/// a store written in JavaScript that answers with Promises. The same contract as
/// [`EventStore`]. Implement it with plain `async fn`s; the futures must be `Send`.
///
/// medsched's async services ([`AsyncBookings`](crate::booking::AsyncBookings),
/// [`AsyncTokens`](crate::tokens::AsyncTokens)) run over it without depending on any
/// runtime. A sync store is an async one through [`Blocking`]. For a store chosen at run
/// time, box it as a [`DynAsyncEventStore`].
///
/// # Example
///
/// ```
/// use medsched::store::{AsyncEventStore, Blocking, EventStore, FeedEntry, InMemoryStore,
///     LoadedStream, StreamId, Event};
/// use medsched::{Id, Result};
///
/// /// A store that counts the appends it passes on.
/// struct Counting { inner: InMemoryStore, appends: std::sync::atomic::AtomicU64 }
///
/// impl AsyncEventStore for Counting {
///     async fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
///         self.inner.load(stream)
///     }
///     async fn append(&self, stream: &StreamId, expected: u64, events: &[Event]) -> Result<u64> {
///         self.appends.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
///         self.inner.append(stream, expected, events)
///     }
///     async fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
///         self.inner.feed(tenant, after, limit)
///     }
/// }
/// ```
pub trait AsyncEventStore: Send + Sync {
    /// Loads a stream (see [`EventStore::load`]).
    fn load(&self, stream: &StreamId) -> impl Future<Output = Result<LoadedStream>> + Send;

    /// Loads a stream's events after version `after` (see [`EventStore::load_after`]). The
    /// default loads the whole stream and skips the first `after`.
    fn load_after(
        &self,
        stream: &StreamId,
        after: u64,
    ) -> impl Future<Output = Result<LoadedStream>> + Send {
        let load = self.load(stream);
        async move { load.await.map(|loaded| loaded.skip(after)) }
    }

    /// Appends events to a stream if it is still at `expected_version` (see
    /// [`EventStore::append`]).
    fn append(
        &self,
        stream: &StreamId,
        expected_version: u64,
        events: &[Event],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Reads a tenant's change feed after `after` (see [`EventStore::feed`]).
    fn feed(
        &self,
        tenant: &Id,
        after: u64,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<FeedEntry>>> + Send;
}

/// A sync [`EventStore`] used as an [`AsyncEventStore`]: each call runs to completion when
/// its future is first polled (not before: a future never awaited never reaches the
/// store), on the polling thread, and the future is then ready. This is how
/// the sync services drive the async code they share with the async ones, without a
/// runtime; in an async host it blocks the executor for the length of a call, so use it only
/// for stores that answer quickly (the in-memory store, an embedded database).
///
/// # Example
///
/// ```
/// use medsched::store::{AsyncEventStore, Blocking, InMemoryStore, StreamId};
/// use chrono::NaiveDate;
///
/// let store = Blocking(InMemoryStore::new());
/// let stream = StreamId::new("clinic-1", NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
/// let load = store.load(&stream); // a future, ready as soon as it is polled
/// # drop(load);
/// ```
#[derive(Debug, Default, Clone)]
pub struct Blocking<S>(pub S);

impl<S: EventStore> AsyncEventStore for Blocking<S> {
    async fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
        self.0.load(stream)
    }

    async fn load_after(&self, stream: &StreamId, after: u64) -> Result<LoadedStream> {
        self.0.load_after(stream, after)
    }

    async fn append(
        &self,
        stream: &StreamId,
        expected_version: u64,
        events: &[Event],
    ) -> Result<u64> {
        self.0.append(stream, expected_version, events)
    }

    async fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        self.0.feed(tenant, after, limit)
    }
}

/// A boxed future, as a [`DynAsyncEventStore`] returns it.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The object-safe form of [`AsyncEventStore`], for a store chosen at run time:
/// `Box<dyn DynAsyncEventStore>` and `Arc<dyn DynAsyncEventStore>` are async stores. Every
/// [`AsyncEventStore`] is one; its futures are boxed.
///
/// # Example
///
/// ```
/// use std::sync::Arc;
/// use medsched::store::{AsyncEventStore, Blocking, DynAsyncEventStore, InMemoryStore};
///
/// fn takes_any(_: impl AsyncEventStore) {}
/// let chosen: Arc<dyn DynAsyncEventStore> = Arc::new(Blocking(InMemoryStore::new()));
/// takes_any(chosen);
/// ```
pub trait DynAsyncEventStore: Send + Sync {
    /// As [`AsyncEventStore::load`].
    fn load_boxed<'a>(&'a self, stream: &'a StreamId) -> BoxFuture<'a, Result<LoadedStream>>;

    /// As [`AsyncEventStore::load_after`]; the default loads the whole stream and skips the
    /// first `after` events.
    fn load_after_boxed<'a>(
        &'a self,
        stream: &'a StreamId,
        after: u64,
    ) -> BoxFuture<'a, Result<LoadedStream>> {
        let load = self.load_boxed(stream);
        Box::pin(async move { load.await.map(|loaded| loaded.skip(after)) })
    }

    /// As [`AsyncEventStore::append`].
    fn append_boxed<'a>(
        &'a self,
        stream: &'a StreamId,
        expected_version: u64,
        events: &'a [Event],
    ) -> BoxFuture<'a, Result<u64>>;

    /// As [`AsyncEventStore::feed`].
    fn feed_boxed<'a>(
        &'a self,
        tenant: &'a Id,
        after: u64,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<FeedEntry>>>;
}

impl<S: AsyncEventStore> DynAsyncEventStore for S {
    fn load_boxed<'a>(&'a self, stream: &'a StreamId) -> BoxFuture<'a, Result<LoadedStream>> {
        Box::pin(self.load(stream))
    }

    fn load_after_boxed<'a>(
        &'a self,
        stream: &'a StreamId,
        after: u64,
    ) -> BoxFuture<'a, Result<LoadedStream>> {
        Box::pin(self.load_after(stream, after))
    }

    fn append_boxed<'a>(
        &'a self,
        stream: &'a StreamId,
        expected_version: u64,
        events: &'a [Event],
    ) -> BoxFuture<'a, Result<u64>> {
        Box::pin(self.append(stream, expected_version, events))
    }

    fn feed_boxed<'a>(
        &'a self,
        tenant: &'a Id,
        after: u64,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<FeedEntry>>> {
        Box::pin(self.feed(tenant, after, limit))
    }
}

impl<'s> AsyncEventStore for dyn DynAsyncEventStore + 's {
    async fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
        self.load_boxed(stream).await
    }

    async fn load_after(&self, stream: &StreamId, after: u64) -> Result<LoadedStream> {
        self.load_after_boxed(stream, after).await
    }

    async fn append(
        &self,
        stream: &StreamId,
        expected_version: u64,
        events: &[Event],
    ) -> Result<u64> {
        self.append_boxed(stream, expected_version, events).await
    }

    async fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        self.feed_boxed(tenant, after, limit).await
    }
}

/// Sync stores behind a reference or a smart pointer are stores: `&S`, `Arc<S>`, `Box<S>`,
/// and with them `Box<dyn EventStore>` and `Arc<dyn EventStore>`.
macro_rules! forward_sync {
    ($($ptr:ty),*) => {$(
        impl<S: EventStore + ?Sized> EventStore for $ptr {
            fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
                (**self).load(stream)
            }
            fn load_after(&self, stream: &StreamId, after: u64) -> Result<LoadedStream> {
                (**self).load_after(stream, after)
            }
            fn append(
                &self,
                stream: &StreamId,
                expected_version: u64,
                events: &[Event],
            ) -> Result<u64> {
                (**self).append(stream, expected_version, events)
            }
            fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
                (**self).feed(tenant, after, limit)
            }
        }
    )*};
}

/// Async stores behind a reference or a smart pointer are async stores (with
/// [`DynAsyncEventStore`], `Box<dyn DynAsyncEventStore>` too).
macro_rules! forward_async {
    ($($ptr:ty),*) => {$(
        impl<S: AsyncEventStore + ?Sized> AsyncEventStore for $ptr {
            fn load(&self, stream: &StreamId) -> impl Future<Output = Result<LoadedStream>> + Send {
                (**self).load(stream)
            }
            fn load_after(
                &self,
                stream: &StreamId,
                after: u64,
            ) -> impl Future<Output = Result<LoadedStream>> + Send {
                (**self).load_after(stream, after)
            }
            fn append(
                &self,
                stream: &StreamId,
                expected_version: u64,
                events: &[Event],
            ) -> impl Future<Output = Result<u64>> + Send {
                (**self).append(stream, expected_version, events)
            }
            fn feed(
                &self,
                tenant: &Id,
                after: u64,
                limit: usize,
            ) -> impl Future<Output = Result<Vec<FeedEntry>>> + Send {
                (**self).feed(tenant, after, limit)
            }
        }
    )*};
}

forward_sync!(&S, Arc<S>, Box<S>);
forward_async!(&S, Arc<S>, Box<S>);
