//! Today's consultation speed: the doctor's history shrunk toward what today has shown.
//!
//! A day's log durations are `N(μ_day, σ²)` and `μ_day ~ N(μ₀, τ²)` across days (the
//! [`DurationPrior`]). Today's consultations so far update `μ_day` by the conjugate normal
//! rule: `μ_post = (μ₀/τ² + Σ ln dᵢ/σ²) / (1/τ² + n/σ²)`, so today's mean log duration
//! gets the weight `n / (n + σ²/τ²)` — the prior counts as `σ²/τ²` consultations.
//!
//! Log durations are first brought to the prior's reference load (`load_slope` per patient
//! waiting beyond `load_reference`), and a consultation expected with `w` waiting is
//! shifted back by `load_slope · (w − load_reference)`.

use chrono::{DateTime, Utc};

use crate::wait::durations::{DurationPrior, MAX_LOAD_SLOPE, UNKNOWN_DOCTOR_SD};
#[cfg(test)]
use crate::wait::kinds::{KindFactors, VisitFactors};
use crate::wait::snapshot::{Consultation, minutes_between};
use crate::wait::stats::lognormal_remaining;
use crate::wait::tail::{empirical_remaining, usable};

/// What is believed about today's durations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Speed {
    /// Posterior mean of today's mean log duration.
    mu: f64,
    /// Within-day standard deviation of log durations.
    sigma: f64,
    /// Posterior variance of today's mean log duration.
    uncertainty: f64,
    /// Change of log duration per patient waiting beyond `reference`.
    slope: f64,
    reference: f64,
    /// Mean and variance of a duration over the day's geometric mean (measured or the
    /// lognormal's).
    ratio: (f64, f64),
}

impl Speed {
    /// The belief after today's `completed` consultations, starting from `prior` (whose
    /// fields are clamped to sane ranges, so any input gives finite answers). Each
    /// consultation is first brought to the doctor's average pace at its start (minutes
    /// after `session_start`).
    pub(crate) fn today(
        prior: &DurationPrior,
        completed: &[Consultation],
        session_start: DateTime<Utc>,
    ) -> Speed {
        let clean = |x: f64, default: f64, low: f64, high: f64| {
            if x.is_finite() {
                x.clamp(low, high)
            } else {
                default
            }
        };
        let defaults = DurationPrior::default();
        let mu0 = clean(
            prior.log_mean,
            defaults.log_mean,
            0.5_f64.ln(),
            240.0_f64.ln(),
        );
        let sigma = clean(prior.log_sd, defaults.log_sd, 0.05, 2.0);
        let prior_variance = if prior.days == 0 {
            UNKNOWN_DOCTOR_SD * UNKNOWN_DOCTOR_SD
        } else {
            // The day's own spread plus the uncertainty of the mean of `days` days.
            let tau = clean(prior.day_sd, defaults.day_sd, 0.01, 2.0);
            tau * tau * (1.0 + 1.0 / f64::from(prior.days))
        };
        let slope = clean(prior.load_slope, 0.0, -MAX_LOAD_SLOPE, MAX_LOAD_SLOPE);
        let reference = clean(prior.load_reference, 0.0, 0.0, 1_000.0);
        let (mut n, mut sum) = (0.0, 0.0);
        for consultation in completed {
            if let Some(minutes) = consultation.minutes() {
                let waiting = consultation.waiting_at_start.map_or(reference, f64::from);
                n += 1.0;
                let pace = prior.pace_at(minutes_between(session_start, consultation.started_at));
                let kind = prior.length_factor(consultation.kind, consultation.visit);
                sum += minutes.clamp(0.05, 1_000.0).ln()
                    - load_shift(slope, waiting - reference)
                    - (pace * kind).ln();
            }
        }
        let precision = 1.0 / prior_variance + n / (sigma * sigma);
        Speed {
            mu: ((mu0 / prior_variance + sum / (sigma * sigma)) / precision)
                .clamp(0.1_f64.ln(), 1_000.0_f64.ln()),
            sigma,
            uncertainty: 1.0 / precision,
            slope,
            reference,
            ratio: prior.ratio_moments(sigma),
        }
    }

    /// Today's belief about a consultation that begins with `waiting` patients waiting.
    pub(crate) fn at(&self, waiting: f64) -> Speed {
        let shift = load_shift(self.slope, waiting.clamp(0.0, 1_000.0) - self.reference);
        Speed {
            mu: self.mu + shift,
            ..*self
        }
    }

    /// Today's belief about a consultation taken at `pace` times the average (a factor
    /// from [`DurationPrior::pace_at`], so finite and positive).
    pub(crate) fn paced(&self, pace: f64) -> Speed {
        Speed {
            mu: self.mu + pace.ln(),
            ..*self
        }
    }

    /// Expected length of one consultation today, minutes.
    pub(crate) fn mean(&self) -> f64 {
        (self.mu + 0.5 * self.uncertainty).exp() * self.ratio.0
    }

    /// Variance of one consultation around today's (unknown) mean length, averaged over
    /// what is believed of that mean.
    pub(crate) fn own_variance(&self) -> f64 {
        (2.0 * (self.mu + self.uncertainty)).exp() * self.ratio.1
    }

    /// Relative variance of today's speed: `n` consultations of expected total `T` vary by
    /// `T² · speed_variance()` together, on top of their own variances.
    pub(crate) fn speed_variance(&self) -> f64 {
        self.uncertainty.exp_m1()
    }

