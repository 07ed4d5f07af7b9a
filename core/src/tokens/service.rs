//! The token service: loads a doctor's queue, decides, appends, and retries on concurrent
//! writes.

use std::convert::Infallible;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::store::{
    AsyncEventStore, DEFAULT_CACHED_STREAMS, Decider, Decision, FoldCache, Ran, Stamp, catch_up,
    run,
};
use crate::{
    Error, Id, Limits, Problem, Result, booking::Appointment, booking::DayBook, booking::Schedule,
    store::Actor, store::Change, store::Event, store::StreamId, tokens::Context, tokens::Queue,
    tokens::QueueNotification, tokens::QueueRules, tokens::Token, tokens::TokenChange,
    tokens::TokenCommand, tokens::TokenKind, tokens::TokenRequest, tokens::notifications,
};

/// How often a command is decided again after another writer changed the queue first.
const DEFAULT_MAX_ATTEMPTS: u32 = 64;

/// Whose token queue: a tenant's doctor on one date.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct QueueDay {
    /// The tenant (clinic, hospital).
    pub tenant: Id,
    /// The doctor.
    pub doctor_id: Id,
    /// The date (as the host counts its OPD days; usually the book date).
    pub date: NaiveDate,
}

impl QueueDay {
    /// A doctor's queue on `date`.
    pub fn new(tenant: impl Into<Id>, doctor_id: impl Into<Id>, date: NaiveDate) -> Self {
        QueueDay {
            tenant: tenant.into(),
            doctor_id: doctor_id.into(),
            date,
        }
    }

    /// The queue of one of a tenant's doctors on `date`, the tenant being the
    /// [`Schedule`]'s: the way to open a queue bound to its tenant, as bookings are (one
    /// built with [`QueueDay::new`] may name any tenant, so a host must not build it from a
    /// tenant its caller chose).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] (kind `doctor`) for a doctor the schedule does not have.
    ///
    /// # Example
    ///
    /// ```
    /// use medsched::booking::Schedule;
    /// use medsched::tokens::QueueDay;
    /// use medsched::{Clinic, DoctorCalendar, Location};
    ///
    /// let clinic = Clinic {
    ///     locations: vec![Location::new("main", "Main", "Asia/Kolkata")],
    ///     holidays: vec![],
    /// };
    /// let schedule = Schedule::new("clinic-1", &clinic, &[DoctorCalendar::new("dr-asha")], &[])?;
    /// let date = "2026-03-02".parse().unwrap();
    /// let day = QueueDay::of(&schedule, "dr-asha", date)?;
    /// assert_eq!(day.stream().to_string(), "clinic-1/2026-03-02/tokens/dr-asha");
    /// assert_eq!(QueueDay::of(&schedule, "dr-other", date).unwrap_err().code(), "not_found");
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn of(schedule: &Schedule, doctor_id: &str, date: NaiveDate) -> Result<Self> {
        let doctor = schedule.availability(doctor_id)?.doctor_id().clone();
        Ok(QueueDay {
            tenant: schedule.tenant().clone(),
            doctor_id: doctor,
            date,
        })
    }

    /// Its stream in the store.
    pub fn stream(&self) -> StreamId {
        StreamId::tokens(self.tenant.clone(), self.doctor_id.clone(), self.date)
    }
}

/// What a token command did: the token it acted on as it is now, the queue after it, the
/// new events (none for a repeat), and the notifications to send.
#[derive(Debug, Clone)]
pub struct QueueUpdate {
    /// The token acted on (the new one for an issue or reassignment; none for a meet link).
    pub token: Option<Token>,
    /// The queue after the command.
    pub queue: Queue,
    /// The events appended.
    pub events: Vec<Event>,
    /// What to tell patients.
    pub notifications: Vec<QueueNotification>,
}

