//! The storage-adapter trait: streams of events with optimistic concurrency, and a feed.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    Error, Id, Problem, Result,
    store::{Change, Event},
};

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

impl StreamId {
    /// Refuses a stream no store could tell from another: an empty tenant, or a token queue
    /// whose doctor id is empty (SQL stores key a day book by the doctor id `''`, so such a
    /// queue would be the day book). The services and the in-memory store check every
    /// stream they load or append to.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] with field `stream.tenant` or `stream.doctor_id`.
    ///
    /// # Example
    ///
    /// ```
    /// use medsched::store::StreamId;
    ///
    /// let date = "2026-03-02".parse()?;
    /// assert!(StreamId::tokens("clinic-1", "dr-asha", date).validate().is_ok());
    /// let err = StreamId::tokens("clinic-1", "", date).validate().unwrap_err();
    /// assert_eq!(err.field(), Some("stream.doctor_id"));
    /// assert!(StreamId::new("", date).validate().is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validate(&self) -> Result<()> {
        if self.tenant.is_empty() {
            return Err(Error::invalid(
                "stream.tenant",
                "",
                Problem::Missing("a tenant".into()),
            ));
        }
        if self.doctor_id.as_ref().is_some_and(|d| d.is_empty()) {
            return Err(Error::invalid(
                "stream.doctor_id",
                "",
                Problem::Missing("a doctor id for a token queue".into()),
            ));
        }
        Ok(())
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

impl LoadedStream {
    /// The stream without its first `after` events: what
    /// [`load_after`](crate::store::EventStore::load_after) returns, made from a whole
    /// stream (the default implementation, for a store that can only load everything). The
    /// version stays the stream's.
    ///
    /// # Example
    ///
    /// ```
    /// use medsched::store::{Actor, Change, Event, LoadedStream};
    ///
    /// let event = |id: &str| Event {
    ///     tenant: "clinic-1".into(),
    ///     actor: Actor::staff("rcp-1"),
    ///     at: "2026-03-01T08:00:00Z".parse().unwrap(),
    ///     change: Change::AppointmentConfirmed { appointment_id: id.into() },
    /// };
    /// let whole = LoadedStream { events: vec![event("a-1"), event("a-2")], version: 2 };
    /// assert_eq!(whole.clone().skip(1), LoadedStream { events: vec![event("a-2")], version: 2 });
    /// assert_eq!(whole.skip(5), LoadedStream { events: vec![], version: 2 });
    /// ```
    #[must_use]
    pub fn skip(mut self, after: u64) -> LoadedStream {
        let skip = usize::try_from(after).map_or(self.events.len(), |n| n.min(self.events.len()));
        self.events.drain(..skip);
        self
    }

    /// Checks a stream as a store returned it, before it is folded: its version is the number
    /// of its events (versions 1 to n, none skipped), every event is of the stream's tenant
    /// and of the stream's kind (booking changes in a day book, token changes in a token
    /// queue), and every hold or appointment placed in a day book is of that book's date.
    /// The services check every stream they load, so an edited or misfiled event is never
    /// folded into state silently.
    ///
    /// # Errors
    ///
    /// [`Error::Storage`] of kind `"corrupt_stream"`, naming the stream and the version of
    /// the first event that fails (or the version the store claimed), and what is wrong.
    ///
    /// # Example
    ///
    /// ```
    /// use medsched::store::{Actor, Change, Event, LoadedStream, StreamId};
    ///
    /// let stream = StreamId::new("clinic-1", "2026-03-02".parse()?);
    /// let event = |tenant: &str| Event {
    ///     tenant: tenant.into(),
    ///     actor: Actor::staff("rcp-1"),
    ///     at: "2026-03-01T08:00:00Z".parse().unwrap(),
    ///     change: Change::AppointmentConfirmed { appointment_id: "a-1".into() },
    /// };
    /// let good = LoadedStream { events: vec![event("clinic-1")], version: 1 };
    /// assert!(good.check(&stream).is_ok());
    /// let edited = LoadedStream { events: vec![event("clinic-1"), event("clinic-2")], version: 2 };
    /// let err = edited.check(&stream).unwrap_err();
    /// assert_eq!(err.code(), "storage");
    /// assert_eq!(
    ///     err.to_string(),
    ///     "storage failed: corrupt stream clinic-1/2026-03-02 at version 2: \
    ///      the event is of tenant \"clinic-2\""
    /// );
    /// let skipped = LoadedStream { events: vec![event("clinic-1")], version: 2 };
    /// assert!(skipped.check(&stream).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check(&self, stream: &StreamId) -> Result<()> {
        self.check_after(stream, 0)
    }

    /// Checks the events after version `after` of a stream, as
    /// [`load_after`](crate::store::EventStore::load_after) returned them, as
    /// [`check`](Self::check) checks a whole stream: the version is `after` plus the number of
    /// events, and each event is of the stream's tenant, kind and date.
    ///
    /// # Errors
    ///
    /// As [`check`](Self::check).
    ///
    /// # Example
    ///
    /// ```
    /// use medsched::store::{Actor, Change, Event, LoadedStream, StreamId};
    ///
    /// let stream = StreamId::new("clinic-1", "2026-03-02".parse()?);
    /// let event = Event {
    ///     tenant: "clinic-1".into(),
    ///     actor: Actor::staff("rcp-1"),
    ///     at: "2026-03-01T08:00:00Z".parse().unwrap(),
    ///     change: Change::AppointmentConfirmed { appointment_id: "a-1".into() },
    /// };
    /// let since = LoadedStream { events: vec![event], version: 8 };
    /// assert!(since.check_after(&stream, 7).is_ok());
    /// assert!(since.check_after(&stream, 5).is_err()); // two events missing
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_after(&self, stream: &StreamId, after: u64) -> Result<()> {
        let count = self.events.len() as u64;
        if after.checked_add(count) != Some(self.version) {
            let what = if after == 0 {
                format!(
                    "the store gives version {} for {count} events",
                    self.version
                )
            } else {
                format!(
                    "the store gives version {} for {count} events after version {after}",
                    self.version
                )
            };
            return Err(corrupt(stream, self.version, format_args!("{what}")));
        }
        for (event, version) in self.events.iter().zip(after + 1..) {
            if event.tenant != stream.tenant {
                return Err(corrupt(
                    stream,
                    version,
                    format_args!("the event is of tenant {:?}", event.tenant.as_str()),
                ));
            }
            let in_queue = matches!(event.change, Change::Token(_));
            if in_queue != stream.doctor_id.is_some() {
                let kind = if in_queue {
                    "a token queue"
                } else {
                    "a day book"
                };
                return Err(corrupt(
                    stream,
                    version,
                    format_args!("{} is an event of {kind}", event.change.name()),
                ));
            }
            let book_date = match &event.change {
                Change::HoldPlaced { hold } => Some(hold.book_date),
                Change::AppointmentBooked { appointment } => Some(appointment.book_date),
                _ => None,
            };
            if let Some(date) = book_date.filter(|d| *d != stream.date) {
                return Err(corrupt(
                    stream,
                    version,
                    format_args!("{} is on the day book of {date}", event.change.name()),
                ));
            }
        }
        Ok(())
    }
}

/// A stream that fails [`LoadedStream::check`].
#[cold]
fn corrupt(stream: &StreamId, version: u64, what: fmt::Arguments<'_>) -> Error {
    Error::Storage {
        kind: "corrupt_stream".into(),
        message: format!("corrupt stream {stream} at version {version}: {what}"),
        source: None,
    }
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
