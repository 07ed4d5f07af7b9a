//! The rest of the consult in progress, from the doctor's own durations rather than a
//! parametric form.
//!
//! The history keeps the quantiles of a duration over its day's geometric mean
//! ([`DurationPrior::ratio_quantiles`](crate::wait::DurationPrior::ratio_quantiles)). A
//! consult today is `D = G · X`: `G` today's geometric mean (log-normal around what is
//! believed of today, `ln G ~ N(μ, v)`) and `X` drawn from the measured ratios, each
//! quantile smoothed by a log-normal kernel of width `h` (Silverman's rule on the log
//! ratios) and scaled so the kernel keeps its mean. So `ln D` is a mixture of normals
//! `N(μ + ln qᵢ − h²/2, v + h²)`, one per quantile, of equal weight, and the rest of a
//! consult that has run `e` minutes is `E[D − e | D > e]` under that mixture: the quantiles
//! the consult has outlived drop out, the shape of the tail is the doctor's own (a bimodal
//! doctor's long mode, a gamma tail that thins faster than a log-normal's).
//!
//! A consult that outlives everything the doctor has done is not almost over: the mixture
//! keeps a log-normal component (the fitted log-sd) of weight `8 / (n + 8)` for `n` measured
//! ratios (the shrinkage the duration model uses elsewhere), which takes over once the
//! empirical components have no mass left beyond `e`.

use crate::wait::stats::ln_norm_cdf;

/// Quantiles kept of a duration over its day's geometric mean.
pub(crate) const RATIO_QUANTILES: usize = 32;
/// The fewest ratios (consultations on days with two or more) worth an empirical tail.
pub(crate) const MIN_TAIL_RATIOS: usize = 60;
/// The log-normal component weighs as many consultations.
const PARAMETRIC_WEIGHT: f64 = 8.0;
/// At most this many quantiles of a hand-built history are read (bounded work per call).
const MAX_QUANTILES: usize = 64;

/// The quantiles of `ratios` at levels `(k + ½) / RATIO_QUANTILES` (linear between order
/// statistics); empty when fewer than `MIN_TAIL_RATIOS` are given.
pub(crate) fn ratio_quantiles(mut ratios: Vec<f64>) -> Vec<f64> {
    ratios.retain(|r| r.is_finite() && *r > 0.0);
    if ratios.len() < MIN_TAIL_RATIOS {
        return Vec::new();
    }
    ratios.sort_by(f64::total_cmp);
    let last = (ratios.len() - 1) as f64;
    let mut quantiles: Vec<f64> = (0..RATIO_QUANTILES)
        .map(|k| {
            let at = (k as f64 + 0.5) / RATIO_QUANTILES as f64 * last;
            let (low, w) = (at.floor() as usize, at.fract());
            let high = (low + 1).min(ratios.len() - 1);
            ratios[low] * (1.0 - w) + ratios[high] * w
        })
        .collect();
    // Interpolating between equal order statistics can come out an ulp apart.
    quantiles.sort_by(f64::total_cmp);
    quantiles
}

/// A usable set of quantiles: 8 to 64 finite values in 0.01–100, non-decreasing (a
/// hand-built history's otherwise falls back to the log-normal tail).
pub(crate) fn usable(quantiles: &[f64]) -> bool {
    (8..=MAX_QUANTILES).contains(&quantiles.len())
        && quantiles
            .iter()
            .all(|q| q.is_finite() && (0.01..=100.0).contains(q))
        && quantiles.windows(2).all(|w| w[0] <= w[1])
}

/// Mean and variance of `D − elapsed` given `D > elapsed`, `ln D` the mixture of
/// `N(mu + ln qᵢ − h²/2, spread² + h²)` over the usable `quantiles` (the kernel width `h`
/// from Silverman's rule for `observations` ratios) and of `N(mu, spread² + sigma²)`, of
/// weight `8 / (observations + 8)`. `None` when nothing of the mixture is left beyond
/// `elapsed` (the caller's parametric tail answers).
pub(crate) fn empirical_remaining(
    quantiles: &[f64],
    observations: u32,
    mu: f64,
    spread: f64,
    sigma: f64,
    elapsed: f64,
) -> Option<(f64, f64)> {
    let logs: Vec<f64> = quantiles.iter().map(|q| q.ln()).collect();
    let k = logs.len() as f64;
    let mean = logs.iter().sum::<f64>() / k;
    let sd = (logs.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / k).sqrt();
    let n = f64::from(observations.max(1));
    let h = (1.06 * sd * n.powf(-0.2)).clamp(0.02, 1.0);
    let parametric = PARAMETRIC_WEIGHT / (n + PARAMETRIC_WEIGHT);
    let each = ((1.0 - parametric) / k).ln();
    let kernel = (spread * spread + h * h).sqrt();
    let components = logs
        .iter()
        .map(|l| (each, mu + l - 0.5 * h * h, kernel))
        .chain(std::iter::once((
            parametric.ln(),
            mu,
            (spread * spread + sigma * sigma).sqrt(),
        )));
    let (mut survival, mut first, mut second) = (Lse::new(), Lse::new(), Lse::new());
    let ln_e = if elapsed > 0.0 {
        elapsed.ln()
    } else {
        f64::NEG_INFINITY
    };
    for (weight, m, s) in components {
        let a = (ln_e - m) / s;
        survival.add(weight + ln_norm_cdf(-a));
        first.add(weight + m + 0.5 * s * s + ln_norm_cdf(s - a));
        second.add(weight + 2.0 * (m + s * s) + ln_norm_cdf(2.0 * s - a));
    }
    let alive = survival.value();
    if !alive.is_finite() || alive < -700.0 {
        return None;
    }
    let mean_total = (first.value() - alive).exp();
    let square = (second.value() - alive).exp();
    let rest = (mean_total - elapsed.max(0.0)).max(0.0);
    let variance = (square - mean_total * mean_total).max(0.0);
    (rest.is_finite() && variance.is_finite()).then_some((rest, variance))
}

