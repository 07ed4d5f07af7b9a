//! The storage-adapter trait: streams of events with optimistic concurrency, and a feed.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Id, Result, store::Event};

/// A stream: one tenant's day book for one date, or one doctor's token queue for one date.
///
/// Every booking that could conflict with another (same doctor or same room, overlapping in
/// time with buffers) lies in the same day book, so one version check orders them; every
/// token of a doctor's day lies in its queue, so one version check keeps numbers unique.
///
/// ```
/// use medsched::store::StreamId;
/// use chrono::NaiveDate;
///
/// let date = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
/// assert_eq!(StreamId::new("clinic-1", date).to_string(), "clinic-1/2026-03-02");
/// let queue = StreamId::tokens("clinic-1", "dr-asha", date);
/// assert_eq!(queue.to_string(), "clinic-1/2026-03-02/tokens/dr-asha");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamId {
    /// The tenant.
    pub tenant: Id,
    /// The date: the book date, or the token queue's date.
    pub date: NaiveDate,
    /// For a token queue, the doctor it belongs to; `None` for the day book.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doctor_id: Option<Id>,
}

impl StreamId {
    /// The stream of a tenant's day book.
    pub fn new(tenant: impl Into<Id>, date: NaiveDate) -> Self {
        StreamId {
            tenant: tenant.into(),
            date,
            doctor_id: None,
        }
    }

    /// The stream of a doctor's token queue on `date`.
    pub fn tokens(tenant: impl Into<Id>, doctor_id: impl Into<Id>, date: NaiveDate) -> Self {
        StreamId {
            tenant: tenant.into(),
            date,
            doctor_id: Some(doctor_id.into()),
        }
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.tenant.as_str(), self.date)?;
        match &self.doctor_id {
            Some(doctor) => write!(f, "/tokens/{}", doctor.as_str()),
            None => Ok(()),
        }
    }
}

/// A stream as loaded: its events in order and its version (the number of events).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoadedStream {
    /// The events, oldest first.
    pub events: Vec<Event>,
    /// The version: how many events the stream holds (0 for a stream never written).
    pub version: u64,
}

/// One event in a tenant's change feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedEntry {
    /// Its position in the tenant's feed: increasing in append order (the in-memory store
    /// numbers a tenant's events 1, 2, 3, ...).
    pub position: u64,
    /// The stream it was appended to.
    pub stream: StreamId,
    /// The stream's version once it was appended (its 1-based index in the stream).
    pub version: u64,
    /// The event.
    pub event: Event,
}

/// Where day books are kept. medsched ships [`InMemoryStore`](crate::store::InMemoryStore); a host
/// implements this trait over its own database to persist events there.
///
/// The contract, which every adapter must keep:
///
/// - `load` returns a stream's events in append order and its version; a stream never
///   written is empty at version 0.
/// - `append` adds events at the end of a stream **only if** its version still equals
///   `expected_version`, atomically; otherwise it changes nothing and returns
///   [`Error::Conflict`](crate::Error::Conflict). (In SQL: a unique key on
///   `(tenant, date, doctor_id, version)`, `doctor_id` empty for day books, and one
///   transaction.) It returns the new version. Every field of the [`StreamId`] names the
///   stream: a doctor's token queue is not the day book of its date.
/// - `feed` returns a tenant's events in append order with positions greater than `after`,
///   at most `limit` of them. Positions strictly increase, per tenant, in append order; they
///   need not be gapless (an SQL sequence will do), and a reader that resumes from the last
///   position it saw misses nothing. An event becomes visible in the feed with its append,
///   and never before an event appended earlier.
/// - Tenants are isolated: a stream holds only its tenant's events (append refuses others)
///   and a feed only its tenant's.
pub trait EventStore: Send + Sync {
    /// Loads a stream.
    ///
    /// # Errors
    ///
    /// [`Error::Storage`](crate::Error::Storage) when the adapter fails.
    fn load(&self, stream: &StreamId) -> Result<LoadedStream>;

    /// Appends events to a stream if it is still at `expected_version`.
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`](crate::Error::Conflict) when another writer appended first;
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for an event of another tenant;
    /// [`Error::Storage`](crate::Error::Storage) when the adapter fails.
    fn append(&self, stream: &StreamId, expected_version: u64, events: &[Event]) -> Result<u64>;

    /// Reads a tenant's change feed after position `after` (0 for the start).
    ///
    /// # Errors
    ///
    /// [`Error::Storage`](crate::Error::Storage) when the adapter fails.
    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>>;
}
