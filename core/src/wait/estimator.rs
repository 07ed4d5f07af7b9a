//! The queue estimator: who will really be seen before each token, and how long they take.

use crate::wait::history::DoctorHistory;
use crate::wait::line::{Entry, Line};
use crate::wait::snapshot::{QueueSnapshot, WaitEstimate, WaitEstimator};
use crate::wait::speed::Speed;
use crate::wait::stats::{norm_cdf, norm_pdf, p50_from_moments, p90_from_moments};

/// The line's own reckoning of a late patient's return wait counts as this many measured
/// returns.
const RETURN_PRIOR: f64 = 5.0;

/// A wait estimator built on the structure of a token line.
///
/// In one pass down the line, the instant `W` (minutes from now) at which the doctor
/// reaches each token, if its patient is there, solves
///
/// ```text
/// W = R + Σ m_j over patients seen before it
///   = R + Σ m_j (present ahead) + m · (absent ahead who arrive in time
///                                      + late returns + emergencies before W)
/// ```
///
/// - **Speed.** `m_j` is today's expected consultation length: the doctor's history (a
///   lognormal with day-to-day spread) shrunk toward today's completed consultations by
///   the conjugate normal rule on log durations, the history counting as `σ²/τ²`
///   consultations. When the history measured how the line's length changes the pace
///   ([`DurationPrior::load_slope`](crate::wait::DurationPrior::load_slope)), each consultation
///   is read at the line it should find: the present patients behind it, and at least the
///   history's usual line (patients keep coming).
///   The mean and variance of a consultation around the day's geometric mean are measured
///   from the history, not taken from a lognormal, and each consultation is read at the
///   doctor's pace for when it should begin
///   ([`DurationPrior::pace`](crate::wait::DurationPrior::pace)).
/// - **The consult in progress.** `R` is its expected rest, `E[D − e | D > e]` under that
///   lognormal (a consult far past its median still has a while to go), not a clamped
///   average. Before the doctor is in, it is the wait for the doctor: staff's "delayed
///   until", else the doctor's past starts given the doctor has not started by now, never
///   before the session start.
/// - **Absent patients.** A booked patient not here yet comes with the no-show share
///   updated by not being here yet (Bayes), at their appointment plus a normal offset
///   (history), truncated to after now. The doctor skips absent tokens only when calling a
///   present patient behind them, at the first moment none of them is waiting: so of the
///   absent tokens since the last present token ahead, the `n`-th (in line order) is seen
///   first if each of the first `n` has arrived by the time the doctor is done with the
///   one before (a product of arrival chances). Once passed over — and every token already
///   skipped — they come back behind `reinsert_after` waiting tokens, landing ahead while
///   the token has that many waiting ahead: if they arrive before
///   `W − reinsert_after·m − r`, where the token that far ahead is called about
///   `reinsert_after·m` before `W` and `r` (the mean rest of a consult caught at a random
///   moment) is an allowance, measured on the simulator, for counting arrivals by an
///   uncertain instant. Arrival counts by an instant are taken over that instant's
///   uncertainty (the arrival's and the instant's spreads add). An absent token without an
///   appointment time counts by its chance of coming.
/// - **Emergencies** arrive at the history's rate per hour, updated by today's count
///   (gamma–Poisson), until the session's scheduled end, each to the head of the line (not
///   ahead of an emergency already waiting there when they are first in, first out). Those
///   (and walk-ins still to come, below) that arrive before the token is reached are
///   counted over the uncertainty of that instant: near the end of their window the count
///   at the expected instant would overstate them.
/// - **Walk-ins placed between slots** (the queue's rule) still to come go ahead of a token
///   if they arrive, at the history's walk-in rate, before the doctor reaches it and before
///   the latest appointment at or before it in the line. They fill the gaps between absent
///   booked tokens, so the doctor reaches those one by one: each is seen ahead of a token
///   behind it if its patient comes by the time the doctor reaches it, or, passed over,
///   comes back before `W − reinsert_after·m − r` (not the first-gap rule above, under
///   which one patient not there passes the rest of the run over).
///
/// `W` appears on both sides: each token's equation is solved by safeguarded Newton steps
/// from the previous token's solution. Returning patients are grouped by expected arrival
/// (a grid of a quarter of the offset's standard deviation), with a Fenwick tree for the
/// groups sure to have arrived, and at most 64 absent tokens of a run are followed, so a
/// token costs a few dozen tabulated normal CDFs at most: 200 tokens take about 75 µs.
///
/// An absent booked token's own estimate is `W` if its patient arrives before the doctor
/// reaches it, else their arrival plus the wait of a returning late patient (the rest of
/// the consult in progress and the patients ahead of their reinsertion, blended with the
/// history's measured return waits); the expectation is taken over the arrival, given
/// that they come. So estimates never decrease along the line among present patients, and
/// an absent patient's estimate is never below that of the present patient before them;
/// it can exceed the estimates of present patients behind, who will not wait for them.
///
/// The P90 comes from the variance of the sum — each consultation's own spread, the shared
/// uncertainty of today's speed, the Bernoulli chance of each absent patient, the Poisson
/// count of emergencies, the rest of the current consult, the arrival of the patient
/// themselves — read through a lognormal with the same mean and variance.
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
/// queue.consulting_since = Some(t("2026-03-02T03:55:00Z"));
/// queue.waiting = vec![
///     WaitingToken::present(4, TokenKind::Booked),
///     WaitingToken::booked(5, t("2026-03-02T06:00:00Z")), // due in two hours, not here
///     WaitingToken::present(31, TokenKind::WalkIn),
/// ];
/// let history = DoctorHistory::from_durations(&[6.0, 8.0, 7.0, 9.0, 5.5, 7.5])?;
/// let waits = QueueEstimator.estimate(&queue, &history);
/// // The walk-in will not wait for patient 5, who is expected much later.
/// assert!(waits[2].minutes < waits[0].minutes + 10.0);
/// assert!(waits[1].minutes > 100.0);
/// assert!(waits.iter().all(|w| w.p90_minutes >= w.minutes));
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueEstimator;

