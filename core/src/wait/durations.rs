//! The doctor's consultation durations, fitted to past days: a day factor on the log scale,
//! the shape around it measured.

use serde::{Deserialize, Serialize};

use crate::tokens::TokenKind;
use crate::wait::VisitType;
use crate::wait::history::PastDay;
use crate::wait::kinds::{KindFactors, VisitFactors, kind_effect, visit_effect};
use crate::wait::tail::ratio_quantiles;

/// Median consultation length assumed for a doctor with no history, minutes (specialist
/// outpatient consultations: 6–8 minutes; see `docs/WAIT_ESTIMATION.md`).
pub(crate) const DEFAULT_MEDIAN_MINUTES: f64 = 7.0;
/// Within-day standard deviation of log durations assumed without history (a coefficient
/// of variation of about 0.53, inside the 0.35–0.85 of Cayirli & Veral, 2003).
pub(crate) const DEFAULT_LOG_SD: f64 = 0.5;
/// Day-to-day standard deviation of a doctor's mean log duration assumed when too few
/// days are known to measure it.
pub(crate) const DEFAULT_DAY_SD: f64 = 0.2;
/// How uncertain the mean log duration of a doctor with no history at all is (doctors
/// differ more than one doctor's days do).
pub(crate) const UNKNOWN_DOCTOR_SD: f64 = 0.5;

/// Prior weights: the default log-sd counts as 8 degrees of freedom, the default day sd as
/// 4 days; the load slope is shrunk toward 0 as if by 100 (waiting patients)² of spread.
const PRIOR_LOG_SD_DF: f64 = 8.0;
const PRIOR_DAY_SD_DAYS: f64 = 4.0;
const LOAD_RIDGE: f64 = 100.0;
/// The doctor's pace is learnt per this many minutes of the session, for this many bins
/// (later consultations fall in the last), each shrunk toward 1 as if by at least this many
/// consultations of average pace (more when the bins differ little beyond their noise).
pub(crate) const PACE_BIN_MINUTES: f64 = 30.0;
const PACE_BINS: usize = 16;
pub(crate) const PACE_PRIOR: f64 = 10.0;
/// The largest load slope believed, per waiting patient (either way).
pub(crate) const MAX_LOAD_SLOPE: f64 = 0.05;

/// A model of one doctor's consultation durations: multiplicative on the log scale, its
/// shape measured.
///
/// On a given day, the log of a consultation's length is normal with that day's mean and
/// standard deviation `log_sd`, shifted by `load_slope` per patient waiting beyond
/// `load_reference` when it began (a doctor facing a long line often goes faster). The
/// day's mean varies around `log_mean` with standard deviation `day_sd`. The mean and the
/// variance of a duration over its day's geometric mean are measured (`mean_ratio`,
/// `ratio_variance`), not taken from a lognormal: gamma-like or bimodal durations have a
/// smaller or larger mean than a lognormal with the same log-sd.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DurationPrior {
    /// Mean over days of the day's mean log duration (log minutes), at `load_reference`
    /// patients waiting.
    pub log_mean: f64,
    /// Within-day standard deviation of log durations.
    pub log_sd: f64,
    /// Day-to-day standard deviation of the day's mean log duration.
    pub day_sd: f64,
    /// Change of the log duration per patient waiting when a consultation begins (0 when
    /// not measured; negative when a longer line means shorter consultations).
    pub load_slope: f64,
    /// The number waiting that `log_mean` refers to (the history's average).
    pub load_reference: f64,
    /// How many past days with durations the model rests on (0: the defaults).
    pub days: u32,
    /// How many durations it rests on.
    pub consultations: u32,
    /// Mean of a duration over its day's geometric mean (brought to the reference load),
    /// measured without assuming a shape; 0 when not measured (the lognormal's
    /// `exp(log_sd²/2)` is used then).
    #[serde(default)]
    pub mean_ratio: f64,
    /// Variance of that ratio, measured; 0 when not measured (the lognormal's is used).
    #[serde(default)]
    pub ratio_variance: f64,
    /// The doctor's pace through the session: for each half hour from the session start
    /// (the last one holding after it), how long consultations take relative to the day's
    /// typical one (e.g. 1.2 slower, 0.9 faster); empty when not measured (even pace).
    #[serde(default)]
    pub pace: Vec<f64>,
    /// How long each kind of token's consultation takes relative to the day's typical one
    /// (all 1 when not measured).
    #[serde(default)]
    pub kinds: KindFactors,
    /// How long each visit type takes relative to the typical consultation of its token
    /// kind (all 1 when not measured).
    #[serde(default)]
    pub visits: VisitFactors,
    /// The measured distribution of a duration over its day's geometric mean (brought to
    /// the reference load, average pace and a typical kind): 32 quantiles at levels
    /// `(k + ½)/32`, ascending; empty when fewer than 60 were measured. The rest of a
    /// consult in progress is read from them (conditioned on how long it has run) instead of
    /// a log-normal tail. A hand-built list that is not 8–64 ascending values in 0.01–100 is
    /// not used (the log-normal tail is).
    #[serde(default)]
    pub ratio_quantiles: Vec<f64>,
}

