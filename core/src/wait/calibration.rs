//! Calibration on the doctor's own residuals: how the queue estimator's past estimates for
//! this doctor fared, turned into a correction of its point, its P50 and its P90
//! (split-conformal style, on residuals scaled by each estimate's own spread).

use serde::{Deserialize, Serialize};

use crate::wait::estimator::QueueEstimator;
use crate::wait::history::DoctorHistory;
use crate::wait::snapshot::{QueueSnapshot, WaitEstimate, WaitEstimator};
use crate::{Error, Problem, Result};

/// Fewer past estimates than this leave the estimator uncalibrated.
const MIN_OBSERVED: usize = 50;
/// A spread (P90 − estimate) below this many minutes counts as this many.
const MIN_SPREAD: f64 = 1.0;
/// The coverage the P90 is calibrated to.
const LEVEL: f64 = 0.9;
/// The coverage the P50 is calibrated to.
const MEDIAN_LEVEL: f64 = 0.5;
/// Horizon buckets, by the uncalibrated estimate's minutes: below 10, 10–25, 25–50, 50–90,
/// 90 and more (roughly doubling, so each holds a comparable share of a line's estimates).
///
/// ```
/// use medsched::wait::{HORIZON_EDGES, PastEstimate, WaitCalibration};
///
/// let past = vec![PastEstimate { minutes: 30.0, p90_minutes: 40.0, waited: 33.0 }; 60];
/// let calibration = WaitCalibration::fit(&past);
/// assert_eq!(calibration.horizons.len(), HORIZON_EDGES.len() + 1);
/// assert_eq!(calibration.horizons[2].observed, 60); // 25–50 minutes
/// ```
pub const HORIZON_EDGES: [f64; 4] = [10.0, 25.0, 50.0, 90.0];
/// At most this many horizon corrections are read from a (hand-built) calibration.
const MAX_HORIZONS: usize = 16;

/// The bucket of [`HORIZON_EDGES`] an estimate of `minutes` falls in.
fn horizon_bucket(minutes: f64) -> usize {
    HORIZON_EDGES
        .iter()
        .take_while(|edge| minutes >= **edge)
        .count()
}

/// A shift, a P50 and a P90 spread fitted on some past estimates.
#[derive(Clone, Copy)]
struct Correction {
    shift: f64,
    p50_spread: f64,
    p90_spread: f64,
    observed: u32,
}

impl Correction {
    /// `None` below [`MIN_OBSERVED`] estimates. `past` holds each estimate with the day
    /// it was made on (the group its error shares with the other estimates of that day).
    fn fit<'a>(past: impl Iterator<Item = (usize, &'a PastEstimate)>) -> Option<Correction> {
        let spread = |e: &PastEstimate| (e.p90_minutes - e.minutes).max(MIN_SPREAD);
        let past: Vec<(usize, f64, f64)> = past
            .map(|(day, e)| (day, e.waited - e.minutes, spread(e)))
            .collect();
        if past.len() < MIN_OBSERVED {
            return None;
        }
        let error: f64 = past.iter().map(|(_, r, _)| r).sum();
        let total: f64 = past.iter().map(|(_, _, s)| s).sum();
        let raw = error / total;
        let shift = raw * kept_share(raw, shift_variance(&past, raw, total));
        let mut scores: Vec<f64> = past.iter().map(|(_, r, s)| r / s - shift).collect();
        scores.sort_by(f64::total_cmp);
        let n = scores.len();
        let quantile = |level: f64| {
            let rank = ((level * (n as f64 + 1.0)).ceil() as usize).clamp(1, n);
            scores[rank - 1]
        };
        Some(Correction {
            shift,
            p50_spread: quantile(MEDIAN_LEVEL),
            p90_spread: quantile(LEVEL),
            observed: u32::try_from(n).unwrap_or(u32::MAX),
        })
    }
}

