//! Deciders and the one retry runner both services share: load a stream, fold it, decide,
//! append at the version loaded, and decide again when another writer came first.

use std::future::Future;
use std::pin::pin;
use std::task::{Context as TaskContext, Poll, Waker};

use chrono::{DateTime, Utc};

use crate::store::cache::FoldCache;
use crate::store::{Actor, AsyncEventStore, Change, Event, LoadedStream, StreamId};
use crate::{Error, Problem, Result};

/// A stream's state and the decisions taken on it: the fold of its events and a pure
/// decide. The [`DayBook`](crate::booking::DayBook) and the token
/// [`Queue`](crate::tokens::Queue) are deciders; the services run them over a store, and
/// the `medsched-testkit` crate tests them given events, when a command, then changes.
///
/// # Example
///
/// ```
/// use medsched::store::{Actor, Change, Decider, Event};
/// use medsched::tokens::{self, Queue, QueueRules, TokenCommand, TokenKind, TokenRequest,
///     TokenSession};
///
/// let t = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
/// let rules = QueueRules::new(vec![TokenSession::new("morning",
///     t("2026-03-02T03:30:00Z"), t("2026-03-02T07:30:00Z"))]);
/// let desk = Actor::staff("rcp-1");
/// let ctx = tokens::Context { rules: &rules, actor: &desk, now: t("2026-03-02T03:00:00Z") };
/// let issue = TokenCommand::Issue(TokenRequest::new("t-1", TokenKind::WalkIn, "pat-1"));
///
/// let queue = Queue::fold(Vec::new());
/// let changes = queue.decide(&issue, &ctx)?;
/// assert_eq!(changes[0].name(), "token_issued");
/// # Ok::<(), medsched::Error>(())
/// ```
pub trait Decider: Default + Send + Sync {
    /// What is asked of it.
    type Command: ?Sized + Sync;
    /// What a decision reads besides the state: rules, who asks, the present.
    type Context<'c>: Sync;

    /// Folds one more event into the state.
    fn apply(&mut self, event: Event);

    /// The state of a stream: the fold of its events, oldest first.
    fn fold(events: Vec<Event>) -> Self {
        let mut state = Self::default();
        for event in events {
            state.apply(event);
        }
        state
    }

    /// The changes `command` makes to this state (none when it changes nothing), or why it
    /// is refused. Pure: the same state, command and context give the same answer.
    ///
    /// # Errors
    ///
    /// The decider's refusals: [`Error::InvalidInput`], [`Error::InvalidTransition`],
    /// [`Error::PolicyViolation`], [`Error::SlotUnavailable`] and the like.
    fn decide(&self, command: &Self::Command, ctx: &Self::Context<'_>) -> Result<Vec<Change>>;
}

/// Who and when, for every event of one decision.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stamp<'a> {
    pub(crate) actor: &'a Actor,
    pub(crate) at: DateTime<Utc>,
}

impl Stamp<'_> {
    /// The changes as events of `stream`'s tenant.
    pub(crate) fn events(&self, stream: &StreamId, changes: Vec<Change>) -> Vec<Event> {
        changes
            .into_iter()
            .map(|change| Event {
                tenant: stream.tenant.clone(),
                actor: self.actor.clone(),
                at: self.at,
                change,
            })
            .collect()
    }
}

/// What a decision on a freshly folded state says: append these changes, or stop with an
/// outcome that appends nothing (the appointment is not on this day any more, a copy in
/// transit is in the way).
#[derive(Debug)]
pub(crate) enum Decision<X> {
    /// Append these changes (none: nothing to do).
    Append(Vec<Change>),
    /// Append nothing; the caller acts on the outcome.
    Stop(X),
}

/// What the runner did.
#[derive(Debug)]
pub(crate) enum Ran<D, X, B = ()> {
    /// The changes were appended (or there were none): the state after them, the events.
    Appended {
        /// The state with the new events folded in.
        state: D,
        /// The events appended.
        events: Vec<Event>,
        /// What `observe` saw of the state the decision was taken on.
        before: B,
    },
    /// The decision stopped with an outcome.
    Stopped(X),
}