impl Default for DurationPrior {
    fn default() -> Self {
        DurationPrior {
            log_mean: DEFAULT_MEDIAN_MINUTES.ln(),
            log_sd: DEFAULT_LOG_SD,
            day_sd: DEFAULT_DAY_SD,
            load_slope: 0.0,
            load_reference: 0.0,
            days: 0,
            consultations: 0,
            mean_ratio: 0.0,
            ratio_variance: 0.0,
            pace: Vec::new(),
            kinds: KindFactors::default(),
            visits: VisitFactors::default(),
            ratio_quantiles: Vec::new(),
        }
    }
}

impl DurationPrior {
    /// The median duration of a typical day, minutes.
    pub fn median_minutes(&self) -> f64 {
        self.log_mean.exp()
    }

    /// The mean duration of a typical day, minutes: the median times the measured mean
    /// ratio (the lognormal's `exp(log_sd²/2)` when not measured).
    ///
    /// ```
    /// use medsched::wait::DurationPrior;
    ///
    /// let prior = DurationPrior {
    ///     log_mean: 7.0_f64.ln(),
    ///     mean_ratio: 1.2,
    ///     ..DurationPrior::default()
    /// };
    /// assert!((prior.mean_minutes() - 8.4).abs() < 1e-9);
    /// ```
    pub fn mean_minutes(&self) -> f64 {
        self.log_mean.exp() * self.ratio_moments(self.log_sd).0
    }

    /// The pace factor of a consultation starting `minute` minutes after the session start
    /// (1 when not measured; clamped to 0.25–4).
    ///
    /// ```
    /// use medsched::wait::DurationPrior;
    ///
    /// let prior = DurationPrior { pace: vec![1.3, 0.9], ..DurationPrior::default() };
    /// assert_eq!(prior.pace_at(10.0), 1.3);
    /// assert_eq!(prior.pace_at(200.0), 0.9);
    /// assert_eq!(DurationPrior::default().pace_at(10.0), 1.0);
    /// ```
    pub fn pace_at(&self, minute: f64) -> f64 {
        if self.pace.is_empty() || !minute.is_finite() {
            return 1.0;
        }
        let bin = ((minute / PACE_BIN_MINUTES).floor().max(0.0) as usize).min(self.pace.len() - 1);
        let factor = self.pace[bin];
        if factor.is_finite() {
            factor.clamp(0.25, 4.0)
        } else {
            1.0
        }
    }

    /// How long a consultation of token `kind` and `visit` type takes relative to the day's
    /// typical one: the kind's factor times the visit type's (each 1 when not known).
    ///
    /// ```
    /// use medsched::{tokens::TokenKind, wait::*};
    ///
    /// let prior = DurationPrior {
    ///     visits: VisitFactors { first_visit: 1.5, ..VisitFactors::default() },
    ///     ..DurationPrior::default()
    /// };
    /// let first = prior.length_factor(Some(TokenKind::Booked), Some(VisitType::FirstVisit));
    /// assert_eq!(first, 1.5);
    /// assert_eq!(prior.length_factor(Some(TokenKind::Booked), None), 1.0);
    /// ```
    pub fn length_factor(&self, kind: Option<TokenKind>, visit: Option<VisitType>) -> f64 {
        KindFactors::length(&self.kinds, &self.visits, kind, visit)
    }

