//! The native module of the npm package `medsched`: the Node binding's Rust side. It converts
//! values and errors only; every rule lives in the `medsched` crate, and what bindings share
//! in `medsched-facade`. Records cross as the core's JSON text and slot results as columns
//! (the package's `index.js` turns both into plain objects with `Date`s); an error crosses as
//! its `ErrorReport` JSON (see `errors.rs`), which `index.js` raises as a `MedschedError`
//! subclass.
//!
//! Every call that can take long has an `...Async` twin that runs on napi's tokio runtime,
//! off the JavaScript thread, and returns a `Promise`.
#![deny(missing_docs)]
// The calls take the arguments of the Python binding's, in order (the JavaScript layer
// names them).
#![allow(clippy::too_many_arguments)]
// napi registers the exported items only outside `cfg(test)`; a test build sees them unused.
#![cfg_attr(test, allow(dead_code))]

mod analytics;
mod body;
mod bookings;
mod checks;
mod clinic_ops;
mod columns;
mod day_book;
mod errors;
mod interop;
mod occupancy;
mod resources;
mod schedule;
mod store;
mod tokens;
mod twins;
