//! The model's decisions: whether a command is accepted or how it is refused, and what an
//! accepted one changes in the line, the tokens, the consultation and the meet link.

use chrono::{DateTime, Utc};
use medsched::{
    ConsultationMode, store::Actor, tokens::TokenKind, tokens::TokenRequest, tokens::TokenState,
};

use super::{Cmd, Expect, MEET_LINKS, Model, Refusal, Tok, changed, unchanged};

impl Model {
    /// Decides a command as the model understands the rules, and records what it changes.
    pub fn step(&mut self, cmd: &Cmd, actor: &Actor, now: DateTime<Utc>) -> Expect {
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
                let tok = self.tok_mut(*n);
                tok.state = Consulting;
                tok.arrived = true;
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
                let tok = self.acting_on(*n, actor, &[Late, Skipped], false)?.clone();
                let after = after.unwrap_or(self.rules.late_reinsert_after) as usize;
                let session = self
                    .session_ix(&tok.session)
                    .expect("a session of the rules");
                let session_end = self.place(TokenKind::WalkIn, session);
                // Behind the `after`-th waiting patient who is here (the last one here if
                // fewer are, the head if none is).
                let mut behind = 0;
                if after > 0 {
                    let mut here = 0;
                    for (i, number) in self.view.line.iter().enumerate() {
                        let arrived = self
                            .view
                            .tokens
                            .iter()
                            .any(|t| t.number == *number && t.arrived);
                        if arrived {
                            here += 1;
                            behind = i + 1;
                            if here == after {
                                break;
                            }
                        }
                    }
                }
                let index = self.behind_emergencies(behind.min(session_end));
                self.back_in_line(*n, index);
                Ok(changed(Some(*n)))
            }
            Cmd::Reassign(n, token_id) => {
                if actor.is_patient() {
                    return Err(Refusal::policy("staff_only"));
                }
                if let Some(tok) = self.view.tokens.iter().find(|t| t.id == *token_id) {
                    if tok.history.last() == Some(&(*n, tok.number)) {
                        // A repeat names the token the id stands for now.
                        let mut current = tok.number;
                        while let Some(next) = self.tok(current).and_then(|t| t.reassigned_to) {
                            current = next;
                        }
                        return Ok(unchanged(Some(current)));
                    }
                    return Err(Refusal::input("token_id", "duplicate_id"));
                }
                let old = self.acting_on(*n, actor, &[Late, Skipped], false)?.clone();
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
        tok.arrived = true;
        self.view.line.insert(index, number);
    }

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

    /// Where a new token joins the line: with emergencies first, an emergency right after the
    /// emergencies at the head; any other token after the waiting tokens of its session and
    /// earlier ones, and never ahead of the emergencies at the head.
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

    /// A repeat of an issue: the token the number stands for now (following reassignments)
    /// unchanged, or its appointment's new time and mode while it has not been seen.
    fn amend(&mut self, number: u32, request: &TokenRequest) -> Result<Expect, Refusal> {
        let mut current = number;
        while let Some(next) = self.tok(current).and_then(|t| t.reassigned_to) {
            current = next;
        }
        let tok = self.tok(current).expect("a token of the day").clone();
        if tok.expected_at == request.expected_at && tok.mode == request.mode {
            return Ok(unchanged(Some(current)));
        }
        if request.kind == TokenKind::Booked && request.expected_at.is_none() {
            return Err(Refusal::input("expected_at", "missing"));
        }
        if let Some(at) = request.expected_at {
            let sessions = &self.rules.sessions;
            let of = sessions.iter().find(|s| s.start <= at && at < s.end);
            if of.is_none_or(|s| s.id != tok.session) {
                return Err(Refusal::input("expected_at", "conflicting"));
            }
        }
        if !matches!(
            tok.state,
            TokenState::Waiting | TokenState::Late | TokenState::Skipped
        ) {
            return Err(Refusal::transition(tok.state));
        }
        let tok = self.tok_mut(current);
        tok.expected_at = request.expected_at;
        tok.mode = request.mode;
        Ok(changed(Some(current)))
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
                && request
                    .session_id
                    .as_ref()
                    .is_none_or(|s| *s == tok.session)
                && request.number.is_none_or(|n| n == tok.number);
            if !same {
                return Err(Refusal::input("token_id", "duplicate_id"));
            }
            let mut current = tok.number;
            while let Some(next) = self.tok(current).and_then(|t| t.reassigned_to) {
                current = next;
            }
            if self.tok(current).map(|t| t.state) == Some(TokenState::Cancelled) {
                return Err(Refusal::transition(TokenState::Cancelled));
            }
            return self.amend(tok.number, request);
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
            return self.amend(tok.number, request);
        }
        let sessions = &self.rules.sessions;
        let session = match (&request.session_id, request.expected_at) {
            (Some(id), _) => Some(
                self.session_ix(id)
                    .ok_or_else(|| Refusal::not_found("session"))?,
            ),
            (None, Some(at)) => sessions.iter().position(|s| s.start <= at && at < s.end),
            // An emergency joins the session the doctor is on: the last to have started.
            (None, None) if request.kind == TokenKind::Emergency => {
                Some(sessions.iter().rposition(|s| s.start <= now).unwrap_or(0))
            }
            (None, None) => sessions.iter().position(|s| now < s.end),
        };
        let emergency = request.kind == TokenKind::Emergency;
        let ix = session.ok_or_else(|| Refusal::policy("no_session"))?;
        let session = &sessions[ix];
        if now >= session.end && !emergency {
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
