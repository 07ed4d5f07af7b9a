//! Outpatient tokens per doctor and day: issue, call, consult, skip, reinsert, reassign,
//! event-sourced like bookings.
//!
//! A [`TokenCommand`] and a [`Queue`] (the fold of the queue's [`Event`](crate::Event)s)
//! give new changes or a typed refusal ([`decide_token`]). The [`Tokens`] service loads the
//! queue from an [`EventStore`](crate::EventStore), decides, and appends with optimistic
//! concurrency, so concurrent issues get distinct numbers.

mod command;
mod decide;
mod event;
mod history;
mod kind;
mod meet;
mod notify;
mod queue;
mod records;
mod rules;
mod service;
mod waits;

pub use command::{TokenCommand, TokenRequest};
pub use decide::{TokenContext, decide_token};
pub use event::TokenChange;
pub use kind::{TokenKind, TokenState};
pub use meet::validate_meet_link;
pub use notify::{QueueNotification, QueueNotificationKind, queue_notifications};
pub use queue::{Queue, TokenCounts};
pub use records::{Reassignment, Token};
pub use rules::{ChannelQuota, QueueRules, TokenSession};
pub use service::{QueueDay, QueueUpdate, Tokens};
