//! A conformance check any [`EventStore`] adapter can run against itself.

use chrono::{DateTime, NaiveDate, Utc};

use crate::{
    Error, Id, store::Actor, store::Change, store::Event, store::EventStore, store::StreamId,
};

/// Checks that `store` keeps the [`EventStore`] contract: empty streams at version 0,
/// appends in order, a conflict (and no change) on a stale version, independent streams
/// (dates, and each doctor's token queue apart from the day book), isolated tenants, refusal of another tenant's events, and a per-tenant feed in append
/// order with increasing positions.
///
/// It writes to streams of two tenants named `{tenant_prefix}-a` and `{tenant_prefix}-b`,
/// which must be unused. Run it in each adapter's tests, including adapters written in a
/// host language behind a binding.
///
/// # Errors
///
/// The first breach of the contract, described.
///
/// # Example
///
/// ```
/// use medsched::{store::InMemoryStore, store::check_event_store};
///
/// check_event_store(&InMemoryStore::new(), "conformance").unwrap();
/// ```
pub fn check_event_store(store: &dyn EventStore, tenant_prefix: &str) -> Result<(), String> {
    let a: Id = format!("{tenant_prefix}-a").into();
    let b: Id = format!("{tenant_prefix}-b").into();
    let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap_or_default();
    let (a1, a2, b1) = (
        StreamId::new(a.clone(), day(2)),
        StreamId::new(a.clone(), day(3)),
        StreamId::new(b.clone(), day(2)),
    );
    let fail = |what: &str, e: Error| format!("{what}: {e}");

    let empty = store
        .load(&a1)
        .map_err(|e| fail("load of a new stream", e))?;
    expect(
        empty.version == 0 && empty.events.is_empty(),
        "a new stream is empty at version 0",
    )?;

    let first = [event(&a, "h-1"), event(&a, "h-2")];
    let v = store
        .append(&a1, 0, &first)
        .map_err(|e| fail("append at version 0", e))?;
    expect(v == 2, "append returns the new version (2)")?;
    let loaded = store.load(&a1).map_err(|e| fail("load", e))?;
    expect(
        loaded.version == 2 && loaded.events == first,
        "load returns the events in order",
    )?;

    match store.append(&a1, 0, &[event(&a, "h-3")]) {
        Err(Error::Conflict {
            expected: 0,
            actual: 2,
            ..
        }) => {}
        other => {
            return Err(format!(
                "a stale append must be Error::Conflict {{ expected: 0, actual: 2 }}, got {other:?}"
            ));
        }
    }
    let unchanged = store.load(&a1).map_err(|e| fail("load", e))?;
    expect(unchanged.version == 2, "a refused append changes nothing")?;

    let v = store
        .append(&a1, 2, &[event(&a, "h-3")])
        .map_err(|e| fail("append at version 2", e))?;
    expect(v == 3, "a second append continues the version (3)")?;
    let other_day = store.load(&a2).map_err(|e| fail("load", e))?;
    expect(
        other_day.version == 0,
        "streams of other dates are independent",
    )?;
    store
        .append(&a2, 0, &[event(&a, "h-4")])
        .map_err(|e| fail("append to a second stream", e))?;

    let b_day = store.load(&b1).map_err(|e| fail("load", e))?;
    expect(
        b_day.version == 0 && b_day.events.is_empty(),
        "a tenant never sees another's stream",
    )?;
    match store.append(&b1, 0, &[event(&a, "h-5")]) {
        Err(Error::InvalidInput { .. }) => {}
        other => {
            return Err(format!(
                "an event of another tenant must be Error::InvalidInput, got {other:?}"
            ));
        }
    }
    store
        .append(&b1, 0, &[event(&b, "h-6")])
        .map_err(|e| fail("append for tenant b", e))?;

    let feed = store.feed(&a, 0, 100).map_err(|e| fail("feed", e))?;
    let positions: Vec<u64> = feed.iter().map(|f| f.position).collect();
    expect(
        positions.len() == 4 && positions.windows(2).all(|w| w[0] < w[1]),
        "the feed gives a tenant's events with increasing positions",
    )?;
    let where_: Vec<(NaiveDate, u64)> = feed.iter().map(|f| (f.stream.date, f.version)).collect();
    expect(
        where_ == [(day(2), 1), (day(2), 2), (day(2), 3), (day(3), 1)],
        "each feed entry names its stream and version, in append order",
    )?;
    expect(
        feed.iter().all(|f| f.event.tenant == a),
        "a feed holds only its tenant's events",
    )?;
    let page = store
        .feed(&a, positions[0], 2)
        .map_err(|e| fail("feed", e))?;
    let page: Vec<u64> = page.iter().map(|f| f.position).collect();
    expect(
        page == positions[1..3],
        "feed(after = the first position, limit = 2) gives the second and third events",
    )?;
    let b_feed = store.feed(&b, 0, 100).map_err(|e| fail("feed", e))?;
    expect(
        b_feed.len() == 1,
        "each tenant's feed holds its own events only",
    )?;
    token_queues(store, &a, day(2))
}

/// Two doctors' token queues and the day book of one date are three streams.
fn token_queues(store: &dyn EventStore, tenant: &Id, date: NaiveDate) -> Result<(), String> {
    let fail = |what: &str, e: Error| format!("{what}: {e}");
    let (x, y) = (
        StreamId::tokens(tenant.clone(), "conformance-dr-x", date),
        StreamId::tokens(tenant.clone(), "conformance-dr-y", date),
    );
    let fresh = store
        .load(&x)
        .map_err(|e| fail("load of a token queue", e))?;
    expect(
        fresh.version == 0,
        "a doctor's token queue is not the day book of its date (key on doctor_id too)",
    )?;
    store
        .append(&x, 0, &[event(tenant, "q-1")])
        .map_err(|e| fail("append to a token queue", e))?;
    let other = store
        .load(&y)
        .map_err(|e| fail("load of a token queue", e))?;
    expect(
        other.version == 0,
        "doctors' token queues of one date are independent",
    )?;
    let feed = store.feed(tenant, 0, 100).map_err(|e| fail("feed", e))?;
    expect(
        feed.last().is_some_and(|f| f.stream == x),
        "a feed entry names its token queue, doctor included",
    )
}

fn expect(ok: bool, rule: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(format!("breach: {rule}"))
    }
}

fn event(tenant: &Id, appointment: &str) -> Event {
    let at: DateTime<Utc> = DateTime::from_timestamp(1_772_400_000, 0).unwrap_or_default();
    Event {
        tenant: tenant.clone(),
        actor: Actor::system("conformance"),
        at,
        change: Change::AppointmentConfirmed {
            appointment_id: appointment.into(),
        },
    }
}
