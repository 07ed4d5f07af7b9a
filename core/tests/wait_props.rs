//! Property tests of the wait estimators on random snapshots and histories.
//!
//! Snapshots mix present and absent tokens of every kind, appointment times in the past and
//! the future, skipped tokens, a consult in progress or not (sometimes starting after
//! `now`), completed consultations (some of zero or negative length), `now` before, in and
//! after the session, any `reinsert_after`. Histories are empty, a list of durations, or
//! days with rates, waiting counts and return waits, and sometimes hand-made with NaN or
//! negative fields.
//!
//! Properties:
//!
//! - both estimators give one estimate per waiting token, in line order, with its number;
//!   every estimate is finite and at least 0, and its P90 is finite and at least it;
//! - the queue estimator never decreases along the line past a present patient: each
//!   estimate is at least that of every present patient ahead;
//! - the moving average never decreases along the line, and equals an independent
//!   re-implementation of its documented formula.
//!
//! `PROPTEST_CASES=n` runs `n` cases instead of the default.

use chrono::{DateTime, TimeDelta, Utc};
use medsched::{
    tokens::EmergencyOrder, tokens::TokenKind, tokens::WalkInPlacement,
    wait::CalibratedQueueEstimator, wait::Consultation, wait::DoctorHistory, wait::DurationPrior,
    wait::HorizonCalibration, wait::IssuedCounts, wait::KindFactors, wait::MovingAverageEstimator,
    wait::PastDay, wait::QueueEstimator, wait::QueueRates, wait::QueueSnapshot, wait::SkippedToken,
    wait::VisitFactors, wait::VisitType, wait::WaitCalibration, wait::WaitEstimate,
    wait::WaitEstimator, wait::WaitingToken,
};
use proptest::prelude::*;

fn at(seconds: i64) -> DateTime<Utc> {
    "2026-03-02T03:30:00Z".parse::<DateTime<Utc>>().unwrap() + TimeDelta::seconds(seconds)
}

fn kind() -> impl Strategy<Value = TokenKind> {
    prop_oneof![
        Just(TokenKind::Booked),
        Just(TokenKind::WalkIn),
        Just(TokenKind::Phone),
        Just(TokenKind::Emergency),
    ]
}

fn visit() -> impl Strategy<Value = Option<VisitType>> {
    prop::option::of(prop_oneof![
        Just(VisitType::FirstVisit),
        Just(VisitType::Review),
        Just(VisitType::Tele),
    ])
}

fn token() -> impl Strategy<Value = WaitingToken> {
    (
        1..500u32,
        kind(),
        any::<bool>(),
        prop::option::of(-12_000..30_000i64),
        visit(),
    )
        .prop_map(|(number, kind, present, expected, visit)| WaitingToken {
            number,
            kind,
            expected_at: expected.map(at),
            present,
            visit,
        })
}

fn snapshot() -> impl Strategy<Value = QueueSnapshot> {
    let consults = prop::collection::vec((0..20_000i64, -60..2_400i64), 0..30);
    let skipped = prop::collection::vec((1..500u32, prop::option::of(-12_000..30_000i64)), 0..8);
    (
        (-7_200..20_000i64, 60..20_000i64),
        prop::option::of(-600..4_000i64),
        prop::collection::vec(token(), 0..40),
        skipped,
        consults,
        (0..5u32, 0..40u32, 0..8u32),
        (
            prop::option::of(-7_200..20_000i64),
            prop::option::of(-7_200..20_000i64),
            any::<bool>(),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (now, length),
                since,
                waiting,
                skipped,
                consults,
                (emergency, walk_in, k),
                (arrived, expected, between_slots, lifo),
            )| {
                let mut queue = QueueSnapshot::new(at(now), at(0), at(length));
                queue.consulting_since = since.map(|s| at(now - s));
                queue.consulting_visit = waiting.first().and_then(|t| t.visit);
                queue.waiting = waiting;
                queue.skipped = skipped
                    .into_iter()
                    .map(|(number, expected)| SkippedToken {
                        number,
                        expected_at: expected.map(at),
                    })
                    .collect();
                queue.completed = consults
                    .into_iter()
                    .map(|(start, seconds)| Consultation {
                        started_at: at(start),
                        ended_at: at(start + seconds),
                        waiting_at_start: u32::try_from(seconds % 13).ok(),
                        kind: (seconds % 3 == 0).then_some(TokenKind::Emergency),
                        visit: (seconds % 5 == 0).then_some(VisitType::FirstVisit),
                    })
                    .collect();
                queue.issued = IssuedCounts {
                    emergency,
                    walk_in,
                    ..IssuedCounts::default()
                };
                queue.reinsert_after = k;
                queue.doctor_arrived_at = arrived.map(at);
                queue.doctor_expected_at = expected.map(at);
                if between_slots {
                    queue.walk_ins = WalkInPlacement::BetweenSlots;
                }
                if lifo {
                    queue.emergency_order = EmergencyOrder::Lifo;
                }
                queue
            },
        )
}

