//! The few distributions the estimators need: the normal (CDF, density, tails in log space,
//! truncation), the lognormal (a duration's remaining part once it has run
//! for a while) and the lognormal approximation of a positive sum (its 90th percentile).
//!
//! `erfc` is the Chebyshev fit of Press et al., *Numerical Recipes* (2nd ed., §6.2), with a
//! relative error below 1.2e-7 everywhere, so tails stay accurate far out.

/// The standard normal quantile of 0.9.
pub(crate) const Z90: f64 = 1.281_551_565_544_600_4;

use std::sync::OnceLock;

const SQRT_2: f64 = std::f64::consts::SQRT_2;
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// `ln erfc(x)` for `x >= 0` (the fit's own form, so it never underflows).
fn ln_erfc_nonneg(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.5 * x);
    t.ln() - x * x + erfc_poly(t)
}

/// The fit's polynomial: `erfc(x) = t · exp(poly(t) − x²)` with `t = 1 / (1 + x/2)`.
fn erfc_poly(t: f64) -> f64 {
    -1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))))
}

/// The standard normal CDF, Φ(z). NaN gives 0.5.
pub(crate) fn norm_cdf(z: f64) -> f64 {
    if z.is_nan() {
        return 0.5;
    }
    let x = z.abs() / SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * x);
    let half_tail = 0.5 * t * (erfc_poly(t) - x * x).exp();
    if z < 0.0 { half_tail } else { 1.0 - half_tail }
}

/// Grid of the tabulated normal: `1 / STEPS_PER_SD` apart over `±TABLE_REACH`.
const STEPS_PER_SD: f64 = 64.0;
const TABLE_REACH: f64 = 5.0;

/// Φ(z) and φ(z) read from a table by linear interpolation (absolute error below 2e-5), for
/// the estimators' inner loops; beyond ±5 the tails are taken as 0 and 1.
pub(crate) fn norm_cdf_pdf_fast(z: f64) -> (f64, f64) {
    static TABLE: OnceLock<Vec<(f64, f64)>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let points = (2.0 * TABLE_REACH * STEPS_PER_SD) as usize + 1;
        (0..points)
            .map(|i| {
                let z = i as f64 / STEPS_PER_SD - TABLE_REACH;
                (norm_cdf(z), norm_pdf(z))
            })
            .collect()
    });
    if z.is_nan() {
        return (0.5, norm_pdf(0.0));
    }
    let position = (z + TABLE_REACH) * STEPS_PER_SD;
    if position <= 0.0 {
        return (0.0, 0.0);
    }
    if position >= (table.len() - 1) as f64 {
        return (1.0, 0.0);
    }
    let i = position as usize;
    let (w, (c0, d0), (c1, d1)) = (position - i as f64, table[i], table[i + 1]);
    (c0 + w * (c1 - c0), d0 + w * (d1 - d0))
}

/// `ln Φ(z)`, accurate in the far lower tail. NaN gives `ln 0.5`.
pub(crate) fn ln_norm_cdf(z: f64) -> f64 {
    if z.is_nan() {
        return -std::f64::consts::LN_2;
    }
    if z < 0.0 {
        -std::f64::consts::LN_2 + ln_erfc_nonneg(-z / SQRT_2)
    } else {
        (-0.5 * ln_erfc_nonneg(z / SQRT_2).exp()).ln_1p()
    }
}

/// The standard normal density, φ(z).
pub(crate) fn norm_pdf(z: f64) -> f64 {
    (-0.5 * z * z - LN_SQRT_2PI).exp()
}

/// Mean and variance of a normal `N(mean, sd²)` truncated to values above `floor`.
pub(crate) fn truncated_below(mean: f64, sd: f64, floor: f64) -> (f64, f64) {
    if sd <= 0.0 {
        return (mean.max(floor), 0.0);
    }
    let alpha = (floor - mean) / sd;
    // Inverse Mills ratio φ(α) / (1 − Φ(α)), in log space for far tails.
    let mills = (-0.5 * alpha * alpha - LN_SQRT_2PI - ln_norm_cdf(-alpha)).exp();
    let variance = sd * sd * (1.0 + alpha * mills - mills * mills);
    ((mean + sd * mills).max(floor), variance.max(0.0))
}

/// Mean and variance of `D − elapsed` given `D > elapsed`, for a lognormal duration
/// `ln D ~ N(mu, sigma²)`: the expected rest of a consultation that has run `elapsed`.
///
/// At `elapsed <= 0` this is the plain mean and variance of `D`.
pub(crate) fn lognormal_remaining(mu: f64, sigma: f64, elapsed: f64) -> (f64, f64) {
    let mean = (mu + 0.5 * sigma * sigma).exp();
    let variance = mean * mean * ((sigma * sigma).exp() - 1.0);
    if elapsed.is_nan() || elapsed <= 0.0 || sigma <= 0.0 {
        let rest = if elapsed > 0.0 {
            (mean - elapsed).max(0.0)
        } else {
            mean
        };
        return (rest, if sigma > 0.0 { variance } else { 0.0 });
    }
    let a = (elapsed.ln() - mu) / sigma;
    let ln_survival = ln_norm_cdf(-a);
    let ln_first = mu + 0.5 * sigma * sigma + ln_norm_cdf(sigma - a) - ln_survival;
    let ln_second = 2.0 * (mu + sigma * sigma) + ln_norm_cdf(2.0 * sigma - a) - ln_survival;
    let first = ln_first.exp();
    let rest = (first - elapsed).max(0.0);
    let spread = (ln_second.exp() - first * first).max(0.0);
    if rest.is_finite() && spread.is_finite() {
        (rest, spread)
    } else {
        (0.0, 0.0)
    }
}

