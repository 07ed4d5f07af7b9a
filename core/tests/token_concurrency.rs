//! Concurrency of the token service: real threads share one `Tokens` over one store and race
//! on one doctor's queue. The service decides, appends with the version it loaded and
//! decides again when another writer appended first, so racing desks get distinct, gapless
//! numbers, a limit gives exactly its count, the doctor never has two patients at once, and a
//! repeated issue makes one token.
//!
//! Each race runs on a plain `InMemoryStore` and on `Racy`, a wrapper that pauses after
//! every load so that most appends conflict and the retry path is what runs.
//!
//! The desks act as a host must: the service gives up with `Error::Conflict` when every one
//! of its attempts met a concurrent write (it does under `Racy`, with eight writers, for
//! roughly one command in a few thousand), and the host sends the same command again. Token
//! ids make a repeated issue harmless, so the numbers stay exactly-once.

use std::collections::BTreeSet;
use std::sync::Barrier;
use std::thread;

use chrono::{DateTime, NaiveDate, Utc};
use medsched::{
    Error, store::Actor, store::Change, store::Event, store::EventStore, store::InMemoryStore,
    tokens::Queue, tokens::QueueDay, tokens::QueueRules, tokens::QueueUpdate, tokens::TokenChange,
    tokens::TokenCommand, tokens::TokenKind, tokens::TokenRequest, tokens::TokenSession,
    tokens::TokenState, tokens::Tokens,
};

mod racy_store;
use racy_store::Racy;

const TENANT: &str = "clinic-race";
const THREADS: usize = 8;

fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("an RFC 3339 instant")
}

fn day() -> QueueDay {
    QueueDay::new(
        TENANT,
        "dr-asha",
        NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
    )
}

/// 08:45 in Kochi, before the morning session.
fn now() -> DateTime<Utc> {
    t("2026-03-02T03:15:00Z")
}

/// One morning session, 09:00-13:00 in Kochi, with at most `max_tokens`.
fn rules(max_tokens: Option<u32>) -> QueueRules {
    let mut morning = TokenSession::new(
        "morning",
        t("2026-03-02T03:30:00Z"),
        t("2026-03-02T07:30:00Z"),
    );
    morning.max_tokens = max_tokens;
    QueueRules::new(vec![morning])
}

fn desk(i: usize) -> Actor {
    Actor::staff(format!("rcp-{i}"))
}

fn walk_in(id: &str) -> TokenRequest {
    TokenRequest::new(id, TokenKind::WalkIn, format!("pat-{id}"))
}

/// The racy store of these tests: pauses of 50 + 25 × (n mod 4) µs after each load.
fn racy() -> Racy {
    Racy::new(50, 25, 4)
}

/// Runs a command as a host does: again as long as the service reports a conflict.
fn execute<S: EventStore>(
    tokens: &Tokens<S>,
    rules: &QueueRules,
    actor: &Actor,
    command: &TokenCommand,
) -> medsched::Result<QueueUpdate> {
    loop {
        match tokens.execute(&day(), rules, actor, now(), command) {
            Err(e) if e.is_conflict() => continue,
            result => return result,
        }
    }
}

/// The queue's stored events.
fn events<S: EventStore>(tokens: &Tokens<S>) -> Vec<Event> {
    tokens.store().load(&day().stream()).unwrap().events
}

fn change(event: &Event) -> &TokenChange {
    match &event.change {
        Change::Token(change) => change,
        other => panic!("not a token change: {other:?}"),
    }
}

