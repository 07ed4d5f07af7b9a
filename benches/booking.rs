//! Booking benchmarks: the pure decision, the day-book fold and the service path.
//!
//! - `booking_decision_40_appointments`: `decide` of a direct booking on a doctor-day that
//!   already holds 40 booked appointments (Kochi, Asia/Kolkata, Monday 2 March 2026, sessions
//!   09:00-13:00 and 14:00-18:00, 15-minute consults on a 15-minute grid, two patients at
//!   once in the doctor's own two-seat room: 64 seats, 40 taken).
//! - `booking_decision_40_appointments_tenant_440`: the same decision on a tenant-day where
//!   ten other doctors (each with their own room) also hold 40 appointments each: the day
//!   book is per tenant and date, and the decision only profiles the claims of the doctor and
//!   the doctor's rooms.
//! - `replay_10000_events`: `DayBook::from_events` over a tenant-day stream of 10,000 events
//!   (holds placed, released and expired, appointments booked from holds and directly,
//!   confirmed, cancelled, rescheduled, completed, no-shows) on 60 doctors, every one of
//!   them decided by `decide` in a simulated booking day.
//! - `service_book_in_memory`: `Bookings::book` over an `InMemoryStore` whose day already
//!   holds the 40 appointments: load, fold, decide, append, apply.
//!
//! Targets (2-core machine): the decision < 5 µs; the replay of 10,000 events < 2 ms.
//!
//! All data is built deterministically (a small LCG, no randomness crate).

use std::hint::black_box;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, Utc, Weekday};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use medsched::{
    AppointmentType, BookingPolicy, Clinic, DoctorCalendar, Id, Location, Room, Session,
    SessionSettings, WeeklyTemplate, booking::AppointmentStatus, booking::BookRequest,
    booking::Bookings, booking::Command, booking::Context, booking::DayBook, booking::Schedule,
    booking::decide, store::Actor, store::Change, store::Event, store::EventStore,
    store::InMemoryStore, store::StreamId,
};

mod support;
use support::{Lcg, tally};

const TENANT: &str = "kochi-family-clinic";
/// Appointments of each doctor in the decision benchmarks.
const BOOKED: usize = 40;
/// Events in the replayed stream.
const EVENTS: usize = 10_000;
/// Doctors of the replayed tenant-day.
const REPLAY_DOCTORS: usize = 60;

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().expect("a valid RFC 3339 instant")
}

/// The book date: Monday 2 March 2026.
fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).expect("a valid date")
}

/// The starts of the day's 15-minute grid: 09:00-12:45 and 14:00-17:45 in Kochi
/// (UTC+05:30), 32 in all.
fn grid() -> Vec<DateTime<Utc>> {
    let morning = utc("2026-03-02T03:30:00Z");
    let afternoon = utc("2026-03-02T08:30:00Z");
    [morning, afternoon]
        .into_iter()
        .flat_map(|from| (0..16).map(move |k| from + Duration::minutes(15 * k)))
        .collect()
}

fn doctor_id(i: usize) -> Id {
    format!("dr-{i:03}").into()
}

fn room_id(i: usize) -> Id {
    format!("room-{i:03}").into()
}