    /// Mean and variance of a duration over its day's geometric mean: the measured ones if
    /// sane, else the lognormal's with log-sd `sigma`.
    pub(crate) fn ratio_moments(&self, sigma: f64) -> (f64, f64) {
        let measured = self.mean_ratio.is_finite()
            && (1.0..=10.0).contains(&self.mean_ratio)
            && self.ratio_variance.is_finite()
            && (0.0..=100.0).contains(&self.ratio_variance);
        if measured {
            return (self.mean_ratio, self.ratio_variance);
        }
        let s2 = if sigma.is_finite() {
            sigma.clamp(0.0, 2.0).powi(2)
        } else {
            DEFAULT_LOG_SD * DEFAULT_LOG_SD
        };
        ((0.5 * s2).exp(), s2.exp() * s2.exp_m1())
    }

    /// Fits the model to validated days: the load slope first (a within-day regression of
    /// log durations on the number waiting, shrunk toward 0), then the rest on log
    /// durations brought to the reference load.
    pub(crate) fn fit(days: &[PastDay]) -> DurationPrior {
        let (load_slope, load_reference) = load_effect(days);
        let paced = DurationPrior {
            pace: pace_effect(days, load_slope, load_reference),
            ..DurationPrior::default()
        };
        let log_pace = |day: &PastDay, i: usize| {
            day.started_minutes
                .get(i)
                .map_or(0.0, |&minute| paced.pace_at(minute).ln())
        };
        let kinds = kind_effect(days, |day, i| {
            let waiting = day.waiting_at_start.get(i).map(|&w| f64::from(w));
            let shift = waiting.map_or(0.0, |w| load_slope * (w - load_reference));
            day.durations[i].ln() - shift - log_pace(day, i)
        });
        let visits = visit_effect(days, |day, i| {
            let waiting = day.waiting_at_start.get(i).map(|&w| f64::from(w));
            let shift = waiting.map_or(0.0, |w| load_slope * (w - load_reference));
            let kind = day.kinds.get(i).map_or(1.0, |&k| kinds.factor(k));
            day.durations[i].ln() - shift - log_pace(day, i) - kind.ln()
        });
        let log_kind = |day: &PastDay, i: usize| {
            let kind = day.kinds.get(i).copied();
            let visit = day.visits.get(i).copied().flatten();
            KindFactors::length(&kinds, &visits, kind, visit).ln()
        };
        let (mut day_means, mut noise) = (Vec::new(), Vec::new());
        let (mut squares, mut df, mut count) = (0.0, 0.0, 0u32);
        let (mut ratios, mut ratio_sum, mut ratio_squares) = (0.0, 0.0, 0.0);
        let mut measured_ratios = Vec::new();
        for day in days.iter().filter(|d| !d.durations.is_empty()) {
            let logs: Vec<f64> = (0..day.durations.len())
                .map(|i| {
                    let waiting = day.waiting_at_start.get(i).map(|&w| f64::from(w));
                    let shift = waiting.map_or(0.0, |w| load_slope * (w - load_reference));
                    day.durations[i].ln() - shift - log_pace(day, i) - log_kind(day, i)
                })
                .collect();
            let n = logs.len() as f64;
            let mean = logs.iter().sum::<f64>() / n;
            squares += logs.iter().map(|l| (l - mean).powi(2)).sum::<f64>();
            if logs.len() >= 2 {
                for l in &logs {
                    let ratio = (l - mean).exp();
                    ratios += 1.0;
                    ratio_sum += ratio;
                    ratio_squares += ratio * ratio;
                    measured_ratios.push(ratio);
                }
            }
            df += n - 1.0;
            count = count.saturating_add(u32::try_from(logs.len()).unwrap_or(u32::MAX));
            day_means.push(mean);
            noise.push(1.0 / n);
        }
        let variance =
            (squares + PRIOR_LOG_SD_DF * DEFAULT_LOG_SD * DEFAULT_LOG_SD) / (df + PRIOR_LOG_SD_DF);
        if day_means.is_empty() {
            return DurationPrior::default();
        }
        let known = day_means.len() as f64;
        let log_mean = day_means.iter().sum::<f64>() / known;
        // Spread of day means beyond what within-day noise explains, shrunk toward the default.
        let measured = if day_means.len() >= 2 {
            let spread = day_means
                .iter()
                .map(|m| (m - log_mean).powi(2))
                .sum::<f64>();
            let noise = variance * noise.iter().sum::<f64>() / known;
            (spread / (known - 1.0) - noise).max(0.0)
        } else {
            0.0
        };
        let day_variance = ((known - 1.0) * measured
            + PRIOR_DAY_SD_DAYS * DEFAULT_DAY_SD * DEFAULT_DAY_SD)
            / (known - 1.0 + PRIOR_DAY_SD_DAYS);
        // The measured ratio moments, shrunk toward the lognormal's as if by 8 consultations.
        let log_sd = variance.sqrt();
        let (ln_mean, ln_variance) = DurationPrior::default().ratio_moments(log_sd);
        let weight = PRIOR_LOG_SD_DF;
        let mean_ratio = (ratio_sum + weight * ln_mean) / (ratios + weight);
        let second =
            (ratio_squares + weight * (ln_variance + ln_mean * ln_mean)) / (ratios + weight);
        DurationPrior {
            log_mean,
            log_sd,
            day_sd: day_variance.sqrt(),
            load_slope,
            load_reference,
            days: u32::try_from(day_means.len()).unwrap_or(u32::MAX),
            consultations: count,
            mean_ratio,
            ratio_variance: (second - mean_ratio * mean_ratio).max(0.0),
            pace: paced.pace,
            kinds,
            visits,
            ratio_quantiles: ratio_quantiles(measured_ratios),
        }
    }
}

