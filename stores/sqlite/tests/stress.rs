//! Sixteen clients booking the last seats and issuing tokens of one doctor-day at once, as
//! threads sharing a store and as processes sharing the file; and processes killed with
//! SIGKILL in the middle of writing. Afterwards: no slot booked twice (the day book
//! replayed), no token number given twice, every success the clients saw in the store, and
//! the feed whole and in order, also as read while the clients wrote.
//!
//! The processes are this test binary run again: `stress_child` (ignored when run by hand)
//! does a child's part when `MEDSCHED_SQLITE_CHILD` says which.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use medsched::booking::Bookings;
use medsched::store::{EventStore, FeedEntry};
use medsched::tokens::{Queue, QueueDay, Tokens};
use medsched::{Error, Id};
use medsched_sqlite::SqliteStore;
use support::*;

const CLIENTS: usize = 16;
const TOKENS_PER_CLIENT: usize = 5;

/// One client's part: try to book every Monday slot (starting at a slot of its own), then
/// issue its tokens. Returns what it was told, as lines: `booked {id} {start}` and
/// `token {id} {number}`.
fn client(store: &SqliteStore, i: usize) -> Vec<String> {
    let schedule = schedule(TENANT);
    let bookings = Bookings::new(store);
    let tokens = Tokens::new(store);
    let mut told = Vec::new();
    let slots = slots(MON);
    for k in 0..slots.len() {
        let start = slots[(i * 5 + k) % slots.len()];
        let id = format!("a-{i}-{k}");
        let request = book_request(&id, &format!("pat-{i}"), start);
        match bookings.book(&schedule, &patient(i), now(), request) {
            Ok(_) => told.push(format!("booked {id} {}", start.to_rfc3339())),
            Err(Error::SlotUnavailable { .. }) => {}
            Err(err) => panic!("client {i}: {err}"),
        }
    }
    for k in 0..TOKENS_PER_CLIENT {
        let id = format!("t-{i}-{k}");
        let request = walk_in(&id, &format!("pat-{i}"));
        let update = tokens
            .issue(
                &queue_day(TENANT),
                &queue_rules(),
                &desk(),
                token_now(),
                request,
            )
            .unwrap_or_else(|err| panic!("client {i}: {err}"));
        told.push(format!("token {id} {}", update.token.unwrap().number));
    }
    told
}

/// Reads the tenant's feed while `writing`, resuming after the last position it saw, then
/// once more after: every entry once, positions strictly increasing.
fn read_feed_while(store: &SqliteStore, writing: &AtomicBool) -> Vec<FeedEntry> {
    let tenant = Id::from(TENANT);
    let (mut after, mut seen) = (0, Vec::new());
    loop {
        let done = !writing.load(Ordering::Acquire);
        let page = store.feed(&tenant, after, 50).unwrap();
        if let Some(last) = page.last() {
            after = last.position;
        }
        let drained = page.is_empty();
        seen.extend(page);
        if done && drained {
            return seen;
        }
        if drained {
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

/// Checks what the clients were told against the store.
fn check_outcome(store: &SqliteStore, told: &[String], feed_seen: &[FeedEntry]) {
    let (mut booked, mut tokens) = (BTreeMap::new(), BTreeMap::new());
    for line in told {
        let parts: Vec<&str> = line.split(' ').collect();
        match parts[..] {
            ["booked", id, start] => {
                let start = t(start);
                let previous = booked.insert(start, id.to_owned());
                assert_eq!(previous, None, "two clients told they booked {start}");
            }
            ["token", id, number] => {
                let previous = tokens.insert(number.parse::<u32>().unwrap(), id.to_owned());
                assert_eq!(previous, None, "two clients told they got token {number}");
            }
            _ => panic!("unexpected line {line:?}"),
        }
    }
    assert_eq!(booked.len(), slots(MON).len(), "every seat is booked once");
    assert_eq!(check_day_book(store, TENANT, MON), booked);
    assert_eq!(tokens.len(), CLIENTS * TOKENS_PER_CLIENT);
    assert_eq!(check_queue(store, TENANT), tokens);
    let entries = check_feed(store, TENANT);
    assert_eq!(entries, booked.len() + tokens.len());
    let all = store.feed(&TENANT.into(), 0, usize::MAX).unwrap();
    assert_eq!(feed_seen, all, "the reader saw the feed as it is, once");
    let positions: BTreeSet<u64> = all.iter().map(|e| e.position).collect();
    assert_eq!(positions.len(), all.len());
}

#[test]
fn sixteen_threads_book_the_last_seats_and_issue_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("clinic.db")).unwrap();
    let writing = AtomicBool::new(true);
    let (told, seen) = std::thread::scope(|scope| {
        let reader = scope.spawn(|| read_feed_while(&store, &writing));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|i| {
                let store = &store;
                scope.spawn(move || client(store, i))
            })
            .collect();
        let told: Vec<String> = clients
            .into_iter()
            .flat_map(|c| c.join().unwrap())
            .collect();
        writing.store(false, Ordering::Release);
        (told, reader.join().unwrap())
    });
    check_outcome(&store, &told, &seen);
}

