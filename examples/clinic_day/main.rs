//! # A week at Kochi Family Clinic
//!
//! A worked example of medsched on built-in data: one clinic in Asia/Kolkata (UTC+05:30) with
//! two consultation rooms, three doctors and the week of Monday 19 to Sunday 25 January 2026,
//! seen at a fixed `now` of Monday 19 January, 08:30 in Kochi.
//!
//! The data set (see [`clinic`], [`general_practitioner`], [`paediatrician`],
//! [`dermatologist`] and [`bookings`]) has weekly templates with breaks, an alternate-week
//! roster written as an `rrule`, a one-off and a yearly holiday, approved and requested leave,
//! a replaced and an extended day, an admin forced block, an emergency, and appointments and
//! a hold booked through the booking service on the embedded in-memory store. The example
//! prints:
//!
//! 1. each doctor's week: open and closed time, each with the rule that decided it
//!    ([`Availability::resolve_dates`]);
//! 2. the decision at a few instants, the rule behind it and the rules it overruled
//!    ([`Availability::explain`]);
//! 3. every candidate slot of a 15-minute consult for the GP on Monday, bookable or not and why
//!    ([`Availability::slots`]);
//! 4. the first five consult slots across all three doctors ([`first_available`]);
//! 5. the front desk at work ([`Bookings`] on an [`InMemoryStore`]): a hold, a second patient
//!    refused, the hold booked, a reschedule refused by a holiday then made, leave approved
//!    and the appointments it collides with, a cancellation, the notifications due, and the
//!    audit timeline from the change feed;
//! 6. the token desk ([`Tokens`](medsched::tokens::Tokens)): Dr Menon's Monday morning by token
//!    number, with a booked token, walk-ins, a reserved number, a phone video consult, an
//!    emergency, a skip, a late arrival reinserted, a manual reorder, the board and the
//!    messages to send.
//!
//! Run it from the workspace root (no files, no network, no clock):
//!
//! ```text
//! cargo run --release --example clinic_day
//! ```

mod token_desk;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use medsched::{
    AppointmentType, Availability, Clinic, DateOverride, DoctorCalendar, Holiday, Hours, Interval,
    Leave, LeaveStatus, Location, Occupancy, OverrideKind, Result, Room, RuleKind, Session,
    SlotOptions, SlotRequest, Status, Unavailability, WeeklyTemplate, booking::BookRequest,
    booking::Bookings, booking::HoldRequest, booking::NotificationKind, booking::Schedule,
    first_available, store::Actor, store::InMemoryStore,
};

const LOCATION: &str = "kochi";
const ZONE: Tz = chrono_tz::Asia::Kolkata;

const TENANT: &str = "kochi-family-clinic";

/// A doctor as the front desk knows them: a display name and the compiled rules.
struct Doctor<'a> {
    name: &'static str,
    availability: &'a Availability,
}

fn main() -> Result<()> {
    let now = at(19, "08:30");
    let names = [
        ("dr-menon", "Dr Anil Menon (GP)"),
        ("dr-nair", "Dr Priya Nair (paediatrics)"),
        ("dr-kurian", "Dr Thomas Kurian (dermatology)"),
    ];
    let calendars = [general_practitioner()?, paediatrician()?, dermatologist()?];
    let mut schedule = Schedule::new(TENANT, &clinic(), &calendars, &[consult_type()])?;
    let desk = Bookings::new(InMemoryStore::new());
    book_the_week(&schedule, &desk, now)?;
    let occupancy = week_occupancy(&schedule, &desk, now)?;
    let doctors = names
        .iter()
        .map(|&(id, name)| {
            let availability = schedule.availability(id)?;
            Ok(Doctor { name, availability })
        })
        .collect::<Result<Vec<_>>>()?;
    let (gp, derm) = (&doctors[0], &doctors[2]);

    println!("Kochi Family Clinic, week of Mon 19 Jan 2026 (times in Asia/Kolkata, UTC+05:30)");
    println!("now = {}", at_local(now));

    heading("1. The week, doctor by doctor");
    println!("(outside-hours time before a day's first rule and after its last is not shown)");
    for doctor in &doctors {
        print_week(doctor)?;
    }

    heading("2. Why? (explain)");
    explain(gp, at(19, "12:30"))?;
    explain(derm, at(23, "16:30"))?;
    explain(gp, at(26, "10:00"))?; // Republic Day, the Monday after: a yearly holiday

    heading("3. Consult slots, Dr Anil Menon, Mon 19 Jan");
    let monday = consult(at(19, "00:00"), at(20, "00:00"), now);
    print_slots(gp, &monday, &occupancy)?;

    heading("4. First available consult, any doctor");
    let anyone = consult(now, now + Duration::days(14), now);
    print_first_available(&doctors, &anyone, &occupancy)?;

    heading("5. The front desk (bookings on the in-memory store)");
    drop(doctors);
    front_desk(&mut schedule, &desk, now)?;

    heading("6. The token desk: Dr Menon's Monday morning OPD");
    token_desk::token_desk(&schedule, &desk)
}

