//! The sync store, over the `postgres` crate.

use chrono::{DateTime, Utc};
use medsched::rate_limit::{RateKey, RateLimitStore};
use medsched::store::{Event, EventStore, FeedEntry, LoadedStream, StreamId};
use medsched::{Id, Result};
use postgres::types::ToSql;
use postgres::{NoTls, Row};

use crate::options::PgOptions;
use crate::pool::{Connection, Pool};
use crate::sql::{self, AppendValues, Appended, Key, Told, failed};
use crate::statements::Statements;
use crate::{Scope, schema};

/// A sync [`EventStore`] in PostgreSQL, over a pool of `postgres` connections: share it
/// between threads (`&PgStore`, `Arc<PgStore>`).
///
/// Each call takes a connection from the pool and runs one prepared statement (in row-level
/// security mode, in a transaction that names the tenant first). Call it from plain threads,
/// not from inside an async runtime (the `postgres` crate blocks on a runtime of its own):
/// there, use [`AsyncPgStore`](crate::AsyncPgStore).
///
/// # Example
///
/// ```no_run
/// use chrono::NaiveDate;
/// use medsched::store::{EventStore, StreamId};
/// use medsched_postgres::PgStore;
///
/// let store = PgStore::connect("postgresql://postgres@localhost/medsched")?;
/// store.migrate()?;
/// let stream = StreamId::new("clinic-1", NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
/// let loaded = store.load(&stream)?;
/// println!("{} events", loaded.version);
/// # Ok::<(), medsched::Error>(())
/// ```
pub struct PgStore {
    pool: Pool<SyncConn>,
    config: postgres::Config,
    scope: Scope,
}

struct SyncConn {
    client: postgres::Client,
    statements: Option<Statements>,
}

impl Connection for SyncConn {
    fn is_closed(&self) -> bool {
        self.client.is_closed()
    }
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects to the server at `url` (a `postgresql://` URL or a key-value string) with the
    /// default [`PgOptions`]. It opens one connection to check the server answers.
    ///
    /// # Errors
    ///
    /// [`Error::Storage`](medsched::Error::Storage) when the URL does not parse or the server
    /// cannot be reached.
    ///
    /// # Example
    ///
    /// ```no_run
    /// let store = medsched_postgres::PgStore::connect("host=/run/postgresql dbname=medsched")?;
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn connect(url: &str) -> Result<Self> {
        PgStore::with_options(PgOptions::new(url)?)
    }

    /// Connects with `options`. It opens one connection to check the server answers.
    ///
    /// # Errors
    ///
    /// [`Error::Storage`](medsched::Error::Storage) when the server cannot be reached.
    ///
    /// # Example
    ///
    /// ```no_run
    /// use medsched_postgres::{PgOptions, PgStore};
    ///
    /// let options = PgOptions::new("postgresql://clinic_app@localhost/medsched")?
    ///     .max_connections(16)
    ///     .row_level_security(true);
    /// let store = PgStore::with_options(options)?;
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn with_options(options: PgOptions) -> Result<Self> {
        let store = PgStore {
            pool: Pool::blocking(options.max_connections),
            config: options.config.into(),
            scope: Scope::of(options.row_level_security),
        };
        let mut lease = store.pool.lease_blocking();
        lease.conn = Some(store.open().map_err(|e| failed("connect", Told(&e)))?);
        drop(lease);
        Ok(store)
    }

    /// Applies the migrations of [`MIGRATIONS`](crate::MIGRATIONS) the database lacks, in
    /// one transaction, and records them in `schema_migrations`; returns the versions it
    /// applied (none when the schema is up to date). Safe to call at every start and from
    /// several processes at once (an advisory lock serializes them).
    ///
    /// # Errors
    ///
    /// [`Error::Storage`](medsched::Error::Storage) when a migration fails; then none is
    /// applied.
    ///
    /// # Example
    ///
    /// ```no_run
    /// let store = medsched_postgres::PgStore::connect("postgresql://postgres@localhost/medsched")?;
    /// let applied = store.migrate()?;
    /// assert!(store.migrate()?.is_empty(), "applied {applied:?} once");
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn migrate(&self) -> Result<Vec<i32>> {
        let mut lease = self.pool.lease_blocking();
        let conn = match &mut lease.conn {
            Some(conn) => conn,
            slot => slot.insert(self.open().map_err(|e| failed("connect", Told(&e)))?),
        };
        migrate(&mut conn.client).map_err(|e| failed("migration", Told(&e)))
    }

