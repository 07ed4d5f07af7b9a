//! Property tests of the token queue: random days of desk, doctor and patient actions run
//! through `Tokens<InMemoryStore>` and checked after every step against an independent model
//! written here, and against invariants that need no model.
//!
//! Each case draws the day's rules (a morning session, sometimes an evening one, each with
//! or without a token limit and channel quotas; 0-3 reserved numbers; `late_reinsert_after`
//! 0-4; emergencies first or not; `notify_next` 0-4), a starting `now` (before, in, between
//! or after the sessions) and 1-60 steps. A step moves `now` on by up to 75 minutes, or is a
//! command from staff, the system, the token's own patient or another patient: issues of
//! every kind (booked ones with an appointment and its start in either session, between
//! them or outside them, sometimes without either; reserved and unreserved numbers asked for
//! explicitly; explicit sessions, one of them unknown; in person, video or phone; token ids
//! and appointments drawn from small pools so that repeats and clashes happen), check-ins,
//! call next, start, complete, cancel, skip, mark late, recall, reinsert with and without
//! `after`, reassign, moves to any position (0 and past the end included), valid and invalid
//! meet links, and actions on numbers the day never issued. Refusals are expected: the
//! properties are on what is accepted and on how the rest is refused.
//!
//! Properties, after every step:
//!
//! - the engine gives what the model predicts: the same acceptance (whether an event is
//!   recorded, and which token the update names) or the same typed refusal (its code, and
//!   the policy rule, the field and problem, the record kind or the state it names); the
//!   model's line, tokens, consultation and meet link equal the engine's;
//! - numbers are unique and never reused or dropped; the numbers the sequence gave are
//!   exactly the first non-reserved positive integers; every reserved number issued was
//!   asked for;
//! - the line is exactly the waiting tokens, each once; `position` is the 1-based index in
//!   it and `next(k)` its first `k`;
//! - at most one token is with the doctor, and `now_serving` is that one;
//! - `counts` agrees with a count over `tokens`;
//! - the stream replays: `Queue::from_events` of the stored events, and a fold of them
//!   change by change from an empty queue, both equal the queue the update returned; a
//!   refusal appends nothing;
//! - every refusal is a documented, typed error (never a conflict from a lone writer, never
//!   a panic), and every notification names a token of the queue once per kind.
//!
//! The model places tokens as `decide_token` documents (emergencies after the emergencies
//! at the head of the line when they go first, other tokens after the waiting tokens of
//! their session and earlier ones, recalls at the head, reinsertions after `after` waiting
//! tokens, reassigned tokens like a new walk-in of the old token's session), with what a
//! demanding clinic expects on top: a new token never lands ahead of the emergencies at the
//! head of the line, a patient never gets back another patient's token, and an appointment's
//! token is never handed to another patient. The tests after the property pin each of these
//! three expectations with the smallest case.
//!
//! `PROPTEST_CASES=n` runs `n` cases instead of the default.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use medsched::{
    Actor, Change, ConsultationMode, Error, EventStore, Id, InMemoryStore, Queue, QueueDay,
    QueueRules, QueueUpdate, TokenCommand, TokenKind, TokenRequest, TokenSession, TokenState,
    Tokens,
};
use proptest::option;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const TENANT: &str = "clinic-props";
/// Patients `pat-0` to `pat-3`.
const PATIENTS: usize = 4;
/// Token ids `t-0` to `t-11`, shared by issues and reassignments.
const TOKEN_IDS: usize = 12;
/// Appointments `a-0` to `a-3`.
const APPOINTMENTS: usize = 4;
/// Minutes after 03:00 UTC: the morning session runs 03:30-07:30, the evening one
/// 10:30-13:30; the day's instants range over 03:00-14:00.
const MORNING: (i64, i64) = (30, 270);
const EVENING: (i64, i64) = (450, 630);
const LAST_MINUTE: i64 = 660;
/// The links staff set, and whether each is a Google Meet meeting link.
const MEET_LINKS: [(&str, bool); 6] = [
    ("https://meet.google.com/abc-defg-hij", true),
    ("https://meet.google.com/xyz-wxyz-uvw?authuser=1", true),
    ("https://meet.google.com/abc-defg", false),
    ("http://meet.google.com/abc-defg-hij", false),
    ("https://meet.google.com/ABC-DEFG-HIJ", false),
    ("https://zoom.us/j/123", false),
];

fn config(cases: u32) -> ProptestConfig {
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

fn day() -> QueueDay {
    QueueDay::new(
        TENANT,
        "dr-asha",
        NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
    )
}

/// The instant `minutes` after 03:00 UTC on the queue's day.
fn at(minutes: i64) -> DateTime<Utc> {
    let base: DateTime<Utc> = "2026-03-02T03:00:00Z".parse().unwrap();
    base + Duration::minutes(minutes)
}

fn patient_id(p: usize) -> Id {
    format!("pat-{p}").into()
}

// ---------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------

/// One generated day.
#[derive(Debug, Clone)]
struct Case {
    rules: QueueRules,
    /// Minutes after 03:00 UTC.
    start: i64,
    steps: Vec<Step>,
}

#[derive(Debug, Clone)]
enum Step {
    /// `now` moves on by this many minutes.
    Wait(i64),
    /// Someone acts.
    Act(Who, Action),
}

/// Who acts.
#[derive(Debug, Clone, Copy)]
enum Who {
    Staff,
    System,
    /// The patient of the token acted on (or of the request).
    Owner,
    /// A patient, maybe not the one concerned.
    Patient(usize),
}

/// A token an action names, resolved against the day so far: any token when none suits,
/// and a number never issued when the day has no token yet.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// One of the line.
    Waiting(usize),
    /// One that is late or skipped.
    Out(usize),
    /// One not completed or cancelled.
    Open(usize),
    /// The one with the doctor.
    Serving,
    /// Any token issued.
    Any(usize),
    /// A number never issued: 0, the next one of the sequence, or 99,999.
    Unknown(usize),
}

