//! The token decider: a command and the queue give the changes to record, or a typed
//! refusal. Pure: `now` comes in.

use chrono::{DateTime, Utc};

use crate::{
    Error, PolicyRule, Problem, Result, store::Actor, tokens::EmergencyOrder, tokens::Queue,
    tokens::QueueRules, tokens::Reassignment, tokens::Token, tokens::TokenChange,
    tokens::TokenCommand, tokens::TokenKind, tokens::TokenRequest, tokens::TokenSession,
    tokens::TokenState, tokens::WalkInPlacement, tokens::validate_meet_link,
};

/// What a token decision needs besides the queue: the day's rules, who acts, and when.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The day's sessions, limits and policies.
    pub rules: &'a QueueRules,
    /// Who acts.
    pub actor: &'a Actor,
    /// The present.
    pub now: DateTime<Utc>,
}

/// Decides a command on a queue: the changes to record (none when an identical request was
/// already granted), or why not.
///
/// # Example
///
/// ```
/// use medsched::store::Actor;
/// use medsched::tokens::{self, Queue, QueueRules, TokenCommand, TokenKind, TokenRequest, TokenSession};
///
/// let t = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
/// let rules = QueueRules::new(vec![TokenSession::new("morning",
///     t("2026-03-02T03:30:00Z"), t("2026-03-02T07:30:00Z"))]);
/// let ctx = tokens::Context { rules: &rules, actor: &Actor::staff("rcp-1"),
///     now: t("2026-03-02T03:00:00Z") };
/// let issue = TokenCommand::Issue(TokenRequest::new("t-1", TokenKind::WalkIn, "pat-1"));
/// let changes = tokens::decide(&Queue::new(), &issue, &ctx)?;
/// assert_eq!(changes[0].name(), "token_issued");
/// assert_eq!(changes[0].number(), Some(1));
/// # Ok::<(), medsched::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidInput`] for bad requests and rules, [`Error::NotFound`] for an unknown
/// token or session, [`Error::InvalidTransition`] for an action the token's state does not
/// allow, [`Error::PolicyViolation`] for a full session or quota, a session over, a
/// consultation in progress, an empty line, a missing meet link, or an action only staff
/// (or the token's patient) may take.
pub fn decide(
    queue: &Queue,
    command: &TokenCommand,
    ctx: &Context<'_>,
) -> Result<Vec<TokenChange>> {
    ctx.rules.check().map_err(|e| e.within("rules"))?;
    let action = command.name();
    match command {
        TokenCommand::Issue(request) => issue(queue, request, ctx),
        TokenCommand::CheckIn { number } => {
            let open = [TokenState::Waiting, TokenState::Late, TokenState::Skipped];
            let token = acting_on(queue, *number, ctx, action, &open, true)?;
            if token.arrived_at.is_some() {
                return Ok(Vec::new());
            }
            Ok(vec![TokenChange::TokenCheckedIn { number: *number }])
        }
        TokenCommand::CallNext => {
            staff_only(ctx, "queue", action)?;
            let next = queue.waiting().find(|t| t.called_at.is_none());
            let token = next.ok_or_else(|| violation("queue", action, PolicyRule::QueueEmpty))?;
            Ok(vec![TokenChange::TokenCalled {
                number: token.number,
            }])
        }
        TokenCommand::Start { number } => {
            let token = acting_on(queue, *number, ctx, action, &[TokenState::Waiting], false)?;
            if let Some(serving) = queue.now_serving() {
                return Err(violation(
                    &number.to_string(),
                    action,
                    PolicyRule::ConsultInProgress {
                        number: serving.number,
                    },
                ));
            }
            let meet_link = match token.mode {
                crate::ConsultationMode::Video => Some(
                    queue
                        .meet_link()
                        .ok_or_else(|| {
                            violation(&number.to_string(), action, PolicyRule::MeetLinkMissing)
                        })?
                        .to_string(),
                ),
                _ => None,
            };
            Ok(vec![TokenChange::ConsultationStarted {
                number: *number,
                meet_link,
                waiting: queue.present_waiting(&token.session_id, *number),
            }])
        }
        TokenCommand::Complete { number } => {
            acting_on(
                queue,
                *number,
                ctx,
                action,
                &[TokenState::Consulting],
                false,
            )?;
            Ok(vec![TokenChange::ConsultationCompleted { number: *number }])
        }
        TokenCommand::Cancel { number, reason } => {
            let from = [TokenState::Waiting, TokenState::Late, TokenState::Skipped];
            acting_on(queue, *number, ctx, action, &from, true)?;
            Ok(vec![TokenChange::TokenCancelled {
                number: *number,
                reason: reason.clone(),
            }])
        }
        TokenCommand::Skip { number, reason } => {
            acting_on(queue, *number, ctx, action, &[TokenState::Waiting], false)?;
            Ok(vec![TokenChange::TokenSkipped {
                number: *number,
                reason: reason.clone(),
            }])
        }
        TokenCommand::MarkLate { number, reason } => {
            let from = [TokenState::Waiting, TokenState::Skipped];
            acting_on(queue, *number, ctx, action, &from, false)?;
            Ok(vec![TokenChange::TokenMarkedLate {
                number: *number,
                reason: reason.clone(),
            }])
        }
        TokenCommand::Recall { number, reason } => {
            back_in_line(queue, *number, ctx, action)?;
            Ok(vec![TokenChange::TokenReinserted {
                number: *number,
                index: line_index(behind_emergencies(queue, ctx.rules, 0))?,
                reason: reason.clone(),
            }])
        }
        TokenCommand::Reinsert {
            number,
            after,
            reason,
        } => {
            let token = back_in_line(queue, *number, ctx, action)?;
            let after = after.unwrap_or(ctx.rules.late_reinsert_after) as usize;
            let session_end = place(queue, ctx.rules, TokenKind::WalkIn, session_ix(ctx, token));
            let index = behind_present(queue, after).min(session_end);
            Ok(vec![TokenChange::TokenReinserted {
                number: *number,
                index: line_index(behind_emergencies(queue, ctx.rules, index))?,
                reason: reason.clone(),
            }])
        }
        TokenCommand::Reassign {
            number,
            token_id,
            reason,
        } => reassign(queue, *number, token_id, reason, ctx),
        TokenCommand::Move {
            number,
            position,
            reason,
        } => {
            acting_on(queue, *number, ctx, action, &[TokenState::Waiting], false)?;
            let len = queue.line().len();
            if *position == 0 || *position > len {
                return Err(Error::invalid(
                    "position",
                    position,
                    Problem::OutOfRange(format!("1 to {len}, the waiting tokens")),
                ));
            }
            let from_index = queue.position(*number).map_or(0, |p| p - 1);
            if from_index == position - 1 {
                return Ok(Vec::new());
            }
            Ok(vec![TokenChange::TokenMoved {
                number: *number,
                from_index: line_index(from_index)?,
                index: line_index(position - 1)?,
                reason: reason.clone(),
            }])
        }
        TokenCommand::SetMeetLink { meet_link } => {
            staff_only(ctx, "meet_link", action)?;
            validate_meet_link(meet_link)?;
            if queue.meet_link() == Some(meet_link.as_str()) {
                return Ok(Vec::new());
            }
            Ok(vec![TokenChange::MeetLinkUpdated {
                meet_link: meet_link.clone(),
            }])
        }
    }
}

