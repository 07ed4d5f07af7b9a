//! The limiter over a store: read a key's state, decide, compare-and-set, again on a lost
//! race.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{RateDecision, RateKey, RateLimits, check, millis_until};
use crate::{Error, Result};

/// How many lost compare-and-set races one key of a [`RateLimiter::acquire`] call survives
/// before it returns [`Error::Conflict`]. Each lost race means another request of that key
/// passed, so the limit is never exceeded; this bounds one call's work.
pub const MAX_SWAP_ATTEMPTS: u32 = 16;

/// Where rate limit states live, shared by every app server: one instant per key, read and
/// replaced by compare-and-set.
///
/// # The contract
///
/// - **`rate_state`** returns the key's stored state, `None` for a key never written.
/// - **`swap_rate_state`** writes `new` **only if** the key's state still equals `expected`
///   (`None`: the key has no state yet), atomically, and says whether it wrote. Instants
///   compare exactly (the limiter writes whole milliseconds; keeping nanoseconds, as the
///   adapters do, is fine). In SQL: `INSERT … ON CONFLICT DO NOTHING` for `None`, else
///   `UPDATE … SET tat = $new WHERE key = … AND tat = $expected`, and one row affected.
/// - Keys are isolated by every field of [`RateKey`] (tenant, kind, value).
///
/// A state before `now` means the same as none, so a host may delete such rows at any time
/// (`docs/RATE_LIMITS.md`). `medsched-testkit`'s `rate_limits` check tests an adapter.
///
/// # Example
///
/// ```
/// use chrono::{DateTime, Utc};
/// use medsched::rate_limit::{KeyKind, RateKey, RateLimitStore};
/// use medsched::store::InMemoryStore;
///
/// let store = InMemoryStore::new();
/// let key = RateKey::new("clinic-1", KeyKind::Ip, "203.0.113.7");
/// let at = "2026-03-01T06:00:00Z".parse::<DateTime<Utc>>().unwrap();
/// assert!(store.swap_rate_state(&key, None, at)?);
/// assert!(!store.swap_rate_state(&key, None, at)?);
/// assert_eq!(store.rate_state(&key)?, Some(at));
/// # Ok::<(), medsched::Error>(())
/// ```
pub trait RateLimitStore: Send + Sync {
    /// The key's state.
    ///
    /// # Errors
    ///
    /// [`Error::Storage`] when the adapter fails.
    fn rate_state(&self, key: &RateKey) -> Result<Option<DateTime<Utc>>>;

    /// Replaces the key's state with `new` if it is still `expected`; whether it did.
    ///
    /// # Errors
    ///
    /// [`Error::Storage`] when the adapter fails.
    fn swap_rate_state(
        &self,
        key: &RateKey,
        expected: Option<DateTime<Utc>>,
        new: DateTime<Utc>,
    ) -> Result<bool>;
}

macro_rules! forward {
    ($($ptr:ty),*) => {$(
        impl<S: RateLimitStore + ?Sized> RateLimitStore for $ptr {
            fn rate_state(&self, key: &RateKey) -> Result<Option<DateTime<Utc>>> {
                (**self).rate_state(key)
            }
            fn swap_rate_state(
                &self,
                key: &RateKey,
                expected: Option<DateTime<Utc>>,
                new: DateTime<Utc>,
            ) -> Result<bool> {
                (**self).swap_rate_state(key, expected, new)
            }
        }
    )*};
}

forward!(&S, Arc<S>, Box<S>);

/// The booking rate limiter: [`RateLimits`] over a [`RateLimitStore`].
///
/// See the [module](crate::rate_limit) for an example.
#[derive(Debug, Clone)]
pub struct RateLimiter<S> {
    store: S,
    limits: RateLimits,
}

impl<S: RateLimitStore> RateLimiter<S> {
    /// A limiter with validated limits.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a bad rate (see [`RateLimits::validate`]).
    pub fn new(store: S, limits: RateLimits) -> Result<Self> {
        limits.validate()?;
        Ok(RateLimiter { store, limits })
    }

    /// The limits.
    pub fn limits(&self) -> &RateLimits {
        &self.limits
    }

    /// Counts one request of `cost` against every key (typically the patient's, the phone's
    /// and the client address's) and returns how many more requests of cost 1 the tightest
    /// key would let pass now.
    ///
    /// Every key is read and checked first: when one is over its limit, nothing is counted
    /// and the error names the key kind with the latest `retry_at`. Then each key is counted
    /// by compare-and-set, at most [`MAX_SWAP_ATTEMPTS`] tries per key (a key that filled up
    /// meanwhile refuses the request, leaving the keys counted before it counted). Work:
    /// `keys.len()` reads, then at most `keys.len() × MAX_SWAP_ATTEMPTS` reads and swaps.
    ///
    /// # Errors
    ///
    /// [`Error::RateLimited`] when a key is over its limit; [`Error::InvalidInput`] for a
    /// bad `cost` or `now` (see [`check`]); [`Error::Conflict`] (retry-safe, stream
    /// `{tenant}/rate_limit/{kind}`) after [`MAX_SWAP_ATTEMPTS`] lost races on one key;
    /// [`Error::Storage`] when the store fails.
    pub fn acquire(&self, keys: &[RateKey], now: DateTime<Utc>, cost: u32) -> Result<u32> {
        let mut refused: Option<(&RateKey, DateTime<Utc>)> = None;
        for key in keys {
            let state = self.store.rate_state(key)?;
            if let RateDecision::Limited { retry_at } = self.decide(key, state, now, cost)?
                && refused.is_none_or(|(_, latest)| retry_at > latest)
            {
                refused = Some((key, retry_at));
            }
        }
        if let Some((key, retry_at)) = refused {
            return Err(limited(key, now, retry_at));
        }
        let mut least = u32::MAX;
        for key in keys {
            least = least.min(self.count(key, now, cost)?);
        }
        Ok(least)
    }

    /// One key, by compare-and-set.
    fn count(&self, key: &RateKey, now: DateTime<Utc>, cost: u32) -> Result<u32> {
        for _ in 0..MAX_SWAP_ATTEMPTS {
            let state = self.store.rate_state(key)?;
            match self.decide(key, state, now, cost)? {
                RateDecision::Limited { retry_at } => return Err(limited(key, now, retry_at)),
                RateDecision::Allowed { tat, remaining } => {
                    if self.store.swap_rate_state(key, state, tat)? {
                        return Ok(remaining);
                    }
                }
            }
        }
        Err(Error::Conflict {
            stream: format!("{}/rate_limit/{}", key.tenant, key.kind.as_str()),
            expected: 0,
            actual: 0,
        })
    }

    fn decide(
        &self,
        key: &RateKey,
        state: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        cost: u32,
    ) -> Result<RateDecision> {
        check(self.limits.rate(key.kind), state, now, cost)
    }
}

fn limited(key: &RateKey, now: DateTime<Utc>, retry_at: DateTime<Utc>) -> Error {
    Error::RateLimited {
        key_kind: key.kind,
        retry_after_ms: millis_until(now, retry_at),
        retry_at,
    }
}
