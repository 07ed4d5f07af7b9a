//! The SQL both stores send, the values they bind and how rows and errors come back: one
//! text for the sync and the async store.

use std::fmt;

use chrono::NaiveDate;
use medsched::store::{Event, FeedEntry, StreamId};
use medsched::{Error, Id, Problem, Result};
use postgres::types::{Json, ToSql};
use tokio_postgres::Row;
use tokio_postgres::error::SqlState;

/// A stream's events in order.
pub(crate) const LOAD: &str = "SELECT event FROM events \
     WHERE tenant = $1 AND stream_date = $2 AND doctor_id = $3 ORDER BY version";

/// A stream's events from version `$4` on, with their versions: the row at `$4` (its event
/// left out) shows the stream reached it.
pub(crate) const LOAD_FROM: &str = "SELECT version, CASE WHEN version = $4 THEN NULL ELSE event END \
     FROM events WHERE tenant = $1 AND stream_date = $2 AND doctor_id = $3 AND version >= $4 \
     ORDER BY version";

/// A stream's version: its last event's.
pub(crate) const VERSION: &str = "SELECT coalesce(max(version), 0) FROM events \
     WHERE tenant = $1 AND stream_date = $2 AND doctor_id = $3";

/// Appends `$6` (a `jsonb[]` of `$5` events) to the stream `($1, $2, $3)` if its version is
/// `$4`, in one statement and so one transaction: the version check, the feed head's advance
/// (its row lock orders the tenant's appends) and the inserts. Returns one row per event
/// inserted; none when the version was not `$4` at the statement's snapshot. A writer that
/// appended at the same version meanwhile makes the insert a unique violation of
/// `events_stream_version`.
pub(crate) const APPEND: &str = "WITH cur AS ( \
         SELECT coalesce(max(version), 0) AS version FROM events \
         WHERE tenant = $1 AND stream_date = $2 AND doctor_id = $3 \
     ), head AS ( \
         INSERT INTO feed_heads AS h (tenant, position) \
         SELECT $1, $5::bigint FROM cur WHERE cur.version = $4 \
         ON CONFLICT (tenant) DO UPDATE SET position = h.position + EXCLUDED.position \
         RETURNING h.position \
     ) \
     INSERT INTO events (tenant, stream_date, doctor_id, version, position, event) \
     SELECT $1, $2, $3, $4 + e.n, head.position - $5 + e.n, e.event \
     FROM head, unnest($6::jsonb[]) WITH ORDINALITY AS e(event, n) \
     RETURNING version";

/// A tenant's feed after a position, at most `$3` entries.
pub(crate) const FEED: &str = "SELECT position, stream_date, doctor_id, version, event \
     FROM events WHERE tenant = $1 AND position > $2 ORDER BY position LIMIT $3";

/// A booking rate limit state (`medsched::rate_limit`): its instant in nanoseconds.
pub(crate) const RATE_READ: &str =
    "SELECT tat_ns FROM rate_limits WHERE tenant = $1 AND kind = $2 AND value = $3";

/// Writes a key's first state; no row when the key has one already.
pub(crate) const RATE_INSERT: &str = "INSERT INTO rate_limits (tenant, kind, value, tat_ns) \
     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1";

/// Replaces a key's state if it is still the expected one (`$5`); no row otherwise. Under
/// read committed a racing update waits, then finds the row changed and updates nothing.
pub(crate) const RATE_UPDATE: &str = "UPDATE rate_limits SET tat_ns = $4 \
     WHERE tenant = $1 AND kind = $2 AND value = $3 AND tat_ns = $5 RETURNING 1";

/// Names the transaction's tenant for the row-level security policies (`SET LOCAL`).
pub(crate) const SET_TENANT: &str = "SELECT set_config('app.tenant', $1, true)";

/// The channel appends notify, with the tenant as payload.
pub(crate) const CHANNEL: &str = "medsched_feed";

/// A stream's key as bound: tenant, date, doctor (`""` for a day book).
pub(crate) struct Key<'a> {
    pub(crate) tenant: &'a str,
    pub(crate) date: NaiveDate,
    pub(crate) doctor: &'a str,
}