/// The sampling variance of a shift fitted on `past` (day, residual, spread), the days
/// taken as independent and the estimates of one day not (a cluster-robust sandwich:
/// `Σ_days (Σ_day (r − shift · s))² / (Σ s)²`, times `D / (D − 1)` for `D` days); the
/// estimates taken one by one when they are all of one day.
fn shift_variance(past: &[(usize, f64, f64)], shift: f64, total: f64) -> f64 {
    let (mut sum, mut days) = (0.0, 0.0);
    let mut open: Option<(usize, f64)> = None;
    for &(day, r, s) in past {
        let u = r - shift * s;
        match open.as_mut() {
            Some((d, acc)) if *d == day => *acc += u,
            _ => {
                if let Some((_, acc)) = open {
                    sum += acc * acc;
                    days += 1.0;
                }
                open = Some((day, u));
            }
        }
    }
    if let Some((_, acc)) = open {
        sum += acc * acc;
        days += 1.0;
    }
    if days < 2.0 {
        // One day: its noise cannot be told from a shift, so its estimates are taken as
        // independent (as `WaitCalibration::fit` takes them).
        let (sum, n) = past.iter().fold((0.0, 0.0), |(sum, n), &(_, r, s)| {
            let u = r - shift * s;
            (sum + u * u, n + 1.0)
        });
        return if n < 2.0 {
            f64::INFINITY
        } else {
            sum / (total * total) * n / (n - 1.0)
        };
    }
    sum / (total * total) * days / (days - 1.0)
}

/// The share of a fitted shift kept, given its sampling variance: positive-part
/// James–Stein, `max(0, 1 − variance / shift²)`. A shift no larger than its own standard
/// error is dropped; one many standard errors from 0 is kept nearly whole.
fn kept_share(shift: f64, variance: f64) -> f64 {
    let square = shift * shift;
    if square > 0.0 && variance.is_finite() {
        (1.0 - variance / square).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// One past estimate of the uncalibrated [`QueueEstimator`] and what the patient really
/// waited, as a host records it (e.g. at check-in and every few minutes, for each patient
/// later seen).
///
/// # Example
///
/// ```
/// use medsched::wait::PastEstimate;
///
/// let estimate = PastEstimate { minutes: 20.0, p90_minutes: 35.0, waited: 27.5 };
/// assert!(estimate.waited <= estimate.p90_minutes);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PastEstimate {
    /// The estimate, minutes (finite, at least 0).
    pub minutes: f64,
    /// Its P90, minutes (finite, at least 0).
    pub p90_minutes: f64,
    /// What the patient really waited from the moment of the estimate, minutes (finite, at
    /// least 0).
    pub waited: f64,
}

impl PastEstimate {
    pub(crate) fn validate(&self) -> Result<()> {
        for (name, value) in [
            ("minutes", self.minutes),
            ("p90_minutes", self.p90_minutes),
            ("waited", self.waited),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                let problem = Problem::OutOfRange("a finite number of minutes, at least 0".into());
                return Err(Error::invalid(name, value, problem));
            }
        }
        Ok(())
    }
}

