//! From a token queue to wait estimates: what the estimator is shown of each session's line.

use chrono::{DateTime, TimeDelta, Utc};

use crate::{
    Consultation, DoctorHistory, EventStore, IssuedCounts, PastDay, Queue, QueueDay, QueueRules,
    QueueSnapshot, Result, SkippedToken, Token, TokenKind, TokenState, Tokens, WaitEstimate,
    WaitEstimator, WaitingToken,
};

impl Queue {
    /// What a wait estimator sees of one session's line at `now`: its waiting tokens in
    /// call order (present once checked in, put back, or issued at the desk), its late
    /// patients where they will be put back (after `late_reinsert_after` waiting tokens),
    /// its skipped tokens that may come back, the consultation in progress, every
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
        let mut snapshot = QueueSnapshot::new(now, session.start, session.end);
        snapshot.reinsert_after = rules.late_reinsert_after;
        snapshot.consulting_since = self.now_serving().and_then(|t| t.started_at);
        snapshot.waiting = self
            .waiting()
            .filter(|t| t.session_id == session_id)
            .map(|t| WaitingToken {
                number: t.number,
                kind: t.kind,
                expected_at: t.expected_at,
                present: t.arrived_at.is_some(),
            })
            .collect();
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
                });
            }
            if token.session_id != session_id || token.state == TokenState::Cancelled {
                continue;
            }
            match token.state {
                TokenState::Skipped => snapshot.skipped.push(SkippedToken {
                    number: token.number,
                    expected_at: token.expected_at,
                }),
                TokenState::Late => late.push(WaitingToken {
                    number: token.number,
                    kind: token.kind,
                    expected_at: token.expected_at,
                    present: true,
                }),
                _ => {}
            }
            let count = match token.kind {
                TokenKind::Booked => &mut issued.booked,
                TokenKind::WalkIn => &mut issued.walk_in,
                TokenKind::Phone => &mut issued.phone,
                TokenKind::Emergency => &mut issued.emergency,
            };
            *count = count.saturating_add(1);
        }
        let back_at = (rules.late_reinsert_after as usize).min(snapshot.waiting.len());
        snapshot.waiting.splice(back_at..back_at, late);
        completed.sort_by_key(|c| c.started_at);
        snapshot.completed = completed;
        snapshot.issued = IssuedCounts {
            reinserted: self.reinsertions(),
            ..issued
        };
        Some(snapshot)
    }
}

impl Queue {
    /// The day's record of each session as a [`PastDay`], for the doctor's
    /// [`DoctorHistory`]: consultation durations in the order they started with the line's
    /// length at each start, booked and phone tokens not cancelled and how many of them
    /// never came (never checked in, never seen), emergencies, the session's length,
    /// arrival offsets of booked patients who checked in, and how long each late patient put
    /// back waited for the call.
    ///
    /// Read a past day's queue, then `DoctorHistory::from_days` over the days.
    pub fn past_days(&self, rules: &QueueRules) -> Vec<PastDay> {
        rules
            .sessions
            .iter()
            .map(|session| {
                let tokens: Vec<&Token> = self
                    .tokens()
                    .iter()
                    .filter(|t| t.session_id == session.id)
                    .collect();
                let mut seen: Vec<&Token> = tokens
                    .iter()
                    .copied()
                    .filter(|t| t.state == TokenState::Completed)
                    .collect();
                seen.sort_by_key(|t| t.started_at);
                let minutes = |from: DateTime<Utc>, to: DateTime<Utc>| {
                    (to - from).num_milliseconds() as f64 / 60_000.0
                };
                let consulted: Vec<(f64, Option<u32>)> = seen
                    .iter()
                    .filter_map(|t| {
                        let length = minutes(t.started_at?, t.ended_at?);
                        (length > 0.0).then_some((length, t.waiting_at_start))
                    })
                    .collect();
                let ahead: Vec<&Token> = tokens
                    .iter()
                    .copied()
                    .filter(|t| {
                        matches!(t.kind, TokenKind::Booked | TokenKind::Phone)
                            && t.state != TokenState::Cancelled
                    })
                    .collect();
                let waits: Option<Vec<u32>> = consulted.iter().map(|c| c.1).collect();
                PastDay {
                    durations: consulted.iter().map(|c| c.0).collect(),
                    waiting_at_start: waits.unwrap_or_default(),
                    booked: count(ahead.len()),
                    no_shows: count(ahead.iter().filter(|t| t.arrived_at.is_none()).count()),
                    emergencies: count(
                        tokens
                            .iter()
                            .filter(|t| t.kind == TokenKind::Emergency)
                            .count(),
                    ),
                    session_minutes: minutes(session.start, session.end),
                    arrival_offsets: ahead
                        .iter()
                        .filter_map(|t| Some(minutes(t.expected_at?, t.arrived_at?)))
                        .collect(),
                    return_waits: tokens
                        .iter()
                        .filter_map(|t| Some(minutes(t.returned_at?, t.called_at?)))
                        .filter(|wait| *wait >= 0.0)
                        .collect(),
                }
            })
            .collect()
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl<S: EventStore> Tokens<S> {
    /// Wait estimates for every waiting (and late) token of the queue, session by session
    /// in the order of the line: each session's line is shown to `estimator` as
    /// [`Queue::wait_snapshot`] with the doctor's `history`. A later session's line starts
    /// when its session opens or when the earlier line is expected to be done, whichever is
    /// later, and its P90 carries the earlier line's uncertainty.
    ///
    /// # Errors
    ///
    /// The store's errors; [`Error::InvalidInput`](crate::Error::InvalidInput) for bad rules.
    pub fn wait_estimates(
        &self,
        day: &QueueDay,
        rules: &QueueRules,
        now: DateTime<Utc>,
        history: &DoctorHistory,
        estimator: &dyn WaitEstimator,
    ) -> Result<Vec<WaitEstimate>> {
        rules.check().map_err(|e| e.within("rules"))?;
        let queue = self.queue(day)?;
        let consult = history.durations.mean_minutes();
        let consult = if consult.is_finite() && consult > 0.0 {
            consult.min(24.0 * 60.0)
        } else {
            DEFAULT_CONSULT_MINUTES
        };
        let mut estimates = Vec::new();
        let mut done: Option<(f64, f64)> = None;
        for session in &rules.sessions {
            let Some(mut snapshot) = queue.wait_snapshot(rules, &session.id, now) else {
                continue;
            };
            if snapshot.waiting.is_empty() {
                continue;
            }
            if let Some((minutes, _)) = done {
                snapshot.consulting_since = None;
                let ms = (minutes.clamp(0.0, MAX_WAIT_MINUTES) * 60_000.0) as i64;
                if let Some(ready) =
                    TimeDelta::try_milliseconds(ms).and_then(|wait| now.checked_add_signed(wait))
                {
                    snapshot.session_start = snapshot.session_start.max(ready);
                }
            }
            let carry = done.map_or(0.0, |(_, spread)| spread);
            let mut line = estimator.estimate(&snapshot, history);
            for estimate in &mut line {
                estimate.p90_minutes += carry;
            }
            if let Some(last) = line.iter().max_by(|a, b| a.minutes.total_cmp(&b.minutes)) {
                done = Some((last.minutes + consult, last.p90_minutes - last.minutes));
            }
            estimates.extend(line);
        }
        Ok(estimates)
    }
}

/// The longest wait carried from one session's line to the next, minutes (a year).
const MAX_WAIT_MINUTES: f64 = 366.0 * 24.0 * 60.0;

/// The consultation length assumed when the history gives none, minutes.
const DEFAULT_CONSULT_MINUTES: f64 = 7.0;
