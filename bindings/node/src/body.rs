//! Response bodies: slot results written as JSON (`SlotSet::write_json`) into a
//! buffer each thread keeps from call to call, then copied into a `Buffer` that V8 owns.
//! Measured on a 90-day search (300 KB of JSON), a fresh `Vec` per call handed to V8 as an
//! external buffer cost more than the search; writing into warm memory and copying costs a
//! fraction of it.

use std::cell::RefCell;
use std::future::Future;

use napi::Env;
use napi::bindgen_prelude::{BufferSlice, PromiseRaw};

use crate::errors::{Result, fail};

/// A kept buffer larger than this is let go after use (a body of every doctor's month).
const KEPT_BYTES: usize = 8 << 20;

thread_local! {
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The bytes `write` writes, as a new `Buffer`.
pub fn body<'env>(env: &'env Env, write: impl FnOnce(&mut Vec<u8>)) -> Result<BufferSlice<'env>> {
    SCRATCH.with_borrow_mut(|bytes| {
        bytes.clear();
        write(bytes);
        let made = BufferSlice::copy_from(env, bytes.as_slice());
        if bytes.capacity() > KEPT_BYTES {
            *bytes = Vec::new();
        }
        made
    })
}

/// Runs `work` on napi's tokio runtime, off the JavaScript thread; the Promise settles with
/// the bytes it wrote, as a new `Buffer`.
pub fn spawn_body<'env, F>(env: &'env Env, work: F) -> Result<PromiseRaw<'env, BufferSlice<'env>>>
where
    F: Future<Output = medsched::Result<Vec<u8>>> + Send + 'static,
{
    env.spawn_future_with_callback(async move { work.await.map_err(fail) }, |env, bytes| {
        BufferSlice::copy_from(env, bytes)
    })
}