// ---------------------------------------------------------------------------------------
// The data: one clinic, three doctors, the bookings already made.
// ---------------------------------------------------------------------------------------

/// The clinic: one location with two single-patient rooms, and its holidays.
fn clinic() -> Clinic {
    let republic_day = NaiveDate::from_ymd_opt(2020, 1, 26).expect("a valid date");
    Clinic {
        locations: vec![Location {
            rooms: vec![
                Room::new("room-1", "Consultation 1", 1),
                Room::new("room-2", "Consultation 2", 1),
            ],
            ..Location::new(LOCATION, "Kochi Family Clinic", "Asia/Kolkata")
        }],
        holidays: vec![
            Holiday::on("temple-festival", "Local temple festival", day(21)),
            // Every 26 January since 2020; in 2026 it falls on the Monday after our week.
            Holiday {
                rrule: Some("FREQ=YEARLY".into()),
                ..Holiday::on("republic-day", "Republic Day", republic_day)
            },
        ],
    }
}

/// The GP: mornings in room 1 (with a tea break) and evenings in room 2, Monday to Saturday.
fn general_practitioner() -> Result<DoctorCalendar> {
    use Weekday::*;
    let mut calendar = DoctorCalendar::new("dr-menon");
    calendar.templates = vec![
        WeeklyTemplate {
            room_id: Some("room-1".into()),
            weekdays: vec![Mon, Tue, Wed, Thu, Fri, Sat],
            sessions: vec![Session::new("09:00", "13:00")?.with_break("11:00", "11:15")?],
            ..WeeklyTemplate::new("gp-morning", LOCATION)
        },
        WeeklyTemplate {
            room_id: Some("room-2".into()),
            weekdays: vec![Mon, Tue, Wed, Thu, Fri, Sat],
            sessions: vec![Session::new("17:00", "20:00")?],
            ..WeeklyTemplate::new("gp-evening", LOCATION)
        },
    ];
    calendar.overrides.push(DateOverride {
        room_id: Some("room-2".into()),
        ..DateOverride::new(
            "gp-friday-late",
            day(23),
            LOCATION,
            OverrideKind::Extra,
            vec![Hours::new("20:00", "21:30")?],
        )
    });
    // Asked for, not approved yet: Saturday stays bookable, flagged as tentative.
    calendar.leaves.push(Leave {
        reason: "family wedding".into(),
        ..Leave::new(
            "leave-menon-wedding",
            LeaveStatus::Requested,
            day(24),
            day(24),
        )
    });
    calendar.forced_blocks.push(Unavailability {
        reason: "NABH accreditation meeting".into(),
        ..Unavailability::new("block-nabh-meeting", at(19, "12:15"), at(19, "13:00"))
    });
    Ok(calendar)
}

