//! Outpatient tokens per doctor and day: issue, call, consult, skip, reinsert, reassign,
//! event-sourced like bookings.
//!
//! A [`TokenCommand`] and a [`Queue`] (the fold of the queue's [`Event`](crate::store::Event)s)
//! give new changes or a typed refusal ([`decide`]). The [`Tokens`] service loads the
//! queue from an [`EventStore`](crate::store::EventStore), decides, and appends with optimistic
//! concurrency, so concurrent issues get distinct numbers; [`AsyncTokens`] is the same
//! service over an [`AsyncEventStore`](crate::store::AsyncEventStore).

mod command;
mod decide;
mod meet;
mod notify;
mod queue;
mod rules;
mod service;
mod sync;

pub use crate::channel::TokenKind;
pub use crate::store::token::{Reassignment, Token, TokenState};
pub use crate::store::token_change::TokenChange;
pub use command::{TokenCommand, TokenRequest};
pub use decide::{Context, decide};
pub use meet::validate_meet_link;
pub use notify::{QueueNotification, QueueNotificationKind, notifications};
pub use queue::{Queue, TokenCounts};
pub use rules::{ChannelQuota, EmergencyOrder, QueueRules, TokenSession, WalkInPlacement};
pub use service::{AsyncTokens, QueueDay, QueueUpdate};
pub use sync::Tokens;