#[derive(Debug, Clone)]
enum Action {
    Issue(IssueSpec),
    CheckIn(Target),
    CallNext,
    Start(Target),
    Complete(Target),
    Cancel(Target),
    Skip(Target),
    MarkLate(Target),
    Recall(Target),
    Reinsert(Target, Option<u32>),
    /// The token and the new token's id.
    Reassign(Target, usize),
    /// The token and its new place (1 = next).
    Move(Target, usize),
    /// An entry of `MEET_LINKS`.
    SetMeetLink(usize),
}

#[derive(Debug, Clone)]
struct IssueSpec {
    id: usize,
    kind: TokenKind,
    patient: usize,
    /// 0 morning, 1 evening, 2 a session the rules do not have.
    session: Option<usize>,
    mode: ConsultationMode,
    appointment: Option<usize>,
    /// Minutes after 03:00 UTC.
    expected: Option<i64>,
    number: Option<NumberPick>,
}

#[derive(Debug, Clone, Copy)]
enum NumberPick {
    /// One of the rules' reserved numbers (1 when there is none).
    Reserved(usize),
    /// This number, reserved or not.
    Plain(u32),
}

fn arb_session(ix: usize) -> impl Strategy<Value = TokenSession> {
    let quota = (
        prop_oneof![
            Just(TokenKind::Booked),
            Just(TokenKind::WalkIn),
            Just(TokenKind::Phone),
            Just(TokenKind::Emergency)
        ],
        0..=4u32,
    );
    (
        option::weighted(0.35, 0..=8u32),
        prop::collection::vec(quota, 0..=2),
    )
        .prop_map(move |(max_tokens, quotas)| {
            let (id, (start, end)) = [("morning", MORNING), ("evening", EVENING)][ix];
            let mut session = TokenSession::new(id, at(start), at(end));
            session.max_tokens = max_tokens;
            for (kind, max) in quotas {
                if session.quotas.iter().all(|q| q.kind != kind) {
                    session.quotas.push(medsched::ChannelQuota { kind, max });
                }
            }
            session
        })
}

fn arb_rules() -> impl Strategy<Value = QueueRules> {
    (
        arb_session(0),
        option::weighted(0.7, arb_session(1)),
        prop::collection::vec(1..=8u32, 0..=3),
        0..=4u32,
        prop::bool::weighted(0.8),
        0..=4u32,
    )
        .prop_map(
            |(morning, evening, reserved, late_after, emergencies_first, notify_next)| {
                let sessions = std::iter::once(morning).chain(evening).collect();
                let mut rules = QueueRules::new(sessions).with_reserved_numbers(reserved);
                rules.late_reinsert_after = late_after;
                rules.emergencies_first = emergencies_first;
                rules.notify_next = notify_next;
                rules
            },
        )
}

/// A target, `preferred` most often: the tokens the action suits.
fn arb_target(preferred: fn(usize) -> Target) -> impl Strategy<Value = Target> {
    prop_oneof![
        6 => (0..16usize).prop_map(preferred),
        2 => (0..16usize).prop_map(Target::Waiting),
        2 => (0..16usize).prop_map(Target::Out),
        2 => (0..16usize).prop_map(Target::Open),
        1 => Just(Target::Serving),
        1 => (0..16usize).prop_map(Target::Any),
        1 => (0..3usize).prop_map(Target::Unknown),
    ]
}

fn arb_issue() -> impl Strategy<Value = IssueSpec> {
    let kind = prop_oneof![
        4 => Just(TokenKind::WalkIn),
        3 => Just(TokenKind::Booked),
        2 => Just(TokenKind::Phone),
        2 => Just(TokenKind::Emergency),
    ];
    let mode = prop_oneof![
        6 => Just(ConsultationMode::InPerson),
        2 => Just(ConsultationMode::Video),
        1 => Just(ConsultationMode::Phone),
    ];
    let number = prop_oneof![
        2 => (0..3usize).prop_map(NumberPick::Reserved),
        1 => (1..=12u32).prop_map(NumberPick::Plain),
    ];
    (
        (
            0..TOKEN_IDS,
            kind,
            0..PATIENTS,
            option::weighted(0.25, 0..3usize),
        ),
        (mode, 0..APPOINTMENTS, 0..=LAST_MINUTE / 5),
        (
            prop::bool::weighted(0.85),
            prop::bool::weighted(0.1),
            option::weighted(0.15, number),
        ),
    )
        .prop_map(
            |(
                (id, kind, patient, session),
                (mode, appointment, slot),
                (complete, extra, number),
            )| {
                // A booked request is usually complete; other kinds rarely name an appointment.
                let with_appointment = if kind == TokenKind::Booked {
                    complete
                } else {
                    extra
                };
                IssueSpec {
                    id,
                    kind,
                    patient,
                    session,
                    mode,
                    appointment: with_appointment.then_some(appointment),
                    expected: with_appointment.then_some(slot * 5),
                    number,
                }
            },
        )
}

