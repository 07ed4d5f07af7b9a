//! Many clients on one doctor-day, as threads and as processes (this test binary run again
//! as a worker), booking the last seats and issuing tokens, while a reader follows the
//! tenant's feed; and one process killed (SIGKILL) inside an open append transaction.
//!
//! Then: no seat booked twice (the day book replayed), no token number given twice, no
//! feed event lost, repeated or out of order, nothing the killed process committed lost and
//! nothing of its open transaction written.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use medsched::booking::{Bookings, DayBook};
use medsched::store::{Actor, Change, Event, EventStore, FeedEntry, StreamId};
use medsched::tokens::{Queue, TokenKind, TokenRequest, Tokens};
use medsched::{Error, Id, Unavailable};
use medsched_postgres::{PgStore, postgres};

const THREADS: usize = 32;
const PROCESSES: usize = 16;
const TOKENS_EACH: usize = 3;
const KILLED_COMMITS: u64 = 5;

/// What one client did: the seat it booked (appointment id and slot), and its tokens.
#[derive(Debug, Default)]
struct Outcome {
    booked: Option<(String, String)>,
    tokens: Vec<u32>,
}

/// One client: tries the day's slots from its own starting point until it books one (or
/// finds all taken), then issues its tokens. Services retry conflicts up to 10,000 times,
/// so a conflict that reaches the client is a lost one: it fails the run.
fn client(store: &PgStore, tenant: &str, name: &str, first_slot: usize) -> Outcome {
    let schedule = support::schedule(tenant);
    let bookings = Bookings::new(store).with_max_attempts(10_000);
    let patient = Actor::patient(name);
    let slots = support::slots(support::MON);
    let mut outcome = Outcome::default();
    for k in 0..slots.len() {
        let start = slots[(first_slot + k) % slots.len()];
        let id = format!("a-{name}");
        match bookings.book(
            &schedule,
            &patient,
            support::now(),
            support::book_request(&id, name, start),
        ) {
            Ok(a) => {
                outcome.booked = Some((a.id.to_string(), a.slot.start.to_rfc3339()));
                break;
            }
            Err(Error::SlotUnavailable {
                reason: Unavailable::Booked,
                ..
            }) => {}
            Err(e) => panic!("{name} booking {start}: {e}"),
        }
    }
    let tokens = Tokens::new(store).with_max_attempts(10_000);
    let (day, rules) = (support::queue_day(tenant), support::queue_rules());
    for n in 0..TOKENS_EACH {
        let request = TokenRequest::new(format!("t-{name}-{n}"), TokenKind::WalkIn, name);
        let update = tokens
            .issue(
                &day,
                &rules,
                &Actor::staff("desk"),
                support::token_now(),
                request,
            )
            .unwrap_or_else(|e| panic!("{name} token {n}: {e}"));
        outcome
            .tokens
            .push(update.token.expect("a token issued").number);
    }
    outcome
}

/// The worker process: a client (`MEDSCHED_PG_STRESS=client`) printing its outcome, or the
/// process to kill (`=killed`), which commits a few appends and then holds one open.
#[test]
#[ignore = "a worker process of the stress test, which spawns it"]
fn stress_worker() {
    let role = std::env::var("MEDSCHED_PG_STRESS")
        .expect("run by the stress test only (MEDSCHED_PG_STRESS unset)");
    let url = support::url().expect("the stress test passes MEDSCHED_PG_URL");
    let tenant = std::env::var("MEDSCHED_PG_STRESS_TENANT").unwrap();
    let name = std::env::var("MEDSCHED_PG_STRESS_NAME").unwrap();
    let store = support::store(&url, 1);
    match role.as_str() {
        "client" => {
            let first: usize = std::env::var("MEDSCHED_PG_STRESS_SLOT")
                .unwrap()
                .parse()
                .unwrap();
            let outcome = client(&store, &tenant, &name, first);
            if let Some((id, start)) = outcome.booked {
                println!("STRESS booked {id} {start}");
            }
            for number in outcome.tokens {
                println!("STRESS token {number}");
            }
        }
        "killed" => {
            let stream = killed_stream(&tenant);
            for v in 0..KILLED_COMMITS {
                store.append(&stream, v, &[note(&tenant, v)]).unwrap();
            }
            let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            let mut tx = client.transaction().unwrap();
            store
                .append_in(
                    &mut tx,
                    &stream,
                    KILLED_COMMITS,
                    &[note(&tenant, KILLED_COMMITS)],
                )
                .unwrap();
            println!("STRESS ready");
            std::thread::sleep(Duration::from_secs(60));
            panic!("not killed within a minute");
        }
        other => panic!("no stress role {other}"),
    }
}

fn killed_stream(tenant: &str) -> StreamId {
    StreamId::tokens(tenant, "dr-killed", support::day(support::MON))
}

fn note(tenant: &str, n: u64) -> Event {
    Event {
        tenant: tenant.into(),
        actor: Actor::system("killed"),
        at: support::token_now(),
        change: Change::AppointmentConfirmed {
            appointment_id: format!("k-{n}").into(),
        },
    }
}

fn worker(url: &str, tenant: &str, role: &str, name: &str, slot: usize) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "stress_worker",
            "--exact",
            "--ignored",
            "--nocapture",
            "--quiet",
        ])
        .env("MEDSCHED_PG_URL", url)
        .env("MEDSCHED_PG_STRESS", role)
        .env("MEDSCHED_PG_STRESS_TENANT", tenant)
        .env("MEDSCHED_PG_STRESS_NAME", name)
        .env("MEDSCHED_PG_STRESS_SLOT", slot.to_string())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The `STRESS` lines a worker printed, once it exited successfully.
fn report(child: Child) -> Vec<String> {
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "a worker failed: {stdout}");
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("STRESS ").map(str::to_owned))
        .collect()
}

