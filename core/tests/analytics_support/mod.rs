//! A clinic week in Kochi, run through the booking and token services over the in-memory
//! store: the feed, the open time offered and the host's observations the analytics tests,
//! the JSON vector (`testdata/analytics/clinic_week.json`) and the `clinic_report` example
//! read.
//!
//! Dr Asha: Monday to Saturday 09:00-13:00 in room r1, on leave on Wednesday, a forced
//! block Tuesday 11:00-12:00, and the clinic's holiday on Friday. Dr Menon: Monday to
//! Friday 14:00-18:00 in room r2. Appointments of 15 minutes booked over the week before,
//! some cancelled, then completed or missed; Monday morning's token queue for Dr Asha.
#![allow(
    dead_code,
    reason = "each file that includes the scenario uses a part of it"
)]

use chrono::{DateTime, Duration, NaiveDate, Utc, Weekday};
use medsched::{
    AppointmentType, Availability, Clinic, ClinicRules, DoctorCalendar, Holiday, Interval, Leave,
    LeaveStatus, Location, Result, Room, Session, Unavailability, WeeklyTemplate,
    analytics::Observation,
    booking::{BookRequest, Bookings, Schedule},
    store::{Actor, Event, EventStore, FeedEntry, InMemoryStore, StreamId},
    tokens::{QueueDay, QueueRules, TokenCommand, TokenKind, TokenRequest, TokenSession, Tokens},
};

pub const TENANT: &str = "kochi-clinic";
pub const ZONE: &str = "Asia/Kolkata";

pub fn date(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).expect("a March 2026 date")
}

/// `hh:mm` in Kochi on 2026-03-`d`, as UTC (Kochi is UTC+5:30).
pub fn kochi(d: u32, hm: &str) -> DateTime<Utc> {
    let local = date(d).and_time(hm.parse().expect("hh:mm"));
    local.and_utc() - Duration::minutes(330)
}

pub fn clinic() -> Clinic {
    let mut kochi = Location::new("kochi", "Kochi OPD", ZONE);
    kochi.rooms.push(Room::new("r1", "Room 1", 1));
    kochi.rooms.push(Room::new("r2", "Room 2", 1));
    Clinic {
        locations: vec![kochi],
        holidays: vec![Holiday::on("attukal-pongala", "Attukal Pongala", date(6))],
    }
}

pub fn calendars() -> Vec<DoctorCalendar> {
    use Weekday::*;
    let mut asha = DoctorCalendar::new("dr-asha");
    asha.templates.push(WeeklyTemplate {
        room_id: Some("r1".into()),
        weekdays: vec![Mon, Tue, Wed, Thu, Fri, Sat],
        sessions: vec![Session::new("09:00", "13:00").expect("a session")],
        ..WeeklyTemplate::new("asha-opd", "kochi")
    });
    asha.leaves.push(Leave::new(
        "asha-leave",
        LeaveStatus::Approved,
        date(4),
        date(4),
    ));
    asha.forced_blocks.push(Unavailability::new(
        "board-meeting",
        kochi(3, "11:00"),
        kochi(3, "12:00"),
    ));
    let mut menon = DoctorCalendar::new("dr-menon");
    menon.templates.push(WeeklyTemplate {
        room_id: Some("r2".into()),
        weekdays: vec![Mon, Tue, Wed, Thu, Fri],
        sessions: vec![Session::new("14:00", "18:00").expect("a session")],
        ..WeeklyTemplate::new("menon-opd", "kochi")
    });
    vec![asha, menon]
}

pub fn schedule() -> Schedule {
    let consult = AppointmentType::new("consult", 15);
    Schedule::new(TENANT, &clinic(), &calendars(), &[consult]).expect("the schedule")
}

/// Each doctor's timeline of the week (Monday 2 to Sunday 8 March), as `resolve` gives it.
pub fn timelines() -> Vec<(String, Vec<Interval>)> {
    let rules = ClinicRules::new(&clinic()).expect("the rules");
    calendars()
        .iter()
        .map(|calendar| {
            let availability = Availability::new(&rules, calendar).expect("compiles");
            let week = availability
                .resolve_dates("kochi", date(2), date(8))
                .expect("the week");
            (calendar.doctor_id.to_string(), week)
        })
        .collect()
}

/// The week: its feed, the open time offered and the host's observations.
pub struct Week {
    pub store: InMemoryStore,
    pub feed: Vec<FeedEntry>,
    pub observations: Vec<Observation>,
}

/// A small deterministic generator (a linear congruential one), so the week is the same
/// on every run and in every language's copy of the vector.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % sides
    }
}

