//! The sync token service: the async service's code over a sync store, run to completion
//! without a runtime.

use chrono::{DateTime, Utc};

use crate::Result;
use crate::booking::{Appointment, Schedule};
use crate::store::{Actor, Blocking, EventStore, now_or_never};
use crate::tokens::{
    AsyncTokens, Queue, QueueDay, QueueRules, QueueUpdate, TokenCommand, TokenRequest,
};

/// Outpatient tokens over a sync [`EventStore`], one stream per doctor and day.
///
/// Each call brings the queue up to date (the queue it kept with the events appended since,
/// see [`AsyncTokens`]'s folded queues), decides with [`decide`](crate::tokens::decide),
/// and appends with the version it read; when another writer appended first it catches up
/// and decides again. Two
/// receptionists issuing walk-in tokens at the same instant get distinct numbers. `Tokens`
/// is `Sync` when its store is.
///
/// It is [`AsyncTokens`] over [`Blocking`]`<S>`: the same code, each call run to the end on
/// the calling thread.
///
/// # Example
///
/// ```
/// use medsched::{booking::*, store::*, tokens::*, wait::*, *};
/// use chrono::{DateTime, NaiveDate, Utc};
///
/// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
/// let rules = QueueRules::new(vec![TokenSession::new("morning",
///     t("2026-03-02T03:30:00Z"), t("2026-03-02T07:30:00Z"))]);
/// let day = QueueDay::new("clinic-1", "dr-asha", NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
/// let tokens = Tokens::new(InMemoryStore::new());
/// let desk = Actor::staff("rcp-1");
/// let now = t("2026-03-02T03:40:00Z");
///
/// let walk_in = TokenRequest::new("t-1", TokenKind::WalkIn, "pat-1");
/// assert_eq!(tokens.issue(&day, &rules, &desk, now, walk_in)?.token.unwrap().number, 1);
/// let emergency = TokenRequest::new("t-2", TokenKind::Emergency, "pat-2");
/// let update = tokens.issue(&day, &rules, &desk, now, emergency)?;
/// assert_eq!(update.queue.line(), &[2, 1]); // the emergency goes first
///
/// let called = tokens.execute(&day, &rules, &desk, now, &TokenCommand::CallNext)?;
/// assert_eq!(called.token.unwrap().number, 2);
/// assert_eq!(called.notifications[0].kind, QueueNotificationKind::YourTurn);
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Debug)]
pub struct Tokens<S> {
    inner: AsyncTokens<Blocking<S>>,
}

impl<S: EventStore> Tokens<S> {
    /// A token service over `store`.
    pub fn new(store: S) -> Self {
        Tokens {
            inner: AsyncTokens::new(Blocking(store)),
        }
    }

    /// The same service, deciding a command at most `attempts` times (64 by default) before
    /// it gives up with [`Error::Conflict`](crate::Error::Conflict).
    pub fn with_max_attempts(self, attempts: u32) -> Self {
        Tokens {
            inner: self.inner.with_max_attempts(attempts),
        }
    }

    /// The same service, keeping the folded queues of at most `streams` doctor-days (see
    /// [`AsyncTokens::with_cached_queues`]).
    ///
    /// ```
    /// use medsched::store::InMemoryStore;
    /// use medsched::tokens::Tokens;
    ///
    /// let tokens = Tokens::new(InMemoryStore::new()).with_cached_queues(0); // fold every time
    /// assert_eq!(tokens.cached_queues(), 0);
    /// ```
    pub fn with_cached_queues(self, streams: usize) -> Self {
        Tokens {
            inner: self.inner.with_cached_queues(streams),
        }
    }

    /// How many doctor-days' folded queues the service keeps at most (see
    /// [`AsyncTokens::with_cached_queues`]).
    pub fn cached_queues(&self) -> usize {
        self.inner.cached_queues()
    }

    /// The same service with other [`Limits`](crate::Limits) on the texts of a command (see
    /// [`AsyncTokens::with_limits`]).
    ///
    /// ```
    /// use medsched::Limits;
    /// use medsched::store::InMemoryStore;
    /// use medsched::tokens::Tokens;
    ///
    /// let roomy = Limits { max_text_length: 4_000, ..Limits::DEFAULT };
    /// let tokens = Tokens::new(InMemoryStore::new()).with_limits(roomy);
    /// # drop(tokens);
    /// ```
    pub fn with_limits(self, limits: crate::Limits) -> Self {
        Tokens {
            inner: self.inner.with_limits(limits),
        }
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.inner.store().0
    }

    /// The async service it runs.
    pub(crate) fn inner(&self) -> &AsyncTokens<Blocking<S>> {
        &self.inner
    }

    /// As [`AsyncTokens::queue`].
    ///
    /// # Errors
    ///
    /// As [`AsyncTokens::queue`].
    pub fn queue(&self, day: &QueueDay) -> Result<Queue> {
        now_or_never(self.inner.queue(day))
    }

    /// As [`AsyncTokens::execute`].
    ///
    /// # Errors
    ///
    /// As [`AsyncTokens::execute`].
    pub fn execute(
        &self,
        day: &QueueDay,
        rules: &QueueRules,
        actor: &Actor,
        now: DateTime<Utc>,
        command: &TokenCommand,
    ) -> Result<QueueUpdate> {
        now_or_never(self.inner.execute(day, rules, actor, now, command))
    }

    /// As [`AsyncTokens::issue`].
    ///
    /// # Errors
    ///
    /// As [`AsyncTokens::issue`].
    pub fn issue(
        &self,
        day: &QueueDay,
        rules: &QueueRules,
        actor: &Actor,
        now: DateTime<Utc>,
        request: TokenRequest,
    ) -> Result<QueueUpdate> {
        now_or_never(self.inner.issue(day, rules, actor, now, request))
    }

    /// As [`AsyncTokens::issue_for_appointment`].
    ///
    /// # Errors
    ///
    /// As [`AsyncTokens::issue_for_appointment`].
    pub fn issue_for_appointment(
        &self,
        schedule: &Schedule,
        rules: &QueueRules,
        actor: &Actor,
        now: DateTime<Utc>,
        appointment: &Appointment,
    ) -> Result<QueueUpdate> {
        now_or_never(
            self.inner
                .issue_for_appointment(schedule, rules, actor, now, appointment),
        )
    }
}
