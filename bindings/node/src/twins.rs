//! The two forms of a service call written once: the call itself, run to its end on the
//! calling thread, and its `...Async` twin, run off the JavaScript thread.

use std::future::Future;

/// The work of a service call, ready to run on any thread.
pub trait Work<T>: Future<Output = medsched::Result<T>> + Send + 'static {}

impl<T, F: Future<Output = medsched::Result<T>> + Send + 'static> Work<T> for F {}

/// The `#[napi]` methods of a service whose store is its field `store` (a
/// [`NodeStore`](crate::store::NodeStore)), two for each call, both from the call's work
/// method, which reads the arguments and returns the work:
///
/// - the call runs the work on the calling thread ([`NodeStore::block`]); over a store
///   written in JavaScript it refuses, naming its twin;
/// - the twin runs it on napi's runtime ([`spawn`](crate::errors::spawn)) and returns a
///   `Promise` of the TypeScript type given.
///
/// Each call is written as its docs and signature, `= work(arguments);`, then the twin's
/// doc and `async fn name -> "Promise<T>";`. Docs are written `#[doc = "…"]`: napi reads a
/// method's docs (and TypeScript types) only as plain string literals, and a `///` comment
/// passed through a macro reaches it as a raw string (`r"…"`), which it would print as is.
///
/// [`NodeStore::block`]: crate::store::NodeStore::block
macro_rules! service_calls {
    (impl $service:ident {
        $(
            $(#[doc = $doc:literal])*
            fn $call:ident($($params:tt)*) -> $out:tt = $work:ident($($arg:ident),* $(,)?);
            #[doc = $async_doc:literal]
            async fn $call_async:ident -> $promise:literal;
        )*
    }) => {
        #[napi_derive::napi]
        impl $service {
            $(
                $(#[doc = $doc])*
                #[napi]
                pub fn $call(&self, $($params)*) -> $crate::errors::Result<$out> {
                    self.store.block(stringify!($call), self.$work($($arg),*)?)
                }

                #[doc = $async_doc]
                #[napi(ts_return_type = $promise)]
                pub fn $call_async<'env>(
                    &self,
                    env: &'env napi::Env,
                    $($params)*
                ) -> $crate::errors::Result<napi::bindgen_prelude::PromiseRaw<'env, $out>> {
                    $crate::errors::spawn(env, self.$work($($arg),*)?)
                }
            )*
        }
    };
}

pub(crate) use service_calls;