    /// Mean and variance of the rest of a consultation that has run `elapsed` minutes:
    /// `E[D − e | D > e]` under the doctor's measured duration ratios around today's
    /// geometric mean (`prior.ratio_quantiles`, with a small log-normal component for
    /// consults longer than any measured; see [`empirical_remaining`]); under today's
    /// predictive lognormal when those are not usable.
    pub(crate) fn remaining(&self, elapsed: f64, prior: &DurationPrior) -> (f64, f64) {
        if usable(&prior.ratio_quantiles)
            && let Some(rest) = empirical_remaining(
                &prior.ratio_quantiles,
                prior.consultations,
                self.mu,
                self.uncertainty.sqrt(),
                self.sigma,
                elapsed,
            )
        {
            return rest;
        }
        let spread = (self.sigma * self.sigma + self.uncertainty).sqrt();
        lognormal_remaining(self.mu, spread, elapsed)
    }

    /// Expected rest of a consultation caught at a random moment: `m (1 + cv²) / 2`
    /// (renewal theory's mean residual life).
    pub(crate) fn residual(&self) -> f64 {
        let mean = self.mean();
        0.5 * (mean + self.own_variance() / mean)
    }
}

/// The change of log duration for `beyond` more patients waiting, at most a factor of `e`
/// either way (however long the line, nobody consults in a third of their time).
fn load_shift(slope: f64, beyond: f64) -> f64 {
    (slope * beyond).clamp(-1.0, 1.0)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeDelta, Utc};

    use super::*;

    fn start() -> DateTime<Utc> {
        "2026-03-02T03:30:00Z".parse().unwrap()
    }

    fn consults(minutes: &[f64]) -> Vec<Consultation> {
        let start: DateTime<Utc> = "2026-03-02T03:30:00Z".parse().unwrap();
        minutes
            .iter()
            .map(|m| Consultation {
                started_at: start,
                ended_at: start + TimeDelta::milliseconds((m * 60_000.0) as i64),
                waiting_at_start: None,
                kind: None,
                visit: None,
            })
            .collect()
    }

    #[test]
    fn no_data_today_is_the_prior() {
        let prior = DurationPrior {
            days: 20,
            ..DurationPrior::default()
        };
        let speed = Speed::today(&prior, &[], start());
        assert!((speed.mu - prior.log_mean).abs() < 1e-12);
    }

    #[test]
    fn today_weighs_against_the_prior_by_count() {
        let prior = DurationPrior {
            log_mean: 7.0_f64.ln(),
            log_sd: 0.5,
            day_sd: 0.2,
            days: 1_000_000,
            ..DurationPrior::default()
        };
        let strength = 0.25 / 0.04; // σ²/τ²: the prior counts as 6.25 consultations.
        let today = consults(&[14.0; 5]);
        let speed = Speed::today(&prior, &today, start());
        let weight = 5.0 / (5.0 + strength);
        let expected = (1.0 - weight) * 7.0_f64.ln() + weight * 14.0_f64.ln();
        assert!(
            (speed.mu - expected).abs() < 1e-6,
            "{} vs {expected}",
            speed.mu
        );
        // Many consultations today dominate.
        let speed = Speed::today(&prior, &consults(&[14.0; 400]), start());
        assert!((speed.mu.exp() - 14.0).abs() < 0.3);
    }

    #[test]
    fn garbage_priors_and_records_stay_finite() {
        let prior = DurationPrior {
            log_mean: f64::NAN,
            log_sd: -3.0,
            day_sd: f64::INFINITY,
            load_slope: f64::NAN,
            load_reference: -4.0,
            days: 3,
            consultations: 0,
            mean_ratio: f64::NAN,
            ratio_variance: -1.0,
            pace: vec![f64::NAN, -1.0],
            kinds: KindFactors {
                booked: f64::NAN,
                walk_in: -2.0,
                phone: f64::INFINITY,
                emergency: 1e9,
            },
            visits: VisitFactors {
                first_visit: f64::NAN,
                review: -1.0,
                tele: f64::INFINITY,
            },
            ratio_quantiles: vec![f64::NAN; 32],
        };
        let mut today = consults(&[5.0, 0.0]);
        today.push(Consultation::new(today[0].ended_at, today[0].started_at));
        let speed = Speed::today(&prior, &today, start());
        for value in [
            speed.mean(),
            speed.own_variance(),
            speed.residual(),
            speed.remaining(3.0, &prior).0,
        ] {
            assert!(value.is_finite() && value >= 0.0);
        }
    }

    #[test]
    fn a_long_line_means_shorter_consultations_when_history_says_so() {
        let prior = DurationPrior {
            load_slope: -0.02,
            load_reference: 5.0,
            days: 20,
            ..DurationPrior::default()
        };
        let speed = Speed::today(&prior, &[], start());
        assert!((speed.at(5.0).mean() - speed.mean()).abs() < 1e-12);
        assert!((speed.at(15.0).mean() / speed.mean() - (-0.2_f64).exp()).abs() < 1e-12);
        // A fast consult with a long line is no sign of a fast day.
        let mut today = consults(&[7.0 * (-0.2_f64).exp(); 10]);
        for consult in &mut today {
            consult.waiting_at_start = Some(15);
        }
        let adjusted = Speed::today(&prior, &today, start());
        assert!(
            (adjusted.mu - prior.log_mean).abs() < 1e-4,
            "{}",
            adjusted.mu
        );
    }
}
