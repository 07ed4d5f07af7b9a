//! The commands of a day: an action's tokens resolved to numbers on the day so far, its
//! actor, and the engine's command for it.

use medsched::{Id, store::Actor, tokens::TokenCommand, tokens::TokenRequest, tokens::TokenState};

use super::strategies::{Action, IssueSpec, NumberPick, Target, Who};
use super::{MEET_LINKS, Model, at, patient_id};

/// A command with its tokens resolved to numbers.
#[derive(Debug, Clone)]
pub enum Cmd {
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
    pub fn command(&self) -> TokenCommand {
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

impl Model {
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
    pub fn resolve(&self, who: Who, action: &Action) -> (Cmd, Actor) {
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
}
