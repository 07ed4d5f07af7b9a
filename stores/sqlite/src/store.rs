//! The store: [`SqliteStore`] and its [`EventStore`] impl.

use std::fmt;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use chrono::NaiveDate;
use medsched::store::{Event, EventStore, FeedEntry, LoadedStream, StreamId};
use medsched::{Error, Id, Problem, Result};
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use crate::pool::{Pool, connect, use_wal};
use crate::url::{self, Target};
use crate::{OpenError, schema};

/// medsched's event store in one SQLite file: the sync [`EventStore`], safe to share
/// between threads (`Send + Sync`) and between processes using the same file.
///
/// - **Appends are serialized**: a store's appends take turns on a mutex, and each runs in
///   a `BEGIN IMMEDIATE` transaction, which takes the file's write lock up front (waiting
///   for writers of other processes), checks the stream's version, draws the tenant's feed
///   positions and inserts the events. A unique key on `(tenant, date, doctor_id, version)`
///   guards the version a second time: a collision is an [`Error::Conflict`] too.
/// - **Reads run beside the writer**: the file is in WAL mode, so `load` and `feed` read a
///   committed snapshot without waiting for an append in progress.
/// - **Feed positions** come from a per-tenant counter updated in the append's transaction:
///   since appends commit one at a time, positions become visible in increasing order and a
///   reader resuming after the last position it saw misses nothing.
/// - **A small pool of connections** (at most [`Options::max_connections`], opened as calls
///   need them), each with a busy timeout: a writer waits that long for the write lock
///   before it fails with [`Error::Storage`]. No thread of its own, no runtime.
///
/// For async hosts, wrap it in [`Blocking`](medsched::store::Blocking): its calls are short
/// and local (see the crate docs).
///
/// # Example
///
/// ```
/// use medsched::store::{EventStore, StreamId};
/// use medsched_sqlite::SqliteStore;
///
/// let dir = tempfile::tempdir()?;
/// let store = SqliteStore::open(dir.path().join("clinic.db"))?;
/// let stream = StreamId::new("clinic-1", "2026-03-02".parse()?);
/// assert_eq!(store.load(&stream)?.version, 0);
/// assert!(store.feed(&"clinic-1".into(), 0, 100)?.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SqliteStore {
    pub(crate) pool: Pool,
    /// Taken by an append for its transaction: this store's writers queue here, in turn,
    /// rather than in SQLite's busy handler, which sleeps and retries (up to 100 ms a
    /// time, first come not first served). Writers in other processes still meet there.
    pub(crate) writer: Mutex<()>,
    name: String,
}

/// How a store uses SQLite: how long a writer waits for the write lock, how many
/// connections it keeps, and how durable a commit is.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use medsched_sqlite::{Options, SqliteStore, Synchronous};
///
/// let options = Options {
///     busy_timeout: Duration::from_secs(30),
///     synchronous: Synchronous::Normal,
///     ..Options::default()
/// };
/// let dir = tempfile::tempdir()?;
/// let store = SqliteStore::open_with(dir.path().join("clinic.db"), options)?;
/// # drop(store);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// How long a call waits for a lock another connection holds (another append, in this
    /// process or another) before it fails with [`Error::Storage`]. 10 seconds by default.
    pub busy_timeout: Duration,
    /// The most connections open at once (at least 1; always 1 in memory). Calls beyond
    /// it wait for a connection to come back. 8 by default.
    pub max_connections: usize,
    /// How durable a commit is. [`Synchronous::Full`] by default.
    pub synchronous: Synchronous,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            busy_timeout: Duration::from_secs(10),
            max_connections: 8,
            synchronous: Synchronous::Full,
        }
    }
}

/// When a commit reaches the disk (SQLite's `PRAGMA synchronous`, in WAL mode).
///
/// Either way a crash of the process (even `SIGKILL` mid-transaction) loses nothing
/// committed and leaves nothing half-written; they differ on a power loss or an OS crash.
///
/// # Example
///
/// ```
/// use medsched_sqlite::{Options, Synchronous};
///
/// assert_eq!(Options::default().synchronous, Synchronous::Full);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Synchronous {
    /// Each commit is synced to disk before the append returns: a booking confirmed to a
    /// patient survives a power loss.
    Full,
    /// Commits are synced at checkpoints only: faster, but a power loss may undo the last
    /// commits (never half of one).
    Normal,
}