/// The doctor's pace per half hour of the session: the mean, over consultations with a
/// recorded start, of the log duration (at the reference load) less its day's mean, shrunk
/// toward 0 ([`pace_prior`]), as factors; empty when no start was recorded.
fn pace_effect(days: &[PastDay], slope: f64, reference: f64) -> Vec<f64> {
    let mut sums = [(0.0, 0.0); PACE_BINS];
    let mut squares = 0.0;
    let mut any = false;
    for day in days
        .iter()
        .filter(|d| d.durations.len() >= 2 && d.started_minutes.len() == d.durations.len())
    {
        let logs: Vec<f64> = (0..day.durations.len())
            .map(|i| {
                let waiting = day.waiting_at_start.get(i).map(|&w| f64::from(w));
                day.durations[i].ln() - waiting.map_or(0.0, |w| slope * (w - reference))
            })
            .collect();
        let mean = logs.iter().sum::<f64>() / logs.len() as f64;
        for (log, &minute) in logs.iter().zip(&day.started_minutes) {
            let bin = ((minute / PACE_BIN_MINUTES).floor().max(0.0) as usize).min(PACE_BINS - 1);
            sums[bin].0 += log - mean;
            sums[bin].1 += 1.0;
            squares += (log - mean) * (log - mean);
            any = true;
        }
    }
    if !any {
        return Vec::new();
    }
    let used = sums.iter().rposition(|s| s.1 > 0.0).map_or(0, |i| i + 1);
    let prior = pace_prior(&sums[..used], squares);
    sums[..used]
        .iter()
        .map(|(sum, n)| (sum / (n + prior)).exp())
        .collect()
}

/// How many consultations of average pace each half hour's factor is shrunk by: the noise
/// of a bin's mean against the real spread of the doctor's pace between bins (empirical
/// Bayes, `σ² / τ²`), at least `PACE_PRIOR`. `σ²` is the within-day variance of the log
/// durations (`squares` over all of them), `τ²` the spread of the bins' means beyond that
/// noise, by the method of moments: `E[Σ n_b · mean_b²] = N · τ² + B · σ²` over the `B`
/// bins holding `N` consultations. A doctor whose pace is even keeps factors near 1
/// instead of each half hour's noise (about ±6% with 80 consultations a bin); one whose
/// pace changes keeps the change.
fn pace_prior(sums: &[(f64, f64)], squares: f64) -> f64 {
    let count: f64 = sums.iter().map(|s| s.1).sum();
    let bins = sums.iter().filter(|s| s.1 > 0.0).count() as f64;
    if count <= bins {
        return PACE_PRIOR;
    }
    let within = squares / count;
    let weighted: f64 = sums
        .iter()
        .filter(|s| s.1 > 0.0)
        .map(|(sum, n)| sum * sum / n)
        .sum();
    let between = (weighted - bins * within) / count;
    if between > 0.0 && within.is_finite() {
        (within / between).clamp(PACE_PRIOR, 1e9)
    } else {
        1e9
    }
}

