//! # medsched-postgres
//!
//! A PostgreSQL event store for [medsched]: [`PgStore`], a sync
//! [`EventStore`](medsched::store::EventStore) over the `postgres` crate, and
//! [`AsyncPgStore`], an [`AsyncEventStore`](medsched::store::AsyncEventStore) over
//! `tokio-postgres`. Both send the same SQL, pool their connections, and keep the store
//! contract that `medsched-testkit` checks.
//!
//! ```no_run
//! use medsched::booking::Bookings;
//! use medsched_postgres::PgStore;
//!
//! let store = PgStore::connect("postgresql://postgres@localhost/medsched")?;
//! store.migrate()?; // the shipped migrations, once each (see MIGRATIONS)
//! let bookings = Bookings::new(store);
//! # drop(bookings);
//! # Ok::<(), medsched::Error>(())
//! ```
//!
//! - **Schema** ([`MIGRATIONS`]): `events`, one row per event, keyed by
//!   `(tenant, stream_date, doctor_id, version)` (`doctor_id` is `''` for a day book) with
//!   the event as `jsonb` and its feed position, unique per tenant; `feed_heads`, each
//!   tenant's last position; `rate_limits`, a booking rate limit state per key (the sync
//!   [`PgStore`] is a [`RateLimitStore`](medsched::rate_limit::RateLimitStore));
//!   `schema_migrations`. The tenant leads every key and index, so the tables can be
//!   sharded by tenant.
//! - **Append** is one statement, so one transaction: it checks the stream's version,
//!   advances the tenant's feed head and inserts the events. Two writers at one version
//!   collide on the key: the second gets [`Error::Conflict`](medsched::Error::Conflict).
//! - **The feed**: the feed head's row lock orders a tenant's appends, so positions commit
//!   in order and a reader resuming after the last position it saw misses nothing.
//!   [`AsyncPgStore::wait_for_events`] wakes readers when an append commits
//!   (LISTEN/NOTIFY on the channel `medsched_feed`).
//! - **Tenants**: every statement is keyed by tenant. With
//!   [`PgOptions::row_level_security`], each call also names its tenant in its transaction
//!   (`SET LOCAL app.tenant`) and the schema's policies refuse every other tenant's rows to a
//!   role that does not own the tables:
//!
//! ```sql
//! CREATE ROLE clinic_app LOGIN;
//! GRANT SELECT, INSERT, UPDATE ON events, feed_heads, rate_limits TO clinic_app;
//! ```
//!
//! docs/STORES.md in the repository tells more: the feed rule and why, row-level security,
//! and running past one database.

mod async_store;
mod options;
mod pool;
mod schema;
mod sql;
mod statements;
mod sync_store;

pub use async_store::AsyncPgStore;
pub use options::PgOptions;
pub use schema::{MIGRATIONS, Migration};
pub use sync_store::PgStore;

/// The `postgres` crate this one is built on (for [`PgStore::append_in`]'s transaction).
pub use postgres;
/// The `tokio-postgres` crate this one is built on (for [`PgOptions::from_config`]).
pub use tokio_postgres;

/// How a store keeps tenants apart: by key alone, or by key and row-level security.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Key,
    RowLevelSecurity,
}

impl Scope {
    fn of(row_level_security: bool) -> Self {
        match row_level_security {
            true => Scope::RowLevelSecurity,
            false => Scope::Key,
        }
    }
}
