//! Host stores that speak JSON text keep the store contract through the facade's adapters
//! (sync, threaded and async), a reply the core cannot read is a typed storage error, and a
//! schedule handle takes concurrent calendar changes without losing one.

use std::sync::Arc;

use medsched::store::{EventStore, InMemoryStore, StreamId};
use medsched::{AppointmentType, Clinic, DoctorCalendar, Id, Location, Result, booking::Schedule};
use medsched_facade::json::{parse, text};
use medsched_facade::{
    AsyncHostStore, AsyncJsonStore, HostStore, JsonStore, ScheduleHandle, SharedStore,
};
use medsched_testkit::{Checks, check_async_event_store};

/// A host store as a binding's language would write one: it keeps event JSON texts and
/// answers in JSON (here over the in-memory store, through its JSON forms).
#[derive(Default)]
struct TextStore(InMemoryStore);

impl HostStore for TextStore {
    fn load(&self, stream: &StreamId, stream_json: &str) -> Result<String> {
        let parsed: StreamId = parse("stream", stream_json)?;
        assert_eq!(&parsed, stream, "the stream's JSON names the stream");
        Ok(text(&self.0.load(stream)?))
    }

    fn append(
        &self,
        stream: &StreamId,
        _: &str,
        expected_version: u64,
        events: Vec<String>,
    ) -> Result<u64> {
        let events = events
            .iter()
            .map(|e| parse("event", e))
            .collect::<Result<Vec<_>>>()?;
        self.0.append(stream, expected_version, &events)
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<String> {
        Ok(text(&self.0.feed(tenant, after, limit)?))
    }
}

impl AsyncHostStore for TextStore {
    async fn load(&self, stream: &StreamId, stream_json: String) -> Result<String> {
        HostStore::load(self, stream, &stream_json)
    }

    async fn append(
        &self,
        stream: &StreamId,
        stream_json: String,
        expected_version: u64,
        events: Vec<String>,
    ) -> Result<u64> {
        HostStore::append(self, stream, &stream_json, expected_version, events)
    }

    async fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<String> {
        HostStore::feed(self, tenant, after, limit)
    }
}

/// A host store that also reads from a version ([`HostStore::load_after`]).
#[derive(Default)]
struct ReadsFrom(TextStore);

impl HostStore for ReadsFrom {
    fn load(&self, stream: &StreamId, stream_json: &str) -> Result<String> {
        HostStore::load(&self.0, stream, stream_json)
    }

    fn load_after(&self, stream: &StreamId, _: &str, after: u64) -> Result<Option<String>> {
        Ok(Some(text(&self.0.0.load_after(stream, after)?)))
    }

    fn append(
        &self,
        stream: &StreamId,
        json: &str,
        expected: u64,
        events: Vec<String>,
    ) -> Result<u64> {
        HostStore::append(&self.0, stream, json, expected, events)
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<String> {
        HostStore::feed(&self.0, tenant, after, limit)
    }
}

impl AsyncHostStore for ReadsFrom {
    async fn load(&self, stream: &StreamId, stream_json: String) -> Result<String> {
        HostStore::load(self, stream, &stream_json)
    }

    async fn load_after(
        &self,
        stream: &StreamId,
        stream_json: String,
        after: u64,
    ) -> Result<Option<String>> {
        HostStore::load_after(self, stream, &stream_json, after)
    }

    async fn append(
        &self,
        stream: &StreamId,
        stream_json: String,
        expected_version: u64,
        events: Vec<String>,
    ) -> Result<u64> {
        HostStore::append(self, stream, &stream_json, expected_version, events)
    }

    async fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<String> {
        HostStore::feed(self, tenant, after, limit)
    }
}

#[test]
fn a_host_store_that_reads_from_a_version_keeps_the_store_contract() {
    Checks::new("reads-from")
        .threads(4)
        .run(&JsonStore(ReadsFrom::default()))
        .unwrap();
    Checks::new("shared-reads-from")
        .threads(4)
        .run(&SharedStore::host(ReadsFrom::default()))
        .unwrap();
    let store = AsyncJsonStore(ReadsFrom::default());
    futures::executor::block_on(check_async_event_store(&store, "async-reads-from")).unwrap();
}

#[test]
fn the_stores_a_url_opens_keep_the_store_contract() {
    for url in ["memory:", "sqlite::memory:"] {
        let store = SharedStore::open(url).unwrap();
        Checks::new("url").threads(4).run(&store).unwrap();
    }
}

#[test]
fn a_json_host_store_keeps_the_store_contract_with_threads() {
    let store = JsonStore(TextStore::default());
    Checks::new("facade").threads(4).run(&store).unwrap();
    let shared = SharedStore::host(TextStore::default());
    Checks::new("shared").threads(4).run(&shared).unwrap();
}

#[test]
fn an_async_json_host_store_keeps_the_store_contract() {
    let store = AsyncJsonStore(TextStore::default());
    futures::executor::block_on(check_async_event_store(&store, "async-facade")).unwrap();
}

/// A host whose replies are not what it promised.
struct Garbled;

impl HostStore for Garbled {
    fn load(&self, _: &StreamId, _: &str) -> Result<String> {
        Ok(r#"{"events": [{"v": 1, "tenant": "c"}], "version": 1}"#.into())
    }

    fn append(&self, _: &StreamId, _: &str, _: u64, _: Vec<String>) -> Result<u64> {
        Ok(1)
    }

    fn feed(&self, _: &Id, _: u64, _: usize) -> Result<String> {
        Ok("[true]".into())
    }
}

#[test]
fn a_reply_the_core_cannot_read_is_a_storage_error_naming_the_call() {
    let store = JsonStore(Garbled);
    let day = StreamId::new("c", chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
    let load = store.load(&day).unwrap_err();
    assert_eq!(load.code(), "storage");
    assert!(
        load.to_string().starts_with(
            "storage failed: load returned data medsched cannot read: invalid load.events[0]"
        ),
        "{load}"
    );
    let feed = store.feed(&"c".into(), 0, 10).unwrap_err();
    assert!(feed.to_string().contains("feed returned data"), "{feed}");
}

#[test]
fn concurrent_calendar_changes_all_land() {
    let clinic = Clinic {
        locations: vec![Location::new("main", "Main", "UTC")],
        holidays: vec![],
    };
    let schedule = Schedule::new(
        "clinic-1",
        &clinic,
        &[],
        &[AppointmentType::new("consult", 15)],
    )
    .unwrap();
    let handle = Arc::new(ScheduleHandle::new(schedule));
    std::thread::scope(|scope| {
        for t in 0..8 {
            let handle = handle.clone();
            scope.spawn(move || {
                for d in 0..10 {
                    handle
                        .set_calendar(&DoctorCalendar::new(format!("dr-{t}-{d}")))
                        .unwrap();
                }
            });
        }
    });
    assert_eq!(handle.current().doctors().count(), 80);
}
