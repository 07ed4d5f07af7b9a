//! The properties the fuzz targets check, one function per target. Each takes the fuzzer's
//! bytes and panics when a property fails; the targets in `fuzz_targets/` call them under
//! libFuzzer (nightly), and `tests/corpora.rs` replays every corpus and regression file
//! through them on stable.

use chrono::{DateTime, Duration, NaiveDate, Utc, Weekday};
use medsched::booking::{AppointmentStatus, Bookings, Command, Schedule};
use medsched::store::{Actor, Event, InMemoryStore, LoadedStream, StreamId};
use medsched::tokens::Tokens;
use medsched::tokens::{QueueDay, QueueRules, TokenCommand, TokenKind, TokenRequest, TokenSession};
use medsched::{
    AppointmentType, Availability, Clinic, ClinicRules, DoctorCalendar, Error, Holiday, Limits,
    Location, Occupancy, Session, SlotOptions, SlotRequest, WeeklyTemplate,
};
use serde::Deserialize;

/// The names of the targets, as `fuzz_targets/` and the corpus folders name them.
pub const TARGETS: [&str; 7] = [
    "calendar",
    "recurrence",
    "booking",
    "tokens",
    "events",
    "ics",
    "fhir",
];

/// Runs the target `name` on `data`.
///
/// # Panics
///
/// For an unknown name, and when the target's property fails.
pub fn run(name: &str, data: &[u8]) {
    match name {
        "calendar" => calendar(data),
        "recurrence" => recurrence(data),
        "booking" => booking(data),
        "tokens" => tokens(data),
        "events" => events(data),
        "ics" => ics(data),
        "fhir" => fhir(data),
        other => panic!("no fuzz target {other}"),
    }
}

/// A refusal must be a typed refusal of the input, with a message: never a storage failure,
/// a conflict (nothing runs concurrently here) or an empty text.
#[track_caller]
fn assert_refusal(err: &Error) {
    assert!(
        !matches!(err, Error::Storage { .. } | Error::Conflict { .. }),
        "not a refusal: {err:?}"
    );
    assert!(!err.to_string().is_empty());
    if let Some(value) = err.value() {
        // Error values are cut: 200 characters, an ellipsis and the length.
        assert!(
            value.chars().count() <= 240,
            "value not cut: {}",
            value.len()
        );
    }
}

/// What the `calendar` target reads: a clinic, one calendar, a range and an appointment
/// type, as JSON (the shapes of the public records).
#[derive(Deserialize)]
struct CalendarInput {
    clinic: Clinic,
    calendar: DoctorCalendar,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    #[serde(default = "consult")]
    appointment_type: AppointmentType,
    #[serde(default)]
    include_unavailable: bool,
}

fn consult() -> AppointmentType {
    AppointmentType::new("consult", 15)
}

/// Calendar JSON → compile → resolve and slots: never a panic; refusals are
/// `invalid_input`; a timeline covers the range in order; slots are in order, inside the
/// range, and no more candidates than [`Limits::max_slots`].
pub fn calendar(data: &[u8]) {
    let Ok(input) = serde_json::from_slice::<CalendarInput>(data) else {
        return;
    };
    let rules = match ClinicRules::new(&input.clinic) {
        Ok(rules) => rules,
        Err(err) => return assert!(err.is_invalid_input(), "{err:?}"),
    };
    let availability = match Availability::new(&rules, &input.calendar) {
        Ok(a) => a,
        Err(err) => return assert!(err.is_invalid_input(), "{err:?}"),
    };
    match availability.resolve(input.start, input.end) {
        Ok(timeline) => {
            // Instants are counted in whole seconds, rounded up.
            let first = timeline.first().map(|i| i.start - input.start);
            assert!(first.is_some_and(|d| d >= Duration::zero() && d < Duration::seconds(1)));
            let last = timeline.last().map(|i| i.end - input.end);
            assert!(last.is_some_and(|d| d >= Duration::zero() && d < Duration::seconds(1)));
            assert!(timeline.windows(2).all(|w| w[0].end == w[1].start));
        }
        Err(err) => assert!(err.is_invalid_input(), "{err:?}"),
    }
    let request = SlotRequest {
        appointment_type: input.appointment_type,
        start: input.start,
        end: input.end,
        now: input.start,
    };
    let options = SlotOptions {
        include_unavailable: input.include_unavailable,
        limit: None,
    };
    match availability.slots(&request, &Occupancy::default(), options) {
        Ok(series) => {
            let count = series.slots.len() + series.unavailable.len();
            assert!(count <= Limits::DEFAULT.max_slots as usize);
            assert!(series.slots.windows(2).all(|w| w[0].start < w[1].start));
            for slot in &series.slots {
                assert!(slot.start >= input.start && slot.start < input.end);
                assert!(slot.end > slot.start);
            }
        }
        Err(err) => assert!(err.is_invalid_input(), "{err:?}"),
    }
}

