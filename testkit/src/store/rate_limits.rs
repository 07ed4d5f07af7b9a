//! [`Check::RateLimits`](crate::Check::RateLimits): a [`RateLimitStore`]'s compare-and-set,
//! alone and under threads hammering one key.

use std::sync::atomic::{AtomicU32, Ordering};

use medsched::Error;
use medsched::Id;
use medsched::chrono::{DateTime, Duration, Utc};
use medsched::rate_limit::{KeyKind, Rate, RateKey, RateLimitStore, RateLimiter, RateLimits};

use crate::{Breach, Check};

fn breach(message: impl Into<String>) -> Breach {
    Breach::new(Check::RateLimits, message)
}

fn storage(what: &str, error: Error) -> Breach {
    breach(format!("{what} failed: {error}"))
}

/// Reads and swaps one key, and keys that differ in one field only.
pub(crate) fn sequential<S: RateLimitStore + ?Sized>(store: &S, tenant: &Id) -> Result<(), Breach> {
    let key = RateKey::new(tenant.clone(), KeyKind::Phone, "+91 98460 12345");
    // Milliseconds count (the limiter's states are whole milliseconds): a store that rounds
    // them fails the swaps below.
    let t1: DateTime<Utc> = DateTime::from_timestamp_nanos(1_772_000_000_123_000_000);
    let t2 = t1 + Duration::milliseconds(1);
    let t3 = t1 + Duration::seconds(90);
    let read = |key: &RateKey| store.rate_state(key).map_err(|e| storage("rate_state", e));
    let swap = |key: &RateKey, expected, new| {
        store
            .swap_rate_state(key, expected, new)
            .map_err(|e| storage("swap_rate_state", e))
    };
    if read(&key)?.is_some() {
        return Err(breach("a key never written has a state"));
    }
    if !swap(&key, None, t1)? {
        return Err(breach(
            "the first swap of a new key (expected none) did not write",
        ));
    }
    if swap(&key, None, t2)? {
        return Err(breach("a swap expecting no state wrote over a state"));
    }
    if read(&key)? != Some(t1) {
        return Err(breach(format!(
            "the state read back is {:?}, not {t1}",
            read(&key)?
        )));
    }
    if swap(&key, Some(t2), t3)? {
        return Err(breach(
            "a swap expecting another state (by one nanosecond) wrote",
        ));
    }
    if !swap(&key, Some(t1), t3)? || read(&key)? != Some(t3) {
        return Err(breach("a swap expecting the state did not write it"));
    }
    let others = [
        RateKey::new(format!("{tenant}-other"), KeyKind::Phone, key.value.clone()),
        RateKey::new(tenant.clone(), KeyKind::Patient, key.value.clone()),
        RateKey::new(tenant.clone(), KeyKind::Phone, "+91 98460 12346"),
    ];
    for other in &others {
        if read(other)?.is_some() {
            return Err(breach(format!(
                "the key ({}, {}, …) shares the state of another tenant, kind or value",
                other.tenant,
                other.kind.as_str()
            )));
        }
    }
    Ok(())
}

/// `threads` threads acquire one key of limit `limit` at one instant, `limit` times each:
/// exactly `limit` requests pass, every other is `rate_limited`.
pub(crate) fn hammer<S: RateLimitStore + ?Sized>(
    store: &S,
    tenant: &Id,
    threads: usize,
    limit: u32,
) -> Result<(), Breach> {
    let limits = RateLimits {
        ip: Rate::new(limit, 3600),
        ..RateLimits::default()
    };
    let limiter = RateLimiter::new(store, limits).map_err(|e| storage("RateLimiter::new", e))?;
    let key = [RateKey::new(tenant.clone(), KeyKind::Ip, "192.0.2.1")];
    let now = DateTime::from_timestamp_nanos(1_772_000_000_000_000_000);
    let passed = AtomicU32::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                for _ in 0..limit {
                    let outcome = loop {
                        match limiter.acquire(&key, now, 1) {
                            Err(e) if e.is_retry_safe() => continue,
                            other => break other,
                        }
                    };
                    match outcome {
                        Ok(_) => {
                            passed.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(Error::RateLimited { .. }) => {}
                        Err(other) => failures
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(other.to_string()),
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(first) = failures.first() {
        return Err(storage("acquire", Error::storage(first.clone())));
    }
    let passed = passed.into_inner();
    if passed != limit {
        return Err(breach(format!(
            "{threads} threads on one key of limit {limit}: {passed} requests passed"
        )));
    }
    Ok(())
}
