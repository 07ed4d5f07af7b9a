//! Property tests of the token queue: random days of desk, doctor and patient actions run
//! through `Tokens<InMemoryStore>` and checked after every step against an independent model
//! (`token_model/`), and against invariants that need no model.
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
//! patients who are here, reassigned tokens like a new walk-in of the old token's session),
//! with what a demanding clinic expects on top: a new token never lands ahead of the
//! emergencies at the head of the line, a patient never gets back another patient's token,
//! and an appointment's token is never handed to another patient. The tests after the
//! property pin each of these three expectations, and a repeated reassignment, with the
//! smallest case.
//!
//! `token_writers.rs` runs the same random days through several writers over one store.
//!
//! `PROPTEST_CASES=n` runs `n` cases instead of the default.

mod token_model;

use std::collections::{BTreeMap, BTreeSet};

use chrono::Duration;
use medsched::{
    Error, Id, store::Actor, store::Change, store::EventStore, store::InMemoryStore, tokens::Queue,
    tokens::QueueRules, tokens::QueueUpdate, tokens::TokenKind, tokens::TokenRequest,
    tokens::TokenSession, tokens::TokenState, tokens::Tokens,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use token_model::{
    Case, Cmd, EVENING, Expect, MORNING, Model, Refusal, Step, arb_case, at, config, day, view,
};

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
    events: &[medsched::store::Event],
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
    prop_assert_eq!(
        &Queue::from_events(events.iter().cloned()),
        &run.queue,
        "{}",
        context
    );
    Ok(())
}

/// The stored events replay to the update's queue, whole and change by change.
fn check_replay(
    events: &[medsched::store::Event],
    queue: &Queue,
    context: &str,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        &Queue::from_events(events.iter().cloned()),
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

#[test]
fn a_repeated_reassignment_names_the_token_its_id_stands_for_now() {
    let tokens = Tokens::new(InMemoryStore::new());
    let rules = two_sessions();
    let desk = Actor::staff("rcp-1");
    let command = |c: medsched::tokens::TokenCommand| {
        tokens.execute(&day(), &rules, &desk, at(0), &c).unwrap()
    };
    use medsched::tokens::TokenCommand::{Reassign, Skip};
    let walk_in = TokenRequest::new("t-1", TokenKind::WalkIn, "pat-1");
    command(medsched::tokens::TokenCommand::Issue(walk_in));
    let skip = |number| Skip {
        number,
        reason: None,
    };
    let reassign = |number, id: &str| Reassign {
        number,
        token_id: id.into(),
        reason: None,
    };
    command(skip(1));
    assert_eq!(command(reassign(1, "t-4")).token.unwrap().number, 2);
    command(skip(2));
    assert_eq!(command(reassign(2, "t-2")).token.unwrap().number, 3);
    let repeat = command(reassign(1, "t-4"));
    assert!(repeat.events.is_empty(), "appended {:?}", repeat.events);
    assert_eq!(repeat.token.unwrap().number, 3);
}
