//! The core's errors as JavaScript errors: the message is the error's `ErrorReport` JSON,
//! from which `index.js` makes the `MedschedError` subclass of its code.

use std::future::Future;

use medsched::Error;
use napi::bindgen_prelude::{PromiseRaw, ToNapiValue};
use napi::{Env, Status};

/// What a call returns: a core error becomes a JavaScript error by [`fail`].
pub type Result<T> = napi::Result<T>;

/// The JavaScript error for a core error: its report as JSON text.
pub fn fail(error: Error) -> napi::Error {
    napi::Error::new(Status::GenericFailure, medsched_facade::report_json(&error))
}

/// Runs a core call's result into the binding's.
pub fn done<T>(result: medsched::Result<T>) -> Result<T> {
    result.map_err(fail)
}

/// Runs `work` on napi's tokio runtime, off the JavaScript thread; the Promise settles with
/// its result.
pub fn spawn<'env, T, F>(env: &'env Env, work: F) -> Result<PromiseRaw<'env, T>>
where
    T: ToNapiValue + Send + 'static,
    F: Future<Output = medsched::Result<T>> + Send + 'static,
{
    env.spawn_future(async move { work.await.map_err(fail) })
}

/// Runs `work` to its end on the calling thread (the sync twin of an `...Async` call).
pub fn block<T>(work: impl Future<Output = medsched::Result<T>>) -> Result<T> {
    done(futures::executor::block_on(work))
}