fn arb_who() -> impl Strategy<Value = Who> {
    prop_oneof![
        6 => Just(Who::Staff),
        1 => Just(Who::System),
        2 => Just(Who::Owner),
        1 => (0..PATIENTS).prop_map(Who::Patient),
    ]
}

fn arb_action() -> impl Strategy<Value = Action> {
    let position = prop_oneof![3 => 1..=4usize, 1 => 0..=12usize];
    let after = prop_oneof![
        3 => Just(None),
        3 => (0..=6u32).prop_map(Some),
        1 => Just(Some(u32::MAX)),
    ];
    prop_oneof![
        30 => arb_issue().prop_map(Action::Issue),
        3 => arb_target(Target::Open).prop_map(Action::CheckIn),
        6 => Just(Action::CallNext),
        6 => arb_target(Target::Waiting).prop_map(Action::Start),
        5 => arb_target(|_| Target::Serving).prop_map(Action::Complete),
        3 => arb_target(Target::Open).prop_map(Action::Cancel),
        4 => arb_target(Target::Waiting).prop_map(Action::Skip),
        3 => arb_target(Target::Waiting).prop_map(Action::MarkLate),
        3 => arb_target(Target::Out).prop_map(Action::Recall),
        4 => (arb_target(Target::Out), after).prop_map(|(t, a)| Action::Reinsert(t, a)),
        3 => (arb_target(Target::Out), 0..TOKEN_IDS).prop_map(|(t, id)| Action::Reassign(t, id)),
        4 => (arb_target(Target::Waiting), position).prop_map(|(t, p)| Action::Move(t, p)),
        2 => (0..MEET_LINKS.len()).prop_map(Action::SetMeetLink),
    ]
}

fn arb_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        1 => (0..=75i64).prop_map(Step::Wait),
        9 => (arb_who(), arb_action()).prop_map(|(who, action)| Step::Act(who, action)),
    ]
}

