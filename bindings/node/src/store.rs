//! Stores: the core's in-memory store or a database opened by URL (the facade's
//! [`SharedStore`]), and stores written in JavaScript whose methods return Promises.

use std::future::Future;
use std::sync::Arc;

use heck::ToLowerCamelCase;
use medsched::store::{AsyncEventStore, Event, EventStore, FeedEntry, LoadedStream, StreamId};
use medsched::{Error, Id, Problem};
use medsched_facade::json::{parse, text};
use medsched_facade::{AsyncHostStore, AsyncJsonStore, SharedStore};
use napi::bindgen_prelude::Promise;
use napi::threadsafe_function::ThreadsafeFunction;
use napi::{Env, Status};
use napi_derive::napi;
use serde::Deserialize;

use crate::errors::{Result, block, done, spawn};

/// A store kept on the native side: the core's in-memory store or a database opened by URL.
/// Services given one never leave Rust to reach it.
#[napi]
pub struct NativeStore {
    pub(crate) inner: SharedStore,
}

#[napi]
impl NativeStore {
    /// A fresh in-memory store.
    #[napi(constructor)]
    pub fn new() -> Self {
        NativeStore {
            inner: SharedStore::memory(),
        }
    }

    /// The store at `url` (`memory:`, `sqlite:///path`, `sqlite::memory:`,
    /// `postgresql://…`), migrated.
    #[napi(factory)]
    pub fn open(url: String) -> Result<NativeStore> {
        Ok(NativeStore {
            inner: done(SharedStore::open(&url))?,
        })
    }

    /// As [`open`](NativeStore::open), off the JavaScript thread.
    #[napi(ts_return_type = "Promise<NativeStore>")]
    pub fn open_async<'env>(
        env: &'env Env,
        url: String,
    ) -> Result<napi::bindgen_prelude::PromiseRaw<'env, NativeStore>> {
        spawn(env, async move {
            let inner = off_thread(move || SharedStore::open(&url)).await?;
            Ok(NativeStore { inner })
        })
    }

    /// The stream (`StreamId` JSON) as `LoadedStream` JSON.
    #[napi]
    pub fn load(&self, stream: String) -> Result<String> {
        let stream: StreamId = done(parse("stream", &stream))?;
        Ok(text(&done(self.inner.load(&stream))?))
    }

    /// Appends `Event` JSON (a list) if the stream is at `expected_version`; the new version.
    #[napi]
    pub fn append(&self, stream: String, expected_version: u32, events: String) -> Result<u32> {
        let stream: StreamId = done(parse("stream", &stream))?;
        let events: Vec<Event> = done(parse("events", &events))?;
        let version = done(self.inner.append(&stream, expected_version.into(), &events))?;
        Ok(version as u32)
    }

    /// The tenant's feed after `after`, at most `limit` entries, as `FeedEntry` JSON (a list).
    #[napi]
    pub fn feed(&self, tenant: String, after: u32, limit: u32) -> Result<String> {
        let tenant = Id::from(tenant.as_str());
        let entries = done(self.inner.feed(&tenant, after.into(), limit as usize))?;
        Ok(text(&entries))
    }
}

impl Default for NativeStore {
    fn default() -> Self {
        NativeStore::new()
    }
}

/// What a JavaScript store's adapter answers: `ok`, the reply's JSON text, or `error`, the
/// JSON of what the store threw (see `index.js`).
#[napi(object)]
pub struct StoreReply {
    /// The reply as JSON text.
    pub ok: Option<String>,
    /// What the store threw, as JSON: `{code?, field?, value?, problem?, problem_message?,
    /// expected?, actual?, name, message}`.
    pub error: Option<String>,
}

/// A function of a JavaScript store's adapter: one JSON text in, a Promise of its reply out.
type StoreFn = ThreadsafeFunction<String, Promise<StoreReply>, String, Status, false, true>;

/// A store written in JavaScript, as `index.js` adapts it: three functions taking a request
/// as JSON text and resolving to a [`StoreReply`]. Services over it run their calls
/// `...Async` only (its Promises settle on the JavaScript thread, which a sync call would
/// block).
#[napi]
pub struct JsStore {
    inner: Arc<AsyncJsonStore<JsFunctions>>,
}

#[napi]
impl JsStore {
    /// The store of an adapter's `load`, `append` and `feed` functions.
    #[napi(constructor)]
    pub fn new(
        #[napi(ts_arg_type = "(request: string) => Promise<StoreReply>")] load: StoreFn,
        #[napi(ts_arg_type = "(request: string) => Promise<StoreReply>")] append: StoreFn,
        #[napi(ts_arg_type = "(request: string) => Promise<StoreReply>")] feed: StoreFn,
    ) -> Self {
        JsStore {
            inner: Arc::new(AsyncJsonStore(JsFunctions { load, append, feed })),
        }
    }
}

/// The adapter's functions.
pub struct JsFunctions {
    load: StoreFn,
    append: StoreFn,
    feed: StoreFn,
}

/// What a JavaScript store threw, as its adapter describes it.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Thrown {
    code: Option<String>,
    field: Option<String>,
    value: Option<String>,
    problem: Option<String>,
    problem_message: Option<String>,
    expected: Option<u64>,
    actual: Option<u64>,
    name: String,
    message: String,
}

