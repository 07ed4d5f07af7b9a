//! Holds, bookings and the appointment lifecycle, event-sourced.
//!
//! A [`Command`] and a [`DayBook`] (the fold of a day's [`Event`](crate::store::Event)s)
//! give new events or a typed refusal ([`decide`]). The [`Bookings`] service loads the day
//! book from an [`EventStore`](crate::store::EventStore), decides, and appends with
//! optimistic concurrency, retrying when another writer came first; [`AsyncBookings`] is
//! the same service over an [`AsyncEventStore`](crate::store::AsyncEventStore).

mod check;
mod collisions;
mod command;
mod decide;
mod guards;
mod joint;
mod move_step;
mod moves;
mod notify;
mod pool;
mod pool_booking;
mod requests;
mod schedule;
mod service;
mod state;
mod sync;

pub use crate::store::appointment::{Appointment, AppointmentStatus, Hold, HoldStatus, SlotClaim};
pub use collisions::Collision;
pub use command::Command;
pub use decide::{Context, decide};
pub use joint::{JointBookRequest, decide_joint};
pub use notify::{FeedNotifications, Notification, NotificationKind, notifications};
pub use pool::{
    Assignment, AssignmentReason, AssignmentRule, MAX_POOL_DOCTORS, PassedOver, Pool,
    PoolCandidate, assign,
};
pub use pool_booking::{PoolBookRequest, PoolBooking, decide_pool, pool_candidates};
pub use requests::{BookRequest, HoldRequest};
pub use schedule::Schedule;
pub use service::AsyncBookings;
pub use state::DayBook;
pub use sync::Bookings;