fn violation(id: &str, action: &'static str, rule: PolicyRule) -> Error {
    Error::PolicyViolation {
        id: id.to_string(),
        action,
        rule,
    }
}

fn staff_only(ctx: &Context<'_>, id: &str, action: &'static str) -> Result<()> {
    if ctx.actor.is_patient() {
        return Err(violation(id, action, PolicyRule::StaffOnly));
    }
    Ok(())
}

/// The token an action names, if its state allows the action and the actor may take it
/// (staff, or with `patient_may` the token's own patient).
fn acting_on<'q>(
    queue: &'q Queue,
    number: u32,
    ctx: &Context<'_>,
    action: &'static str,
    from: &[TokenState],
    patient_may: bool,
) -> Result<&'q Token> {
    let token = queue.token(number).ok_or_else(|| Error::NotFound {
        kind: "token",
        id: number.to_string(),
    })?;
    if ctx.actor.is_patient() {
        if !patient_may {
            return Err(violation(
                &number.to_string(),
                action,
                PolicyRule::StaffOnly,
            ));
        }
        if token.patient_id != ctx.actor.id {
            return Err(violation(&number.to_string(), action, PolicyRule::NotOwner));
        }
    }
    if !from.contains(&token.state) {
        return Err(Error::InvalidTransition {
            kind: "token",
            id: number.to_string(),
            from: token.state.as_str(),
            action,
        });
    }
    Ok(token)
}

fn back_in_line<'q>(
    queue: &'q Queue,
    number: u32,
    ctx: &Context<'_>,
    action: &'static str,
) -> Result<&'q Token> {
    let from = [TokenState::Late, TokenState::Skipped];
    acting_on(queue, number, ctx, action, &from, false)
}

