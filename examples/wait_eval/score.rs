//! Scores: error sums per day and estimator, and their summaries with day-level bootstrap
//! confidence intervals (the days are resampled, every estimator on the same resample).

use crate::rng::Rng;

/// Bootstrap resamples per interval.
const RESAMPLES: usize = 1000;

/// One day's error sums for one estimator (error = estimate − truth, minutes).
#[derive(Debug, Clone, Copy, Default)]
pub struct Sums {
    n: f64,
    abs: f64,
    err: f64,
    sq: f64,
    within: f64,
    covered50: f64,
    covered: f64,
    abs50: f64,
}

impl Sums {
    /// One estimate (its point, P50 and P90) against the wait it stood for.
    pub fn add(&mut self, estimate: Estimate, truth: f64) {
        let Estimate { point, p50, p90 } = estimate;
        let e = point - truth;
        self.n += 1.0;
        self.abs += e.abs();
        self.err += e;
        self.sq += e * e;
        self.within += f64::from(u8::from(e.abs() <= 10.0));
        self.covered50 += f64::from(u8::from(truth <= p50));
        self.covered += f64::from(u8::from(truth <= p90));
        self.abs50 += (p50 - truth).abs();
    }

    fn merge(&mut self, other: &Sums) {
        self.n += other.n;
        self.abs += other.abs;
        self.err += other.err;
        self.sq += other.sq;
        self.within += other.within;
        self.covered50 += other.covered50;
        self.covered += other.covered;
        self.abs50 += other.abs50;
    }

    pub fn count(&self) -> f64 {
        self.n
    }

    /// Mean absolute error of the points, and their mean error (bias).
    pub fn mae_and_bias(&self) -> (f64, f64) {
        let n = self.n.max(1.0);
        (self.abs / n, self.err / n)
    }

    fn metrics(&self) -> [f64; 7] {
        let n = self.n.max(1.0);
        [
            self.abs / n,
            self.err / n,
            (self.sq / n).sqrt(),
            self.within / n,
            self.covered50 / n,
            self.covered / n,
            self.abs50 / n,
        ]
    }
}

/// One estimator's answer for one token: the point (its mean), the P50 and the P90.
#[derive(Debug, Clone, Copy)]
pub struct Estimate {
    pub point: f64,
    pub p50: f64,
    pub p90: f64,
}

/// A value with its 95% interval.
#[derive(Debug, Clone, Copy)]
pub struct Interval {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// How many metrics a summary holds.
pub const METRICS: usize = 10;

/// One estimator's summary on one scenario: MAE, bias, RMSE, share within ±10 min, P50
/// coverage, P90 coverage, MAE of the P50, MAE / the baseline's (estimator 0), MAE / the
/// oracle's (estimator 1) and the P50's MAE / the oracle P50's.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub metrics: [Interval; METRICS],
}

impl Summary {
    pub fn bias(&self) -> Interval {
        self.metrics[1]
    }
    pub fn p50_coverage(&self) -> Interval {
        self.metrics[4]
    }
    pub fn coverage(&self) -> Interval {
        self.metrics[5]
    }
    pub fn vs_baseline(&self) -> Interval {
        self.metrics[7]
    }
    pub fn vs_oracle(&self) -> Interval {
        self.metrics[8]
    }
    pub fn p50_vs_oracle(&self) -> Interval {
        self.metrics[9]
    }
}

/// Summaries of each estimator from `days[d][e]` (day `d`, estimator `e`; estimator 0 is
/// the baseline, estimator 1 the oracle).
pub fn summarize(days: &[Vec<Sums>], seed: u64) -> Vec<Summary> {
    let estimators = days.first().map_or(0, Vec::len);
    let point = values(days.iter(), estimators);
    let mut rng = Rng::new(seed);
    let mut draws: Vec<Vec<[f64; METRICS]>> = vec![Vec::with_capacity(RESAMPLES); estimators];
    for _ in 0..RESAMPLES {
        let sample = (0..days.len()).map(|_| &days[rng.below(days.len())]);
        for (e, v) in values(sample, estimators).into_iter().enumerate() {
            draws[e].push(v);
        }
    }
    point
        .iter()
        .zip(&mut draws)
        .map(|(value, draws)| Summary {
            metrics: std::array::from_fn(|m| {
                let mut column: Vec<f64> = draws.iter().map(|d| d[m]).collect();
                column.sort_by(f64::total_cmp);
                let at = |q: f64| column[((q * (column.len() - 1) as f64).round()) as usize];
                Interval {
                    value: value[m],
                    low: at(0.025),
                    high: at(0.975),
                }
            }),
        })
        .collect()
}

/// The metrics of each estimator over the given days.
fn values<'a>(days: impl Iterator<Item = &'a Vec<Sums>>, estimators: usize) -> Vec<[f64; METRICS]> {
    let mut totals = vec![Sums::default(); estimators];
    for day in days {
        for (total, sums) in totals.iter_mut().zip(day) {
            total.merge(sums);
        }
    }
    let baseline_mae = totals.first().map_or(1.0, |t| t.metrics()[0]);
    let oracle = totals.get(1).map_or([1.0; 7], Sums::metrics);
    totals
        .iter()
        .map(|t| {
            let [mae, bias, rmse, within, covered50, covered, mae50] = t.metrics();
            [
                mae,
                bias,
                rmse,
                within,
                covered50,
                covered,
                mae50,
                mae / baseline_mae,
                mae / oracle[0],
                mae50 / oracle[6],
            ]
        })
        .collect()
}