impl WaitEstimator for QueueEstimator {
    fn name(&self) -> &'static str {
        "queue"
    }

    fn estimate(&self, queue: &QueueSnapshot, history: &DoctorHistory) -> Vec<WaitEstimate> {
        let mut line = Line::new(queue, history);
        let reaches = line.reach_times();
        let delay = return_wait(&line.speed, history, line.reinsert_after.min(line.present));
        queue
            .waiting
            .iter()
            .zip(reaches.iter().zip(&line.entries))
            .map(|(token, (reach, (entry, _)))| {
                let reach = (reach.mean, reach.variance);
                let (mean, variance) = match entry {
                    Entry::Timed(absent, _) => late_start(reach, absent.arrival(), delay),
                    _ => reach,
                };
                // Never before the doctor reaches the token (also when sums overflow).
                let minutes = if mean.is_finite() {
                    mean.max(reach.0)
                } else {
                    reach.0
                };
                let minutes = if minutes.is_finite() {
                    minutes.max(0.0)
                } else {
                    0.0
                };
                let p90_minutes = p90_from_moments(minutes, variance).max(minutes);
                WaitEstimate {
                    number: token.number,
                    minutes,
                    p50_minutes: p50_from_moments(minutes, variance).clamp(0.0, p90_minutes),
                    p90_minutes,
                }
            })
            .collect()
    }
}

/// How long a late patient waits from their return, mean and variance: the rest of the
/// consult in progress and the `ahead` patients they go behind, blended with the history's
/// measured return waits (which count as that many observations against 5 for the line).
fn return_wait(speed: &Speed, history: &DoctorHistory, ahead: usize) -> (f64, f64) {
    let m = speed.mean();
    let line = speed.residual() + ahead as f64 * m;
    let rates = &history.rates;
    let measured = rates.return_wait_consults * m;
    let n = f64::from(rates.returns_observed);
    let mean = if measured.is_finite() && measured >= 0.0 && n > 0.0 {
        (n * measured + RETURN_PRIOR * line) / (n + RETURN_PRIOR)
    } else {
        line
    };
    (mean, (ahead as f64 + 1.0) * speed.own_variance())
}