fn issue(queue: &Queue, request: &TokenRequest, ctx: &Context<'_>) -> Result<Vec<TokenChange>> {
    let id = request.token_id.as_str();
    if ctx.actor.is_patient() {
        if request.kind != TokenKind::Booked || request.number.is_some() {
            return Err(violation(id, "issue", PolicyRule::StaffOnly));
        }
        if request.patient_id != ctx.actor.id {
            return Err(violation(id, "issue", PolicyRule::NotOwner));
        }
    }
    if let Some(existing) = queue.token_by_id(&request.token_id) {
        if !same_request(existing, request) {
            return Err(Error::invalid(
                "token_id",
                &request.token_id,
                Problem::DuplicateId,
            ));
        }
        let current = queue.current(existing.number).unwrap_or(existing);
        if current.state == TokenState::Cancelled {
            return Err(Error::InvalidTransition {
                kind: "token",
                id: current.number.to_string(),
                from: current.state.as_str(),
                action: "issue",
            });
        }
        return amend(queue, current, ctx.rules, request);
    }
    check_request(request)?;
    if let Some(appointment) = &request.appointment_id
        && let Some(existing) = queue.token_for_appointment(appointment)
    {
        if existing.patient_id != request.patient_id {
            return Err(Error::invalid(
                "appointment_id",
                appointment,
                Problem::Conflicting(format!("token {} of another patient", existing.number)),
            ));
        }
        return amend(queue, existing, ctx.rules, request);
    }
    let (ix, session) = session_for(request, ctx)?;
    if ctx.now >= session.end && request.kind != TokenKind::Emergency {
        return Err(violation(id, "issue", PolicyRule::SessionOver));
    }
    if request.kind != TokenKind::Emergency {
        check_limits(queue, session, request.kind, id)?;
    }
    let number = number_for(queue, request, ctx.rules)?;
    let base = Waiting {
        id: &request.token_id,
        number,
        kind: request.kind,
        patient_id: &request.patient_id,
        session_id: &session.id,
    };
    let token = Token {
        mode: request.mode,
        appointment_id: request.appointment_id.clone(),
        expected_at: request.expected_at,
        arrived_at: at_the_desk(request.kind).then_some(ctx.now),
        ..base.issued(ctx)
    };
    let index = line_index(place_issued(queue, ctx, request.kind, ix))?;
    Ok(vec![TokenChange::TokenIssued { token, index }])
}

/// Who a new token is for and what it is: the part the issue and the reassignment share.
struct Waiting<'a> {
    id: &'a crate::Id,
    number: u32,
    kind: TokenKind,
    patient_id: &'a crate::Id,
    session_id: &'a crate::Id,
}

impl Waiting<'_> {
    /// The token just issued by the context's actor: waiting, in person, nothing else
    /// known yet.
    fn issued(&self, ctx: &Context<'_>) -> Token {
        Token {
            id: self.id.clone(),
            number: self.number,
            kind: self.kind,
            patient_id: self.patient_id.clone(),
            session_id: self.session_id.clone(),
            mode: crate::ConsultationMode::InPerson,
            appointment_id: None,
            expected_at: None,
            state: TokenState::Waiting,
            issued_at: ctx.now,
            issued_by: ctx.actor.clone(),
            arrived_at: None,
            called_at: None,
            started_at: None,
            waiting_at_start: None,
            returned_at: None,
            ended_at: None,
            meet_link: None,
            reassigned_to: None,
            reassignments: Vec::new(),
        }
    }
}

/// Whether a token of this kind is issued to a patient standing at the desk.
fn at_the_desk(kind: TokenKind) -> bool {
    matches!(kind, TokenKind::WalkIn | TokenKind::Emergency)
}