impl Thrown {
    /// The core's error for it: a `ConflictError` is a conflict, an `InvalidInputError` an
    /// invalid input, anything else a storage failure naming the JavaScript error.
    fn error(self, method: &str, stream: &str) -> Error {
        match self.code.as_deref() {
            Some("conflict") => Error::Conflict {
                stream: stream.to_owned(),
                expected: self.expected.unwrap_or(0),
                actual: self.actual.unwrap_or(0),
            },
            Some("invalid_input") => Error::InvalidInput {
                field: self.field.unwrap_or_default(),
                value: self.value.unwrap_or_default(),
                problem: Problem::from_code(
                    self.problem.as_deref().unwrap_or(""),
                    self.problem_message.as_deref().unwrap_or(""),
                ),
            },
            _ => Error::Storage {
                message: format!("{method}: {}: {}", self.name, self.message),
                kind: self.name,
                source: None,
            },
        }
    }
}

/// Calls one adapter function and reads its reply.
async fn ask(
    function: &StoreFn,
    method: &str,
    stream: &str,
    request: String,
) -> medsched::Result<String> {
    let failed = |e: napi::Error| Error::storage(format!("{method}: {e}"));
    let promise = function.call_async(request).await.map_err(failed)?;
    let reply = promise.await.map_err(failed)?;
    match (reply.ok, reply.error) {
        (_, Some(thrown)) => {
            let thrown: Thrown = serde_json::from_str(&thrown).unwrap_or_else(|e| Thrown {
                name: "Error".into(),
                message: e.to_string(),
                ..Thrown::default()
            });
            Err(thrown.error(method, stream))
        }
        (Some(ok), None) => Ok(ok),
        (None, None) => Err(Error::storage(format!(
            "{method}: the store replied nothing"
        ))),
    }
}

impl AsyncHostStore for JsFunctions {
    async fn load(&self, stream: &StreamId, stream_json: String) -> medsched::Result<String> {
        ask(&self.load, "load", &stream.to_string(), stream_json).await
    }

    async fn append(
        &self,
        stream: &StreamId,
        stream_json: String,
        expected_version: u64,
        events: Vec<String>,
    ) -> medsched::Result<u64> {
        let request = format!(
            "{{\"stream\":{stream_json},\"expected_version\":{expected_version},\"events\":[{}]}}",
            events.join(",")
        );
        let reply = ask(&self.append, "append", &stream.to_string(), request).await?;
        parse("append", &reply)
            .map_err(|e| Error::storage(format!("append returned data medsched cannot read: {e}")))
    }

    async fn feed(&self, tenant: &Id, after: u64, limit: usize) -> medsched::Result<String> {
        let request = format!(
            "{{\"tenant\":{},\"after\":{after},\"limit\":{limit}}}",
            text(tenant)
        );
        ask(&self.feed, "feed", tenant.as_str(), request).await
    }
}

/// The store a service runs over: one kept on the native side, or one written in
/// JavaScript.
#[derive(Clone)]
pub enum NodeStore {
    /// A [`NativeStore`]'s.
    Native(SharedStore),
    /// A [`JsStore`]'s.
    Js(Arc<AsyncJsonStore<JsFunctions>>),
}

impl NodeStore {
    /// The store of a [`NativeStore`].
    pub fn native(store: &NativeStore) -> NodeStore {
        NodeStore::Native(store.inner.clone())
    }

    /// The store of a [`JsStore`].
    pub fn js(store: &JsStore) -> NodeStore {
        NodeStore::Js(store.inner.clone())
    }

    /// Runs `work` to its end on the JavaScript thread: refused over a JavaScript store,
    /// whose Promises settle on that very thread (the refusal names `method`'s `...Async`
    /// twin as JavaScript spells it, `extendHoldAsync` for `extend_hold`).
    pub fn block<T>(
        &self,
        method: &str,
        work: impl Future<Output = medsched::Result<T>>,
    ) -> Result<T> {
        match self {
            NodeStore::Native(_) => block(work),
            NodeStore::Js(_) => done(Err(Error::InvalidInput {
                field: "store".into(),
                value: "JsStore".into(),
                problem: Problem::Malformed(format!(
                    "a store written in JavaScript answers with Promises: call {}Async",
                    method.to_lower_camel_case()
                )),
            })),
        }
    }
}

/// Runs a call of a native store: on tokio's blocking threads when on the runtime (a
/// database call must not hold up its workers), else right here.
pub async fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> medsched::Result<T> + Send + 'static,
) -> medsched::Result<T> {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => runtime
            .spawn_blocking(work)
            .await
            .map_err(|e| Error::storage(format!("the store's call failed: {e}")))?,
        Err(_) => work(),
    }
}

impl AsyncEventStore for NodeStore {
    async fn load(&self, stream: &StreamId) -> medsched::Result<LoadedStream> {
        match self {
            NodeStore::Native(store) => {
                let (store, stream) = (store.clone(), stream.clone());
                off_thread(move || store.load(&stream)).await
            }
            NodeStore::Js(store) => store.load(stream).await,
        }
    }

    async fn append(
        &self,
        stream: &StreamId,
        expected_version: u64,
        events: &[Event],
    ) -> medsched::Result<u64> {
        match self {
            NodeStore::Native(store) => {
                let (store, stream, events) = (store.clone(), stream.clone(), events.to_vec());
                off_thread(move || store.append(&stream, expected_version, &events)).await
            }
            NodeStore::Js(store) => store.append(stream, expected_version, events).await,
        }
    }

    async fn feed(
        &self,
        tenant: &Id,
        after: u64,
        limit: usize,
    ) -> medsched::Result<Vec<FeedEntry>> {
        match self {
            NodeStore::Native(store) => {
                let (store, tenant) = (store.clone(), tenant.clone());
                off_thread(move || store.feed(&tenant, after, limit)).await
            }
            NodeStore::Js(store) => store.feed(tenant, after, limit).await,
        }
    }
}