#[test]
fn clients_as_threads_and_processes_book_the_last_seats_once() {
    let Some(url) = support::url() else { return };
    let started = Instant::now();
    let tenant = support::tenant("stress");
    let store = support::store(&url, 16);
    let feed_tenant: Id = tenant.as_str().into();

    // The process to kill: it commits a few appends, then holds the tenant's feed head in
    // an open transaction, so every other append of the tenant waits for it.
    let mut killed = worker(&url, &tenant, "killed", "killed", 0);
    let mut from_killed = BufReader::new(killed.stdout.take().unwrap());
    let mut line = String::new();
    while line.trim() != "STRESS ready" {
        line.clear();
        let read = from_killed.read_line(&mut line).unwrap();
        assert!(read > 0, "the process to kill exited before it was ready");
    }

    let done = AtomicBool::new(false);
    let (outcomes, lines, followed) = std::thread::scope(|scope| {
        // The reader: follows the feed, resuming after the last position it saw.
        let reader = scope.spawn(|| {
            let (mut after, mut seen) = (0, Vec::<FeedEntry>::new());
            loop {
                let finished = done.load(Ordering::SeqCst);
                let entries = store.feed(&feed_tenant, after, 50).unwrap();
                if entries.is_empty() && finished {
                    return seen;
                }
                if let Some(last) = entries.last() {
                    after = last.position;
                }
                seen.extend(entries);
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        let processes: Vec<Child> = (0..PROCESSES)
            .map(|p| worker(&url, &tenant, "client", &format!("proc-{p}"), p * 5))
            .collect();
        let threads: Vec<_> = (0..THREADS)
            .map(|i| {
                let (store, tenant) = (&store, &tenant);
                scope.spawn(move || client(store, tenant, &format!("thread-{i}"), i * 7))
            })
            .collect();
        // Everyone is now waiting on the killed process's open transaction.
        std::thread::sleep(Duration::from_millis(300));
        killed.kill().unwrap();
        killed.wait().unwrap();
        let outcomes: Vec<Outcome> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        let lines: Vec<String> = processes.into_iter().flat_map(report).collect();
        done.store(true, Ordering::SeqCst);
        (outcomes, lines, reader.join().unwrap())
    });

    // What the clients say they got.
    let mut booked: BTreeMap<String, String> =
        outcomes.iter().filter_map(|o| o.booked.clone()).collect();
    let mut numbers: Vec<u32> = outcomes.iter().flat_map(|o| o.tokens.clone()).collect();
    for line in &lines {
        let words: Vec<&str> = line.split(' ').collect();
        match words[..] {
            ["booked", id, start] => {
                booked.insert(id.to_owned(), start.to_owned());
            }
            ["token", number] => numbers.push(number.parse().unwrap()),
            _ => panic!("unexpected worker line {line}"),
        }
    }

    // No seat booked twice: the day book replayed holds one appointment per slot, exactly
    // those the clients were told they booked.
    let day = DayBook::from_events(
        store
            .load(&StreamId::new(tenant.as_str(), support::day(support::MON)))
            .unwrap()
            .events,
    );
    let held: BTreeMap<String, String> = day
        .appointments()
        .iter()
        .filter(|a| a.status.occupies())
        .map(|a| (a.id.to_string(), a.slot.start.to_rfc3339()))
        .collect();
    assert_eq!(
        held, booked,
        "the day book replayed is what the clients were told"
    );
    let starts: BTreeSet<&String> = held.values().collect();
    assert_eq!(starts.len(), held.len(), "a slot booked twice: {held:?}");
    assert_eq!(
        held.len(),
        support::slots(support::MON).len(),
        "every seat taken once"
    );

    // No token number given twice, none skipped.
    let clients = THREADS + PROCESSES;
    numbers.sort_unstable();
    let expected: Vec<u32> = (1..=(clients * TOKENS_EACH) as u32).collect();
    assert_eq!(numbers, expected);
    let queue = Queue::from_events(
        store
            .load(&support::queue_day(&tenant).stream())
            .unwrap()
            .events,
    );
    let mut issued: Vec<u32> = queue.tokens().iter().map(|t| t.number).collect();
    issued.sort_unstable();
    assert_eq!(issued, expected);

    // The killed process: what it committed is there, its open append is not.
    let killed_events = store.load(&killed_stream(&tenant)).unwrap();
    let committed: Vec<Event> = (0..KILLED_COMMITS).map(|v| note(&tenant, v)).collect();
    assert_eq!(killed_events.events, committed);

    // The feed: the reader saw every event once, in position order, each stream's in
    // version order; exactly the events of the streams.
    let whole = store.feed(&feed_tenant, 0, usize::MAX).unwrap();
    assert_eq!(
        followed, whole,
        "the reader following the feed saw the whole feed"
    );
    let positions: Vec<u64> = whole.iter().map(|e| e.position).collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "positions increase"
    );
    let mut versions: BTreeMap<StreamId, Vec<u64>> = BTreeMap::new();
    for entry in &whole {
        versions
            .entry(entry.stream.clone())
            .or_default()
            .push(entry.version);
    }
    for (stream, seen) in &versions {
        let count = store.load(stream).unwrap().version;
        assert_eq!(
            seen,
            &(1..=count).collect::<Vec<_>>(),
            "{stream} in the feed"
        );
    }
    assert_eq!(
        versions.len(),
        3,
        "the day book, the queue and the killed process's stream"
    );
    eprintln!(
        "stress: {clients} clients ({THREADS} threads, {PROCESSES} processes), {} feed events, \
         {:?}",
        whole.len(),
        started.elapsed()
    );
    assert!(started.elapsed() < Duration::from_secs(60));
}