/// A repeat of the request that issued `token` (following its reassignments): nothing to
/// record, or the new expected time and mode of an appointment rescheduled within the day
/// while its token still waits.
fn amend(
    queue: &Queue,
    token: &Token,
    rules: &QueueRules,
    request: &TokenRequest,
) -> Result<Vec<TokenChange>> {
    let token = queue.current(token.number).unwrap_or(token);
    if token.expected_at == request.expected_at && token.mode == request.mode {
        return Ok(Vec::new());
    }
    check_request(request)?;
    if let Some(at) = request.expected_at
        && rules
            .session_of(at)
            .is_none_or(|(_, s)| s.id != token.session_id)
    {
        return Err(Error::invalid(
            "expected_at",
            at.to_rfc3339(),
            Problem::Conflicting(format!(
                "session {:?} of token {}: cancel it and issue a new one",
                token.session_id.as_str(),
                token.number
            )),
        ));
    }
    if !matches!(
        token.state,
        TokenState::Waiting | TokenState::Late | TokenState::Skipped
    ) {
        return Err(Error::InvalidTransition {
            kind: "token",
            id: token.number.to_string(),
            from: token.state.as_str(),
            action: "amend",
        });
    }
    Ok(vec![TokenChange::TokenAmended {
        number: token.number,
        expected_at: request.expected_at,
        mode: request.mode,
    }])
}

/// The index of a token's session in the rules (the last for a session they no longer have).
fn session_ix(ctx: &Context<'_>, token: &Token) -> usize {
    ctx.rules
        .session(&token.session_id)
        .map_or(ctx.rules.sessions.len().saturating_sub(1), |(i, _)| i)
}

fn same_request(token: &Token, request: &TokenRequest) -> bool {
    token.kind == request.kind
        && token.patient_id == request.patient_id
        && token.appointment_id == request.appointment_id
        && request
            .session_id
            .as_ref()
            .is_none_or(|s| *s == token.session_id)
        && request.number.is_none_or(|n| n == token.number)
}

fn check_request(request: &TokenRequest) -> Result<()> {
    if request.kind == TokenKind::Booked {
        if request.appointment_id.is_none() {
            return Err(Error::invalid(
                "appointment_id",
                "null",
                Problem::Missing("a booked token's appointment".into()),
            ));
        }
        if request.expected_at.is_none() {
            return Err(Error::invalid(
                "expected_at",
                "null",
                Problem::Missing("a booked token's appointment start".into()),
            ));
        }
    }
    if let Some(at) = request.expected_at {
        crate::availability::compile::check_instant(|| "expected_at".into(), at)?;
    }
    Ok(())
}

fn session_for<'r>(request: &TokenRequest, ctx: &Context<'r>) -> Result<(usize, &'r TokenSession)> {
    if let Some(id) = &request.session_id {
        return ctx.rules.session(id).ok_or_else(|| Error::NotFound {
            kind: "session",
            id: id.to_string(),
        });
    }
    let found = match (request.kind, request.expected_at) {
        (TokenKind::Emergency, None) => ctx.rules.session_serving(ctx.now),
        (_, Some(at)) => ctx.rules.session_of(at),
        (_, None) => ctx.rules.session_at(ctx.now),
    };
    found.ok_or_else(|| violation(&request.token_id, "issue", PolicyRule::NoSession))
}

fn check_limits(queue: &Queue, session: &TokenSession, kind: TokenKind, id: &str) -> Result<()> {
    let (all, of_kind) = queue.session_load(&session.id, kind);
    if let Some(max) = session.max_tokens.filter(|&max| all >= max) {
        return Err(violation(id, "issue", PolicyRule::SessionFull { max }));
    }
    if let Some(quota) = session
        .quotas
        .iter()
        .find(|q| q.kind == kind && of_kind >= q.max)
    {
        return Err(violation(
            id,
            "issue",
            PolicyRule::QuotaFull {
                kind,
                max: quota.max,
            },
        ));
    }
    Ok(())
}

fn number_for(queue: &Queue, request: &TokenRequest, rules: &QueueRules) -> Result<u32> {
    let Some(number) = request.number else {
        return Ok(queue.next_number(rules));
    };
    if !rules.is_reserved(number) {
        return Err(Error::invalid(
            "number",
            number,
            Problem::Conflicting("the automatic sequence: not a reserved number".into()),
        ));
    }
    if queue.token(number).is_some() {
        return Err(Error::invalid("number", number, Problem::DuplicateId));
    }
    Ok(number)
}

/// Where a new token joins the line: emergencies after the emergencies already at the head
/// (with `emergencies_first`), every other token after the waiting tokens of its session and
/// earlier ones, and never ahead of the emergencies at the head.
/// The place just behind the `after`-th waiting patient who is present (checked in, or
/// issued at the desk); behind the last present one if fewer are waiting, at the head if
/// none is. Absent booked tokens are not counted: a late patient waits for `after` people
/// who will really be seen.
fn behind_present(queue: &Queue, after: usize) -> usize {
    if after == 0 {
        return 0;
    }
    let mut seen = 0;
    let mut last = 0;
    for (i, token) in queue.waiting().enumerate() {
        if token.arrived_at.is_some() {
            seen += 1;
            last = i + 1;
            if seen == after {
                break;
            }
        }
    }
    last
}

