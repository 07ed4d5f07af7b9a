//! What happened to a doctor's token queue. Each change records where the line changed, so
//! replaying the events rebuilds the same line without the rules.

use serde::{Deserialize, Serialize};

use crate::store::token::Token;

/// A change to a token queue. In an [`Event`](crate::store::Event) it is
/// [`Change::Token`](crate::store::Change::Token); in JSON its fields sit beside the envelope's,
/// tagged by `"type"` like every change.
///
/// `index` fields are 0-based places in the line of waiting tokens. They are `u32`, as every
/// integer of an event is fixed-width: a line holds at most one token per number, and
/// numbers are `u32`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TokenChange {
    /// A token was issued and put in the line at `index`.
    TokenIssued {
        /// The token as issued.
        token: Token,
        /// Its place in the line.
        index: u32,
    },
    /// The patient of a token issued ahead (booked, phone) arrived at the clinic.
    TokenCheckedIn {
        /// The token.
        number: u32,
    },
    /// The appointment of a booked token moved within the day, or its mode changed: the
    /// token keeps its number and place.
    TokenAmended {
        /// The token.
        number: u32,
        /// The appointment's new start.
        expected_at: Option<chrono::DateTime<chrono::Utc>>,
        /// The consultation's mode.
        mode: crate::ConsultationMode,
    },
    /// A token was called to the doctor ("your turn").
    TokenCalled {
        /// The token.
        number: u32,
    },
    /// A consultation started.
    ConsultationStarted {
        /// The token.
        number: u32,
        /// The meet link of a tele-consultation, as it was when it started.
        meet_link: Option<String>,
        /// How many patients known to be here waited in its session's line (the doctor's
        /// load, as the wait estimator reads it).
        #[serde(default)]
        waiting: u32,
    },
    /// A consultation ended.
    ConsultationCompleted {
        /// The token.
        number: u32,
    },
    /// A token was cancelled.
    TokenCancelled {
        /// The token.
        number: u32,
        /// Why, if given.
        reason: Option<String>,
    },
    /// The patient was not there when called: skipped (a no-show unless recalled).
    TokenSkipped {
        /// The token.
        number: u32,
        /// Why, if given.
        reason: Option<String>,
    },
    /// The patient came after their turn: out of the line until reinserted.
    TokenMarkedLate {
        /// The token.
        number: u32,
        /// Why, if given.
        reason: Option<String>,
    },
    /// A skipped or late token went back in the line at `index`.
    TokenReinserted {
        /// The token.
        number: u32,
        /// Its new place in the line.
        index: u32,
        /// Why, if given.
        reason: Option<String>,
    },
    /// A skipped or late patient was given a new token: the old one is cancelled, the new
    /// one (with the history) joins the line at `index`.
    TokenReassigned {
        /// The old number.
        from: u32,
        /// The new token.
        token: Token,
        /// Its place in the line.
        index: u32,
    },
    /// Staff moved a waiting token to another place in the line.
    TokenMoved {
        /// The token.
        number: u32,
        /// Its place before.
        from_index: u32,
        /// Its new place.
        index: u32,
        /// Why, if given.
        reason: Option<String>,
    },
    /// The doctor's meet link for tele-consultations changed.
    MeetLinkUpdated {
        /// The new link.
        meet_link: String,
    },
}

impl TokenChange {
    /// Every token change type name, as tagged in JSON (the tail of
    /// [`Change::TYPES`](crate::store::Change::TYPES)).
    pub const TYPES: &[&str] = &[
        "token_issued",
        "token_checked_in",
        "token_amended",
        "token_called",
        "consultation_started",
        "consultation_completed",
        "token_cancelled",
        "token_skipped",
        "token_marked_late",
        "token_reinserted",
        "token_reassigned",
        "token_moved",
        "meet_link_updated",
    ];

    /// The change's type as tagged in JSON, e.g. `"token_issued"`.
    pub fn name(&self) -> &'static str {
        match self {
            TokenChange::TokenIssued { .. } => "token_issued",
            TokenChange::TokenCheckedIn { .. } => "token_checked_in",
            TokenChange::TokenAmended { .. } => "token_amended",
            TokenChange::TokenCalled { .. } => "token_called",
            TokenChange::ConsultationStarted { .. } => "consultation_started",
            TokenChange::ConsultationCompleted { .. } => "consultation_completed",
            TokenChange::TokenCancelled { .. } => "token_cancelled",
            TokenChange::TokenSkipped { .. } => "token_skipped",
            TokenChange::TokenMarkedLate { .. } => "token_marked_late",
            TokenChange::TokenReinserted { .. } => "token_reinserted",
            TokenChange::TokenReassigned { .. } => "token_reassigned",
            TokenChange::TokenMoved { .. } => "token_moved",
            TokenChange::MeetLinkUpdated { .. } => "meet_link_updated",
        }
    }

    /// The live-update topic: `"queue_updated"` for every change to the line,
    /// `"meet_link_updated"` for a new link.
    pub fn topic(&self) -> &'static str {
        match self {
            TokenChange::MeetLinkUpdated { .. } => "meet_link_updated",
            _ => "queue_updated",
        }
    }

    /// The token number it concerns (the new one for a reassignment).
    pub fn number(&self) -> Option<u32> {
        match self {
            TokenChange::TokenIssued { token, .. } | TokenChange::TokenReassigned { token, .. } => {
                Some(token.number)
            }
            TokenChange::TokenCalled { number }
            | TokenChange::TokenCheckedIn { number }
            | TokenChange::TokenAmended { number, .. }
            | TokenChange::ConsultationStarted { number, .. }
            | TokenChange::ConsultationCompleted { number }
            | TokenChange::TokenCancelled { number, .. }
            | TokenChange::TokenSkipped { number, .. }
            | TokenChange::TokenMarkedLate { number, .. }
            | TokenChange::TokenReinserted { number, .. }
            | TokenChange::TokenMoved { number, .. } => Some(*number),
            TokenChange::MeetLinkUpdated { .. } => None,
        }
    }
}