/// This test binary again, doing a child's part (`role`) on the file at `path`.
fn spawn_child(role: &str, path: &Path, client: usize) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "stress_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("MEDSCHED_SQLITE_CHILD", role)
        .env("MEDSCHED_SQLITE_DB", path)
        .env("MEDSCHED_SQLITE_CLIENT", client.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// What a child prints before each line of its own (`booked ...`, `token ...`, `ready`):
/// the test harness around it prints too, and not always whole lines.
const SAYS: &str = "child says: ";

/// A line of a child's own, for its parent.
fn say(line: impl std::fmt::Display) {
    println!("{SAYS}{line}");
}

/// The lines a child said, as it says them; `on_line` may kill it.
fn child_lines(child: &mut Child, mut on_line: impl FnMut(&str, &mut Child)) -> Vec<String> {
    let stdout = child.stdout.take().unwrap();
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some((_, said)) = line.split_once(SAYS) {
            on_line(said, child);
            lines.push(said.to_owned());
        }
    }
    lines
}

#[test]
fn sixteen_processes_book_the_last_seats_and_issue_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    let store = SqliteStore::open(&path).unwrap();
    let writing = AtomicBool::new(true);
    let (told, seen) = std::thread::scope(|scope| {
        let reader = scope.spawn(|| read_feed_while(&store, &writing));
        let mut children: Vec<Child> = (0..CLIENTS)
            .map(|i| spawn_child("client", &path, i))
            .collect();
        let mut told = Vec::new();
        for child in &mut children {
            told.extend(child_lines(child, |_, _| {}));
            assert!(child.wait().unwrap().success(), "a client process failed");
        }
        writing.store(false, Ordering::Release);
        (told, reader.join().unwrap())
    });
    check_outcome(&store, &told, &seen);
}

/// Whether SQLite finds the file whole.
fn integrity(path: &Path) -> String {
    let db = rusqlite::Connection::open(path).unwrap();
    db.query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap()
}

#[test]
fn a_process_killed_inside_a_write_transaction_leaves_nothing_half_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    let store = SqliteStore::open(&path).unwrap();
    let told = client(&store, 0);
    let before = store.feed(&TENANT.into(), 0, usize::MAX).unwrap();
    drop(store);
    let wal = path.with_extension("db-wal");
    let wal_before = std::fs::metadata(&wal).map_or(0, |m| m.len());

    // The child opens a transaction, writes megabytes of events and a feed head (more than
    // SQLite's page cache holds, so pages reach the WAL file uncommitted), says so, and
    // waits to be killed.
    let mut child = spawn_child("hold-open", &path, 0);
    let mut wal_during = 0;
    child_lines(&mut child, |_, child| {
        wal_during = std::fs::metadata(&wal).map_or(0, |m| m.len());
        child.kill().unwrap(); // SIGKILL
    });
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed, not finished");
    assert!(
        wal_during > wal_before + (4 << 20),
        "the transaction had written to the WAL: {wal_before} -> {wal_during} bytes"
    );

    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(integrity(&path), "ok");
    assert_eq!(store.feed(&TENANT.into(), 0, usize::MAX).unwrap(), before);
    check_day_book(&store, TENANT, MON);
    assert_eq!(check_queue(&store, TENANT).len(), TOKENS_PER_CLIENT);
    assert_eq!(told.len(), slots(MON).len() + TOKENS_PER_CLIENT);
    // The lock died with the process: the next append goes through at once.
    let started = Instant::now();
    let tokens = Tokens::new(&store);
    let update = tokens
        .issue(
            &queue_day(TENANT),
            &queue_rules(),
            &desk(),
            token_now(),
            walk_in("t-next", "pat-9"),
        )
        .unwrap();
    assert_eq!(update.token.unwrap().number, TOKENS_PER_CLIENT as u32 + 1);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(check_feed(&store, TENANT), before.len() + 1);
}

