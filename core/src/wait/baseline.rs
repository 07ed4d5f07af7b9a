//! The moving-average baseline: what a token display typically shows.

use crate::wait::history::DoctorHistory;
use crate::wait::snapshot::{QueueSnapshot, WaitEstimate, WaitEstimator, minutes_between};

/// The baseline: average consultation length × patients ahead.
///
/// Exactly:
///
/// 1. `avg` is the mean of the last `window` (30) consultation durations: today's
///    completed consultations, latest first, topped up with the history's most recent
///    ([`DoctorHistory::recent_minutes`], latest first). Durations that are not finite
///    and above 0 are ignored. With no duration at all, `avg` is the history's prior mean
///    ([`DurationPrior::mean_minutes`](crate::wait::DurationPrior::mean_minutes), the default
///    7-minute median without history).
/// 2. If a consult is in progress, the token at position `k` (1-based) waits
///    `avg × (k − 1) + max(0, avg − elapsed)`: the `k − 1` waiting tokens ahead, and the
///    current consult's average length less its elapsed time, not below 0.
/// 3. If the doctor is free, it waits `avg × (k − 1)`, counted from the session start
///    before it: `max(0, session_start − now) + avg × (k − 1)`.
///
/// Every waiting token counts as one patient, present or not; emergencies, late arrivals
/// and no-shows are not anticipated.
///
/// Its P90 is the point estimate times a fixed `p90_factor` (1.5): a rule of thumb, not a
/// measured spread.
///
/// # Example
///
/// ```
/// use chrono::{DateTime, Utc};
/// use medsched::{booking::*, store::*, tokens::*, wait::*, *};
///
/// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
/// let (start, end) = (t("2026-03-02T03:30:00Z"), t("2026-03-02T07:30:00Z"));
/// let mut queue = QueueSnapshot::new(t("2026-03-02T04:00:00Z"), start, end);
/// queue.consulting_since = Some(t("2026-03-02T03:57:00Z"));
/// queue.waiting = vec![WaitingToken::present(5, TokenKind::WalkIn); 3];
/// let history = DoctorHistory::from_durations(&[8.0, 8.0])?;
/// let waits = MovingAverageEstimator::default().estimate(&queue, &history);
/// // 8 − 3 minutes for the current consult, then 8 per patient ahead.
/// assert_eq!(waits.iter().map(|w| w.minutes).collect::<Vec<_>>(), [5.0, 13.0, 21.0]);
/// assert_eq!(waits[2].p90_minutes, 31.5);
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MovingAverageEstimator {
    /// How many of the latest durations are averaged (30).
    pub window: usize,
    /// P90 = point × this (1.5; taken between 1 and 10).
    pub p90_factor: f64,
}

impl Default for MovingAverageEstimator {
    fn default() -> Self {
        MovingAverageEstimator {
            window: 30,
            p90_factor: 1.5,
        }
    }
}

/// The longest consultation the average takes in, minutes (a day): longer values are data
/// errors, and keep every estimate finite.
const LONGEST_MINUTES: f64 = 24.0 * 60.0;

/// The largest P90 factor used.
const MAX_P90_FACTOR: f64 = 10.0;

impl MovingAverageEstimator {
    /// The average consultation length it uses, minutes.
    pub fn average_minutes(&self, queue: &QueueSnapshot, history: &DoctorHistory) -> f64 {
        let today = queue.completed.iter().rev().filter_map(|c| c.minutes());
        let past = history.recent_minutes.iter().rev().copied();
        let usable = |m: &f64| m.is_finite() && *m > 0.0 && *m <= LONGEST_MINUTES;
        let (mut sum, mut n) = (0.0, 0usize);
        for minutes in today.chain(past).filter(usable).take(self.window) {
            sum += minutes;
            n += 1;
        }
        if n > 0 {
            sum / n as f64
        } else {
            let fallback = history.durations.mean_minutes();
            if usable(&fallback) { fallback } else { 7.0 }
        }
    }
}

impl WaitEstimator for MovingAverageEstimator {
    fn name(&self) -> &'static str {
        "moving_average"
    }

    fn estimate(&self, queue: &QueueSnapshot, history: &DoctorHistory) -> Vec<WaitEstimate> {
        let average = self.average_minutes(queue, history);
        let first = match queue.consulting_since {
            Some(since) => (average - minutes_between(since, queue.now).max(0.0)).max(0.0),
            None => minutes_between(queue.now, queue.session_start).max(0.0),
        };
        let factor = if self.p90_factor.is_finite() {
            self.p90_factor.clamp(1.0, MAX_P90_FACTOR)
        } else {
            1.0
        };
        queue
            .waiting
            .iter()
            .enumerate()
            .map(|(ahead, token)| {
                let minutes = first + average * ahead as f64;
                WaitEstimate {
                    number: token.number,
                    minutes,
                    p50_minutes: minutes,
                    p90_minutes: minutes * factor,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeDelta, Utc};

    use super::*;
    use crate::{tokens::TokenKind, wait::Consultation, wait::WaitingToken};

    fn at(minute: i64) -> DateTime<Utc> {
        "2026-03-02T03:30:00Z".parse::<DateTime<Utc>>().unwrap() + TimeDelta::minutes(minute)
    }

    #[test]
    fn hand_example_mixes_today_with_history() {
        // Today: two consults of 4 and 6 minutes; history tops up with its latest 10 and 12;
        // a window of 4 takes 6, 4, 12, 10: avg 8.
        let mut queue = QueueSnapshot::new(at(20), at(0), at(240));
        queue.completed = vec![
            Consultation::new(at(0), at(4)),
            Consultation::new(at(4), at(10)),
        ];
        queue.consulting_since = Some(at(10));
        queue.waiting = (1..=3)
            .map(|n| WaitingToken::present(n, TokenKind::WalkIn))
            .collect();
        let history = DoctorHistory::from_durations(&[99.0, 10.0, 12.0]).unwrap();
        let baseline = MovingAverageEstimator {
            window: 4,
            p90_factor: 2.0,
        };
        assert_eq!(baseline.average_minutes(&queue, &history), 8.0);
        let waits = baseline.estimate(&queue, &history);
        // The consult has run 10 of its average 8 minutes: that part is 0, not negative.
        let minutes: Vec<f64> = waits.iter().map(|w| w.minutes).collect();
        assert_eq!(minutes, [0.0, 8.0, 16.0]);
        assert_eq!(waits[2].p90_minutes, 32.0);
    }

    #[test]
    fn before_the_session_it_counts_from_the_start() {
        let mut queue = QueueSnapshot::new(at(-45), at(0), at(240));
        queue.waiting = vec![
            WaitingToken::booked(1, at(0)),
            WaitingToken::booked(2, at(10)),
        ];
        let waits = MovingAverageEstimator::default().estimate(&queue, &DoctorHistory::default());
        let average = DoctorHistory::default().durations.mean_minutes();
        assert_eq!(waits[0].minutes, 45.0);
        assert!((waits[1].minutes - 45.0 - average).abs() < 1e-12);
    }
}