    /// Appends `events` to `stream` at `expected_version` inside the caller's transaction,
    /// so they commit (or roll back) with whatever else it writes (an outbox, an invoice).
    /// It runs in a savepoint: on a conflict nothing of it is kept and the transaction can
    /// go on. In row-level security mode it names the tenant for the rest of the
    /// transaction. Feed readers see the events, and are notified, once it commits; until
    /// then other appends of the tenant wait for it.
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`](medsched::Error::Conflict) when the stream is not at
    /// `expected_version`; [`Error::Storage`](medsched::Error::Storage) when PostgreSQL
    /// fails.
    ///
    /// # Example
    ///
    /// ```no_run
    /// use chrono::NaiveDate;
    /// use medsched::store::{Actor, Change, Event, StreamId};
    /// use medsched_postgres::{PgStore, postgres};
    ///
    /// let store = PgStore::connect("postgresql://postgres@localhost/medsched")?;
    /// let mut client = postgres::Client::connect("postgresql://postgres@localhost/medsched",
    ///     postgres::NoTls).unwrap();
    /// let mut tx = client.transaction().unwrap();
    /// let stream = StreamId::new("clinic-1", NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
    /// let event = Event {
    ///     tenant: "clinic-1".into(),
    ///     actor: Actor::staff("rcp-7"),
    ///     at: "2026-03-02T08:00:00Z".parse().unwrap(),
    ///     change: Change::AppointmentConfirmed { appointment_id: "a-1".into() },
    /// };
    /// store.append_in(&mut tx, &stream, 0, &[event])?;
    /// tx.commit().unwrap();
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn append_in(
        &self,
        tx: &mut postgres::Transaction<'_>,
        stream: &StreamId,
        expected_version: u64,
        events: &[Event],
    ) -> Result<u64> {
        let key = Key::of(stream)?;
        if self.scope == Scope::RowLevelSecurity {
            tx.execute(sql::SET_TENANT, &[&key.tenant])
                .map_err(|e| failed("naming the tenant", Told(&e)))?;
        }
        let mut savepoint = tx
            .transaction()
            .map_err(|e| failed("savepoint", Told(&e)))?;
        if events.is_empty() {
            let row = savepoint
                .query_one(sql::VERSION, &key.params())
                .map_err(|e| failed("load", Told(&e)))?;
            return sql::unchanged(stream, expected_version, sql::version(&row)?);
        }
        let values = AppendValues::new(expected_version, events)?;
        let outcome = savepoint.query(sql::APPEND, &values.params(&key));
        match sql::appended(outcome, expected_version)? {
            Appended::Done(version) => {
                savepoint
                    .commit()
                    .map_err(|e| failed("release savepoint", Told(&e)))?;
                Ok(version)
            }
            Appended::Conflict => {
                savepoint
                    .rollback()
                    .map_err(|e| failed("rollback", Told(&e)))?;
                let row = tx
                    .query_one(sql::VERSION, &key.params())
                    .map_err(|e| failed("load", Told(&e)))?;
                Err(sql::conflict(stream, expected_version, sql::version(&row)?))
            }
        }
    }

    fn open(&self) -> std::result::Result<SyncConn, postgres::Error> {
        Ok(SyncConn {
            client: self.config.connect(NoTls)?,
            statements: None,
        })
    }

    /// Runs one prepared statement (chosen from the connection's by `pick`) for `tenant`:
    /// the outer error is the pool's (no connection), the inner the statement's.
    fn query(
        &self,
        tenant: &str,
        pick: fn(&Statements) -> &postgres::Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<Vec<Row>, postgres::Error> {
        let mut lease = self.pool.lease_blocking();
        let conn = match &mut lease.conn {
            Some(conn) => conn,
            slot => slot.insert(self.open()?),
        };
        let SyncConn { client, statements } = conn;
        let statements = match statements {
            Some(statements) => statements,
            slot => slot.insert(Statements::prepare(client)?),
        };
        match self.scope {
            Scope::Key => client.query(pick(statements), params),
            Scope::RowLevelSecurity => {
                let mut tx = client.transaction()?;
                tx.execute(&statements.set_tenant, &[&tenant])?;
                let rows = tx.query(pick(statements), params)?;
                tx.commit()?;
                Ok(rows)
            }
        }
    }
}

impl EventStore for PgStore {
    fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
        let key = Key::of(stream)?;
        let rows = self
            .query(key.tenant, |s| &s.load, &key.params())
            .map_err(|e| failed("load", Told(&e)))?;
        let events = sql::events(rows)?;
        Ok(LoadedStream {
            version: events.len() as u64,
            events,
        })
    }