pub fn week() -> Result<Week> {
    let schedule = schedule();
    let store = InMemoryStore::new();
    let bookings = Bookings::new(&store);
    let mut dice = Dice(22);
    let mut observations = Vec::new();
    let mut booked = Vec::new();
    let desk = Actor::staff("reception");
    // Bookings, made over the week before (Monday 23 February onwards), some by patients.
    let sessions = [("dr-asha", "09:00", 16), ("dr-menon", "14:00", 16)];
    let mut n = 0;
    for d in 2..=7 {
        for (doctor, from, slots) in sessions {
            for k in 0..slots {
                if dice.roll(10) >= 6 {
                    continue;
                }
                n += 1;
                let start = kochi(d, from) + Duration::minutes(15 * k);
                let lead_hours = [1, 5, 20, 30, 60, 100, 150, 200][dice.roll(8) as usize];
                let now = start - Duration::hours(lead_hours);
                let online = dice.roll(3) > 0;
                let patient = format!("pat-{n}");
                let actor = if online {
                    Actor::patient(patient.as_str())
                } else {
                    desk.clone()
                };
                if online {
                    observations.push(Observation::SearchRecorded {
                        at: now - Duration::minutes(3),
                        doctor_id: Some(doctor.into()),
                        patient_id: Some(patient.as_str().into()),
                    });
                    if dice.roll(2) == 0 {
                        observations.push(Observation::SearchRecorded {
                            at: now - Duration::minutes(9),
                            doctor_id: None,
                            patient_id: None,
                        });
                    }
                }
                let request = BookRequest {
                    appointment_id: format!("appt-{n}").into(),
                    patient_id: patient.as_str().into(),
                    doctor_id: doctor.into(),
                    appointment_type_id: "consult".into(),
                    start,
                };
                // Slots on leave, on the holiday or in the block are refused: skip them.
                if let Ok(appointment) = bookings.book(&schedule, &actor, now, request) {
                    booked.push((date(d), appointment, start));
                }
            }
        }
    }
    // Outcomes: a few cancelled the day before, the rest completed or missed.
    for (day, appointment, start) in &booked {
        let id = appointment.id.as_str();
        match dice.roll(10) {
            0 => {
                let reason = Some("feeling better".to_owned());
                bookings.cancel(
                    &schedule,
                    &desk,
                    *start - Duration::hours(18),
                    *day,
                    id,
                    reason,
                )?;
            }
            1 => {
                bookings.mark_no_show(
                    &schedule,
                    &desk,
                    *start + Duration::minutes(20),
                    *day,
                    id,
                )?;
            }
            _ => {
                bookings.complete(&schedule, &desk, *start + Duration::minutes(15), *day, id)?;
            }
        }
    }
    monday_queue(&store, &mut dice, &mut observations)?;
    let feed = bookings.feed(&schedule, 0, 10_000)?;
    Ok(Week {
        store,
        feed,
        observations,
    })
}

/// Dr Asha's Monday token queue: walk-ins, phone bookings and an emergency, seen in turn;
/// two patients not there when called, one of them back late. A wait estimate is shown to
/// each patient when the token is issued (8 minutes a patient ahead).
fn monday_queue(
    store: &InMemoryStore,
    dice: &mut Dice,
    observations: &mut Vec<Observation>,
) -> Result<()> {
    let tokens = Tokens::new(store);
    let day = QueueDay::new(TENANT, "dr-asha", date(2));
    let rules = QueueRules::new(vec![TokenSession::new(
        "morning",
        kochi(2, "09:00"),
        kochi(2, "13:00"),
    )]);
    let desk = Actor::staff("reception");
    let run = |now: DateTime<Utc>, command: TokenCommand| {
        tokens.execute(&day, &rules, &desk, now, &command)
    };
    let mut clock = kochi(2, "08:40");
    let mut issued = 0;
    let mut issue = |clock: DateTime<Utc>, kind: TokenKind, observations: &mut Vec<Observation>| {
        issued += 1;
        let request = TokenRequest::new(format!("tok-{issued}"), kind, format!("walk-{issued}"));
        let update = run(clock, TokenCommand::Issue(request))?;
        let token = update.token.expect("the token issued");
        let ahead = update
            .queue
            .position(token.number)
            .unwrap_or(1)
            .saturating_sub(1);
        observations.push(Observation::WaitEstimated {
            at: clock,
            doctor_id: "dr-asha".into(),
            date: date(2),
            number: token.number,
            minutes: 8.0 * f64::from(ahead as u32 + 1),
        });
        Ok::<u32, medsched::Error>(token.number)
    };
    for i in 0..6 {
        let kind = if i % 3 == 2 {
            TokenKind::Phone
        } else {
            TokenKind::WalkIn
        };
        issue(clock, kind, observations)?;
        clock += Duration::minutes(4);
    }
    clock = kochi(2, "09:05");
    let mut seen = 0;
    while clock < kochi(2, "12:40") {
        if clock < kochi(2, "11:30") && dice.roll(3) == 0 {
            let kind = if dice.roll(8) == 0 {
                TokenKind::Emergency
            } else {
                TokenKind::WalkIn
            };
            issue(clock, kind, observations)?;
        }
        let called = match run(clock, TokenCommand::CallNext) {
            Ok(update) => update.token.map(|t| t.number),
            Err(_) => None,
        };
        let Some(number) = called else {
            clock += Duration::minutes(5);
            continue;
        };
        seen += 1;
        if seen == 3 || seen == 7 {
            let reason = Some("not in the waiting area".to_owned());
            run(
                clock + Duration::minutes(1),
                TokenCommand::Skip { number, reason },
            )?;
            if seen == 3 {
                let late = Some("came back after the call".to_owned());
                run(
                    clock + Duration::minutes(20),
                    TokenCommand::MarkLate {
                        number,
                        reason: late,
                    },
                )?;
            }
            clock += Duration::minutes(2);
            continue;
        }
        run(clock + Duration::minutes(1), TokenCommand::Start { number })?;
        clock += Duration::minutes(1 + 5 + dice.roll(10) as i64);
        run(clock, TokenCommand::Complete { number })?;
    }
    Ok(())
}

/// The events of Dr Asha's Monday queue, for the queue picture.
pub fn monday_queue_events(store: &InMemoryStore) -> Result<Vec<Event>> {
    Ok(store
        .load(&StreamId::tokens(TENANT, "dr-asha", date(2)))?
        .events)
}