/// The correction fitted on a doctor's past estimates. Each estimate's spread is
/// `s = max(p90 − estimate, 1 min)`; the calibrated estimate is `estimate + shift · s` (at
/// least 0), its P50 `calibrated + p50_spread · s` and its P90 `calibrated + p90_spread ·
/// s`. `shift` starts from the one that makes the past residuals average zero
/// (`Σ(waited − estimate) / Σ s`) and keeps of it the share its own sampling error allows
/// (positive-part James–Stein, `max(0, 1 − variance / shift²)`; the variance is
/// cluster-robust over the days the estimates were made on when fitted by
/// [`DoctorHistory::from_days`], an estimate's errors within a day being shared): a shift
/// no larger than its standard error is noise and is dropped;
/// `p90_spread` is the conformal 90% quantile of the shifted residuals in units of `s`
/// (rank `⌈0.9 (n + 1)⌉` of `n`), so the P90 widens where the model was wrong for this
/// doctor rather than staying confidently narrow; `p50_spread` their median (rank
/// `⌈0.5 (n + 1)⌉`; usually negative, waits being right-skewed). Without a `p50_spread`
/// (`None`, e.g. a calibration saved before it existed) the model's own P50 moves with the
/// shift. The same is fitted per horizon (`horizons`: the uncalibrated estimate's minutes,
/// bucketed at [`HORIZON_EDGES`]) on each bucket's own past estimates, so short and long
/// waits are corrected apart; a bucket with fewer than 50 carries the overall correction
/// (`observed` 0). Fewer than 50 past estimates in all: no correction (`shift` 0,
/// `p90_spread` 1, no `p50_spread`, no horizons). Memory is bounded: 5 horizons are
/// fitted.
///
/// # Example
///
/// ```
/// use medsched::wait::{PastEstimate, WaitCalibration};
///
/// // The model was 10% short with a P90 spread too narrow by half.
/// let past: Vec<PastEstimate> = (0..100)
///     .map(|i| {
///         let minutes = 10.0 + f64::from(i % 10);
///         let waited = 1.1 * minutes + f64::from(i % 20) - 9.5;
///         PastEstimate { minutes, p90_minutes: minutes + 5.0, waited: waited.max(0.0) }
///     })
///     .collect();
/// let calibration = WaitCalibration::fit(&past);
/// assert!(calibration.shift > 0.0);
/// assert!(calibration.p90_spread > 1.0);
/// assert!(calibration.p50_spread.is_some_and(|p50| p50 < calibration.p90_spread));
/// assert_eq!(calibration.observed, 100);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct WaitCalibration {
    /// Added to each estimate, in units of its spread.
    pub shift: f64,
    /// The calibrated P90 is this many spreads above the calibrated estimate.
    pub p90_spread: f64,
    /// The calibrated P50 is this many spreads above (below, if negative) the calibrated
    /// estimate; `None`: the model's P50 moved by the shift.
    pub p50_spread: Option<f64>,
    /// How many past estimates it rests on.
    pub observed: u32,
    /// Corrections by horizon, each fitted on the past estimates of its bucket alone
    /// (ascending `from_minutes`); an estimate takes the last whose `from_minutes` it
    /// reaches, else the overall `shift` and `p90_spread`.
    pub horizons: Vec<HorizonCalibration>,
}

/// The correction of estimates from `from_minutes` on (up to the next horizon's), fitted on
/// the past estimates of that horizon alone, as [`WaitCalibration`]'s overall one is.
///
/// # Example
///
/// ```
/// use medsched::wait::{HorizonCalibration, WaitCalibration, WaitEstimate};
///
/// let calibration = WaitCalibration {
///     horizons: vec![HorizonCalibration {
///         from_minutes: 50.0,
///         shift: 1.0,
///         p50_spread: Some(-0.25),
///         p90_spread: 2.0,
///         observed: 80,
///     }],
///     ..WaitCalibration::default()
/// };
/// let mut estimates = [
///     WaitEstimate { number: 4, minutes: 20.0, p50_minutes: 18.0, p90_minutes: 30.0 },
///     WaitEstimate { number: 9, minutes: 60.0, p50_minutes: 55.0, p90_minutes: 80.0 },
/// ];
/// calibration.apply(&mut estimates);
/// assert_eq!((estimates[0].minutes, estimates[0].p50_minutes), (20.0, 18.0));
/// assert_eq!(estimates[1].minutes, 80.0);
/// assert_eq!(estimates[1].p50_minutes, 75.0);
/// assert_eq!(estimates[1].p90_minutes, 120.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HorizonCalibration {
    /// The smallest uncalibrated estimate, minutes, this correction applies to.
    pub from_minutes: f64,
    /// Added to each estimate, in units of its spread.
    pub shift: f64,
    /// The calibrated P50 is this many spreads above the calibrated estimate (`None`: the
    /// model's P50 moved by the shift).
    #[serde(default)]
    pub p50_spread: Option<f64>,
    /// The calibrated P90 is this many spreads above the calibrated estimate.
    pub p90_spread: f64,
    /// How many past estimates it rests on.
    pub observed: u32,
}

impl Default for WaitCalibration {
    fn default() -> Self {
        WaitCalibration {
            shift: 0.0,
            p90_spread: 1.0,
            p50_spread: None,
            observed: 0,
            horizons: Vec::new(),
        }
    }
}

