//! The independent model of the token queue that `token_props.rs` and `token_writers.rs`
//! check the engine against: the day the cases run on, the model's view of a queue and the engine's queue in
//! the same terms, how a refusal is told apart, and [`Model`], which keeps the day's tokens,
//! its line, its consultation and its meet link.
//!
//! `strategies` generates the days, `commands` resolves their actions to commands on the day
//! so far, and `decide` decides each command as the model understands the rules.
mod commands;
mod decide;
mod strategies;

pub use commands::Cmd;
pub use strategies::{Case, Step, arb_case};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use medsched::{
    ConsultationMode, Error, Id, tokens::Queue, tokens::QueueDay, tokens::QueueRules,
    tokens::TokenKind, tokens::TokenState,
};
use proptest::test_runner::Config as ProptestConfig;

/// Proptest's settings for the token properties: `cases` cases unless `PROPTEST_CASES` says
/// otherwise, nothing persisted, long shrinking.
pub fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(cases),
        failure_persistence: None,
        max_shrink_iters: 4096,
        ..ProptestConfig::default()
    }
}

const TENANT: &str = "clinic-props";
/// Minutes after 03:00 UTC: the morning session runs 03:30-07:30, the evening one
/// 10:30-13:30; the day's instants range over 03:00-14:00.
pub const MORNING: (i64, i64) = (30, 270);
pub const EVENING: (i64, i64) = (450, 630);
pub const LAST_MINUTE: i64 = 660;
/// The links staff set, and whether each is a Google Meet meeting link.
pub const MEET_LINKS: [(&str, bool); 6] = [
    ("https://meet.google.com/abc-defg-hij", true),
    ("https://meet.google.com/xyz-wxyz-uvw?authuser=1", true),
    ("https://meet.google.com/abc-defg", false),
    ("http://meet.google.com/abc-defg-hij", false),
    ("https://meet.google.com/ABC-DEFG-HIJ", false),
    ("https://zoom.us/j/123", false),
];

pub fn day() -> QueueDay {
    QueueDay::new(
        TENANT,
        "dr-asha",
        NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
    )
}

/// The instant `minutes` after 03:00 UTC on the queue's day.
pub fn at(minutes: i64) -> DateTime<Utc> {
    let base: DateTime<Utc> = "2026-03-02T03:00:00Z".parse().unwrap();
    base + Duration::minutes(minutes)
}

pub fn patient_id(p: usize) -> Id {
    format!("pat-{p}").into()
}

// ---------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------

/// A token as the model keeps it, and as the engine's tokens are compared with it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Tok {
    number: u32,
    id: Id,
    kind: TokenKind,
    patient: Id,
    session: Id,
    mode: ConsultationMode,
    appointment: Option<Id>,
    expected_at: Option<DateTime<Utc>>,
    state: TokenState,
    called: bool,
    arrived: bool,
    reassigned_to: Option<u32>,
    /// `(from, to)` of every reassignment, oldest first.
    history: Vec<(u32, u32)>,
}

impl Tok {
    fn is_open(&self) -> bool {
        !matches!(self.state, TokenState::Completed | TokenState::Cancelled)
    }
}

/// The queue as the model and the engine both show it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct View {
    tokens: Vec<Tok>,
    line: Vec<u32>,
    serving: Option<u32>,
    meet_link: Option<String>,
}

/// The engine's queue, in the model's terms.
#[allow(dead_code, reason = "token_writers.rs compares queues whole")]
pub fn view(queue: &Queue) -> View {
    View {
        tokens: queue
            .tokens()
            .iter()
            .map(|t| Tok {
                number: t.number,
                id: t.id.clone(),
                kind: t.kind,
                patient: t.patient_id.clone(),
                session: t.session_id.clone(),
                mode: t.mode,
                appointment: t.appointment_id.clone(),
                expected_at: t.expected_at,
                state: t.state,
                called: t.called_at.is_some(),
                arrived: t.arrived_at.is_some(),
                reassigned_to: t.reassigned_to,
                history: t.reassignments.iter().map(|r| (r.from, r.to)).collect(),
            })
            .collect(),
        line: queue.line().to_vec(),
        serving: queue.now_serving().map(|t| t.number),
        meet_link: queue.meet_link().map(str::to_string),
    }
}

/// How a refusal is told apart: the error's code and what it names (the policy rule; the
/// field and problem; the kind of record not found; the state that forbids the action).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    code: &'static str,
    detail: String,
}

impl Refusal {
    fn policy(rule: &str) -> Self {
        Refusal {
            code: "policy_violation",
            detail: rule.to_string(),
        }
    }

    fn input(field: &str, problem: &str) -> Self {
        Refusal {
            code: "invalid_input",
            detail: format!("{field}:{problem}"),
        }
    }

    fn not_found(kind: &str) -> Self {
        Refusal {
            code: "not_found",
            detail: kind.to_string(),
        }
    }

    fn transition(from: TokenState) -> Self {
        Refusal {
            code: "invalid_transition",
            detail: from.as_str().to_string(),
        }
    }

    /// The engine's error in these terms.
    #[allow(dead_code, reason = "token_writers.rs compares refusals by code")]
    pub fn of(error: &Error) -> Self {
        let detail = match error {
            Error::PolicyViolation { rule, .. } => rule.code().to_string(),
            Error::InvalidInput { field, problem, .. } => format!("{field}:{}", problem.code()),
            Error::NotFound { kind, .. } => kind.to_string(),
            Error::InvalidTransition { from, .. } => from.to_string(),
            other => other.to_string(),
        };
        Refusal {
            code: error.code(),
            detail,
        }
    }
}

/// What the model expects of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Accepted: whether it records an event, and the token the update names.
    Accepted { changed: bool, token: Option<u32> },
    /// Refused with exactly this.
    Refused(Refusal),
}

fn unchanged(token: Option<u32>) -> Expect {
    Expect::Accepted {
        changed: false,
        token,
    }
}

fn changed(token: Option<u32>) -> Expect {
    Expect::Accepted {
        changed: true,
        token,
    }
}

/// The model: the day's tokens in issue order, the line, the consultation and the link.
#[derive(Debug)]
pub struct Model {
    pub rules: QueueRules,
    pub view: View,
}

impl Model {
    pub fn new(rules: QueueRules) -> Self {
        Model {
            rules,
            view: View::default(),
        }
    }

    fn tok(&self, number: u32) -> Option<&Tok> {
        self.view.tokens.iter().find(|t| t.number == number)
    }

    fn tok_mut(&mut self, number: u32) -> &mut Tok {
        let found = self.view.tokens.iter_mut().find(|t| t.number == number);
        found.expect("the model acts on tokens it holds")
    }

    fn session_ix(&self, id: &str) -> Option<usize> {
        self.rules.sessions.iter().position(|s| s.id == id)
    }

    fn is_reserved(&self, number: u32) -> bool {
        self.rules.reserved_numbers.contains(&number)
    }

    fn next_number(&self) -> u32 {
        (1..)
            .find(|&n| self.tok(n).is_none() && !self.is_reserved(n))
            .expect("a free number")
    }
}
