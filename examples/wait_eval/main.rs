//! Evaluates the wait estimators on simulated clinic days that break their assumptions.
//!
//! `cargo run --release --example wait_eval`
//!
//! For each scenario (see `scenarios.rs` for the clinic, what it breaks and the sources of
//! its numbers), 30 doctors are simulated for 30 days each. The first 20 days only build
//! history; on each of the last 10 the estimators get a [`DoctorHistory`] from the doctor's
//! previous 20 days (as a host would record them; never today) and are scored on the same
//! snapshots: every 10 minutes from 08:30 and at every check-in, for every waiting token,
//! error = estimate − truth, truth = actual start − snapshot time. Tokens never seen
//! (no-shows, late patients arriving after the doctor left) have no truth and are left out
//! for every estimator alike.
//!
//! Three estimators are scored:
//!
//! - **seed**: the seed's naive formula, exactly: the average of the last 30 completed
//!   consults × the patients present and ahead, plus `max(average − elapsed, 0)` while a
//!   consult runs (P90: × 1.5, a rule of thumb; the seed gives none);
//! - **oracle**: Monte-Carlo over the true generating process from the snapshot's state,
//!   knowing the day's hidden state (today's mean consult, the doctor's start) and the
//!   true effect of each waiting patient's visit type: the mean, the median and the 90th percentile of 30
//!   forward runs;
//! - **queue**: `QueueEstimator`, the model alone;
//! - **calibrated**: `CalibratedQueueEstimator`, the model corrected by the doctor's own
//!   past residuals: on every day (history days included) the host records the model's
//!   estimates at the same moments and what each patient then waited (`PastDay::estimates`),
//!   so the calibration of a scored day rests on the previous 20 days only.
//!
//! Metrics pool all estimates of the scenario's 300 days; 95% intervals come from a
//! bootstrap over days (1000 resamples, fixed seed, every estimator on the same resample,
//! so ratios are paired). Everything is seeded: the output is the same on every run.
//!
//! `WAIT_EVAL_SEEDS=confirmation` draws every scenario from a second, disjoint seed set (the
//! default, `development`, is the one estimator changes were measured on);
//! `WAIT_EVAL_DOCTORS=n` simulates `n` doctors per scenario instead of 30 (a cheaper run
//! while developing).

mod rng;
mod scenarios;
mod score;
mod sim;

use std::collections::VecDeque;
use std::time::Instant;

use chrono::{DateTime, TimeDelta, Utc};
use medsched::wait::{
    CalibratedQueueEstimator, DoctorHistory, PastEstimate, QueueEstimator, QueueSnapshot,
    WaitEstimator,
};

use crate::rng::{Rng, seed_of};
use crate::scenarios::Scenario;
use crate::score::{Estimate, Summary, Sums};
use crate::sim::{Hidden, simulate};

const DOCTORS: u64 = 30;
/// Added to a scenario's index in every seed of the confirmation seed set.
const CONFIRMATION_SEEDS: u64 = 1_000;
const HISTORY_DAYS: usize = 20;
const SCORED_DAYS: usize = 10;
const ESTIMATORS: [&str; 4] = ["seed", "oracle", "queue", "calibrated"];
const METRICS: [&str; score::METRICS] = [
    "MAE",
    "bias",
    "RMSE",
    "within ±10",
    "P50 coverage",
    "P90 coverage",
    "P50 MAE",
    "MAE / seed",
    "MAE / oracle",
    "P50 MAE / oracle's",
];

/// The seed's naive estimate for each waiting token: `avg × present ahead + max(avg −
/// elapsed, 0)`, `avg` the mean of the last 30 completed consults (today's latest first,
/// then the history's latest). The seed gives no interval; P50 = the estimate, P90 = 1.5 ×
/// the estimate.
fn seed_estimates(queue: &QueueSnapshot, history: &DoctorHistory) -> Vec<Estimate> {
    let today = queue.completed.iter().rev().filter_map(|c| c.minutes());
    let last: Vec<f64> = today
        .chain(history.recent_minutes.iter().rev().copied())
        .take(30)
        .collect();
    let avg = if last.is_empty() {
        history.durations.mean_minutes()
    } else {
        last.iter().sum::<f64>() / last.len() as f64
    };
    let current = queue.consulting_since.map_or(0.0, |since| {
        let elapsed = (queue.now - since).num_milliseconds() as f64 / 60_000.0;
        (avg - elapsed).max(0.0)
    });
    let mut ahead = 0.0;
    queue
        .waiting
        .iter()
        .map(|token| {
            let estimate = avg * ahead + current;
            ahead += f64::from(u8::from(token.present));
            Estimate {
                point: estimate,
                p50: estimate,
                p90: 1.5 * estimate,
            }
        })
        .collect()
}

/// Where the calibrated estimator's error comes from: estimates grouped by the state of
/// the line (the doctor not in yet, a consult running, the doctor free) and by the oracle's
/// horizon (its mean wait, bucketed as the calibration's horizons), each group's sums for
/// the oracle and the calibrated estimator.
const PHASES: [&str; 3] = ["doctor not in", "consult running", "doctor free"];
const HORIZONS: [&str; 5] = ["< 10", "10–25", "25–50", "50–90", ">= 90"];

