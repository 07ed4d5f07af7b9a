//! The token service: loads a doctor's queue, decides, appends, and retries on concurrent
//! writes.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    Error, Id, Result, booking::Appointment, booking::Schedule, store::Actor, store::Change,
    store::Event, store::EventStore, store::StreamId, tokens::Context, tokens::Queue,
    tokens::QueueNotification, tokens::QueueRules, tokens::Token, tokens::TokenChange,
    tokens::TokenCommand, tokens::TokenKind, tokens::TokenRequest, tokens::decide,
    tokens::notifications,
};

/// How often a command is decided again after another writer changed the queue first.
const DEFAULT_MAX_ATTEMPTS: u32 = 64;

/// Whose token queue: a tenant's doctor on one date.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

/// Outpatient tokens over an [`EventStore`], one stream per doctor and day.
///
/// Each call loads the queue, decides with [`decide`], and appends with the version it
/// loaded; when another writer appended first it decides again. Two receptionists issuing
/// walk-in tokens at the same instant get distinct numbers. `Tokens` is `Sync` when its
/// store is.
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
    store: S,
    max_attempts: u32,
}

impl<S: EventStore> Tokens<S> {
    /// A token service over `store`.
    pub fn new(store: S) -> Self {
        Tokens {
            store,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }

    /// The same service, deciding a command at most `attempts` times (64 by default) before
    /// it gives up with [`Error::Conflict`](crate::Error::Conflict).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The queue as stored.
    ///
    /// # Errors
    ///
    /// The store's errors.
    pub fn queue(&self, day: &QueueDay) -> Result<Queue> {
        Ok(Queue::from_events(self.store.load(&day.stream())?.events))
    }

    /// Decides `command` on the queue and appends its events, retrying on concurrent writes.
    ///
    /// # Errors
    ///
    /// Those of [`decide`]; [`Error::Conflict`] when every attempt met a concurrent
    /// write; the store's errors.
    pub fn execute(
        &self,
        day: &QueueDay,
        rules: &QueueRules,
        actor: &Actor,
        now: DateTime<Utc>,
        command: &TokenCommand,
    ) -> Result<QueueUpdate> {
        crate::availability::compile::check_instant(|| "now".into(), now)?;
        let stream = day.stream();
        let ctx = Context { rules, actor, now };
        let mut attempt = 1;
        loop {
            let loaded = self.store.load(&stream)?;
            let mut queue = Queue::from_events(loaded.events);
            let changes = decide(&queue, command, &ctx)?;
            let events: Vec<Event> = changes
                .iter()
                .map(|change| Event {
                    tenant: day.tenant.clone(),
                    actor: actor.clone(),
                    at: now,
                    change: Change::Token(change.clone()),
                })
                .collect();
            if !events.is_empty() {
                match self.store.append(&stream, loaded.version, &events) {
                    Ok(_) => {}
                    Err(e) if e.is_conflict() && attempt < self.max_attempts => {
                        attempt += 1;
                        continue;
                    }
                    Err(e) => return Err(e),
                }
            }
            let line_before = queue.line().to_vec();
            for event in &events {
                queue.apply(event);
            }
            let notify_next = rules.notify_next as usize;
            let notifications = notifications(&line_before, &queue, &changes, notify_next);
            let token = acted_on(&queue, command, &changes).cloned();
            return Ok(QueueUpdate {
                token,
                queue,
                events,
                notifications,
            });
        }
    }

    /// Issues a token: see [`TokenCommand::Issue`].
    ///
    /// # Errors
    ///
    /// As [`Tokens::execute`].
    pub fn issue(
        &self,
        day: &QueueDay,
        rules: &QueueRules,
        actor: &Actor,
        now: DateTime<Utc>,
        request: TokenRequest,
    ) -> Result<QueueUpdate> {
        self.execute(day, rules, actor, now, &TokenCommand::Issue(request))
    }

    /// Issues the booked token of an appointment, days ahead or on the day, as
    /// [`Bookings`](crate::booking::Bookings) returned it (from `book`, `book_hold` or `appointment`,
    /// which follows reschedules). The token joins the queue of the appointment's doctor on
    /// its book date, with the appointment's start as its expected time and its consultation
    /// mode; its id is `"{appointment id}/token"`. `rules` are that queue's rules. Asking
    /// again returns the token already issued.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTransition`] when the appointment is not pending or confirmed (or has
    /// moved to another day); as [`Tokens::execute`] otherwise.
    pub fn issue_for_appointment(
        &self,
        schedule: &Schedule,
        rules: &QueueRules,
        actor: &Actor,
        now: DateTime<Utc>,
        appointment: &Appointment,
    ) -> Result<QueueUpdate> {
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
        self.issue(&day, rules, actor, now, request)
    }
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
