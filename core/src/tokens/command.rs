//! What reception, the doctor or a patient asks of a token queue.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{ConsultationMode, Id, tokens::TokenKind};

/// A request for a new token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// The host's id for the token; repeating an identical request returns the token issued
    /// the first time.
    pub token_id: Id,
    /// The channel.
    pub kind: TokenKind,
    /// The patient.
    pub patient_id: Id,
    /// The session; by default the session of `expected_at` for a booked token, otherwise
    /// the session running now or the next one.
    #[serde(default)]
    pub session_id: Option<Id>,
    /// In person (default), video or phone.
    #[serde(default)]
    pub mode: ConsultationMode,
    /// The appointment (required for a booked token).
    #[serde(default)]
    pub appointment_id: Option<Id>,
    /// The appointment's start (required for a booked token).
    #[serde(default)]
    pub expected_at: Option<DateTime<Utc>>,
    /// A reserved number to give (staff only); by default the next number of the sequence.
    #[serde(default)]
    pub number: Option<u32>,
}

impl TokenRequest {
    /// A request for a token of this kind with the defaults: next number, current session,
    /// in person.
    pub fn new(token_id: impl Into<Id>, kind: TokenKind, patient_id: impl Into<Id>) -> Self {
        TokenRequest {
            token_id: token_id.into(),
            kind,
            patient_id: patient_id.into(),
            session_id: None,
            mode: ConsultationMode::InPerson,
            appointment_id: None,
            expected_at: None,
            number: None,
        }
    }
}

/// A command to a doctor's token queue. Tokens are named by number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum TokenCommand {
    /// Issue a token (walk-in, phone and emergency tokens: staff only; a patient may take a
    /// booked token for their own appointment).
    Issue(TokenRequest),
    /// Record that the patient of a token issued ahead (booked, phone) is at the clinic.
    CheckIn {
        /// The token.
        number: u32,
    },
    /// Call the first waiting token not yet called.
    CallNext,
    /// Start the consultation of a waiting token (one at a time).
    Start {
        /// The token.
        number: u32,
    },
    /// End the consultation in progress.
    Complete {
        /// The token.
        number: u32,
    },
    /// Cancel a waiting, late or skipped token (a patient may cancel their own).
    Cancel {
        /// The token.
        number: u32,
        /// Why.
        #[serde(default)]
        reason: Option<String>,
    },
    /// The patient was not there when called.
    Skip {
        /// The token.
        number: u32,
        /// Why.
        #[serde(default)]
        reason: Option<String>,
    },
    /// The patient arrived after their turn, or will: out of the line until reinserted.
    MarkLate {
        /// The token.
        number: u32,
        /// Why.
        #[serde(default)]
        reason: Option<String>,
    },
    /// Bring a skipped or late token back to the head of the line.
    Recall {
        /// The token.
        number: u32,
        /// Why.
        #[serde(default)]
        reason: Option<String>,
    },
    /// Put a late or skipped token back after the next `after` waiting patients who are
    /// present — checked in or issued at the desk; absent booked tokens are not counted —
    /// (by default the rules' `late_reinsert_after`).
    Reinsert {
        /// The token.
        number: u32,
        /// How many waiting patients go first.
        #[serde(default)]
        after: Option<u32>,
        /// Why.
        #[serde(default)]
        reason: Option<String>,
    },
    /// Give a skipped or late patient a new token at the end of the line, keeping the
    /// history of both numbers. A repeat (the same `number` and `token_id`) records nothing
    /// and names the token `token_id` stands for now, following any later reassignment.
    Reassign {
        /// The old token.
        number: u32,
        /// The host's id for the new token.
        token_id: Id,
        /// Why.
        #[serde(default)]
        reason: Option<String>,
    },
    /// Move a waiting token to another place in the line (1 = next).
    Move {
        /// The token.
        number: u32,
        /// Its new place.
        position: usize,
        /// Why.
        #[serde(default)]
        reason: Option<String>,
    },
    /// Set the doctor's Google Meet link for tele-consultations.
    SetMeetLink {
        /// `https://meet.google.com/abc-defg-hij`.
        meet_link: String,
    },
}

impl TokenCommand {
    /// The action's name, as in JSON: `"issue"`, `"call_next"`, `"start"`, ...
    pub fn name(&self) -> &'static str {
        match self {
            TokenCommand::Issue(_) => "issue",
            TokenCommand::CheckIn { .. } => "check_in",
            TokenCommand::CallNext => "call_next",
            TokenCommand::Start { .. } => "start",
            TokenCommand::Complete { .. } => "complete",
            TokenCommand::Cancel { .. } => "cancel",
            TokenCommand::Skip { .. } => "skip",
            TokenCommand::MarkLate { .. } => "mark_late",
            TokenCommand::Recall { .. } => "recall",
            TokenCommand::Reinsert { .. } => "reinsert",
            TokenCommand::Reassign { .. } => "reassign",
            TokenCommand::Move { .. } => "move",
            TokenCommand::SetMeetLink { .. } => "set_meet_link",
        }
    }
}
