//! The store kernel: events and who caused them, the streams they live in, the storage
//! trait adapters implement, the in-memory store and the tenant's change feed.
//!
//! Bookings and tokens both write here: a tenant's day books and each doctor's token queues
//! are streams of [`Event`]s, appended with optimistic concurrency and read back in order,
//! and every event of a tenant appears once in its change feed.

mod actor;
pub(crate) mod appointment;
mod cache;
mod decider;
mod event;
mod memory;
mod stream;
pub(crate) mod token;
pub(crate) mod token_change;
mod traits;
mod wire;

pub use actor::{Actor, ActorKind};
pub(crate) use cache::{DEFAULT_CACHED_STREAMS, FoldCache};
pub use decider::Decider;
pub(crate) use decider::{Decision, Ran, Stamp, append, catch_up, load, now_or_never, run};
pub use event::{Change, Event};
pub use memory::InMemoryStore;
pub use stream::{FeedEntry, LoadedStream, StreamId};
pub use traits::{AsyncEventStore, Blocking, BoxFuture, DynAsyncEventStore, EventStore};