/// The load slope and reference: a pooled within-day least-squares slope of log duration on
/// the number waiting (ridge-shrunk toward 0, clamped), and the mean number waiting, over
/// days that recorded it.
fn load_effect(days: &[PastDay]) -> (f64, f64) {
    let (mut sxy, mut sxx, mut sum, mut n) = (0.0, 0.0, 0.0, 0.0);
    for day in days
        .iter()
        .filter(|d| d.waiting_at_start.len() == d.durations.len())
    {
        let k = day.durations.len() as f64;
        if k < 2.0 {
            continue;
        }
        let xs = day.waiting_at_start.iter().map(|&w| f64::from(w));
        let x_mean = xs.clone().sum::<f64>() / k;
        let y_mean = day.durations.iter().map(|d| d.ln()).sum::<f64>() / k;
        for (x, d) in xs.zip(&day.durations) {
            sxy += (x - x_mean) * (d.ln() - y_mean);
            sxx += (x - x_mean).powi(2);
            sum += x;
            n += 1.0;
        }
    }
    if n == 0.0 {
        return (0.0, 0.0);
    }
    let slope = (sxy / (sxx + LOAD_RIDGE)).clamp(-MAX_LOAD_SLOPE, MAX_LOAD_SLOPE);
    (slope, sum / n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_within_and_between_day_spread() {
        // Days alternate between a median of 5 and of 10 minutes, each with a tight spread.
        let days: Vec<PastDay> = (0..40)
            .map(|i| {
                let median: f64 = if i % 2 == 0 { 5.0 } else { 10.0 };
                PastDay {
                    durations: vec![median * 0.9, median, median / 0.9],
                    ..PastDay::default()
                }
            })
            .collect();
        let prior = DurationPrior::fit(&days);
        assert_eq!((prior.days, prior.consultations), (40, 120));
        assert!((prior.median_minutes() - 50.0_f64.sqrt()).abs() < 1e-9);
        assert!(prior.log_sd < 0.2, "{}", prior.log_sd);
        assert!(
            (prior.day_sd - 2.0_f64.ln() / 2.0).abs() < 0.05,
            "{}",
            prior.day_sd
        );
        assert_eq!(prior.load_slope, 0.0);
    }

    #[test]
    fn learns_the_pace_through_the_session() {
        // Slow first half hour (12 min), then 8 min.
        let day = PastDay {
            durations: vec![12.0, 12.0, 8.0, 8.0, 8.0, 8.0],
            started_minutes: vec![0.0, 12.0, 24.0 + 8.0, 40.0, 48.0, 56.0],
            ..PastDay::default()
        };
        let prior = DurationPrior::fit(&vec![day; 50]);
        assert_eq!(prior.pace.len(), 2);
        assert!(
            prior.pace_at(5.0) / prior.pace_at(45.0) > 1.45,
            "{:?}",
            prior.pace
        );
        // Once the pace is taken out, the spread left is small.
        assert!(prior.log_sd < 0.2, "{}", prior.log_sd);
    }

    #[test]
    fn an_even_pace_is_not_read_into_each_half_hours_noise() {
        // Consultations every 7 minutes for 4 hours, their lengths spread around 7 minutes
        // (log offsets uniform in ±0.6, from a fixed pseudo-random sequence) with no
        // pattern through the session.
        let mut state: u64 = 12345;
        let mut offset = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            1.2 * ((state >> 11) as f64 / (1u64 << 53) as f64) - 0.6
        };
        let mut day = |_| {
            let durations: Vec<f64> = (0..34).map(|_| 7.0 * offset().exp()).collect();
            PastDay {
                started_minutes: (0..34).map(|i| 7.0 * i as f64).collect(),
                durations,
                ..PastDay::default()
            }
        };
        let days: Vec<PastDay> = (0..20).map(&mut day).collect();
        let prior = DurationPrior::fit(&days);
        assert_eq!(prior.pace.len(), 8);
        // A bin holding a cluster of long ones by chance still reads about 1.
        for factor in &prior.pace {
            assert!(factor.ln().abs() < 0.01, "{:?}", prior.pace);
        }
        // The prior weight: at least `PACE_PRIOR`, far more when the bins' means are no
        // more spread than their noise, `PACE_PRIOR` when they differ a lot.
        assert!(pace_prior(&[(0.1, 80.0), (-0.1, 80.0)], 20.0) > 1e3);
        assert_eq!(pace_prior(&[(20.0, 80.0), (-20.0, 80.0)], 20.0), PACE_PRIOR);
        assert_eq!(pace_prior(&[(1.0, 1.0)], 0.0), PACE_PRIOR);
    }

    #[test]
    fn learns_how_long_each_kind_takes() {
        // Emergencies take 3 times a walk-in's 6 minutes.
        let day = PastDay {
            durations: vec![6.0, 6.0, 18.0, 6.0, 6.0, 6.0],
            kinds: vec![
                TokenKind::WalkIn,
                TokenKind::WalkIn,
                TokenKind::Emergency,
                TokenKind::WalkIn,
                TokenKind::WalkIn,
                TokenKind::WalkIn,
            ],
            ..PastDay::default()
        };
        // Many days, so the shrinkage toward 1 (10 consultations) is negligible.
        let prior = DurationPrior::fit(&vec![day; 1000]);
        let ratio =
            prior.kinds.factor(TokenKind::Emergency) / prior.kinds.factor(TokenKind::WalkIn);
        assert!((ratio - 3.0).abs() < 0.1, "{:?}", prior.kinds);
        assert_eq!(prior.kinds.factor(TokenKind::Phone), 1.0);
        assert!(prior.log_sd < 0.2, "{}", prior.log_sd);
    }

    #[test]
    fn measures_the_mean_without_assuming_a_shape() {
        // Two-point days, 2 and 8 minutes: the geometric mean is 4, the mean 5.
        let days = vec![
            PastDay {
                durations: vec![2.0, 8.0],
                ..PastDay::default()
            };
            200
        ];
        let prior = DurationPrior::fit(&days);
        assert!(
            (prior.mean_ratio - 1.25).abs() < 0.01,
            "{}",
            prior.mean_ratio
        );
        assert!((prior.mean_minutes() - 5.0).abs() < 0.05);
        // A lognormal with the fitted log-sd (about 0.98) would put it at 4·e^{0.48} ≈ 6.5.
        assert!(prior.log_sd > 0.9);
        assert!(
            (0.55..0.7).contains(&prior.ratio_variance),
            "{}",
            prior.ratio_variance
        );
    }

    #[test]
    fn learns_that_a_long_line_shortens_consultations() {
        // Each extra patient waiting takes 2% off (log slope ln 0.98), around a 7-minute
        // median at 5 waiting.
        let day = |shift: f64| PastDay {
            durations: (0..=10)
                .map(|w| 7.0 * 0.98_f64.powi(w - 5) * shift)
                .collect(),
            waiting_at_start: (0..=10).collect(),
            ..PastDay::default()
        };
        let days: Vec<PastDay> = (0..30)
            .map(|i| day(if i % 2 == 0 { 0.9 } else { 1.1 }))
            .collect();
        let prior = DurationPrior::fit(&days);
        assert!(
            (prior.load_slope - 0.98_f64.ln()).abs() < 0.002,
            "{}",
            prior.load_slope
        );
        assert_eq!(prior.load_reference, 5.0);
        assert!((prior.median_minutes() - 7.0 * 0.99_f64.sqrt()).abs() < 0.05);
        // The spread left is the day-to-day one, not the load's.
        assert!(prior.log_sd < 0.2, "{}", prior.log_sd);
    }
}
