//! Tenant isolation both ways: by key (every statement names its tenant; the test kit's
//! isolation check) and by row-level security (a role that does not own the tables sees
//! only the tenant its transaction names, even with raw SQL).

mod support;

use medsched::store::{Actor, AsyncEventStore, Change, Event, EventStore, StreamId};
use medsched_postgres::tokio_postgres::Config;
use medsched_postgres::{AsyncPgStore, PgOptions, PgStore, postgres};
use medsched_testkit::{Checks, check_async_event_store, check_event_store};

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

/// A new login role that may read and write the tables but owns none: row-level security
/// binds it. Its connection configuration.
fn app_role(url: &str) -> Config {
    let _owner = support::store(url, 1);
    let role = support::tenant("app").replace('-', "_");
    let mut admin = postgres::Client::connect(url, postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!(
            "CREATE ROLE {role} LOGIN; \
             GRANT SELECT, INSERT, UPDATE ON events, feed_heads, rate_limits TO {role};"
        ))
        .unwrap();
    let mut config: Config = url.parse().unwrap();
    config.user(&role);
    config
}

#[test]
fn key_scoping_keeps_tenants_apart() {
    let Some(url) = support::url() else { return };
    let store = support::store(&url, 4);
    Checks::new("pg-keys").tenant_isolation(&store).unwrap();
}

#[test]
fn the_stores_keep_the_contract_in_row_level_security_mode() {
    let Some(url) = support::url() else { return };
    let options = PgOptions::from_config(app_role(&url))
        .max_connections(8)
        .row_level_security(true);
    let store = PgStore::with_options(options.clone()).unwrap();
    check_event_store(&store, "pg-rls").unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = AsyncPgStore::with_options(options).await.unwrap();
        check_async_event_store(&store, "pg-rls-async")
            .await
            .unwrap();
    });
}

#[test]
fn a_connection_scoped_to_one_tenant_cannot_read_or_write_anothers_rows() {
    let Some(url) = support::url() else { return };
    let config = app_role(&url);
    let store =
        PgStore::with_options(PgOptions::from_config(config.clone()).row_level_security(true))
            .unwrap();
    let (a, b) = (support::tenant("rls-a"), support::tenant("rls-b"));
    for tenant in [&a, &b] {
        let stream = StreamId::new(tenant.as_str(), support::day(support::MON));
        store.append(&stream, 0, &[event(tenant, "a-1")]).unwrap();
        assert_eq!(store.load(&stream).unwrap().version, 1);
    }

    // Raw SQL on the application role's own connection.
    let mut raw = postgres::Config::from(config)
        .connect(postgres::NoTls)
        .unwrap();
    let tenants_seen = |client: &mut postgres::Client| -> Vec<String> {
        client
            .query("SELECT DISTINCT tenant FROM events ORDER BY 1", &[])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    };
    assert!(
        tenants_seen(&mut raw).is_empty(),
        "no tenant named: no rows"
    );
    let mut tx = raw.transaction().unwrap();
    tx.execute("SELECT set_config('app.tenant', $1, true)", &[&a])
        .unwrap();
    let seen: Vec<String> = tx
        .query("SELECT DISTINCT tenant FROM events", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(seen, std::slice::from_ref(&a), "only tenant A's rows");
    let b_rows: i64 = tx
        .query_one("SELECT count(*) FROM events WHERE tenant = $1", &[&b])
        .unwrap()
        .get(0);
    assert_eq!(
        b_rows, 0,
        "tenant B's rows are invisible, even asked for by name"
    );
    let heads: i64 = tx
        .query_one("SELECT count(*) FROM feed_heads", &[])
        .unwrap()
        .get(0);
    assert_eq!(heads, 1, "one feed head: A's");
    let updated = tx
        .execute(
            "UPDATE feed_heads SET position = 0 WHERE tenant = $1",
            &[&b],
        )
        .unwrap();
    assert_eq!(updated, 0, "B's feed head cannot be touched");
    let err = tx
        .execute(
            "INSERT INTO events (tenant, stream_date, doctor_id, version, position, event) \
             VALUES ($1, '2026-03-02', '', 2, 99, '{}')",
            &[&b],
        )
        .unwrap_err();
    assert!(
        err.as_db_error()
            .unwrap()
            .message()
            .contains("row-level security"),
        "writing tenant B's rows is refused: {err}"
    );
    tx.rollback().unwrap();

    // The same role through a store that does not name its tenant sees nothing.
    let unscoped = PgStore::with_options(PgOptions::from_config(
        url.parse::<Config>()
            .map(|mut c| {
                c.user(raw_user(&mut raw).as_str());
                c
            })
            .unwrap(),
    ))
    .unwrap();
    let stream = StreamId::new(a.as_str(), support::day(support::MON));
    assert_eq!(unscoped.load(&stream).unwrap().version, 0);
    // The owner, not bound by the policies, sees both.
    let owner = support::store(&url, 1);
    assert_eq!(owner.load(&stream).unwrap().version, 1);
}

fn raw_user(client: &mut postgres::Client) -> String {
    client
        .query_one("SELECT current_user::text", &[])
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn the_async_store_in_row_level_security_mode_reads_its_tenants_rows() {
    let Some(url) = support::url() else { return };
    let config = tokio::task::spawn_blocking(move || app_role(&url))
        .await
        .unwrap();
    let store = AsyncPgStore::with_options(PgOptions::from_config(config).row_level_security(true))
        .await
        .unwrap();
    let tenant = support::tenant("rls-async");
    let stream = StreamId::tokens(tenant.as_str(), "dr-asha", support::day(support::MON));
    store
        .append(&stream, 0, &[event(&tenant, "a-1")])
        .await
        .unwrap();
    let feed = store.feed(&tenant.as_str().into(), 0, 10).await.unwrap();
    assert_eq!(feed.len(), 1);
    assert_eq!(feed[0].stream, stream);
}