/// A recurrence rule: the first two bytes pick `DTSTART` from 1900 to 2200, the rest is
/// the rule. A holiday with it compiles or is refused as `invalid_input`; when it compiles,
/// a resolution across a year is whole.
pub fn recurrence(data: &[u8]) {
    let (start, rule) = match data {
        [a, b, rest @ ..] => (u16::from_le_bytes([*a, *b]), rest),
        _ => return,
    };
    let Ok(rule) = std::str::from_utf8(rule) else {
        return;
    };
    let first =
        // 109,500 days from 1 January 1900 end on 20 October 2199: every start lies in
        // 1900–2199, so the rule, not the start, decides whether the holiday compiles.
        NaiveDate::from_ymd_opt(1900, 1, 1).unwrap()
            + chrono::Days::new(u64::from(start) * 2 % 109_500);
    let mut holiday = Holiday::on("h", "Recurring", first);
    holiday.rrule = Some(rule.to_owned());
    let clinic = Clinic {
        locations: vec![Location::new("main", "Main", "Asia/Kolkata")],
        holidays: vec![holiday],
    };
    let rules = match ClinicRules::new(&clinic) {
        Ok(rules) => rules,
        Err(err) => {
            assert_refusal(&err);
            return assert_eq!(err.field(), Some("holidays[0].rrule"), "{err:?}");
        }
    };
    let mut calendar = DoctorCalendar::new("dr-a");
    calendar.templates.push(WeeklyTemplate {
        weekdays: vec![Weekday::Mon, Weekday::Wed],
        sessions: vec![Session::new("09:00", "12:00").unwrap()],
        ..WeeklyTemplate::new("t", "main")
    });
    let availability = Availability::new(&rules, &calendar).unwrap();
    let from = first.and_hms_opt(0, 0, 0).unwrap().and_utc();
    let until = (from + Duration::days(366)).min(t("2200-12-31T00:00:00Z"));
    if until > from {
        let timeline = availability.resolve(from, until).unwrap();
        assert!(timeline.windows(2).all(|w| w[0].end == w[1].start));
    }
}

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// The tenant's rules for the command-sequence targets: Dr A, Monday 2 March 2026
/// 09:00–11:00 UTC, one patient at a time, 15-minute consults (8 slots).
fn booking_schedule() -> Schedule {
    let clinic = Clinic {
        locations: vec![Location::new("main", "Main", "UTC")],
        holidays: vec![],
    };
    let mut calendar = DoctorCalendar::new("dr-a");
    calendar.templates.push(WeeklyTemplate {
        weekdays: vec![Weekday::Mon],
        sessions: vec![Session::new("09:00", "11:00").unwrap()],
        ..WeeklyTemplate::new("mon", "main")
    });
    let consult = AppointmentType::new("consult", 15);
    let long = AppointmentType::new("long", 30);
    Schedule::new("clinic-1", &clinic, &[calendar], &[consult, long]).unwrap()
}