/// The paediatrician: Tuesdays and Thursdays of every other week, plus Saturday mornings.
fn paediatrician() -> Result<DoctorCalendar> {
    let mut calendar = DoctorCalendar::new("dr-nair");
    calendar.templates = vec![
        // Weeks counted from Tue 6 Jan: 6/8 Jan, 20/22 Jan, 3/5 Feb, ...
        WeeklyTemplate {
            room_id: Some("room-2".into()),
            rrule: Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH".into()),
            effective_from: Some(day(6)),
            sessions: vec![
                Session::new("09:30", "13:30")?,
                Session::new("14:30", "17:00")?,
            ],
            ..WeeklyTemplate::new("paed-alternate-weeks", LOCATION)
        },
        WeeklyTemplate {
            room_id: Some("room-2".into()),
            weekdays: vec![Weekday::Sat],
            sessions: vec![Session::new("09:00", "12:00")?],
            ..WeeklyTemplate::new("paed-saturday", LOCATION)
        },
    ];
    calendar.leaves.push(Leave {
        start_time: Some(time("13:00")),
        reason: "school annual day".into(),
        ..Leave::new(
            "leave-nair-half-day",
            LeaveStatus::Approved,
            day(22),
            day(22),
        )
    });
    calendar.emergencies.push(Unavailability {
        reason: "called to the NICU".into(),
        ..Unavailability::new("emergency-nicu", at(20, "10:45"), at(20, "12:15"))
    });
    Ok(calendar)
}

/// The dermatologist: Monday, Wednesday and Friday evenings in room 2, which the GP also uses
/// from 17:00; this Friday is replaced by an afternoon in room 1.
fn dermatologist() -> Result<DoctorCalendar> {
    use Weekday::*;
    let mut calendar = DoctorCalendar::new("dr-kurian");
    calendar.templates.push(WeeklyTemplate {
        room_id: Some("room-2".into()),
        weekdays: vec![Mon, Wed, Fri],
        sessions: vec![Session::new("16:00", "19:00")?],
        ..WeeklyTemplate::new("derm-evening", LOCATION)
    });
    calendar.overrides.push(DateOverride {
        room_id: Some("room-1".into()),
        ..DateOverride::new(
            "derm-friday-camp",
            day(23),
            LOCATION,
            OverrideKind::Replace,
            vec![Hours::new("14:00", "17:00")?],
        )
    });
    Ok(calendar)
}

/// The consult: 15 minutes with 5 minutes after, offered every 20 minutes, booked at least
/// 2 hours and at most 14 days ahead.
fn consult_type() -> AppointmentType {
    AppointmentType {
        step_minutes: Some(20),
        buffer_after_minutes: 5,
        min_notice_minutes: 120,
        max_days_ahead: Some(14),
        ..AppointmentType::new("consult", 15)
    }
}

/// The bookings already made when the week opens, made as the front desk makes them: through
/// the booking service, which checks each against the rules and what is already booked.
fn book_the_week(
    schedule: &Schedule,
    desk: &Bookings<InMemoryStore>,
    now: DateTime<Utc>,
) -> Result<()> {
    let reception = Actor::staff("reception");
    let earlier = now - Duration::days(3);
    let visits = [
        ("appt-1001", "pat-501", "dr-menon", at(19, "10:40")),
        ("appt-1002", "pat-502", "dr-kurian", at(19, "17:20")),
        ("appt-1003", "pat-503", "dr-nair", at(20, "09:30")),
    ];
    for (id, patient, doctor, start) in visits {
        desk.book(
            schedule,
            &reception,
            earlier,
            BookRequest {
                appointment_id: id.into(),
                patient_id: patient.into(),
                doctor_id: doctor.into(),
                appointment_type_id: "consult".into(),
                start,
            },
        )?;
    }
    // A patient is filling in the booking form: held for 10 minutes from now.
    desk.hold(
        schedule,
        &Actor::patient("pat-504"),
        now,
        HoldRequest {
            hold_id: "hold-77".into(),
            patient_id: "pat-504".into(),
            doctor_id: "dr-menon".into(),
            appointment_type_id: "consult".into(),
            start: at(19, "11:35"),
            minutes: None,
        },
    )?;
    Ok(())
}

/// What the week's day books hold at `now`: every doctor's appointments and live holds (each
/// doctor's slots count their own, and everyone's in shared rooms).
fn week_occupancy(
    schedule: &Schedule,
    desk: &Bookings<InMemoryStore>,
    now: DateTime<Utc>,
) -> Result<Occupancy> {
    let mut occupancy = Occupancy::default();
    for d in 19..=25 {
        let book = desk.day(schedule, day(d))?;
        occupancy
            .reservations
            .extend(book.occupancy(now, None).reservations);
    }
    Ok(occupancy)
}

