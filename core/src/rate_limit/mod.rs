//! Booking rate limits: a pure GCRA limiter per patient, phone number and client address,
//! its state kept in a store so several app servers share it.
//!
//! - [`Rate`] is one limit (`limit` requests per `period_seconds`, all of them at once if
//!   they come together); [`RateLimits`] gives one per [`KeyKind`], with the defaults of
//!   `docs/RATE_LIMITS.md`.
//! - [`check`] is the limiter itself, pure: given a key's state (its *theoretical arrival
//!   time*, `None` for a key never seen), `now` and the request's cost it answers
//!   [`RateDecision::Allowed`] with the new state or [`RateDecision::Limited`] with when to retry.
//! - [`RateLimitStore`] keeps the states (read, compare-and-set); the
//!   [`InMemoryStore`](crate::store::InMemoryStore) and the SQLite and PostgreSQL adapters
//!   implement it. [`RateLimiter`] runs [`check`] against a store and returns
//!   [`Error::RateLimited`] for a refusal.
//!
//! The algorithm is the generic cell rate algorithm (GCRA), the token bucket kept as one
//! instant: each request of cost `c` moves the key's theoretical arrival time (TAT) on by `c`
//! emission intervals `T = period / limit` (whole milliseconds, rounded up); a request
//! passes while the new TAT is at most `limit × T` ahead of `now`. So a quiet key may send
//! `limit` requests at once, then one per `T`, and a state older than `now` is the same as
//! no state (a host may delete it).
//!
//! # Example
//!
//! ```
//! use chrono::{DateTime, Utc};
//! use medsched::rate_limit::{RateDecision, KeyKind, Rate, RateKey, RateLimiter, RateLimits, check};
//! use medsched::{Error, store::InMemoryStore};
//!
//! let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
//! let now = t("2026-03-01T06:00:00Z");
//!
//! // Pure: 2 requests a minute.
//! let rate = Rate::new(2, 60);
//! let RateDecision::Allowed { tat, remaining } = check(&rate, None, now, 1)? else { panic!() };
//! assert_eq!((tat, remaining), (t("2026-03-01T06:00:30Z"), 1));
//! let RateDecision::Allowed { tat, .. } = check(&rate, Some(tat), now, 1)? else { panic!() };
//! let limited = check(&rate, Some(tat), now, 1)?;
//! assert_eq!(limited, RateDecision::Limited { retry_at: t("2026-03-01T06:00:30Z") });
//!
//! // Over a store shared by the app servers.
//! let store = InMemoryStore::new();
//! let limits = RateLimits { patient: Rate::new(1, 600), ..RateLimits::default() };
//! let limiter = RateLimiter::new(&store, limits)?;
//! let keys = [RateKey::new("clinic-1", KeyKind::Patient, "pat-42")];
//! limiter.acquire(&keys, now, 1)?;
//! let err = limiter.acquire(&keys, now, 1).unwrap_err();
//! assert!(matches!(err, Error::RateLimited { key_kind: KeyKind::Patient, retry_after_ms: 600_000, .. }));
//! assert_eq!(err.to_string(), "too many requests for this patient: retry in 600000 ms");
//! # Ok::<(), medsched::Error>(())
//! ```

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Error, Id, Problem, Result};

mod limiter;

pub use crate::limit_key::KeyKind;
pub use limiter::{MAX_SWAP_ATTEMPTS, RateLimitStore, RateLimiter};

/// The longest period of a [`Rate`]: 366 days, in seconds.
pub const MAX_PERIOD_SECONDS: u32 = 366 * 86_400;

/// The highest `limit` of a [`Rate`] (a limit above `period_seconds × 1000` counts as one
/// request per millisecond).
pub const MAX_LIMIT: u32 = 1_000_000;

/// One limit: at most `limit` requests (of cost 1) per `period_seconds`, as a burst or
/// spread out; after a burst, one more every `period_seconds / limit`.
///
/// ```
/// use medsched::rate_limit::Rate;
///
/// assert_eq!(Rate::new(10, 3600).interval_millis(), 360_000);
/// assert_eq!(Rate::new(7, 1).interval_millis(), 143); // 7 at once, then one per 143 ms
/// assert!(Rate::new(0, 60).validate("limits.patient").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Rate {
    /// The most requests in a period, and the largest burst: 1 to [`MAX_LIMIT`].
    pub limit: u32,
    /// The period, in seconds: 1 to [`MAX_PERIOD_SECONDS`].
    pub period_seconds: u32,
}

impl Rate {
    /// `limit` requests per `period_seconds`.
    pub const fn new(limit: u32, period_seconds: u32) -> Self {
        Rate {
            limit,
            period_seconds,
        }
    }

