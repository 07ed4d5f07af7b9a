//! # medsched-sqlite
//!
//! An event store for [medsched] in one SQLite file: [`SqliteStore`] implements
//! [`medsched::store::EventStore`], so the booking and token services run over it.
//!
//! ```
//! use medsched::store::{EventStore, StreamId};
//!
//! let dir = tempfile::tempdir()?;
//! let url = format!("sqlite://{}", dir.path().join("clinic.db").display());
//! let store = medsched_sqlite::open(&url)?;
//! let stream = StreamId::new("clinic-1", "2026-03-02".parse()?);
//! assert_eq!(store.load(&stream)?.version, 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Async hosts
//!
//! The store is sync; [`Blocking`](medsched::store::Blocking)`(store)` makes it an
//! [`AsyncEventStore`](medsched::store::AsyncEventStore) for
//! [`AsyncBookings`](medsched::booking::AsyncBookings) and
//! [`AsyncTokens`](medsched::tokens::AsyncTokens). Each call then runs on the task polling it:
//! a read takes microseconds and an append a disk sync, but an append waits for the write lock
//! while another one commits (up to [`Options::busy_timeout`]), so a host with many
//! concurrent writers may prefer to run the service calls on its blocking-task pool.
//!
//! ```
//! use medsched::booking::AsyncBookings;
//! use medsched::store::Blocking;
//!
//! let bookings = AsyncBookings::new(Blocking(medsched_sqlite::SqliteStore::open_in_memory()?));
//! # drop(bookings);
//! # Ok::<(), medsched_sqlite::OpenError>(())
//! ```
//!
//! ## What the file holds
//!
//! Three tables: `events` (one row per event: the tenant, its feed position, the stream's
//! date and doctor (`''` for a day book), the version, and the event's JSON),
//! `feed_heads` (each tenant's last feed position) and `rate_limits` (a booking rate limit
//! state per key, for [`RateLimitStore`](medsched::rate_limit::RateLimitStore): tenant,
//! kind, value and the instant in nanoseconds; rows before now may be deleted at any
//! time). The schema is migrated when a store opens, versioned with `PRAGMA user_version`.

mod error;
mod pool;
mod rate;
mod schema;
mod store;
mod url;

pub use error::OpenError;
pub use store::{Options, SqliteStore, Synchronous};

/// Opens the database a URL names, with the default [`Options`]:
///
/// - `sqlite:///absolute/path` (three slashes: the path starts with `/`),
/// - `sqlite://relative/path` (from the current directory),
/// - `sqlite::memory:` (a database in memory, private to the store).
///
/// Percent escapes in the path are decoded (`%20` is a space). A file is created if missing.
///
/// # Errors
///
/// [`OpenError::NotSqlite`], [`OpenError::MalformedUrl`] or
/// [`OpenError::UnsupportedOptions`] for any other URL; otherwise as
/// [`SqliteStore::open`].
///
/// # Example
///
/// ```
/// use medsched_sqlite::{OpenError, open};
///
/// let store = open("sqlite::memory:")?;
/// # drop(store);
/// assert!(matches!(open("sqlite:clinic.db"), Err(OpenError::MalformedUrl { .. })));
/// assert!(matches!(open("sqlite:///tmp/x.db?mode=ro"), Err(OpenError::UnsupportedOptions { .. })));
/// # Ok::<(), OpenError>(())
/// ```
pub fn open(url: &str) -> Result<SqliteStore, OpenError> {
    SqliteStore::open_url(url, Options::default())
}