/// Outpatient tokens over an [`AsyncEventStore`], one stream per doctor and day: the same
/// service as [`Tokens`](crate::tokens::Tokens), every method an `async fn` whose future is
/// `Send` (when the store's are), with no runtime dependency.
///
/// # Example
///
/// ```
/// use medsched::store::{Actor, Blocking, InMemoryStore};
/// use medsched::tokens::{AsyncTokens, QueueDay, QueueRules, TokenKind, TokenRequest, TokenSession};
/// use chrono::{DateTime, NaiveDate, Utc};
///
/// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
/// let rules = QueueRules::new(vec![TokenSession::new("morning",
///     t("2026-03-02T03:30:00Z"), t("2026-03-02T07:30:00Z"))]);
/// let day = QueueDay::new("clinic-1", "dr-asha", NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
/// let tokens = AsyncTokens::new(Blocking(InMemoryStore::new()));
/// let walk_in = TokenRequest::new("t-1", TokenKind::WalkIn, "pat-1");
/// let issued = futures::executor::block_on(
///     tokens.issue(&day, &rules, &Actor::staff("rcp-1"), t("2026-03-02T03:40:00Z"), walk_in))?;
/// assert_eq!(issued.token.unwrap().number, 1);
/// # Ok::<(), medsched::Error>(())
/// ```
///
/// # Folded queues
///
/// The service keeps the queues it folded, each with the version of the stream it is the
/// fold of, for at most 256 streams (the least recently used one makes room;
/// [`with_cached_queues`](Self::with_cached_queues) sets another bound). A command reads
/// only the events appended since ([`AsyncEventStore::load_after`]) and folds them into the
/// kept queue, so its cost does not grow with the tokens of the day. Other services and
/// processes writing the same queues are no harm: a kept queue is never wrong, only behind,
/// and the append at the version it was decided on refuses a decision taken on a queue
/// behind the stream; the service then catches up and decides again.
#[derive(Debug)]
pub struct AsyncTokens<S> {
    store: S,
    max_attempts: u32,
    limits: Limits,
    folded: FoldCache<Queue>,
}

impl<S: AsyncEventStore> AsyncTokens<S> {
    /// A token service over `store`.
    pub fn new(store: S) -> Self {
        AsyncTokens {
            store,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            limits: Limits::DEFAULT,
            folded: FoldCache::new(DEFAULT_CACHED_STREAMS),
        }
    }

    /// The same service, keeping the folded queues of at most `streams` doctor-days (256 by
    /// default; 0 keeps none, and every command folds its queue's whole stream, as a
    /// service did before it kept them). A kept queue holds every token of its day, so
    /// the memory it takes grows with the day's tokens.
    ///
    /// ```
    /// use medsched::store::{Blocking, InMemoryStore};
    /// use medsched::tokens::AsyncTokens;
    ///
    /// let tokens = AsyncTokens::new(Blocking(InMemoryStore::new())).with_cached_queues(1_000);
    /// assert_eq!(tokens.cached_queues(), 1_000);
    /// ```
    pub fn with_cached_queues(mut self, streams: usize) -> Self {
        self.folded = FoldCache::new(streams);
        self
    }

    /// How many doctor-days' folded queues the service keeps at most.
    pub fn cached_queues(&self) -> usize {
        self.folded.capacity()
    }

    /// The same service, deciding a command at most `attempts` times (64 by default) before
    /// it gives up with [`Error::Conflict`](crate::Error::Conflict).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The same service with other [`Limits`] than the defaults: a command whose ids,
    /// reasons or meet link are longer than [`Limits::max_text_length`] is refused before
    /// anything is decided or stored (a token's texts are kept in its events for ever).
    ///
    /// ```
    /// use medsched::Limits;
    /// use medsched::store::{Blocking, InMemoryStore};
    /// use medsched::tokens::AsyncTokens;
    ///
    /// let tight = Limits { max_text_length: 64, ..Limits::DEFAULT };
    /// let tokens = AsyncTokens::new(Blocking(InMemoryStore::new())).with_limits(tight);
    /// # drop(tokens);
    /// ```
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The queue as stored: the kept queue with the events appended since, or the fold of
    /// the whole stream.
    ///
    /// # Errors
    ///
    /// The store's errors.
    pub async fn queue(&self, day: &QueueDay) -> Result<Queue> {
        let stream = day.stream();
        let held = self.folded.take(&stream);
        let (queue, version) = catch_up(&self.store, &stream, held).await?;
        self.folded.put(&stream, queue.clone(), version);
        Ok(queue)
    }

