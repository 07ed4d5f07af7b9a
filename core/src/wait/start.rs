//! When the doctor starts: the wait for the first call while the doctor is not in yet.

use crate::wait::history::DoctorHistory;
use crate::wait::snapshot::{QueueSnapshot, minutes_between};

/// Spread of a "delayed until" announcement, minutes (sd): staff's word is taken as good to
/// a few minutes either way.
const ANNOUNCED_SD: f64 = 5.0;

/// Minutes from `now` until the doctor starts calling, mean and variance: once the doctor
/// is in, the wait for the session start (if it is still to come).
///
/// Staff's "delayed until" is taken as said (with `ANNOUNCED_SD`). Else the doctor's past
/// starts (minutes after the session start) are an empirical distribution, no shape
/// assumed: given the doctor has not started by now, the wait is the mean and variance of
/// `start − now` over the past starts later than now. Without recorded starts the doctor is
/// taken as on time; later than every recorded start, as starting now.
pub(crate) fn doctor_wait(queue: &QueueSnapshot, history: &DoctorHistory) -> (f64, f64) {
    let to_session = queue.minutes_until(queue.session_start);
    if queue.doctor_in() {
        return (to_session.max(0.0), 0.0);
    }
    if let Some(at) = queue.doctor_expected_at {
        let wait = minutes_between(queue.now, at).max(to_session);
        return if wait.is_finite() && wait > 0.0 {
            (wait, ANNOUNCED_SD * ANNOUNCED_SD)
        } else {
            (0.0, 0.0)
        };
    }
    let elapsed = -to_session;
    let (mut n, mut sum, mut squares) = (0.0, 0.0, 0.0);
    for &start in &history.start_delays {
        if start.is_finite() && start > elapsed {
            let wait = (start - elapsed).min(24.0 * 60.0);
            n += 1.0;
            sum += wait;
            squares += wait * wait;
        }
    }
    if history.start_delays.is_empty() {
        return (to_session.max(0.0), 0.0);
    }
    if n == 0.0 {
        return (0.0, 0.0);
    }
    let mean = sum / n;
    (mean, (squares / n - mean * mean).max(0.0))
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeDelta, Utc};

    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        "2026-03-02T03:30:00Z".parse::<DateTime<Utc>>().unwrap() + TimeDelta::minutes(minute)
    }

    fn queue(now: i64) -> QueueSnapshot {
        QueueSnapshot::new(at(now), at(0), at(240))
    }

    fn late_doctor() -> DoctorHistory {
        DoctorHistory {
            start_delays: vec![0.0, 2.0, 20.0, 30.0],
            ..DoctorHistory::default()
        }
    }

    #[test]
    fn before_the_session_the_expected_delay_is_added() {
        let (mean, variance) = doctor_wait(&queue(-10), &late_doctor());
        assert!((mean - (10.0 + 13.0)).abs() < 1e-9);
        assert!(variance > 100.0);
    }

    #[test]
    fn not_in_yet_narrows_to_the_later_starts() {
        let (mean, _) = doctor_wait(&queue(10), &late_doctor());
        assert!((mean - 15.0).abs() < 1e-9, "{mean}");
        let (mean, _) = doctor_wait(&queue(40), &late_doctor());
        assert_eq!(mean, 0.0);
    }

    #[test]
    fn staff_signals_override_the_history() {
        let mut q = queue(5);
        q.doctor_expected_at = Some(at(45));
        assert_eq!(doctor_wait(&q, &late_doctor()).0, 40.0);
        q.doctor_arrived_at = Some(at(4));
        assert_eq!(doctor_wait(&q, &late_doctor()), (0.0, 0.0));
        // In early, the doctor still starts with the session.
        let mut q = queue(-10);
        q.doctor_arrived_at = Some(at(-15));
        assert_eq!(doctor_wait(&q, &late_doctor()), (10.0, 0.0));
    }

    #[test]
    fn without_recorded_starts_the_doctor_is_on_time() {
        assert_eq!(doctor_wait(&queue(-10), &DoctorHistory::default()).0, 10.0);
        assert_eq!(doctor_wait(&queue(10), &DoctorHistory::default()).0, 0.0);
    }
}