fn past_day() -> impl Strategy<Value = PastDay> {
    let durations = prop::collection::vec((0.5..40.0f64, 0..20u32), 0..30);
    (
        durations,
        0..30u32,
        0..4u32,
        prop::collection::vec(-60.0..60.0f64, 0..10),
        any::<bool>(),
    )
        .prop_map(
            |(durations, booked, emergencies, offsets, with_counts)| PastDay {
                waiting_at_start: if with_counts {
                    durations.iter().map(|d| d.1).collect()
                } else {
                    Vec::new()
                },
                started_minutes: if with_counts {
                    durations
                        .iter()
                        .map(|d| f64::from(d.1) * 7.0 - 20.0)
                        .collect()
                } else {
                    Vec::new()
                },
                kinds: if with_counts {
                    durations
                        .iter()
                        .map(|d| {
                            if d.1 % 4 == 0 {
                                TokenKind::Emergency
                            } else {
                                TokenKind::WalkIn
                            }
                        })
                        .collect()
                } else {
                    Vec::new()
                },
                visits: if with_counts {
                    durations
                        .iter()
                        .map(|d| match d.1 % 3 {
                            0 => Some(VisitType::FirstVisit),
                            1 => Some(VisitType::Review),
                            _ => None,
                        })
                        .collect()
                } else {
                    Vec::new()
                },
                durations: durations.iter().map(|d| d.0).collect(),
                booked,
                no_shows: booked / 5,
                emergencies,
                walk_ins: emergencies * 3,
                session_minutes: 240.0,
                return_waits: offsets.iter().map(|o| o.abs()).collect(),
                doctor_start_minutes: offsets.first().copied(),
                estimates: Vec::new(),
                arrival_offsets: offsets,
            },
        )
}

fn wild() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(-1.0),
        Just(0.0),
        Just(1e300),
        -5.0..5.0f64,
    ]
}

fn history() -> impl Strategy<Value = DoctorHistory> {
    prop_oneof![
        Just(DoctorHistory::default()),
        prop::collection::vec(0.5..40.0f64, 0..60)
            .prop_map(|minutes| DoctorHistory::from_durations(&minutes).unwrap()),
        prop::collection::vec(past_day(), 0..12)
            .prop_map(|days| DoctorHistory::from_days(&days).unwrap()),
        (
            prop::collection::vec(wild(), 8),
            prop::collection::vec(wild(), 3)
        )
            .prop_map(|(f, r)| {
                DoctorHistory {
                    start_delays: r.clone(),
                    calibration: WaitCalibration {
                        shift: f[3],
                        p90_spread: f[4],
                        p50_spread: Some(f[5]),
                        observed: 60,
                        horizons: vec![HorizonCalibration {
                            from_minutes: f[0],
                            shift: f[1],
                            p50_spread: Some(f[6]),
                            p90_spread: f[2],
                            observed: 60,
                        }],
                    },
                    recent_minutes: r,
                    durations: DurationPrior {
                        log_mean: f[0],
                        log_sd: f[1],
                        day_sd: f[2],
                        load_slope: f[3],
                        load_reference: f[4],
                        days: 3,
                        consultations: 10,
                        mean_ratio: f[5],
                        ratio_variance: f[6],
                        pace: vec![f[7], f[0], 1.2],
                        kinds: KindFactors {
                            booked: f[1],
                            walk_in: f[2],
                            phone: f[3],
                            emergency: f[4],
                        },
                        visits: VisitFactors {
                            first_visit: f[5],
                            review: f[6],
                            tele: f[7],
                        },
                        ratio_quantiles: vec![f[7]; 16],
                    },
                    rates: QueueRates {
                        no_show_share: f[5],
                        emergencies_per_hour: f[6],
                        arrival_offset_mean: f[7],
                        arrival_offset_sd: f[0],
                        session_hours: f[1],
                        return_wait_consults: f[2],
                        returns_observed: 4,
                        walk_ins_per_hour: f[3],
                    },
                }
            }),
    ]
}