/// A sequence of booking commands on one day book, three bytes a command, checked against
/// a simple model: at no instant do more live appointments and holds overlap than the
/// doctor's capacity (one), an appointment id is booked at most once, and every refusal is
/// a typed refusal with a reason.
pub fn booking(data: &[u8]) {
    let schedule = booking_schedule();
    let store = InMemoryStore::new();
    let bookings = Bookings::new(&store);
    let date = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let mut now = t("2026-03-01T08:00:00Z");
    let slot = |k: u8| t("2026-03-02T09:00:00Z") + Duration::minutes(15 * i64::from(k % 9));
    let kind = |k: u8| if k & 0x80 == 0 { "consult" } else { "long" };
    for op in data.chunks_exact(3) {
        let (a, b) = (op[1], op[2]);
        let appointment_id = format!("a-{}", a % 6).into();
        let hold_id = format!("h-{}", b % 6).into();
        let patient_id = format!("p-{}", b % 3);
        let command = match op[0] % 9 {
            0 => Command::PlaceHold {
                hold_id: format!("h-{}", a % 6).into(),
                patient_id: patient_id.clone().into(),
                doctor_id: "dr-a".into(),
                appointment_type_id: kind(b).into(),
                start: slot(b),
                minutes: None,
            },
            1 => Command::Book {
                appointment_id,
                patient_id: patient_id.clone().into(),
                doctor_id: "dr-a".into(),
                appointment_type_id: kind(b).into(),
                start: slot(b),
            },
            2 => Command::BookHold {
                appointment_id,
                hold_id,
            },
            3 => Command::Cancel {
                appointment_id,
                reason: None,
            },
            4 => Command::Reschedule {
                appointment_id,
                start: slot(b),
            },
            5 => Command::ReleaseHold { hold_id },
            6 => {
                now += Duration::minutes(i64::from(b % 16));
                Command::ExpireHolds
            }
            7 => Command::Confirm { appointment_id },
            _ => Command::ExtendHold {
                hold_id,
                minutes: Some(u32::from(b % 20)),
            },
        };
        let actor = if a & 0x80 == 0 {
            Actor::staff("rcp-1")
        } else {
            Actor::patient(patient_id)
        };
        let result = bookings.execute(&schedule, &actor, now, date, &command);
        let book = match result {
            Ok((book, _)) => book,
            Err(err) => {
                assert_refusal(&err);
                bookings.day(&schedule, date).unwrap()
            }
        };
        // The model: live appointments and holds never overlap (capacity one).
        let mut live: Vec<(DateTime<Utc>, DateTime<Utc>)> = book
            .appointments()
            .iter()
            .filter(|x| {
                matches!(
                    x.status,
                    AppointmentStatus::Pending | AppointmentStatus::Confirmed
                )
            })
            .map(|x| (x.slot.start, x.slot.end))
            .chain(
                book.holds()
                    .iter()
                    .filter(|h| h.is_active(now))
                    .map(|h| (h.slot.start, h.slot.end)),
            )
            .collect();
        live.sort();
        assert!(
            live.windows(2).all(|w| w[0].1 <= w[1].0),
            "more than capacity: {live:?}"
        );
        let mut ids: Vec<&str> = book.appointments().iter().map(|x| x.id.as_str()).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "an appointment id booked twice");
    }
}

