//! The async store, over `tokio-postgres`, and its feed wake-ups (LISTEN/NOTIFY).

use std::sync::Arc;
use std::time::Duration;

use futures::future::poll_fn;
use medsched::store::{AsyncEventStore, Event, FeedEntry, LoadedStream, StreamId};
use medsched::{Id, Result};
use tokio::runtime::Handle;
use tokio::sync::broadcast;
use tokio::time::Instant;
use tokio_postgres::types::ToSql;
use tokio_postgres::{AsyncMessage, NoTls, Row};

use crate::options::PgOptions;
use crate::pool::{Connection, Pool};
use crate::sql::{self, AppendValues, Appended, Key, Told, failed, storage};
use crate::statements::Statements;
use crate::{Scope, schema};

/// An async [`AsyncEventStore`] in PostgreSQL, over a pool of `tokio-postgres` connections,
/// and feed readers woken by LISTEN/NOTIFY ([`wait_for_events`](Self::wait_for_events)).
///
/// It is made on a tokio runtime (which must have I/O and time enabled) and keeps a handle
/// to it: its connections run there, so its futures can then be awaited on any executor
/// and any thread while that runtime lives.
///
/// # Example
///
/// ```no_run
/// use chrono::NaiveDate;
/// use medsched::store::{AsyncEventStore, StreamId};
/// use medsched_postgres::AsyncPgStore;
///
/// # async fn run() -> medsched::Result<()> {
/// let store = AsyncPgStore::connect("postgresql://postgres@localhost/medsched").await?;
/// store.migrate().await?;
/// let stream = StreamId::new("clinic-1", NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
/// let loaded = store.load(&stream).await?;
/// println!("{} events", loaded.version);
/// # Ok(())
/// # }
/// ```
pub struct AsyncPgStore {
    pool: Pool<AsyncConn>,
    config: tokio_postgres::Config,
    scope: Scope,
    runtime: Handle,
    listener: tokio::sync::Mutex<Option<Listener>>,
}

struct AsyncConn {
    client: tokio_postgres::Client,
    statements: Statements,
}

impl Connection for AsyncConn {
    fn is_closed(&self) -> bool {
        self.client.is_closed()
    }
}

/// The connection that listens on the feed channel, and the tenants it hears of.
struct Listener {
    /// Kept open while the store lives: closing it ends the task that reads it.
    _client: tokio_postgres::Client,
    /// A receiver to subscribe from; the task holds the one sender, so once the connection
    /// is lost every receiver sees the channel closed.
    tenants: broadcast::Receiver<Arc<str>>,
}