/// Runs `per_thread` walk-in issues on each of `THREADS` threads, all starting together;
/// gives each thread's results in order.
fn race_walk_ins<S: EventStore>(
    tokens: &Tokens<S>,
    rules: &QueueRules,
    per_thread: usize,
) -> Vec<Vec<medsched::Result<u32>>> {
    let barrier = Barrier::new(THREADS);
    thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|i| {
                let barrier = &barrier;
                scope.spawn(move || {
                    barrier.wait();
                    (0..per_thread)
                        .map(|k| {
                            let issue = TokenCommand::Issue(walk_in(&format!("w-{i}-{k}")));
                            let update = execute(tokens, rules, &desk(i), &issue)?;
                            Ok(update.token.expect("an issue names its token").number)
                        })
                        .collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

fn walk_ins_get_each_number_once<S: EventStore>(tokens: &Tokens<S>) {
    const PER_THREAD: usize = 50;
    let total = THREADS * PER_THREAD;
    let results = race_walk_ins(tokens, &rules(None), PER_THREAD);
    let mut numbers = BTreeSet::new();
    for thread_numbers in &results {
        let got: Vec<u32> = thread_numbers
            .iter()
            .map(|r| *r.as_ref().expect("every walk-in is issued"))
            .collect();
        // With no cancellation the sequence only grows, so each desk sees rising numbers.
        assert!(got.windows(2).all(|w| w[0] < w[1]), "{got:?}");
        numbers.extend(got);
    }
    assert_eq!(numbers, (1..=total as u32).collect::<BTreeSet<_>>());

    let events = events(tokens);
    assert_eq!(events.len(), total);
    assert!(
        events
            .iter()
            .all(|e| matches!(change(e), TokenChange::TokenIssued { .. }))
    );
    let feed = tokens.store().feed(&TENANT.into(), 0, 2 * total).unwrap();
    let positions: Vec<u64> = feed.iter().map(|f| f.position).collect();
    assert_eq!(positions, (1..=total as u64).collect::<Vec<_>>());
    let versions: Vec<u64> = feed.iter().map(|f| f.version).collect();
    assert_eq!(versions, positions);

    let queue = tokens.queue(&day()).unwrap();
    assert_eq!(queue.tokens().len(), total);
    let mut line = queue.line().to_vec();
    line.sort_unstable();
    assert_eq!(line, (1..=total as u32).collect::<Vec<_>>());
}

#[test]
fn racing_desks_issue_the_numbers_one_to_four_hundred_once_each() {
    walk_ins_get_each_number_once(&Tokens::new(InMemoryStore::new()));
}

#[test]
fn racing_desks_issue_each_number_once_when_most_appends_conflict() {
    let tokens = Tokens::new(racy());
    walk_ins_get_each_number_once(&tokens);
    assert!(tokens.store().conflicts() > 0, "the retry path never ran");
}

fn a_limit_gives_exactly_its_count<S: EventStore>(tokens: &Tokens<S>) {
    const MAX: u32 = 37;
    const PER_THREAD: usize = 10;
    let results = race_walk_ins(tokens, &rules(Some(MAX)), PER_THREAD);
    let mut issued = BTreeSet::new();
    let mut refused = 0;
    for result in results.into_iter().flatten() {
        match result {
            Ok(number) => assert!(issued.insert(number), "{number} twice"),
            Err(Error::PolicyViolation { rule, .. }) if rule.code() == "session_full" => {
                refused += 1
            }
            Err(other) => panic!("refused as {other:?}"),
        }
    }
    assert_eq!(issued, (1..=MAX).collect::<BTreeSet<_>>());
    assert_eq!(refused, THREADS * PER_THREAD - MAX as usize);
    assert_eq!(events(tokens).len(), MAX as usize);
}

#[test]
fn racing_issues_under_a_limit_give_exactly_the_limit_and_refuse_the_rest_as_full() {
    a_limit_gives_exactly_its_count(&Tokens::new(InMemoryStore::new()));
}

#[test]
fn racing_issues_under_a_limit_give_exactly_the_limit_when_most_appends_conflict() {
    a_limit_gives_exactly_its_count(&Tokens::new(racy()));
}

/// Doctors' desks race to call, start and complete on one queue of 40 walk-ins.
fn one_patient_with_the_doctor_at_a_time<S: EventStore>(tokens: &Tokens<S>) {
    const WALK_INS: usize = 40;
    const ROUNDS: usize = 30;
    let rules = rules(None);
    for k in 0..WALK_INS {
        tokens
            .issue(&day(), &rules, &desk(0), now(), walk_in(&format!("w-{k}")))
            .unwrap();
    }
    let barrier = Barrier::new(THREADS);
    let (starts, completes) = thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|i| {
                let (barrier, rules) = (&barrier, &rules);
                scope.spawn(move || {
                    barrier.wait();
                    let (mut starts, mut completes) = (0, 0);
                    for round in 0..ROUNDS {
                        let queue = tokens.queue(&day()).unwrap();
                        let command = match (i + round) % 3 {
                            0 => TokenCommand::CallNext,
                            1 => match queue.next(2).get(i % 2) {
                                Some(token) => TokenCommand::Start {
                                    number: token.number,
                                },
                                None => continue,
                            },
                            _ => match queue.now_serving() {
                                Some(token) => TokenCommand::Complete {
                                    number: token.number,
                                },
                                None => continue,
                            },
                        };
                        match execute(tokens, rules, &desk(i), &command) {
                            Ok(update) => {
                                let consulting = update.queue.counts().consulting;
                                assert!(consulting <= 1, "{consulting} with the doctor");
                                match command {
                                    TokenCommand::Start { .. } => starts += 1,
                                    TokenCommand::Complete { .. } => completes += 1,
                                    _ => {}
                                }
                            }
                            Err(e) => assert!(
                                matches!(e.code(), "policy_violation" | "invalid_transition"),
                                "refused as {e:?}"
                            ),
                        }
                    }
                    (starts, completes)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .fold((0, 0), |(s, c), (ds, dc)| (s + ds, c + dc))
    });
    assert!(starts > 0, "no consultation started");

    // Every prefix of the stream has at most one token with the doctor, and a consultation
    // starts only when none is in progress.
    let mut queue = Queue::new();
    let (mut started, mut completed) = (0, 0);
    for event in events(tokens) {
        match change(&event) {
            TokenChange::ConsultationStarted { .. } => {
                assert!(queue.now_serving().is_none(), "started over a consultation");
                started += 1;
            }
            TokenChange::ConsultationCompleted { .. } => completed += 1,
            _ => {}
        }
        queue.apply(&event);
        let consulting = queue
            .tokens()
            .iter()
            .filter(|t| t.state == TokenState::Consulting)
            .count();
        assert!(consulting <= 1, "{consulting} with the doctor");
    }
    assert_eq!((started, completed), (starts, completes));
    assert_eq!(queue.counts().completed, completes);
}

#[test]
fn racing_calls_and_starts_never_put_two_patients_with_the_doctor() {
    one_patient_with_the_doctor_at_a_time(&Tokens::new(InMemoryStore::new()));
}

#[test]
fn racing_calls_and_starts_never_put_two_patients_with_the_doctor_when_appends_conflict() {
    one_patient_with_the_doctor_at_a_time(&Tokens::new(racy()));
}

/// Every thread sends the same request at once; all get the one token, recorded once.
fn repeats_make_one_token<S: EventStore>(
    tokens: &Tokens<S>,
    request: impl Fn(usize) -> TokenRequest + Sync,
) {
    let rules = rules(None);
    let barrier = Barrier::new(THREADS);
    let numbers: BTreeSet<u32> = thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|i| {
                let (barrier, rules, request) = (&barrier, &rules, &request);
                scope.spawn(move || {
                    barrier.wait();
                    let issue = TokenCommand::Issue(request(i));
                    let update = execute(tokens, rules, &desk(i), &issue);
                    update.expect("a repeat is accepted").token.unwrap().number
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(numbers, BTreeSet::from([1]));
    assert_eq!(events(tokens).len(), 1);
}

fn booked(token_id: String) -> TokenRequest {
    TokenRequest {
        appointment_id: Some("a-1".into()),
        expected_at: Some(t("2026-03-02T04:00:00Z")),
        ..TokenRequest::new(token_id, TokenKind::Booked, "pat-1")
    }
}

#[test]
fn racing_repeats_of_one_issue_give_one_token() {
    let same = |_| walk_in("w-1");
    repeats_make_one_token(&Tokens::new(InMemoryStore::new()), same);
    repeats_make_one_token(&Tokens::new(racy()), same);
}

#[test]
fn racing_issues_for_one_appointment_give_one_token() {
    let per_desk = |i| booked(format!("b-{i}"));
    repeats_make_one_token(&Tokens::new(InMemoryStore::new()), per_desk);
    repeats_make_one_token(&Tokens::new(racy()), per_desk);
}

#[test]
fn a_service_allowed_one_attempt_reports_conflicts_and_never_double_numbers() {
    // Pauses of 2 ms or more after each load: the eight desks all read the empty queue.
    let tokens = Tokens::new(Racy::new(2000, 500, 4)).with_max_attempts(1);
    let rules = rules(None);
    let barrier = Barrier::new(THREADS);
    let outcomes: Vec<medsched::Result<QueueUpdate>> = thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|i| {
                let (tokens, rules, barrier) = (&tokens, &rules, &barrier);
                scope.spawn(move || {
                    barrier.wait();
                    let issue = TokenCommand::Issue(walk_in(&format!("once-{i}")));
                    tokens.execute(&day(), rules, &desk(i), now(), &issue)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut numbers: Vec<u32> = Vec::new();
    let mut conflicts = 0;
    for outcome in outcomes {
        match outcome {
            Ok(update) => numbers.push(update.token.unwrap().number),
            Err(e) => {
                assert!(e.is_conflict(), "{e}");
                conflicts += 1;
            }
        }
    }
    assert!(conflicts > 0, "the racy store made no append conflict");
    numbers.sort_unstable();
    let expected: Vec<u32> = (1..=numbers.len() as u32).collect();
    assert_eq!(numbers, expected);
    assert_eq!(events(&tokens).len(), numbers.len());
}
