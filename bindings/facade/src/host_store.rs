//! Stores written in a binding's language: they speak JSON text, and the adapters here make
//! them the core's stores, reading their replies with typed errors.

use std::future::Future;
use std::sync::Arc;

use medsched::store::{
    AsyncEventStore, Event, EventStore, FeedEntry, InMemoryStore, LoadedStream, StreamId,
};
use medsched::{Error, Id, Problem, Result};
#[cfg(feature = "postgres")]
use medsched_postgres::PgStore;
use medsched_sqlite::SqliteStore;

use crate::json::{parse, text};

/// A store written in the host's language (Python, JavaScript, Kotlin, Swift), whose calls
/// return when done. It speaks the core's JSON: a stream as [`StreamId`] JSON, events as
/// [`Event`] JSON texts to keep verbatim, replies as [`LoadedStream`] and [`FeedEntry`]
/// JSON. [`JsonStore`] makes it an [`EventStore`]. [`load_after`](HostStore::load_after) is
/// optional: a store without it works as before.
///
/// The host maps its own failures to the core's errors: a write refused because the stream
/// moved is [`Error::Conflict`] (the services retry it), a refused value
/// [`Error::InvalidInput`], anything else [`Error::from_host`] with its own error kept as
/// the source (a binding raises that error again).
pub trait HostStore: Send + Sync {
    /// The stream's events and version, as [`LoadedStream`] JSON.
    ///
    /// # Errors
    ///
    /// The host's failure, as the core's error.
    fn load(&self, stream: &StreamId, stream_json: &str) -> Result<String>;

    /// The stream's events after version `after` and its version, as [`LoadedStream`] JSON
    /// (see [`EventStore::load_after`]), or `None` for a store that does not read from a
    /// version: the default, with which the core loads the whole stream and skips the
    /// first `after` events. A host store that can read from a version (an indexed query)
    /// spares the services that keep folded streams most of each read.
    ///
    /// # Errors
    ///
    /// The host's failure, as the core's error.
    fn load_after(
        &self,
        stream: &StreamId,
        stream_json: &str,
        after: u64,
    ) -> Result<Option<String>> {
        let _ = (stream, stream_json, after);
        Ok(None)
    }

    /// Appends `events` (each [`Event`] JSON) if the stream is at `expected_version`;
    /// returns the new version.
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`] when the stream moved; the host's failure otherwise.
    fn append(
        &self,
        stream: &StreamId,
        stream_json: &str,
        expected_version: u64,
        events: Vec<String>,
    ) -> Result<u64>;

    /// The tenant's feed after `after`, at most `limit` entries, as [`FeedEntry`] JSON (a
    /// list).
    ///
    /// # Errors
    ///
    /// The host's failure, as the core's error.
    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<String>;
}

/// A [`HostStore`] whose calls are awaited (a JavaScript store answering with Promises).
/// [`AsyncJsonStore`] makes it an [`AsyncEventStore`].
pub trait AsyncHostStore: Send + Sync {
    /// As [`HostStore::load`].
    fn load(
        &self,
        stream: &StreamId,
        stream_json: String,
    ) -> impl Future<Output = Result<String>> + Send;

    /// As [`HostStore::load_after`]: `None` (the default) has the core load the whole
    /// stream and skip the first `after` events.
    fn load_after(
        &self,
        stream: &StreamId,
        stream_json: String,
        after: u64,
    ) -> impl Future<Output = Result<Option<String>>> + Send {
        let _ = (stream, stream_json, after);
        async { Ok(None) }
    }

    /// As [`HostStore::append`].
    fn append(
        &self,
        stream: &StreamId,
        stream_json: String,
        expected_version: u64,
        events: Vec<String>,
    ) -> impl Future<Output = Result<u64>> + Send;

    /// As [`HostStore::feed`].
    fn feed(
        &self,
        tenant: &Id,
        after: u64,
        limit: usize,
    ) -> impl Future<Output = Result<String>> + Send;
}

/// A [`HostStore`] as the core's [`EventStore`]: requests written as JSON, replies read with
/// the core's types. A reply the core cannot read is [`Error::Storage`] saying which call
/// returned it and what was wrong.
///
/// ```
/// use medsched::store::{EventStore, InMemoryStore, StreamId};
/// use medsched::{Id, Result};
/// use medsched_facade::{HostStore, JsonStore};
///
/// /// A host store that forgets everything: every stream is empty.
/// struct Empty;
/// impl HostStore for Empty {
///     fn load(&self, _: &StreamId, _: &str) -> Result<String> {
///         Ok(r#"{"events": [], "version": 0}"#.into())
///     }
///     fn append(&self, _: &StreamId, _: &str, _: u64, _: Vec<String>) -> Result<u64> {
///         Ok(0)
///     }
///     fn feed(&self, _: &Id, _: u64, _: usize) -> Result<String> {
///         Ok("not json".into())
///     }
/// }
///
/// let store = JsonStore(Empty);
/// let day = StreamId::new("clinic-1", chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
/// assert_eq!(store.load(&day)?.version, 0);
/// let refused = store.feed(&"clinic-1".into(), 0, 10).unwrap_err();
/// assert!(refused.to_string().starts_with("storage failed: feed returned data medsched cannot read"));
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct JsonStore<H>(pub H);

/// An [`AsyncHostStore`] as the core's [`AsyncEventStore`], as [`JsonStore`] is for a sync
/// one.
#[derive(Debug, Clone)]
pub struct AsyncJsonStore<H>(pub H);

/// A reply the core cannot read, as a storage failure.
fn bad_reply(method: &str, error: Error) -> Error {
    Error::storage(format!(
        "{method} returned data medsched cannot read: {error}"
    ))
}

/// The events as the JSON texts a host keeps.
fn event_texts(events: &[Event]) -> Vec<String> {
    events.iter().map(text).collect()
}

impl<H: HostStore> EventStore for JsonStore<H> {
    fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
        let reply = self.0.load(stream, &text(stream))?;
        parse("load", &reply).map_err(|e| bad_reply("load", e))
    }