fn sane(queue: &QueueSnapshot, waits: &[WaitEstimate]) -> Result<(), TestCaseError> {
    prop_assert_eq!(waits.len(), queue.waiting.len());
    for (token, wait) in queue.waiting.iter().zip(waits) {
        prop_assert_eq!(wait.number, token.number);
        prop_assert!(
            wait.minutes.is_finite() && wait.minutes >= 0.0,
            "{:?}",
            wait
        );
        prop_assert!(wait.p90_minutes.is_finite(), "{:?}", wait);
        prop_assert!(wait.p90_minutes >= wait.minutes, "{:?}", wait);
        prop_assert!(
            wait.p50_minutes >= 0.0 && wait.p50_minutes <= wait.p90_minutes,
            "{:?}",
            wait
        );
    }
    Ok(())
}

/// The baseline's documented formula, written again from its description.
fn moving_average_by_hand(queue: &QueueSnapshot, history: &DoctorHistory) -> Vec<f64> {
    let minutes =
        |from: DateTime<Utc>, to: DateTime<Utc>| (to - from).num_milliseconds() as f64 / 60_000.0;
    // Lengths above a day are data errors the average leaves out.
    let usable = |m: f64| m.is_finite() && m > 0.0 && m <= 24.0 * 60.0;
    let mut latest: Vec<f64> = Vec::new();
    for c in queue.completed.iter().rev() {
        let length = minutes(c.started_at, c.ended_at);
        if usable(length) {
            latest.push(length);
        }
    }
    for &m in history.recent_minutes.iter().rev() {
        if usable(m) {
            latest.push(m);
        }
    }
    latest.truncate(30);
    let average = if latest.is_empty() {
        let prior = history.durations.mean_minutes();
        if usable(prior) { prior } else { 7.0 }
    } else {
        latest.iter().sum::<f64>() / latest.len() as f64
    };
    let first = match queue.consulting_since {
        Some(since) => (average - minutes(since, queue.now).max(0.0)).max(0.0),
        None => minutes(queue.now, queue.session_start).max(0.0),
    };
    (0..queue.waiting.len())
        .map(|k| first + average * k as f64)
        .collect()
}

proptest! {
    #[test]
    fn queue_estimates_are_sane_and_monotone_past_present_patients(
        queue in snapshot(),
        history in history(),
    ) {
        let waits = QueueEstimator.estimate(&queue, &history);
        sane(&queue, &waits)?;
        let mut before = 0.0_f64;
        for (token, wait) in queue.waiting.iter().zip(&waits) {
            prop_assert!(wait.minutes >= before - 1e-9, "{} < {}", wait.minutes, before);
            if token.present {
                before = before.max(wait.minutes);
            }
        }
    }

    #[test]
    fn calibrated_estimates_are_sane(queue in snapshot(), history in history()) {
        let waits = CalibratedQueueEstimator.estimate(&queue, &history);
        sane(&queue, &waits)?;
    }

    #[test]
    fn moving_average_follows_its_formula(queue in snapshot(), history in history()) {
        let waits = MovingAverageEstimator::default().estimate(&queue, &history);
        sane(&queue, &waits)?;
        let expected = moving_average_by_hand(&queue, &history);
        for (k, (wait, expected)) in waits.iter().zip(&expected).enumerate() {
            prop_assert!((wait.minutes - expected).abs() <= 1e-9 * expected.max(1.0),
                "{}: {} vs {}", k, wait.minutes, expected);
            prop_assert!(wait.p90_minutes == 1.5 * wait.minutes);
            if k > 0 {
                prop_assert!(wait.minutes >= waits[k - 1].minutes);
            }
        }
    }
}