impl std::fmt::Debug for AsyncPgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncPgStore")
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl AsyncPgStore {
    /// Connects to the server at `url` with the default [`PgOptions`], on the current tokio
    /// runtime. It opens one connection to check the server answers.
    ///
    /// # Errors
    ///
    /// [`Error::Storage`](medsched::Error::Storage) when the URL does not parse, when called
    /// outside a tokio runtime, or when the server cannot be reached.
    ///
    /// # Example
    ///
    /// ```no_run
    /// # async fn run() -> medsched::Result<()> {
    /// let store = medsched_postgres::AsyncPgStore::connect("dbname=medsched").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect(url: &str) -> Result<Self> {
        AsyncPgStore::with_options(PgOptions::new(url)?).await
    }

    /// Connects with `options`, on the current tokio runtime.
    ///
    /// # Errors
    ///
    /// [`Error::Storage`](medsched::Error::Storage) when called outside a tokio runtime or
    /// when the server cannot be reached.
    ///
    /// # Example
    ///
    /// ```no_run
    /// use medsched_postgres::{AsyncPgStore, PgOptions};
    ///
    /// # async fn run() -> medsched::Result<()> {
    /// let options = PgOptions::new("postgresql://clinic_app@localhost/medsched")?
    ///     .max_connections(32)
    ///     .row_level_security(true);
    /// let store = AsyncPgStore::with_options(options).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn with_options(options: PgOptions) -> Result<Self> {
        let runtime = Handle::try_current()
            .map_err(|e| storage(format!("AsyncPgStore needs a tokio runtime: {e}")))?;
        let store = AsyncPgStore {
            pool: Pool::for_tasks(options.max_connections),
            config: options.config,
            scope: Scope::of(options.row_level_security),
            runtime,
            listener: tokio::sync::Mutex::new(None),
        };
        // Check the server answers (the statements need the schema, which may not be
        // migrated yet).
        let config = store.config.clone();
        store
            .spawn(async move {
                let (client, connection) = config.connect(NoTls).await?;
                tokio::spawn(connection);
                client.simple_query("SELECT 1").await.map(drop)
            })
            .await
            .map_err(|e| failed("connect", e))?;
        Ok(store)
    }

    /// Applies the migrations the database lacks, as [`PgStore::migrate`](crate::PgStore::migrate)
    /// does; returns the versions it applied.
    ///
    /// # Errors
    ///
    /// [`Error::Storage`](medsched::Error::Storage) when a migration fails; then none is
    /// applied.
    ///
    /// # Example
    ///
    /// ```no_run
    /// # async fn run() -> medsched::Result<()> {
    /// let store = medsched_postgres::AsyncPgStore::connect("dbname=medsched").await?;
    /// store.migrate().await?;
    /// assert!(store.migrate().await?.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn migrate(&self) -> Result<Vec<i32>> {
        let config = self.config.clone();
        self.spawn(async move {
            let (mut client, connection) = config.connect(NoTls).await?;
            tokio::spawn(connection);
            let tx = client.transaction().await?;
            tx.batch_execute(schema::LOCK).await?;
            tx.batch_execute(schema::TABLE).await?;
            let applied = tx
                .query(schema::APPLIED, &[])
                .await?
                .iter()
                .map(|row| row.try_get(0))
                .collect::<std::result::Result<Vec<i32>, _>>()?;
            let mut done = Vec::new();
            for migration in schema::pending(&applied) {
                tx.batch_execute(migration.sql).await?;
                tx.execute(schema::RECORD, &[&migration.version, &migration.name])
                    .await?;
                done.push(migration.version);
            }
            tx.commit().await?;
            Ok(done)
        })
        .await
        .map_err(|e| failed("migration", e))
    }

    /// Reads `tenant`'s feed after `after`, waiting for an append if there is nothing yet:
    /// returns as soon as the feed holds entries after `after` (at most `limit`), or empty
    /// once `timeout` has passed. Appends wake it through LISTEN/NOTIFY (one connection per
    /// store listens to the channel `medsched_feed`, whose payload is the tenant), so a
    /// reader follows the feed without polling:
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// # async fn run(store: medsched_postgres::AsyncPgStore) -> medsched::Result<()> {
    /// let tenant = "clinic-1".into();
    /// let mut after = 0;
    /// loop {
    ///     for entry in store.wait_for_events(&tenant, after, 100, Duration::from_secs(30)).await? {
    ///         println!("{} {}", entry.stream, entry.event.change.name());
    ///         after = entry.position;
    ///     }
    /// }
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Storage`](medsched::Error::Storage) when the feed cannot be read or the
    /// listening connection cannot be opened.
    pub async fn wait_for_events(
        &self,
        tenant: &Id,
        after: u64,
        limit: usize,
        timeout: Duration,
    ) -> Result<Vec<FeedEntry>> {
        let deadline = Instant::now() + timeout;
        let sleep = {
            let _runtime = self.runtime.enter();
            tokio::time::sleep_until(deadline)
        };
        tokio::pin!(sleep);
        // Subscribe before reading: an append committed after the read is then heard.
        let mut tenants = self.subscribe().await?;
        loop {
            let entries = AsyncEventStore::feed(self, tenant, after, limit).await?;
            if !entries.is_empty() {
                return Ok(entries);
            }
            loop {
                tokio::select! {
                    () = &mut sleep => return Ok(Vec::new()),
                    heard = tenants.recv() => match heard {
                        Ok(t) if *t == **tenant => break,
                        Ok(_) => {}
                        Err(broadcast::error::RecvError::Lagged(_)) => break,
                        Err(broadcast::error::RecvError::Closed) => {
                            tenants = self.subscribe().await?;
                            break;
                        }
                    },
                }
            }
        }
    }

    /// A receiver of the tenants whose feed moved, from the store's listening connection
    /// (opened on first use, and again once lost).
    async fn subscribe(&self) -> Result<broadcast::Receiver<Arc<str>>> {
        let mut listener = self.listener.lock().await;
        if let Some(open) = listener.as_ref().filter(|l| !l._client.is_closed()) {
            return Ok(open.tenants.resubscribe());
        }
        let config = self.config.clone();
        let opened = self
            .spawn(async move {
                let (client, mut connection) = config.connect(NoTls).await?;
                let (sender, tenants) = broadcast::channel(1024);
                tokio::spawn(async move {
                    while let Some(Ok(message)) = poll_fn(|cx| connection.poll_message(cx)).await {
                        if let AsyncMessage::Notification(n) = message {
                            // No receiver is no reader waiting: nothing to wake.
                            let _ = sender.send(Arc::from(n.payload()));
                        }
                    }
                });
                client
                    .batch_execute(&format!("LISTEN {}", sql::CHANNEL))
                    .await?;
                Ok(Listener {
                    _client: client,
                    tenants,
                })
            })
            .await
            .map_err(|e| failed("LISTEN", e))?;
        let receiver = opened.tenants.resubscribe();
        *listener = Some(opened);
        Ok(receiver)
    }

    /// Runs `task` on the store's runtime, where connections are opened and driven.
    async fn spawn<T: Send + 'static>(
        &self,
        task: impl Future<Output = std::result::Result<T, tokio_postgres::Error>> + Send + 'static,
    ) -> std::result::Result<T, SpawnError> {
        match self.runtime.spawn(task).await {
            Ok(outcome) => outcome.map_err(SpawnError::Postgres),
            Err(e) => Err(SpawnError::Task(e.to_string())),
        }
    }

    /// Opens a connection and prepares its statements.
    async fn open(&self) -> std::result::Result<AsyncConn, SpawnError> {
        let config = self.config.clone();
        self.spawn(async move {
            let (client, connection) = config.connect(NoTls).await?;
            tokio::spawn(connection);
            let statements = Statements::prepare_async(&client).await?;
            Ok(AsyncConn { client, statements })
        })
        .await
    }

    /// Runs one prepared statement (chosen by `pick`) for `tenant`: the outer error is the
    /// pool's (no connection), the inner the statement's.
    async fn query(
        &self,
        tenant: &str,
        pick: fn(&Statements) -> &tokio_postgres::Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<std::result::Result<Vec<Row>, tokio_postgres::Error>, SpawnError> {
        let mut lease = self.pool.lease().await;
        let conn = match &mut lease.conn {
            Some(conn) => conn,
            slot => slot.insert(self.open().await?),
        };
        let AsyncConn { client, statements } = conn;
        Ok(match self.scope {
            Scope::Key => client.query(pick(statements), params).await,
            Scope::RowLevelSecurity => scoped(client, statements, tenant, pick, params).await,
        })
    }
}

/// One statement in a transaction that names the tenant first.
async fn scoped(
    client: &mut tokio_postgres::Client,
    statements: &Statements,
    tenant: &str,
    pick: fn(&Statements) -> &tokio_postgres::Statement,
    params: &[&(dyn ToSql + Sync)],
) -> std::result::Result<Vec<Row>, tokio_postgres::Error> {
    let tx = client.transaction().await?;
    tx.execute(&statements.set_tenant, &[&tenant]).await?;
    let rows = tx.query(pick(statements), params).await?;
    tx.commit().await?;
    Ok(rows)
}

/// Why a task on the store's runtime failed: PostgreSQL's error, or the task's (the runtime
/// shut down).
#[derive(Debug)]
enum SpawnError {
    Postgres(tokio_postgres::Error),
    Task(String),
}

impl std::fmt::Display for SpawnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SpawnError::Postgres(e) => Told(e).fmt(f),
            SpawnError::Task(e) => write!(f, "the store's runtime: {e}"),
        }
    }
}

/// The statement's outcome once a connection was had.
fn connected<T>(what: &str, outcome: std::result::Result<T, SpawnError>) -> Result<T> {
    outcome.map_err(|e| failed(what, e))
}

impl AsyncEventStore for AsyncPgStore {
    async fn load(&self, stream: &StreamId) -> Result<LoadedStream> {
        let key = Key::of(stream)?;
        let rows = connected(
            "load",
            self.query(key.tenant, |s| &s.load, &key.params()).await,
        )?
        .map_err(|e| failed("load", Told(&e)))?;
        let events = sql::events(rows)?;
        Ok(LoadedStream {
            version: events.len() as u64,
            events,
        })
    }

    /// One indexed read of the rows from version `after` on; a stream that does not reach
    /// `after` is loaded whole, to tell its version.
    async fn load_after(&self, stream: &StreamId, after: u64) -> Result<LoadedStream> {
        if after == 0 {
            return self.load(stream).await;
        }
        let key = Key::of(stream)?;
        let from = sql::to_i64("version", after)?;
        let [tenant, date, doctor] = key.params();
        let rows = connected(
            "load",
            self.query(key.tenant, |s| &s.load_from, &[tenant, date, doctor, &from])
                .await,
        )?
        .map_err(|e| failed("load", Told(&e)))?;
        match sql::events_after(after, rows)? {
            Some((events, version)) => Ok(LoadedStream { events, version }),
            None => self.load(stream).await.map(|loaded| loaded.skip(after)),
        }
    }

    async fn append(
        &self,
        stream: &StreamId,
        expected_version: u64,
        events: &[Event],
    ) -> Result<u64> {
        let key = Key::of(stream)?;
        if !events.is_empty() {
            let values = AppendValues::new(expected_version, events)?;
            let outcome = connected(
                "append",
                self.query(key.tenant, |s| &s.append, &values.params(&key))
                    .await,
            )?;
            if let Appended::Done(version) = sql::appended(outcome, expected_version)? {
                return Ok(version);
            }
        }
        let rows = connected(
            "load",
            self.query(key.tenant, |s| &s.version, &key.params()).await,
        )?
        .map_err(|e| failed("load", Told(&e)))?;
        let actual = sql::version(sql::one(&rows)?)?;
        match events.is_empty() {
            true => sql::unchanged(stream, expected_version, actual),
            false => Err(sql::conflict(stream, expected_version, actual)),
        }
    }

    async fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<FeedEntry>> {
        let after = sql::to_i64("feed position", after)?;
        let limit = sql::limit(limit);
        let rows = connected(
            "feed",
            self.query(tenant, |s| &s.feed, &[&tenant.as_str(), &after, &limit])
                .await,
        )?
        .map_err(|e| failed("feed", Told(&e)))?;
        sql::feed(tenant, rows)
    }
}
