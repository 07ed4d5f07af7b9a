//! The store contract on PostgreSQL: the test kit's checks (sync, async, harder), the
//! migrations, and the edges of append.

mod support;

use chrono::NaiveDate;
use medsched::Error;
use medsched::store::{Actor, AsyncEventStore, Change, Event, EventStore, StreamId};
use medsched_postgres::{MIGRATIONS, PgStore, postgres};
use medsched_testkit::{
    Checks, check_async_event_store, check_event_store, check_rate_limit_store,
};

fn event(tenant: &str, appointment: &str) -> Event {
    Event {
        tenant: tenant.into(),
        actor: Actor::staff("rcp-7"),
        at: "2026-03-02T08:00:00Z".parse().unwrap(),
        change: Change::AppointmentConfirmed {
            appointment_id: appointment.into(),
        },
    }
}

#[test]
fn the_sync_store_passes_every_check() {
    let Some(url) = support::url() else { return };
    let store = support::store(&url, 8);
    check_event_store(&store, "pg-sync").unwrap();
    check_event_store(&store, "pg-sync").unwrap();
    Checks::new("pg-sync-keys").tenant_keys(&store).unwrap();
    Checks::new("pg-sync-harder")
        .threads(8)
        .appends_per_thread(40)
        .run(&store)
        .unwrap();
}

