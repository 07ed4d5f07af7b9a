//! The day every token test runs: Dr Asha's queue at the Kochi OPD on Monday 2 March 2026,
//! morning 09:00–13:00 and evening 16:00–19:00 IST, given in UTC.

use chrono::{DateTime, NaiveDate, Utc};
use medsched::{tokens::QueueDay, tokens::QueueRules, tokens::TokenSession};

/// An instant in RFC 3339.
pub fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// The queue.
pub fn day() -> QueueDay {
    QueueDay::new(
        "clinic-1",
        "dr-asha",
        NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
    )
}

/// The morning and evening sessions, no limits.
pub fn rules() -> QueueRules {
    QueueRules::new(vec![
        TokenSession::new(
            "morning",
            t("2026-03-02T03:30:00Z"),
            t("2026-03-02T07:30:00Z"),
        ),
        TokenSession::new(
            "evening",
            t("2026-03-02T10:30:00Z"),
            t("2026-03-02T13:30:00Z"),
        ),
    ])
}