    /// The emission interval `T = period / limit` in milliseconds, rounded up: a key never
    /// passes more than `limit` requests per period (with a period that is not a whole
    /// number of milliseconds per request, it passes `limit` per `limit × T`, a little
    /// longer).
    pub fn interval_millis(&self) -> i64 {
        (u64::from(self.period_seconds) * 1_000).div_ceil(u64::from(self.limit.max(1))) as i64
    }

    /// Refuses a limit or period of zero or past its bound; `field` names the rate.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] naming `{field}.limit` or `{field}.period_seconds`.
    pub fn validate(&self, field: &str) -> Result<()> {
        let bound = |name: &str, value: u32, max: u32| {
            if value == 0 {
                Err(Error::invalid(
                    format!("{field}.{name}"),
                    0,
                    Problem::NotPositive,
                ))
            } else if value > max {
                Err(Error::invalid(
                    format!("{field}.{name}"),
                    value,
                    Problem::OutOfRange(format!("at most {max}")),
                ))
            } else {
                Ok(())
            }
        };
        bound("limit", self.limit, MAX_LIMIT)?;
        bound("period_seconds", self.period_seconds, MAX_PERIOD_SECONDS)
    }
}

/// The limits of booking requests, one per kind of key. The defaults
/// (`docs/RATE_LIMITS.md`): 10 an hour per patient, 10 an hour per phone number, 60 an
/// hour per client address (a clinic's or an office's shared address holds many patients).
/// In JSON every field is optional and defaults as here.
///
/// ```
/// use medsched::rate_limit::{KeyKind, Rate, RateLimits};
///
/// let limits = RateLimits::default();
/// assert_eq!(limits.rate(KeyKind::Ip), &Rate::new(60, 3600));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct RateLimits {
    /// Per patient id. Default 10 an hour.
    pub patient: Rate,
    /// Per phone number. Default 10 an hour.
    pub phone: Rate,
    /// Per client address. Default 60 an hour.
    pub ip: Rate,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            patient: Rate::new(10, 3600),
            phone: Rate::new(10, 3600),
            ip: Rate::new(60, 3600),
        }
    }
}

impl RateLimits {
    /// The rate of a kind of key.
    pub fn rate(&self, kind: KeyKind) -> &Rate {
        match kind {
            KeyKind::Patient => &self.patient,
            KeyKind::Phone => &self.phone,
            KeyKind::Ip => &self.ip,
        }
    }

    /// Refuses a rate with a limit or period of zero or past its bound.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] naming the field, e.g. `phone.period_seconds`.
    pub fn validate(&self) -> Result<()> {
        KeyKind::ALL
            .iter()
            .try_for_each(|kind| self.rate(*kind).validate(kind.as_str()))
    }
}

/// One key of a limit: the tenant, the kind and the value (a patient id, a phone number, an
/// address). The value is stored as given: hash a phone number or an address first if it
/// must not be kept in the clear. It never appears in an error.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RateKey {
    /// The tenant: limits of two clinics never share a key.
    pub tenant: Id,
    /// What the value is.
    pub kind: KeyKind,
    /// The patient id, phone number or address.
    pub value: String,
}

impl RateKey {
    /// A key.
    pub fn new(tenant: impl Into<Id>, kind: KeyKind, value: impl Into<String>) -> Self {
        RateKey {
            tenant: tenant.into(),
            kind,
            value: value.into(),
        }
    }
}

/// What [`check`] decides. In JSON, tagged by `decision`; a field of the other variant is
/// ignored when read (a binding that mirrors both variants as one record writes it `null`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum RateDecision {
    /// The request passes; store `tat` as the key's new state.
    Allowed {
        /// The key's new theoretical arrival time.
        tat: DateTime<Utc>,
        /// How many more requests of cost 1 would pass at the same instant.
        remaining: u32,
    },
    /// The request is refused and the state stays as it was.
    Limited {
        /// The first instant at which the same request would pass.
        retry_at: DateTime<Utc>,
    },
}

