//! Stores: the in-memory store, a SQLite file, or the app's own storage.

use std::sync::Arc;

use medsched::store::{EventStore, StreamId};
use medsched::{Id, Result as CoreResult};
use medsched_facade::json::{parse, text};
use medsched_facade::{HostStore, SharedStore};

use crate::error::{Result, StoreError};

/// A stream of events, as the app's store keys it: a tenant's day book (`doctor_id` absent)
/// or a doctor's token queue of a date.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct StreamKey {
    /// The tenant.
    pub tenant: String,
    /// The date, `2026-03-02`.
    pub date: String,
    /// The doctor of a token queue.
    pub doctor_id: Option<String>,
    /// The whole key as one text, `clinic-1/2026-03-02` (a primary key for the app's table).
    pub key: String,
    /// The key as the core's `StreamId` JSON.
    pub json: String,
}

/// Storage the app writes (Room, Core Data, a file…): an append-only log of events per
/// stream with optimistic concurrency, and a per-tenant feed for sync. Events are JSON texts
/// the store keeps verbatim.
///
/// Its calls come from whichever thread calls the service, so it must be safe to call from
/// several at once: an `append` must check the version and write in one step (a lock or a
/// transaction), or two bookings could take one slot.
#[uniffi::export(foreign)]
pub trait AppStore: Send + Sync {
    /// The stream's events and version, as `LoadedStream` JSON:
    /// `{"events": [<event>, …], "version": <n>}` (version 0 and no events when new).
    fn load(&self, stream: StreamKey) -> std::result::Result<String, StoreError>;

    /// Appends `events` (each an `Event` JSON text) if the stream is at `expected_version`
    /// and returns the new version (the old plus the number of events); throws
    /// `StoreError.Conflict` when the stream is at another version.
    fn append(
        &self,
        stream: StreamKey,
        expected_version: u64,
        events: Vec<String>,
    ) -> std::result::Result<u64, StoreError>;

    /// The tenant's feed: the events appended after position `after`, at most `limit`, as
    /// `FeedEntry` JSON (a list of `{"position": <n>, "stream": <StreamId JSON>, "version":
    /// <the stream's version with this event>, "event": <event>}`), positions increasing in
    /// append order (numbering the tenant's events 1, 2, 3, … is enough).
    fn feed(
        &self,
        tenant: String,
        after: u64,
        limit: u32,
    ) -> std::result::Result<String, StoreError>;
}

/// The app's store as a host store of the facade.
struct Foreign(Arc<dyn AppStore>);

fn key(stream: &StreamId, json: &str) -> StreamKey {
    StreamKey {
        tenant: stream.tenant.as_str().to_owned(),
        date: stream.date.to_string(),
        doctor_id: stream.doctor_id.as_ref().map(|d| d.as_str().to_owned()),
        key: stream.to_string(),
        json: json.to_owned(),
    }
}

impl HostStore for Foreign {
    fn load(&self, stream: &StreamId, stream_json: &str) -> CoreResult<String> {
        self.0
            .load(key(stream, stream_json))
            .map_err(|e| e.into_core("load", stream.to_string()))
    }

    fn append(
        &self,
        stream: &StreamId,
        stream_json: &str,
        expected_version: u64,
        events: Vec<String>,
    ) -> CoreResult<u64> {
        self.0
            .append(key(stream, stream_json), expected_version, events)
            .map_err(|e| e.into_core("append", stream.to_string()))
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> CoreResult<String> {
        let limit = u32::try_from(limit).unwrap_or(u32::MAX);
        self.0
            .feed(tenant.as_str().to_owned(), after, limit)
            .map_err(|e| e.into_core("feed", tenant.to_string()))
    }
}

/// Where the services keep their events.
#[derive(uniffi::Object)]
pub struct Store {
    pub(crate) inner: SharedStore,
}

#[uniffi::export]
impl Store {
    /// A fresh in-memory store (events never leave Rust).
    #[uniffi::constructor]
    pub fn memory() -> Arc<Store> {
        Arc::new(Store {
            inner: SharedStore::memory(),
        })
    }

    /// The store at `url`: `memory:`, `sqlite:///absolute/path/clinic.db` (created and
    /// migrated on open) or `sqlite::memory:`.
    #[uniffi::constructor]
    pub fn open(url: String) -> Result<Arc<Store>> {
        Ok(Arc::new(Store {
            inner: SharedStore::open(&url)?,
        }))
    }

    /// The app's own storage.
    #[uniffi::constructor]
    pub fn app(store: Arc<dyn AppStore>) -> Arc<Store> {
        Arc::new(Store {
            inner: SharedStore::host(Foreign(store)),
        })
    }

    /// The stream (`StreamId` JSON) as `LoadedStream` JSON.
    pub fn load(&self, stream_json: String) -> Result<String> {
        let stream: StreamId = parse("stream", &stream_json)?;
        Ok(text(&self.inner.load(&stream)?))
    }

    /// The tenant's change feed after `after` (0 for the start), at most `limit` entries, as
    /// `FeedEntry` JSON (a list): what an app syncs from.
    pub fn feed(&self, tenant: String, after: u64, limit: u32) -> Result<String> {
        let tenant = Id::from(tenant.as_str());
        Ok(text(&self.inner.feed(&tenant, after, limit as usize)?))
    }
}