/// Consult slots starting in `[start, end)` as seen at `now`.
fn consult(start: DateTime<Utc>, end: DateTime<Utc>, now: DateTime<Utc>) -> SlotRequest {
    SlotRequest {
        appointment_type: consult_type(),
        start,
        end,
        now,
    }
}

/// Section 5: a morning at the front desk.
fn front_desk(
    schedule: &mut Schedule,
    desk: &Bookings<InMemoryStore>,
    now: DateTime<Utc>,
) -> Result<()> {
    let patient = Actor::patient("pat-311");
    let reception = Actor::staff("reception");
    let tuesday_ten = at(20, "10:00");
    let hold = desk.hold(
        schedule,
        &patient,
        now,
        HoldRequest {
            hold_id: "hold-311".into(),
            patient_id: "pat-311".into(),
            doctor_id: "dr-menon".into(),
            appointment_type_id: "consult".into(),
            start: tuesday_ten,
            minutes: None,
        },
    )?;
    let tuesday = hold.book_date;
    println!(
        "  {}  pat-311 holds Dr Menon, Tue 20 Jan 10:00, until {}",
        hm(now),
        hm(hold.expires_at)
    );
    let other = desk.book(
        schedule,
        &Actor::patient("pat-312"),
        now + Duration::minutes(1),
        BookRequest {
            appointment_id: "appt-2001".into(),
            patient_id: "pat-312".into(),
            doctor_id: "dr-menon".into(),
            appointment_type_id: "consult".into(),
            start: tuesday_ten,
        },
    );
    println!(
        "  {}  pat-312 tries the same slot: {}",
        hm(now + Duration::minutes(1)),
        outcome(&other)
    );
    let paid = now + Duration::minutes(4);
    let appt = desk.book_hold(schedule, &patient, paid, tuesday, "hold-311", "appt-2000")?;
    println!(
        "  {}  pat-311 pays: appt-2000 {}",
        hm(paid),
        appt.status.as_str()
    );

    let later = now + Duration::minutes(30);
    let festival = desk.reschedule(
        schedule,
        &patient,
        later,
        tuesday,
        "appt-2000",
        at(21, "10:00"),
    );
    println!(
        "  {}  pat-311 asks for Wed 21 Jan 10:00: {}",
        hm(later),
        outcome(&festival)
    );
    let moved = desk.reschedule(
        schedule,
        &patient,
        later,
        tuesday,
        "appt-2000",
        at(22, "10:00"),
    )?;
    println!(
        "  {}  pat-311 takes Thu 22 Jan 10:00 instead: rescheduled {} time(s)",
        hm(later),
        moved.reschedule_count
    );

    let mut menon = general_practitioner()?;
    menon.leaves.push(Leave {
        reason: "conference".into(),
        ..Leave::new(
            "leave-menon-conference",
            LeaveStatus::Approved,
            day(22),
            day(22),
        )
    });
    schedule.set_calendar(&menon)?;
    let approved = now + Duration::hours(1);
    println!(
        "  {}  leave approved for Dr Menon on Thu 22 Jan; now colliding:",
        hm(approved)
    );
    for c in desk.collisions(schedule, day(19)..=day(25), approved)? {
        let a = &c.appointment;
        println!(
            "           {} ({}, {}): {}",
            a.id,
            a.patient_id,
            at_local(a.slot.start),
            c.reason
        );
    }
    let cancelled = desk.cancel(
        schedule,
        &reception,
        approved,
        tuesday,
        "appt-2000",
        Some("doctor on leave".into()),
    )?;
    let by = cancelled
        .ended_by
        .as_ref()
        .map_or("?".into(), |a| a.to_string());
    println!(
        "  {}  reception cancels appt-2000 ({}, by {by})",
        hm(approved),
        cancelled.status.as_str()
    );

    println!("\n  Notifications (the host sends them): every change in the feed so far,");
    println!("  then the reminders due by Tue 20 Jan 12:00");
    let changes = desk.feed_notifications(schedule, 0, 100)?;
    let since = now - Duration::days(7);
    let due = desk.reminders(schedule, day(19)..=day(25), since, at(20, "12:00"))?;
    for n in changes.notifications.iter().chain(&due) {
        let kind = match n.kind {
            NotificationKind::Reminder { minutes_before } => {
                format!("reminder {minutes_before} min")
            }
            other => other.code().to_owned(),
        };
        println!(
            "    {}  {kind:<18} {} about {} ({})",
            at_local(n.send_at),
            n.patient_id,
            n.appointment_id,
            at_local(n.start)
        );
    }

    println!("\n  Audit timeline (the change feed a host pushes to its screens):");
    for entry in desk.feed(schedule, 0, 100)? {
        let e = &entry.event;
        println!(
            "    #{:<2} {}  {:<26} {:<16} {}",
            entry.position,
            at_local(e.at),
            e.change.topic(),
            e.actor.to_string(),
            entry.stream
        );
    }
    Ok(())
}

