//! Booking rate limit states in a [`SharedStore`]: the native stores keep them; a store
//! written in the host's language has no place for them and is refused by name.

use medsched::chrono::{DateTime, Utc};
use medsched::rate_limit::{RateKey, RateLimitStore, RateLimiter, RateLimits};
use medsched::{Error, Problem, Result};

use crate::SharedStore;
use crate::json::parse_or_default;

/// The booking rate limiter a binding holds: over `store`, with `limits` as `RateLimits`
/// JSON (the core's defaults when `None`). A store the binding does not hold as a
/// [`SharedStore`] (`None`: Node's stores written in JavaScript) is refused as a host
/// store's rate states are, with [`Error::InvalidInput`] naming `store`.
///
/// ```
/// use medsched::rate_limit::{KeyKind, RateKey};
/// use medsched_facade::{SharedStore, rate_limiter};
///
/// let limiter = rate_limiter(Some(SharedStore::memory()), None)?;
/// let key = RateKey::new("clinic-1", KeyKind::Patient, "pat-42");
/// let now = "2026-03-02T09:00:00Z".parse().unwrap();
/// assert_eq!(limiter.acquire(&[key], now, 1)?, 9);
/// let refused = rate_limiter(None, None).err();
/// assert!(matches!(refused, Some(medsched::Error::InvalidInput { ref field, .. }) if field == "store"));
/// # Ok::<(), medsched::Error>(())
/// ```
pub fn rate_limiter(
    store: Option<SharedStore>,
    limits: Option<&str>,
) -> Result<RateLimiter<SharedStore>> {
    let limits: RateLimits = parse_or_default("limits", limits)?;
    RateLimiter::new(store.ok_or_else(host_store)?, limits)
}

/// The in-memory store, SQLite and PostgreSQL keep rate limit states (see
/// `docs/RATE_LIMITS.md`); a host's store is refused with [`Error::InvalidInput`] naming
/// `store` (a host keeps the states itself and runs [`medsched::rate_limit::check`]).
///
/// ```
/// use medsched::rate_limit::{KeyKind, RateKey, RateLimitStore};
/// use medsched_facade::SharedStore;
///
/// let store = SharedStore::open("sqlite::memory:")?;
/// let key = RateKey::new("clinic-1", KeyKind::Patient, "pat-42");
/// assert_eq!(store.rate_state(&key)?, None);
/// # Ok::<(), medsched::Error>(())
/// ```
impl RateLimitStore for SharedStore {
    fn rate_state(&self, key: &RateKey) -> Result<Option<DateTime<Utc>>> {
        match self {
            SharedStore::Memory(store) => store.rate_state(key),
            SharedStore::Sqlite(store) => store.rate_state(key),
            #[cfg(feature = "postgres")]
            SharedStore::Postgres(store) => store.rate_state(key),
            SharedStore::Host(_) => Err(host_store()),
        }
    }

    fn swap_rate_state(
        &self,
        key: &RateKey,
        expected: Option<DateTime<Utc>>,
        new: DateTime<Utc>,
    ) -> Result<bool> {
        match self {
            SharedStore::Memory(store) => store.swap_rate_state(key, expected, new),
            SharedStore::Sqlite(store) => store.swap_rate_state(key, expected, new),
            #[cfg(feature = "postgres")]
            SharedStore::Postgres(store) => store.swap_rate_state(key, expected, new),
            SharedStore::Host(_) => Err(host_store()),
        }
    }
}

fn host_store() -> Error {
    Error::invalid_input(
        "store",
        "a store written in the host's language",
        Problem::Malformed(
            "rate limits need a native store (memory:, sqlite:…, postgresql://…); \
             a host store keeps its own states and runs rate_limit::check"
                .into(),
        ),
    )
}
