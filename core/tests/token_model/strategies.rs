//! The proptest strategies: the day's rules, a starting `now` and the steps of a case, the
//! actions of desk, doctor and patients and the tokens they name.

use medsched::{ConsultationMode, tokens::QueueRules, tokens::TokenKind, tokens::TokenSession};
use proptest::option;
use proptest::prelude::*;

use super::{EVENING, LAST_MINUTE, MEET_LINKS, MORNING, at};

/// Patients `pat-0` to `pat-3`.
const PATIENTS: usize = 4;
/// Token ids `t-0` to `t-11`, shared by issues and reassignments.
const TOKEN_IDS: usize = 12;
/// Appointments `a-0` to `a-3`.
const APPOINTMENTS: usize = 4;

/// One generated day.
#[derive(Debug, Clone)]
pub struct Case {
    pub rules: QueueRules,
    /// Minutes after 03:00 UTC.
    pub start: i64,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone)]
pub enum Step {
    /// `now` moves on by this many minutes.
    Wait(i64),
    /// Someone acts.
    Act(Who, Action),
}

/// Who acts.
#[derive(Debug, Clone, Copy)]
pub enum Who {
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
pub enum Target {
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
pub enum Action {
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
pub struct IssueSpec {
    pub id: usize,
    pub kind: TokenKind,
    pub patient: usize,
    /// 0 morning, 1 evening, 2 a session the rules do not have.
    pub session: Option<usize>,
    pub mode: ConsultationMode,
    pub appointment: Option<usize>,
    /// Minutes after 03:00 UTC.
    pub expected: Option<i64>,
    pub number: Option<NumberPick>,
}

#[derive(Debug, Clone, Copy)]
pub enum NumberPick {
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
            Just(TokenKind::Phone)
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
                    session
                        .quotas
                        .push(medsched::tokens::ChannelQuota { kind, max });
                }
            }
            session
        })
}

fn arb_rules() -> impl Strategy<Value = QueueRules> {
    (
        arb_session(0),
        option::weighted(0.7, arb_session(1)),
        prop::collection::btree_set(1..=8u32, 0..=3),
        0..=4u32,
        prop::bool::weighted(0.8),
        0..=4u32,
    )
        .prop_map(
            |(morning, evening, reserved, late_after, emergencies_first, notify_next)| {
                let sessions = std::iter::once(morning).chain(evening).collect();
                let reserved = reserved.into_iter().collect();
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

pub fn arb_case() -> impl Strategy<Value = Case> {
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