impl Synchronous {
    pub(crate) fn pragma(self) -> &'static str {
        match self {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        }
    }
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `path` with the default
    /// [`Options`]: WAL mode, the schema migrated to this crate's version.
    ///
    /// # Errors
    ///
    /// [`OpenError::Sqlite`] when SQLite cannot open or set up the file (no such
    /// directory, not a database...), [`OpenError::SchemaTooNew`] for a file written by a
    /// newer version of this crate.
    ///
    /// # Example
    ///
    /// ```
    /// use medsched_sqlite::{OpenError, SqliteStore};
    ///
    /// let dir = tempfile::tempdir()?;
    /// let store = SqliteStore::open(dir.path().join("clinic.db"))?;
    /// # drop(store);
    /// let missing = SqliteStore::open(dir.path().join("no-such-dir").join("clinic.db"));
    /// assert!(matches!(missing, Err(OpenError::Sqlite { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open(path: impl AsRef<Path>) -> std::result::Result<Self, OpenError> {
        SqliteStore::open_with(path, Options::default())
    }

    /// Opens (creating if missing) the database file at `path` with these [`Options`].
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::open`].
    ///
    /// # Example
    ///
    /// ```
    /// use medsched_sqlite::{Options, SqliteStore};
    ///
    /// let dir = tempfile::tempdir()?;
    /// let options = Options { max_connections: 2, ..Options::default() };
    /// let store = SqliteStore::open_with(dir.path().join("clinic.db"), options)?;
    /// # drop(store);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_with(
        path: impl AsRef<Path>,
        options: Options,
    ) -> std::result::Result<Self, OpenError> {
        SqliteStore::open_target(Target::File(path.as_ref().to_owned()), options)
    }

    /// A store in memory, private to this value and gone with it: for tests and
    /// demonstrations. Its one connection serves one call at a time.
    ///
    /// # Errors
    ///
    /// [`OpenError::Sqlite`] if SQLite fails to set it up.
    ///
    /// # Example
    ///
    /// ```
    /// use medsched::store::{EventStore, StreamId};
    ///
    /// let store = medsched_sqlite::SqliteStore::open_in_memory()?;
    /// let stream = StreamId::new("clinic-1", "2026-03-02".parse()?);
    /// assert_eq!(store.load(&stream)?.version, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_in_memory() -> std::result::Result<Self, OpenError> {
        SqliteStore::open_target(Target::Memory, Options::default())
    }

    /// Opens the database a `sqlite:` URL names, with these [`Options`]: see [`open`](crate::open)
    /// for the URLs taken.
    ///
    /// # Errors
    ///
    /// A URL error ([`OpenError::NotSqlite`], [`OpenError::MalformedUrl`],
    /// [`OpenError::UnsupportedOptions`]), or as [`SqliteStore::open`].
    ///
    /// # Example
    ///
    /// ```
    /// use medsched_sqlite::{Options, SqliteStore};
    ///
    /// let store = SqliteStore::open_url("sqlite::memory:", Options::default())?;
    /// # drop(store);
    /// # Ok::<(), medsched_sqlite::OpenError>(())
    /// ```
    pub fn open_url(url: &str, options: Options) -> std::result::Result<Self, OpenError> {
        SqliteStore::open_target(url::parse(url)?, options)
    }

    fn open_target(target: Target, options: Options) -> std::result::Result<Self, OpenError> {
        let name = match &target {
            Target::File(path) => path.display().to_string(),
            Target::Memory => ":memory:".to_owned(),
        };
        let mut first = connect(&target, &options).map_err(|e| OpenError::sqlite(&name, e))?;
        if let Target::File(_) = target {
            use_wal(&first, &name, options.busy_timeout)?;
        }
        schema::migrate(&mut first, &name)?;
        Ok(SqliteStore {
            pool: Pool::new(target, options, first),
            writer: Mutex::new(()),
            name,
        })
    }
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SqliteStore").field(&self.name).finish()
    }
}

/// A stream's key columns: the tenant, the date as `YYYY-MM-DD`, the doctor (`""` for the
/// day book).
struct Key<'s> {
    tenant: &'s str,
    date: String,
    doctor_id: &'s str,
}

impl<'s> Key<'s> {
    fn of(stream: &'s StreamId) -> Result<Self> {
        let doctor_id = match &stream.doctor_id {
            None => "",
            // The day book's column value: a token queue needs a doctor to be told apart.
            Some(doctor) if doctor.is_empty() => {
                return Err(Error::InvalidInput {
                    field: "stream.doctor_id".to_owned(),
                    value: String::new(),
                    problem: Problem::Missing("a doctor id for a token queue".to_owned()),
                });
            }
            Some(doctor) => doctor.as_str(),
        };
        Ok(Key {
            tenant: stream.tenant.as_str(),
            date: stream.date.to_string(),
            doctor_id,
        })
    }
}

