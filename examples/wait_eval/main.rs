//! Evaluates the wait estimators on simulated clinic days.
//!
//! `cargo run --release --example wait_eval`
//!
//! For each scenario (see `scenarios.rs` for the clinic and the sources of its numbers), 60
//! doctors are simulated for 30 days each. The first 20 days only build history; on each
//! of the last 10 the estimators get a [`DoctorHistory`] from the doctor's previous 20 days
//! (durations with the line at their start, no-shows, arrival offsets, return waits of late
//! patients and emergencies, as a host would record them; never today's day factor) and
//! are scored on the same snapshots: at every check-in and every 5 minutes, for every
//! waiting token, error = estimate − truth, where truth = actual start − snapshot time.
//! Tokens never seen (no-shows, and late patients who came after the doctor left) have no
//! truth and are left out, for every estimator alike.
//!
//! Three estimators are scored: the moving-average baseline, the queue estimator, and the
//! queue estimator shown no history at all (a new doctor's first day; not a target, a
//! measure of what history is worth).
//!
//! Metrics pool all estimates of the scenario's 600 days; 95% intervals come from a
//! bootstrap over days (1000 resamples, fixed seed, every estimator on the same resample).
//! Everything is seeded: the output is the same on every run. Timing goes to stderr.

mod rng;
mod scenarios;
mod score;
mod sim;

use std::collections::VecDeque;
use std::time::Instant;

use chrono::{DateTime, TimeDelta, Utc};
use medsched::{
    wait::DoctorHistory, wait::MovingAverageEstimator, wait::QueueEstimator, wait::QueueSnapshot,
    wait::WaitEstimate, wait::WaitEstimator,
};

use crate::rng::{Rng, seed_of};
use crate::scenarios::Scenario;
use crate::score::{Summary, Sums};
use crate::sim::{Doctor, simulate};

const DOCTORS: u64 = 60;
const HISTORY_DAYS: usize = 20;
const SCORED_DAYS: usize = 10;
const METRICS: [&str; 6] = [
    "MAE",
    "bias",
    "RMSE",
    "within ±10",
    "P90 coverage",
    "MAE / base",
];

/// An estimator shown no history: the defaults and today's data only (how a new doctor's
/// first day would go). Not a target, a measure of what history is worth.
struct WithoutHistory<E>(E);

impl<E: WaitEstimator> WaitEstimator for WithoutHistory<E> {
    fn name(&self) -> &'static str {
        "queue, no history"
    }

    fn estimate(&self, queue: &QueueSnapshot, _: &DoctorHistory) -> Vec<WaitEstimate> {
        self.0.estimate(queue, &DoctorHistory::default())
    }
}

/// One scenario's results.
struct Outcome {
    summaries: Vec<Summary>,
    days: usize,
    snapshots: usize,
    estimates: f64,
    unserved: usize,
}

