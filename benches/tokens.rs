//! Token queue benchmarks: a doctor's whole OPD day through the service, one decision on a
//! busy queue, and the replay of the day.
//!
//! The day (Kochi, Asia/Kolkata, Monday 2 March 2026; morning session 09:00-13:00 and evening
//! session 16:00-19:00; numbers 1-3 reserved for senior citizens) gives 300 tokens: booked
//! ones taken by patients before the doctor arrives and checked in on arrival, walk-ins,
//! phone bookings, a few emergencies and senior citizens on reserved numbers, some of them
//! video consultations. The doctor calls, starts and completes a patient every two minutes
//! in session, fewer than arrive, so the line grows through the day (and the doctor stays
//! after the evening session until it is empty). Some patients are not there when called
//! (skipped, then recalled, reinserted, reassigned a new number or marked late), some step
//! out and are reinserted after the next three, some are moved up the line or cancel, and
//! the meet link is set and changed. The script is built once by a simulation over the
//! service itself (a small LCG, no randomness crate); every command of it is accepted, and
//! it holds every action.
//!
//! Longer days keep the pattern with more tokens: `n` tokens over the same hours, every
//! step of the simulation (a minute of the 300-token day) `300 / n` of a minute, sessions'
//! limits and quotas `n / 300` times the 300-token day's; the doctor takes the next
//! patient at once whenever more than 150 wait (never so in the 300-token day, whose
//! script is unchanged), so the line stays as long as a real one and the days differ in
//! their tokens only.
//!
//! - `token_day_300`: the whole script through `Tokens` on a fresh `InMemoryStore` per
//!   iteration: every command brings the queue up to date, decides and appends.
//! - `token_day/{1000,3000,10000}`: the same over longer days (sizes from the
//!   `TOKEN_DAY_SIZES` variable, comma-separated, when set; `TOKEN_DAY_SIZES=` runs none);
//!   each prints its commands and the time of one day a command.
//! - `token_decide_300/{issue,call_next,start}`: one `decide_token` on the queue as it stands
//!   when the 300th token has been issued and the doctor is free: a new walk-in, calling the
//!   next patient, starting the head of the line.
//! - `token_replay_300_day`: `Queue::from_events` over the day's events.

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use medsched::{
    ConsultationMode, store::Actor, store::Event, store::EventStore, store::InMemoryStore,
    tokens::ChannelQuota, tokens::Context as TokenContext, tokens::Queue, tokens::QueueDay,
    tokens::QueueRules, tokens::TokenCommand, tokens::TokenKind, tokens::TokenRequest,
    tokens::TokenSession, tokens::TokenState, tokens::Tokens, tokens::decide as decide_token,
};

mod support;
use support::{Lcg, tally};

/// Tokens issued over the day of `token_day_300`.
const TOKENS: usize = 300;
/// The line the doctor lets wait before taking the next patient at once.
const MAX_LINE: usize = 150;
/// The longer days' tokens unless `TOKEN_DAY_SIZES` says otherwise.
const SIZES: [usize; 3] = [1_000, 3_000, 10_000];
/// Numbers kept for senior citizens, given only when asked for.
const RESERVED: [u32; 3] = [1, 2, 3];
/// Patients who book ahead and take their token before the doctor arrives.
const BOOKED_AHEAD: usize = 40;
/// The doctor's meet link for the morning, and the one for the evening.
const MEET_LINKS: [&str; 2] = [
    "https://meet.google.com/abc-defg-hij",
    "https://meet.google.com/xyz-wxyz-uvw",
];

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().expect("a valid RFC 3339 instant")
}

fn day() -> QueueDay {
    QueueDay::new(
        "kochi-family-clinic",
        "dr-asha",
        NaiveDate::from_ymd_opt(2026, 3, 2).expect("a valid date"),
    )
}

