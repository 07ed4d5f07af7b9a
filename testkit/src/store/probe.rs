//! The store as a check sees it: each call's error becomes a [`Breach`] naming the call, and
//! the events the checks write.

use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use medsched::Id;
use medsched::chrono::{DateTime, NaiveDate, Utc};
use medsched::store::{Actor, AsyncEventStore, Change, Event, FeedEntry, LoadedStream, StreamId};

use crate::store::{Breach, Check};

/// A store under one check.
pub(crate) struct Probe<'s, S: ?Sized> {
    pub(crate) store: &'s S,
    pub(crate) check: Check,
}

impl<'s, S: AsyncEventStore + ?Sized> Probe<'s, S> {
    pub(crate) fn new(store: &'s S, check: Check) -> Self {
        Probe { store, check }
    }

    /// A breach of this check.
    pub(crate) fn breach(&self, message: impl Into<String>) -> Breach {
        Breach::new(self.check, message)
    }

    /// `Ok` when `ok`, else a breach of `rule`.
    pub(crate) fn expect(&self, ok: bool, rule: impl Display) -> Result<(), Breach> {
        if ok {
            Ok(())
        } else {
            Err(self.breach(rule.to_string()))
        }
    }

    /// A store error where the contract wants none, as a breach naming the call.
    pub(crate) fn failed(&self, call: impl Display, error: impl Display) -> Breach {
        self.breach(format!("{call} failed: {error}"))
    }

    pub(crate) async fn load(&self, stream: &StreamId) -> Result<LoadedStream, Breach> {
        self.store
            .load(stream)
            .await
            .map_err(|e| self.failed(format_args!("load of {stream}"), e))
    }

    pub(crate) async fn load_after(
        &self,
        stream: &StreamId,
        after: u64,
    ) -> Result<LoadedStream, Breach> {
        self.store
            .load_after(stream, after)
            .await
            .map_err(|e| self.failed(format_args!("load of {stream} after {after}"), e))
    }

    pub(crate) async fn append(
        &self,
        stream: &StreamId,
        expected_version: u64,
        events: &[Event],
    ) -> Result<u64, Breach> {
        self.store
            .append(stream, expected_version, events)
            .await
            .map_err(|e| {
                self.failed(
                    format_args!("append to {stream} at version {expected_version}"),
                    e,
                )
            })
    }

    pub(crate) async fn feed(
        &self,
        tenant: &Id,
        after: u64,
        limit: usize,
    ) -> Result<Vec<FeedEntry>, Breach> {
        self.store.feed(tenant, after, limit).await.map_err(|e| {
            self.failed(
                format_args!("feed of {tenant} after {after} (limit {limit})"),
                e,
            )
        })
    }
}

/// An event of `tenant` the checks write: an appointment confirmed, its id telling the
/// events apart.
pub(crate) fn event(tenant: &Id, appointment_id: impl Into<Id>) -> Event {
    let at: DateTime<Utc> = DateTime::from_timestamp(1_772_400_000, 0).unwrap_or_default();
    Event {
        tenant: tenant.clone(),
        actor: Actor::system("medsched-testkit"),
        at,
        change: Change::AppointmentConfirmed {
            appointment_id: appointment_id.into(),
        },
    }
}

/// The id an event of the checks carries.
pub(crate) fn appointment_id(event: &Event) -> Option<&str> {
    match &event.change {
        Change::AppointmentConfirmed { appointment_id } => Some(appointment_id.as_str()),
        _ => None,
    }
}

/// 2026-03-`d`, the dates of the checks' streams.
pub(crate) fn march(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap_or_default()
}

/// Gives the other futures of a join, or the other threads, a turn: pending once, then
/// ready.
pub(crate) fn yield_now() -> impl Future<Output = ()> {
    YieldNow { yielded: false }
}

struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            Poll::Ready(())
        } else {
            self.yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}