/// The GCRA decision for one request of `cost` on a key whose state is `tat` (`None` for a
/// key never seen or forgotten), at `now`. Pure, constant time. Instants count in whole
/// milliseconds (`now` is read to the millisecond, below it is ignored), so every state and
/// `retry_at` is a whole millisecond, which every binding's time type holds exactly.
///
/// # Errors
///
/// [`Error::InvalidInput`] for a bad `rate` (field `rate`), a `cost` of zero or above the
/// rate's limit (it would never pass), or a state beyond the instants chrono represents
/// (field `tat`).
///
/// # Example
///
/// ```
/// use chrono::{DateTime, Duration, Utc};
/// use medsched::rate_limit::{RateDecision, Rate, check};
///
/// let now = "2026-03-01T06:00:00Z".parse::<DateTime<Utc>>().unwrap();
/// let rate = Rate::new(3, 60); // one every 20 s, 3 at once
/// let RateDecision::Allowed { tat, remaining } = check(&rate, None, now, 3)? else { panic!() };
/// assert_eq!((tat, remaining), (now + Duration::seconds(60), 0));
/// let again = check(&rate, Some(tat), now + Duration::seconds(5), 1)?;
/// assert_eq!(again, RateDecision::Limited { retry_at: now + Duration::seconds(20) });
/// # Ok::<(), medsched::Error>(())
/// ```
pub fn check(
    rate: &Rate,
    tat: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    cost: u32,
) -> Result<RateDecision> {
    rate.validate("rate")?;
    if cost == 0 {
        return Err(Error::invalid("cost", 0, Problem::NotPositive));
    }
    if cost > rate.limit {
        return Err(Error::invalid(
            "cost",
            cost,
            Problem::OutOfRange(format!(
                "at most the limit, {}: a larger cost never passes",
                rate.limit
            )),
        ));
    }
    let now_ms = i128::from(now.timestamp_millis());
    let tat_ms = match tat {
        Some(tat) => i128::from(tat.timestamp_millis()).max(now_ms),
        None => now_ms,
    };
    let interval = i128::from(rate.interval_millis());
    let window = interval * i128::from(rate.limit);
    let new_tat = tat_ms + interval * i128::from(cost);
    // The request passes when the new TAT is at most one window ahead of now.
    let allow_at = new_tat - window;
    if now_ms < allow_at {
        return Ok(RateDecision::Limited {
            retry_at: instant(allow_at)?,
        });
    }
    let slack = now_ms + window - new_tat;
    let remaining = u32::try_from(slack / interval).unwrap_or(u32::MAX);
    Ok(RateDecision::Allowed {
        tat: instant(new_tat)?,
        remaining,
    })
}

/// Milliseconds since the epoch as an instant, or the error naming the state.
fn instant(ms: i128) -> Result<DateTime<Utc>> {
    i64::try_from(ms)
        .ok()
        .and_then(DateTime::from_timestamp_millis)
        .ok_or_else(|| {
            Error::invalid(
                "tat",
                ms,
                Problem::OutOfRange("an instant chrono represents".into()),
            )
        })
}

/// Milliseconds from `now` to `later`, rounded up (0 when `later` is not after `now`).
pub(crate) fn millis_until(now: DateTime<Utc>, later: DateTime<Utc>) -> u64 {
    let ns = (later - now).num_nanoseconds().unwrap_or(i64::MAX).max(0);
    (ns as u64).div_ceil(1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_burst_then_one_per_interval() {
        let rate = Rate::new(4, 60);
        let now = t("2026-03-01T00:00:00Z");
        let mut tat = None;
        for left in (0..4).rev() {
            let RateDecision::Allowed {
                tat: next,
                remaining,
            } = check(&rate, tat, now, 1).unwrap()
            else {
                panic!("refused")
            };
            assert_eq!(remaining, left);
            tat = Some(next);
        }
        let retry = t("2026-03-01T00:00:15Z");
        assert_eq!(
            check(&rate, tat, now, 1).unwrap(),
            RateDecision::Limited { retry_at: retry }
        );
        assert!(matches!(
            check(&rate, tat, retry, 1).unwrap(),
            RateDecision::Allowed { remaining: 0, .. }
        ));
    }

    #[test]
    fn bad_costs_and_rates_are_refused() {
        let now = t("2026-03-01T00:00:00Z");
        let err = check(&Rate::new(2, 60), None, now, 3).unwrap_err();
        assert_eq!((err.field(), err.value()), (Some("cost"), Some("3")));
        let err = check(&Rate::new(2, 0), None, now, 1).unwrap_err();
        assert_eq!(err.field(), Some("rate.period_seconds"));
        let err = check(&Rate::new(2, 60), None, now, 0).unwrap_err();
        assert_eq!(err.field(), Some("cost"));
        let last = DateTime::<Utc>::MAX_UTC;
        let rate = Rate::new(2, 60);
        assert_eq!(
            check(&rate, None, last, 1).unwrap_err().field(),
            Some("tat")
        );
        // Below the millisecond, an instant counts as its millisecond.
        let odd = now + chrono::Duration::nanoseconds(999_999);
        assert_eq!(check(&rate, None, odd, 1), check(&rate, None, now, 1));
    }

    #[test]
    fn a_stale_state_is_no_state() {
        let rate = Rate::new(2, 60);
        let now = t("2026-03-01T00:00:00Z");
        let old = Some(t("2026-02-01T00:00:00Z"));
        assert_eq!(
            check(&rate, old, now, 1).unwrap(),
            check(&rate, None, now, 1).unwrap()
        );
    }

    #[test]
    fn waits_round_up_to_the_millisecond() {
        let now = t("2026-03-01T00:00:00Z");
        assert_eq!(millis_until(now, now + chrono::Duration::nanoseconds(1)), 1);
        assert_eq!(millis_until(now, now - chrono::Duration::seconds(1)), 0);
        assert_eq!(millis_until(now, now + chrono::Duration::seconds(2)), 2_000);
    }
}