/// 09:00-13:00 and 16:00-19:00 in Kochi, with generous limits and quotas (so that the
/// checks run and never refuse), late patients back after the next three, for a day of
/// `tokens`.
fn rules(tokens: usize) -> QueueRules {
    let scaled = |n: u32| (n as usize * tokens / TOKENS) as u32;
    let mut morning = TokenSession::new(
        "morning",
        utc("2026-03-02T03:30:00Z"),
        utc("2026-03-02T07:30:00Z"),
    );
    let mut evening = TokenSession::new(
        "evening",
        utc("2026-03-02T10:30:00Z"),
        utc("2026-03-02T13:30:00Z"),
    );
    for session in [&mut morning, &mut evening] {
        session.max_tokens = Some(scaled(250));
        session.quotas = vec![
            ChannelQuota {
                kind: TokenKind::Booked,
                max: scaled(120),
            },
            ChannelQuota {
                kind: TokenKind::Phone,
                max: scaled(80),
            },
        ];
    }
    QueueRules::new(vec![morning, evening]).with_reserved_numbers(RESERVED.to_vec())
}

/// One command of the day: who, when, what.
struct Scripted {
    actor: Actor,
    at: DateTime<Utc>,
    command: TokenCommand,
}

/// The day's script and the events it records.
struct Day {
    script: Vec<Scripted>,
    events: Vec<Event>,
}

/// Simulates the day minute by minute over the service and records every command.
struct Simulation {
    tokens: Tokens<InMemoryStore>,
    rules: QueueRules,
    rng: Lcg,
    /// The queue after the last command.
    queue: Queue,
    /// Every command so far.
    script: Vec<Scripted>,
    now: DateTime<Utc>,
    /// How many tokens were issued so far.
    issued: usize,
}

impl Simulation {
    /// Runs a command, which must be accepted, and records it.
    fn run(&mut self, actor: Actor, command: TokenCommand) {
        // The service's own copy of the queue is then the only one: nothing to copy.
        self.queue = Queue::new();
        let update = self
            .tokens
            .execute(&day(), &self.rules, &actor, self.now, &command)
            .unwrap_or_else(|e| panic!("{command:?} at {} refused: {e}", self.now));
        self.queue = update.queue;
        self.script.push(Scripted {
            actor,
            at: self.now,
            command,
        });
    }

    /// The reception desk.
    fn desk() -> Actor {
        Actor::staff("reception-1")
    }

    /// The doctor, calling patients from the consultation room.
    fn doctor() -> Actor {
        Actor::staff("dr-asha")
    }

    /// A waiting token other than the head of the line, if any.
    fn pick_waiting(&mut self) -> Option<u32> {
        let line = self.queue.line();
        (line.len() > 1).then(|| line[1 + self.rng.below(line.len() - 1)])
    }

    /// A token in `state`, if any.
    fn pick_in(&mut self, state: TokenState) -> Option<u32> {
        let numbers: Vec<u32> = self
            .queue
            .tokens()
            .iter()
            .filter(|t| t.state == state)
            .map(|t| t.number)
            .collect();
        (!numbers.is_empty()).then(|| numbers[self.rng.below(numbers.len())])
    }

    /// The next token: before the doctor arrives, booked ones for the day's slots; then
    /// mostly walk-ins, with phone bookings, senior citizens on reserved numbers and a few
    /// emergencies.
    fn issue(&mut self) {
        let n = self.issued;
        self.issued += 1;
        let patient = format!("pat-{n}");
        let mode = if self.rng.chance(10) {
            ConsultationMode::Video
        } else {
            ConsultationMode::InPerson
        };
        let (actor, request) = if n < BOOKED_AHEAD {
            // Slots every 8 minutes from the start of either session.
            let session_start = if n.is_multiple_of(2) {
                "2026-03-02T03:30:00Z"
            } else {
                "2026-03-02T10:30:00Z"
            };
            let expected = utc(session_start) + chrono::Duration::minutes(8 * (n as i64 / 2));
            let request = TokenRequest {
                mode,
                appointment_id: Some(format!("appt-{n}").into()),
                expected_at: Some(expected),
                ..TokenRequest::new(format!("tok-{n}"), TokenKind::Booked, patient.clone())
            };
            (Actor::patient(patient), request)
        } else {
            let roll = self.rng.below(100);
            let kind = match roll {
                0..=3 => TokenKind::Emergency,
                4..=23 => TokenKind::Phone,
                _ => TokenKind::WalkIn,
            };
            let senior = (24..=26)
                .contains(&roll)
                .then(|| {
                    RESERVED
                        .into_iter()
                        .find(|&r| self.queue.token(r).is_none())
                })
                .flatten();
            let request = TokenRequest {
                mode: if kind == TokenKind::Phone {
                    mode
                } else {
                    ConsultationMode::InPerson
                },
                number: senior,
                ..TokenRequest::new(format!("tok-{n}"), kind, patient)
            };
            (Self::desk(), request)
        };
        self.run(actor, TokenCommand::Issue(request));
    }

