//! A few connections to one database, lent to one call at a time.

use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};

use crate::url::Target;
use crate::{OpenError, Options};

/// The connections of a store: idle ones wait in a list; a call takes one (opening it if
/// fewer than the most are open, waiting for one to come back otherwise) and gives it back
/// when done. No thread of its own: connections are opened by the calls that need them.
pub(crate) struct Pool {
    target: Target,
    options: Options,
    idle: Mutex<Idle>,
    returned: Condvar,
}

struct Idle {
    connections: Vec<Connection>,
    /// Connections open, lent or idle.
    open: usize,
}

impl Pool {
    /// A pool of connections to `target`, starting with `first`, opened and set up.
    pub(crate) fn new(target: Target, options: Options, first: Connection) -> Self {
        Pool {
            target,
            options,
            idle: Mutex::new(Idle {
                connections: vec![first],
                open: 1,
            }),
            returned: Condvar::new(),
        }
    }

    /// The most connections open at once: one for an in-memory database (each connection
    /// would have a database of its own).
    fn max_open(&self) -> usize {
        match self.target {
            Target::Memory => 1,
            Target::File(_) => self.options.max_connections.max(1),
        }
    }

    /// A connection for one call.
    pub(crate) fn get(&self) -> rusqlite::Result<Lent<'_>> {
        let mut idle = self.lock();
        loop {
            if let Some(connection) = idle.connections.pop() {
                return Ok(Lent {
                    pool: self,
                    connection: Some(connection),
                });
            }
            if idle.open < self.max_open() {
                idle.open += 1;
                drop(idle);
                return match connect(&self.target, &self.options) {
                    Ok(connection) => Ok(Lent {
                        pool: self,
                        connection: Some(connection),
                    }),
                    Err(err) => {
                        self.lock().open -= 1;
                        self.returned.notify_one();
                        Err(err)
                    }
                };
            }
            idle = self.returned.wait(idle).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// The idle list, even if a thread panicked while holding it (it only pushes and pops).
    fn lock(&self) -> MutexGuard<'_, Idle> {
        self.idle.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A connection lent by the pool, given back when dropped.
pub(crate) struct Lent<'p> {
    pool: &'p Pool,
    connection: Option<Connection>,
}

impl Deref for Lent<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.connection.as_ref().expect("lent until dropped")
    }
}

impl DerefMut for Lent<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        self.connection.as_mut().expect("lent until dropped")
    }
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        if let Some(connection) = self.connection.take() {
            self.pool.lock().connections.push(connection);
            self.pool.returned.notify_one();
        }
    }
}

/// A new connection to `target` with the store's per-connection settings (the busy timeout
/// and `synchronous`; WAL is a setting of the file, see [`use_wal`]).
pub(crate) fn connect(target: &Target, options: &Options) -> rusqlite::Result<Connection> {
    let connection = match target {
        // No SQLITE_OPEN_URI: a path is a path, even one that starts with `file:`.
        Target::File(path) => Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?,
        Target::Memory => Connection::open_in_memory()?,
    };
    connection.busy_timeout(options.busy_timeout)?;
    connection.pragma_update(None, "synchronous", options.synchronous.pragma())?;
    Ok(connection)
}

/// Puts the file in WAL mode (readers then never wait for the writer). WAL is a property of
/// the file, kept once set, so this only changes anything on a new file; switching takes a
/// moment of exclusive access, which SQLite refuses at once (busy timeout or not) while
/// another connection is in the middle of something, so it retries until the busy timeout.
pub(crate) fn use_wal(
    connection: &Connection,
    path: &str,
    timeout: Duration,
) -> Result<(), OpenError> {
    let mode = |c: &Connection| -> rusqlite::Result<String> {
        c.pragma_query_value(None, "journal_mode", |row| row.get(0))
    };
    let deadline = Instant::now() + timeout;
    loop {
        let current = mode(connection).map_err(|e| OpenError::sqlite(path, e))?;
        if current.eq_ignore_ascii_case("wal") {
            return Ok(());
        }
        let set: rusqlite::Result<String> =
            connection.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0));
        match set {
            Ok(mode) if mode.eq_ignore_ascii_case("wal") => return Ok(()),
            Ok(mode) => {
                return Err(OpenError::sqlite(
                    path,
                    format!("cannot use write-ahead logging: journal mode stays {mode:?}"),
                ));
            }
            Err(err) if is_busy(&err) && Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(10));
            }
            Err(err) => return Err(OpenError::sqlite(path, err)),
        }
    }
}

fn is_busy(err: &rusqlite::Error) -> bool {
    matches!(
        err.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}