impl<'a> Key<'a> {
    /// The key of `stream`; a token queue of a doctor whose id is empty is refused (the
    /// empty doctor names the day book).
    pub(crate) fn of(stream: &'a StreamId) -> Result<Self> {
        let doctor = match &stream.doctor_id {
            Some(doctor) if doctor.is_empty() => {
                return Err(Error::InvalidInput {
                    field: "stream.doctor_id".into(),
                    value: String::new(),
                    problem: Problem::Malformed(
                        "a token queue's doctor id must not be empty in PostgreSQL, where the \
                         empty doctor names the day book"
                            .into(),
                    ),
                });
            }
            Some(doctor) => doctor.as_str(),
            None => "",
        };
        Ok(Key {
            tenant: stream.tenant.as_str(),
            date: stream.date,
            doctor,
        })
    }

    /// The parameters of [`LOAD`] and [`VERSION`].
    pub(crate) fn params(&self) -> [&(dyn ToSql + Sync); 3] {
        [&self.tenant, &self.date, &self.doctor]
    }
}

/// The values [`APPEND`] binds besides the key: the expected version, the count and the
/// events.
pub(crate) struct AppendValues<'e> {
    expected: i64,
    count: i64,
    events: Vec<Json<&'e Event>>,
}

impl<'e> AppendValues<'e> {
    pub(crate) fn new(expected: u64, events: &'e [Event]) -> Result<Self> {
        Ok(AppendValues {
            expected: to_i64("expected version", expected)?,
            count: to_i64("event count", events.len() as u64)?,
            events: events.iter().map(Json).collect(),
        })
    }

    /// The parameters of [`APPEND`].
    pub(crate) fn params<'s>(&'s self, key: &'s Key<'_>) -> [&'s (dyn ToSql + Sync); 6] {
        [
            &key.tenant,
            &key.date,
            &key.doctor,
            &self.expected,
            &self.count,
            &self.events,
        ]
    }
}

/// A number of the contract as PostgreSQL's `bigint`.
pub(crate) fn to_i64(what: &str, value: u64) -> Result<i64> {
    i64::try_from(value).map_err(|_| storage(format!("{what} {value} exceeds bigint")))
}

/// A feed limit as a `LIMIT`.
pub(crate) fn limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

/// The events of [`LOAD`]'s rows.
pub(crate) fn events(rows: Vec<Row>) -> Result<Vec<Event>> {
    rows.into_iter()
        .map(|row| {
            row.try_get::<_, Json<Event>>(0)
                .map(|json| json.0)
                .map_err(|e| failed("reading an event", Told(&e)))
        })
        .collect()
}

/// The events after version `after` of [`LOAD_FROM`]'s rows and the stream's version (the
/// last row's, so that a gap in the versions fails the core's check), or `None` when the
/// stream does not reach `after` (no row at `after`).
pub(crate) fn events_after(after: u64, rows: Vec<Row>) -> Result<Option<(Vec<Event>, u64)>> {
    let read = |e| failed("reading an event", Told(&e));
    let mut rows = rows.into_iter();
    let Some(first) = rows.next() else {
        return Ok(None);
    };
    if from_i64(first.try_get(0).map_err(read)?)? != after {
        return Ok(None);
    }
    let mut version = after;
    let mut events = Vec::with_capacity(rows.len());
    for row in rows {
        version = from_i64(row.try_get(0).map_err(read)?)?;
        events.push(row.try_get::<_, Json<Event>>(1).map_err(read)?.0);
    }
    Ok(Some((events, version)))
}

/// The version of [`VERSION`]'s row.
pub(crate) fn version(row: &Row) -> Result<u64> {
    let version: i64 = row
        .try_get(0)
        .map_err(|e| failed("reading a version", Told(&e)))?;
    from_i64(version)
}