/// A tenant of `doctors` doctors at Kochi, each working Mon-Sat 09:00-13:00 and 14:00-18:00
/// in their own two-seat room, seeing two patients at once. Two appointment types: a
/// 15-minute consult and a 30-minute procedure that staff must confirm when a patient books.
fn schedule(doctors: usize) -> Schedule {
    let clinic = Clinic {
        locations: vec![Location {
            rooms: (0..doctors)
                .map(|i| Room::new(room_id(i), format!("Consultation {i}"), 2))
                .collect(),
            ..Location::new("kochi", "Kochi OPD", "Asia/Kolkata")
        }],
        holidays: vec![],
    };
    let calendars: Vec<DoctorCalendar> = (0..doctors)
        .map(|i| {
            let mut calendar = DoctorCalendar::new(doctor_id(i));
            calendar.settings = SessionSettings {
                slot_minutes: 15,
                max_parallel: 2,
                ..SessionSettings::default()
            };
            calendar.templates.push(WeeklyTemplate {
                room_id: Some(room_id(i)),
                weekdays: vec![
                    Weekday::Mon,
                    Weekday::Tue,
                    Weekday::Wed,
                    Weekday::Thu,
                    Weekday::Fri,
                    Weekday::Sat,
                ],
                sessions: vec![
                    Session::new("09:00", "13:00").expect("valid session"),
                    Session::new("14:00", "18:00").expect("valid session"),
                ],
                ..WeeklyTemplate::new("mon-sat-opd", "kochi")
            });
            calendar
        })
        .collect();
    let types = [
        AppointmentType::new("consult", 15),
        AppointmentType {
            policy: BookingPolicy {
                requires_confirmation: true,
                ..BookingPolicy::default()
            },
            ..AppointmentType::new("procedure", 30)
        },
    ];
    Schedule::new(TENANT, &clinic, &calendars, &types).expect("valid schedule")
}

/// Decides `command` on `book`, and on success applies and records its events.
fn run(
    schedule: &Schedule,
    book: &mut DayBook,
    events: &mut Vec<Event>,
    actor: &Actor,
    now: DateTime<Utc>,
    command: &Command,
) -> medsched::Result<usize> {
    let ctx = Context {
        schedule,
        date: day(),
        actor,
        now,
    };
    let changes = decide(book, command, &ctx)?;
    let n = changes.len();
    for change in changes {
        let event = Event {
            tenant: TENANT.into(),
            actor: actor.clone(),
            at: now,
            change,
        };
        book.apply(event.clone());
        events.push(event);
    }
    Ok(n)
}

// ---------------------------------------------------------------------------------------------
// The decision
// ---------------------------------------------------------------------------------------------

/// When the decision benchmarks book: Sunday 1 March 2026, 10:00 in Kochi.
fn booking_now() -> DateTime<Utc> {
    utc("2026-03-01T04:30:00Z")
}

/// 40 consults for doctor `i`, booked by reception through `decide` at random grid starts
/// (each start has two seats), appended to `book` and `events`.
fn book_doctor_day(
    schedule: &Schedule,
    i: usize,
    rng: &mut Lcg,
    book: &mut DayBook,
    events: &mut Vec<Event>,
) {
    let grid = grid();
    let mut seats: Vec<DateTime<Utc>> = grid.iter().chain(grid.iter()).copied().collect();
    let reception = Actor::staff("reception-1");
    for k in 0..BOOKED {
        let pick = k + rng.below(seats.len() - k);
        seats.swap(k, pick);
        let command = Command::Book {
            appointment_id: format!("a-{i:03}-{k:02}").into(),
            patient_id: format!("p-{i:03}-{k:02}").into(),
            doctor_id: doctor_id(i),
            appointment_type_id: "consult".into(),
            start: seats[k],
        };
        run(schedule, book, events, &reception, booking_now(), &command)
            .expect("a seat of the grid is free");
    }
}

/// A grid start of doctor `i` with one seat taken and one free (a free start if none is half
/// taken), so that the decision counts capacity against a real neighbour.
fn half_free_start(book: &DayBook, i: usize) -> DateTime<Utc> {
    let doctor = doctor_id(i);
    let taken = |start: DateTime<Utc>| {
        book.appointments()
            .iter()
            .filter(|a| a.occupies() && a.slot.doctor_id == doctor && a.slot.start == start)
            .count()
    };
    let grid = grid();
    grid.iter()
        .copied()
        .find(|&s| taken(s) == 1)
        .or_else(|| grid.iter().copied().find(|&s| taken(s) == 0))
        .expect("40 appointments leave free seats among 64")
}

