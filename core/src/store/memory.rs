//! The embedded store: every tenant's day books in memory, safe to share between threads.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use chrono::{DateTime, NaiveDate, Utc};

use crate::rate_limit::{RateKey, RateLimitStore};
use crate::{
    Error, Id, Problem, Result, store::Event, store::EventStore, store::FeedEntry,
    store::LoadedStream, store::StreamId,
};

/// An [`EventStore`] in memory: no I/O, nothing survives the process. The default store,
/// and the reference every adapter is tested against.
///
/// Each tenant has its own lock, so tenants never wait on each other; appends to one tenant
/// are serialized, which also orders its feed.
///
/// # Example
///
/// ```
/// use medsched::{store::EventStore, store::InMemoryStore, store::StreamId};
/// use chrono::NaiveDate;
///
/// let store = InMemoryStore::new();
/// let stream = StreamId::new("clinic-1", NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
/// let loaded = store.load(&stream)?;
/// assert_eq!(loaded.version, 0);
/// assert!(loaded.events.is_empty());
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct InMemoryStore {
    tenants: RwLock<HashMap<Id, Arc<Mutex<TenantLog>>>>,
    /// Booking rate limit states (a [`RateLimitStore`]).
    rate_states: Mutex<HashMap<RateKey, DateTime<Utc>>>,
}

/// A tenant's stream: its date and, for a token queue, its doctor.
type StreamKey = (NaiveDate, Option<Id>);

#[derive(Debug, Default)]
struct TenantLog {
    streams: HashMap<StreamKey, Vec<Event>>,
    /// Every append of the tenant in order: the stream and the event's index in it.
    feed: Vec<(StreamKey, usize)>,
}

fn key(stream: &StreamId) -> StreamKey {
    (stream.date, stream.doctor_id.clone())
}

impl InMemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        InMemoryStore::default()
    }

    fn tenant(&self, tenant: &Id) -> Option<Arc<Mutex<TenantLog>>> {
        let tenants = self.tenants.read().unwrap_or_else(|e| e.into_inner());
        tenants.get(tenant).cloned()
    }

    fn tenant_or_new(&self, tenant: &Id) -> Arc<Mutex<TenantLog>> {
        if let Some(log) = self.tenant(tenant) {
            return log;
        }
        let mut tenants = self.tenants.write().unwrap_or_else(|e| e.into_inner());
        tenants.entry(tenant.clone()).or_default().clone()
    }
}

/// A tenant's log, even if a thread panicked while holding it: every change to a log is
/// made after its checks, in one step, so a poisoned log is still whole.
fn lock(log: &Mutex<TenantLog>) -> MutexGuard<'_, TenantLog> {
    log.lock().unwrap_or_else(|e| e.into_inner())
}

impl EventStore for InMemoryStore {
    fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
        stream.validate()?;
        let Some(log) = self.tenant(&stream.tenant) else {
            return Ok(LoadedStream::default());
        };
        let log = lock(&log);
        let events = log.streams.get(&key(stream)).cloned().unwrap_or_default();
        let version = events.len() as u64;
        Ok(LoadedStream { events, version })
    }

    fn load_after(&self, stream: &StreamId, after: u64) -> Result<LoadedStream> {
        stream.validate()?;
        let Some(log) = self.tenant(&stream.tenant) else {
            return Ok(LoadedStream::default());
        };
        let log = lock(&log);
        let held = log.streams.get(&key(stream)).map_or(&[][..], Vec::as_slice);
        let skip = usize::try_from(after).map_or(held.len(), |n| n.min(held.len()));
        Ok(LoadedStream {
            events: held[skip..].to_vec(),
            version: held.len() as u64,
        })
    }

    fn append(&self, stream: &StreamId, expected_version: u64, events: &[Event]) -> Result<u64> {
        stream.validate()?;
        if let Some((i, e)) = events
            .iter()
            .enumerate()
            .find(|(_, e)| e.tenant != stream.tenant)
        {
            return Err(Error::invalid(
                format!("events[{i}].tenant"),
                &e.tenant,
                Problem::Conflicting(format!("stream {stream}")),
            ));
        }
        let log = self.tenant_or_new(&stream.tenant);
        let mut log = lock(&log);
        let log = &mut *log;
        let held = log.streams.entry(key(stream)).or_default();
        let actual = held.len() as u64;
        if actual != expected_version {
            return Err(Error::Conflict {
                stream: stream.to_string(),
                expected: expected_version,
                actual,
            });
        }
        for event in events {
            log.feed.push((key(stream), held.len()));
            held.push(event.clone());
        }
        Ok(held.len() as u64)
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        let Some(log) = self.tenant(tenant) else {
            return Ok(Vec::new());
        };
        let log = lock(&log);
        let skip = usize::try_from(after).unwrap_or(usize::MAX);
        Ok(log
            .feed
            .iter()
            .enumerate()
            .skip(skip)
            .take(limit)
            .map(|(i, (key, index))| FeedEntry {
                position: i as u64 + 1,
                stream: StreamId {
                    tenant: tenant.clone(),
                    date: key.0,
                    doctor_id: key.1.clone(),
                },
                version: *index as u64 + 1,
                event: log.streams[key][*index].clone(),
            })
            .collect())
    }
}

/// Rate limit states in memory, behind one lock.
impl RateLimitStore for InMemoryStore {
    fn rate_state(&self, key: &RateKey) -> Result<Option<DateTime<Utc>>> {
        let states = self.rate_states.lock().unwrap_or_else(|e| e.into_inner());
        Ok(states.get(key).copied())
    }

    fn swap_rate_state(
        &self,
        key: &RateKey,
        expected: Option<DateTime<Utc>>,
        new: DateTime<Utc>,
    ) -> Result<bool> {
        let mut states = self.rate_states.lock().unwrap_or_else(|e| e.into_inner());
        if states.get(key).copied() != expected {
            return Ok(false);
        }
        states.insert(key.clone(), new);
        Ok(true)
    }
}
