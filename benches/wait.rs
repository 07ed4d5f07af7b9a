//! Wait-estimation benchmarks: one estimate of a whole line.
//!
//! - `queue_200_mixed`: [`QueueEstimator`] on a line of 200 tokens at 10:00 (140 walk-ins
//!   and checked-in patients, 60 booked patients not here yet with appointments every 10
//!   minutes), 20 skipped tokens, 30 consultations done, a consult in progress, and a
//!   history of 20 days.
//! - `queue_200_absent_same_time`: 200 absent booked tokens all due at the same minute, an
//!   hour and a half ahead, before the session.
//! - `queue_200_long_run`: 100 walk-ins, then 100 absent booked tokens due within the hour:
//!   each of those follows a long run of absent patients likely to come before the doctor
//!   is free for them (the costliest line: up to 64 of them followed per step).
//! - `moving_average_200_mixed`: the baseline on the first line.
//!
//! Target (2-core machine): well under 1 ms per line; tens of microseconds expected.

use std::hint::black_box;

use chrono::{DateTime, TimeDelta, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use medsched::{
    tokens::TokenKind, wait::Consultation, wait::DoctorHistory, wait::MovingAverageEstimator,
    wait::PastDay, wait::QueueEstimator, wait::QueueSnapshot, wait::SkippedToken,
    wait::WaitEstimator, wait::WaitingToken,
};

fn at(minute: i64) -> DateTime<Utc> {
    "2026-03-02T03:30:00Z"
        .parse::<DateTime<Utc>>()
        .expect("an instant")
        + TimeDelta::minutes(minute)
}

/// Twenty past days of 30 consultations, durations cycling through a fixed spread.
fn history() -> DoctorHistory {
    let spread = [4.0, 5.5, 6.0, 7.0, 7.5, 8.0, 9.5, 11.0, 13.0, 6.5];
    let days: Vec<PastDay> = (0..20)
        .map(|d| PastDay {
            durations: (0..30).map(|i| spread[(i + d) % spread.len()]).collect(),
            waiting_at_start: (0..30).map(|i| (i % 12) as u32).collect(),
            booked: 20,
            no_shows: 3,
            emergencies: d as u32 % 2,
            arrival_offsets: vec![-25.0, -10.0, -5.0, 3.0, 12.0],
            return_waits: vec![20.0, 31.0],
            ..PastDay::default()
        })
        .collect();
    DoctorHistory::from_days(&days).expect("valid days")
}

fn mixed_line() -> QueueSnapshot {
    let mut queue = QueueSnapshot::new(at(60), at(0), at(240));
    queue.consulting_since = Some(at(56));
    queue.completed = (0..30)
        .map(|i| Consultation::new(at(i * 2 - 4), at(i * 2 - 2)))
        .collect();
    for n in 0..200u32 {
        queue.waiting.push(if n % 10 < 3 {
            WaitingToken::booked(n + 1, at(60 + i64::from(n) * 3))
        } else {
            WaitingToken::present(n + 1, TokenKind::WalkIn)
        });
    }
    queue.skipped = (0..20)
        .map(|n| SkippedToken {
            number: 300 + n,
            expected_at: Some(at(i64::from(n) * 5)),
        })
        .collect();
    queue
}

fn absent_line() -> QueueSnapshot {
    let mut queue = QueueSnapshot::new(at(-30), at(0), at(240));
    queue.waiting = (1..=200).map(|n| WaitingToken::booked(n, at(90))).collect();
    queue
}

fn long_run_line() -> QueueSnapshot {
    let mut queue = QueueSnapshot::new(at(30), at(0), at(240));
    queue.consulting_since = Some(at(28));
    queue.waiting = (1..=100)
        .map(|n| WaitingToken::present(n, TokenKind::WalkIn))
        .collect();
    let due = |n: u32| at(30 + i64::from(n % 60));
    queue
        .waiting
        .extend((101..=200).map(|n| WaitingToken::booked(n, due(n))));
    queue
}

fn bench_wait(c: &mut Criterion) {
    let history = history();
    let mixed = mixed_line();
    let absent = absent_line();
    let long_run = long_run_line();
    c.bench_function("queue_200_mixed", |b| {
        b.iter(|| QueueEstimator.estimate(black_box(&mixed), black_box(&history)))
    });
    c.bench_function("queue_200_absent_same_time", |b| {
        b.iter(|| QueueEstimator.estimate(black_box(&absent), black_box(&history)))
    });
    c.bench_function("queue_200_long_run", |b| {
        b.iter(|| QueueEstimator.estimate(black_box(&long_run), black_box(&history)))
    });
    let baseline = MovingAverageEstimator::default();
    c.bench_function("moving_average_200_mixed", |b| {
        b.iter(|| baseline.estimate(black_box(&mixed), black_box(&history)))
    });
}

criterion_group!(wait, bench_wait);
criterion_main!(wait);
