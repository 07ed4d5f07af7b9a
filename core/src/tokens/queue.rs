//! The fold of a token queue's events, and the views a reception board shows.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::store::{Change, Decider, Event};
use crate::tokens::{
    Context, QueueRules, Token, TokenChange, TokenCommand, TokenKind, TokenState, decide,
};
use crate::{Id, Result};

/// One doctor's token day as its events leave it: every token, the line of waiting tokens
/// in call order, the consultation in progress and the meet link.
///
/// The fold records and checks nothing: [`decide`](crate::tokens::decide) checks.
///
/// A `Queue` is shared, not copied, when cloned: the token services keep the queue they
/// folded and hand out clones of it, and a clone is copied only when it changes while
/// another is still held (copy on write).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Queue {
    inner: Arc<Folded>,
}

/// The fold itself, shared between the clones of a [`Queue`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Folded {
    tokens: Vec<Token>,
    by_number: FxHashMap<u32, usize>,
    by_id: FxHashMap<Id, usize>,
    line: Vec<u32>,
    consulting: Option<u32>,
    last_called: Option<u32>,
    meet_link: Option<String>,
    reinsertions: u32,
    /// Tokens whose patient checked in (an arrival recorded as such, not inferred).
    checked_in: Vec<u32>,
    /// Every number below it is issued (0 before the first): where the search for the next
    /// free number starts, so that an issue does not walk the numbers of the whole day.
    issued_below: u32,
    /// How many tokens of each session and kind count toward the session's limits (all but
    /// cancelled ones), kept as tokens are issued and change state.
    loads: FxHashMap<(Id, TokenKind), u32>,
}

/// How many tokens are in each state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TokenCounts {
    /// In the line.
    pub waiting: usize,
    /// With the doctor.
    pub consulting: usize,
    /// Seen.
    pub completed: usize,
    /// Withdrawn or reassigned.
    pub cancelled: usize,
    /// Arrived after their turn, out of the line.
    pub late: usize,
    /// Not there when called.
    pub skipped: usize,
}

impl Queue {
    /// An empty queue.
    pub fn new() -> Self {
        Queue::default()
    }

    /// The queue the events leave, applied in order (events of other streams are ignored).
    /// The tokens are moved out of the events, not copied.
    pub fn from_events(events: impl IntoIterator<Item = Event>) -> Self {
        let mut folded = Folded::default();
        for event in events {
            match event.change {
                Change::Token(TokenChange::TokenIssued { token, index }) => {
                    folded.add(token, index)
                }
                Change::Token(change) => folded.apply_change(&change, event.at),
                _ => {}
            }
        }
        Queue {
            inner: Arc::new(folded),
        }
    }

    /// Records one event.
    pub fn apply(&mut self, event: &Event) {
        if let Change::Token(change) = &event.change {
            self.apply_change(change, event.at);
        }
    }

    /// Records one change made at `at`. A change naming a number the queue does not hold
    /// changes nothing.
    pub fn apply_change(&mut self, change: &TokenChange, at: DateTime<Utc>) {
        Arc::make_mut(&mut self.inner).apply_change(change, at);
    }
    /// How many patients known to be here wait in the line of a session, but for token
    /// `except`: the doctor's load as the wait estimator reads it.
    pub(crate) fn present_waiting(&self, session_id: &Id, except: u32) -> u32 {
        let present = self
            .waiting()
            .filter(|t| t.arrived_at.is_some() && t.number != except)
            .filter(|t| &t.session_id == session_id)
            .count();
        u32::try_from(present).unwrap_or(u32::MAX)
    }

    /// Every token, in issue order.
    pub fn tokens(&self) -> &[Token] {
        &self.inner.tokens
    }

    /// The token with this number.
    pub fn token(&self, number: u32) -> Option<&Token> {
        self.inner
            .by_number
            .get(&number)
            .map(|&ix| &self.inner.tokens[ix])
    }

    /// The token with this id.
    pub fn token_by_id(&self, id: &str) -> Option<&Token> {
        self.inner.by_id.get(id).map(|&ix| &self.inner.tokens[ix])
    }

    /// The token that stands for this number now: the number itself, or the token its
    /// patient was reassigned to, followed to the last.
    pub fn current(&self, number: u32) -> Option<&Token> {
        let mut token = self.token(number)?;
        for _ in 0..self.inner.tokens.len() {
            match token.reassigned_to.and_then(|n| self.token(n)) {
                Some(next) => token = next,
                None => break,
            }
        }
        Some(token)
    }