/// A failure of SQLite (or of writing an event's JSON), kept whole as the storage error's
/// source.
pub(crate) fn storage(err: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::from_host("sqlite", err)
}

fn corrupt(stream: &StreamId, version: i64, what: impl fmt::Display) -> Error {
    Error::storage(format!(
        "sqlite: corrupt event {version} of stream {stream}: {what}"
    ))
}

/// A row as read, before its JSON is decoded (outside the connection).
fn decode(stream: &StreamId, version: i64, body: &str) -> Result<Event> {
    serde_json::from_str(body).map_err(|e| corrupt(stream, version, e))
}

fn to_u64(value: i64, stream: &StreamId, version: i64, what: &str) -> Result<u64> {
    u64::try_from(value).map_err(|_| corrupt(stream, version, format!("{what} {value}")))
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

const LOAD: &str = "SELECT version, body FROM events \
     WHERE tenant = ?1 AND date = ?2 AND doctor_id = ?3 ORDER BY version";
/// The rows from version `?4` on: the one at `?4` itself witnesses that the stream reached it.
const LOAD_FROM: &str = "SELECT version, body FROM events \
     WHERE tenant = ?1 AND date = ?2 AND doctor_id = ?3 AND version >= ?4 ORDER BY version";
const VERSION: &str = "SELECT max(version) FROM events \
     WHERE tenant = ?1 AND date = ?2 AND doctor_id = ?3";
const ADVANCE_FEED: &str = "INSERT INTO feed_heads (tenant, position) VALUES (?1, ?2) \
     ON CONFLICT (tenant) DO UPDATE SET position = position + excluded.position \
     RETURNING position";
const INSERT: &str = "INSERT INTO events (tenant, position, date, doctor_id, version, body) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
const FEED: &str = "SELECT position, date, doctor_id, version, body FROM events \
     WHERE tenant = ?1 AND position > ?2 ORDER BY position LIMIT ?3";

/// The stream's version as the transaction sees it.
fn version(tx: &Transaction<'_>, key: &Key<'_>) -> rusqlite::Result<u64> {
    let max: Option<i64> = tx
        .prepare_cached(VERSION)?
        .query_row(params![key.tenant, key.date, key.doctor_id], |row| {
            row.get(0)
        })
        .optional()?
        .flatten();
    Ok(max.map_or(0, |v| u64::try_from(v).unwrap_or(0)))
}

/// Whether SQLite refused a row for a unique key: another writer holds that version.
fn is_unique_violation(err: &rusqlite::Error) -> bool {
    matches!(
        err,
        rusqlite::Error::SqliteFailure(e, _)
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}

/// Inserts `bodies` as versions `expected + 1..` of the stream and draws their feed
/// positions, in `tx`. `Ok(None)` when a row collides with one already there (the unique
/// key's guard): the caller rolls back and reports a conflict.
fn insert(
    tx: &Transaction<'_>,
    key: &Key<'_>,
    expected: u64,
    bodies: &[String],
) -> rusqlite::Result<Option<()>> {
    let count = to_i64(bodies.len() as u64);
    let head: i64 = tx
        .prepare_cached(ADVANCE_FEED)?
        .query_row(params![key.tenant, count], |row| row.get(0))?;
    let mut insert = tx.prepare_cached(INSERT)?;
    for ((position, version), body) in (head - count + 1..).zip(to_i64(expected) + 1..).zip(bodies)
    {
        let row = params![key.tenant, position, key.date, key.doctor_id, version, body];
        match insert.execute(row) {
            Ok(_) => {}
            Err(err) if is_unique_violation(&err) => return Ok(None),
            Err(err) => return Err(err),
        }
    }
    Ok(Some(()))
}

impl EventStore for SqliteStore {
    fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
        let key = Key::of(stream)?;
        let rows: Vec<(i64, String)> = {
            let connection = self.pool.get().map_err(storage)?;
            let mut statement = connection.prepare_cached(LOAD).map_err(storage)?;
            statement
                .query_map(params![key.tenant, key.date, key.doctor_id], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })
                .and_then(|rows| rows.collect())
                .map_err(storage)?
        };
        let mut events = Vec::with_capacity(rows.len());
        for (version, body) in rows {
            if to_u64(version, stream, version, "version")? != events.len() as u64 + 1 {
                return Err(corrupt(
                    stream,
                    version,
                    format!("expected version {}", events.len() + 1),
                ));
            }
            events.push(decode(stream, version, &body)?);
        }
        Ok(LoadedStream {
            version: events.len() as u64,
            events,
        })
    }

    /// One indexed read of the rows from version `after` on (the stream's unique key): the
    /// row at `after` shows the stream reached it, and is not decoded. A stream that holds
    /// fewer than `after` events is loaded whole, to tell its version.
    fn load_after(&self, stream: &StreamId, after: u64) -> Result<LoadedStream> {
        if after == 0 {
            return self.load(stream);
        }
        let key = Key::of(stream)?;
        let rows: Vec<(i64, String)> = {
            let connection = self.pool.get().map_err(storage)?;
            let mut statement = connection.prepare_cached(LOAD_FROM).map_err(storage)?;
            statement
                .query_map(
                    params![key.tenant, key.date, key.doctor_id, to_i64(after)],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .and_then(|rows| rows.collect())
                .map_err(storage)?
        };
        let mut rows = rows.into_iter();
        match rows.next() {
            Some((version, _)) if to_u64(version, stream, version, "version")? == after => {}
            _ => return self.load(stream).map(|loaded| loaded.skip(after)),
        }
        let mut events = Vec::with_capacity(rows.len());
        for (version, body) in rows {
            let expected = after + events.len() as u64 + 1;
            if to_u64(version, stream, version, "version")? != expected {
                return Err(corrupt(
                    stream,
                    version,
                    format!("expected version {expected}"),
                ));
            }
            events.push(decode(stream, version, &body)?);
        }
        Ok(LoadedStream {
            version: after + events.len() as u64,
            events,
        })
    }

    fn append(&self, stream: &StreamId, expected_version: u64, events: &[Event]) -> Result<u64> {
        let key = Key::of(stream)?;
        if let Some((i, e)) = events
            .iter()
            .enumerate()
            .find(|(_, e)| e.tenant != stream.tenant)
        {
            return Err(Error::InvalidInput {
                field: format!("events[{i}].tenant"),
                value: e.tenant.to_string(),
                problem: Problem::Conflicting(format!("stream {stream}")),
            });
        }
        let bodies = events
            .iter()
            .map(serde_json::to_string)
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(storage)?;
        let conflict = |actual| Error::Conflict {
            stream: stream.to_string(),
            expected: expected_version,
            actual,
        };
        // The turn before the connection: a writer waiting for its turn holds no connection
        // that readers could use. The mutex guards no data, so a poisoned one is as good.
        let _turn = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let mut connection = self.pool.get().map_err(storage)?;
        let tx = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(storage)?;
        let actual = version(&tx, &key).map_err(storage)?;
        if actual != expected_version {
            return Err(conflict(actual)); // dropping `tx` rolls it back
        }
        if bodies.is_empty() {
            return Ok(actual);
        }
        match insert(&tx, &key, expected_version, &bodies).map_err(storage)? {
            Some(()) => tx.commit().map_err(storage)?,
            None => {
                drop(tx);
                let tx = connection.transaction().map_err(storage)?;
                return Err(conflict(version(&tx, &key).map_err(storage)?));
            }
        }
        Ok(expected_version + bodies.len() as u64)
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        type Row = (i64, String, String, i64, String);
        let rows: Vec<Row> = {
            let connection = self.pool.get().map_err(storage)?;
            let mut statement = connection.prepare_cached(FEED).map_err(storage)?;
            let limit = to_i64(limit as u64);
            statement
                .query_map(params![tenant.as_str(), to_i64(after), limit], |row| {
                    Ok((
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get(3)?,
                        row.get(4)?,
                    ))
                })
                .and_then(|rows| rows.collect())
                .map_err(storage)?
        };
        rows.into_iter()
            .map(|(position, date, doctor_id, version, body)| {
                let mut stream = StreamId {
                    tenant: tenant.clone(),
                    date: NaiveDate::MIN,
                    doctor_id: (!doctor_id.is_empty()).then(|| Id::from(doctor_id)),
                };
                stream.date = date
                    .parse()
                    .map_err(|e| corrupt(&stream, version, format_args!("date {date:?}: {e}")))?;
                Ok(FeedEntry {
                    position: to_u64(position, &stream, version, "position")?,
                    version: to_u64(version, &stream, version, "version")?,
                    event: decode(&stream, version, &body)?,
                    stream,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_colliding_with_the_unique_key_is_refused_not_written() {
        let store = SqliteStore::open_in_memory().unwrap();
        let stream = StreamId::new("clinic-1", NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
        let key = Key::of(&stream).unwrap();
        let mut connection = store.pool.get().unwrap();
        let tx = connection.transaction().unwrap();
        let body = vec!["{}".to_owned()];
        assert_eq!(insert(&tx, &key, 0, &body).unwrap(), Some(()));
        // As if the version check had been passed by: version 1 again.
        assert_eq!(insert(&tx, &key, 0, &body).unwrap(), None);
    }

    #[test]
    fn the_store_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<SqliteStore>();
    }
}
