//! UniFFI's timestamps and durations as the core's instants and minutes.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};
use medsched::{Error, Problem};

/// An instant from a UniFFI timestamp, `what` naming the argument; one before 1970 or past
/// what chrono holds is an invalid input.
pub fn instant(what: &str, at: SystemTime) -> Result<DateTime<Utc>, Error> {
    let refused = |message: String| Error::InvalidInput {
        field: what.into(),
        value: format!("{at:?}"),
        problem: Problem::Malformed(message),
    };
    let since = at
        .duration_since(UNIX_EPOCH)
        .map_err(|_| refused("an instant from 1970-01-01T00:00:00Z on".into()))?;
    let seconds = i64::try_from(since.as_secs()).map_err(|e| refused(e.to_string()))?;
    DateTime::from_timestamp(seconds, since.subsec_nanos())
        .ok_or_else(|| refused("an instant chrono can hold".into()))
}

/// A UniFFI timestamp from an instant (every instant the core makes is after 1970).
pub fn timestamp(at: DateTime<Utc>) -> SystemTime {
    let seconds = u64::try_from(at.timestamp()).unwrap_or(0);
    UNIX_EPOCH + Duration::new(seconds, at.timestamp_subsec_nanos())
}

/// A duration from minutes (finite and at least 0, as the core's estimates are).
pub fn minutes(minutes: f64) -> Duration {
    Duration::try_from_secs_f64(minutes * 60.0).unwrap_or(Duration::ZERO)
}
