//! From a token queue to wait estimates: what the estimator is shown of the line.

use chrono::{DateTime, Utc};
use rustc_hash::FxHashSet;

use crate::store::{AsyncEventStore, EventStore, now_or_never};
use crate::tokens::AsyncTokens;
use crate::{
    Result, tokens::Queue, tokens::QueueDay, tokens::QueueRules, tokens::Token, tokens::TokenKind,
    tokens::TokenSession, tokens::TokenState, tokens::Tokens, wait::Consultation,
    wait::DoctorHistory, wait::IssuedCounts, wait::QueueSnapshot, wait::SkippedToken,
    wait::WaitEstimate, wait::WaitEstimator, wait::WaitingToken,
};

impl Queue {
    /// What a wait estimator sees of one session's line at `now`: its waiting tokens in
    /// call order (present once checked in, put back, or issued at the desk), its late
    /// patients where they will be put back (after `late_reinsert_after` present patients,
    /// behind emergencies at the head), its skipped tokens that may come back, the
    /// consultation in progress (if it is this session's or the session has begun), every
    /// consultation finished today (the day's pace), and the session's tokens by kind
    /// (cancelled ones left out).
    ///
    /// `None` for a session the rules do not have.
    pub fn wait_snapshot(
        &self,
        rules: &QueueRules,
        session_id: &str,
        now: DateTime<Utc>,
    ) -> Option<QueueSnapshot> {
        let (_, session) = rules.session(session_id)?;
        let waiting = self
            .waiting()
            .filter(|t| t.session_id == session_id)
            .map(waiting_token)
            .collect();
        Some(self.snapshot_of(rules, session, now, waiting, true))
    }

    /// The snapshot of `session` showing `waiting` as its line, with its late patients
    /// spliced in when `with_late`.
    fn snapshot_of(
        &self,
        rules: &QueueRules,
        session: &TokenSession,
        now: DateTime<Utc>,
        waiting: Vec<WaitingToken>,
        with_late: bool,
    ) -> QueueSnapshot {
        let mut snapshot = QueueSnapshot::new(now, session.start, session.end);
        snapshot.reinsert_after = rules.late_reinsert_after;
        snapshot.walk_ins = rules.walk_ins;
        snapshot.emergency_order = rules.emergency_order;
        let serving = self
            .now_serving()
            .filter(|t| t.session_id == session.id || session.start <= now);
        snapshot.consulting_since = serving.and_then(|t| t.started_at);
        snapshot.consulting_kind = serving.filter(|t| t.started_at.is_some()).map(|t| t.kind);
        snapshot.waiting = waiting;
        let mut completed: Vec<Consultation> = Vec::new();
        let mut late = Vec::new();
        let mut issued = IssuedCounts::default();
        for token in self.tokens() {
            if let (TokenState::Completed, Some(started_at), Some(ended_at)) =
                (token.state, token.started_at, token.ended_at)
            {
                completed.push(Consultation {
                    started_at,
                    ended_at,
                    waiting_at_start: token.waiting_at_start,
                    kind: Some(token.kind),
                    visit: None,
                });
            }
            if token.session_id != session.id || !token.counts() {
                continue;
            }
            if is_back(token) {
                late.push(WaitingToken {
                    present: true,
                    ..waiting_token(token)
                });
            } else if token.state == TokenState::Skipped {
                snapshot.skipped.push(SkippedToken {
                    number: token.number,
                    expected_at: token.expected_at,
                });
            }
            let count = match token.kind {
                TokenKind::Booked => &mut issued.booked,
                TokenKind::WalkIn => &mut issued.walk_in,
                TokenKind::Phone => &mut issued.phone,
                TokenKind::Emergency => &mut issued.emergency,
            };
            *count = count.saturating_add(1);
        }
        if with_late {
            let line = &snapshot.waiting;
            let leading = line
                .iter()
                .take_while(|t| t.kind == TokenKind::Emergency)
                .count();
            // Behind the `late_reinsert_after`-th present patient, as the queue reinserts.
            let after = match rules.late_reinsert_after as usize {
                0 => 0,
                k => line
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.present)
                    .take(k)
                    .last()
                    .map_or(0, |(i, _)| i + 1),
            };
            let at = if rules.emergencies_first {
                after.max(leading)
            } else {
                after
            };
            snapshot.waiting.splice(at..at, late);
        }
        completed.sort_by_key(|c| c.started_at);
        snapshot.completed = completed;
        snapshot.issued = IssuedCounts {
            reinserted: self.reinsertions(),
            ..issued
        };
        snapshot
    }
}

/// A waiting token as the estimator sees it.
fn waiting_token(token: &Token) -> WaitingToken {
    WaitingToken {
        number: token.number,
        kind: token.kind,
        expected_at: token.expected_at,
        present: token.arrived_at.is_some(),
        visit: None,
    }
}

/// Whether a token is out of the line but its patient is here, to be put back: late, or
/// skipped and checked in since.
fn is_back(token: &Token) -> bool {
    match token.state {
        TokenState::Late => true,
        TokenState::Skipped => matches!(
            (token.arrived_at, token.ended_at),
            (Some(arrived), Some(skipped)) if arrived > skipped
        ),
        _ => false,
    }
}

