//! A token as the queue holds it, with the history of the numbers it replaced.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{ConsultationMode, Id, channel::TokenKind, store::Actor};

/// One patient's token in a doctor's day: its number, channel, state and times.
///
/// Numbers are unique in the day and never reused: a cancelled or reassigned number stays
/// taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Token {
    /// The host's id for the token (idempotency key: an identical repeat of the issue
    /// returns this token).
    pub id: Id,
    /// The number called out and shown on the board.
    pub number: u32,
    /// The channel it came through.
    pub kind: TokenKind,
    /// The patient.
    pub patient_id: Id,
    /// The session of the day it belongs to.
    pub session_id: Id,
    /// In person, video (tele-consultation) or phone.
    pub mode: ConsultationMode,
    /// The appointment it was issued for (booked tokens).
    pub appointment_id: Option<Id>,
    /// For a booked token: the appointment's start, the patient's expected time.
    pub expected_at: Option<DateTime<Utc>>,
    /// Where it stands.
    pub state: TokenState,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// When the patient was first known to be at the clinic: issued at the desk (walk-in,
    /// emergency), checked in, put back into the line, or seen.
    pub arrived_at: Option<DateTime<Utc>>,
    /// Who issued it.
    pub issued_by: Actor,
    /// When it was last called to the doctor.
    pub called_at: Option<DateTime<Utc>>,
    /// When its consultation started.
    pub started_at: Option<DateTime<Utc>>,
    /// How many patients known to be here waited in its session's line when its
    /// consultation started (the doctor's load).
    pub waiting_at_start: Option<u32>,
    /// When it last went back into the line after being skipped or late.
    pub returned_at: Option<DateTime<Utc>>,
    /// When it was completed, cancelled, skipped or marked late.
    pub ended_at: Option<DateTime<Utc>>,
    /// The meet link in force when its tele-consultation started (kept even if the doctor
    /// changes the link later).
    pub meet_link: Option<String>,
    /// The number that replaced it, when the patient was given a new token.
    pub reassigned_to: Option<u32>,
    /// Every number this patient held before this one today, oldest first.
    pub reassignments: Vec<Reassignment>,
}

impl Token {
    /// Whether it is still in the day's line or with the doctor (waiting, late, skipped or
    /// consulting): not completed, not cancelled.
    pub fn is_open(&self) -> bool {
        !matches!(self.state, TokenState::Completed | TokenState::Cancelled)
    }

    /// Whether it counts toward the session's limits: every token but a cancelled one.
    pub(crate) fn counts(&self) -> bool {
        self.state != TokenState::Cancelled
    }
}

/// One step of a patient's token history: the number given up, the new one, why, when and
/// by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Reassignment {
    /// The old number.
    pub from: u32,
    /// The new number.
    pub to: u32,
    /// Why, if given.
    pub reason: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub by: Actor,
}

/// Where a token stands in its day.
///
/// `waiting → consulting → completed`; a waiting token can be cancelled, skipped (not there
/// when called) or marked late; a skipped or late token comes back to waiting when recalled
/// or reinserted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenState {
    /// In the line.
    Waiting,
    /// With the doctor.
    Consulting,
    /// Seen.
    Completed,
    /// Withdrawn; its number is never given again.
    Cancelled,
    /// Arrived after being called, waiting to be put back in the line.
    Late,
    /// Not there when called (a no-show, until recalled or reassigned).
    Skipped,
}

impl TokenState {
    /// `"waiting"`, `"consulting"`, `"completed"`, `"cancelled"`, `"late"` or `"skipped"`.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenState::Waiting => "waiting",
            TokenState::Consulting => "consulting",
            TokenState::Completed => "completed",
            TokenState::Cancelled => "cancelled",
            TokenState::Late => "late",
            TokenState::Skipped => "skipped",
        }
    }
}