fn group(queue: &QueueSnapshot, oracle_mean: f64) -> (usize, usize) {
    let phase = if !queue.doctor_in() {
        0
    } else if queue.consulting_since.is_some() {
        1
    } else {
        2
    };
    let horizon = medsched::wait::HORIZON_EDGES
        .iter()
        .take_while(|edge| oracle_mean >= **edge)
        .count();
    (phase, horizon)
}

/// One scenario's results.
struct Outcome {
    breakdown: Vec<[Sums; 2]>,
    summaries: Vec<Summary>,
    days: usize,
    snapshots: usize,
    estimates: f64,
    unserved: usize,
}

/// The seed set and the doctors per scenario, from `WAIT_EVAL_SEEDS` and
/// `WAIT_EVAL_DOCTORS`.
fn configuration() -> (u64, u64) {
    let seeds = match std::env::var("WAIT_EVAL_SEEDS").as_deref() {
        Ok("confirmation") => CONFIRMATION_SEEDS,
        Ok("development") | Err(_) => 0,
        Ok(other) => panic!("WAIT_EVAL_SEEDS={other}: development or confirmation"),
    };
    let doctors = std::env::var("WAIT_EVAL_DOCTORS").map_or(DOCTORS, |n| {
        n.parse()
            .ok()
            .filter(|n| *n > 0)
            .unwrap_or_else(|| panic!("WAIT_EVAL_DOCTORS={n}: a positive count"))
    });
    (seeds, doctors)
}

