//! Booking rate limit states: [`RateLimitStore`] for [`SqliteStore`], table `rate_limits`.

use chrono::{DateTime, Utc};
use medsched::rate_limit::{RateKey, RateLimitStore};
use medsched::{Error, Result};
use rusqlite::{OptionalExtension, params};

use crate::SqliteStore;

const READ: &str = "SELECT tat_ns FROM rate_limits WHERE tenant = ?1 AND kind = ?2 AND value = ?3";
const INSERT: &str = "INSERT INTO rate_limits (tenant, kind, value, tat_ns) VALUES (?1, ?2, ?3, ?4)
     ON CONFLICT DO NOTHING";
const UPDATE: &str = "UPDATE rate_limits SET tat_ns = ?4
     WHERE tenant = ?1 AND kind = ?2 AND value = ?3 AND tat_ns = ?5";

fn nanos(at: DateTime<Utc>) -> Result<i64> {
    at.timestamp_nanos_opt()
        .ok_or_else(|| Error::storage(format!("sqlite: rate limit state {at} out of range")))
}

/// Each state is one row, its instant in nanoseconds; a swap is one statement (an insert
/// that does nothing on a present key, or an update guarded by the expected instant), so it
/// is atomic across connections and processes.
impl RateLimitStore for SqliteStore {
    fn rate_state(&self, key: &RateKey) -> Result<Option<DateTime<Utc>>> {
        let connection = self.pool.get().map_err(crate::store::storage)?;
        let tat: Option<i64> = connection
            .prepare_cached(READ)
            .and_then(|mut statement| {
                statement
                    .query_row(
                        params![key.tenant.as_str(), key.kind.as_str(), key.value],
                        |row| row.get(0),
                    )
                    .optional()
            })
            .map_err(crate::store::storage)?;
        Ok(tat.map(DateTime::from_timestamp_nanos))
    }

    fn swap_rate_state(
        &self,
        key: &RateKey,
        expected: Option<DateTime<Utc>>,
        new: DateTime<Utc>,
    ) -> Result<bool> {
        let new = nanos(new)?;
        let id = params![key.tenant.as_str(), key.kind.as_str(), key.value, new];
        // This store's writers take turns, as appends do (see `SqliteStore`).
        let _turn = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let connection = self.pool.get().map_err(crate::store::storage)?;
        let changed = match expected {
            None => connection
                .prepare_cached(INSERT)
                .and_then(|mut s| s.execute(id)),
            Some(expected) => {
                let expected = nanos(expected)?;
                connection.prepare_cached(UPDATE).and_then(|mut s| {
                    s.execute(params![
                        key.tenant.as_str(),
                        key.kind.as_str(),
                        key.value,
                        new,
                        expected
                    ])
                })
            }
        }
        .map_err(crate::store::storage)?;
        Ok(changed == 1)
    }
}