    /// One indexed read of the rows from version `after` on; a stream that does not reach
    /// `after` is loaded whole, to tell its version.
    fn load_after(&self, stream: &StreamId, after: u64) -> Result<LoadedStream> {
        if after == 0 {
            return self.load(stream);
        }
        let key = Key::of(stream)?;
        let from = sql::to_i64("version", after)?;
        let [tenant, date, doctor] = key.params();
        let rows = self
            .query(key.tenant, |s| &s.load_from, &[tenant, date, doctor, &from])
            .map_err(|e| failed("load", Told(&e)))?;
        match sql::events_after(after, rows)? {
            Some((events, version)) => Ok(LoadedStream { events, version }),
            None => self.load(stream).map(|loaded| loaded.skip(after)),
        }
    }

    fn append(&self, stream: &StreamId, expected_version: u64, events: &[Event]) -> Result<u64> {
        let key = Key::of(stream)?;
        if !events.is_empty() {
            let values = AppendValues::new(expected_version, events)?;
            let outcome = self.query(key.tenant, |s| &s.append, &values.params(&key));
            if let Appended::Done(version) = sql::appended(outcome, expected_version)? {
                return Ok(version);
            }
        }
        let rows = self
            .query(key.tenant, |s| &s.version, &key.params())
            .map_err(|e| failed("load", Told(&e)))?;
        let actual = sql::version(sql::one(&rows)?)?;
        match events.is_empty() {
            true => sql::unchanged(stream, expected_version, actual),
            false => Err(sql::conflict(stream, expected_version, actual)),
        }
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        let after = sql::to_i64("feed position", after)?;
        let limit = sql::limit(limit);
        let rows = self
            .query(tenant, |s| &s.feed, &[&tenant.as_str(), &after, &limit])
            .map_err(|e| failed("feed", Told(&e)))?;
        sql::feed(tenant, rows)
    }
}

/// Applies the pending migrations on `client`, in one transaction.
/// Booking rate limit states in the `rate_limits` table (migration 4): each swap is one
/// guarded statement, so app servers sharing the database share the limits.
impl RateLimitStore for PgStore {
    fn rate_state(&self, key: &RateKey) -> Result<Option<DateTime<Utc>>> {
        let rows = self
            .query(
                key.tenant.as_str(),
                |s| &s.rate_read,
                &[&key.tenant.as_str(), &key.kind.as_str(), &key.value],
            )
            .map_err(|e| failed("rate limit read", Told(&e)))?;
        match rows.first() {
            None => Ok(None),
            Some(row) => {
                let ns: i64 = row
                    .try_get(0)
                    .map_err(|e| failed("rate limit read", Told(&e)))?;
                Ok(Some(DateTime::from_timestamp_nanos(ns)))
            }
        }
    }

    fn swap_rate_state(
        &self,
        key: &RateKey,
        expected: Option<DateTime<Utc>>,
        new: DateTime<Utc>,
    ) -> Result<bool> {
        let nanos = |at: DateTime<Utc>| {
            at.timestamp_nanos_opt().ok_or_else(|| {
                medsched::Error::storage(format!("postgres: rate limit state {at} out of range"))
            })
        };
        let new = nanos(new)?;
        let (tenant, kind) = (key.tenant.as_str(), key.kind.as_str());
        let rows = match expected {
            None => self.query(
                tenant,
                |s| &s.rate_insert,
                &[&tenant, &kind, &key.value, &new],
            ),
            Some(expected) => {
                let expected = nanos(expected)?;
                self.query(
                    tenant,
                    |s| &s.rate_update,
                    &[&tenant, &kind, &key.value, &new, &expected],
                )
            }
        }
        .map_err(|e| failed("rate limit swap", Told(&e)))?;
        Ok(rows.len() == 1)
    }
}

pub(crate) fn migrate(
    client: &mut postgres::Client,
) -> std::result::Result<Vec<i32>, postgres::Error> {
    let mut tx = client.transaction()?;
    tx.batch_execute(schema::LOCK)?;
    tx.batch_execute(schema::TABLE)?;
    let applied = tx
        .query(schema::APPLIED, &[])?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<std::result::Result<Vec<i32>, _>>()?;
    let mut done = Vec::new();
    for migration in schema::pending(&applied) {
        tx.batch_execute(migration.sql)?;
        tx.execute(schema::RECORD, &[&migration.version, &migration.name])?;
        done.push(migration.version);
    }
    tx.commit()?;
    Ok(done)
}