    fn load_after(&self, stream: &StreamId, after: u64) -> Result<LoadedStream> {
        match self.0.load_after(stream, &text(stream), after)? {
            Some(reply) => parse("load_after", &reply).map_err(|e| bad_reply("load_after", e)),
            None => self.load(stream).map(|loaded| loaded.skip(after)),
        }
    }

    fn append(&self, stream: &StreamId, expected_version: u64, events: &[Event]) -> Result<u64> {
        self.0
            .append(stream, &text(stream), expected_version, event_texts(events))
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        let reply = self.0.feed(tenant, after, limit)?;
        parse("feed", &reply).map_err(|e| bad_reply("feed", e))
    }
}

impl<H: AsyncHostStore> AsyncEventStore for AsyncJsonStore<H> {
    async fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
        let reply = self.0.load(stream, text(stream)).await?;
        parse("load", &reply).map_err(|e| bad_reply("load", e))
    }

    async fn load_after(&self, stream: &StreamId, after: u64) -> Result<LoadedStream> {
        match self.0.load_after(stream, text(stream), after).await? {
            Some(reply) => parse("load_after", &reply).map_err(|e| bad_reply("load_after", e)),
            None => self.load(stream).await.map(|loaded| loaded.skip(after)),
        }
    }

    async fn append(
        &self,
        stream: &StreamId,
        expected_version: u64,
        events: &[Event],
    ) -> Result<u64> {
        let events = event_texts(events);
        self.0
            .append(stream, text(stream), expected_version, events)
            .await
    }

    async fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        let reply = self.0.feed(tenant, after, limit).await?;
        parse("feed", &reply).map_err(|e| bad_reply("feed", e))
    }
}

/// The store a binding's services run over: the core's in-memory store, a database opened
/// by URL, or one the host wrote.
#[derive(Clone)]
pub enum SharedStore {
    /// The in-memory store (events never leave Rust).
    Memory(Arc<InMemoryStore>),
    /// A SQLite file (`medsched-sqlite`).
    Sqlite(Arc<SqliteStore>),
    /// A PostgreSQL database (`medsched-postgres`; feature `postgres`).
    #[cfg(feature = "postgres")]
    Postgres(Arc<PgStore>),
    /// A store in the host's language, through [`JsonStore`].
    Host(Arc<JsonStore<Box<dyn HostStore>>>),
}

impl SharedStore {
    /// A host's store.
    pub fn host(store: impl HostStore + 'static) -> SharedStore {
        SharedStore::Host(Arc::new(JsonStore(Box::new(store))))
    }

    /// A fresh in-memory store.
    pub fn memory() -> SharedStore {
        SharedStore::Memory(Arc::new(InMemoryStore::new()))
    }