impl WaitCalibration {
    /// The correction fitted on `past` estimates (validated ones; see
    /// [`DoctorHistory::from_days`]), each taken as independent of the others for the
    /// shift's sampling error (`from_days` groups them by day): overall, and per horizon
    /// (the uncalibrated estimate's minutes, bucketed at [`HORIZON_EDGES`]); a bucket with
    /// fewer than 50 of them carries the overall correction (`observed` 0).
    pub fn fit(past: &[PastEstimate]) -> WaitCalibration {
        let days: Vec<&[PastEstimate]> = past.chunks(1).collect();
        WaitCalibration::fit_days(&days)
    }

    /// As [`WaitCalibration::fit`], the estimates grouped by the day they were made on: the
    /// shift's sampling error is taken over days, the estimates of one day sharing their
    /// errors (that day's speed, its emergencies). Estimates all of a single day are taken
    /// one by one, as `fit` takes them (that day's own noise cannot be measured).
    pub(crate) fn fit_days(days: &[&[PastEstimate]]) -> WaitCalibration {
        let past: Vec<(usize, &PastEstimate)> = days
            .iter()
            .enumerate()
            .flat_map(|(d, estimates)| estimates.iter().map(move |e| (d, e)))
            .collect();
        let Some(overall) = Correction::fit(past.iter().copied()) else {
            return WaitCalibration::default();
        };
        let horizons = (0..=HORIZON_EDGES.len())
            .map(|bucket| {
                let inside = past
                    .iter()
                    .copied()
                    .filter(|(_, e)| horizon_bucket(e.minutes) == bucket);
                let correction = Correction::fit(inside).unwrap_or(Correction {
                    observed: 0,
                    ..overall
                });
                HorizonCalibration {
                    from_minutes: if bucket == 0 {
                        0.0
                    } else {
                        HORIZON_EDGES[bucket - 1]
                    },
                    shift: correction.shift,
                    p50_spread: Some(correction.p50_spread),
                    p90_spread: correction.p90_spread,
                    observed: correction.observed,
                }
            })
            .collect();
        WaitCalibration {
            shift: overall.shift,
            p90_spread: overall.p90_spread,
            p50_spread: Some(overall.p50_spread),
            observed: overall.observed,
            horizons,
        }
    }

    /// Applies the correction to `estimates` (of the uncalibrated queue estimator), each
    /// by its horizon's correction. Non-finite or extreme fields of a hand-built calibration
    /// are clamped (shift within ±5 spreads, `p90_spread` within 0–20, `p50_spread` within
    /// ±20, the P50 within 0 and the P90); only its first 16 horizons are read, so a call
    /// costs `O(16 n)` at most.
    ///
    /// ```
    /// use medsched::wait::{WaitCalibration, WaitEstimate};
    ///
    /// let calibration = WaitCalibration {
    ///     shift: 0.5,
    ///     p90_spread: 2.0,
    ///     p50_spread: Some(-0.2),
    ///     observed: 500,
    ///     horizons: Vec::new(),
    /// };
    /// let mut estimates =
    ///     [WaitEstimate { number: 4, minutes: 20.0, p50_minutes: 18.0, p90_minutes: 30.0 }];
    /// calibration.apply(&mut estimates);
    /// assert_eq!(estimates[0].minutes, 25.0);
    /// assert_eq!(estimates[0].p50_minutes, 23.0);
    /// assert_eq!(estimates[0].p90_minutes, 45.0);
    /// ```
    pub fn apply(&self, estimates: &mut [WaitEstimate]) {
        let clean = |x: f64, default: f64, low: f64, high: f64| {
            if x.is_finite() {
                x.clamp(low, high)
            } else {
                default
            }
        };
        let overall = (self.shift, self.p50_spread, self.p90_spread);
        let horizons = &self.horizons[..self.horizons.len().min(MAX_HORIZONS)];
        for estimate in estimates {
            let (shift, p50_spread, p90_spread) = horizons
                .iter()
                .rev()
                .find(|h| estimate.minutes >= h.from_minutes)
                .map_or(overall, |h| (h.shift, h.p50_spread, h.p90_spread));
            let shift = clean(shift, 0.0, -5.0, 5.0);
            let p90_spread = clean(p90_spread, 1.0, 0.0, 20.0);
            let spread = (estimate.p90_minutes - estimate.minutes).max(MIN_SPREAD);
            let minutes = (estimate.minutes + shift * spread).max(0.0);
            let p90_minutes = (minutes + p90_spread * spread).max(minutes);
            let p50_minutes = match p50_spread {
                Some(p50_spread) => minutes + clean(p50_spread, 0.0, -20.0, 20.0) * spread,
                None => estimate.p50_minutes + shift * spread,
            };
            estimate.minutes = minutes;
            estimate.p50_minutes = clean(p50_minutes, minutes, 0.0, p90_minutes);
            estimate.p90_minutes = p90_minutes;
        }
    }
}

