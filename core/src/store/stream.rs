//! The storage-adapter trait: streams of events with optimistic concurrency, and a feed.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Id, store::Event};

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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LoadedStream {
    /// The events, oldest first.
    pub events: Vec<Event>,
    /// The version: how many events the stream holds (0 for a stream never written).
    pub version: u64,
}

/// One event in a tenant's change feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
