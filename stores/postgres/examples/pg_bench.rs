//! Bookings per second and latency of the booking service over the sync PostgreSQL store,
//! at 1, 4, 16 and 64 clients (threads sharing one store whose pool has a connection per
//! client), median and spread over several runs.
//!
//! Run it against a server, e.g. the throwaway one of scripts/with-postgres.sh:
//!
//! ```text
//! bash scripts/with-postgres.sh cargo run --release -p medsched-postgres --example pg_bench
//! bash scripts/with-postgres.sh cargo run --release -p medsched-postgres --example pg_bench -- \
//!     --runs 5 --seconds 2 --clients 1,4,16,64 --tenants one
//! ```
//!
//! Each client books 15-minute consults one after another, on days of its own (12 slots a
//! day), so bookings do not contend for seats; `--tenants one` puts every client in one
//! tenant (whose appends the feed head orders one at a time), `--tenants per-client` gives
//! each client its own. Every booking must succeed: a conflict the service could not retry
//! away, or any other error, is counted and fails the run, and the tenant's feed must hold
//! exactly one event per booking.

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use medsched::booking::{Bookings, Schedule};
use medsched::store::{Actor, EventStore};
use medsched_postgres::{PgOptions, PgStore};
use medsched_testkit::clinic::{book_request, now, schedule_in};

struct Settings {
    runs: usize,
    seconds: f64,
    clients: Vec<usize>,
    tenant_per_client: bool,
}

fn settings() -> Settings {
    let mut settings = Settings {
        runs: 5,
        seconds: 2.0,
        clients: vec![1, 4, 16, 64],
        tenant_per_client: false,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).map(String::as_str).unwrap_or_default();
        match pair[0].as_str() {
            "--runs" => settings.runs = value.parse().expect("--runs N"),
            "--seconds" => settings.seconds = value.parse().expect("--seconds S"),
            "--clients" => {
                settings.clients = value
                    .split(',')
                    .map(|n| n.parse().expect("--clients 1,4,16"))
                    .collect();
            }
            "--tenants" => settings.tenant_per_client = value == "per-client",
            other => panic!("unknown option {other}"),
        }
    }
    settings
}

/// The `n`th weekday from Monday 2 March 2026.
fn weekday(n: u64) -> NaiveDate {
    let monday = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    monday + Days::new(n / 5 * 7 + n % 5)
}

/// One run: `clients` threads booking for `seconds`. Returns bookings per second and every
/// booking's latency; panics on any failed booking or a feed that does not match.
fn run(
    store: &PgStore,
    clients: usize,
    seconds: f64,
    tag: &str,
    per_client: bool,
) -> (f64, Vec<Duration>) {
    let tenants: Vec<String> = (0..clients)
        .map(|c| match per_client {
            true => format!("{tag}-c{c}"),
            false => tag.to_owned(),
        })
        .collect();
    let schedules: Vec<Schedule> = tenants.iter().map(|t| schedule_in(t, "Etc/UTC")).collect();
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let latencies: Vec<Vec<Duration>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let schedule = &schedules[c];
                scope.spawn(move || {
                    let bookings = Bookings::new(store);
                    let mut latencies = Vec::new();
                    let mut n: u64 = 0;
                    while Instant::now() < deadline {
                        let date = weekday(c as u64 + (n / 12) * clients as u64);
                        let minutes = 15 * (n % 12) as u32;
                        let start = date
                            .and_hms_opt(9 + minutes / 60, minutes % 60, 0)
                            .unwrap()
                            .and_utc();
                        let patient = format!("p-{c}-{n}");
                        let request = book_request(&format!("a-{c}-{n}"), &patient, start);
                        let t = Instant::now();
                        let booked =
                            bookings.book(schedule, &Actor::patient(patient), now(), request);
                        latencies.push(t.elapsed());
                        if let Err(e) = booked {
                            panic!("client {c} booking {n} failed (a lost conflict?): {e}");
                        }
                        n += 1;
                    }
                    latencies
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let elapsed = started.elapsed().as_secs_f64();
    let booked: usize = latencies.iter().map(Vec::len).sum();
    let mut unique = tenants.clone();
    unique.dedup();
    let in_feed: usize = unique
        .iter()
        .map(|t| store.feed(&t.as_str().into(), 0, usize::MAX).unwrap().len())
        .sum();
    assert_eq!(in_feed, booked, "one feed event per booking");
    (booked as f64 / elapsed, latencies.concat())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn ms(d: f64) -> String {
    format!("{d:.2}")
}

fn main() {
    let url = std::env::var("MEDSCHED_PG_URL")
        .expect("MEDSCHED_PG_URL: run under scripts/with-postgres.sh or point it at a server");
    let settings = settings();
    let most = settings.clients.iter().copied().max().unwrap_or(1);
    let store = PgStore::with_options(PgOptions::new(&url).unwrap().max_connections(most)).unwrap();
    store.migrate().unwrap();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    println!(
        "pg_bench: {} runs of {} s per client count, {}, {} CPU(s)",
        settings.runs,
        settings.seconds,
        match settings.tenant_per_client {
            true => "a tenant per client",
            false => "one tenant",
        },
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
    println!(
        "{:>7} | {:>22} | {:>22} | {:>22}",
        "clients", "bookings/s med [min-max]", "p50 ms med [min-max]", "p99 ms med [min-max]"
    );
    for &clients in &settings.clients {
        // A warm-up run: connections opened, statements prepared.
        run(
            &store,
            clients,
            0.3,
            &format!("warm-{stamp}-{clients}"),
            settings.tenant_per_client,
        );
        let (mut rates, mut p50s, mut p99s) = (Vec::new(), Vec::new(), Vec::new());
        for r in 0..settings.runs {
            let tag = format!("bench-{stamp}-{clients}-{r}");
            let (rate, mut latencies) = run(
                &store,
                clients,
                settings.seconds,
                &tag,
                settings.tenant_per_client,
            );
            latencies.sort_unstable();
            rates.push(rate);
            p50s.push(percentile(&latencies, 0.50).as_secs_f64() * 1e3);
            p99s.push(percentile(&latencies, 0.99).as_secs_f64() * 1e3);
        }
        let spread = |v: &mut Vec<f64>, show: fn(f64) -> String| {
            let m = median(v);
            format!("{} [{}-{}]", show(m), show(v[0]), show(v[v.len() - 1]))
        };
        println!(
            "{clients:>7} | {:>22} | {:>22} | {:>22}",
            spread(&mut rates, |r| format!("{r:.0}")),
            spread(&mut p50s, ms),
            spread(&mut p99s, ms),
        );
    }
}