/// The [`QueueEstimator`] corrected by the doctor's own residuals
/// ([`DoctorHistory::calibration`]): what to show patients. Record the uncalibrated
/// [`QueueEstimator`]'s estimates as [`PastEstimate`]s to fit the next calibration on.
///
/// # Example
///
/// ```
/// use chrono::{DateTime, Utc};
/// use medsched::{tokens::TokenKind, wait::*};
///
/// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
/// let mut queue = QueueSnapshot::new(
///     t("2026-03-02T04:00:00Z"),
///     t("2026-03-02T03:30:00Z"),
///     t("2026-03-02T07:30:00Z"),
/// );
/// queue.consulting_since = Some(t("2026-03-02T03:57:00Z"));
/// queue.waiting = vec![WaitingToken::present(4, TokenKind::Booked)];
/// let mut history = DoctorHistory::from_durations(&[6.0, 8.0, 7.0])?;
/// let model = QueueEstimator.estimate(&queue, &history);
/// history.calibration = WaitCalibration {
///     shift: 0.2,
///     p90_spread: 1.5,
///     observed: 400,
///     ..WaitCalibration::default()
/// };
/// let shown = CalibratedQueueEstimator.estimate(&queue, &history);
/// assert!(shown[0].minutes > model[0].minutes);
/// assert!(shown[0].p90_minutes - shown[0].minutes > model[0].p90_minutes - model[0].minutes);
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CalibratedQueueEstimator;

