//! The rules of a doctor's token day: sessions, their limits and quotas, reserved numbers,
//! and where emergencies and late arrivals go.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Error, Id, Problem, Result, tokens::TokenKind};

/// One OPD session of the day (e.g. morning 09:00–13:00) and its limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TokenSession {
    /// The session's id, e.g. `"morning"`.
    pub id: Id,
    /// When consultations begin.
    pub start: DateTime<Utc>,
    /// When the session ends: no token is issued for it afterwards.
    pub end: DateTime<Utc>,
    /// The most tokens the session gives (cancelled ones do not count; emergencies are
    /// never refused and do not count).
    #[serde(default)]
    pub max_tokens: Option<u32>,
    /// The most tokens per channel, e.g. online bookings up to 20.
    #[serde(default)]
    pub quotas: Vec<ChannelQuota>,
}

impl TokenSession {
    /// A session with no limits.
    pub fn new(id: impl Into<Id>, start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        TokenSession {
            id: id.into(),
            start,
            end,
            max_tokens: None,
            quotas: Vec::new(),
        }
    }
}

/// The most tokens one channel may take in a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ChannelQuota {
    /// The channel.
    pub kind: TokenKind,
    /// Its most tokens (cancelled ones do not count).
    pub max: u32,
}

/// How a doctor's token day runs.
///
/// # Example
///
/// ```
/// use medsched::{tokens::ChannelQuota, tokens::QueueRules, tokens::TokenKind, tokens::TokenSession};
/// use chrono::{DateTime, Utc};
///
/// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
/// let mut morning = TokenSession::new("morning", t("2026-03-02T03:30:00Z"),
///     t("2026-03-02T07:30:00Z"));
/// morning.max_tokens = Some(40);
/// morning.quotas.push(ChannelQuota { kind: TokenKind::Booked, max: 20 });
/// let rules = QueueRules::new(vec![morning]).with_reserved_numbers(vec![1, 2]);
/// assert!(rules.check().is_ok());
/// assert_eq!(rules.late_reinsert_after, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct QueueRules {
    /// The day's sessions, in time order, not overlapping.
    pub sessions: Vec<TokenSession>,
    /// Numbers the automatic sequence passes over, given only when staff ask for them by
    /// number (e.g. for senior citizens).
    #[serde(default)]
    pub reserved_numbers: Vec<u32>,
    /// A late arrival goes back in the line after this many waiting patients who are present
    /// (checked in, or issued at the desk); absent booked tokens are not counted.
    #[serde(default = "default_late_reinsert_after")]
    pub late_reinsert_after: u32,
    /// Whether emergencies go ahead of every waiting patient (after earlier emergencies).
    /// When false they join the line like any other token.
    #[serde(default = "default_true")]
    pub emergencies_first: bool,
    /// How many patients at the head of the line get position updates and may join a
    /// tele-consultation waiting room.
    #[serde(default = "default_notify_next")]
    pub notify_next: u32,
    /// Where a walk-in joins the line: at the end (the default), or between booked slots.
    #[serde(default)]
    pub walk_ins: WalkInPlacement,
    /// The order of emergencies among themselves when they go first: first come, first
    /// seen (the default), or the latest first.
    #[serde(default)]
    pub emergency_order: EmergencyOrder,
}

/// Where a walk-in joins the line.
///
/// ```
/// use medsched::tokens::WalkInPlacement;
///
/// assert_eq!(WalkInPlacement::default(), WalkInPlacement::End);
/// assert_eq!(serde_json::to_string(&WalkInPlacement::BetweenSlots).unwrap(), "\"between_slots\"");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum WalkInPlacement {
    /// At the end of its session's line.
    #[default]
    End,
    /// Ahead of the first waiting booked or phone token of its session whose appointment
    /// starts after the walk-in's issue: booked patients are called around their slot
    /// times and walk-ins fill the gaps between them.
    BetweenSlots,
}

/// The order of emergencies among themselves, when they go ahead of the line.
///
/// ```
/// use medsched::tokens::EmergencyOrder;
///
/// assert_eq!(EmergencyOrder::default(), EmergencyOrder::Fifo);
/// assert_eq!(serde_json::to_string(&EmergencyOrder::Lifo).unwrap(), "\"lifo\"");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EmergencyOrder {
    /// Behind earlier emergencies.
    #[default]
    Fifo,
    /// Ahead of earlier emergencies.
    Lifo,
}

fn default_late_reinsert_after() -> u32 {
    3
}

fn default_true() -> bool {
    true
}

fn default_notify_next() -> u32 {
    10
}

/// The most sessions a day may have.
const MAX_SESSIONS: usize = 24;
/// The highest number that may be reserved.
const MAX_NUMBER: u32 = 100_000;
/// The most patients told of each move of the line.
const MAX_NOTIFY_NEXT: u32 = 100;
/// The most numbers that may be reserved.
const MAX_RESERVED: usize = 1_000;