/// "ok", or the refusal's message.
fn outcome<T>(result: &Result<T>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(e) => format!("refused ({}): {e}", e.code()),
    }
}

// ---------------------------------------------------------------------------------------
// Printing.
// ---------------------------------------------------------------------------------------

fn heading(title: &str) {
    println!("\n{title}\n{}", "=".repeat(title.len()));
}

/// Section 1: one doctor's week, day by day.
fn print_week(doctor: &Doctor) -> Result<()> {
    println!("\n{}", doctor.name);
    let timeline = doctor
        .availability
        .resolve_dates(LOCATION, day(19), day(25))?;
    for d in 19..=25 {
        print_day(d, &timeline);
    }
    Ok(())
}

/// One local date, 2026-01-`d`: its intervals, one line each.
fn print_day(d: u32, timeline: &[Interval]) {
    let label = day(d).format("%a %d %b").to_string();
    let pieces = day_pieces(d, timeline);
    if pieces.is_empty() {
        println!("  {label}  closed all day: outside hours (no session)");
    }
    let day_end = at(d + 1, "00:00");
    for (n, i) in pieces.iter().enumerate() {
        let label = if n == 0 { label.as_str() } else { "" };
        let from = hm(i.start);
        let to = if i.end == day_end {
            "24:00".into()
        } else {
            hm(i.end)
        };
        let status = i.status;
        let reason = rule(i.rule, i.rule_id.as_ref());
        let room = match (i.status, &i.room_id) {
            (Status::Open, Some(room)) => format!(" in {room}"),
            _ => String::new(),
        };
        // Requested leave closes nothing: flag open time so the front desk can warn.
        let tentative = match (i.status, &i.tentative_leave_id) {
            (Status::Open, Some(leave)) => format!("  [tentative: {leave} requested]"),
            _ => String::new(),
        };
        println!("  {label:<10}  {from}-{to}  {status:<6}  {reason}{room}{tentative}");
    }
}

/// The intervals of local date 2026-01-`d`, clipped to it, without the night's outside hours.
/// Neighbours that differ only in room or location (a holiday over a session and over the
/// night, say) are merged for reading.
fn day_pieces(d: u32, timeline: &[Interval]) -> Vec<Interval> {
    let (day_start, day_end) = (at(d, "00:00"), at(d + 1, "00:00"));
    let today = timeline
        .iter()
        .filter(|i| i.end > day_start && i.start < day_end);
    let mut pieces: Vec<Interval> = Vec::new();
    for i in today {
        match pieces.last_mut() {
            Some(last) if same_reason(last, i) => last.end = i.end.min(day_end),
            _ => pieces.push(Interval {
                start: i.start.max(day_start),
                end: i.end.min(day_end),
                ..i.clone()
            }),
        }
    }
    let ruled = |i: &Interval| i.rule != RuleKind::OutsideHours;
    let first = pieces.iter().position(ruled).unwrap_or(pieces.len());
    let last = pieces.iter().rposition(ruled).map_or(first, |n| n + 1);
    pieces.truncate(last);
    pieces.drain(..first);
    pieces
}

