//! The schema, as migrations applied in order when a store opens; `PRAGMA user_version`
//! records how many a file has had.

use rusqlite::{Connection, TransactionBehavior};

use crate::OpenError;

/// The migrations, oldest first: a file at `user_version` n has had the first n. Each is
/// applied once, in the transaction that raises `user_version`, so a file is never left
/// half-migrated and two processes opening a new file at once migrate it once.
const MIGRATIONS: &[&str] = &[
    // 1: the events and each tenant's feed head.
    "CREATE TABLE events (
        tenant    TEXT    NOT NULL,
        position  INTEGER NOT NULL,
        date      TEXT    NOT NULL,
        doctor_id TEXT    NOT NULL,
        version   INTEGER NOT NULL,
        body      TEXT    NOT NULL,
        UNIQUE (tenant, date, doctor_id, version),
        UNIQUE (tenant, position)
    ) STRICT;
    CREATE TABLE feed_heads (
        tenant   TEXT    NOT NULL PRIMARY KEY,
        position INTEGER NOT NULL
    ) STRICT;",
    // 2: booking rate limit states, one instant (nanoseconds) per key.
    "CREATE TABLE rate_limits (
        tenant TEXT    NOT NULL,
        kind   TEXT    NOT NULL,
        value  TEXT    NOT NULL,
        tat_ns INTEGER NOT NULL,
        PRIMARY KEY (tenant, kind, value)
    ) STRICT, WITHOUT ROWID;",
];

/// The schema version this crate writes: the number of migrations.
pub(crate) const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database to [`SCHEMA_VERSION`], under the write lock; nothing to do (and no
/// lock taken) when it is there already.
pub(crate) fn migrate(conn: &mut Connection, path: &str) -> Result<(), OpenError> {
    let sqlite = |e: rusqlite::Error| OpenError::sqlite(path, e);
    if user_version(conn).map_err(sqlite)? == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sqlite)?;
    // Again under the lock: another connection may have migrated meanwhile.
    let found = user_version(&tx).map_err(sqlite)?;
    let applied = usize::try_from(found)
        .ok()
        .filter(|&n| n <= MIGRATIONS.len())
        .ok_or_else(|| OpenError::SchemaTooNew {
            path: path.to_owned(),
            found,
            known: SCHEMA_VERSION,
        })?;
    for migration in &MIGRATIONS[applied..] {
        tx.execute_batch(migration).map_err(sqlite)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)
        .map_err(sqlite)?;
    tx.commit().map_err(sqlite)
}

fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}