    /// The doctor's turn: complete the consultation in progress, then call the head of the
    /// line and start it (or skip it when the patient is not there).
    fn doctor_turn(&mut self) {
        if let Some(serving) = self.queue.now_serving().map(|t| t.number) {
            self.run(Self::doctor(), TokenCommand::Complete { number: serving });
        }
        let head = self.queue.next(1).first().map(|t| (t.number, t.called_at));
        let Some((number, called_at)) = head else {
            return;
        };
        if called_at.is_none() {
            self.run(Self::doctor(), TokenCommand::CallNext);
        }
        if self.rng.chance(8) {
            let skip = TokenCommand::Skip {
                number,
                reason: Some("not there when called".into()),
            };
            self.run(Self::doctor(), skip);
        } else {
            self.run(Self::doctor(), TokenCommand::Start { number });
        }
    }

    /// The desk's other work this minute: skipped patients coming back, late patients,
    /// check-ins, moves and cancellations.
    fn desk_turn(&mut self) {
        if self.rng.chance(25)
            && let Some(number) = self.pick_in(TokenState::Skipped)
        {
            let command = match self.rng.below(4) {
                0 => TokenCommand::Recall {
                    number,
                    reason: Some("back at the desk".into()),
                },
                1 => TokenCommand::Reassign {
                    number,
                    token_id: format!("re-{number}").into(),
                    reason: Some("came back later".into()),
                },
                2 => TokenCommand::MarkLate {
                    number,
                    reason: None,
                },
                _ => TokenCommand::Reinsert {
                    number,
                    after: Some(1),
                    reason: None,
                },
            };
            self.run(Self::desk(), command);
        }
        if self.rng.chance(10)
            && let Some(number) = self.pick_in(TokenState::Late)
        {
            let command = TokenCommand::Reinsert {
                number,
                after: None,
                reason: Some("arrived late".into()),
            };
            self.run(Self::desk(), command);
        }
        if self.rng.chance(3)
            && let Some(number) = self.pick_waiting()
        {
            let command = TokenCommand::MarkLate {
                number,
                reason: Some("stepped out".into()),
            };
            self.run(Self::desk(), command);
        }
        if self.rng.chance(20) {
            let arriving = self
                .queue
                .waiting()
                .find(|t| t.arrived_at.is_none())
                .map(|t| (t.number, t.patient_id.clone()));
            if let Some((number, patient)) = arriving {
                self.run(Actor::patient(patient), TokenCommand::CheckIn { number });
            }
        }
        if self.rng.chance(2)
            && let Some(number) = self.pick_waiting()
        {
            let command = TokenCommand::Move {
                number,
                position: 1 + self.rng.below(3).min(self.queue.line().len() - 1),
                reason: Some("elderly".into()),
            };
            self.run(Self::desk(), command);
        }
        if self.rng.chance(2)
            && let Some(number) = self.pick_waiting()
        {
            let patient = self.queue.token(number).map(|t| t.patient_id.clone());
            let command = TokenCommand::Cancel {
                number,
                reason: Some("left".into()),
            };
            self.run(Actor::patient(patient.expect("a waiting token")), command);
        }
    }

    /// The doctor's link for the video consultations from now on.
    fn set_meet_link(&mut self, link: &str) {
        let command = TokenCommand::SetMeetLink {
            meet_link: link.into(),
        };
        self.run(Self::desk(), command);
    }
}

