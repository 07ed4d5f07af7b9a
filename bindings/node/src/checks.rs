//! The store checks of `medsched-testkit`, for a host that writes its own store (Python's
//! `check_event_store`).

use medsched_testkit::Checks;
use napi::Env;
use napi::bindgen_prelude::{ClassInstance, Either, PromiseRaw};
use napi_derive::napi;

use crate::errors::{Result, done};
use crate::store::{JsStore, NativeStore, NodeStore};

/// Runs the store checks on `store`, off the JavaScript thread: the contract call by call,
/// tenant isolation, tenant keys and, with `threads` of 2 or more (at most 256), that many
/// writers racing on one stream and the feed read while they commit (interleaved on one
/// task). Resolves when every check holds; rejects with the first breach, in words.
#[napi(ts_return_type = "Promise<void>")]
pub fn check_event_store<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "NativeStore | JsStore")] store: Either<
        ClassInstance<'_, NativeStore>,
        ClassInstance<'_, JsStore>,
    >,
    tenant_prefix: String,
    threads: i64,
) -> Result<PromiseRaw<'env, ()>> {
    let checks = done(Checks::new(tenant_prefix).try_threads(threads))?;
    let store = match store {
        Either::A(native) => NodeStore::native(&native),
        Either::B(js) => NodeStore::js(&js),
    };
    env.spawn_future(async move {
        checks
            .run_async(&store)
            .await
            .map_err(|breach| napi::Error::from_reason(breach.to_string()))
    })
}