struct DecisionCase {
    schedule: Schedule,
    /// Doctor 0's 40 appointments only.
    one: DayBook,
    one_events: Vec<Event>,
    /// Doctor 0's and ten other doctors' 40 appointments each.
    tenant: DayBook,
    command: Command,
}

fn decision_case() -> DecisionCase {
    let schedule = schedule(11);
    let mut rng = Lcg(0x5EED_B00C);
    let (mut one, mut one_events) = (DayBook::new(), Vec::new());
    book_doctor_day(&schedule, 0, &mut rng, &mut one, &mut one_events);
    let (mut tenant, mut tenant_events) = (one.clone(), one_events.clone());
    for i in 1..11 {
        book_doctor_day(&schedule, i, &mut rng, &mut tenant, &mut tenant_events);
    }
    // The tenant-day interleaves the doctors' bookings as a real day would.
    let mut order: Vec<usize> = (0..tenant_events.len()).collect();
    for k in 0..order.len() {
        let pick = k + rng.below(order.len() - k);
        order.swap(k, pick);
    }
    let tenant = DayBook::from_events(order.iter().map(|&k| tenant_events[k].clone()));
    assert_eq!(tenant.appointments().len(), 11 * BOOKED);

    let start = half_free_start(&one, 0);
    let command = Command::Book {
        appointment_id: "a-new".into(),
        patient_id: "p-new".into(),
        doctor_id: doctor_id(0),
        appointment_type_id: "consult".into(),
        start,
    };
    DecisionCase {
        schedule,
        one,
        one_events,
        tenant,
        command,
    }
}

fn bench_decision(c: &mut Criterion) {
    let case = decision_case();
    let reception = Actor::staff("reception-1");
    let ctx = Context {
        schedule: &case.schedule,
        date: day(),
        actor: &reception,
        now: booking_now(),
    };
    for (name, book) in [("one doctor", &case.one), ("tenant", &case.tenant)] {
        let changes = decide(book, &case.command, &ctx).expect("the start has a free seat");
        assert!(
            matches!(&changes[..], [Change::AppointmentBooked { appointment }]
                if appointment.status == AppointmentStatus::Confirmed),
            "{name}: {changes:?}"
        );
    }
    eprintln!(
        "booking_decision_40_appointments: book at {} ({} appointments on the day book); \
         tenant variant: {} appointments",
        match &case.command {
            Command::Book { start, .. } => start.to_string(),
            _ => unreachable!(),
        },
        case.one.appointments().len(),
        case.tenant.appointments().len(),
    );

    c.bench_function("booking_decision_40_appointments", |b| {
        b.iter(|| decide(black_box(&case.one), black_box(&case.command), &ctx))
    });
    c.bench_function("booking_decision_40_appointments_tenant_440", |b| {
        b.iter(|| decide(black_box(&case.tenant), black_box(&case.command), &ctx))
    });

    // The service path: a fresh store holding the 40 appointments for every iteration, so
    // that each booking meets the same day; setting it up is not timed, and the store is
    // returned so that dropping it is not timed either.
    let stream = StreamId::new(TENANT, day());
    let request = match &case.command {
        Command::Book { start, .. } => BookRequest {
            appointment_id: "a-new".into(),
            patient_id: "p-new".into(),
            doctor_id: doctor_id(0),
            appointment_type_id: "consult".into(),
            start: *start,
        },
        _ => unreachable!(),
    };
    let setup = || {
        let store = InMemoryStore::new();
        store
            .append(&stream, 0, &case.one_events)
            .expect("an empty stream");
        Bookings::new(store)
    };
    let booked = setup()
        .book(&case.schedule, &reception, booking_now(), request.clone())
        .expect("the start has a free seat");
    assert_eq!(booked.status, AppointmentStatus::Confirmed);
    c.bench_function("service_book_in_memory", |b| {
        b.iter_batched(
            setup,
            |bookings| {
                let appointment = bookings
                    .book(
                        &case.schedule,
                        &reception,
                        booking_now(),
                        black_box(request.clone()),
                    )
                    .expect("the start has a free seat");
                (bookings, appointment)
            },
            BatchSize::SmallInput,
        )
    });
}