    /// The open token (not completed or cancelled) issued for an appointment.
    pub fn token_for_appointment(&self, appointment_id: &str) -> Option<&Token> {
        self.inner
            .tokens
            .iter()
            .find(|t| t.is_open() && t.appointment_id.as_deref() == Some(appointment_id))
    }

    /// The waiting tokens' numbers in call order.
    pub fn line(&self) -> &[u32] {
        &self.inner.line
    }

    /// The waiting tokens in call order.
    pub fn waiting(&self) -> impl Iterator<Item = &Token> {
        self.inner.line.iter().filter_map(|&n| self.token(n))
    }

    /// The token with the doctor ("now serving").
    pub fn now_serving(&self) -> Option<&Token> {
        self.inner.consulting.and_then(|n| self.token(n))
    }

    /// The token called last.
    pub fn last_called(&self) -> Option<&Token> {
        self.inner.last_called.and_then(|n| self.token(n))
    }

    /// A waiting token's place in the line, 1 for the next to be seen.
    pub fn position(&self, number: u32) -> Option<usize> {
        self.inner
            .line
            .iter()
            .position(|&n| n == number)
            .map(|i| i + 1)
    }

    /// The first `n` waiting tokens.
    pub fn next(&self, n: usize) -> Vec<&Token> {
        self.waiting().take(n).collect()
    }

    /// How many tokens are in each state.
    pub fn counts(&self) -> TokenCounts {
        let mut counts = TokenCounts::default();
        for token in &self.inner.tokens {
            *match token.state {
                TokenState::Waiting => &mut counts.waiting,
                TokenState::Consulting => &mut counts.consulting,
                TokenState::Completed => &mut counts.completed,
                TokenState::Cancelled => &mut counts.cancelled,
                TokenState::Late => &mut counts.late,
                TokenState::Skipped => &mut counts.skipped,
            } += 1;
        }
        counts
    }

    /// How many times a skipped or late token went back into the line.
    pub fn reinsertions(&self) -> u32 {
        self.inner.reinsertions
    }

    /// Whether the patient of token `number` checked in (their arrival recorded as such,
    /// not inferred from their return to the line or their consultation).
    pub(crate) fn checked_in(&self, number: u32) -> bool {
        self.inner.checked_in.contains(&number)
    }

    /// The doctor's meet link for tele-consultations, once set.
    pub fn meet_link(&self) -> Option<&str> {
        self.inner.meet_link.as_deref()
    }

    /// The number the automatic sequence gives next: the smallest number neither issued
    /// nor reserved.
    pub fn next_number(&self, rules: &QueueRules) -> u32 {
        let reserved: rustc_hash::FxHashSet<u32> = rules.reserved_numbers.iter().copied().collect();
        (self.inner.issued_below.max(1)..)
            .find(|n| !self.inner.by_number.contains_key(n) && !reserved.contains(n))
            .unwrap_or(u32::MAX)
    }

    /// How many tokens of a session count toward its limits: all but cancelled ones and
    /// emergencies, and those of one channel.
    pub(crate) fn session_load(&self, session_id: &str, kind: TokenKind) -> (u32, u32) {
        let mut all = 0u32;
        let mut of_kind = 0;
        for ((session, load_kind), &load) in &self.inner.loads {
            if session.as_str() != session_id {
                continue;
            }
            if *load_kind != TokenKind::Emergency {
                all = all.saturating_add(load);
            }
            if *load_kind == kind {
                of_kind = load;
            }
        }
        (all, of_kind)
    }
}

