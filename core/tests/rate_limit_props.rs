//! The GCRA limiter against an independent oracle: a token bucket simulated in exact
//! integers (tokens scaled by the period), over random request sequences; and the limiter
//! over the in-memory store shared by threads.

use chrono::{DateTime, Duration, Utc};
use medsched::Error;
use medsched::rate_limit::{KeyKind, Rate, RateDecision, RateKey, RateLimiter, RateLimits, check};
use medsched::store::InMemoryStore;
use proptest::prelude::*;

/// A token bucket of `limit` tokens refilled at `limit` per period, exact: a token is
/// `period_ms × limit` units and each millisecond adds `limit` units (the period chosen a
/// whole number of milliseconds per request, so the limiter's interval is exact).
struct Bucket {
    limit: i128,
    period_ms: i128,
    units: i128,
    last: i128,
}

impl Bucket {
    fn new(rate: &Rate, start: i128) -> Self {
        let period_ms = i128::from(rate.period_seconds) * 1_000;
        Bucket {
            limit: i128::from(rate.limit),
            period_ms,
            units: i128::from(rate.limit) * period_ms,
            last: start,
        }
    }

    /// `Ok(tokens left)` or `Err(milliseconds until the request would pass)`.
    fn take(&mut self, now: i128, cost: u32) -> Result<u32, i128> {
        let cap = self.limit * self.period_ms;
        self.units = (self.units + (now - self.last) * self.limit).min(cap);
        self.last = now;
        let need = i128::from(cost) * self.period_ms;
        if self.units >= need {
            self.units -= need;
            Ok((self.units / self.period_ms) as u32)
        } else {
            let short = need - self.units;
            Err((short + self.limit - 1) / self.limit)
        }
    }
}

fn start() -> DateTime<Utc> {
    "2026-03-01T00:00:00Z".parse().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Every decision, remaining count and retry instant equals the bucket's.
    #[test]
    fn gcra_is_a_token_bucket(
        limit in prop::sample::select(vec![1u32, 2, 4, 5, 8, 10, 20, 25]),
        period_seconds in 1u32..600,
        steps in prop::collection::vec((0u64..120_000, 1u32..=25), 1..60),
    ) {
        let rate = Rate::new(limit, period_seconds);
        let t0 = start();
        let mut bucket = Bucket::new(&rate, 0);
        let mut tat = None;
        let mut now = t0;
        for (gap_ms, cost) in steps {
            now += Duration::milliseconds(gap_ms as i64);
            let cost = cost.min(limit);
            let elapsed = i128::from((now - t0).num_milliseconds());
            let decision = check(&rate, tat, now, cost).unwrap();
            match (bucket.take(elapsed, cost), decision) {
                (Ok(left), RateDecision::Allowed { tat: next, remaining }) => {
                    prop_assert_eq!(left, remaining);
                    tat = Some(next);
                }
                (Err(wait), RateDecision::Limited { retry_at }) => {
                    prop_assert_eq!(i128::from((retry_at - now).num_milliseconds()), wait);
                }
                (oracle, gcra) => prop_assert!(false, "bucket {oracle:?}, gcra {gcra:?}"),
            }
        }
    }

    /// In any window of one period, a key passes at most `limit` plus one request per
    /// emission interval: never more than `2 × limit`, whatever the rounding.
    #[test]
    fn no_window_holds_more_than_the_rate(
        limit in 1u32..20,
        period_seconds in 1u32..120,
        gaps in prop::collection::vec(0u64..5_000, 1..200),
    ) {
        let rate = Rate::new(limit, period_seconds);
        let mut tat = None;
        let mut now = start();
        let mut passed = Vec::new();
        for gap in gaps {
            now += Duration::milliseconds(gap as i64);
            if let RateDecision::Allowed { tat: next, .. } = check(&rate, tat, now, 1).unwrap() {
                tat = Some(next);
                passed.push(now);
            }
        }
        let period = Duration::seconds(i64::from(period_seconds));
        for (i, first) in passed.iter().enumerate() {
            let within = passed[i..].iter().take_while(|t| **t - *first < period).count();
            prop_assert!(within as u32 <= limit + limit, "{within} in one period");
        }
    }
}

#[test]
fn threads_sharing_the_in_memory_store_never_pass_more_than_the_limit() {
    let store = InMemoryStore::new();
    let limits = RateLimits {
        ip: Rate::new(25, 3600),
        ..RateLimits::default()
    };
    let limiter = RateLimiter::new(&store, limits).unwrap();
    let key = [RateKey::new("clinic-1", KeyKind::Ip, "198.51.100.4")];
    let now = start();
    let passed = std::sync::atomic::AtomicU32::new(0);
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                for _ in 0..20 {
                    match limiter.acquire(&key, now, 1) {
                        Ok(_) => {
                            passed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                        Err(Error::RateLimited { key_kind, .. }) => {
                            assert_eq!(key_kind, KeyKind::Ip)
                        }
                        Err(other) => panic!("{other}"),
                    }
                }
            });
        }
    });
    assert_eq!(passed.into_inner(), 25);
}

#[test]
fn a_refusal_counts_no_key_and_names_the_latest_retry() {
    let store = InMemoryStore::new();
    let limits = RateLimits {
        patient: Rate::new(1, 60),
        phone: Rate::new(1, 600),
        ip: Rate::new(100, 60),
    };
    let limiter = RateLimiter::new(&store, limits).unwrap();
    let now = start();
    let keys = |patient: &str| {
        [
            RateKey::new("c", KeyKind::Patient, patient),
            RateKey::new("c", KeyKind::Phone, "+91 98460 00000"),
            RateKey::new("c", KeyKind::Ip, "203.0.113.9"),
        ]
    };
    assert_eq!(limiter.acquire(&keys("p1"), now, 1).unwrap(), 0);
    // Another patient on the same phone: the phone refuses, so no key is counted.
    let err = limiter.acquire(&keys("p2"), now, 1).unwrap_err();
    let report = err.report();
    assert_eq!(report.code, "rate_limited");
    assert_eq!(report.kind.as_deref(), Some("phone"));
    assert_eq!(report.retry_after_ms, Some(600_000));
    assert!(!err.to_string().contains("98460"), "{err}");
    let fresh = RateKey::new("c", KeyKind::Patient, "p2");
    assert!(matches!(
        check(
            &limits.patient,
            medsched::rate_limit::RateLimitStore::rate_state(&store, &fresh).unwrap(),
            now,
            1
        ),
        Ok(RateDecision::Allowed { .. })
    ));
    // Other tenants never share a key.
    let other = [RateKey::new("d", KeyKind::Phone, "+91 98460 00000")];
    assert!(limiter.acquire(&other, now, 1).is_ok());
}

#[test]
fn bad_limits_are_refused_by_field() {
    let limits = RateLimits {
        phone: Rate::new(5, 0),
        ..RateLimits::default()
    };
    let err = RateLimiter::new(InMemoryStore::new(), limits).unwrap_err();
    assert_eq!(err.field(), Some("phone.period_seconds"));
}
