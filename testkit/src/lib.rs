//! # medsched-testkit
//!
//! The test kit of [medsched]: what an event store adapter and a decider's tests
//! need, as a dev-dependency.
//!
//! - [`store`]: the store contract of [`medsched::store::EventStore`] and
//!   [`medsched::store::AsyncEventStore`] as checks an adapter runs against itself:
//!   the sequential contract, writers racing on one stream, the feed read while writers
//!   commit, and tenant isolation. Start with [`check_event_store`] (a sync store) or
//!   [`check_async_event_store`] (an async one); [`Checks`] runs them one by one or harder.
//! - [`clinic`]: a small clinic (one doctor's weekday mornings, a token queue, fixed
//!   instants) for an adapter's service tests and benches.
//! - [`decider`]: given events, when a command, then changes or a refusal, for any
//!   [`medsched::store::Decider`] (the booking [`DayBook`](medsched::booking::DayBook), the
//!   token [`Queue`](medsched::tokens::Queue)). Start with [`given`].
//!
//! ```
//! use medsched::store::InMemoryStore;
//! use medsched_testkit::check_event_store;
//!
//! // In an adapter's tests: the store under test instead of the in-memory one.
//! check_event_store(&InMemoryStore::new(), "my-adapter")?;
//! # Ok::<(), medsched_testkit::Breach>(())
//! ```
//!
//! The checks **write to the store** they are given, under tenants of their own
//! (`{tenant_prefix}-{run}-…`, where `run` is new for every call), so they can run against
//! a store that already holds data, and again on the same store.

pub mod clinic;
pub mod decider;
pub mod store;

pub use decider::given;
pub use store::{
    Breach, Check, Checks, MAX_THREADS, check_async_event_store, check_event_store,
    check_rate_limit_store,
};
