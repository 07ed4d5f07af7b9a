//! Holds, bookings and the appointment lifecycle, event-sourced.
//!
//! A [`Command`] and a [`DayBook`] (the fold of a day's [`Event`]s) give new events or a
//! typed refusal ([`decide`]). The [`Bookings`] service loads the day book from an
//! [`EventStore`], decides, and appends with optimistic concurrency, retrying when another
//! writer came first.

mod actor;
mod check;
mod collisions;
mod command;
mod conformance;
mod decide;
mod event;
mod memory;
mod moves;
mod notify;
mod policy;
mod records;
mod requests;
mod schedule;
mod service;
mod state;
mod store;

pub use actor::{Actor, ActorKind};
pub use collisions::Collision;
pub use command::Command;
pub use conformance::check_event_store;
pub use decide::{Context, decide};
pub use event::{Change, Event};
pub use memory::InMemoryStore;
pub use notify::{FeedNotifications, Notification, NotificationKind, notifications};
pub use policy::BookingPolicy;
pub use records::{Appointment, AppointmentStatus, Hold, HoldStatus, SlotClaim};
pub use requests::{BookRequest, HoldRequest};
pub use schedule::Schedule;
pub use service::Bookings;
pub use state::DayBook;
pub use store::{EventStore, FeedEntry, LoadedStream, StreamId};