fn main() {
    let started = Instant::now();
    let (seeds, doctors) = configuration();
    let scenarios = scenarios::all();
    let outcomes: Vec<Outcome> = std::thread::scope(|scope| {
        let runs: Vec<_> = scenarios
            .iter()
            .enumerate()
            .map(|(i, scenario)| scope.spawn(move || run(seeds + i as u64, doctors, scenario)))
            .collect();
        runs.into_iter()
            .map(|r| r.join().expect("a scenario run panicked"))
            .collect()
    });

    println!("| scenario | estimator | {} |", METRICS.join(" | "));
    println!("|---|---|{}", "---:|".repeat(METRICS.len()));
    for (scenario, outcome) in scenarios.iter().zip(&outcomes) {
        for (estimator, summary) in ESTIMATORS.iter().zip(&outcome.summaries) {
            let cells: Vec<String> = summary
                .metrics
                .iter()
                .enumerate()
                .map(|(m, i)| {
                    let digits = if m >= 3 && m != 6 { 2 } else { 1 };
                    format!(
                        "{:.digits$} [{:.digits$}, {:.digits$}]",
                        i.value, i.low, i.high
                    )
                })
                .collect();
            println!(
                "| {} | {estimator} | {} |",
                scenario.name,
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
    println!("targets (calibrated estimator; point value, 95% interval):");
    let mut met = 0;
    let mut total = 0;
    let mut check = |what: String, value: score::Interval, ok: bool| {
        total += 1;
        met += usize::from(ok);
        let verdict = if ok { "met" } else { "MISSED" };
        println!(
            "  {what}: {:.3} [{:.3}, {:.3}] {verdict}",
            value.value, value.low, value.high
        );
    };
    for (scenario, outcome) in scenarios.iter().zip(&outcomes) {
        let queue = &outcome.summaries[3];
        let name = scenario.name;
        let ratio = queue.vs_oracle();
        check(
            format!("{name}: MAE / oracle MAE <= 1.15"),
            ratio,
            ratio.value <= 1.15,
        );
        let coverage = queue.coverage();
        check(
            format!("{name}: P90 coverage in [0.88, 0.92]"),
            coverage,
            (0.88..=0.92).contains(&coverage.value),
        );
        let bias = queue.bias();
        check(
            format!("{name}: |bias| <= 1 min"),
            bias,
            bias.value.abs() <= 1.0,
        );
    }
    let ordinary = outcomes[0].summaries[3].vs_baseline();
    check(
        "ordinary: MAE / seed MAE <= 0.75".into(),
        ordinary,
        ordinary.value <= 0.75,
    );
    println!("targets met: {met} of {total}");
    println!("also (not targets; P50 coverage should be near 0.50):");
    for (scenario, outcome) in scenarios.iter().zip(&outcomes) {
        let calibrated = &outcome.summaries[3];
        let (coverage, ratio) = (calibrated.p50_coverage(), calibrated.p50_vs_oracle());
        println!(
            "  {}: P50 coverage {:.3} [{:.3}, {:.3}], P50 MAE / oracle P50 MAE {:.3} [{:.3}, {:.3}]",
            scenario.name,
            coverage.value,
            coverage.low,
            coverage.high,
            ratio.value,
            ratio.low,
            ratio.high
        );
    }
    let set = if seeds == 0 {
        "development"
    } else {
        "confirmation"
    };
    println!(
        "where the error is (calibrated vs oracle; share of estimates, MAE, MAE / oracle's, bias):"
    );
    for (scenario, outcome) in scenarios.iter().zip(&outcomes) {
        let total: f64 = outcome.breakdown[..PHASES.len()]
            .iter()
            .map(|g| g[0].count())
            .sum();
        let cells: Vec<String> = PHASES
            .iter()
            .chain(&HORIZONS)
            .zip(&outcome.breakdown)
            .map(|(name, [oracle, shown])| {
                let ((mae, bias), (oracle_mae, _)) = (shown.mae_and_bias(), oracle.mae_and_bias());
                format!(
                    "{name}: {:.2}, {mae:.1}, {:.2}, {bias:+.1}",
                    shown.count() / total.max(1.0),
                    mae / oracle_mae.max(1e-9)
                )
            })
            .collect();
        println!("  {}: {}", scenario.name, cells.join(" | "));
    }
    println!("seed set: {set}, {doctors} doctors per scenario");
    eprintln!("wait_eval ran in {:.2} s", started.elapsed().as_secs_f64());
}

/// Simulates and scores one scenario.
fn run(index: u64, doctors: u64, scenario: &Scenario) -> Outcome {
    let params = &scenario.params;
    let first_day: DateTime<Utc> = "2026-01-05T03:30:00Z".parse().expect("a valid instant");
    let mut days = Vec::new();
    let (mut snapshots, mut unserved) = (0, 0);
    let mut breakdown = vec![[Sums::default(); 2]; PHASES.len() + HORIZONS.len()];
    for d in 0..doctors {
        let mut rng = Rng::new(seed_of(&[index, d]));
        let doctor_mean = rng.gamma(params.mean_minutes, params.doctor_cv);
        let mut past = VecDeque::with_capacity(HISTORY_DAYS + 1);
        for day in 0..HISTORY_DAYS + SCORED_DAYS {
            let mut rng = Rng::new(seed_of(&[index, d, day as u64]));
            let start = &params.start;
            let mean_minutes = doctor_mean * rng.gamma(1.0, params.day_cv);
            let late = rng.chance(start.p_late);
            let start_minutes = if late {
                (start.late_mean + start.late_sd * rng.normal()).max(start.late_floor)
            } else {
                start.punctual_minutes * rng.uniform()
            };
            let announced = start.announce.filter(|_| late).map(|announce| {
                let error = announce.error_sd * rng.normal();
                (announce.at, (start_minutes + error).max(announce.at))
            });
            let hidden = Hidden {
                mean_minutes,
                start: start_minutes,
                announced,
            };
            let scored = day >= HISTORY_DAYS;
            let base = first_day + TimeDelta::days((d as i64) * 100 + day as i64);
            let mut simulated = simulate(params, hidden, base, scored, &mut rng);
            let history = DoctorHistory::from_days(past.make_contiguous())
                .expect("simulated days are valid history");
            let mut sums = vec![Sums::default(); ESTIMATORS.len()];
            for shot in &simulated.snapshots {
                let model = QueueEstimator.estimate(&shot.queue, &history);
                for (estimate, truth) in model.iter().zip(&shot.truth) {
                    if let Some(waited) = truth {
                        simulated.past.estimates.push(PastEstimate {
                            minutes: estimate.minutes,
                            p90_minutes: estimate.p90_minutes,
                            waited: waited.max(0.0),
                        });
                    }
                }
                if !scored {
                    continue;
                }
                snapshots += 1;
                unserved += shot.truth.iter().filter(|t| t.is_none()).count();
                let pairs = |estimates: Vec<medsched::wait::WaitEstimate>| -> Vec<Estimate> {
                    estimates
                        .iter()
                        .map(|e| Estimate {
                            point: e.minutes,
                            p50: e.p50_minutes,
                            p90: e.p90_minutes,
                        })
                        .collect()
                };
                let queue = pairs(model);
                let calibrated = pairs(CalibratedQueueEstimator.estimate(&shot.queue, &history));
                let seed = seed_estimates(&shot.queue, &history);
                for ((oracle, shown), truth) in shot.oracle.iter().zip(&calibrated).zip(&shot.truth)
                {
                    if let Some(truth) = truth {
                        let (phase, horizon) = group(&shot.queue, oracle.point);
                        for g in [phase, PHASES.len() + horizon] {
                            breakdown[g][0].add(*oracle, *truth);
                            breakdown[g][1].add(*shown, *truth);
                        }
                    }
                }
                let all = [&seed, &shot.oracle, &queue, &calibrated];
                for (sums, estimates) in sums.iter_mut().zip(all) {
                    for (estimate, truth) in estimates.iter().zip(&shot.truth) {
                        if let Some(truth) = truth {
                            sums.add(*estimate, *truth);
                        }
                    }
                }
            }
            if scored {
                days.push(sums);
            }
            past.push_back(simulated.past);
            if past.len() > HISTORY_DAYS {
                past.pop_front();
            }
        }
    }
    Outcome {
        breakdown,
        summaries: score::summarize(&days, seed_of(&[index, 0xB00])),
        days: days.len(),
        snapshots,
        estimates: days.iter().map(|d| d[0].count()).sum(),
        unserved,
    }
}