/// The start of an absent booked patient, mean and variance: when the doctor reaches
/// their token (`reach`) if they arrive before it, else `delay` after they arrive.
fn late_start(reach: (f64, f64), arrival: (f64, f64), delay: (f64, f64)) -> (f64, f64) {
    let spread = (arrival.1 + reach.1).sqrt();
    let mu = arrival.0 - reach.0;
    if spread < 1e-9 {
        return if mu > 0.0 {
            (arrival.0 + delay.0, delay.1)
        } else {
            reach
        };
    }
    let z = mu / spread;
    let (p, d) = (norm_cdf(z), norm_pdf(z));
    let positive = mu * p + spread * d;
    let positive_sq = (mu * mu + spread * spread) * p + mu * spread * d;
    let extra = positive + delay.0 * p;
    let extra_sq = positive_sq + 2.0 * delay.0 * positive + (delay.0 * delay.0 + delay.1) * p;
    let variance = (extra_sq - extra * extra).max(0.0) + reach.1 * (1.0 - p);
    (reach.0 + extra.max(0.0), variance)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeDelta, Utc};

    use super::*;
    use crate::{
        tokens::EmergencyOrder, tokens::TokenKind, tokens::WalkInPlacement, wait::PastDay,
        wait::QueueRates, wait::SkippedToken, wait::VisitType, wait::WaitingToken,
    };

    fn at(minute: i64) -> DateTime<Utc> {
        "2026-03-02T03:30:00Z".parse::<DateTime<Utc>>().unwrap() + TimeDelta::minutes(minute)
    }

    /// A doctor whose consultations, over many days, are lognormal around a 10-minute median
    /// (log-sd 0.3), with no emergencies.
    fn steady_doctor() -> DoctorHistory {
        let spread = [-0.3, 0.0, 0.3];
        let day = PastDay {
            durations: spread.iter().map(|z: &f64| 10.0 * z.exp()).collect(),
            ..PastDay::default()
        };
        let mut history = DoctorHistory::from_days(&vec![day; 200]).unwrap();
        history.rates = QueueRates {
            emergencies_per_hour: 0.0,
            session_hours: 1e6,
            ..QueueRates::default()
        };
        history
    }

    fn walk_ins(numbers: std::ops::Range<u32>) -> Vec<WaitingToken> {
        numbers
            .map(|n| WaitingToken::present(n, TokenKind::WalkIn))
            .collect()
    }

    #[test]
    fn a_line_of_present_patients_waits_a_consult_each() {
        let history = steady_doctor();
        let mut queue = QueueSnapshot::new(at(30), at(0), at(240));
        queue.waiting = walk_ins(1..6);
        let waits = QueueEstimator.estimate(&queue, &history);
        let m = history.durations.mean_minutes();
        for (k, wait) in waits.iter().enumerate() {
            assert!(
                (wait.minutes - k as f64 * m).abs() < 0.02 * m,
                "{k}: {}",
                wait.minutes
            );
            assert!(wait.p90_minutes >= wait.minutes);
        }
        assert_eq!(waits[0].p90_minutes, 0.0);
        assert!(waits[4].p90_minutes > waits[4].minutes + 5.0);
    }

    #[test]
    fn the_rest_of_a_consult_follows_the_doctors_own_durations() {
        // 70% of consults near 4 minutes, 30% near 16.
        let mut day = PastDay {
            durations: vec![3.8, 4.0, 4.2, 3.9, 4.1, 4.0, 4.0, 15.5, 16.0, 16.5],
            ..PastDay::default()
        };
        let history = |day: &PastDay| {
            let mut history = DoctorHistory::from_days(&vec![day.clone(); 30]).unwrap();
            history.rates.emergencies_per_hour = 0.0;
            history.rates.session_hours = 1e6;
            history
        };
        let bimodal = history(&day);
        assert_eq!(bimodal.durations.ratio_quantiles.len(), 32);
        let mut queue = QueueSnapshot::new(at(60), at(0), at(240));
        queue.waiting = walk_ins(1..3);
        queue.consulting_since = Some(at(54));
        // Six minutes in, a consult has outlived the short mode: about ten more minutes
        // (the long mode's rest), not the few a log-normal tail would give.
        let unknown = QueueEstimator.estimate(&queue, &bimodal)[0];
        assert!((8.0..12.0).contains(&unknown.minutes), "{unknown:?}");
        assert!(unknown.p50_minutes <= unknown.p90_minutes);
        // When the history says the long ones were emergencies: two minutes in, a walk-in's
        // consult is nearly done, an emergency's has far to go.
        day.kinds = [[TokenKind::WalkIn; 7], [TokenKind::Emergency; 7]].concat()[..10].to_vec();
        let history = history(&day);
        queue.consulting_since = Some(at(58));
        let rest = |kind| {
            let mut queue = queue.clone();
            queue.consulting_kind = Some(kind);
            QueueEstimator.estimate(&queue, &history)[0].minutes
        };
        assert!(rest(TokenKind::WalkIn) < 4.0, "{}", rest(TokenKind::WalkIn));
        assert!(
            rest(TokenKind::Emergency) > 10.0,
            "{}",
            rest(TokenKind::Emergency)
        );
    }

    #[test]
    fn patients_ahead_count_at_their_visit_types_length() {
        // First visits take 12 minutes, reviews 6.
        let day = PastDay {
            durations: vec![12.0, 6.0, 6.0, 12.0, 6.0, 12.0],
            visits: [1, 0, 0, 1, 0, 1]
                .map(|first| Some([VisitType::Review, VisitType::FirstVisit][first]))
                .to_vec(),
            ..PastDay::default()
        };
        let mut history = DoctorHistory::from_days(&vec![day; 30]).unwrap();
        history.rates.emergencies_per_hour = 0.0;
        history.rates.session_hours = 1e6;
        let mut queue = QueueSnapshot::new(at(60), at(0), at(240));
        queue.consulting_since = Some(at(60));
        let behind = |visit| {
            let mut queue = queue.clone();
            queue.waiting = walk_ins(1..3);
            queue.waiting[0].visit = Some(visit);
            QueueEstimator.estimate(&queue, &history)[1].minutes
        };
        let difference = behind(VisitType::FirstVisit) - behind(VisitType::Review);
        assert!((4.5..7.5).contains(&difference), "{difference}");
        // A token with no visit type counts a typical consult, between the two.
        let mut unknown = queue.clone();
        unknown.waiting = walk_ins(1..3);
        let typical = QueueEstimator.estimate(&unknown, &history)[1].minutes;
        assert!(behind(VisitType::Review) < typical && typical < behind(VisitType::FirstVisit));
    }

    #[test]
    fn a_long_consult_still_has_time_to_run() {
        let history = steady_doctor();
        let mut queue = QueueSnapshot::new(at(60), at(0), at(240));
        queue.waiting = walk_ins(1..3);
        let first = |since: i64| {
            let mut queue = queue.clone();
            queue.consulting_since = Some(at(60 - since));
            QueueEstimator.estimate(&queue, &history)[0].minutes
        };
        // The average is about 10.5 minutes: a clamped average would say 0 after that.
        assert!(first(25) > 2.0, "{}", first(25));
        assert!(first(2) > first(12));
        // The expected end, elapsed + rest, moves later as the consult runs on.
        assert!(25.0 + first(25) > 12.0 + first(12));
    }

    #[test]
    fn before_the_session_the_wait_counts_from_its_start() {
        let mut queue = QueueSnapshot::new(at(-45), at(0), at(240));
        queue.waiting = walk_ins(1..3);
        let waits = QueueEstimator.estimate(&queue, &steady_doctor());
        assert!((waits[0].minutes - 45.0).abs() < 1e-9);
        assert!(waits[1].minutes > 50.0);
    }

    #[test]
    fn estimates_never_decrease_past_present_patients() {
        let history = steady_doctor();
        let mut queue = QueueSnapshot::new(at(20), at(0), at(240));
        queue.consulting_since = Some(at(15));
        queue.waiting = walk_ins(30..33);
        queue.waiting.insert(1, WaitingToken::booked(4, at(25)));
        queue.waiting.insert(2, WaitingToken::booked(9, at(200)));
        queue.waiting.extend(walk_ins(33..40));
        queue.skipped.push(SkippedToken {
            number: 2,
            expected_at: Some(at(10)),
        });
        let waits = QueueEstimator.estimate(&queue, &history);
        let mut before = 0.0;
        for (token, wait) in queue.waiting.iter().zip(&waits) {
            assert!(
                wait.minutes >= before,
                "{} at {}",
                token.number,
                wait.minutes
            );
            if token.present {
                before = wait.minutes;
            }
        }
        // Patient 9 is due in three hours: they start after arriving; nobody waits for them.
        assert!(waits[2].minutes > 150.0, "{}", waits[2].minutes);
        assert!(waits[3].minutes < 40.0, "{}", waits[3].minutes);
    }

    #[test]
    fn patients_who_may_return_or_rush_in_push_the_line_back() {
        let history = steady_doctor();
        let mut queue = QueueSnapshot::new(at(60), at(0), at(240));
        queue.waiting = walk_ins(30..40);
        let calm = QueueEstimator.estimate(&queue, &history);
        queue.skipped = (1..4)
            .map(|n| SkippedToken {
                number: n,
                expected_at: Some(at(60)),
            })
            .collect();
        let returns = QueueEstimator.estimate(&queue, &history);
        // Returns go behind the first 3: those are not delayed, the 10th is.
        assert!((returns[2].minutes - calm[2].minutes).abs() < 1e-9);
        assert!(returns[9].minutes > calm[9].minutes + 10.0);
        let mut busy = history.clone();
        busy.rates.emergencies_per_hour = 2.0;
        let emergencies = QueueEstimator.estimate(&queue, &busy);
        assert!(emergencies[9].minutes > returns[9].minutes + 10.0);
    }

    #[test]
    fn later_emergencies_go_ahead_of_a_waiting_emergency_only_when_latest_first() {
        let mut history = steady_doctor();
        history.rates.emergencies_per_hour = 2.0;
        let mut queue = QueueSnapshot::new(at(30), at(0), at(240));
        queue.consulting_since = Some(at(25));
        queue.waiting = vec![
            WaitingToken::present(9, TokenKind::Emergency),
            WaitingToken::present(1, TokenKind::WalkIn),
        ];
        let fifo = QueueEstimator.estimate(&queue, &history);
        queue.emergency_order = EmergencyOrder::Lifo;
        let lifo = QueueEstimator.estimate(&queue, &history);
        assert!(lifo[0].minutes > fifo[0].minutes + 0.1, "{lifo:?} {fifo:?}");
        // Behind both, the walk-in waits for the same emergencies (to the solver's tolerance).
        assert!(
            (lifo[1].minutes - fifo[1].minutes).abs() < 0.1,
            "{lifo:?} {fifo:?}"
        );
    }

    #[test]
    fn walk_ins_to_come_go_ahead_of_later_slots_when_placed_between_slots() {
        let mut history = steady_doctor();
        history.rates.walk_ins_per_hour = 6.0;
        let mut queue = QueueSnapshot::new(at(0), at(0), at(240));
        queue.waiting = vec![
            WaitingToken::present(1, TokenKind::WalkIn),
            WaitingToken {
                present: true,
                ..WaitingToken::booked(2, at(60))
            },
        ];
        let end = QueueEstimator.estimate(&queue, &history);
        queue.walk_ins = WalkInPlacement::BetweenSlots;
        let between = QueueEstimator.estimate(&queue, &history);
        assert_eq!(end[0].minutes, between[0].minutes);
        // Walk-ins arriving before the 60-minute slot, while the doctor is still busy, go
        // ahead of it: about one every 10 minutes for the ~10 minutes until it is reached.
        assert!(
            between[1].minutes > end[1].minutes + 1.0,
            "{between:?} {end:?}"
        );
    }

    #[test]
    fn patients_booked_ahead_are_reached_in_turn_when_walk_ins_fill_the_gaps() {
        let mut history = steady_doctor();
        history.rates.walk_ins_per_hour = 0.0;
        // Five walk-ins waiting at 09:00, then eight booked patients due every 10 minutes
        // from 09:10, none here yet.
        let mut queue = QueueSnapshot::new(at(0), at(0), at(240));
        queue.doctor_arrived_at = Some(at(0));
        queue.waiting = walk_ins(21..26);
        queue
            .waiting
            .extend((1..=8).map(|n| WaitingToken::booked(n, at(10 * i64::from(n)))));
        let end = QueueEstimator.estimate(&queue, &history);
        queue.walk_ins = WalkInPlacement::BetweenSlots;
        let between = QueueEstimator.estimate(&queue, &history);
        // Walk-ins at the end: a booked patient not here when the doctor is free for them
        // passes the rest of the run over (the first-gap model). Filling the gaps: the
        // doctor reaches each in turn, and those who come by then, or come back before the
        // last one is reached, are seen ahead of it (about 7 × 0.8 consults of 10 minutes
        // after the walk-ins).
        assert!(
            between[12].minutes > end[12].minutes + 5.0,
            "{between:?} {end:?}"
        );
        for k in 0..5 {
            assert_eq!(between[k].minutes, end[k].minutes);
        }
    }

    #[test]
    fn empty_queue_and_empty_history() {
        let queue = QueueSnapshot::new(at(0), at(0), at(240));
        assert!(
            QueueEstimator
                .estimate(&queue, &DoctorHistory::default())
                .is_empty()
        );
        let mut queue = QueueSnapshot::new(at(10), at(0), at(240));
        queue.consulting_since = Some(at(99));
        queue.waiting = walk_ins(1..4);
        queue.waiting.push(WaitingToken::booked(5, at(-300)));
        queue.waiting.push(WaitingToken {
            expected_at: None,
            present: false,
            ..queue.waiting[0]
        });
        for wait in QueueEstimator.estimate(&queue, &DoctorHistory::default()) {
            assert!(wait.minutes.is_finite() && wait.minutes >= 0.0);
            assert!(wait.p90_minutes.is_finite() && wait.p90_minutes >= wait.minutes);
        }
    }
}