/// A sequence of token commands on one queue, three bytes a command: token numbers stay
/// unique and gap-free (1 to n, whatever was cancelled, moved or reassigned), and every
/// refusal is a typed refusal with a reason.
pub fn tokens(data: &[u8]) {
    let tokens = Tokens::new(InMemoryStore::new());
    let day = QueueDay::new(
        "clinic-1",
        "dr-a",
        NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
    );
    let mut rules = QueueRules::new(vec![
        TokenSession::new(
            "morning",
            t("2026-03-02T03:30:00Z"),
            t("2026-03-02T07:30:00Z"),
        ),
        TokenSession::new(
            "evening",
            t("2026-03-02T10:30:00Z"),
            t("2026-03-02T13:30:00Z"),
        ),
    ]);
    rules.sessions[0].max_tokens = Some(12);
    let mut now = t("2026-03-02T03:00:00Z");
    let staff = Actor::staff("rcp-1");
    for op in data.chunks_exact(3) {
        let (a, b) = (op[1], op[2]);
        let number = u32::from(a % 16);
        let command = match op[0] % 12 {
            0 | 1 => {
                let kind = match b % 4 {
                    0 => TokenKind::WalkIn,
                    1 => TokenKind::Phone,
                    2 => TokenKind::Emergency,
                    _ => TokenKind::Booked,
                };
                let mut request =
                    TokenRequest::new(format!("t-{}", a % 20), kind, format!("p-{b}"));
                if kind == TokenKind::Booked {
                    request.expected_at = Some(now + Duration::minutes(i64::from(b)));
                }
                TokenCommand::Issue(request)
            }
            2 => TokenCommand::CallNext,
            3 => TokenCommand::Start { number },
            4 => TokenCommand::Complete { number },
            5 => TokenCommand::Cancel {
                number,
                reason: None,
            },
            6 => TokenCommand::Skip {
                number,
                reason: None,
            },
            7 => TokenCommand::MarkLate {
                number,
                reason: None,
            },
            8 => TokenCommand::Reinsert {
                number,
                after: Some(u32::from(b % 16)),
                reason: None,
            },
            9 => TokenCommand::Reassign {
                number,
                token_id: format!("t-{}", b % 20).into(),
                reason: None,
            },
            10 => TokenCommand::Move {
                number,
                position: usize::from(b % 8),
                reason: None,
            },
            _ => {
                now += Duration::minutes(i64::from(b % 64));
                TokenCommand::CheckIn { number }
            }
        };
        if let Err(err) = tokens.execute(&day, &rules, &staff, now, &command) {
            assert_refusal(&err);
        }
        let queue = tokens.queue(&day).unwrap();
        let mut numbers: Vec<u32> = queue.tokens().iter().map(|t| t.number).collect();
        numbers.sort_unstable();
        let expected: Vec<u32> = (1..=numbers.len() as u32).collect();
        assert_eq!(numbers, expected, "numbers not unique and gap-free");
    }
}

/// Event JSON: whatever decodes writes back to JSON that decodes to the same event, and a
/// stream of it is checked without a panic.
pub fn events(data: &[u8]) {
    let Ok(event) = serde_json::from_slice::<Event>(data) else {
        return;
    };
    let json = serde_json::to_string(&event).unwrap();
    let again: Event = serde_json::from_str(&json).unwrap();
    assert_eq!(again, event);
    let date = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    for stream in [
        StreamId::new(event.tenant.clone(), date),
        StreamId::tokens(event.tenant.clone(), "dr-a", date),
    ] {
        let loaded = LoadedStream {
            events: vec![event.clone()],
            version: 1,
        };
        if let Err(err) = loaded.check(&stream) {
            assert_eq!(err.code(), "storage");
        }
    }
}

/// Fuzz target `ics`: any text read as an external calendar (`medsched_interop::read_ics`)
/// gives busy times inside the window, no more than the limit, or a typed refusal; never a
/// panic, never unbounded work.
pub fn ics(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    let mut request = medsched_interop::IcsRead::new(
        at("2026-01-01T00:00:00Z"),
        at("2026-04-01T00:00:00Z"),
        chrono_tz::Europe::London,
    );
    request.limits.max_occurrences = 2_000;
    match medsched_interop::read_ics(text, &request) {
        Ok(busy) => {
            assert!(busy.len() <= 2_000);
            for b in &busy {
                assert!(b.start < b.end, "{b:?}");
                assert!(b.end > request.start && b.start < request.end, "{b:?}");
            }
        }
        Err(err) => assert_refusal(&err),
    }
}

/// Fuzz target `fhir`: any text read as a FHIR bundle (`medsched_interop::read_fhir`) gives
/// busy times that end after they start, or a typed refusal; never a panic.
pub fn fhir(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match medsched_interop::read_fhir(text, &medsched_interop::InteropLimits::DEFAULT) {
        Ok(found) => {
            for b in &found.busy {
                assert!(b.start < b.end, "{b:?}");
            }
            for a in &found.appointments {
                assert!(a.start < a.end, "{a:?}");
            }
        }
        Err(err) => assert_refusal(&err),
    }
}
