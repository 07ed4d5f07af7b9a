//! The store contract (medsched-testkit's checks) on a file in a temporary directory: sync,
//! threaded, async through `Blocking`, and the in-memory database.

use futures::executor::block_on;
use medsched::store::Blocking;
use medsched_sqlite::SqliteStore;
use medsched_testkit::{
    Checks, check_async_event_store, check_event_store, check_rate_limit_store,
};

fn file_store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("clinic.db")).unwrap();
    (dir, store)
}

#[test]
fn a_file_store_keeps_the_contract() {
    let (_dir, store) = file_store();
    check_event_store(&store, "sqlite").unwrap();
}

#[test]
fn a_file_store_keeps_the_rate_limit_contract() {
    let (_dir, store) = file_store();
    check_rate_limit_store(&store, "sqlite-rate").unwrap();
    // Again on the same file, and from a second store on it (another app server).
    let again = SqliteStore::open(_dir.path().join("clinic.db")).unwrap();
    check_rate_limit_store(&again, "sqlite-rate").unwrap();
}

#[test]
fn a_file_store_keys_tenants_apart() {
    // A token queue of doctor "" is refused (it would be the day book's key), and feed
    // positions are counted per tenant (feed_heads).
    let (_dir, store) = file_store();
    Checks::new("sqlite-keys").tenant_keys(&store).unwrap();
    Checks::new("sqlite-keys").tenant_keys(&store).unwrap();
}

#[test]
fn a_file_store_keeps_it_under_sixteen_threads() {
    let (_dir, store) = file_store();
    Checks::new("sqlite-16")
        .threads(16)
        .appends_per_thread(20)
        .run(&store)
        .unwrap();
}

#[test]
fn a_file_store_keeps_it_as_an_async_store() {
    let (_dir, store) = file_store();
    let store = Blocking(store);
    block_on(check_async_event_store(&store, "sqlite-async")).unwrap();
    Checks::new("sqlite-async-threads")
        .threads(8)
        .run_async_on_threads(&store)
        .unwrap();
}

#[test]
fn an_in_memory_store_keeps_the_contract() {
    let store = SqliteStore::open_in_memory().unwrap();
    check_event_store(&store, "sqlite-memory").unwrap();
    block_on(check_async_event_store(
        &Blocking(&store),
        "sqlite-memory-async",
    ))
    .unwrap();
}

#[test]
fn the_checks_pass_again_on_a_store_that_holds_data() {
    let (dir, store) = file_store();
    check_event_store(&store, "first").unwrap();
    drop(store);
    let store = SqliteStore::open(dir.path().join("clinic.db")).unwrap();
    check_event_store(&store, "second").unwrap();
}