fn same_reason(a: &Interval, b: &Interval) -> bool {
    a.end == b.start
        && (a.status, a.rule, &a.rule_id, &a.tentative_leave_id)
            == (b.status, b.rule, &b.rule_id, &b.tentative_leave_id)
}

/// Section 2: the decision at one instant, and the rules it overruled.
fn explain(doctor: &Doctor, instant: DateTime<Utc>) -> Result<()> {
    let why = doctor.availability.explain(instant)?;
    let (name, when, status) = (doctor.name, at_local(instant), why.status);
    println!("\n{name}, {when}: {status}");
    println!("  decided by  {}", rule(why.rule, why.rule_id.as_ref()));
    for lost in &why.overruled {
        println!("  overruled   {}", rule(lost.kind, Some(&lost.id)));
    }
    Ok(())
}

/// Section 3: every candidate slot of one doctor, bookable or not.
fn print_slots(doctor: &Doctor, request: &SlotRequest, occupancy: &Occupancy) -> Result<()> {
    let options = SlotOptions {
        include_unavailable: true,
        limit: None,
    };
    let series = doctor.availability.slots(request, occupancy, options)?;
    let open = series.slots.iter().map(|s| {
        let room = s.place.room_id.as_ref().map_or("no room", |r| r.as_str());
        let line = format!("{room}, {} left", s.capacity_left);
        (s.start, format!("🟢 {}-{}  {line}", hm(s.start), hm(s.end)))
    });
    let taken = series.unavailable.iter().map(|u| {
        let why = &u.reason;
        (u.start, format!("🔴 {}-{}  {why}", hm(u.start), hm(u.end)))
    });
    let mut rows: Vec<_> = open.chain(taken).collect();
    rows.sort();
    for (_, line) in &rows {
        println!("  {line}");
    }
    let (bookable, not) = (series.slots.len(), series.unavailable.len());
    println!("  {bookable} bookable, {not} not");
    Ok(())
}

/// Section 4: the earliest slots across every doctor.
fn print_first_available(
    doctors: &[Doctor],
    request: &SlotRequest,
    occupancy: &Occupancy,
) -> Result<()> {
    let everyone = doctors.iter().map(|d| (d.availability, occupancy));
    for (n, slot) in first_available(everyone, request, 5)?.iter().enumerate() {
        let name = doctors
            .iter()
            .find(|d| d.availability.doctor_id() == &slot.place.doctor_id)
            .map_or("?", |d| d.name);
        let room = slot
            .place
            .room_id
            .as_ref()
            .map_or("no room", |r| r.as_str());
        let when = slot.local_start.format("%a %d %b %H:%M");
        println!("  {}. {when}  {name}, {room}", n + 1);
    }
    Ok(())
}

/// A rule as "kind id", e.g. "forced_block block-nabh-meeting".
fn rule(kind: RuleKind, id: Option<&medsched::Id>) -> String {
    match id {
        Some(id) => format!("{kind} {id}"),
        None => kind.to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// Time helpers: dates of January 2026 and wall-clock times in Kochi.
// ---------------------------------------------------------------------------------------

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, d).expect("a January 2026 date")
}

fn time(hh_mm: &str) -> NaiveTime {
    NaiveTime::parse_from_str(hh_mm, "%H:%M").expect("HH:MM")
}

/// The instant of local time `hh:mm` on 2026-01-`d` in Kochi.
fn at(d: u32, hh_mm: &str) -> DateTime<Utc> {
    let local = ZONE.from_local_datetime(&day(d).and_time(time(hh_mm)));
    local.single().expect("India has no DST").to_utc()
}

/// Local "HH:MM" of an instant.
fn hm(t: DateTime<Utc>) -> String {
    t.with_timezone(&ZONE).format("%H:%M").to_string()
}

/// An instant as local time, with its UTC, e.g. "Mon 19 Jan 08:30 (03:00 UTC)".
fn at_local(t: DateTime<Utc>) -> String {
    let l = t.with_timezone(&ZONE).format("%a %d %b %H:%M");
    format!("{l} ({})", t.format("%H:%M UTC"))
}
