//! What an estimator is shown of one doctor's token queue, and what it answers.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::tokens::{EmergencyOrder, TokenKind, WalkInPlacement};
use crate::wait::DoctorHistory;

/// How many waiting tokens a late arrival is put back behind, by default.
pub(crate) const DEFAULT_REINSERT_AFTER: u32 = 3;

/// What an estimator sees of one doctor's token queue at `now`.
///
/// # Example
///
/// ```
/// use chrono::{DateTime, Utc};
/// use medsched::{wait::QueueSnapshot, tokens::TokenKind, wait::WaitingToken};
///
/// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
/// let mut queue = QueueSnapshot::new(
///     t("2026-03-02T03:45:00Z"),
///     t("2026-03-02T03:30:00Z"),
///     t("2026-03-02T07:30:00Z"),
/// );
/// queue.consulting_since = Some(t("2026-03-02T03:41:00Z"));
/// queue.waiting.push(WaitingToken::present(7, TokenKind::WalkIn));
/// queue.waiting.push(WaitingToken::booked(4, t("2026-03-02T04:00:00Z")));
/// assert_eq!(queue.waiting.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct QueueSnapshot {
    /// The present.
    pub now: DateTime<Utc>,
    /// When consultations of this session begin (the doctor may start later; estimates
    /// before it count from it).
    pub session_start: DateTime<Utc>,
    /// When the session is scheduled to end. The doctor finishes the line after it, but no
    /// more emergencies are expected once it has passed.
    pub session_end: DateTime<Utc>,
    /// The consult in progress: when it started; `None` if the doctor is free.
    #[serde(default)]
    pub consulting_since: Option<DateTime<Utc>>,
    /// The kind of the token in the room, if known: the rest of its consult is read at that
    /// kind's length ([`KindFactors`](crate::wait::KindFactors)); `None`, a typical one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consulting_kind: Option<TokenKind>,
    /// What the patient in the room came for, if known: the rest of the consult is read at
    /// that visit type's length too ([`VisitFactors`](crate::wait::VisitFactors)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consulting_visit: Option<VisitType>,
    /// The line, in call order: every waiting token (position 1 first), present or not.
    #[serde(default)]
    pub waiting: Vec<WaitingToken>,
    /// Tokens called while their patient was absent and not back yet. Each one that comes
    /// is put back into the line behind `reinsert_after` waiting tokens.
    #[serde(default)]
    pub skipped: Vec<SkippedToken>,
    /// Today's finished consultations, oldest first.
    #[serde(default)]
    pub completed: Vec<Consultation>,
    /// Today's tokens so far, by kind, and how many went ahead of others.
    #[serde(default)]
    pub issued: IssuedCounts,
    /// A late arrival goes back into the line behind this many present waiting patients
    /// (the queue's
    /// [`QueueRules::late_reinsert_after`](crate::tokens::QueueRules::late_reinsert_after);
    /// 3 when not given).
    #[serde(default = "default_reinsert_after")]
    pub reinsert_after: u32,
    /// When staff said the doctor arrived ("doctor arrived"), if they did. Before it, with no
    /// consultation begun today, the doctor is taken as not in yet: the wait for the first
    /// call includes the doctor's expected delay (from `doctor_expected_at`, else the
    /// doctor's history of late starts).
    #[serde(default)]
    pub doctor_arrived_at: Option<DateTime<Utc>>,
    /// When staff said the doctor is delayed until ("doctor delayed until"), if they did:
    /// the first call is expected then (a few minutes either way), not at the session start.
    #[serde(default)]
    pub doctor_expected_at: Option<DateTime<Utc>>,
    /// Where walk-ins join the line (the queue's
    /// [`QueueRules::walk_ins`](crate::tokens::QueueRules::walk_ins)): between booked slots,
    /// walk-ins still to come go ahead of booked patients due after they arrive.
    #[serde(default)]
    pub walk_ins: WalkInPlacement,
    /// The order of emergencies among themselves (the queue's
    /// [`QueueRules::emergency_order`](crate::tokens::QueueRules::emergency_order)): first
    /// in, first out, an emergency waiting at the head has no later emergency ahead.
    #[serde(default)]
    pub emergency_order: EmergencyOrder,
}

fn default_reinsert_after() -> u32 {
    DEFAULT_REINSERT_AFTER
}

impl QueueSnapshot {
    /// An empty queue at `now` for a session from `session_start` to `session_end`: the
    /// doctor free, nobody waiting, nothing done yet.
    pub fn new(
        now: DateTime<Utc>,
        session_start: DateTime<Utc>,
        session_end: DateTime<Utc>,
    ) -> QueueSnapshot {
        QueueSnapshot {
            now,
            session_start,
            session_end,
            consulting_since: None,
            consulting_kind: None,
            consulting_visit: None,
            waiting: Vec::new(),
            skipped: Vec::new(),
            completed: Vec::new(),
            issued: IssuedCounts::default(),
            reinsert_after: DEFAULT_REINSERT_AFTER,
            doctor_arrived_at: None,
            doctor_expected_at: None,
            walk_ins: WalkInPlacement::End,
            emergency_order: EmergencyOrder::Fifo,
        }
    }