/// The entries of [`FEED`]'s rows.
pub(crate) fn feed(tenant: &Id, rows: Vec<Row>) -> Result<Vec<FeedEntry>> {
    rows.into_iter()
        .map(|row| {
            let read = |e| failed("reading the feed", Told(&e));
            let position: i64 = row.try_get(0).map_err(read)?;
            let date: NaiveDate = row.try_get(1).map_err(read)?;
            let doctor: &str = row.try_get(2).map_err(read)?;
            let version: i64 = row.try_get(3).map_err(read)?;
            let event: Json<Event> = row.try_get(4).map_err(read)?;
            Ok(FeedEntry {
                position: from_i64(position)?,
                stream: StreamId {
                    tenant: tenant.clone(),
                    date,
                    doctor_id: (!doctor.is_empty()).then(|| Id::from(doctor)),
                },
                version: from_i64(version)?,
                event: event.0,
            })
        })
        .collect()
}

fn from_i64(value: i64) -> Result<u64> {
    u64::try_from(value).map_err(|_| storage(format!("negative number {value} in the store")))
}

/// What an append's statement ended in, before the conflict's actual version is read.
pub(crate) enum Appended {
    /// The events are in: the new version.
    Done(u64),
    /// The stream was not at the expected version.
    Conflict,
}

/// The outcome of [`APPEND`]: the rows it returned, or its error (a unique violation of the
/// stream's key is a conflict).
pub(crate) fn appended(
    outcome: std::result::Result<Vec<Row>, tokio_postgres::Error>,
    expected: u64,
) -> Result<Appended> {
    match outcome {
        Ok(rows) if rows.is_empty() => Ok(Appended::Conflict),
        Ok(rows) => Ok(Appended::Done(expected + rows.len() as u64)),
        Err(e) if is_version_collision(&e) => Ok(Appended::Conflict),
        Err(e) => Err(failed("append", Told(&e))),
    }
}

/// Whether `e` is a unique violation of a stream's (tenant, date, doctor, version) key.
fn is_version_collision(e: &tokio_postgres::Error) -> bool {
    e.as_db_error().is_some_and(|db| {
        *db.code() == SqlState::UNIQUE_VIOLATION && db.constraint() == Some("events_stream_version")
    })
}

/// The conflict of an append at `expected` to `stream`, now at `actual`.
pub(crate) fn conflict(stream: &StreamId, expected: u64, actual: u64) -> Error {
    Error::Conflict {
        stream: stream.to_string(),
        expected,
        actual,
    }
}

/// A storage error: `what` failed, and why.
pub(crate) fn failed(what: &str, e: impl fmt::Display) -> Error {
    storage(format!("PostgreSQL {what} failed: {e}"))
}

/// A storage error of PostgreSQL with this message.
pub(crate) fn storage(message: String) -> Error {
    Error::Storage {
        kind: "postgres".into(),
        message,
        source: None,
    }
}

/// An append of no events: the stream's version if it is `expected`, else a conflict.
pub(crate) fn unchanged(stream: &StreamId, expected: u64, actual: u64) -> Result<u64> {
    match actual == expected {
        true => Ok(actual),
        false => Err(conflict(stream, expected, actual)),
    }
}

/// The one row a statement returns.
pub(crate) fn one(rows: &[Row]) -> Result<&Row> {
    rows.first()
        .ok_or_else(|| storage("PostgreSQL returned no row where one was due".into()))
}

/// A PostgreSQL error told in full: the server's message and code for a database error
/// (the driver's own `Display` says only "db error"), else the driver's error and its cause.
pub(crate) struct Told<'e>(pub(crate) &'e tokio_postgres::Error);

impl fmt::Display for Told<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(db) = self.0.as_db_error() {
            write!(
                f,
                "{} {}: {}",
                db.severity(),
                db.code().code(),
                db.message()
            )?;
            if let Some(detail) = db.detail() {
                write!(f, " ({detail})")?;
            }
            return Ok(());
        }
        write!(f, "{}", self.0)?;
        let mut cause = std::error::Error::source(self.0);
        while let Some(e) = cause {
            write!(f, ": {e}")?;
            cause = e.source();
        }
        Ok(())
    }
}