/// The day of `tokens`, simulated from 08:30 in Kochi until the line is empty after the
/// evening session.
fn simulate(tokens: usize) -> Day {
    let rules = rules(tokens);
    let opening = utc("2026-03-02T03:00:00Z");
    let last_issue = utc("2026-03-02T13:00:00Z");
    // A minute of the 300-token day.
    let step = chrono::Duration::milliseconds((60_000 * TOKENS / tokens) as i64);
    let mut sim = Simulation {
        tokens: Tokens::new(InMemoryStore::new()),
        rules: rules.clone(),
        rng: Lcg(0x70_4B3E),
        queue: Queue::new(),
        script: Vec::new(),
        now: opening,
        issued: 0,
    };
    while sim.issued < BOOKED_AHEAD {
        sim.issue();
    }
    sim.set_meet_link(MEET_LINKS[0]);
    let in_session = |now| rules.sessions.iter().any(|s| s.start <= now && now < s.end);
    let minutes_open =
        ((last_issue - opening).num_milliseconds() / step.num_milliseconds()) as usize;
    let mut evening_link = false;
    for minute in 1.. {
        sim.now = opening + step * minute as i32;
        if !evening_link && sim.now >= rules.sessions[1].start {
            sim.set_meet_link(MEET_LINKS[1]);
            evening_link = true;
        }
        // Issues spread evenly up to the last one.
        let due = BOOKED_AHEAD + (tokens - BOOKED_AHEAD) * minute.min(minutes_open) / minutes_open;
        while sim.issued < due {
            sim.issue();
        }
        sim.desk_turn();
        // In session the doctor sees a patient every two minutes, fewer than arrive, so the
        // line grows; after the evening session, one a minute until the line is empty.
        let overtime = sim.now >= rules.sessions[1].end;
        let crowded = sim.queue.line().len() > MAX_LINE;
        if overtime || crowded || (in_session(sim.now) && minute.is_multiple_of(2)) {
            sim.doctor_turn();
        }
        if overtime && sim.queue.line().is_empty() && sim.queue.now_serving().is_none() {
            break;
        }
    }
    let events = sim
        .tokens
        .store()
        .load(&day().stream())
        .expect("the in-memory store loads")
        .events;
    Day {
        script: sim.script,
        events,
    }
}

/// The 300-token day, simulated once for every benchmark.
fn the_day() -> &'static Day {
    static DAY: OnceLock<Day> = OnceLock::new();
    DAY.get_or_init(|| simulate(TOKENS))
}

/// Runs the whole script on a fresh store; every command is accepted.
fn run_day(rules: &QueueRules, script: &[Scripted]) -> Tokens<InMemoryStore> {
    let tokens = Tokens::new(InMemoryStore::new());
    for step in script {
        tokens
            .execute(&day(), rules, &step.actor, step.at, &step.command)
            .expect("the script replays");
    }
    tokens
}

/// Checks a simulated day of `tokens`, times one run of it and prints what it holds.
fn describe(name: &str, tokens: usize, day_data: &Day, setup: Instant) {
    let rules = rules(tokens);
    let queue = Queue::from_events(day_data.events.iter().cloned());
    assert_eq!(issued(&queue), tokens);
    let actions = [
        "issue",
        "check_in",
        "call_next",
        "start",
        "complete",
        "cancel",
        "skip",
        "mark_late",
        "recall",
        "reinsert",
        "reassign",
        "move",
        "set_meet_link",
    ];
    for action in actions {
        let used = day_data.script.iter().any(|s| s.command.name() == action);
        assert!(used, "the day never runs {action}");
    }
    let once = Instant::now();
    run_day(&rules, &day_data.script);
    let once = once.elapsed();
    eprintln!(
        "{name}: {} commands ({}), {} events, {} tokens ({:?}); simulated in {:?}, one \
         day {once:?} ({:?} a command)",
        day_data.script.len(),
        tally(day_data.script.iter().map(|s| s.command.name())),
        day_data.events.len(),
        queue.tokens().len(),
        queue.counts(),
        setup.elapsed() - once,
        once / day_data.script.len() as u32,
    );
}