impl WaitEstimator for CalibratedQueueEstimator {
    fn name(&self) -> &'static str {
        "calibrated"
    }

    fn estimate(&self, queue: &QueueSnapshot, history: &DoctorHistory) -> Vec<WaitEstimate> {
        let mut estimates = QueueEstimator.estimate(queue, history);
        history.calibration.apply(&mut estimates);
        estimates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_few_estimates_leave_it_uncalibrated() {
        let past = vec![
            PastEstimate {
                minutes: 10.0,
                p90_minutes: 12.0,
                waited: 40.0,
            };
            MIN_OBSERVED - 1
        ];
        assert_eq!(WaitCalibration::fit(&past), WaitCalibration::default());
    }

    #[test]
    fn recovers_the_bias_and_the_coverage_of_the_past() {
        // Waits are the estimate + 2 spreads + noise uniform over ±3 spreads.
        let past: Vec<PastEstimate> = (0..1000)
            .map(|i| {
                let minutes = 10.0 + f64::from(i % 7);
                let noise = (f64::from(i % 101) / 100.0 - 0.5) * 6.0;
                PastEstimate {
                    minutes,
                    p90_minutes: minutes + 4.0,
                    waited: minutes + 4.0 * (2.0 + noise),
                }
            })
            .collect();
        let calibration = WaitCalibration::fit(&past);
        assert!((calibration.shift - 2.0).abs() < 0.05, "{calibration:?}");
        assert!(
            (calibration.p90_spread - 2.4).abs() < 0.1,
            "{calibration:?}"
        );
        let mut estimates: Vec<WaitEstimate> = past
            .iter()
            .map(|p| WaitEstimate {
                number: 1,
                minutes: p.minutes,
                p50_minutes: p.minutes,
                p90_minutes: p.p90_minutes,
            })
            .collect();
        calibration.apply(&mut estimates);
        let covered = |level: fn(&WaitEstimate) -> f64| {
            estimates
                .iter()
                .zip(&past)
                .filter(|(e, p)| p.waited <= level(e))
                .count()
        };
        assert!((895..=910).contains(&covered(|e| e.p90_minutes)));
        assert!((495..=510).contains(&covered(|e| e.p50_minutes)));
    }

    #[test]
    fn each_horizon_gets_its_own_correction() {
        // Short estimates are right on average, those of 25–50 minutes one spread short;
        // those above 90 minutes are too few (30) for a correction of their own.
        let mut past: Vec<PastEstimate> = (0..400)
            .map(|i| {
                let minutes = if i < 200 { 5.0 } else { 30.0 };
                let bias = if i < 200 { 0.0 } else { 1.0 };
                let noise = f64::from(i % 21) / 10.0 - 1.0;
                PastEstimate {
                    minutes,
                    p90_minutes: minutes + 4.0,
                    waited: (minutes + 4.0 * (bias + noise)).max(0.0),
                }
            })
            .collect();
        past.extend((0..30).map(|_| PastEstimate {
            minutes: 100.0,
            p90_minutes: 110.0,
            waited: 100.0,
        }));
        let calibration = WaitCalibration::fit(&past);
        let froms: Vec<f64> = calibration
            .horizons
            .iter()
            .map(|h| h.from_minutes)
            .collect();
        assert_eq!(froms, [0.0, 10.0, 25.0, 50.0, 90.0]);
        let observed: Vec<u32> = calibration.horizons.iter().map(|h| h.observed).collect();
        assert_eq!(observed, [200, 0, 200, 0, 0]);
        assert!(
            calibration.horizons[0].shift.abs() < 0.05,
            "{calibration:?}"
        );
        assert!(
            (calibration.horizons[2].shift - 1.0).abs() < 0.05,
            "{calibration:?}"
        );
        assert_eq!(calibration.horizons[4].shift, calibration.shift);
        let mut estimates = [5.0, 30.0, 100.0].map(|minutes| WaitEstimate {
            number: 1,
            minutes,
            p50_minutes: minutes,
            p90_minutes: minutes + 4.0,
        });
        calibration.apply(&mut estimates);
        assert!((estimates[0].minutes - 5.0).abs() < 0.2);
        assert!((estimates[1].minutes - 34.0).abs() < 0.2);
        let overall = (100.0 + 4.0 * calibration.shift).max(0.0);
        assert!((estimates[2].minutes - overall).abs() < 1e-9);
    }

    #[test]
    fn a_shift_keeps_the_share_its_sampling_error_allows() {
        assert_eq!(kept_share(2.0, 1.0), 0.75);
        assert_eq!(kept_share(-2.0, 1.0), 0.75);
        assert_eq!(kept_share(1.0, 1.0), 0.0);
        assert_eq!(kept_share(1.0, 3.0), 0.0);
        assert_eq!(kept_share(3.0, 0.0), 1.0);
        assert_eq!(kept_share(0.0, 0.0), 0.0);
        assert_eq!(kept_share(1.0, f64::INFINITY), 0.0);
    }

    #[test]
    fn the_shifts_variance_is_taken_over_days() {
        // Shift 0: the day sums of residuals are 2 and −2, over Σ s = 4 and 2 days.
        let past = [(0, 1.0, 1.0), (0, 1.0, 1.0), (1, -1.0, 1.0), (1, -1.0, 1.0)];
        let variance = shift_variance(&past, 0.0, 4.0);
        assert!((variance - (4.0 + 4.0) / 16.0 * 2.0).abs() < 1e-12);
        // Taken one by one, the same residuals vary less: (4 · 1) / 16 · 4 / 3.
        let apart = [(0, 1.0, 1.0), (1, 1.0, 1.0), (2, -1.0, 1.0), (3, -1.0, 1.0)];
        assert!((shift_variance(&apart, 0.0, 4.0) - 1.0 / 3.0).abs() < 1e-12);
        // All of one day: one by one, (1 + 1) / 4 · 2 / 1.
        assert!((shift_variance(&past[..2], 0.0, 2.0) - 1.0).abs() < 1e-12);
        assert_eq!(shift_variance(&past[..1], 0.0, 1.0), f64::INFINITY);
    }

    #[test]
    fn a_shift_that_is_day_to_day_noise_is_dropped() {
        // 20 days of 30 estimates each, spread 10: on each day the patients waited the
        // estimate plus that day's offset (1.15 and −0.85 spreads, alternating: a mean of
        // 0.15 spread), and ± 0.5 spread of noise within the day.
        let day = |d: u32, bias: f64| -> Vec<PastEstimate> {
            let offset = if d.is_multiple_of(2) { 1.15 } else { -0.85 };
            (0..30)
                .map(|i| PastEstimate {
                    minutes: 100.0,
                    p90_minutes: 110.0,
                    waited: 100.0 + 10.0 * (bias + offset + f64::from(i % 3) * 0.5 - 0.5),
                })
                .collect()
        };
        let noisy: Vec<Vec<PastEstimate>> = (0..20).map(|d| day(d, 0.0)).collect();
        let days: Vec<&[PastEstimate]> = noisy.iter().map(Vec::as_slice).collect();
        let by_day = WaitCalibration::fit_days(&days);
        assert_eq!(by_day.shift, 0.0, "{by_day:?}");
        // Taken one by one, 600 estimates look sure of the 0.15: most of it is kept.
        let flat: Vec<PastEstimate> = noisy.concat();
        let apart = WaitCalibration::fit(&flat);
        assert!((0.12..0.15).contains(&apart.shift), "{apart:?}");
        // The P90 does not depend on the shift: both reach the same instant.
        assert!((by_day.shift + by_day.p90_spread - apart.shift - apart.p90_spread).abs() < 1e-9);
        // A bias of 5 spreads stands out of the same noise and is kept nearly whole.
        let biased: Vec<Vec<PastEstimate>> = (0..20).map(|d| day(d, 5.0)).collect();
        let days: Vec<&[PastEstimate]> = biased.iter().map(Vec::as_slice).collect();
        let kept = WaitCalibration::fit_days(&days).shift;
        assert!((4.9..5.16).contains(&kept), "{kept}");
    }

    #[test]
    fn a_single_days_estimates_are_taken_one_by_one() {
        // One day of 60 estimates, each 30% short: a clear shift, kept nearly whole.
        let day: Vec<PastEstimate> = (0..60)
            .map(|m| PastEstimate {
                minutes: f64::from(m),
                p90_minutes: f64::from(m) + 5.0,
                waited: 1.3 * f64::from(m),
            })
            .collect();
        let by_day = WaitCalibration::fit_days(&[day.as_slice()]);
        let apart = WaitCalibration::fit(&day);
        assert_eq!(by_day, apart);
        assert!((1.7..1.78).contains(&by_day.shift), "{by_day:?}");
    }

    #[test]
    fn wild_calibrations_stay_finite() {
        let apply = |shift, p90_spread, p50_spread| {
            let calibration = WaitCalibration {
                shift,
                p90_spread,
                p50_spread,
                observed: 1,
                horizons: Vec::new(),
            };
            let mut estimates = [WaitEstimate {
                number: 1,
                minutes: 5.0,
                p50_minutes: 4.0,
                p90_minutes: 9.0,
            }];
            calibration.apply(&mut estimates);
            let [e] = estimates;
            (e.minutes, e.p50_minutes, e.p90_minutes)
        };
        assert_eq!(apply(f64::NAN, f64::INFINITY, None), (5.0, 4.0, 9.0));
        assert_eq!(apply(-1e9, 1e9, Some(f64::NAN)), (0.0, 0.0, 80.0));
        assert_eq!(apply(0.0, 1.0, Some(1e9)), (5.0, 9.0, 9.0));
        assert_eq!(apply(0.0, 1.0, Some(-1e9)), (5.0, 0.0, 9.0));
    }
}
