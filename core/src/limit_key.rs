//! What a booking rate limit counts by: a patient, a phone number or a client address.

use serde::{Deserialize, Serialize};

/// The kind of key a booking rate limit counts requests by (see
/// [`rate_limit`](crate::rate_limit)). An [`Error::RateLimited`](crate::Error::RateLimited)
/// names the kind, never the key itself: a phone number or an address is personal data and
/// stays out of messages and logs.
///
/// ```
/// use medsched::rate_limit::KeyKind;
///
/// assert_eq!(KeyKind::Phone.as_str(), "phone");
/// assert_eq!(serde_json::to_string(&KeyKind::Ip).unwrap(), "\"ip\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    /// The patient's id.
    Patient,
    /// The patient's phone number (several accounts on one phone share its limit).
    Phone,
    /// The client's network address (several patients behind one address share its limit).
    Ip,
}

impl KeyKind {
    /// Every kind, in the order a limiter checks them.
    pub const ALL: [KeyKind; 3] = [KeyKind::Patient, KeyKind::Phone, KeyKind::Ip];

    /// `"patient"`, `"phone"` or `"ip"`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::Patient => "patient",
            KeyKind::Phone => "phone",
            KeyKind::Ip => "ip",
        }
    }
}