    /// Decides `command` on the queue and appends its events, retrying on concurrent writes.
    ///
    /// # Errors
    ///
    /// Those of [`decide`](crate::tokens::decide); [`Error::InvalidInput`] for an id, reason
    /// or meet link longer than [`Limits::max_text_length`]; [`Error::Conflict`] when every
    /// attempt met a concurrent write; the store's errors.
    pub async fn execute(
        &self,
        day: &QueueDay,
        rules: &QueueRules,
        actor: &Actor,
        now: DateTime<Utc>,
        command: &TokenCommand,
    ) -> Result<QueueUpdate> {
        crate::availability::compile::check_instant(|| "now".into(), now)?;
        for (field, text) in texts(command) {
            self.limits.text(|| field.to_owned(), text)?;
        }
        let ctx = Context { rules, actor, now };
        let stamp = Stamp { actor, at: now };
        let decision = |queue: &Queue| {
            queue
                .decide(command, &ctx)
                .map(Decision::<Infallible>::Append)
        };
        let line = |queue: &Queue| queue.line().to_vec();
        let stream = day.stream();
        let ran = run(
            &self.store,
            &stream,
            stamp,
            self.max_attempts,
            Some(&self.folded),
            decision,
            line,
        );
        let Ran::Appended {
            state: queue,
            events,
            before: line_before,
        } = ran.await?;
        let changes: Vec<TokenChange> = events
            .iter()
            .filter_map(|event| match &event.change {
                Change::Token(change) => Some(change.clone()),
                _ => None,
            })
            .collect();
        let notify_next = rules.notify_next as usize;
        let notifications = notifications(&line_before, &queue, &changes, notify_next);
        let token = acted_on(&queue, command, &changes).cloned();
        Ok(QueueUpdate {
            token,
            queue,
            events,
            notifications,
        })
    }

    /// Issues a token: see [`TokenCommand::Issue`].
    ///
    /// # Errors
    ///
    /// As [`AsyncTokens::execute`].
    pub async fn issue(
        &self,
        day: &QueueDay,
        rules: &QueueRules,
        actor: &Actor,
        now: DateTime<Utc>,
        request: TokenRequest,
    ) -> Result<QueueUpdate> {
        self.execute(day, rules, actor, now, &TokenCommand::Issue(request))
            .await
    }