// ---------------------------------------------------------------------------------------------
// The replay
// ---------------------------------------------------------------------------------------------

/// A simulated tenant-day: patients and reception act on 60 doctors at random from two days
/// before (Saturday, 08:00 in Kochi) into the day's afternoon, every action decided by
/// `decide` on the day book so far. Before the day, patients hold and book slots, reception
/// books directly and confirms procedures, some holds are released or lapse (and the expiry
/// job ends them), some appointments are cancelled or rescheduled; on the day, reception
/// mostly completes the appointments that have started (a few are no-shows) while the rest
/// goes on for the later slots. Refused actions (a full or held slot, a start already past)
/// make no events. Stops at exactly `EVENTS` events.
fn replay_events() -> Vec<Event> {
    let schedule = schedule(REPLAY_DOCTORS);
    let grid = grid();
    let mut rng = Lcg(0x5EED_0E0E);
    let mut book = DayBook::new();
    let mut events = Vec::with_capacity(EVENTS + 16);
    let reception = Actor::staff("reception-1");
    let expiry = Actor::system("expiry-job");
    // The day before, 08:00 in Kochi, and the day, 09:00 in Kochi.
    let before = utc("2026-02-28T02:30:00Z");
    let opening = utc("2026-03-02T03:30:00Z");
    let mut now = before;
    let mut next = 0usize;
    let mut steps = 0usize;
    while events.len() < EVENTS {
        steps += 1;
        assert!(steps < 20 * EVENTS, "the simulation stalls");
        // About 8,000 steps over the two days before, then 4 s a step through the day.
        now = if now < opening {
            now + Duration::seconds(2 * 86_400 / 8_000)
        } else {
            now + Duration::seconds(4)
        };
        next += 1;
        let on_the_day = now >= opening;
        let doctor = doctor_id(rng.below(REPLAY_DOCTORS));
        let start = grid[rng.below(grid.len())];
        let kind: Id = if rng.chance(80) {
            "consult".into()
        } else {
            "procedure".into()
        };
        let roll = rng.below(100);
        let holds: Vec<_> = book.holds().iter().filter(|h| h.is_active(now)).collect();
        let upcoming: Vec<_> = book
            .appointments()
            .iter()
            .filter(|a| a.is_upcoming() && a.slot.start > now)
            .collect();
        let pick = |rng: &mut Lcg, n: usize| (n > 0).then(|| rng.below(n));
        // (actor, command), or `None` when the action has nothing to act on.
        let action: Option<(Actor, Command)> = match (on_the_day, roll) {
            (_, 0..=2) => Some((expiry.clone(), Command::ExpireHolds)),
            (false, 3..=42) | (true, 3..=17) => {
                let patient: Id = format!("p-{next}").into();
                Some((
                    Actor::patient(patient.clone()),
                    Command::PlaceHold {
                        hold_id: format!("h-{next}").into(),
                        patient_id: patient,
                        doctor_id: doctor,
                        appointment_type_id: kind,
                        start,
                        minutes: None,
                    },
                ))
            }
            (false, 43..=67) | (true, 18..=29) => pick(&mut rng, holds.len()).map(|k| {
                (
                    Actor::patient(holds[k].patient_id.clone()),
                    Command::BookHold {
                        appointment_id: format!("a-{next}").into(),
                        hold_id: holds[k].id.clone(),
                    },
                )
            }),
            (false, 68..=71) | (true, 30..=31) => pick(&mut rng, holds.len()).map(|k| {
                (
                    Actor::patient(holds[k].patient_id.clone()),
                    Command::ReleaseHold {
                        hold_id: holds[k].id.clone(),
                    },
                )
            }),
            (false, 72..=81) | (true, 32..=37) => Some((
                reception.clone(),
                Command::Book {
                    appointment_id: format!("a-{next}").into(),
                    patient_id: format!("p-{next}").into(),
                    doctor_id: doctor,
                    appointment_type_id: kind,
                    start,
                },
            )),
            (false, 82..=89) | (true, 38..=41) => {
                let pending: Vec<_> = upcoming
                    .iter()
                    .filter(|a| a.status == AppointmentStatus::Pending)
                    .collect();
                pick(&mut rng, pending.len()).map(|k| {
                    (
                        reception.clone(),
                        Command::Confirm {
                            appointment_id: pending[k].id.clone(),
                        },
                    )
                })
            }
            (false, 90..=94) | (true, 42..=45) => pick(&mut rng, upcoming.len()).map(|k| {
                let a = upcoming[k];
                let actor = if rng.chance(50) {
                    Actor::patient(a.patient_id.clone())
                } else {
                    reception.clone()
                };
                let reason = rng.chance(50).then(|| "patient unwell".to_owned());
                (
                    actor,
                    Command::Cancel {
                        appointment_id: a.id.clone(),
                        reason,
                    },
                )
            }),
            (false, _) | (true, 46..=50) => pick(&mut rng, upcoming.len()).map(|k| {
                (
                    reception.clone(),
                    Command::Reschedule {
                        appointment_id: upcoming[k].id.clone(),
                        start,
                    },
                )
            }),
            (true, _) => {
                let started: Vec<_> = book
                    .appointments()
                    .iter()
                    .filter(|a| {
                        a.moved_to.is_none()
                            && a.status == AppointmentStatus::Confirmed
                            && a.slot.start <= now
                    })
                    .collect();
                pick(&mut rng, started.len()).map(|k| {
                    let appointment_id = started[k].id.clone();
                    let command = if rng.chance(95) {
                        Command::Complete { appointment_id }
                    } else {
                        Command::MarkNoShow { appointment_id }
                    };
                    (reception.clone(), command)
                })
            }
        };
        if let Some((actor, command)) = action {
            // Refusals (a full or held slot, a start in the past...) make no events.
            let _ = run(&schedule, &mut book, &mut events, &actor, now, &command);
        }
    }
    events.truncate(EVENTS);
    events
}