    /// Whether the doctor is in: a consultation is running or done today, or staff said the
    /// doctor arrived (by `now`).
    ///
    /// ```
    /// use chrono::{DateTime, Utc};
    /// use medsched::wait::QueueSnapshot;
    ///
    /// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    /// let mut queue = QueueSnapshot::new(
    ///     t("2026-03-02T03:40:00Z"),
    ///     t("2026-03-02T03:30:00Z"),
    ///     t("2026-03-02T07:30:00Z"),
    /// );
    /// assert!(!queue.doctor_in());
    /// queue.doctor_arrived_at = Some(t("2026-03-02T03:38:00Z"));
    /// assert!(queue.doctor_in());
    /// ```
    pub fn doctor_in(&self) -> bool {
        self.consulting_since.is_some()
            || !self.completed.is_empty()
            || self.doctor_arrived_at.is_some_and(|at| at <= self.now)
    }

    /// Minutes from `now` to `instant` (negative when it is past).
    pub fn minutes_until(&self, instant: DateTime<Utc>) -> f64 {
        minutes_between(self.now, instant)
    }
}

/// One token in the line.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WaitingToken {
    /// The token's number.
    pub number: u32,
    /// How it was issued.
    pub kind: TokenKind,
    /// For a booked (or phone) token, its appointment start; the patient may not be there
    /// yet. `None` for walk-ins and emergencies.
    #[serde(default)]
    pub expected_at: Option<DateTime<Utc>>,
    /// The patient has checked in and will answer when called. Walk-ins and emergencies are
    /// present from issue; a booked patient not yet present is skipped if called.
    pub present: bool,
    /// What the patient comes for (first visit, review, tele-consult), if the host knows it:
    /// the consult is counted at that visit type's length for this doctor
    /// ([`VisitFactors`](crate::wait::VisitFactors)); `None`, a typical one of its kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<VisitType>,
}

/// What a patient comes for, as the host knows it from the booking or the registration
/// desk: first visits, reviews and tele-consults take different times, learnt per doctor
/// ([`VisitFactors`](crate::wait::VisitFactors)). Emergencies are a token kind
/// ([`TokenKind::Emergency`]), not a visit type.
///
/// ```
/// use medsched::{tokens::TokenKind, wait::VisitType, wait::WaitingToken};
///
/// let token = WaitingToken::present(7, TokenKind::WalkIn).for_visit(VisitType::FirstVisit);
/// assert_eq!(token.visit, Some(VisitType::FirstVisit));
/// assert_eq!(serde_json::to_string(&VisitType::FirstVisit).unwrap(), "\"first_visit\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum VisitType {
    /// A new patient, or a new problem: usually the longest.
    FirstVisit,
    /// A follow-up of a known problem.
    Review,
    /// A consult by phone or video.
    Tele,
}

impl WaitingToken {
    /// A token whose patient is here (a walk-in, an emergency, a checked-in booking).
    pub fn present(number: u32, kind: TokenKind) -> WaitingToken {
        WaitingToken {
            number,
            kind,
            expected_at: None,
            present: true,
            visit: None,
        }
    }

    /// A booked token for an appointment at `expected_at`, its patient not checked in yet.
    pub fn booked(number: u32, expected_at: DateTime<Utc>) -> WaitingToken {
        WaitingToken {
            number,
            kind: TokenKind::Booked,
            expected_at: Some(expected_at),
            present: false,
            visit: None,
        }
    }

    /// The same token, its patient coming for `visit`.
    pub fn for_visit(self, visit: VisitType) -> WaitingToken {
        WaitingToken {
            visit: Some(visit),
            ..self
        }
    }
}

/// A token passed over because its patient was absent when called, not back yet.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SkippedToken {
    /// The token's number.
    pub number: u32,
    /// Its appointment start, if it was booked for a time. Skipped tokens without one are
    /// not expected back.
    #[serde(default)]
    pub expected_at: Option<DateTime<Utc>>,
}

/// One finished consultation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Consultation {
    /// When the patient went in.
    pub started_at: DateTime<Utc>,
    /// When they came out.
    pub ended_at: DateTime<Utc>,
    /// How many tokens were waiting when it began (its patient not counted), if recorded:
    /// lets the estimator read today's pace at the line's usual length.
    #[serde(default)]
    pub waiting_at_start: Option<u32>,
    /// How the patient's token was issued, if recorded: lets today's pace be read at each
    /// kind's usual length.
    #[serde(default)]
    pub kind: Option<TokenKind>,
    /// What the patient came for, if recorded: lets today's pace be read at each visit
    /// type's usual length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<VisitType>,
}