    /// Issues the booked token of an appointment, days ahead or on the day, as
    /// [`Bookings`](crate::booking::Bookings) returned it (from `book`, `book_hold` or `appointment`,
    /// which follows reschedules). The token joins the queue of the appointment's doctor on
    /// its book date, with the appointment's start as its expected time and its consultation
    /// mode; its id is `"{appointment id}/token"`. `rules` are that queue's rules. Asking
    /// again returns the token already issued.
    ///
    /// The appointment is checked against the schedule's tenant's day book of its book
    /// date: it must be there, for the same patient and slot (its status is read from there).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when the tenant's day book has no such appointment (another
    /// tenant's, or one never booked); [`Error::InvalidInput`] (field `appointment`, problem
    /// `conflicting`) when its patient or slot differ from the stored ones;
    /// [`Error::InvalidTransition`] when the appointment is not pending or confirmed (or has
    /// moved to another day); as [`AsyncTokens::execute`] otherwise.
    pub async fn issue_for_appointment(
        &self,
        schedule: &Schedule,
        rules: &QueueRules,
        actor: &Actor,
        now: DateTime<Utc>,
        appointment: &Appointment,
    ) -> Result<QueueUpdate> {
        // The record is the host's copy: the token follows the appointment as the tenant's
        // own day book holds it, and a copy of another tenant's or an edited one is refused.
        let book = StreamId::new(schedule.tenant().clone(), appointment.book_date);
        let stored = crate::store::load(&self.store, &book).await?;
        let stored = DayBook::from_events(stored.events);
        let Some(stored) = stored.appointment(&appointment.id) else {
            return Err(Error::NotFound {
                kind: "appointment",
                id: appointment.id.to_string(),
            });
        };
        if (&stored.patient_id, &stored.slot) != (&appointment.patient_id, &appointment.slot) {
            return Err(Error::invalid(
                "appointment",
                &appointment.id,
                Problem::Conflicting(format!("the appointment as stored in {book}")),
            ));
        }
        let appointment = stored;
        if !appointment.is_upcoming() {
            return Err(Error::InvalidTransition {
                kind: "appointment",
                id: appointment.id.to_string(),
                from: appointment.status.as_str(),
                action: "issue_token",
            });
        }
        let day = QueueDay::new(
            schedule.tenant().clone(),
            appointment.slot.doctor_id.clone(),
            appointment.book_date,
        );
        let token_id = format!("{}/token", appointment.id.as_str());
        let request = TokenRequest {
            mode: appointment.slot.mode,
            appointment_id: Some(appointment.id.clone()),
            expected_at: Some(appointment.slot.start),
            ..TokenRequest::new(token_id, TokenKind::Booked, appointment.patient_id.clone())
        };
        self.issue(&day, rules, actor, now, request).await
    }
}

/// The texts of a token command, each bounded by [`Limits::max_text_length`].
fn texts(command: &TokenCommand) -> Vec<(&'static str, &str)> {
    let mut texts: Vec<(&'static str, &str)> = Vec::new();
    match command {
        TokenCommand::Issue(request) => {
            texts.push(("token_id", &request.token_id));
            texts.push(("patient_id", &request.patient_id));
            texts.extend(request.session_id.as_deref().map(|s| ("session_id", s)));
            texts.extend(
                request
                    .appointment_id
                    .as_deref()
                    .map(|a| ("appointment_id", a)),
            );
        }
        TokenCommand::Reassign {
            token_id, reason, ..
        } => {
            texts.push(("token_id", token_id));
            texts.extend(reason.as_deref().map(|r| ("reason", r)));
        }
        TokenCommand::Cancel { reason, .. }
        | TokenCommand::Skip { reason, .. }
        | TokenCommand::MarkLate { reason, .. }
        | TokenCommand::Recall { reason, .. }
        | TokenCommand::Reinsert { reason, .. }
        | TokenCommand::Move { reason, .. } => {
            texts.extend(reason.as_deref().map(|r| ("reason", r)));
        }
        TokenCommand::SetMeetLink { meet_link } => texts.push(("meet_link", meet_link)),
        TokenCommand::CheckIn { .. }
        | TokenCommand::CallNext
        | TokenCommand::Start { .. }
        | TokenCommand::Complete { .. } => {}
    }
    texts
}

/// The token a command acted on, in the queue after it.
fn acted_on<'q>(
    queue: &'q Queue,
    command: &TokenCommand,
    changes: &[TokenChange],
) -> Option<&'q Token> {
    if let Some(number) = changes.iter().find_map(TokenChange::number) {
        return queue.token(number);
    }
    match command {
        TokenCommand::Issue(request) => queue
            .token_by_id(&request.token_id)
            .and_then(|t| queue.current(t.number))
            .or_else(|| {
                request
                    .appointment_id
                    .as_deref()
                    .and_then(|a| queue.token_for_appointment(a))
            }),
        TokenCommand::Reassign { token_id, .. } => queue
            .token_by_id(token_id)
            .and_then(|t| queue.current(t.number)),
        TokenCommand::Move { number, .. } | TokenCommand::CheckIn { number } => {
            queue.token(*number)
        }
        _ => None,
    }
}