/// A running log-sum-exp.
struct Lse {
    max: f64,
    sum: f64,
}

impl Lse {
    fn new() -> Lse {
        Lse {
            max: f64::NEG_INFINITY,
            sum: 0.0,
        }
    }

    fn add(&mut self, x: f64) {
        if x.is_nan() || x == f64::NEG_INFINITY {
            return;
        }
        if x > self.max {
            self.sum = self.sum * (self.max - x).exp() + 1.0;
            self.max = x;
        } else {
            self.sum += (x - self.max).exp();
        }
    }

    fn value(&self) -> f64 {
        self.max + self.sum.ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wait::stats::lognormal_remaining;

    /// The oracle: the rest of a consult under the sample itself, `mean(D − e | D > e)`
    /// over the consults that outlast `e`.
    fn sample_rest(sample: &[f64], elapsed: f64) -> f64 {
        let left: Vec<f64> = sample.iter().filter(|d| **d > elapsed).copied().collect();
        left.iter().map(|d| d - elapsed).sum::<f64>() / left.len() as f64
    }

    /// A bimodal doctor: 70% near 4 minutes, 30% near 15.
    fn bimodal() -> Vec<f64> {
        (0..1000)
            .map(|i| {
                let u = (f64::from(i) + 0.5) / 1000.0;
                if u < 0.7 {
                    3.0 + 2.0 * u / 0.7
                } else {
                    13.0 + 4.0 * (u - 0.7) / 0.3
                }
            })
            .collect()
    }

    #[test]
    fn quantiles_need_enough_ratios() {
        assert!(ratio_quantiles(vec![1.0; MIN_TAIL_RATIOS - 1]).is_empty());
        let q = ratio_quantiles((1..=100).map(f64::from).collect());
        assert_eq!(q.len(), RATIO_QUANTILES);
        assert!(usable(&q));
        // Equal ratios (interpolated an ulp apart) still give ascending quantiles.
        let ties: Vec<f64> = (0..300)
            .map(|i| [0.66, 2.64][usize::from(i % 10 >= 7)])
            .collect();
        assert!(usable(&ratio_quantiles(ties)));
        assert!(
            (q[0] - 2.55).abs() < 0.1 && (q[31] - 98.45).abs() < 0.1,
            "{q:?}"
        );
    }

    #[test]
    fn follows_the_doctors_own_tail() {
        let sample = bimodal();
        let quantiles = ratio_quantiles(sample.clone());
        // Today's geometric mean is known (spread 0); the ratios are the minutes themselves.
        for elapsed in [0.0, 2.0, 4.5, 8.0, 11.0] {
            let (rest, variance) =
                empirical_remaining(&quantiles, 1000, 0.0, 0.0, 0.5, elapsed).unwrap();
            let truth = sample_rest(&sample, elapsed);
            assert!(
                (rest - truth).abs() < 0.12 * truth + 0.3,
                "{elapsed}: {rest} vs {truth}"
            );
            assert!(variance >= 0.0);
        }
        // Past the short mode, the long one is what is left: about 10 more minutes, where a
        // log-normal with the sample's log moments says about 5.
        let (rest, _) = empirical_remaining(&quantiles, 1000, 0.0, 0.0, 0.5, 6.0).unwrap();
        let logs: Vec<f64> = sample.iter().map(|d| d.ln()).collect();
        let mu = logs.iter().sum::<f64>() / 1000.0;
        let sigma = (logs.iter().map(|l| (l - mu).powi(2)).sum::<f64>() / 1000.0).sqrt();
        let (parametric, _) = lognormal_remaining(mu, sigma, 6.0);
        assert!(rest > 8.0 && parametric < 7.0, "{rest} vs {parametric}");
    }

    #[test]
    fn rejects_unusable_quantiles_and_stays_finite() {
        assert!(!usable(&[1.0; 4]));
        assert!(!usable(&[f64::NAN; 16]));
        assert!(!usable(&(0..16).rev().map(f64::from).collect::<Vec<_>>()));
        let q = ratio_quantiles((1..=100).map(f64::from).collect());
        for elapsed in [-5.0, 0.0, 1e-9, 50.0, 1e6, f64::NAN] {
            if let Some((rest, variance)) = empirical_remaining(&q, 0, 1.0, 0.3, 0.5, elapsed) {
                assert!(rest.is_finite() && rest >= 0.0 && variance.is_finite());
            }
        }
    }
}