fn main() {
    let started = Instant::now();
    let estimators: Vec<Box<dyn WaitEstimator + Sync>> = vec![
        Box::new(MovingAverageEstimator::default()),
        Box::new(QueueEstimator),
        Box::new(WithoutHistory(QueueEstimator)),
    ];
    let scenarios = scenarios::all();
    let estimators = &estimators;
    let outcomes: Vec<Outcome> = std::thread::scope(|scope| {
        let runs: Vec<_> = scenarios
            .iter()
            .enumerate()
            .map(|(i, scenario)| scope.spawn(move || run(i as u64, scenario, estimators)))
            .collect();
        runs.into_iter()
            .map(|r| r.join().expect("a scenario run panicked"))
            .collect()
    });

    println!("| scenario | estimator | {} |", METRICS.join(" | "));
    println!("|---|---|{}", "---:|".repeat(METRICS.len()));
    for (scenario, outcome) in scenarios.iter().zip(&outcomes) {
        for (estimator, summary) in estimators.iter().zip(&outcome.summaries) {
            let cells: Vec<String> = summary
                .metrics
                .iter()
                .enumerate()
                .map(|(m, i)| {
                    let digits = if m >= 3 { 2 } else { 1 };
                    format!(
                        "{:.digits$} [{:.digits$}, {:.digits$}]",
                        i.value, i.low, i.high
                    )
                })
                .collect();
            println!(
                "| {} | {} | {} |",
                scenario.name,
                estimator.name(),
                cells.join(" | ")
            );
        }
    }
    println!();
    for (scenario, outcome) in scenarios.iter().zip(&outcomes) {
        println!(
            "{}: {} days, {} snapshots, {} estimates scored, {} left out (never seen)",
            scenario.name, outcome.days, outcome.snapshots, outcome.estimates, outcome.unserved
        );
    }
    println!();
    println!("targets (queue estimator):");
    let mut all_met = true;
    let mut check = |what: String, value: f64, met: bool| {
        all_met &= met;
        let verdict = if met { "met" } else { "MISSED" };
        println!("  {what}: {value:.3} {verdict}");
    };
    let base = &outcomes[0].summaries[1];
    check(
        "base: MAE / baseline MAE <= 0.8".into(),
        base.ratio(),
        base.ratio() <= 0.8,
    );
    let coverage = base.coverage();
    check(
        "base: P90 coverage in [0.85, 0.95]".into(),
        coverage,
        (0.85..=0.95).contains(&coverage),
    );
    check(
        "base: |bias| <= 1.5 min".into(),
        base.bias(),
        base.bias().abs() <= 1.5,
    );
    for (scenario, outcome) in scenarios.iter().zip(&outcomes) {
        let ratio = outcome.summaries[1].ratio();
        check(
            format!("{}: MAE / baseline MAE <= 0.9", scenario.name),
            ratio,
            ratio <= 0.9,
        );
    }
    println!("all targets met: {}", if all_met { "yes" } else { "NO" });
    eprintln!("wait_eval ran in {:.2} s", started.elapsed().as_secs_f64());
}

/// Simulates and scores one scenario.
fn run(index: u64, scenario: &Scenario, estimators: &[Box<dyn WaitEstimator + Sync>]) -> Outcome {
    let params = &scenario.params;
    let first_day: DateTime<Utc> = "2026-01-05T03:30:00Z".parse().expect("a valid instant");
    let mut days = Vec::new();
    let (mut snapshots, mut unserved) = (0, 0);
    for d in 0..DOCTORS {
        let mut rng = Rng::new(seed_of(&[index, d]));
        let log_median = params.median_minutes.ln() + params.doctor_sd * rng.normal();
        let mut past = VecDeque::with_capacity(HISTORY_DAYS + 1);
        for day in 0..HISTORY_DAYS + SCORED_DAYS {
            let mut rng = Rng::new(seed_of(&[index, d, day as u64]));
            let doctor = Doctor {
                log_median,
                day_log_factor: params.day_sd * rng.normal(),
            };
            let scored = day >= HISTORY_DAYS;
            let base = first_day + TimeDelta::days((d as i64) * 100 + day as i64);
            let moments = scored.then_some(scenario.moments);
            let simulated = simulate(params, &doctor, base, moments, &mut rng);
            if scored {
                let history = DoctorHistory::from_days(past.make_contiguous())
                    .expect("simulated days are valid history");
                let mut sums = vec![Sums::default(); estimators.len()];
                for shot in &simulated.snapshots {
                    snapshots += 1;
                    unserved += shot.truth.iter().filter(|t| t.is_none()).count();
                    for (estimator, sums) in estimators.iter().zip(&mut sums) {
                        let estimates = estimator.estimate(&shot.queue, &history);
                        for (estimate, truth) in estimates.iter().zip(&shot.truth) {
                            if let Some(truth) = truth {
                                sums.add(estimate.minutes, estimate.p90_minutes, *truth);
                            }
                        }
                    }
                }
                days.push(sums);
            }
            past.push_back(simulated.past);
            if past.len() > HISTORY_DAYS {
                past.pop_front();
            }
        }
    }
    Outcome {
        summaries: score::summarize(&days, seed_of(&[index, 0xB00])),
        days: days.len(),
        snapshots,
        estimates: days.iter().map(|d| d[0].count()).sum(),
        unserved,
    }
}