fn arb_case() -> impl Strategy<Value = Case> {
    (
        arb_rules(),
        prop_oneof![3 => 0..=60i64, 1 => 0..=LAST_MINUTE],
        prop::collection::vec(arb_step(), 1..=60),
    )
        .prop_map(|(rules, start, steps)| Case {
            rules,
            start,
            steps,
        })
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
struct View {
    tokens: Vec<Tok>,
    line: Vec<u32>,
    serving: Option<u32>,
    meet_link: Option<String>,
}

/// The engine's queue, in the model's terms.
fn view(queue: &Queue) -> View {
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

/// A command with its tokens resolved to numbers.
#[derive(Debug, Clone)]
enum Cmd {
    Issue(TokenRequest),
    CheckIn(u32),
    CallNext,
    Start(u32),
    Complete(u32),
    Cancel(u32),
    Skip(u32),
    MarkLate(u32),
    Recall(u32),
    Reinsert(u32, Option<u32>),
    Reassign(u32, Id),
    Move(u32, usize),
    SetMeetLink(String),
}

impl Cmd {
    fn command(&self) -> TokenCommand {
        let reason = || Some("at the desk".to_string());
        match self.clone() {
            Cmd::Issue(request) => TokenCommand::Issue(request),
            Cmd::CheckIn(number) => TokenCommand::CheckIn { number },
            Cmd::CallNext => TokenCommand::CallNext,
            Cmd::Start(number) => TokenCommand::Start { number },
            Cmd::Complete(number) => TokenCommand::Complete { number },
            Cmd::Cancel(number) => TokenCommand::Cancel {
                number,
                reason: reason(),
            },
            Cmd::Skip(number) => TokenCommand::Skip {
                number,
                reason: None,
            },
            Cmd::MarkLate(number) => TokenCommand::MarkLate {
                number,
                reason: reason(),
            },
            Cmd::Recall(number) => TokenCommand::Recall {
                number,
                reason: None,
            },
            Cmd::Reinsert(number, after) => TokenCommand::Reinsert {
                number,
                after,
                reason: None,
            },
            Cmd::Reassign(number, token_id) => TokenCommand::Reassign {
                number,
                token_id,
                reason: reason(),
            },
            Cmd::Move(number, position) => TokenCommand::Move {
                number,
                position,
                reason: reason(),
            },
            Cmd::SetMeetLink(meet_link) => TokenCommand::SetMeetLink { meet_link },
        }
    }
}

/// How a refusal is told apart: the error's code and what it names (the policy rule; the
/// field and problem; the kind of record not found; the state that forbids the action).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Refusal {
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
    fn of(error: &Error) -> Self {
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
enum Expect {
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
struct Model {
    rules: QueueRules,
    view: View,
}

impl Model {
    fn new(rules: QueueRules) -> Self {
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

    /// The number a target names now.
    fn number_of(&self, target: Target) -> u32 {
        let pick =
            |numbers: Vec<u32>, i: usize| (!numbers.is_empty()).then(|| numbers[i % numbers.len()]);
        let tokens = &self.view.tokens;
        let chosen = match target {
            Target::Waiting(i) => pick(self.view.line.clone(), i),
            Target::Out(i) => pick(
                tokens
                    .iter()
                    .filter(|t| matches!(t.state, TokenState::Late | TokenState::Skipped))
                    .map(|t| t.number)
                    .collect(),
                i,
            ),
            Target::Open(i) => pick(
                tokens
                    .iter()
                    .filter(|t| t.is_open())
                    .map(|t| t.number)
                    .collect(),
                i,
            ),
            Target::Serving => self.view.serving,
            Target::Any(i) => pick(tokens.iter().map(|t| t.number).collect(), i),
            Target::Unknown(k) => Some([0, self.next_number(), 99_999][k]),
        };
        let any = || pick(tokens.iter().map(|t| t.number).collect(), 0);
        chosen.or_else(any).unwrap_or_else(|| self.next_number())
    }

    /// The command and actor a step's action gives on the day so far.
    fn resolve(&self, who: Who, action: &Action) -> (Cmd, Actor) {
        let cmd = match action {
            Action::Issue(spec) => Cmd::Issue(self.request(spec)),
            Action::CheckIn(t) => Cmd::CheckIn(self.number_of(*t)),
            Action::CallNext => Cmd::CallNext,
            Action::Start(t) => Cmd::Start(self.number_of(*t)),
            Action::Complete(t) => Cmd::Complete(self.number_of(*t)),
            Action::Cancel(t) => Cmd::Cancel(self.number_of(*t)),
            Action::Skip(t) => Cmd::Skip(self.number_of(*t)),
            Action::MarkLate(t) => Cmd::MarkLate(self.number_of(*t)),
            Action::Recall(t) => Cmd::Recall(self.number_of(*t)),
            Action::Reinsert(t, after) => Cmd::Reinsert(self.number_of(*t), *after),
            Action::Reassign(t, id) => Cmd::Reassign(self.number_of(*t), format!("t-{id}").into()),
            Action::Move(t, position) => Cmd::Move(self.number_of(*t), *position),
            Action::SetMeetLink(i) => Cmd::SetMeetLink(MEET_LINKS[*i].0.to_string()),
        };
        let owner = match &cmd {
            Cmd::Issue(request) => request.patient_id.clone(),
            Cmd::CheckIn(n)
            | Cmd::Start(n)
            | Cmd::Complete(n)
            | Cmd::Cancel(n)
            | Cmd::Skip(n)
            | Cmd::MarkLate(n)
            | Cmd::Recall(n)
            | Cmd::Reinsert(n, _)
            | Cmd::Reassign(n, _)
            | Cmd::Move(n, _) => self.tok(*n).map_or(patient_id(0), |t| t.patient.clone()),
            Cmd::CallNext | Cmd::SetMeetLink(_) => patient_id(0),
        };
        let actor = match who {
            Who::Staff => Actor::staff("rcp-1"),
            Who::System => Actor::system("kiosk"),
            Who::Owner => Actor::patient(owner),
            Who::Patient(p) => Actor::patient(patient_id(p)),
        };
        (cmd, actor)
    }

    fn request(&self, spec: &IssueSpec) -> TokenRequest {
        let number = spec.number.map(|pick| match pick {
            NumberPick::Reserved(i) => {
                let reserved = &self.rules.reserved_numbers;
                if reserved.is_empty() {
                    1
                } else {
                    reserved[i % reserved.len()]
                }
            }
            NumberPick::Plain(n) => n,
        });
        TokenRequest {
            session_id: spec
                .session
                .map(|s| ["morning", "evening", "night"][s].into()),
            mode: spec.mode,
            appointment_id: spec.appointment.map(|a| format!("a-{a}").into()),
            expected_at: spec.expected.map(at),
            number,
            ..TokenRequest::new(
                format!("t-{}", spec.id),
                spec.kind,
                patient_id(spec.patient),
            )
        }
    }

    /// Decides a command as the model understands the rules, and records what it changes.
    fn step(&mut self, cmd: &Cmd, actor: &Actor, now: DateTime<Utc>) -> Expect {
        self.decide(cmd, actor, now).unwrap_or_else(Expect::Refused)
    }

    fn decide(&mut self, cmd: &Cmd, actor: &Actor, now: DateTime<Utc>) -> Result<Expect, Refusal> {
        use TokenState::{Consulting, Late, Skipped, Waiting};
        match cmd {
            Cmd::Issue(request) => self.issue(request, actor, now),
            Cmd::CheckIn(n) => {
                let tok = self.acting_on(*n, actor, &[Waiting, Late, Skipped], true)?;
                if tok.arrived {
                    return Ok(unchanged(Some(*n)));
                }
                self.tok_mut(*n).arrived = true;
                Ok(changed(Some(*n)))
            }
            Cmd::CallNext => {
                if actor.is_patient() {
                    return Err(Refusal::policy("staff_only"));
                }
                let next = self
                    .view
                    .line
                    .iter()
                    .copied()
                    .find(|&n| self.tok(n).is_some_and(|t| !t.called));
                let n = next.ok_or_else(|| Refusal::policy("queue_empty"))?;
                self.tok_mut(n).called = true;
                Ok(changed(Some(n)))
            }
            Cmd::Start(n) => {
                let tok = self.acting_on(*n, actor, &[Waiting], false)?;
                if self.view.serving.is_some() {
                    return Err(Refusal::policy("consult_in_progress"));
                }
                if tok.mode == ConsultationMode::Video && self.view.meet_link.is_none() {
                    return Err(Refusal::policy("meet_link_missing"));
                }
                self.leave_line(*n);
                self.tok_mut(*n).state = Consulting;
                self.view.serving = Some(*n);
                Ok(changed(Some(*n)))
            }
            Cmd::Complete(n) => {
                self.acting_on(*n, actor, &[Consulting], false)?;
                self.end(*n, TokenState::Completed);
                Ok(changed(Some(*n)))
            }
            Cmd::Cancel(n) => {
                self.acting_on(*n, actor, &[Waiting, Late, Skipped], true)?;
                self.end(*n, TokenState::Cancelled);
                Ok(changed(Some(*n)))
            }
            Cmd::Skip(n) => {
                self.acting_on(*n, actor, &[Waiting], false)?;
                self.end(*n, Skipped);
                Ok(changed(Some(*n)))
            }
            Cmd::MarkLate(n) => {
                self.acting_on(*n, actor, &[Waiting, Skipped], false)?;
                self.end(*n, Late);
                Ok(changed(Some(*n)))
            }
            Cmd::Recall(n) => {
                self.acting_on(*n, actor, &[Late, Skipped], false)?;
                self.back_in_line(*n, self.behind_emergencies(0));
                Ok(changed(Some(*n)))
            }
            Cmd::Reinsert(n, after) => {
                self.acting_on(*n, actor, &[Late, Skipped], false)?;
                let after = after.unwrap_or(self.rules.late_reinsert_after) as usize;
                let index = self.behind_emergencies(after.min(self.view.line.len()));
                self.back_in_line(*n, index);
                Ok(changed(Some(*n)))
            }
            Cmd::Reassign(n, token_id) => {
                let old = self.acting_on(*n, actor, &[Late, Skipped], false)?.clone();
                if self.view.tokens.iter().any(|t| t.id == *token_id) {
                    return Err(Refusal::input("token_id", "duplicate_id"));
                }
                let number = self.next_number();
                let session = self
                    .session_ix(&old.session)
                    .expect("a session of the rules");
                let index = self.place(TokenKind::WalkIn, session);
                self.end(*n, TokenState::Cancelled);
                self.tok_mut(*n).reassigned_to = Some(number);
                let mut history = old.history.clone();
                history.push((*n, number));
                self.view.tokens.push(Tok {
                    number,
                    id: token_id.clone(),
                    state: Waiting,
                    called: false,
                    arrived: true,
                    reassigned_to: None,
                    history,
                    ..old
                });
                self.view.line.insert(index, number);
                Ok(changed(Some(number)))
            }
            Cmd::Move(n, position) => {
                self.acting_on(*n, actor, &[Waiting], false)?;
                let len = self.view.line.len();
                if *position == 0 || *position > len {
                    return Err(Refusal::input("position", "out_of_range"));
                }
                let from = self.view.line.iter().position(|x| x == n).expect("waiting");
                if from == position - 1 {
                    return Ok(unchanged(Some(*n)));
                }
                self.leave_line(*n);
                self.view.line.insert(position - 1, *n);
                Ok(changed(Some(*n)))
            }
            Cmd::SetMeetLink(link) => {
                if actor.is_patient() {
                    return Err(Refusal::policy("staff_only"));
                }
                let valid = MEET_LINKS.iter().any(|(l, ok)| *l == link && *ok);
                if !valid {
                    return Err(Refusal::input("meet_link", "malformed"));
                }
                if self.view.meet_link.as_deref() == Some(link.as_str()) {
                    return Ok(unchanged(None));
                }
                self.view.meet_link = Some(link.clone());
                Ok(changed(None))
            }
        }
    }

    /// The token an action names, if it exists, the actor may act on it (staff, or with
    /// `patient_may` its own patient) and its state allows the action.
    fn acting_on(
        &self,
        number: u32,
        actor: &Actor,
        from: &[TokenState],
        patient_may: bool,
    ) -> Result<&Tok, Refusal> {
        let tok = self
            .tok(number)
            .ok_or_else(|| Refusal::not_found("token"))?;
        if actor.is_patient() {
            if !patient_may {
                return Err(Refusal::policy("staff_only"));
            }
            if tok.patient != actor.id {
                return Err(Refusal::policy("not_owner"));
            }
        }
        if !from.contains(&tok.state) {
            return Err(Refusal::transition(tok.state));
        }
        Ok(tok)
    }

    fn leave_line(&mut self, number: u32) {
        self.view.line.retain(|&n| n != number);
    }

    fn end(&mut self, number: u32, state: TokenState) {
        self.leave_line(number);
        if self.view.serving == Some(number) {
            self.view.serving = None;
        }
        self.tok_mut(number).state = state;
    }

    fn back_in_line(&mut self, number: u32, index: usize) {
        let tok = self.tok_mut(number);
        tok.state = TokenState::Waiting;
        tok.called = false;
        self.view.line.insert(index, number);
    }

    /// Where a new token joins the line: with emergencies first, an emergency right after the
    /// emergencies at the head; any other token after the waiting tokens of its session and
    /// earlier ones, and never ahead of the emergencies at the head.
    /// `index`, but never ahead of the emergencies at the head when they go first.
    fn behind_emergencies(&self, index: usize) -> usize {
        let leading = self
            .view
            .line
            .iter()
            .take_while(|n| self.tok(**n).map(|t| t.kind) == Some(TokenKind::Emergency))
            .count();
        if self.rules.emergencies_first {
            index.max(leading)
        } else {
            index
        }
    }

    fn place(&self, kind: TokenKind, session: usize) -> usize {
        let kind_of = |n: &u32| self.tok(*n).map(|t| t.kind);
        let leading = self
            .view
            .line
            .iter()
            .take_while(|n| kind_of(n) == Some(TokenKind::Emergency))
            .count();
        if kind == TokenKind::Emergency && self.rules.emergencies_first {
            return leading;
        }
        let session_of = |n: &u32| {
            self.tok(*n)
                .and_then(|t| self.session_ix(&t.session))
                .unwrap_or(usize::MAX)
        };
        let after_session = self
            .view
            .line
            .iter()
            .rposition(|n| session_of(n) <= session)
            .map_or(0, |i| i + 1);
        if self.rules.emergencies_first {
            after_session.max(leading)
        } else {
            after_session
        }
    }

    /// Why a patient may not make this request, if they may not: only staff give tokens
    /// other than booked ones and reserved numbers, and a patient asks only for themself.
    fn patient_refusal(request: &TokenRequest, actor: &Actor) -> Option<Refusal> {
        if !actor.is_patient() {
            return None;
        }
        if request.kind != TokenKind::Booked || request.number.is_some() {
            return Some(Refusal::policy("staff_only"));
        }
        (request.patient_id != actor.id).then(|| Refusal::policy("not_owner"))
    }

    fn issue(
        &mut self,
        request: &TokenRequest,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Expect, Refusal> {
        if let Some(refusal) = Self::patient_refusal(request, actor) {
            return Err(refusal);
        }
        if let Some(tok) = self.view.tokens.iter().find(|t| t.id == request.token_id) {
            let same = tok.kind == request.kind
                && tok.patient == request.patient_id
                && tok.appointment == request.appointment_id
                && tok.mode == request.mode
                && tok.expected_at == request.expected_at
                && request
                    .session_id
                    .as_ref()
                    .is_none_or(|s| *s == tok.session)
                && request.number.is_none_or(|n| n == tok.number);
            if !same {
                return Err(Refusal::input("token_id", "duplicate_id"));
            }
            return Ok(unchanged(Some(tok.number)));
        }
        if request.kind == TokenKind::Booked {
            if request.appointment_id.is_none() {
                return Err(Refusal::input("appointment_id", "missing"));
            }
            if request.expected_at.is_none() {
                return Err(Refusal::input("expected_at", "missing"));
            }
        }
        if let Some(appointment) = &request.appointment_id
            && let Some(tok) = self
                .view
                .tokens
                .iter()
                .find(|t| t.is_open() && t.appointment.as_ref() == Some(appointment))
        {
            if tok.patient != request.patient_id {
                return Err(Refusal::input("appointment_id", "conflicting"));
            }
            return Ok(unchanged(Some(tok.number)));
        }
        let sessions = &self.rules.sessions;
        let session = match (&request.session_id, request.expected_at) {
            (Some(id), _) => Some(
                self.session_ix(id)
                    .ok_or_else(|| Refusal::not_found("session"))?,
            ),
            (None, Some(at)) => sessions.iter().position(|s| s.start <= at && at < s.end),
            (None, None) => sessions.iter().position(|s| now < s.end),
        };
        let ix = session.ok_or_else(|| Refusal::policy("no_session"))?;
        let session = &sessions[ix];
        if now >= session.end {
            return Err(Refusal::policy("session_over"));
        }
        if request.kind != TokenKind::Emergency {
            let counted = || {
                self.view
                    .tokens
                    .iter()
                    .filter(|t| t.session == session.id && t.state != TokenState::Cancelled)
            };
            let all = counted().filter(|t| t.kind != TokenKind::Emergency).count();
            if session.max_tokens.is_some_and(|max| all >= max as usize) {
                return Err(Refusal::policy("session_full"));
            }
            let of_kind = counted().filter(|t| t.kind == request.kind).count();
            let quota = session.quotas.iter().find(|q| q.kind == request.kind);
            if quota.is_some_and(|q| of_kind >= q.max as usize) {
                return Err(Refusal::policy("quota_full"));
            }
        }
        let number = match request.number {
            None => self.next_number(),
            Some(n) if !self.is_reserved(n) => {
                return Err(Refusal::input("number", "conflicting"));
            }
            Some(n) if self.tok(n).is_some() => {
                return Err(Refusal::input("number", "duplicate_id"));
            }
            Some(n) => n,
        };
        let index = self.place(request.kind, ix);
        self.view.tokens.push(Tok {
            number,
            id: request.token_id.clone(),
            kind: request.kind,
            patient: request.patient_id.clone(),
            session: session.id.clone(),
            mode: request.mode,
            appointment: request.appointment_id.clone(),
            expected_at: request.expected_at,
            state: TokenState::Waiting,
            called: false,
            arrived: matches!(request.kind, TokenKind::WalkIn | TokenKind::Emergency),
            reassigned_to: None,
            history: Vec::new(),
        });
        self.view.line.insert(index, number);
        Ok(changed(Some(number)))
    }
}

// ---------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------

/// One day run through the service, with what the checks remember between steps.
struct Run {
    tokens: Tokens<InMemoryStore>,
    model: Model,
    queue: Queue,
    version: u64,
    /// Every number seen, with its token's id.
    numbers: BTreeMap<u32, Id>,
    /// The reserved numbers accepted issues asked for.
    requested: BTreeSet<u32>,
}

fn run_case(case: Case) -> Result<(), TestCaseError> {
    let mut run = Run {
        tokens: Tokens::new(InMemoryStore::new()),
        model: Model::new(case.rules.clone()),
        queue: Queue::new(),
        version: 0,
        numbers: BTreeMap::new(),
        requested: BTreeSet::new(),
    };
    let mut now = at(case.start);
    for (i, step) in case.steps.iter().enumerate() {
        match step {
            Step::Wait(minutes) => now += Duration::minutes(*minutes),
            Step::Act(who, action) => {
                let (cmd, actor) = run.model.resolve(*who, action);
                let command = cmd.command();
                let expected = run.model.step(&cmd, &actor, now);
                let got = run
                    .tokens
                    .execute(&day(), &case.rules, &actor, now, &command);
                let context = format!("step {i} at {now}: {actor:?} {command:?}");
                check_outcome(&mut run, &cmd, &expected, got, &context)?;
            }
        }
    }
    Ok(())
}

fn check_outcome(
    run: &mut Run,
    cmd: &Cmd,
    expected: &Expect,
    got: medsched::Result<QueueUpdate>,
    context: &str,
) -> Result<(), TestCaseError> {
    let loaded = run.tokens.store().load(&day().stream()).unwrap();
    match (expected, got) {
        (Expect::Accepted { changed, token }, Ok(update)) => {
            prop_assert_eq!(
                update.events.len(),
                usize::from(*changed),
                "events of {}",
                context
            );
            let named = update.token.as_ref().map(|t| t.number);
            prop_assert_eq!(named, *token, "the token named by {}", context);
            prop_assert_eq!(loaded.version, run.version + update.events.len() as u64);
            if let Cmd::Issue(request) = cmd
                && *changed
                && let Some(number) = request.number
            {
                run.requested.insert(number);
            }
            check_notifications(&update, context)?;
            check_replay(&loaded.events, &update.queue, context)?;
            run.queue = update.queue;
        }
        (Expect::Refused(refusal), Err(error)) => {
            prop_assert_eq!(&Refusal::of(&error), refusal, "refusal of {}", context);
            check_refusal(run, &error, &loaded.events, loaded.version, context)?;
        }
        (expected, got) => {
            let got = got.map(|u| (u.events.len(), u.token.map(|t| (t.number, t.patient_id))));
            prop_assert!(false, "{}: expected {:?}, got {:?}", context, expected, got);
        }
    }
    run.version = loaded.version;
    check_invariants(run, context)?;
    let engine = view(&run.queue);
    prop_assert_eq!(&engine, &run.model.view, "the queue after {}", context);
    Ok(())
}

fn check_refusal(
    run: &Run,
    error: &Error,
    events: &[medsched::Event],
    version: u64,
    context: &str,
) -> Result<(), TestCaseError> {
    let documented = [
        "invalid_input",
        "not_found",
        "invalid_transition",
        "policy_violation",
    ];
    prop_assert!(
        documented.contains(&error.code()),
        "{}: undocumented refusal {:?}",
        context,
        error
    );
    prop_assert_eq!(version, run.version, "a refusal appended: {}", context);
    prop_assert_eq!(&Queue::from_events(events), &run.queue, "{}", context);
    Ok(())
}

/// The stored events replay to the update's queue, whole and change by change.
fn check_replay(
    events: &[medsched::Event],
    queue: &Queue,
    context: &str,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        &Queue::from_events(events),
        queue,
        "replay after {}",
        context
    );
    let mut folded = Queue::new();
    for event in events {
        if let Change::Token(change) = &event.change {
            folded.apply_change(change, event.at);
        }
    }
    prop_assert_eq!(&folded, queue, "change-by-change fold after {}", context);
    Ok(())
}

fn check_notifications(update: &QueueUpdate, context: &str) -> Result<(), TestCaseError> {
    let mut seen = BTreeSet::new();
    for note in &update.notifications {
        let token = update.queue.token(note.number);
        prop_assert!(token.is_some(), "{}: note of no token {:?}", context, note);
        prop_assert_eq!(&token.unwrap().patient_id, &note.patient_id);
        prop_assert!(
            seen.insert((note.number, format!("{:?}", note.kind))),
            "{}: note twice {:?}",
            context,
            note
        );
    }
    Ok(())
}

/// What must hold of any queue, model or not.
fn check_invariants(run: &mut Run, context: &str) -> Result<(), TestCaseError> {
    let queue = &run.queue;
    let tokens = queue.tokens();
    let reserved = &run.model.rules.reserved_numbers;

    // Numbers: unique, never reused, never dropped.
    let distinct: BTreeSet<u32> = tokens.iter().map(|t| t.number).collect();
    prop_assert_eq!(
        distinct.len(),
        tokens.len(),
        "duplicate numbers after {}",
        context
    );
    for token in tokens {
        let id = run.numbers.entry(token.number).or_insert(token.id.clone());
        prop_assert_eq!(
            &*id,
            &token.id,
            "number {} reused after {}",
            token.number,
            context
        );
    }
    prop_assert_eq!(
        run.numbers.len(),
        tokens.len(),
        "a token vanished after {}",
        context
    );

    // The sequence is gapless outside reserved numbers, which only staff asked for.
    let sequence: Vec<u32> = distinct
        .iter()
        .copied()
        .filter(|n| !reserved.contains(n))
        .collect();
    let first: Vec<u32> = (1..)
        .filter(|n| !reserved.contains(n))
        .take(sequence.len())
        .collect();
    prop_assert_eq!(&sequence, &first, "the sequence after {}", context);
    for n in distinct.iter().filter(|n| reserved.contains(n)) {
        prop_assert!(
            run.requested.contains(n),
            "{} never asked for: {}",
            n,
            context
        );
    }

    // The line is the waiting tokens, each once, in `position` order.
    let line = queue.line();
    let mut in_line = line.to_vec();
    in_line.sort_unstable();
    let mut waiting: Vec<u32> = tokens
        .iter()
        .filter(|t| t.state == TokenState::Waiting)
        .map(|t| t.number)
        .collect();
    waiting.sort_unstable();
    prop_assert_eq!(&in_line, &waiting, "line vs waiting after {}", context);
    for (i, &n) in line.iter().enumerate() {
        prop_assert_eq!(queue.position(n), Some(i + 1));
    }
    for token in tokens.iter().filter(|t| t.state != TokenState::Waiting) {
        prop_assert_eq!(queue.position(token.number), None);
    }
    for k in 0..=line.len() + 1 {
        let next: Vec<u32> = queue.next(k).iter().map(|t| t.number).collect();
        prop_assert_eq!(&next[..], &line[..k.min(line.len())]);
    }

    // One consultation at a time, and it is the one served.
    let consulting: Vec<u32> = tokens
        .iter()
        .filter(|t| t.state == TokenState::Consulting)
        .map(|t| t.number)
        .collect();
    prop_assert!(
        consulting.len() <= 1,
        "{:?} consulting after {}",
        consulting,
        context
    );
    prop_assert_eq!(
        queue.now_serving().map(|t| t.number),
        consulting.first().copied()
    );

    // Counts agree with the tokens.
    let count = |state| tokens.iter().filter(|t| t.state == state).count();
    let counts = queue.counts();
    prop_assert_eq!(
        [
            counts.waiting,
            counts.consulting,
            counts.completed,
            counts.cancelled,
            counts.late,
            counts.skipped
        ],
        [
            count(TokenState::Waiting),
            count(TokenState::Consulting),
            count(TokenState::Completed),
            count(TokenState::Cancelled),
            count(TokenState::Late),
            count(TokenState::Skipped)
        ],
        "counts after {}",
        context
    );
    Ok(())
}

proptest! {
    #![proptest_config(config(512))]

    /// Random token days agree with the model at every step and keep the queue's
    /// invariants: unique gapless numbers, a line of exactly the waiting tokens, one
    /// consultation at a time, counts, replay, typed refusals.
    #[test]
    fn token_days_follow_the_model_and_keep_the_queue_invariants(case in arb_case()) {
        run_case(case)?;
    }
}

// ---------------------------------------------------------------------------------------
// The smallest cases of the model's expectations
// ---------------------------------------------------------------------------------------

fn two_sessions() -> QueueRules {
    QueueRules::new(vec![
        TokenSession::new("morning", at(MORNING.0), at(MORNING.1)),
        TokenSession::new("evening", at(EVENING.0), at(EVENING.1)),
    ])
}

fn booked(id: &str, patient: &str, appointment: &str) -> TokenRequest {
    TokenRequest {
        appointment_id: Some(appointment.into()),
        expected_at: Some(at(120)),
        ..TokenRequest::new(id, TokenKind::Booked, patient)
    }
}

#[test]
fn a_patient_repeating_another_patients_issue_does_not_get_their_token() {
    let tokens = Tokens::new(InMemoryStore::new());
    let rules = two_sessions();
    let desk = Actor::staff("rcp-1");
    let walk_in = TokenRequest::new("t-1", TokenKind::WalkIn, "pat-1");
    tokens
        .issue(&day(), &rules, &desk, at(60), walk_in.clone())
        .unwrap();
    let stranger = Actor::patient("pat-9");
    let got = tokens.issue(&day(), &rules, &stranger, at(60), walk_in);
    assert!(
        got.is_err(),
        "pat-9 was handed pat-1's token: {:?}",
        got.map(|u| u.token)
    );
}

#[test]
fn an_appointments_token_is_not_handed_to_another_patient() {
    let tokens = Tokens::new(InMemoryStore::new());
    let rules = two_sessions();
    let pat1 = Actor::patient("pat-1");
    let pat2 = Actor::patient("pat-2");
    let request = booked("t-1", "pat-1", "a-1");
    tokens
        .issue(&day(), &rules, &pat1, at(60), request)
        .unwrap();
    // pat-2 asks for their own token with pat-1's appointment id.
    let got = tokens.issue(&day(), &rules, &pat2, at(60), booked("t-2", "pat-2", "a-1"));
    assert!(
        got.is_err(),
        "pat-2 was handed pat-1's token: {:?}",
        got.map(|u| u.token)
    );
}

#[test]
fn a_walk_in_never_lands_ahead_of_the_emergency_at_the_head_of_the_line() {
    let tokens = Tokens::new(InMemoryStore::new());
    let rules = two_sessions();
    let desk = Actor::staff("rcp-1");
    let emergency = TokenRequest {
        session_id: Some("evening".into()),
        ..TokenRequest::new("e", TokenKind::Emergency, "pat-e")
    };
    let update = tokens
        .issue(&day(), &rules, &desk, at(60), emergency)
        .unwrap();
    assert_eq!(update.queue.line(), [1]);
    let walk_in = TokenRequest::new("w", TokenKind::WalkIn, "pat-w");
    let update = tokens
        .issue(&day(), &rules, &desk, at(60), walk_in)
        .unwrap();
    assert_eq!(update.queue.line(), [1, 2], "the walk-in went ahead");
}