/// Dr A's and three other doctors' queues, for the appending child.
fn queues() -> Vec<QueueDay> {
    ["dr-a", "dr-b", "dr-c", "dr-d"]
        .into_iter()
        .map(|doctor| QueueDay::new(TENANT, doctor, support::day(MON)))
        .collect()
}

#[test]
fn processes_killed_while_appending_lose_nothing_committed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    drop(SqliteStore::open(&path).unwrap());
    let mut told = Vec::new();
    for round in 0..3 {
        // Two writers at once, one killed after its 40th token plus a little: mostly in
        // the middle of an append (they spend their time there).
        let mut victim = spawn_child("append-loop", &path, round * 2);
        let mut bystander = spawn_child("append-loop", &path, round * 2 + 1);
        let mut count = 0;
        told.extend(child_lines(&mut victim, |_, child| {
            count += 1;
            if count == 40 {
                std::thread::sleep(Duration::from_micros(300 * round as u64));
                child.kill().unwrap();
            }
        }));
        assert!(!victim.wait().unwrap().success(), "killed, not finished");
        bystander.kill().unwrap();
        told.extend(child_lines(&mut bystander, |_, _| {}));
        bystander.wait().unwrap();
    }
    assert_eq!(integrity(&path), "ok");
    let store = SqliteStore::open(&path).unwrap();
    let mut issued: BTreeMap<String, u32> = BTreeMap::new();
    for queue in queues() {
        let held = Queue::from_events(store.load(&queue.stream()).unwrap().events);
        let numbers: BTreeSet<u32> = held.tokens().iter().map(|t| t.number).collect();
        assert_eq!(numbers, (1..=held.tokens().len() as u32).collect());
        issued.extend(held.tokens().iter().map(|t| (t.id.to_string(), t.number)));
    }
    assert!(told.len() >= 3 * 40, "{} tokens told", told.len());
    for line in &told {
        let [_, id, number] = line.split(' ').collect::<Vec<_>>()[..] else {
            panic!("unexpected line {line:?}")
        };
        assert_eq!(
            issued.get(id),
            Some(&number.parse().unwrap()),
            "{id} was told {number}"
        );
    }
    assert_eq!(check_feed(&store, TENANT), issued.len());
}

#[test]
#[ignore = "a child process's part in the stress tests, which run it"]
fn stress_child() {
    let Ok(role) = std::env::var("MEDSCHED_SQLITE_CHILD") else {
        return;
    };
    let path = std::env::var("MEDSCHED_SQLITE_DB").unwrap();
    let client_id: usize = std::env::var("MEDSCHED_SQLITE_CLIENT")
        .unwrap()
        .parse()
        .unwrap();
    match role.as_str() {
        "client" => {
            let store = SqliteStore::open(&path).unwrap();
            for line in client(&store, client_id) {
                say(line);
            }
        }
        "hold-open" => {
            let mut db = rusqlite::Connection::open(&path).unwrap();
            let tx = db
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .unwrap();
            tx.execute(
                "UPDATE feed_heads SET position = position + 100000 WHERE tenant = ?1",
                [TENANT],
            )
            .unwrap();
            let body = format!("{{\"padding\": \"{}\"}}", "x".repeat(2000));
            for i in 0..5000 {
                tx.execute(
                    "INSERT INTO events (tenant, position, date, doctor_id, version, body) \
                     VALUES (?1, ?2, '2026-03-09', '', ?3, ?4)",
                    rusqlite::params![TENANT, 1_000_000 + i, i + 1, body],
                )
                .unwrap();
            }
            say("ready");
            std::thread::sleep(Duration::from_secs(60));
            unreachable!("killed before");
        }
        "append-loop" => {
            let store = SqliteStore::open(&path).unwrap();
            let tokens = Tokens::new(&store);
            let queues = queues();
            for k in 0.. {
                let id = format!("t-{client_id}-{k}");
                let request = walk_in(&id, &format!("pat-{client_id}"));
                let queue = &queues[k % queues.len()];
                let update = tokens
                    .issue(queue, &queue_rules(), &desk(), token_now(), request)
                    .unwrap();
                say(format!("token {id} {}", update.token.unwrap().number));
            }
        }
        other => panic!("no child role {other:?}"),
    }
}