impl Consultation {
    /// A consultation from `started_at` to `ended_at`, the line at its start not recorded.
    pub fn new(started_at: DateTime<Utc>, ended_at: DateTime<Utc>) -> Consultation {
        Consultation {
            started_at,
            ended_at,
            waiting_at_start: None,
            kind: None,
            visit: None,
        }
    }

    /// Its length in minutes, if it is a usable measurement (finite and above zero).
    pub fn minutes(&self) -> Option<f64> {
        let minutes = minutes_between(self.started_at, self.ended_at);
        (minutes > 0.0).then_some(minutes)
    }
}

/// Today's tokens so far: how many of each kind were issued, and how many were put ahead of
/// patients already waiting (emergencies at the head, late arrivals reinserted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct IssuedCounts {
    /// Booked tokens issued.
    pub booked: u32,
    /// Walk-in tokens issued.
    pub walk_in: u32,
    /// Phone tokens issued.
    pub phone: u32,
    /// Emergency tokens issued (each went ahead of the line).
    pub emergency: u32,
    /// Late arrivals put back into the line.
    pub reinserted: u32,
}

impl IssuedCounts {
    /// How many tokens of `kind` were issued.
    pub fn issued(&self, kind: TokenKind) -> u32 {
        match kind {
            TokenKind::Booked => self.booked,
            TokenKind::WalkIn => self.walk_in,
            TokenKind::Phone => self.phone,
            TokenKind::Emergency => self.emergency,
        }
    }

    /// Tokens put ahead of others: emergencies plus reinserted late arrivals.
    pub fn inserted_ahead(&self) -> u32 {
        self.emergency.saturating_add(self.reinserted)
    }
}

/// One estimate: the token, the expected minutes from `now` until its consult starts, a
/// P50 (half of patients start by then) and a P90 upper bound (90% start by then).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WaitEstimate {
    /// The token's number.
    pub number: u32,
    /// Expected minutes from `now` until the consult starts (finite, at least 0).
    pub minutes: f64,
    /// Minutes by which half of such consults have started (finite, at least 0, at most
    /// `p90_minutes`): waits are right-skewed, so usually below `minutes`.
    pub p50_minutes: f64,
    /// Minutes by which 90% of such consults have started (at least `minutes`).
    pub p90_minutes: f64,
}

impl WaitEstimate {
    /// The expected instant the consult starts: `now + minutes` (to the millisecond).
    /// `None` only if it falls outside the instants chrono represents.
    ///
    /// ```
    /// use chrono::{DateTime, Utc};
    /// use medsched::wait::WaitEstimate;
    ///
    /// let now: DateTime<Utc> = "2026-03-02T04:00:00Z".parse().unwrap();
    /// let estimate = WaitEstimate { number: 9, minutes: 12.5, p50_minutes: 11.0, p90_minutes: 20.0 };
    /// assert_eq!(estimate.expected_start(now), "2026-03-02T04:12:30Z".parse().ok());
    /// assert_eq!(estimate.p50_start(now), "2026-03-02T04:11:00Z".parse().ok());
    /// ```
    pub fn expected_start(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        after(now, self.minutes)
    }

    /// The instant by which half of such consults have started: `now + p50_minutes`.
    pub fn p50_start(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        after(now, self.p50_minutes)
    }

    /// The instant by which 90% of such consults have started: `now + p90_minutes`.
    pub fn p90_start(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        after(now, self.p90_minutes)
    }
}

/// Estimates how long each waiting token will wait. Estimators are plain data, shared
/// between threads and held across the awaits of the async services.
pub trait WaitEstimator: Send + Sync {
    /// A short name for reports, e.g. `"moving_average"`.
    fn name(&self) -> &'static str;

    /// One estimate per waiting token, in line order.
    fn estimate(&self, queue: &QueueSnapshot, history: &DoctorHistory) -> Vec<WaitEstimate>;
}

/// Minutes from `from` to `to`, to the millisecond.
pub(crate) fn minutes_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    to.signed_duration_since(from).num_milliseconds() as f64 / 60_000.0
}

/// `now` plus `minutes`, to the millisecond; `None` for a non-finite or unrepresentable sum.
pub(crate) fn after(now: DateTime<Utc>, minutes: f64) -> Option<DateTime<Utc>> {
    if !minutes.is_finite() {
        return None;
    }
    let millis = (minutes * 60_000.0).round();
    if millis.abs() >= 9.0e15 {
        return None;
    }
    now.checked_add_signed(TimeDelta::try_milliseconds(millis as i64)?)
}