fn bench_replay(c: &mut Criterion) {
    let setup = Instant::now();
    let events = replay_events();
    let book = DayBook::from_events(events.clone());
    let occupying = book.appointments().iter().filter(|a| a.occupies()).count();
    eprintln!(
        "replay_10000_events: {} events ({}), generated in {:?}; {} holds, {} appointments \
         ({occupying} occupying)",
        events.len(),
        tally(events.iter().map(|e| e.change.name())),
        setup.elapsed(),
        book.holds().len(),
        book.appointments().len(),
    );
    assert_eq!(events.len(), EVENTS);

    c.bench_function("replay_10000_events", |b| {
        b.iter_batched(
            || events.clone(),
            DayBook::from_events,
            BatchSize::LargeInput,
        )
    });

    // The worst case for the fold: every event a new appointment (the largest record).
    let booking = events
        .iter()
        .find(|e| matches!(e.change, Change::AppointmentBooked { .. }))
        .expect("the mix books appointments");
    let bookings: Vec<Event> = (0..EVENTS)
        .map(|i| {
            let mut e = booking.clone();
            if let Change::AppointmentBooked { appointment } = &mut e.change {
                appointment.id = format!("a-{i}").into();
            }
            e
        })
        .collect();
    c.bench_function("replay_10000_bookings", |b| {
        b.iter_batched(
            || bookings.clone(),
            DayBook::from_events,
            BatchSize::LargeInput,
        )
    });
}

criterion_group!(decision, bench_decision);
criterion_group!(replay, bench_replay);
criterion_main!(decision, replay);