impl Folded {
    /// Records one change made at `at`. A change naming a number the queue does not hold
    /// changes nothing.
    fn apply_change(&mut self, change: &TokenChange, at: DateTime<Utc>) {
        match change {
            TokenChange::TokenIssued { token, index } => self.add(token.clone(), *index),
            TokenChange::TokenCheckedIn { number } => {
                if let Some(token) = self.token_mut(*number) {
                    token.arrived_at = Some(at);
                    if !self.checked_in.contains(number) {
                        self.checked_in.push(*number);
                    }
                }
            }
            TokenChange::TokenAmended {
                number,
                expected_at,
                mode,
            } => {
                if let Some(token) = self.token_mut(*number) {
                    token.expected_at = *expected_at;
                    token.mode = *mode;
                }
            }
            TokenChange::TokenCalled { number } => {
                if let Some(token) = self.token_mut(*number) {
                    token.called_at = Some(at);
                    self.last_called = Some(*number);
                }
            }
            TokenChange::ConsultationStarted {
                number,
                meet_link,
                waiting,
            } => {
                self.leave_line(*number);
                if let Some(token) = self.token_mut(*number) {
                    token.started_at = Some(at);
                    token.waiting_at_start = Some(*waiting);
                    token.arrived_at.get_or_insert(at);
                    token.meet_link.clone_from(meet_link);
                    self.consulting = Some(*number);
                    self.set_state(*number, TokenState::Consulting);
                }
            }
            TokenChange::ConsultationCompleted { number } => {
                self.end(*number, TokenState::Completed, at)
            }
            TokenChange::TokenCancelled { number, .. } => {
                self.end(*number, TokenState::Cancelled, at)
            }
            TokenChange::TokenSkipped { number, .. } => self.end(*number, TokenState::Skipped, at),
            TokenChange::TokenMarkedLate { number, .. } => self.end(*number, TokenState::Late, at),
            TokenChange::TokenReinserted { number, index, .. } => {
                if let Some(token) = self.token_mut(*number) {
                    token.called_at = None;
                    token.ended_at = None;
                    token.returned_at = Some(at);
                    token.arrived_at.get_or_insert(at);
                    self.set_state(*number, TokenState::Waiting);
                    self.join_line(*number, *index);
                    self.reinsertions = self.reinsertions.saturating_add(1);
                }
            }
            TokenChange::TokenReassigned { from, token, index } => {
                self.end(*from, TokenState::Cancelled, at);
                if let Some(old) = self.token_mut(*from) {
                    old.reassigned_to = Some(token.number);
                }
                self.add(token.clone(), *index);
            }
            TokenChange::TokenMoved { number, index, .. } => {
                if self.line.contains(number) {
                    self.leave_line(*number);
                    self.join_line(*number, *index);
                }
            }
            TokenChange::MeetLinkUpdated { meet_link } => self.meet_link = Some(meet_link.clone()),
        }
    }

    fn add(&mut self, token: Token, index: u32) {
        if self.by_number.contains_key(&token.number) || self.by_id.contains_key(&token.id) {
            return;
        }
        let number = token.number;
        self.by_number.insert(number, self.tokens.len());
        self.by_id.insert(token.id.clone(), self.tokens.len());
        let waiting = token.state == TokenState::Waiting;
        if token.counts() {
            *self
                .loads
                .entry((token.session_id.clone(), token.kind))
                .or_default() += 1;
        }
        self.tokens.push(token);
        let mut free = self.issued_below.max(1);
        while free < u32::MAX && self.by_number.contains_key(&free) {
            free += 1;
        }
        self.issued_below = free;
        if waiting {
            self.join_line(number, index);
        }
    }

    fn end(&mut self, number: u32, state: TokenState, at: DateTime<Utc>) {
        self.leave_line(number);
        if self.consulting == Some(number) {
            self.consulting = None;
        }
        if let Some(token) = self.token_mut(number) {
            token.ended_at = Some(at);
        }
        self.set_state(number, state);
    }

    /// Puts `number` in the line at `index`, or at its end when the line is shorter.
    fn join_line(&mut self, number: u32, index: u32) {
        let index = usize::try_from(index).map_or(self.line.len(), |i| i.min(self.line.len()));
        self.line.insert(index, number);
    }

    fn leave_line(&mut self, number: u32) {
        self.line.retain(|&n| n != number);
    }

    fn token_mut(&mut self, number: u32) -> Option<&mut Token> {
        let ix = *self.by_number.get(&number)?;
        Some(&mut self.tokens[ix])
    }

    /// Gives token `number` a new state, keeping the session loads.
    fn set_state(&mut self, number: u32, state: TokenState) {
        let Some(token) = self.token_mut(number) else {
            return;
        };
        let counted = token.counts();
        token.state = state;
        let counts = token.counts();
        if counted != counts {
            let key = (token.session_id.clone(), token.kind);
            let load = self.loads.entry(key).or_default();
            *load = if counts {
                load.saturating_add(1)
            } else {
                load.saturating_sub(1)
            };
        }
    }
}

impl Decider for Queue {
    type Command = TokenCommand;
    type Context<'c> = Context<'c>;

    fn apply(&mut self, event: Event) {
        Queue::apply(self, &event);
    }

    fn fold(events: Vec<Event>) -> Self {
        Queue::from_events(events)
    }

    fn decide(&self, command: &TokenCommand, ctx: &Context<'_>) -> Result<Vec<Change>> {
        let changes = decide(self, command, ctx)?;
        Ok(changes.into_iter().map(Change::Token).collect())
    }
}