/// Loads `stream`, folds it, decides, and appends at the version loaded; when another
/// writer appended first it does all of it again, at most `max_attempts` times. `observe`
/// notes what the caller needs of the state as it was before the new events (say, the line
/// before a token command), without cloning the state.
///
/// With a `cache`, the stream's state is taken from it when kept there and brought up to
/// date with the events appended since its version ([`load_after`]); a conflict catches it
/// up the same way. The state is put back after the command, whatever its outcome, at the
/// version it is the fold of (a clone of it when the caller gets it: `D` should be cheap to
/// clone, as a [`Queue`](crate::tokens::Queue) is).
///
/// # Errors
///
/// The decision's refusal; [`Error::Conflict`] when every attempt met a concurrent write;
/// the store's errors.
pub(crate) async fn run<S, D, X, B>(
    store: &S,
    stream: &StreamId,
    stamp: Stamp<'_>,
    max_attempts: u32,
    cache: Option<&FoldCache<D>>,
    decide: impl Fn(&D) -> Result<Decision<X>>,
    observe: impl Fn(&D) -> B,
) -> Result<Ran<D, X, B>>
where
    S: AsyncEventStore + ?Sized,
    D: Decider + Clone,
{
    let keep = |state: D, version: u64| {
        if let Some(cache) = cache {
            cache.put(stream, state, version);
        }
    };
    let mut held = cache.and_then(|cache| cache.take(stream));
    let mut attempt = 1;
    loop {
        let (mut state, version) = catch_up(store, stream, held.take()).await?;
        let changes = match decide(&state) {
            Ok(Decision::Append(changes)) => changes,
            Ok(Decision::Stop(outcome)) => {
                keep(state, version);
                return Ok(Ran::Stopped(outcome));
            }
            Err(refused) => {
                keep(state, version);
                return Err(refused);
            }
        };
        if changes.is_empty() {
            if cache.is_some() {
                keep(state.clone(), version);
            }
            return Ok(Ran::Appended {
                before: observe(&state),
                state,
                events: Vec::new(),
            });
        }
        let events = stamp.events(stream, changes);
        match append(store, stream, version, &events).await {
            Ok(appended) => {
                let before = observe(&state);
                for event in &events {
                    state.apply(event.clone());
                }
                // A store that reports another version than the events make is not trusted
                // with a kept state: the next command folds the stream again.
                if cache.is_some() && Some(appended) == version.checked_add(events.len() as u64) {
                    keep(state.clone(), appended);
                }
                return Ok(Ran::Appended {
                    state,
                    events,
                    before,
                });
            }
            Err(e) if e.is_conflict() && attempt < max_attempts => {
                held = Some((state, version));
                attempt += 1;
            }
            Err(e) => {
                keep(state, version);
                return Err(e);
            }
        }
    }
}

/// The state of `stream` now and its version: `held` (a state and the version it is the
/// fold of) with the events appended since, or the fold of the whole stream when nothing is
/// held or the store holds fewer events than `held` has folded.
///
/// # Errors
///
/// As [`load`] and [`load_after`].
pub(crate) async fn catch_up<S, D>(
    store: &S,
    stream: &StreamId,
    held: Option<(D, u64)>,
) -> Result<(D, u64)>
where
    S: AsyncEventStore + ?Sized,
    D: Decider,
{
    if let Some((mut state, version)) = held {
        let since = load_after(store, stream, version).await?;
        if since.version >= version {
            for event in since.events {
                state.apply(event);
            }
            return Ok((state, since.version));
        }
    }
    let loaded = load(store, stream).await?;
    Ok((D::fold(loaded.events), loaded.version))
}

/// Loads `stream` and checks it ([`LoadedStream::check`]) before anything folds it: every
/// service loads through here.
///
/// # Errors
///
/// The store's errors; [`Error::Storage`] of kind `"corrupt_stream"` for a stream that fails
/// the check.
pub(crate) async fn load<S: AsyncEventStore + ?Sized>(
    store: &S,
    stream: &StreamId,
) -> Result<LoadedStream> {
    stream.validate()?;
    let loaded = store.load(stream).await?;
    loaded.check(stream)?;
    Ok(loaded)
}

/// Loads the events of `stream` after version `after` and checks them
/// ([`LoadedStream::check_after`]) when the store is at `after` or past it (a version below
/// it is returned unchecked: the caller folds the whole stream instead).
///
/// # Errors
///
/// As [`load`].
pub(crate) async fn load_after<S: AsyncEventStore + ?Sized>(
    store: &S,
    stream: &StreamId,
    after: u64,
) -> Result<LoadedStream> {
    stream.validate()?;
    let loaded = store.load_after(stream, after).await?;
    if loaded.version >= after {
        loaded.check_after(stream, after)?;
    }
    Ok(loaded)
}

/// Appends `events` to `stream` at `expected_version`, after checking that each belongs to
/// the stream's tenant: the core keeps tenants apart, so an adapter need not.
///
/// # Errors
///
/// [`Error::InvalidInput`] for an event of another tenant; the store's errors.
pub(crate) async fn append<S: AsyncEventStore + ?Sized>(
    store: &S,
    stream: &StreamId,
    expected_version: u64,
    events: &[Event],
) -> Result<u64> {
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
    store.append(stream, expected_version, events).await
}

/// Runs a future that never waits: the sync services' calls, whose store is
/// [`Blocking`](crate::store::Blocking) and so ready as soon as it is polled. Polled once,
/// with a waker that does nothing; no runtime is needed.
///
/// # Errors
///
/// The future's error, or [`Error::Storage`] if it did wait (it cannot: every future the
/// sync services build over a `Blocking` store is ready when first polled).
pub(crate) fn now_or_never<T>(future: impl Future<Output = Result<T>>) -> Result<T> {
    let future = pin!(future);
    match future.poll(&mut TaskContext::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => Err(Error::storage(
            "a sync store's call did not complete when polled",
        )),
    }
}