impl QueueRules {
    /// Rules with these sessions: no reserved numbers, late arrivals after 3 patients,
    /// emergencies first, updates to the next 10.
    pub fn new(sessions: Vec<TokenSession>) -> Self {
        QueueRules {
            sessions,
            reserved_numbers: Vec::new(),
            late_reinsert_after: default_late_reinsert_after(),
            emergencies_first: true,
            notify_next: default_notify_next(),
            walk_ins: WalkInPlacement::End,
            emergency_order: EmergencyOrder::Fifo,
        }
    }

    /// The same rules with these reserved numbers.
    pub fn with_reserved_numbers(mut self, numbers: Vec<u32>) -> Self {
        self.reserved_numbers = numbers;
        self
    }

    /// Checks the rules.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] naming the field: no session or more than 24, a session that
    /// ends before it starts, sessions out of order or overlapping, duplicate ids, a
    /// reserved number of 0, above 100,000 or given twice, more than 1,000 reserved numbers,
    /// a duplicate quota or a quota on emergencies, `notify_next` above 100.
    pub fn check(&self) -> Result<()> {
        if self.sessions.is_empty() {
            return Err(Error::invalid(
                "sessions",
                "[]",
                Problem::Missing("at least one session".into()),
            ));
        }
        if self.sessions.len() > MAX_SESSIONS {
            return Err(Error::invalid(
                "sessions",
                self.sessions.len(),
                Problem::OutOfRange(format!("at most {MAX_SESSIONS} sessions")),
            ));
        }
        for (i, session) in self.sessions.iter().enumerate() {
            crate::availability::check_range(session.start, session.end)
                .map_err(|e| e.within(&format!("sessions[{i}]")))?;
            if let Some(previous) = i.checked_sub(1).map(|j| &self.sessions[j])
                && session.start < previous.end
            {
                return Err(Error::invalid(
                    format!("sessions[{i}].start"),
                    session.start,
                    Problem::Overlap(format!("session {:?}", previous.id.as_str())),
                ));
            }
            if self.sessions[..i].iter().any(|s| s.id == session.id) {
                return Err(Error::invalid(
                    format!("sessions[{i}].id"),
                    &session.id,
                    Problem::DuplicateId,
                ));
            }
            for (q, quota) in session.quotas.iter().enumerate() {
                if quota.kind == TokenKind::Emergency {
                    return Err(Error::invalid(
                        format!("sessions[{i}].quotas[{q}].kind"),
                        quota.kind.as_str(),
                        Problem::Conflicting("emergencies, which are never refused".into()),
                    ));
                }
                if session.quotas[..q].iter().any(|o| o.kind == quota.kind) {
                    return Err(Error::invalid(
                        format!("sessions[{i}].quotas[{q}].kind"),
                        quota.kind.as_str(),
                        Problem::DuplicateId,
                    ));
                }
            }
        }
        if self.notify_next > MAX_NOTIFY_NEXT {
            return Err(Error::invalid(
                "notify_next",
                self.notify_next,
                Problem::OutOfRange(format!("at most {MAX_NOTIFY_NEXT}")),
            ));
        }
        if self.reserved_numbers.len() > MAX_RESERVED {
            return Err(Error::invalid(
                "reserved_numbers",
                self.reserved_numbers.len(),
                Problem::OutOfRange(format!("at most {MAX_RESERVED} numbers")),
            ));
        }
        let mut seen = rustc_hash::FxHashSet::default();
        for (i, &number) in self.reserved_numbers.iter().enumerate() {
            if number == 0 || number > MAX_NUMBER {
                return Err(Error::invalid(
                    format!("reserved_numbers[{i}]"),
                    number,
                    Problem::OutOfRange(format!("1 to {MAX_NUMBER}")),
                ));
            }
            if !seen.insert(number) {
                return Err(Error::invalid(
                    format!("reserved_numbers[{i}]"),
                    number,
                    Problem::DuplicateId,
                ));
            }
        }
        Ok(())
    }

    /// The session with this id and its index.
    pub(crate) fn session(&self, id: &str) -> Option<(usize, &TokenSession)> {
        self.sessions.iter().enumerate().find(|(_, s)| s.id == id)
    }

    /// The session running at `now`, or else the next one to start.
    pub(crate) fn session_at(&self, now: DateTime<Utc>) -> Option<(usize, &TokenSession)> {
        self.sessions.iter().enumerate().find(|(_, s)| now < s.end)
    }

    /// The session the doctor is on at `now`: the last to have started (its line may run
    /// past its end), or the first before any has.
    pub(crate) fn session_serving(&self, now: DateTime<Utc>) -> Option<(usize, &TokenSession)> {
        let started = self
            .sessions
            .iter()
            .enumerate()
            .rev()
            .find(|(_, s)| s.start <= now);
        started.or_else(|| self.sessions.iter().enumerate().next())
    }

    /// The session an instant falls in (its start inside `[start, end)`).
    pub(crate) fn session_of(&self, at: DateTime<Utc>) -> Option<(usize, &TokenSession)> {
        self.sessions
            .iter()
            .enumerate()
            .find(|(_, s)| s.start <= at && at < s.end)
    }

    pub(crate) fn is_reserved(&self, number: u32) -> bool {
        self.reserved_numbers.contains(&number)
    }
}
