//! A day's token queue as the doctor's history: what the wait estimator learns from.

use crate::wait::minutes_between as minutes;
use crate::{
    tokens::Queue, tokens::QueueRules, tokens::Token, tokens::TokenKind, tokens::TokenState,
    wait::PastDay,
};

impl Queue {
    /// The day's record of each session as a [`PastDay`], for the doctor's
    /// [`DoctorHistory`](crate::wait::DoctorHistory): consultation durations in the order they
    /// started with the load at each start, booked and phone tokens not cancelled and how
    /// many of them never came (never checked in, never seen), emergencies and walk-ins not
    /// cancelled, the session's length, arrival offsets of booked patients who checked in
    /// (also when put back in the line at the same instant; not those known only by their
    /// return to the line or their consultation), how long each late patient put back
    /// waited for the call, and when the doctor began (the first consultation's start).
    /// Past estimates are the host's to add.
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
                // The consultations `consulted` measured, in the same order.
                let measured: Vec<&Token> = seen
                    .iter()
                    .copied()
                    .filter(|t| {
                        t.started_at
                            .zip(t.ended_at)
                            .is_some_and(|(s, e)| minutes(s, e) > 0.0)
                    })
                    .collect();
                PastDay {
                    durations: consulted.iter().map(|c| c.0).collect(),
                    waiting_at_start: waits.unwrap_or_default(),
                    started_minutes: measured
                        .iter()
                        .filter_map(|t| Some(minutes(session.start, t.started_at?)))
                        .collect(),
                    kinds: measured.iter().map(|t| t.kind).collect(),
                    visits: Vec::new(),
                    booked: count(ahead.len()),
                    no_shows: count(ahead.iter().filter(|t| t.arrived_at.is_none()).count()),
                    emergencies: count(
                        tokens
                            .iter()
                            .filter(|t| t.kind == TokenKind::Emergency && t.counts())
                            .count(),
                    ),
                    walk_ins: count(
                        tokens
                            .iter()
                            .filter(|t| t.kind == TokenKind::WalkIn && t.counts())
                            .count(),
                    ),
                    session_minutes: minutes(session.start, session.end),
                    arrival_offsets: ahead
                        .iter()
                        .filter(|t| self.checked_in(t.number) || arrived_apart(t))
                        .filter_map(|t| Some(minutes(t.expected_at?, t.arrived_at?)))
                        .collect(),
                    return_waits: tokens
                        .iter()
                        .filter_map(|t| Some(minutes(t.returned_at?, t.called_at?)))
                        .filter(|wait| *wait >= 0.0)
                        .collect(),
                    doctor_start_minutes: seen
                        .first()
                        .and_then(|t| t.started_at)
                        .map(|at| minutes(session.start, at)),
                    estimates: Vec::new(),
                }
            })
            .collect()
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Whether the patient's arrival stands apart from their return to the line and the start
/// of their consultation (so it was not inferred from them).
fn arrived_apart(token: &Token) -> bool {
    token
        .arrived_at
        .is_some_and(|at| Some(at) != token.started_at && Some(at) != token.returned_at)
}
