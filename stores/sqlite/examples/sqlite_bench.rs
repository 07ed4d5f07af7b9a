//! Bookings per second and booking latency over a SQLite file, at 1, 4 and 16 clients
//! (threads sharing one `SqliteStore`), each run on a fresh file; the median and the range
//! over the runs.
//!
//! ```text
//! cargo run --release -p medsched-sqlite --example sqlite_bench -- \
//!     [--runs 5] [--bookings 600] [--synchronous full|normal] [--dir PATH]
//! ```
//!
//! The clinic: 10 doctors, Monday to Friday 09:00–12:00, 15-minute consults (600 slots a
//! week). Clients take the next free slot from a shared counter, spread over the five day
//! books, and book it with `Bookings::book` (load the day book, decide, append; reload and
//! decide again on a conflict), so clients writing the same day at once retry as they would
//! in a clinic. Each latency is one `book` call, retries included.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use medsched::booking::{BookRequest, Bookings, Schedule};
use medsched::store::Actor;
use medsched_sqlite::{Options, SqliteStore, Synchronous};
use medsched_testkit::clinic::{clinic_in, consult, weekday_mornings};

const DOCTORS: usize = 10;
const DAYS: usize = 5;
const SLOTS_PER_DAY: usize = 12;

struct Settings {
    runs: usize,
    bookings: usize,
    synchronous: Synchronous,
    dir: Option<std::path::PathBuf>,
}

fn settings() -> Result<Settings, String> {
    let mut settings = Settings {
        runs: 5,
        bookings: 600,
        synchronous: Synchronous::Full,
        dir: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--runs" => settings.runs = value.parse().map_err(|e| format!("--runs: {e}"))?,
            "--bookings" => {
                settings.bookings = value.parse().map_err(|e| format!("--bookings: {e}"))?;
            }
            "--synchronous" => {
                settings.synchronous = match value.as_str() {
                    "full" => Synchronous::Full,
                    "normal" => Synchronous::Normal,
                    _ => return Err(format!("--synchronous full|normal, not {value}")),
                }
            }
            "--dir" => settings.dir = Some(value.into()),
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    let most = DOCTORS * DAYS * SLOTS_PER_DAY;
    if settings.bookings == 0 || settings.bookings > most || settings.runs == 0 {
        return Err(format!("--bookings 1..={most}, --runs 1 or more"));
    }
    Ok(settings)
}

fn doctor(d: usize) -> String {
    format!("dr-{d}")
}

/// The test kit's clinic with `DOCTORS` doctors, each on weekday mornings.
fn schedule() -> Schedule {
    let calendars: Vec<_> = (0..DOCTORS).map(|d| weekday_mornings(&doctor(d))).collect();
    Schedule::new(
        "clinic-1",
        &clinic_in("Europe/London"),
        &calendars,
        &[consult()],
    )
    .expect("a valid schedule")
}

/// The `i`th booking: consecutive ones on different days (Europe/London is on UTC then).
fn request(i: usize) -> BookRequest {
    let (day, rest) = (i % DAYS, i / DAYS);
    let (d, slot) = (rest % DOCTORS, rest / DOCTORS);
    let start: DateTime<Utc> = format!(
        "2026-03-{:02}T{:02}:{:02}:00Z",
        2 + day,
        9 + slot / 4,
        (slot % 4) * 15
    )
    .parse()
    .expect("an instant");
    BookRequest {
        appointment_id: format!("a-{i}").into(),
        patient_id: format!("pat-{i}").into(),
        doctor_id: doctor(d).into(),
        appointment_type_id: "consult".into(),
        start,
    }
}

struct Run {
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

fn run(settings: &Settings, schedule: &Schedule, clients: usize) -> Run {
    let dir = match &settings.dir {
        Some(dir) => tempfile::tempdir_in(dir),
        None => tempfile::tempdir(),
    }
    .expect("a temporary directory");
    let options = Options {
        synchronous: settings.synchronous,
        max_connections: clients,
        ..Options::default()
    };
    let store = SqliteStore::open_with(dir.path().join("bench.db"), options).expect("a store");
    let bookings = Bookings::new(&store);
    let now: DateTime<Utc> = "2026-03-01T08:00:00Z".parse().expect("an instant");
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    let mut latencies: Vec<Duration> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..clients)
            .map(|_| {
                scope.spawn(|| {
                    let mut latencies = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= settings.bookings {
                            return latencies;
                        }
                        let patient = Actor::patient(format!("pat-{i}"));
                        let began = Instant::now();
                        bookings
                            .book(schedule, &patient, now, request(i))
                            .expect("a free slot is booked");
                        latencies.push(began.elapsed());
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a client"))
            .collect()
    });
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    Run {
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
    }
}

/// The median and the range of some values, as `median [min–max]`.
fn spread(mut values: Vec<f64>, digits: usize) -> String {
    values.sort_by(f64::total_cmp);
    let median = values[values.len() / 2];
    let (min, max) = (values[0], values[values.len() - 1]);
    format!("{median:.digits$} [{min:.digits$}–{max:.digits$}]")
}

fn main() {
    let settings = match settings() {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("sqlite_bench: {message}");
            std::process::exit(2);
        }
    };
    let schedule = schedule();
    println!(
        "medsched-sqlite: {} bookings per run, synchronous = {:?}, {} runs per row: \
         median [min–max]",
        settings.bookings, settings.synchronous, settings.runs
    );
    println!(
        "{:>7}  {:>24}  {:>24}  {:>24}",
        "clients", "bookings/s", "p50 ms", "p99 ms"
    );
    for clients in [1, 4, 16] {
        let runs: Vec<Run> = (0..settings.runs)
            .map(|_| run(&settings, &schedule, clients))
            .collect();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{clients:>7}  {:>24}  {:>24}  {:>24}",
            spread(runs.iter().map(|r| r.per_second).collect(), 0),
            spread(runs.iter().map(|r| ms(r.p50)).collect(), 2),
            spread(runs.iter().map(|r| ms(r.p99)).collect(), 2),
        );
    }
}