    /// The store at `url`: `memory:` (a fresh in-memory store), `sqlite:///absolute/path`,
    /// `sqlite://relative/path` or `sqlite::memory:` (a SQLite file, created and migrated on
    /// open), or `postgresql://…` / `postgres://…` (a PostgreSQL database; its migrations
    /// are applied, idempotently, before it is returned; feature `postgres`, on by default:
    /// without it such a URL is refused like any unknown one).
    ///
    /// ```
    /// use medsched::store::{EventStore, StreamId};
    /// use medsched_facade::SharedStore;
    ///
    /// let store = SharedStore::open("sqlite::memory:")?;
    /// let day = StreamId::new("clinic-1", chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
    /// assert_eq!(store.load(&day)?.version, 0);
    /// let refused = SharedStore::open("mysql://db/clinic").err().unwrap();
    /// assert_eq!(refused.report().field.as_deref(), Some("url"));
    /// # Ok::<(), medsched::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] naming the field `url` for a URL of no known store (or a
    /// malformed SQLite URL); [`Error::Storage`] when the database cannot be opened,
    /// reached or migrated.
    pub fn open(url: &str) -> Result<SharedStore> {
        if url == "memory:" {
            return Ok(SharedStore::memory());
        }
        if url.starts_with("sqlite:") {
            let store = medsched_sqlite::open(url).map_err(Error::from)?;
            return Ok(SharedStore::Sqlite(Arc::new(store)));
        }
        #[cfg(feature = "postgres")]
        if url.starts_with("postgresql://") || url.starts_with("postgres://") {
            let store = PgStore::connect(url)?;
            store.migrate()?;
            return Ok(SharedStore::Postgres(Arc::new(store)));
        }
        #[cfg(feature = "postgres")]
        let known = "a store URL: memory:, sqlite:///path, sqlite::memory: or postgresql://…";
        #[cfg(not(feature = "postgres"))]
        let known = "a store URL of this build (no PostgreSQL): memory:, sqlite:///path or \
                     sqlite::memory:";
        Err(Error::invalid_input(
            "url",
            url,
            Problem::Malformed(known.into()),
        ))
    }
}

impl HostStore for Box<dyn HostStore> {
    fn load(&self, stream: &StreamId, stream_json: &str) -> Result<String> {
        (**self).load(stream, stream_json)
    }

    fn load_after(
        &self,
        stream: &StreamId,
        stream_json: &str,
        after: u64,
    ) -> Result<Option<String>> {
        (**self).load_after(stream, stream_json, after)
    }

    fn append(
        &self,
        stream: &StreamId,
        stream_json: &str,
        expected_version: u64,
        events: Vec<String>,
    ) -> Result<u64> {
        (**self).append(stream, stream_json, expected_version, events)
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<String> {
        (**self).feed(tenant, after, limit)
    }
}

impl EventStore for SharedStore {
    fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
        match self {
            SharedStore::Memory(store) => store.load(stream),
            SharedStore::Sqlite(store) => store.load(stream),
            #[cfg(feature = "postgres")]
            SharedStore::Postgres(store) => store.load(stream),
            SharedStore::Host(store) => store.load(stream),
        }
    }

    fn load_after(&self, stream: &StreamId, after: u64) -> Result<LoadedStream> {
        match self {
            SharedStore::Memory(store) => store.load_after(stream, after),
            SharedStore::Sqlite(store) => store.load_after(stream, after),
            #[cfg(feature = "postgres")]
            SharedStore::Postgres(store) => store.load_after(stream, after),
            SharedStore::Host(store) => store.load_after(stream, after),
        }
    }

    fn append(&self, stream: &StreamId, expected_version: u64, events: &[Event]) -> Result<u64> {
        match self {
            SharedStore::Memory(store) => store.append(stream, expected_version, events),
            SharedStore::Sqlite(store) => store.append(stream, expected_version, events),
            #[cfg(feature = "postgres")]
            SharedStore::Postgres(store) => store.append(stream, expected_version, events),
            SharedStore::Host(store) => store.append(stream, expected_version, events),
        }
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        match self {
            SharedStore::Memory(store) => store.feed(tenant, after, limit),
            SharedStore::Sqlite(store) => store.feed(tenant, after, limit),
            #[cfg(feature = "postgres")]
            SharedStore::Postgres(store) => store.feed(tenant, after, limit),
            SharedStore::Host(store) => store.feed(tenant, after, limit),
        }
    }
}
