//! What every PostgreSQL test needs: the server's URL (from scripts/with-postgres.sh), a
//! migrated store, a fresh tenant, and the test kit's clinic the service tests book in.
#![allow(dead_code, reason = "each test file uses a part of the support module")]

use medsched_postgres::{AsyncPgStore, PgOptions, PgStore};
pub use medsched_testkit::clinic::*;

/// The server to test against: `MEDSCHED_PG_URL`, set by scripts/with-postgres.sh. Without
/// it the test fails, unless `MEDSCHED_PG_SKIP=1` says to skip it (never in CI): then `None`,
/// and the test says it skipped.
pub fn url() -> Option<String> {
    if let Ok(url) = std::env::var("MEDSCHED_PG_URL") {
        return Some(url);
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    if !ci && std::env::var("MEDSCHED_PG_SKIP").as_deref() == Ok("1") {
        eprintln!("SKIPPED: MEDSCHED_PG_URL is unset and MEDSCHED_PG_SKIP=1");
        return None;
    }
    panic!(
        "MEDSCHED_PG_URL is unset: run the PostgreSQL tests under scripts/with-postgres.sh \
         (bash scripts/with-postgres.sh cargo test -p medsched-postgres), or set \
         MEDSCHED_PG_SKIP=1 to skip them locally (never in CI)"
    );
}

/// A sync store on the test server, migrated, with `connections` at most.
pub fn store(url: &str, connections: usize) -> PgStore {
    let options = PgOptions::new(url).unwrap().max_connections(connections);
    let store = PgStore::with_options(options).unwrap();
    store.migrate().unwrap();
    store
}

/// An async store on the test server, migrated.
pub async fn async_store(url: &str, connections: usize) -> AsyncPgStore {
    let options = PgOptions::new(url).unwrap().max_connections(connections);
    let store = AsyncPgStore::with_options(options).await.unwrap();
    store.migrate().await.unwrap();
    store
}

/// A tenant no other test or run uses.
pub fn tenant(name: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{name}-{:x}-{nanos:x}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}