/// The median of a positive quantity known by its mean and variance, read from the
/// lognormal with those two moments (`mean / √(1 + cv²)`); the mean itself when the variance
/// is not a usable number, 0 for a mean that is not positive.
pub(crate) fn p50_from_moments(mean: f64, variance: f64) -> f64 {
    if mean.is_nan() || mean <= 0.0 {
        return 0.0;
    }
    let p50 = mean / (1.0 + variance.max(0.0) / (mean * mean)).sqrt();
    if p50.is_finite() { p50 } else { mean }
}

/// The 90th percentile of a positive quantity known by its mean and variance, read from
/// the lognormal with those two moments (Fenton–Wilkinson); never below the mean (the mean
/// itself when the variance is not a usable number).
pub(crate) fn p90_from_moments(mean: f64, variance: f64) -> f64 {
    if mean.is_nan() || mean <= 0.0 {
        return 0.0;
    }
    let s2 = (variance.max(0.0) / (mean * mean)).ln_1p();
    let s = s2.sqrt();
    let p90 = mean * (Z90 * s - 0.5 * s2).exp();
    if p90.is_finite() { p90.max(mean) } else { mean }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_matches_the_functions() {
        for i in -700..=700 {
            let z = f64::from(i) / 100.0 + 0.003;
            let (cdf, pdf) = norm_cdf_pdf_fast(z);
            assert!((cdf - norm_cdf(z)).abs() < 1e-5, "{z}");
            assert!((pdf - norm_pdf(z)).abs() < 2e-5, "{z}");
        }
        assert_eq!(norm_cdf_pdf_fast(f64::NEG_INFINITY), (0.0, 0.0));
        assert_eq!(norm_cdf_pdf_fast(f64::INFINITY), (1.0, 0.0));
    }

    #[test]
    fn normal_cdf_matches_known_values_and_tails() {
        assert!((norm_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((norm_cdf(Z90) - 0.9).abs() < 1e-7);
        assert!((norm_cdf(-1.959_964) - 0.025).abs() < 1e-7);
        // ln Φ(−30) ≈ −454.32 (Mills ratio asymptotics); no underflow to −∞.
        let far = ln_norm_cdf(-30.0);
        assert!((far + 454.321_2).abs() < 1e-3, "{far}");
        assert!(ln_norm_cdf(8.0).abs() < 1e-12);
    }

    /// Midpoint-rule integration of E[D − e | D > e] for a lognormal.
    fn integrated_remaining(mu: f64, sigma: f64, elapsed: f64) -> f64 {
        let (mut mass, mut moment) = (0.0, 0.0);
        let step = 0.001;
        let mut x = elapsed + step / 2.0;
        while x < 400.0 {
            let z = (x.ln() - mu) / sigma;
            let density = norm_pdf(z) / (x * sigma);
            mass += density * step;
            moment += (x - elapsed) * density * step;
            x += step;
        }
        moment / mass
    }

    #[test]
    fn remaining_time_is_the_conditional_expectation() {
        let (mu, sigma) = (7.0_f64.ln(), 0.5);
        let (fresh, _) = lognormal_remaining(mu, sigma, 0.0);
        assert!((fresh - (mu + sigma * sigma / 2.0).exp()).abs() < 1e-12);
        for elapsed in [2.0, 7.0, 15.0, 30.0] {
            let (rest, _) = lognormal_remaining(mu, sigma, elapsed);
            let truth = integrated_remaining(mu, sigma, elapsed);
            assert!(
                (rest - truth).abs() < 0.01 * truth,
                "{elapsed}: {rest} vs {truth}"
            );
        }
    }

    #[test]
    fn a_running_consult_ends_later_the_longer_it_has_run() {
        let (mu, sigma) = (7.0_f64.ln(), 0.5);
        let mut last_end = 0.0;
        let mut rests = Vec::new();
        for tenth in 0..=600 {
            let elapsed = f64::from(tenth) / 10.0;
            let (rest, spread) = lognormal_remaining(mu, sigma, elapsed);
            assert!(rest > 0.0 && spread > 0.0, "{elapsed}");
            let end = elapsed + rest;
            assert!(
                end >= last_end - 1e-5,
                "expected end must grow at {elapsed}"
            );
            last_end = end;
            rests.push(rest);
        }
        // Lognormal hazards fall in the tail: a consult far past its median has more to go
        // than one just past it (unlike a clamped average, which says "nearly done").
        assert!(rests[600] > rests[100], "{} vs {}", rests[600], rests[100]);
        assert!(rests[100] < rests[0]);
    }

    #[test]
    fn truncation_moments() {
        let (mean, variance) = truncated_below(0.0, 1.0, 0.0);
        assert!((mean - (2.0 / std::f64::consts::PI).sqrt()).abs() < 1e-6);
        assert!((variance - (1.0 - 2.0 / std::f64::consts::PI)).abs() < 1e-6);
        let (far, _) = truncated_below(0.0, 1.0, 40.0);
        assert!((40.0..40.1).contains(&far));
    }

    #[test]
    fn p90_of_a_lognormal_is_exact() {
        let (mu, sigma) = (2.0, 0.5);
        let mean = (mu + sigma * sigma / 2.0_f64).exp();
        let variance = mean * mean * ((sigma * sigma).exp() - 1.0);
        let exact = (mu + Z90 * sigma).exp();
        assert!((p90_from_moments(mean, variance) - exact).abs() < 1e-9);
        assert_eq!(p90_from_moments(0.0, 4.0), 0.0);
        assert_eq!(p90_from_moments(f64::NAN, 4.0), 0.0);
    }
}
