//! How a patient came for a token: its channel (walk-in, phone, booked, emergency).

use serde::{Deserialize, Serialize};

/// How a token was issued: its channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
