//! The schema as versioned migrations shipped in the crate, and how they are applied.

/// One step of the schema: its version, name and SQL. [`MIGRATIONS`] lists them in order;
/// `migrate()` on a store ([`PgStore::migrate`](crate::PgStore::migrate),
/// [`AsyncPgStore::migrate`](crate::AsyncPgStore::migrate)) applies those a database lacks
/// and records each in its `schema_migrations` table.
///
/// # Example
///
/// ```
/// let first = &medsched_postgres::MIGRATIONS[0];
/// assert_eq!((first.version, first.name), (1, "events"));
/// assert!(first.sql.contains("CREATE TABLE events"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    /// Its version: 1, 2, 3, ... in the order they apply.
    pub version: i32,
    /// A short name, recorded beside the version.
    pub name: &'static str,
    /// The SQL it runs, in the migration's transaction.
    pub sql: &'static str,
}

/// Every migration of the schema, oldest first: the event and feed-head tables (1), the
/// trigger that notifies feed readers (2), the row-level security policies (3) and the
/// booking rate limit states (4).
///
/// # Example
///
/// ```
/// let versions: Vec<i32> = medsched_postgres::MIGRATIONS.iter().map(|m| m.version).collect();
/// assert_eq!(versions, [1, 2, 3, 4]);
/// ```
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "events",
        sql: include_str!("../migrations/0001_events.sql"),
    },
    Migration {
        version: 2,
        name: "feed_notify",
        sql: include_str!("../migrations/0002_feed_notify.sql"),
    },
    Migration {
        version: 3,
        name: "row_level_security",
        sql: include_str!("../migrations/0003_row_level_security.sql"),
    },
    Migration {
        version: 4,
        name: "rate_limits",
        sql: include_str!("../migrations/0004_rate_limits.sql"),
    },
];

/// Serializes migrators (any fixed number: `pg_advisory_xact_lock` of it in the
/// migration's transaction), so two processes migrating at once apply each step once.
pub(crate) const LOCK: &str = "SELECT pg_advisory_xact_lock(7265746168)";

/// The table of applied migrations (not sharded: a reference table with Citus).
pub(crate) const TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations ( \
         version    integer     NOT NULL PRIMARY KEY, \
         name       text        NOT NULL, \
         applied_at timestamptz NOT NULL DEFAULT now() \
     )";

/// The versions applied.
pub(crate) const APPLIED: &str = "SELECT version FROM schema_migrations";

/// Records a migration as applied.
pub(crate) const RECORD: &str = "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)";

/// The migrations of [`MIGRATIONS`] not among `applied`, in order.
pub(crate) fn pending(applied: &[i32]) -> impl Iterator<Item = &'static Migration> + '_ {
    MIGRATIONS
        .iter()
        .filter(move |m| !applied.contains(&m.version))
}