fn bench_day(c: &mut Criterion) {
    let setup = Instant::now();
    let day_data = the_day();
    describe("token_day_300", TOKENS, day_data, setup);
    let rules = rules(TOKENS);
    c.bench_function("token_day_300", |b| {
        b.iter(|| run_day(&rules, black_box(&day_data.script)))
    });
}

/// The longer days' sizes: `TOKEN_DAY_SIZES` (comma-separated) or [`SIZES`].
fn sizes() -> Vec<usize> {
    match std::env::var("TOKEN_DAY_SIZES") {
        Ok(list) => list
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| {
                s.trim()
                    .parse()
                    .expect("TOKEN_DAY_SIZES: numbers, comma-separated")
            })
            .collect(),
        Err(_) => SIZES.to_vec(),
    }
}

fn bench_scaling(c: &mut Criterion) {
    let mut group = c.benchmark_group("token_day");
    for tokens in sizes() {
        let setup = Instant::now();
        let day_data = simulate(tokens);
        describe(&format!("token_day/{tokens}"), tokens, &day_data, setup);
        let rules = rules(tokens);
        group.bench_function(tokens.to_string(), |b| {
            b.iter(|| run_day(&rules, black_box(&day_data.script)))
        });
    }
    group.finish();
}

fn bench_replay(c: &mut Criterion) {
    let events = &the_day().events;
    c.bench_function("token_replay_300_day", |b| {
        b.iter_batched(
            || events.clone(),
            |events| Queue::from_events(black_box(events)),
            BatchSize::LargeInput,
        )
    });
}

/// How many tokens were issued (not given in exchange for a reassigned one).
fn issued(queue: &Queue) -> usize {
    let tokens = queue.tokens().iter();
    tokens.filter(|t| t.reassignments.is_empty()).count()
}

/// The queue when the 300th token has been issued and the doctor is next free: the fold of
/// the day's events up to the first such moment with a patient waiting to be called.
fn busy_queue(events: &[Event]) -> (Queue, DateTime<Utc>) {
    let mut queue = Queue::new();
    for event in events {
        queue.apply(event);
        let all_issued = issued(&queue) == TOKENS;
        let uncalled = queue.waiting().any(|t| t.called_at.is_none());
        if all_issued && queue.now_serving().is_none() && uncalled {
            return (queue, event.at);
        }
    }
    panic!("the doctor is never free with a patient to call once every token is issued");
}

fn bench_decide(c: &mut Criterion) {
    let rules = rules(TOKENS);
    let (queue, now) = busy_queue(&the_day().events);
    let desk = Actor::staff("reception-1");
    let ctx = TokenContext {
        rules: &rules,
        actor: &desk,
        now,
    };
    let head = queue.line()[0];
    let commands = [
        (
            "issue",
            TokenCommand::Issue(TokenRequest::new("tok-new", TokenKind::WalkIn, "pat-new")),
        ),
        ("call_next", TokenCommand::CallNext),
        ("start", TokenCommand::Start { number: head }),
    ];
    eprintln!(
        "token_decide_300: at {now}, {} tokens, {} waiting",
        queue.tokens().len(),
        queue.line().len()
    );
    let mut group = c.benchmark_group("token_decide_300");
    for (name, command) in &commands {
        let changes = decide_token(&queue, command, &ctx).expect("the command is accepted");
        assert_eq!(changes.len(), 1, "{name}");
        group.bench_function(*name, |b| {
            b.iter(|| decide_token(black_box(&queue), black_box(command), &ctx))
        });
    }
    group.finish();
}

criterion_group! {
    name = whole_day;
    // One day is over a thousand service calls: ten samples keep the run short.
    config = Criterion::default().sample_size(10).warm_up_time(Duration::from_secs(1));
    targets = bench_day, bench_scaling
}
criterion_group!(decision_and_replay, bench_decide, bench_replay);
criterion_main!(whole_day, decision_and_replay);