/// The line cut into runs of consecutive tokens of one session, in call order, with the
/// sessions whose only patients are late or back after a skip at the end.
fn runs<'q>(queue: &'q Queue, rules: &QueueRules) -> Vec<(&'q str, Vec<WaitingToken>)> {
    let mut runs: Vec<(&str, Vec<WaitingToken>)> = Vec::new();
    for token in queue.waiting() {
        match runs.last_mut() {
            Some((session, line)) if *session == token.session_id.as_str() => {
                line.push(waiting_token(token));
            }
            _ => runs.push((token.session_id.as_str(), vec![waiting_token(token)])),
        }
    }
    for token in queue.tokens().iter().filter(|t| is_back(t)) {
        let session = token.session_id.as_str();
        if rules.session(session).is_some() && runs.iter().all(|(s, _)| *s != session) {
            runs.push((session, Vec::new()));
        }
    }
    runs
}

impl<S: AsyncEventStore> AsyncTokens<S> {
    /// Wait estimates for every waiting token of the queue in call order, and for late
    /// patients where they will be put back. The line is shown to `estimator` in runs of
    /// consecutive tokens of one session, each as a [`QueueSnapshot`] of that session (see [`Queue::wait_estimates`]) with the doctor's `history`. A run starts when the run
    /// before it is expected to be done, or when its session opens if that is later
    /// (unless staff moved it ahead of an earlier session's patients); its P90 carries the
    /// earlier runs' spread. Tokens of a session the rules no longer have get no estimate.
    ///
    /// # Errors
    ///
    /// The store's errors; [`Error::InvalidInput`](crate::Error::InvalidInput) for bad rules.
    pub async fn wait_estimates(
        &self,
        day: &QueueDay,
        rules: &QueueRules,
        now: DateTime<Utc>,
        history: &DoctorHistory,
        estimator: &dyn WaitEstimator,
    ) -> Result<Vec<WaitEstimate>> {
        rules.check().map_err(|e| e.within("rules"))?;
        let queue = self.queue(day).await?;
        queue.wait_estimates(rules, now, history, estimator)
    }
}

impl<S: EventStore> Tokens<S> {
    /// As [`AsyncTokens::wait_estimates`].
    ///
    /// # Errors
    ///
    /// As [`AsyncTokens::wait_estimates`].
    pub fn wait_estimates(
        &self,
        day: &QueueDay,
        rules: &QueueRules,
        now: DateTime<Utc>,
        history: &DoctorHistory,
        estimator: &dyn WaitEstimator,
    ) -> Result<Vec<WaitEstimate>> {
        now_or_never(
            self.inner()
                .wait_estimates(day, rules, now, history, estimator),
        )
    }
}

impl Queue {
    /// Wait estimates for every waiting token of this queue in call order, and for late
    /// patients where they will be put back: what
    /// [`AsyncTokens::wait_estimates`] gives for a stored queue. The line is shown to
    /// `estimator` in runs of consecutive tokens of one session, each as a
    /// [`QueueSnapshot`] of that session (see [`Queue::wait_snapshot`]) with the doctor's
    /// `history`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for bad rules.
    pub fn wait_estimates(
        &self,
        rules: &QueueRules,
        now: DateTime<Utc>,
        history: &DoctorHistory,
        estimator: &dyn WaitEstimator,
    ) -> Result<Vec<WaitEstimate>> {
        rules.check().map_err(|e| e.within("rules"))?;
        let queue = self;
        let consult = history.durations.mean_minutes();
        let consult = if consult.is_finite() && consult > 0.0 {
            consult.min(24.0 * 60.0)
        } else {
            DEFAULT_CONSULT_MINUTES
        };
        let runs = runs(queue, rules);
        let order = |session: &str| rules.session(session).map(|(i, _)| i);
        let mut seen = FxHashSet::default();
        let mut estimates = Vec::new();
        let mut done: Option<(f64, f64)> = None;
        for (k, (session_id, waiting)) in runs.iter().enumerate() {
            let Some((ix, session)) = rules.session(session_id) else {
                continue;
            };
            let first_of_session = seen.insert(*session_id);
            let mut snapshot =
                queue.snapshot_of(rules, session, now, waiting.clone(), first_of_session);
            if snapshot.waiting.is_empty() {
                continue;
            }
            let moved_ahead = runs[k + 1..]
                .iter()
                .any(|(later, _)| order(later).is_some_and(|i| i < ix));
            if moved_ahead {
                snapshot.session_start = snapshot.session_start.min(now);
            }
            if let Some((minutes, _)) = done {
                snapshot.consulting_since = None;
                snapshot.consulting_kind = None;
                if let Some(ready) = crate::wait::after(now, minutes) {
                    snapshot.session_start = snapshot.session_start.max(ready);
                }
            }
            let carry = done.map_or(0.0, |(_, spread)| spread);
            let mut line = estimator.estimate(&snapshot, history);
            for estimate in &mut line {
                estimate.p90_minutes += carry;
            }
            if let Some(last) = line.iter().max_by(|a, b| a.minutes.total_cmp(&b.minutes)) {
                let spread = last.p90_minutes - last.minutes;
                let spread = if spread.is_finite() {
                    spread.max(0.0)
                } else {
                    carry
                };
                done = Some((last.minutes + consult, spread));
            }
            estimates.extend(line);
        }
        Ok(estimates)
    }
}

/// The consultation length assumed when the history gives none, minutes.
const DEFAULT_CONSULT_MINUTES: f64 = 7.0;
