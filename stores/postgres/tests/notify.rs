//! Feed readers woken by LISTEN/NOTIFY: `wait_for_events` returns when an append of its
//! tenant commits (from any connection, sync or async), waits out its timeout otherwise, and
//! a reader following the feed that way sees every event once, in order.

mod support;

use std::time::{Duration, Instant};

use medsched::Id;
use medsched::store::{Actor, AsyncEventStore, Change, Event, EventStore, StreamId};

fn event(tenant: &str, n: usize) -> Event {
    Event {
        tenant: tenant.into(),
        actor: Actor::staff("rcp-7"),
        at: "2026-03-02T08:00:00Z".parse().unwrap(),
        change: Change::AppointmentConfirmed {
            appointment_id: format!("a-{n}").into(),
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_append_from_another_connection_wakes_the_waiting_reader() {
    let Some(url) = support::url() else { return };
    let store = support::async_store(&url, 2).await;
    let tenant = support::tenant("wake");
    let id: Id = tenant.as_str().into();

    // Nothing to read: the reader waits out its timeout.
    let started = Instant::now();
    let none = store
        .wait_for_events(&id, 0, 10, Duration::from_millis(300))
        .await
        .unwrap();
    assert!(none.is_empty());
    assert!(started.elapsed() >= Duration::from_millis(300));

    // A sync store on another connection appends 200 ms into a 20 s wait.
    let writer = {
        let (url, tenant) = (url.clone(), tenant.clone());
        std::thread::spawn(move || {
            let sync = support::store(&url, 1);
            std::thread::sleep(Duration::from_millis(200));
            let stream = StreamId::new(tenant.as_str(), support::day(support::MON));
            sync.append(&stream, 0, &[event(&tenant, 1)]).unwrap();
            Instant::now()
        })
    };
    let woken = store
        .wait_for_events(&id, 0, 10, Duration::from_secs(20))
        .await
        .unwrap();
    let (read_at, appended_at) = (Instant::now(), writer.join().unwrap());
    assert_eq!(woken.len(), 1);
    assert_eq!(woken[0].event, event(&tenant, 1));
    assert!(
        read_at.duration_since(appended_at) < Duration::from_secs(2),
        "woken {:?} after the commit",
        read_at.duration_since(appended_at)
    );

    // Entries already there are returned at once.
    let at_once = store
        .wait_for_events(&id, 0, 10, Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(at_once, woken);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_tenants_appends_do_not_end_the_wait() {
    let Some(url) = support::url() else { return };
    let store = support::async_store(&url, 2).await;
    let (quiet, busy) = (support::tenant("quiet"), support::tenant("busy"));
    let stream = StreamId::new(busy.as_str(), support::day(support::MON));
    let quiet: Id = quiet.as_str().into();
    let waiting = store.wait_for_events(&quiet, 0, 10, Duration::from_millis(600));
    let writing = async {
        for n in 0..5 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            store
                .append(&stream, n as u64, &[event(&busy, n)])
                .await
                .unwrap();
        }
    };
    let started = Instant::now();
    let (read, ()) = tokio::join!(waiting, writing);
    assert!(read.unwrap().is_empty());
    assert!(started.elapsed() >= Duration::from_millis(600));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_following_the_feed_sees_every_event_once_in_order() {
    let Some(url) = support::url() else { return };
    let store = support::async_store(&url, 8).await;
    let tenant = support::tenant("follow");
    let id: Id = tenant.as_str().into();
    const WRITERS: usize = 4;
    const EACH: usize = 25;

    let writers = (0..WRITERS).map(|w| {
        let (store, tenant) = (&store, &tenant);
        async move {
            let stream = StreamId::tokens(
                tenant.as_str(),
                format!("dr-{w}"),
                support::day(support::MON),
            );
            for n in 0..EACH {
                store
                    .append(&stream, n as u64, &[event(tenant, w * 1000 + n)])
                    .await
                    .unwrap();
            }
        }
    });
    let reader = async {
        let (mut after, mut seen) = (0, Vec::new());
        while seen.len() < WRITERS * EACH {
            let entries = store
                .wait_for_events(&id, after, 7, Duration::from_secs(10))
                .await
                .unwrap();
            assert!(
                !entries.is_empty(),
                "woken for nothing after {after}: {seen:?}"
            );
            for entry in entries {
                assert!(entry.position > after);
                after = entry.position;
                seen.push((entry.stream.doctor_id.clone().unwrap(), entry.version));
            }
        }
        seen
    };
    let (seen, _) = tokio::join!(reader, futures::future::join_all(writers));
    for w in 0..WRITERS {
        let versions: Vec<u64> = seen
            .iter()
            .filter(|(doctor, _)| doctor.as_str() == format!("dr-{w}"))
            .map(|(_, v)| *v)
            .collect();
        assert_eq!(versions, (1..=EACH as u64).collect::<Vec<_>>(), "dr-{w}");
    }
}
