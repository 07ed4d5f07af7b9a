//! What a token is for and where it stands.

use serde::{Deserialize, Serialize};

/// How a token was issued: its channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// From an appointment booked ahead (online or at the desk).
    Booked,
    /// A patient who came to the desk without an appointment.
    WalkIn,
    /// A booking taken over the phone by staff.
    Phone,
    /// An emergency: goes ahead of every waiting patient by default.
    Emergency,
}

impl TokenKind {
    /// `"booked"`, `"walk_in"`, `"phone"` or `"emergency"`.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Booked => "booked",
            TokenKind::WalkIn => "walk_in",
            TokenKind::Phone => "phone",
            TokenKind::Emergency => "emergency",
        }
    }
}

/// Where a token stands in its day.
///
/// `waiting → consulting → completed`; a waiting token can be cancelled, skipped (not there
/// when called) or marked late; a skipped or late token comes back to waiting when recalled
/// or reinserted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