#[test]
fn the_sync_store_keeps_the_rate_limit_contract() {
    let Some(url) = support::url() else { return };
    let store = support::store(&url, 8);
    check_rate_limit_store(&store, "pg-rate").unwrap();
    // A second store on the same database: another app server.
    check_rate_limit_store(&support::store(&url, 4), "pg-rate").unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_async_store_passes_every_check() {
    let Some(url) = support::url() else { return };
    let store = support::async_store(&url, 8).await;
    check_async_event_store(&store, "pg-async").await.unwrap();
    Checks::new("pg-async-harder")
        .threads(8)
        .appends_per_thread(40)
        .run_async(&store)
        .await
        .unwrap();
}

#[test]
fn the_async_store_passes_the_threaded_checks_off_its_runtime() {
    let Some(url) = support::url() else { return };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let store = runtime.block_on(support::async_store(&url, 8));
    // Writers and reader on threads of their own, each with futures::executor::block_on:
    // the store's connections run on its runtime.
    Checks::new("pg-async-threads")
        .threads(6)
        .run_async_on_threads(&store)
        .unwrap();
}

#[test]
fn migrations_apply_once_and_are_recorded() {
    let Some(url) = support::url() else { return };
    let store = support::store(&url, 2);
    assert_eq!(store.migrate().unwrap(), Vec::<i32>::new());
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let recorded: Vec<(i32, String)> = client
        .query(
            "SELECT version, name FROM schema_migrations ORDER BY version",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let shipped: Vec<(i32, String)> = MIGRATIONS
        .iter()
        .map(|m| (m.version, m.name.to_owned()))
        .collect();
    assert_eq!(recorded, shipped);
}

#[test]
fn migrating_from_many_threads_at_once_applies_each_step_once() {
    let Some(url) = support::url() else { return };
    // A database of its own, empty.
    let db = support::tenant("migrate").replace('-', "_");
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {db}"))
        .unwrap();
    let mut config: medsched_postgres::tokio_postgres::Config = url.parse().unwrap();
    config.dbname(&db);
    let options = medsched_postgres::PgOptions::from_config(config);
    let applied: Vec<Vec<i32>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let options = options.clone();
                scope.spawn(move || PgStore::with_options(options).unwrap().migrate().unwrap())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut all: Vec<i32> = applied.concat();
    all.sort_unstable();
    assert_eq!(all, [1, 2, 3, 4], "{applied:?}");
    admin
        .batch_execute(&format!("DROP DATABASE {db} WITH (FORCE)"))
        .unwrap();
}

#[test]
fn every_key_and_index_leads_with_the_tenant() {
    let Some(url) = support::url() else { return };
    let _store = support::store(&url, 1);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let rows = client
        .query(
            "SELECT t.relname::text, i.relname::text, a.attname::text \
             FROM pg_index x \
             JOIN pg_class t ON t.oid = x.indrelid \
             JOIN pg_class i ON i.oid = x.indexrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0] \
             WHERE n.nspname = current_schema() AND t.relname <> 'schema_migrations' \
             ORDER BY 1, 2",
            &[],
        )
        .unwrap();
    let indexes: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let names: Vec<&str> = indexes.iter().map(|(_, i, _)| i.as_str()).collect();
    assert_eq!(
        names,
        [
            "events_feed_position",
            "events_stream_version",
            "feed_heads_tenant",
            "rate_limits_key"
        ]
    );
    for (table, index, first) in &indexes {
        assert_eq!(first, "tenant", "{table}.{index} must lead with the tenant");
    }
    // Every table (but the migrations' own) has the tenant, first among its columns.
    let tables: Vec<(String, String)> = client
        .query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND ordinal_position = 1 \
             AND table_name <> 'schema_migrations' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        tables,
        [
            ("events".into(), "tenant".into()),
            ("feed_heads".into(), "tenant".into()),
            ("rate_limits".into(), "tenant".into())
        ]
    );
}

#[test]
fn an_append_past_the_streams_version_is_a_conflict() {
    let Some(url) = support::url() else { return };
    let store = support::store(&url, 2);
    let tenant = support::tenant("gap");
    let stream = StreamId::new(tenant.as_str(), support::day(support::MON));
    assert_eq!(
        store.append(&stream, 0, &[event(&tenant, "a-1")]).unwrap(),
        1
    );
    let err = store
        .append(&stream, 3, &[event(&tenant, "a-2")])
        .unwrap_err();
    assert_eq!(
        err,
        Error::Conflict {
            stream: stream.to_string(),
            expected: 3,
            actual: 1
        }
    );
    // No events: the version if it is the expected one, else a conflict; nothing written.
    assert_eq!(store.append(&stream, 1, &[]).unwrap(), 1);
    assert!(store.append(&stream, 0, &[]).unwrap_err().is_conflict());
    assert_eq!(store.feed(&tenant.as_str().into(), 0, 10).unwrap().len(), 1);
}

#[test]
fn a_token_queue_of_an_empty_doctor_id_is_refused() {
    let Some(url) = support::url() else { return };
    let store = support::store(&url, 1);
    let stream = StreamId::tokens("t", "", support::day(support::MON));
    let err = store.load(&stream).unwrap_err();
    assert_eq!(err.code(), "invalid_input");
}

#[test]
fn an_append_in_the_callers_transaction_commits_or_rolls_back_with_it() {
    let Some(url) = support::url() else { return };
    let store = support::store(&url, 2);
    let tenant = support::tenant("outbox");
    let stream = StreamId::new(
        tenant.as_str(),
        NaiveDate::from_ymd_opt(2026, 3, 3).unwrap(),
    );
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();

    let mut tx = client.transaction().unwrap();
    assert_eq!(
        store
            .append_in(&mut tx, &stream, 0, &[event(&tenant, "a-1")])
            .unwrap(),
        1
    );
    tx.rollback().unwrap();
    assert_eq!(store.load(&stream).unwrap().version, 0, "rolled back");

    let mut tx = client.transaction().unwrap();
    assert_eq!(
        store
            .append_in(&mut tx, &stream, 0, &[event(&tenant, "a-1")])
            .unwrap(),
        1
    );
    // A conflict keeps the transaction usable: the savepoint is rolled back alone.
    let err = store
        .append_in(&mut tx, &stream, 0, &[event(&tenant, "a-2")])
        .unwrap_err();
    assert_eq!(
        err,
        Error::Conflict {
            stream: stream.to_string(),
            expected: 0,
            actual: 1
        }
    );
    assert_eq!(
        store
            .append_in(&mut tx, &stream, 1, &[event(&tenant, "a-2")])
            .unwrap(),
        2
    );
    tx.commit().unwrap();
    let loaded = store.load(&stream).unwrap();
    assert_eq!(
        loaded.events,
        [event(&tenant, "a-1"), event(&tenant, "a-2")]
    );
    let feed = store.feed(&tenant.as_str().into(), 0, 10).unwrap();
    let positions: Vec<u64> = feed.iter().map(|e| e.position).collect();
    assert_eq!(positions, [1, 2]);
}

#[tokio::test]
async fn the_async_store_reports_conflicts_with_the_actual_version() {
    let Some(url) = support::url() else { return };
    let store = support::async_store(&url, 2).await;
    let tenant = support::tenant("async-conflict");
    let stream = StreamId::tokens(tenant.as_str(), "dr-asha", support::day(support::MON));
    let two = [event(&tenant, "a-1"), event(&tenant, "a-2")];
    assert_eq!(store.append(&stream, 0, &two).await.unwrap(), 2);
    let err = store.append(&stream, 1, &two[..1]).await.unwrap_err();
    assert_eq!(
        err,
        Error::Conflict {
            stream: stream.to_string(),
            expected: 1,
            actual: 2
        }
    );
    let loaded = store.load(&stream).await.unwrap();
    assert_eq!((loaded.version, loaded.events), (2, two.to_vec()));
}

#[test]
fn an_unreachable_server_is_a_storage_error() {
    let err =
        PgStore::connect("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2").unwrap_err();
    assert_eq!(err.code(), "storage", "{err}");
    assert!(err.to_string().contains("connect"), "{err}");
}