/// Where a newly issued token goes: as [`place`], except an emergency of a clinic seeing
/// the latest emergency first (the head) and a walk-in placed between slots (ahead of the
/// first waiting booked or phone token of its session due after now).
fn place_issued(queue: &Queue, ctx: &Context<'_>, kind: TokenKind, session_ix: usize) -> usize {
    let rules = ctx.rules;
    let end = place(queue, rules, kind, session_ix);
    match kind {
        TokenKind::Emergency
            if rules.emergencies_first && rules.emergency_order == EmergencyOrder::Lifo =>
        {
            0
        }
        TokenKind::WalkIn if rules.walk_ins == WalkInPlacement::BetweenSlots => {
            let session = rules.sessions.get(session_ix).map(|s| &s.id);
            let leading = behind_emergencies(queue, rules, 0);
            queue
                .waiting()
                .enumerate()
                .take(end)
                .skip(leading)
                .find(|(_, t)| {
                    matches!(t.kind, TokenKind::Booked | TokenKind::Phone)
                        && Some(&t.session_id) == session
                        && t.expected_at.is_some_and(|at| at > ctx.now)
                })
                .map_or(end, |(i, _)| i)
        }
        _ => end,
    }
}

fn place(queue: &Queue, rules: &QueueRules, kind: TokenKind, session_ix: usize) -> usize {
    if kind == TokenKind::Emergency && rules.emergencies_first {
        return behind_emergencies(queue, rules, 0);
    }
    let session_of = |t: &Token| rules.session(&t.session_id).map_or(usize::MAX, |(i, _)| i);
    // From the back: a token usually joins behind the last one, so this looks at one or two.
    let index = queue
        .line()
        .iter()
        .rposition(|&n| queue.token(n).is_some_and(|t| session_of(t) <= session_ix))
        .map_or(0, |i| i + 1);
    behind_emergencies(queue, rules, index)
}

/// A place in the line as a [`TokenChange`] records it: a `u32`. A line holds at most one
/// token per number and numbers are `u32`, so every place a real line has fits; one that
/// does not is refused, never wrapped.
fn line_index(index: usize) -> Result<u32> {
    u32::try_from(index).map_err(|_| {
        Error::invalid(
            "index",
            index,
            Problem::OutOfRange(format!("0 to {}, a place in a token line", u32::MAX)),
        )
    })
}

/// `index`, moved behind the emergencies waiting at the head of the line when emergencies go
/// first: only staff moving a token by hand put anyone ahead of them.
fn behind_emergencies(queue: &Queue, rules: &QueueRules, index: usize) -> usize {
    if !rules.emergencies_first {
        return index;
    }
    let leading = queue
        .waiting()
        .take_while(|t| t.kind == TokenKind::Emergency)
        .count();
    index.max(leading)
}

fn reassign(
    queue: &Queue,
    number: u32,
    token_id: &crate::Id,
    reason: &Option<String>,
    ctx: &Context<'_>,
) -> Result<Vec<TokenChange>> {
    staff_only(ctx, &number.to_string(), "reassign")?;
    if let Some(existing) = queue.token_by_id(token_id) {
        let last = existing.reassignments.last();
        if last.is_some_and(|r| r.from == number && r.to == existing.number) {
            return Ok(Vec::new());
        }
        return Err(Error::invalid("token_id", token_id, Problem::DuplicateId));
    }
    let old = back_in_line(queue, number, ctx, "reassign")?;
    let session_ix = session_ix(ctx, old);
    let new_number = queue.next_number(ctx.rules);
    let mut reassignments = old.reassignments.clone();
    reassignments.push(Reassignment {
        from: number,
        to: new_number,
        reason: reason.clone(),
        at: ctx.now,
        by: ctx.actor.clone(),
    });
    let base = Waiting {
        id: token_id,
        number: new_number,
        kind: old.kind,
        patient_id: &old.patient_id,
        session_id: &old.session_id,
    };
    let token = Token {
        mode: old.mode,
        appointment_id: old.appointment_id.clone(),
        expected_at: old.expected_at,
        arrived_at: Some(ctx.now),
        reassignments,
        ..base.issued(ctx)
    };
    let index = line_index(place(queue, ctx.rules, TokenKind::WalkIn, session_ix))?;
    Ok(vec![TokenChange::TokenReassigned {
        from: number,
        token,
        index,
    }])
}
