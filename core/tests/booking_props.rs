//! Property tests of the booking service: random interleavings of holds, bookings,
//! lifecycle changes and rule changes, run through `Bookings<InMemoryStore>` and checked
//! after every step against an independent model written here.
//!
//! The model never calls medsched's slot engine. It keeps its own list of holds and
//! appointments (updated from successful commands only), and decides slots minute by minute:
//! a start is a candidate when it lies on the session's step grid and the slot fits in the
//! session; it is closed when any of its minutes is outside the session, on approved leave
//! or in a forced block; it fits when, at every minute of it and its buffers, the claims
//! already there (appointments that occupy their slot, holds active at `now`, each with its
//! own buffers) leave room for one more on the doctor (`max_parallel`), the mode and the
//! room (`capacity`).
//!
//! Each case builds a small clinic (one location in Asia/Kolkata, 2-3 doctors working
//! Monday and Tuesday mornings, 1-2 rooms of capacity 1 or 2 that doctors may share,
//! `max_parallel` 1 or 2, sometimes a video capacity of 1; 2-4 appointment types of 10, 15,
//! 20 or 30 minutes with buffers 0 or 5, some with minimum notice or stricter policies), then
//! runs 10-100 random steps: `now` moves on (by whole minutes or by seconds); holds are
//! placed, extended, released, expired and booked; slots are booked directly (by a patient
//! who holds that very slot, from their hold); holds, bookings and bookings of holds are sent
//! again with an id already used, as the same request or another; appointments are
//! confirmed, declined, cancelled, completed, marked no-show and rescheduled (on their day
//! through `execute`, or to either day through `Bookings::reschedule`; sometimes to their
//! current start); a doctor's rules change through `Schedule::set_calendar` (approved or
//! requested leave, a forced block, a lower `max_parallel`); and a new `Schedule` changes a
//! type's policy, removes or restores a type or a doctor, or lowers a room's capacity.
//! Actors are the patient concerned, another patient, staff or the system. Commands go
//! through `Bookings::execute` or the convenience methods.
//!
//! The model also keeps what the booking layer promises beyond slots: a repeat of a hold
//! (while active) or of a booking or a hold's booking (while upcoming) with the same id and
//! request changes nothing, any other use of the id is a duplicate; a reschedule to the
//! current start changes nothing; cancelling and rescheduling follow the policy an
//! appointment was booked under, even once its type changed or left the schedule; a doctor
//! or type no longer in the schedule is not found.
//!
//! Properties:
//!
//! - every command gives what the model predicts: the same success or the same typed
//!   refusal (never a panic, never a `Conflict` from a single writer), and a command that
//!   changes nothing appends nothing;
//! - every successful hold, booking or reschedule leaves the doctor, mode and room counts
//!   within the capacity in force at that moment, over the whole span of the new claim;
//! - the day books replay: folding a stream's events gives the book the last `execute` on
//!   that day returned, and folding twice gives equal books; the model agrees with them;
//! - after a rule change, `Bookings::collisions` lists exactly the upcoming appointments, of
//!   every doctor, the model finds no longer allowed, checked in booking order against the
//!   ones kept before them (in particular every one overlapping a newly closed period, and
//!   every one of a doctor no longer in the schedule);
//! - the tenant feed holds every stream's events in order, at positions 1, 2, 3, ... (as
//!   the in-memory store numbers them).
//!
//! `PROPTEST_CASES=n` runs `n` cases instead of the default.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use medsched::{
    Actor, Appointment, AppointmentStatus, AppointmentType, BookRequest, BookingPolicy, Bookings,
    Change, Clinic, Command, ConsultationMode, DayBook, DoctorCalendar, Error, Event, EventStore,
    Hold, HoldRequest, HoldStatus, InMemoryStore, Leave, LeaveStatus, Location, ModeCapacity, Room,
    RuleKind, Schedule, Session, SessionSettings, SlotClaim, StreamId, Unavailability, Unavailable,
    WeeklyTemplate,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const TENANT: &str = "clinic-props";
const LOCATION: &str = "kochi";
/// Asia/Kolkata is UTC+05:30 all year (no DST since 1945), so the model turns local wall
/// clock times into UTC with this fixed offset, without chrono-tz or the engine.
const ZONE: &str = "Asia/Kolkata";
const OFFSET_MINUTES: i64 = 5 * 60 + 30;
/// Local 09:00: slot starts and rule changes are counted from it in 5-minute steps.
const BASE: i64 = 9 * 60;
const PATIENTS: u8 = 4;

/// The two book days: Monday and Tuesday.
fn day_date(day: usize) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2 + day as u32).unwrap()
}

fn epoch_days(date: NaiveDate) -> i64 {
    (date - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days()
}

/// The UTC minute (since the epoch) of local `minute_of_day` on book day `day`.
fn local(day: usize, minute_of_day: i64) -> i64 {
    epoch_days(day_date(day)) * 1440 + minute_of_day - OFFSET_MINUTES
}

/// The book day (0 or 1) of UTC minute `m`, if it is one of them.
fn day_of(m: i64) -> Option<usize> {
    let date = (m + OFFSET_MINUTES).div_euclid(1440);
    (0..2).find(|&d| epoch_days(day_date(d)) == date)
}

fn instant(minute: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(minute * 60, 0).unwrap()
}

fn mins(m: u32) -> Duration {
    Duration::minutes(i64::from(m))
}

fn minute(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(60)
}

fn time_of_day(minute_of_day: i64) -> NaiveTime {
    NaiveTime::from_num_seconds_from_midnight_opt(minute_of_day as u32 * 60, 0).unwrap()
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(cases),
        failure_persistence: None,
        max_shrink_iters: 4096,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct DoctorSpec {
    /// Local minute of day.
    session_start: i64,
    session_end: i64,
    slot_minutes: u32,
    buffer_before: u32,
    buffer_after: u32,
    max_parallel: u32,
    /// Index into the rooms (taken modulo their number).
    room: Option<u8>,
    /// `modes = [in person: max_parallel, video: 1]` instead of every mode.
    video_capacity: bool,
}

#[derive(Debug, Clone)]
struct TypeSpec {
    duration: u32,
    step: Option<u32>,
    buffer_before: u32,
    buffer_after: u32,
    video: bool,
    min_notice: u32,
    policy: u8,
}

#[derive(Debug, Clone)]
enum Who {
    /// The patient concerned.
    Owner,
    /// Patient `p{n % 4}` (possibly the owner).
    Patient(u8),
    Staff,
    System,
}

/// Where a slot starts: the `k`th start of the doctor's grid for the type, or local 09:00
/// plus `5 * n` minutes (often off the grid or outside the session).
#[derive(Debug, Clone, Copy)]
enum SlotSel {
    Grid(u8),
    Raw(u8),
}

#[derive(Debug, Clone)]
enum RuleChange {
    Leave {
        day: u8,
        from: u8,
        len: u8,
        whole_day: bool,
        approved: bool,
    },
    Block {
        day: u8,
        from: u8,
        len: u8,
    },
    ReduceParallel,
    /// A new `Schedule` in which type `ty` has policy preset `preset`.
    Policy {
        ty: u8,
        preset: u8,
    },
    /// A new `Schedule` without type `ty`, or with it again.
    ToggleType {
        ty: u8,
    },
    /// A new `Schedule` in which room `room` takes one patient fewer (at least one).
    ShrinkRoom {
        room: u8,
    },
    /// A new `Schedule` without the doctor, or with them again.
    ToggleDoctor,
}

#[derive(Debug, Clone)]
enum Op {
    /// `now` moves on this many seconds.
    Advance(u32),
    Hold {
        who: Who,
        patient: u8,
        doctor: u8,
        ty: u8,
        day: u8,
        slot: SlotSel,
        minutes: Option<u32>,
        wrapper: bool,
    },
    Extend {
        who: Who,
        hold: u8,
        minutes: Option<u32>,
        wrapper: bool,
    },
    Release {
        who: Who,
        hold: u8,
        wrapper: bool,
    },
    Expire {
        day: u8,
        wrapper: bool,
    },
    Book {
        who: Who,
        patient: u8,
        doctor: u8,
        ty: u8,
        day: u8,
        slot: SlotSel,
        wrapper: bool,
    },
    BookHold {
        who: Who,
        hold: u8,
        wrapper: bool,
    },
    /// A direct booking (a fresh id) of the slot of hold `hold`, for its patient.
    BookHeldSlot {
        who: Who,
        hold: u8,
        wrapper: bool,
    },
    /// `PlaceHold` again with the id of hold `hold`: the same request (`vary % 4 == 0`), or
    /// another start, patient or type.
    RepeatHold {
        who: Who,
        hold: u8,
        vary: u8,
        wrapper: bool,
    },
    /// `Book` again with the id of appointment record `appt`: the same request as its
    /// current slot (`vary % 4 == 0`), or another start, patient or type.
    RepeatBook {
        who: Who,
        appt: u8,
        vary: u8,
        wrapper: bool,
    },
    /// `BookHold` again with the id of appointment record `appt`, and its own hold (`None`)
    /// or hold `k`.
    RepeatBookHold {
        who: Who,
        appt: u8,
        hold: Option<u8>,
        wrapper: bool,
    },
    Cancel {
        who: Who,
        appt: u8,
        wrapper: bool,
    },
    Review {
        who: Who,
        appt: u8,
        decline: bool,
        wrapper: bool,
    },
    Finish {
        who: Who,
        appt: u8,
        no_show: bool,
        wrapper: bool,
    },
    Reschedule {
        who: Who,
        appt: u8,
        slot: SlotSel,
        /// To the other book day (across days only through `Bookings::reschedule`).
        other_day: bool,
        /// To its current start (on its day), which changes nothing.
        same_start: bool,
        wrapper: bool,
    },
    Rule {
        doctor: u8,
        change: RuleChange,
    },
}

#[derive(Debug, Clone)]
struct Scenario {
    rooms: Vec<u32>,
    doctors: Vec<DoctorSpec>,
    types: Vec<TypeSpec>,
    /// Local minute of day on Monday, plus seconds.
    start_now: i64,
    start_seconds: i64,
    ops: Vec<Op>,
}

fn arb_doctor() -> impl Strategy<Value = DoctorSpec> {
    (
        prop_oneof![Just(540i64), Just(570)],
        prop_oneof![Just(720i64), Just(780)],
        prop_oneof![Just(5u32), Just(10), Just(15)],
        prop_oneof![3 => Just(0u32), 1 => Just(5)],
        prop_oneof![3 => Just(0u32), 1 => Just(5)],
        1u32..=2,
        prop_oneof![1 => Just(None), 4 => (0u8..2).prop_map(Some)],
        proptest::bool::weighted(0.3),
    )
        .prop_map(
            |(
                session_start,
                session_end,
                slot_minutes,
                buffer_before,
                buffer_after,
                max_parallel,
                room,
                video_capacity,
            )| DoctorSpec {
                session_start,
                session_end,
                slot_minutes,
                buffer_before,
                buffer_after,
                max_parallel,
                room,
                video_capacity,
            },
        )
}

fn arb_type() -> impl Strategy<Value = TypeSpec> {
    (
        prop_oneof![Just(10u32), Just(15), Just(20), Just(30)],
        prop_oneof![3 => Just(None), 1 => Just(Some(10u32))],
        prop_oneof![Just(0u32), Just(5)],
        prop_oneof![Just(0u32), Just(5)],
        proptest::bool::weighted(0.2),
        prop_oneof![3 => Just(0u32), 1 => Just(30)],
        0u8..3,
    )
        .prop_map(
            |(duration, step, buffer_before, buffer_after, video, min_notice, policy)| TypeSpec {
                duration,
                step,
                buffer_before,
                buffer_after,
                video,
                min_notice,
                policy,
            },
        )
}

/// Monday (where `now` passes appointments' starts) more often than Tuesday.
fn arb_day() -> impl Strategy<Value = u8> {
    prop_oneof![3 => Just(0u8), 1 => Just(1u8)]
}

fn arb_slot() -> impl Strategy<Value = SlotSel> {
    prop_oneof![
        4 => (0u8..16).prop_map(SlotSel::Grid),
        1 => (0u8..40).prop_map(SlotSel::Raw),
    ]
}

fn arb_who() -> impl Strategy<Value = Who> {
    prop_oneof![
        6 => Just(Who::Owner),
        1 => (0..PATIENTS).prop_map(Who::Patient),
        3 => Just(Who::Staff),
        1 => Just(Who::System),
    ]
}

fn arb_hold_minutes() -> impl Strategy<Value = Option<u32>> {
    prop_oneof![
        6 => Just(None),
        1 => Just(Some(0u32)),
        2 => Just(Some(5)),
        1 => Just(Some(45)),
        1 => Just(Some(90)),
    ]
}

fn arb_rule() -> impl Strategy<Value = RuleChange> {
    prop_oneof![
        3 => (0u8..2, 0u8..24, 1u8..=12, proptest::bool::weighted(0.1), proptest::bool::weighted(0.85))
            .prop_map(|(day, from, len, whole_day, approved)| RuleChange::Leave {
                day,
                from,
                len,
                whole_day,
                approved,
            }),
        3 => (0u8..2, 0u8..24, 1u8..=12).prop_map(|(day, from, len)| RuleChange::Block { day, from, len }),
        2 => Just(RuleChange::ReduceParallel),
        1 => (any::<u8>(), 0u8..3).prop_map(|(ty, preset)| RuleChange::Policy { ty, preset }),
        1 => any::<u8>().prop_map(|ty| RuleChange::ToggleType { ty }),
        1 => any::<u8>().prop_map(|room| RuleChange::ShrinkRoom { room }),
        1 => Just(RuleChange::ToggleDoctor),
    ]
}

fn arb_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1u32..=40).prop_map(|m| Op::Advance(60 * m)),
        1 => (1u32..=2400).prop_map(Op::Advance),
        5 => (arb_who(), 0..PATIENTS, any::<u8>(), any::<u8>(), arb_day(), arb_slot(), arb_hold_minutes(), any::<bool>())
            .prop_map(|(who, patient, doctor, ty, day, slot, minutes, wrapper)| Op::Hold {
                who, patient, doctor, ty, day, slot, minutes, wrapper,
            }),
        1 => (arb_who(), any::<u8>(), arb_hold_minutes(), any::<bool>())
            .prop_map(|(who, hold, minutes, wrapper)| Op::Extend { who, hold, minutes, wrapper }),
        1 => (arb_who(), any::<u8>(), any::<bool>())
            .prop_map(|(who, hold, wrapper)| Op::Release { who, hold, wrapper }),
        1 => (0u8..2, any::<bool>()).prop_map(|(day, wrapper)| Op::Expire { day, wrapper }),
        5 => (arb_who(), 0..PATIENTS, any::<u8>(), any::<u8>(), arb_day(), arb_slot(), any::<bool>())
            .prop_map(|(who, patient, doctor, ty, day, slot, wrapper)| Op::Book {
                who, patient, doctor, ty, day, slot, wrapper,
            }),
        3 => (arb_who(), any::<u8>(), any::<bool>())
            .prop_map(|(who, hold, wrapper)| Op::BookHold { who, hold, wrapper }),
        2 => (arb_who(), any::<u8>(), any::<bool>())
            .prop_map(|(who, hold, wrapper)| Op::BookHeldSlot { who, hold, wrapper }),
        1 => (arb_who(), any::<u8>(), any::<u8>(), any::<bool>())
            .prop_map(|(who, hold, vary, wrapper)| Op::RepeatHold { who, hold, vary, wrapper }),
        1 => (arb_who(), any::<u8>(), any::<u8>(), any::<bool>())
            .prop_map(|(who, appt, vary, wrapper)| Op::RepeatBook { who, appt, vary, wrapper }),
        1 => (arb_who(), any::<u8>(), proptest::option::weighted(0.3, any::<u8>()), any::<bool>())
            .prop_map(|(who, appt, hold, wrapper)| Op::RepeatBookHold { who, appt, hold, wrapper }),
        2 => (arb_who(), any::<u8>(), any::<bool>())
            .prop_map(|(who, appt, wrapper)| Op::Cancel { who, appt, wrapper }),
        1 => (arb_who(), any::<u8>(), any::<bool>(), any::<bool>())
            .prop_map(|(who, appt, decline, wrapper)| Op::Review { who, appt, decline, wrapper }),
        1 => (arb_who(), any::<u8>(), any::<bool>(), any::<bool>())
            .prop_map(|(who, appt, no_show, wrapper)| Op::Finish { who, appt, no_show, wrapper }),
        3 => (arb_who(), any::<u8>(), arb_slot(), proptest::bool::weighted(0.4), proptest::bool::weighted(0.15), proptest::bool::weighted(0.7))
            .prop_map(|(who, appt, slot, other_day, same_start, wrapper)| Op::Reschedule {
                who, appt, slot, other_day, same_start, wrapper,
            }),
        2 => (any::<u8>(), arb_rule()).prop_map(|(doctor, change)| Op::Rule { doctor, change }),
    ]
}

fn arb_scenario() -> impl Strategy<Value = Scenario> {
    (
        proptest::collection::vec(1u32..=2, 1..=2),
        proptest::collection::vec(arb_doctor(), 2..=3),
        proptest::collection::vec(arb_type(), 2..=4),
        (0i64..=30).prop_map(|k| 8 * 60 + 5 * k),
        prop_oneof![2 => Just(0i64), 1 => 1i64..60],
        proptest::collection::vec(arb_op(), 10..100),
    )
        .prop_map(
            |(rooms, doctors, types, start_now, start_seconds, ops)| Scenario {
                rooms,
                doctors,
                types,
                start_now,
                start_seconds,
                ops,
            },
        )
}

// ---------------------------------------------------------------------------------------
// Rules, as the test builds them and as the model reads them
// ---------------------------------------------------------------------------------------

fn policy(preset: u8) -> BookingPolicy {
    match preset % 3 {
        0 => BookingPolicy::default(),
        1 => BookingPolicy {
            requires_confirmation: true,
            allow_patient_reschedule: false,
            max_reschedules: Some(1),
            cancel_notice_minutes: 30,
            ..BookingPolicy::default()
        },
        _ => BookingPolicy {
            patient_hold_minutes: 5,
            staff_hold_minutes: 15,
            max_hold_minutes: 20,
            reschedule_notice_minutes: 30,
            max_reschedules: None,
            ..BookingPolicy::default()
        },
    }
}

fn appointment_type(i: usize, t: &TypeSpec) -> AppointmentType {
    AppointmentType {
        step_minutes: t.step,
        buffer_before_minutes: t.buffer_before,
        buffer_after_minutes: t.buffer_after,
        min_notice_minutes: t.min_notice,
        mode: if t.video {
            ConsultationMode::Video
        } else {
            ConsultationMode::InPerson
        },
        policy: policy(t.policy),
        ..AppointmentType::new(format!("t{i}"), t.duration)
    }
}

/// The clinic: one location with rooms of these capacities.
fn clinic(rooms: &[u32]) -> Clinic {
    Clinic {
        locations: vec![Location {
            rooms: rooms
                .iter()
                .enumerate()
                .map(|(i, &c)| Room::new(room_id(i), format!("Room {i}"), c))
                .collect(),
            ..Location::new(LOCATION, "Kochi OPD", ZONE)
        }],
        holidays: vec![],
    }
}

fn doctor_id(d: usize) -> String {
    format!("dr{d}")
}

fn room_id(r: usize) -> String {
    format!("r{r}")
}

/// A closed stretch of a doctor's time, in UTC minutes `[from, to)`.
#[derive(Debug, Clone)]
struct Closure {
    from: i64,
    to: i64,
    kind: RuleKind,
}

/// A doctor's rules as they stand now.
#[derive(Debug, Clone)]
struct DoctorState {
    spec: DoctorSpec,
    room: Option<String>,
    max_parallel: u32,
    leaves: Vec<Leave>,
    blocks: Vec<Unavailability>,
    /// Approved leave and forced blocks.
    closures: Vec<Closure>,
    /// Left out of the schedule (by a new `Schedule`; `set_calendar` brings them back).
    removed: bool,
}

impl DoctorState {
    fn calendar(&self, d: usize) -> DoctorCalendar {
        let mut calendar = DoctorCalendar::new(doctor_id(d));
        calendar.settings = SessionSettings {
            slot_minutes: self.spec.slot_minutes,
            buffer_before_minutes: self.spec.buffer_before,
            buffer_after_minutes: self.spec.buffer_after,
            max_parallel: self.max_parallel,
            modes: if self.spec.video_capacity {
                vec![
                    ModeCapacity {
                        mode: ConsultationMode::InPerson,
                        capacity: self.max_parallel,
                    },
                    ModeCapacity {
                        mode: ConsultationMode::Video,
                        capacity: 1,
                    },
                ]
            } else {
                Vec::new()
            },
        };
        calendar.templates.push(WeeklyTemplate {
            room_id: self.room.as_deref().map(Into::into),
            weekdays: vec![Weekday::Mon, Weekday::Tue],
            sessions: vec![Session {
                start: time_of_day(self.spec.session_start),
                end: time_of_day(self.spec.session_end),
                breaks: Vec::new(),
            }],
            ..WeeklyTemplate::new(format!("week-{d}"), LOCATION)
        });
        calendar.leaves = self.leaves.clone();
        calendar.forced_blocks = self.blocks.clone();
        calendar
    }

    /// The session of a book day, in UTC minutes.
    fn session(&self, day: usize) -> (i64, i64) {
        (
            local(day, self.spec.session_start),
            local(day, self.spec.session_end),
        )
    }

    /// Why minute `m` of book day `day` is closed, if it is: a forced block beats leave,
    /// and time outside the session is closed by no rule.
    fn closed_at(&self, day: usize, m: i64) -> Option<RuleKind> {
        let covering = |kind| {
            self.closures
                .iter()
                .any(|c| c.kind == kind && c.from <= m && m < c.to)
        };
        if covering(RuleKind::ForcedBlock) {
            return Some(RuleKind::ForcedBlock);
        }
        if covering(RuleKind::Leave) {
            return Some(RuleKind::Leave);
        }
        let (s0, s1) = self.session(day);
        (m < s0 || m >= s1).then_some(RuleKind::OutsideHours)
    }

    fn mode_capacity(&self, mode: ConsultationMode) -> u32 {
        match mode {
            ConsultationMode::Video if self.spec.video_capacity => 1.min(self.max_parallel),
            _ => self.max_parallel,
        }
    }
}

// ---------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct MHold {
    id: String,
    day: usize,
    doctor: usize,
    ty: usize,
    patient: String,
    slot: SlotClaim,
    placed_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    status: HoldStatus,
}

#[derive(Debug, Clone)]
struct MAppt {
    id: String,
    day: usize,
    doctor: usize,
    ty: usize,
    patient: String,
    slot: SlotClaim,
    status: AppointmentStatus,
    reschedule_count: u32,
    hold_id: Option<String>,
    /// The day it moved to (this record no longer occupies its day) and the day it came from.
    moved_to: Option<usize>,
    moved_from: Option<usize>,
    /// The type's policy when it was booked: cancelling and rescheduling follow it.
    policy: BookingPolicy,
}

/// A claim on a doctor and a room, for counting: UTC minutes `[from, to)` with buffers.
struct OClaim<'a> {
    id: &'a str,
    doctor: &'a str,
    room: Option<&'a str>,
    mode: ConsultationMode,
    from: i64,
    to: i64,
    held: bool,
}

fn span(slot: &SlotClaim) -> (i64, i64) {
    (
        minute(slot.start) - i64::from(slot.buffer_before_minutes),
        minute(slot.end) + i64::from(slot.buffer_after_minutes),
    )
}

/// The most claims at any minute of a span, on the doctor, the mode and the room.
#[derive(Debug, Default)]
struct Counts {
    doctor_all: u32,
    doctor_booked: u32,
    mode_all: u32,
    mode_booked: u32,
    room_all: u32,
    room_booked: u32,
}

fn occupies(status: AppointmentStatus) -> bool {
    !matches!(
        status,
        AppointmentStatus::Cancelled | AppointmentStatus::Declined
    )
}

fn upcoming(status: AppointmentStatus) -> bool {
    matches!(
        status,
        AppointmentStatus::Pending | AppointmentStatus::Confirmed
    )
}

fn counts(
    claims: &[OClaim<'_>],
    doctor: &str,
    mode: ConsultationMode,
    room: Option<&str>,
    (from, to): (i64, i64),
) -> Counts {
    let mut c = Counts::default();
    for m in from..to {
        let mut here = Counts::default();
        for k in claims.iter().filter(|k| k.from <= m && m < k.to) {
            let booked = u32::from(!k.held);
            if k.doctor == doctor {
                here.doctor_all += 1;
                here.doctor_booked += booked;
                if k.mode == mode {
                    here.mode_all += 1;
                    here.mode_booked += booked;
                }
            }
            if room.is_some() && k.room == room && k.mode == ConsultationMode::InPerson {
                here.room_all += 1;
                here.room_booked += booked;
            }
        }
        c.doctor_all = c.doctor_all.max(here.doctor_all);
        c.doctor_booked = c.doctor_booked.max(here.doctor_booked);
        c.mode_all = c.mode_all.max(here.mode_all);
        c.mode_booked = c.mode_booked.max(here.mode_booked);
        c.room_all = c.room_all.max(here.room_all);
        c.room_booked = c.room_booked.max(here.room_booked);
    }
    c
}

/// The stable text of a refusal: code and detail, as the model predicts them.
fn code(e: &Error) -> String {
    match e {
        Error::InvalidInput { problem, .. } => format!("invalid_input:{}", problem.code()),
        Error::NotFound { kind, .. } => format!("not_found:{kind}"),
        Error::SlotUnavailable { reason, .. } => {
            format!("slot_unavailable:{}", reason_code(reason))
        }
        Error::InvalidTransition { from, action, .. } => {
            format!("invalid_transition:{action}:{from}")
        }
        Error::PolicyViolation { rule, .. } => format!("policy_violation:{}", rule.code()),
        other => format!("unexpected:{}", other.code()),
    }
}

fn reason_code(reason: &Unavailable) -> String {
    match reason {
        Unavailable::Closed { rule, .. } => format!("closed:{rule:?}"),
        other => other.code().to_owned(),
    }
}

fn fail(message: String) -> TestCaseError {
    TestCaseError::fail(message)
}

/// The model's prediction and the service's answer agree: both succeed, or both refuse
/// with the same code.
fn agree<E, A>(
    what: &str,
    expected: &Result<E, String>,
    actual: &Result<A, Error>,
) -> Result<(), TestCaseError> {
    match (expected, actual) {
        (Ok(_), Ok(_)) => Ok(()),
        (Err(want), Err(e)) if *want == code(e) => Ok(()),
        (Ok(_), Err(e)) => Err(fail(format!(
            "WRONG REFUSAL {what}: refused with `{e}` ({}) but the model accepts",
            code(e)
        ))),
        (Err(want), Ok(_)) => Err(fail(format!(
            "WRONG ACCEPTANCE {what}: accepted but the model refuses with {want}"
        ))),
        (Err(want), Err(e)) => Err(fail(format!(
            "WRONG REASON {what}: refused with `{e}` ({}) but the model expects {want}",
            code(e)
        ))),
    }
}

/// A slot the model is asked about: doctor `d`, type `t`, book day `day`, UTC minute
/// `start`; `except` does not count against it; `held_since` is the placing of the hold being
/// booked.
struct Ask<'a> {
    d: usize,
    t: usize,
    day: usize,
    start: i64,
    except: Option<&'a str>,
    held_since: Option<DateTime<Utc>>,
}

impl Ask<'_> {
    fn new(d: usize, t: usize, day: usize, start: i64) -> Self {
        Ask {
            d,
            t,
            day,
            start,
            except: None,
            held_since: None,
        }
    }
}

struct Run<'s> {
    sc: &'s Scenario,
    types: Vec<AppointmentType>,
    schedule: Schedule,
    bookings: Bookings<InMemoryStore>,
    doctors: Vec<DoctorState>,
    room_capacity: Vec<u32>,
    /// Types left out of the schedule.
    type_gone: Vec<bool>,
    holds: Vec<MHold>,
    appts: Vec<MAppt>,
    now: DateTime<Utc>,
    /// The book the last successful `execute` on each day returned (`None` once a wrapper
    /// wrote to the day).
    last_book: [Option<DayBook>; 2],
    next_id: u32,
    rule_seq: u32,
    step: usize,
}

impl<'s> Run<'s> {
    fn new(sc: &'s Scenario) -> Result<Self, TestCaseError> {
        let clinic = clinic(&sc.rooms);
        let doctors: Vec<DoctorState> = sc
            .doctors
            .iter()
            .map(|spec| DoctorState {
                spec: spec.clone(),
                room: spec.room.map(|r| room_id(r as usize % sc.rooms.len())),
                max_parallel: spec.max_parallel,
                leaves: Vec::new(),
                blocks: Vec::new(),
                closures: Vec::new(),
                removed: false,
            })
            .collect();
        let calendars: Vec<DoctorCalendar> = doctors
            .iter()
            .enumerate()
            .map(|(d, s)| s.calendar(d))
            .collect();
        let types: Vec<AppointmentType> = sc
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| appointment_type(i, t))
            .collect();
        let schedule = Schedule::new(TENANT, &clinic, &calendars, &types)
            .map_err(|e| fail(format!("schedule refused: {e}")))?;
        Ok(Run {
            sc,
            types,
            schedule,
            bookings: Bookings::new(InMemoryStore::new()),
            type_gone: vec![false; sc.types.len()],
            doctors,
            room_capacity: sc.rooms.clone(),
            holds: Vec::new(),
            appts: Vec::new(),
            now: instant(local(0, sc.start_now)) + Duration::seconds(sc.start_seconds),
            last_book: [None, None],
            next_id: 0,
            rule_seq: 0,
            step: 0,
        })
    }

    fn now_t(&self) -> DateTime<Utc> {
        self.now
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}{}", self.next_id)
    }

    fn actor(&self, who: &Who, owner: &str) -> Actor {
        match who {
            Who::Owner => Actor::patient(owner),
            Who::Patient(n) => Actor::patient(format!("p{}", n % PATIENTS)),
            Who::Staff => Actor::staff("staff-1"),
            Who::System => Actor::system("job"),
        }
    }

    /// The actor of a repeated request: the request's own patient, staff or the system. (A
    /// patient repeating another patient's request is refused as `not_owner`;
    /// `booking_appointments.rs` tests that.)
    fn repeat_actor(&self, who: &Who, patient: &str) -> Actor {
        match who {
            Who::Patient(_) => Actor::patient(patient),
            other => self.actor(other, patient),
        }
    }

    /// Decides `command` through the service, remembering the book it returns.
    fn exec(
        &mut self,
        day: usize,
        command: &Command,
        actor: &Actor,
    ) -> Result<(DayBook, Vec<Event>), Error> {
        let result =
            self.bookings
                .execute(&self.schedule, actor, self.now_t(), day_date(day), command);
        if let Ok((book, _)) = &result {
            self.last_book[day] = Some(book.clone());
        }
        result
    }

    /// Claims on book day `day` at `now`: appointments that occupy their slot and active
    /// holds, but `except`.
    fn claims(&self, day: usize, except: Option<&str>) -> Vec<OClaim<'_>> {
        let now = self.now_t();
        let holds = self
            .holds
            .iter()
            .filter(|h| h.day == day && h.status == HoldStatus::Held && h.expires_at > now)
            .map(|h| (h.id.as_str(), &h.slot, true));
        let appts = self
            .appts
            .iter()
            .filter(|a| a.day == day && a.moved_to.is_none() && occupies(a.status))
            .map(|a| (a.id.as_str(), &a.slot, false));
        appts
            .chain(holds)
            .filter(|(id, _, _)| Some(*id) != except)
            .map(|(id, slot, held)| {
                let (from, to) = span(slot);
                OClaim {
                    id,
                    doctor: slot.doctor_id.as_str(),
                    room: slot.room_id.as_deref(),
                    mode: slot.mode,
                    from,
                    to,
                    held,
                }
            })
            .collect()
    }

    /// The model's slot check: the claim a hold or booking of type `t` with doctor `d` at
    /// `start` gets, or the refusal it meets.
    fn expect_slot(&self, ask: Ask<'_>) -> Result<SlotClaim, String> {
        let Ask {
            d,
            t,
            day,
            start,
            except,
            held_since,
        } = ask;
        let doc = &self.doctors[d];
        let ty = &self.sc.types[t];
        // The slot engine is asked only for a doctor and type of the schedule, and a start
        // on the day book decided on.
        if doc.removed {
            return Err("not_found:doctor".into());
        }
        self.type_exists(t)?;
        if day_of(start) != Some(day) {
            return Err("invalid_input:out_of_range".into());
        }
        let (s0, s1) = doc.session(day);
        let step = i64::from(ty.step.unwrap_or(doc.spec.slot_minutes));
        let end = start + i64::from(ty.duration);
        let closed = |rule: RuleKind| Err(format!("slot_unavailable:closed:{rule:?}"));
        let candidate = start >= s0 && (start - s0) % step == 0 && end <= s1;
        if !candidate {
            for m in [start, end - 1] {
                if let Some(rule) = doc.closed_at(day, m) {
                    return closed(rule);
                }
            }
            return Err("invalid_input:not_slot_start".into());
        }
        if let Some(rule) = (start..end).find_map(|m| doc.closed_at(day, m)) {
            return closed(rule);
        }
        // Booking a hold counts minimum notice from the hold's placing.
        let earliest = match held_since {
            Some(placed) => self.now.max(placed + mins(ty.min_notice)),
            None => self.now + mins(ty.min_notice),
        };
        if instant(start) < earliest {
            return Err("slot_unavailable:too_soon".into());
        }
        let buffer_before = doc.spec.buffer_before.max(ty.buffer_before);
        let buffer_after = doc.spec.buffer_after.max(ty.buffer_after);
        let mode = self.types[t].mode;
        let room = match mode {
            ConsultationMode::InPerson => doc.room.clone(),
            _ => None,
        };
        let from = start - i64::from(buffer_before);
        let to = end + i64::from(buffer_after);
        let claims = self.claims(day, except);
        let doctor = doctor_id(d);
        let c = counts(&claims, &doctor, mode, room.as_deref(), (from, to));
        let cap = doc.max_parallel;
        let mode_cap = doc.mode_capacity(mode);
        let room_cap = room.as_deref().map(|r| self.room_cap(r));
        let mut fits = c.doctor_all < cap && c.mode_all < mode_cap;
        if let Some(rc) = room_cap {
            fits &= c.room_all < rc;
        }
        if fits {
            return Ok(SlotClaim {
                doctor_id: doctor.into(),
                location_id: LOCATION.into(),
                room_id: room.map(Into::into),
                appointment_type_id: self.types[t].id.clone(),
                mode,
                start: instant(start),
                end: instant(end),
                buffer_before_minutes: buffer_before,
                buffer_after_minutes: buffer_after,
            });
        }
        if c.doctor_booked >= cap || c.mode_booked >= mode_cap {
            return Err("slot_unavailable:booked".into());
        }
        if room_cap.is_some_and(|rc| c.room_booked >= rc) {
            return Err("slot_unavailable:room_full".into());
        }
        Err("slot_unavailable:held".into())
    }

    fn type_exists(&self, t: usize) -> Result<(), String> {
        if self.type_gone[t] {
            return Err("not_found:appointment_type".into());
        }
        Ok(())
    }

    fn room_cap(&self, room: &str) -> u32 {
        let i: usize = room[1..].parse().unwrap();
        self.room_capacity[i]
    }

    /// THE invariant: a new claim, beside the claims that existed when it was made, stays
    /// within the capacity in force (doctor, mode, room) at every minute of its span, and
    /// lies in open time not before `now`.
    fn assert_within_capacity(
        &self,
        what: &str,
        day: usize,
        slot: &SlotClaim,
        except: Option<&str>,
    ) -> Result<(), TestCaseError> {
        let d: usize = slot.doctor_id[2..].parse().unwrap();
        let doc = &self.doctors[d];
        let claims = self.claims(day, except);
        let c = counts(
            &claims,
            slot.doctor_id.as_str(),
            slot.mode,
            slot.room_id.as_deref(),
            span(slot),
        );
        let overlapping = || {
            claims
                .iter()
                .filter(|k| k.from < span(slot).1 && span(slot).0 < k.to)
                .map(|k| format!("{}@{}..{}", k.id, instant(k.from), instant(k.to)))
                .collect::<Vec<_>>()
        };
        prop_assert!(
            c.doctor_all < doc.max_parallel,
            "DOUBLE BOOKING {}: {:?} makes {} claims on the doctor, max_parallel {}; beside {:?}",
            what,
            slot,
            c.doctor_all + 1,
            doc.max_parallel,
            overlapping()
        );
        prop_assert!(
            c.mode_all < doc.mode_capacity(slot.mode),
            "DOUBLE BOOKING {}: {:?} makes {} claims of its mode, capacity {}",
            what,
            slot,
            c.mode_all + 1,
            doc.mode_capacity(slot.mode)
        );
        if let Some(room) = slot.room_id.as_deref() {
            prop_assert!(
                c.room_all < self.room_cap(room),
                "ROOM OVERBOOKED {}: {:?} makes {} claims in room {}, capacity {}; beside {:?}",
                what,
                slot,
                c.room_all + 1,
                room,
                self.room_cap(room),
                overlapping()
            );
        }
        let (start, end) = (minute(slot.start), minute(slot.end));
        prop_assert!(
            (start..end).all(|m| doc.closed_at(day, m).is_none()),
            "CLOSED TIME BOOKED {}: {:?}",
            what,
            slot
        );
        prop_assert!(
            slot.start >= self.now,
            "PAST SLOT BOOKED {}: {:?}",
            what,
            slot
        );
        Ok(())
    }

    fn hold_minutes(&self, actor: &Actor, t: usize, asked: Option<u32>) -> Result<u32, String> {
        let p = &self.types[t].policy;
        let minutes = asked.unwrap_or(if actor.is_patient() {
            p.patient_hold_minutes
        } else {
            p.staff_hold_minutes
        });
        if minutes == 0 {
            return Err("invalid_input:not_positive".into());
        }
        if minutes > p.max_hold_minutes {
            return Err("policy_violation:hold_limit".into());
        }
        Ok(minutes)
    }

    fn own(actor: &Actor, patient: &str) -> Result<(), String> {
        if actor.is_patient() && actor.id.as_str() != patient {
            return Err("policy_violation:not_owner".into());
        }
        Ok(())
    }

    fn staff_only(actor: &Actor) -> Result<(), String> {
        if actor.is_patient() {
            return Err("policy_violation:staff_only".into());
        }
        Ok(())
    }

    fn active_hold(&self, h: Option<usize>, action: &str) -> Result<usize, String> {
        let Some(i) = h else {
            return Err("not_found:hold".into());
        };
        let hold = &self.holds[i];
        let from = match hold.status {
            HoldStatus::Held if hold.expires_at > self.now_t() => return Ok(i),
            HoldStatus::Held | HoldStatus::Expired => "expired",
            HoldStatus::Released => "released",
            HoldStatus::Booked => "booked",
        };
        Err(format!("invalid_transition:{action}:{from}"))
    }

    fn appt_status(
        &self,
        a: Option<usize>,
        allowed: &[AppointmentStatus],
        action: &str,
    ) -> Result<usize, String> {
        let Some(i) = a else {
            return Err("not_found:appointment".into());
        };
        let status = self.appts[i].status;
        if allowed.contains(&status) {
            Ok(i)
        } else {
            Err(format!("invalid_transition:{action}:{}", status.as_str()))
        }
    }

    fn pick_hold(&self, k: u8) -> Option<usize> {
        (!self.holds.is_empty()).then(|| k as usize % self.holds.len())
    }

    fn pick_appt(&self, k: u8) -> Option<usize> {
        (!self.appts.is_empty()).then(|| k as usize % self.appts.len())
    }

    /// Mostly a live, upcoming appointment (the ones that can move); sometimes any record.
    fn pick_upcoming(&self, k: u8) -> Option<usize> {
        let live: Vec<usize> = (0..self.appts.len())
            .filter(|&i| self.appts[i].moved_to.is_none() && upcoming(self.appts[i].status))
            .collect();
        if k.is_multiple_of(4) || live.is_empty() {
            return self.pick_appt(k / 4);
        }
        Some(live[k as usize % live.len()])
    }

    fn booked_status(&self, t: usize, actor: &Actor) -> AppointmentStatus {
        if self.types[t].policy.requires_confirmation && actor.is_patient() {
            AppointmentStatus::Pending
        } else {
            AppointmentStatus::Confirmed
        }
    }

    fn step(&mut self, op: &Op) -> Result<(), TestCaseError> {
        let what = format!("step {} {:?} at {}", self.step, op, self.now_t());
        let nd = self.doctors.len();
        let nt = self.types.len();
        let now = self.now_t();
        match op.clone() {
            Op::Advance(secs) => self.now += Duration::seconds(i64::from(secs)),
            Op::Hold {
                who,
                patient,
                doctor,
                ty,
                day,
                slot,
                minutes,
                wrapper,
            } => {
                let (d, t, day) = (doctor as usize % nd, ty as usize % nt, day as usize);
                let patient = format!("p{patient}");
                let actor = self.actor(&who, &patient);
                let start = self.slot_start(d, t, day, slot);
                let id = self.fresh("h");
                let expected = Self::own(&actor, &patient)
                    .and_then(|_| self.type_exists(t))
                    .and_then(|_| self.hold_minutes(&actor, t, minutes))
                    .and_then(|m| Ok((self.expect_slot(Ask::new(d, t, day, start))?, m)));
                let actual = if wrapper {
                    let request = HoldRequest {
                        hold_id: id.as_str().into(),
                        patient_id: patient.as_str().into(),
                        doctor_id: doctor_id(d).into(),
                        appointment_type_id: self.types[t].id.clone(),
                        start: instant(start),
                        minutes,
                    };
                    let r = self.bookings.hold(&self.schedule, &actor, now, request);
                    if r.is_ok() {
                        self.last_book[day] = None;
                    }
                    r
                } else {
                    let command = Command::PlaceHold {
                        hold_id: id.as_str().into(),
                        patient_id: patient.as_str().into(),
                        doctor_id: doctor_id(d).into(),
                        appointment_type_id: self.types[t].id.clone(),
                        start: instant(start),
                        minutes,
                    };
                    self.exec(day, &command, &actor)
                        .and_then(|(book, _)| hold_in(&book, &id))
                };
                if let Ok(hold) = &actual {
                    self.assert_within_capacity(&what, day, &hold.slot, None)?;
                }
                agree(&what, &expected, &actual)?;
                if let (Ok((claim, m)), Ok(hold)) = (expected, actual) {
                    prop_assert_eq!(&hold.slot, &claim, "{}", what);
                    prop_assert_eq!(hold.expires_at, self.now + mins(m), "{}", what);
                    prop_assert_eq!(hold.status, HoldStatus::Held);
                    prop_assert_eq!(hold.patient_id.as_str(), patient.as_str());
                    prop_assert_eq!(&hold.placed_by, &actor);
                    self.holds.push(MHold {
                        id,
                        day,
                        doctor: d,
                        ty: t,
                        patient,
                        slot: hold.slot,
                        placed_at: now,
                        expires_at: hold.expires_at,
                        status: HoldStatus::Held,
                    });
                }
            }
            Op::Extend {
                who,
                hold,
                minutes,
                wrapper,
            } => {
                let h = self.pick_hold(hold);
                let (id, day, owner) = match h {
                    Some(i) => (
                        self.holds[i].id.clone(),
                        self.holds[i].day,
                        self.holds[i].patient.clone(),
                    ),
                    None => ("h-missing".to_owned(), 0, "p0".to_owned()),
                };
                let actor = self.actor(&who, &owner);
                let expected = self.active_hold(h, "extend").and_then(|i| {
                    let hold = &self.holds[i];
                    Self::own(&actor, &hold.patient)?;
                    self.type_exists(hold.ty)?;
                    let m = self.hold_minutes(&actor, hold.ty, minutes)?;
                    let expires = self.now + mins(m);
                    let limit = hold.placed_at + mins(self.types[hold.ty].policy.max_hold_minutes);
                    if expires > limit {
                        return Err("policy_violation:hold_limit".to_owned());
                    }
                    Ok(expires.max(hold.expires_at))
                });
                let actual = if wrapper {
                    let r = self.bookings.extend_hold(
                        &self.schedule,
                        &actor,
                        now,
                        day_date(day),
                        &id,
                        minutes,
                    );
                    if r.is_ok() {
                        self.last_book[day] = None;
                    }
                    r
                } else {
                    let command = Command::ExtendHold {
                        hold_id: id.as_str().into(),
                        minutes,
                    };
                    self.exec(day, &command, &actor)
                        .and_then(|(book, _)| hold_in(&book, &id))
                };
                agree(&what, &expected, &actual)?;
                if let (Ok(expires), Ok(got), Some(i)) = (expected, actual, h) {
                    prop_assert_eq!(got.expires_at, expires, "{}", what);
                    self.holds[i].expires_at = expires;
                }
            }
            Op::Release { who, hold, wrapper } => {
                let h = self.pick_hold(hold);
                let (id, day, owner) = match h {
                    Some(i) => (
                        self.holds[i].id.clone(),
                        self.holds[i].day,
                        self.holds[i].patient.clone(),
                    ),
                    None => ("h-missing".to_owned(), 1, "p0".to_owned()),
                };
                let actor = self.actor(&who, &owner);
                let expected = self
                    .active_hold(h, "release")
                    .and_then(|i| Self::own(&actor, &self.holds[i].patient));
                let actual = if wrapper {
                    let r =
                        self.bookings
                            .release_hold(&self.schedule, &actor, now, day_date(day), &id);
                    if r.is_ok() {
                        self.last_book[day] = None;
                    }
                    r
                } else {
                    let command = Command::ReleaseHold {
                        hold_id: id.as_str().into(),
                    };
                    self.exec(day, &command, &actor)
                        .and_then(|(book, _)| hold_in(&book, &id))
                };
                agree(&what, &expected, &actual)?;
                if let (Ok(()), Ok(got), Some(i)) = (expected, actual, h) {
                    prop_assert_eq!(got.status, HoldStatus::Released, "{}", what);
                    self.holds[i].status = HoldStatus::Released;
                }
            }
            Op::Expire { day, wrapper } => {
                let day = day as usize;
                let days: Vec<usize> = if wrapper { vec![0, 1] } else { vec![day] };
                let expected: Vec<String> = days
                    .iter()
                    .flat_map(|&day| {
                        self.holds
                            .iter()
                            .filter(move |h| {
                                h.day == day && h.status == HoldStatus::Held && h.expires_at <= now
                            })
                            .map(|h| h.id.clone())
                    })
                    .collect();
                let actor = Actor::system("expiry");
                let got: Vec<String> = if wrapper {
                    let expired = self
                        .bookings
                        .expire_holds(&self.schedule, &actor, now, day_date(0)..=day_date(1))
                        .map_err(|e| fail(format!("{what}: expire_holds failed: {e}")))?;
                    for h in &expired {
                        prop_assert_eq!(h.status, HoldStatus::Expired, "{}", what);
                    }
                    if !expired.is_empty() {
                        self.last_book = [None, None];
                    }
                    expired.into_iter().map(|h| h.id.to_string()).collect()
                } else {
                    let (_, events) = self
                        .exec(day, &Command::ExpireHolds, &actor)
                        .map_err(|e| fail(format!("{what}: ExpireHolds failed: {e}")))?;
                    events
                        .into_iter()
                        .map(|e| match e.change {
                            Change::HoldExpired { hold_id, .. } => Ok(hold_id.to_string()),
                            other => Err(fail(format!("{what}: unexpected event {other:?}"))),
                        })
                        .collect::<Result<_, _>>()?
                };
                prop_assert_eq!(&got, &expected, "{}: expired holds", what);
                for h in &mut self.holds {
                    if expected.contains(&h.id) {
                        h.status = HoldStatus::Expired;
                    }
                }
            }
            Op::Book {
                who,
                patient,
                doctor,
                ty,
                day,
                slot,
                wrapper,
            } => {
                let (d, t, day) = (doctor as usize % nd, ty as usize % nt, day as usize);
                let start = self.slot_start(d, t, day, slot);
                self.book_direct(
                    &what,
                    &who,
                    format!("p{patient}"),
                    d,
                    t,
                    day,
                    start,
                    wrapper,
                )?;
            }
            Op::BookHeldSlot { who, hold, wrapper } => {
                if let Some(i) = self.pick_hold(hold) {
                    let h = self.holds[i].clone();
                    let start = minute(h.slot.start);
                    self.book_direct(
                        &what, &who, h.patient, h.doctor, h.ty, h.day, start, wrapper,
                    )?;
                }
            }
            Op::RepeatHold {
                who,
                hold,
                vary,
                wrapper,
            } => {
                if let Some(i) = self.pick_hold(hold) {
                    let h = self.holds[i].clone();
                    let (patient, t, start) =
                        self.varied(&h.patient, h.ty, minute(h.slot.start), vary);
                    let actor = self.repeat_actor(&who, &patient);
                    // The same request while the hold is active changes nothing, any other
                    // is a duplicate.
                    let expected =
                        if vary % 4 == 0 && h.status == HoldStatus::Held && h.expires_at > now {
                            Ok(())
                        } else {
                            Err("invalid_input:duplicate_id".to_owned())
                        };
                    let version = self.version(h.day)?;
                    let actual = if wrapper {
                        let request = HoldRequest {
                            hold_id: h.id.as_str().into(),
                            patient_id: patient.as_str().into(),
                            doctor_id: doctor_id(h.doctor).into(),
                            appointment_type_id: self.types[t].id.clone(),
                            start: instant(start),
                            minutes: None,
                        };
                        self.bookings.hold(&self.schedule, &actor, now, request)
                    } else {
                        let command = Command::PlaceHold {
                            hold_id: h.id.as_str().into(),
                            patient_id: patient.as_str().into(),
                            doctor_id: doctor_id(h.doctor).into(),
                            appointment_type_id: self.types[t].id.clone(),
                            start: instant(start),
                            minutes: None,
                        };
                        self.exec(h.day, &command, &actor)
                            .and_then(|(book, _)| hold_in(&book, &h.id))
                    };
                    agree(&what, &expected, &actual)?;
                    if let Ok(got) = actual {
                        prop_assert_eq!(
                            self.version(h.day)?,
                            version,
                            "{}: a repeat appended",
                            what
                        );
                        prop_assert_eq!(got.expires_at, h.expires_at, "{}", what);
                        prop_assert_eq!(&got.slot, &h.slot, "{}", what);
                    }
                }
            }
            Op::RepeatBook {
                who,
                appt,
                vary,
                wrapper,
            } => {
                if let Some(i) = self.pick_appt(appt) {
                    let r = self.appts[i].clone();
                    let (patient, t, start) =
                        self.varied(&r.patient, r.ty, minute(r.slot.start), vary);
                    let actor = self.repeat_actor(&who, &patient);
                    let expected = if vary % 4 == 0 && r.moved_to.is_none() && upcoming(r.status) {
                        Ok(())
                    } else {
                        Err("invalid_input:duplicate_id".to_owned())
                    };
                    let version = self.version(r.day)?;
                    let actual = if wrapper {
                        let request = BookRequest {
                            appointment_id: r.id.as_str().into(),
                            patient_id: patient.as_str().into(),
                            doctor_id: doctor_id(r.doctor).into(),
                            appointment_type_id: self.types[t].id.clone(),
                            start: instant(start),
                        };
                        self.bookings.book(&self.schedule, &actor, now, request)
                    } else {
                        let command = Command::Book {
                            appointment_id: r.id.as_str().into(),
                            patient_id: patient.as_str().into(),
                            doctor_id: doctor_id(r.doctor).into(),
                            appointment_type_id: self.types[t].id.clone(),
                            start: instant(start),
                        };
                        self.exec(r.day, &command, &actor)
                            .and_then(|(book, _)| appointment_in(&book, &r.id))
                    };
                    agree(&what, &expected, &actual)?;
                    if let Ok(got) = actual {
                        prop_assert_eq!(
                            self.version(r.day)?,
                            version,
                            "{}: a repeat appended",
                            what
                        );
                        prop_assert_eq!(&got.slot, &r.slot, "{}", what);
                        prop_assert_eq!(got.status, r.status, "{}", what);
                    }
                }
            }
            Op::RepeatBookHold {
                who,
                appt,
                hold,
                wrapper,
            } => {
                if let Some(i) = self.pick_appt(appt) {
                    let r = self.appts[i].clone();
                    let hold_id = match hold {
                        None => r.hold_id.clone(),
                        Some(k) => self.pick_hold(k).map(|j| self.holds[j].id.clone()),
                    }
                    .unwrap_or_else(|| "h-missing".to_owned());
                    let actor = self.repeat_actor(&who, &r.patient);
                    let same = r.hold_id.as_deref() == Some(hold_id.as_str());
                    let expected = if same && r.moved_to.is_none() && upcoming(r.status) {
                        Ok(())
                    } else {
                        Err("invalid_input:duplicate_id".to_owned())
                    };
                    let version = self.version(r.day)?;
                    let actual = if wrapper {
                        self.bookings.book_hold(
                            &self.schedule,
                            &actor,
                            now,
                            day_date(r.day),
                            &hold_id,
                            &r.id,
                        )
                    } else {
                        let command = Command::BookHold {
                            appointment_id: r.id.as_str().into(),
                            hold_id: hold_id.as_str().into(),
                        };
                        self.exec(r.day, &command, &actor)
                            .and_then(|(book, _)| appointment_in(&book, &r.id))
                    };
                    agree(&what, &expected, &actual)?;
                    if let Ok(got) = actual {
                        prop_assert_eq!(
                            self.version(r.day)?,
                            version,
                            "{}: a repeat appended",
                            what
                        );
                        prop_assert_eq!(&got.slot, &r.slot, "{}", what);
                    }
                }
            }
            Op::BookHold { who, hold, wrapper } => {
                let h = self.pick_hold(hold);
                let (hold_id, day, owner) = match h {
                    Some(i) => (
                        self.holds[i].id.clone(),
                        self.holds[i].day,
                        self.holds[i].patient.clone(),
                    ),
                    None => ("h-missing".to_owned(), 0, "p0".to_owned()),
                };
                let actor = self.actor(&who, &owner);
                let id = self.fresh("a");
                let expected = self.active_hold(h, "book").and_then(|i| {
                    let hold = &self.holds[i];
                    Self::own(&actor, &hold.patient)?;
                    self.expect_slot(Ask {
                        except: Some(&hold_id),
                        held_since: Some(hold.placed_at),
                        ..Ask::new(hold.doctor, hold.ty, day, minute(hold.slot.start))
                    })
                });
                let actual = if wrapper {
                    let r = self.bookings.book_hold(
                        &self.schedule,
                        &actor,
                        now,
                        day_date(day),
                        &hold_id,
                        &id,
                    );
                    if r.is_ok() {
                        self.last_book[day] = None;
                    }
                    r
                } else {
                    let command = Command::BookHold {
                        appointment_id: id.as_str().into(),
                        hold_id: hold_id.as_str().into(),
                    };
                    self.exec(day, &command, &actor)
                        .and_then(|(book, _)| appointment_in(&book, &id))
                };
                if let Ok(a) = &actual {
                    self.assert_within_capacity(&what, day, &a.slot, Some(&hold_id))?;
                }
                agree(&what, &expected, &actual)?;
                if let (Ok(claim), Ok(a), Some(i)) = (expected, actual, h) {
                    let (d, t) = (self.holds[i].doctor, self.holds[i].ty);
                    self.booked(
                        &what,
                        day,
                        d,
                        t,
                        &id,
                        &owner,
                        &actor,
                        claim,
                        &a,
                        Some(&hold_id),
                    )?;
                    self.holds[i].status = HoldStatus::Booked;
                }
            }
            Op::Cancel { who, appt, wrapper } => {
                let a = self.pick_appt(appt);
                let (id, day, owner) = self.appt_ref(a);
                let actor = self.actor(&who, &owner);
                let target = self.target(a, wrapper);
                let expected = target
                    .ok_or_else(|| "not_found:appointment".to_owned())
                    .and_then(|i| {
                        Self::own(&actor, &self.appts[i].patient)?;
                        self.appt_status(Some(i), UPCOMING, "cancel")?;
                        let ap = &self.appts[i];
                        // The policy it was booked under, even if its type changed or left.
                        let notice = ap.policy.cancel_notice_minutes;
                        if actor.is_patient() && self.now + mins(notice) > ap.slot.start {
                            return Err("policy_violation:cancel_notice".to_owned());
                        }
                        Ok(())
                    });
                let command = Command::Cancel {
                    appointment_id: id.as_str().into(),
                    reason: Some("props".into()),
                };
                let actual = self.lifecycle(day, &command, &actor, wrapper);
                agree(&what, &expected, &actual)?;
                if let (Ok(()), Ok(got), Some(i)) = (expected, actual, target) {
                    prop_assert_eq!(got.status, AppointmentStatus::Cancelled, "{}", what);
                    prop_assert_eq!(got.ended_by.as_ref(), Some(&actor), "{}", what);
                    self.appts[i].status = AppointmentStatus::Cancelled;
                }
            }
            Op::Review {
                who,
                appt,
                decline,
                wrapper,
            } => {
                let a = self.pick_appt(appt);
                let (id, day, owner) = self.appt_ref(a);
                let actor = self.actor(&who, &owner);
                let action = if decline { "decline" } else { "confirm" };
                let expected = self
                    .target(a, wrapper)
                    .ok_or_else(|| "not_found:appointment".to_owned())
                    .and_then(|i| {
                        Self::staff_only(&actor)?;
                        self.appt_status(Some(i), &[AppointmentStatus::Pending], action)
                    });
                let command = if decline {
                    Command::Decline {
                        appointment_id: id.as_str().into(),
                        reason: None,
                    }
                } else {
                    Command::Confirm {
                        appointment_id: id.as_str().into(),
                    }
                };
                let actual = self.lifecycle(day, &command, &actor, wrapper);
                agree(&what, &expected, &actual)?;
                if let (Ok(i), Ok(got)) = (expected, actual) {
                    let status = if decline {
                        AppointmentStatus::Declined
                    } else {
                        AppointmentStatus::Confirmed
                    };
                    prop_assert_eq!(got.status, status, "{}", what);
                    self.appts[i].status = status;
                }
            }
            Op::Finish {
                who,
                appt,
                no_show,
                wrapper,
            } => {
                let a = self.pick_appt(appt);
                let (id, day, owner) = self.appt_ref(a);
                let actor = self.actor(&who, &owner);
                let action = if no_show { "mark_no_show" } else { "complete" };
                let expected = self
                    .target(a, wrapper)
                    .ok_or_else(|| "not_found:appointment".to_owned())
                    .and_then(|i| {
                        Self::staff_only(&actor)?;
                        self.appt_status(Some(i), &[AppointmentStatus::Confirmed], action)?;
                        if self.now < self.appts[i].slot.start {
                            return Err("policy_violation:not_started".to_owned());
                        }
                        Ok(i)
                    });
                let command = if no_show {
                    Command::MarkNoShow {
                        appointment_id: id.as_str().into(),
                    }
                } else {
                    Command::Complete {
                        appointment_id: id.as_str().into(),
                    }
                };
                let actual = self.lifecycle(day, &command, &actor, wrapper);
                agree(&what, &expected, &actual)?;
                if let (Ok(i), Ok(got)) = (expected, actual) {
                    let status = if no_show {
                        AppointmentStatus::NoShow
                    } else {
                        AppointmentStatus::Completed
                    };
                    prop_assert_eq!(got.status, status, "{}", what);
                    self.appts[i].status = status;
                }
            }
            Op::Reschedule {
                who,
                appt,
                slot,
                other_day,
                same_start,
                wrapper,
            } => {
                let a = self.pick_upcoming(appt);
                let (id, day, owner) = self.appt_ref(a);
                let actor = self.actor(&who, &owner);
                let target = self.target(a, wrapper);
                // The day the appointment is on now (the wrapper follows moves), and the day
                // of the new start.
                let from_day = target.map_or(day, |i| self.appts[i].day);
                let to_day = if other_day { 1 - from_day } else { from_day };
                // To its current start: a retry, which changes nothing once status and owner
                // allow it, whatever the policy says now.
                let start = match (a, target) {
                    (_, Some(i)) if same_start && !other_day => minute(self.appts[i].slot.start),
                    (Some(i), _) => {
                        self.slot_start(self.appts[i].doctor, self.appts[i].ty, to_day, slot)
                    }
                    (None, _) => local(to_day, BASE),
                };
                // `Ok(None)`: to its current start, which changes nothing.
                let expected = target
                    .ok_or_else(|| "not_found:appointment".to_owned())
                    .and_then(|i| {
                        let ap = &self.appts[i];
                        if to_day == from_day && start == minute(ap.slot.start) {
                            self.appt_status(Some(i), UPCOMING, "reschedule")?;
                            Self::own(&actor, &ap.patient)?;
                            return Ok(None);
                        }
                        self.may_reschedule(i, &actor)?;
                        // `Command::Reschedule` decides on the appointment's day book, so a
                        // start on another day is out of its range.
                        let book_day = if wrapper { to_day } else { from_day };
                        self.expect_slot(Ask {
                            except: (to_day == from_day).then_some(id.as_str()),
                            ..Ask::new(ap.doctor, ap.ty, book_day, start)
                        })
                        .map(Some)
                    });
                let before = [self.version(0)?, self.version(1)?];
                let actual = if wrapper {
                    let r = self.bookings.reschedule(
                        &self.schedule,
                        &actor,
                        now,
                        day_date(day),
                        &id,
                        instant(start),
                    );
                    if r.is_ok() {
                        self.last_book = [None, None];
                    }
                    r
                } else {
                    let command = Command::Reschedule {
                        appointment_id: id.as_str().into(),
                        start: instant(start),
                    };
                    self.exec(day, &command, &actor)
                        .and_then(|(book, _)| appointment_in(&book, &id))
                };
                if let (Ok(got), Ok(Some(_))) = (&actual, &expected) {
                    let except = (to_day == from_day).then_some(id.as_str());
                    self.assert_within_capacity(&what, to_day, &got.slot, except)?;
                }
                agree(&what, &expected, &actual)?;
                match (expected, actual, target) {
                    (Ok(None), Ok(got), Some(i)) => {
                        let ap = &self.appts[i];
                        prop_assert_eq!(&got.slot, &ap.slot, "{}", what);
                        prop_assert_eq!(got.reschedule_count, ap.reschedule_count, "{}", what);
                        prop_assert_eq!(got.book_date, day_date(ap.day), "{}", what);
                        let after = [self.version(0)?, self.version(1)?];
                        prop_assert_eq!(after, before, "{}: nothing appended", what);
                    }
                    (Ok(Some(claim)), Ok(got), Some(i)) => {
                        prop_assert_eq!(&got.slot, &claim, "{}", what);
                        prop_assert_eq!(got.reschedule_count, self.appts[i].reschedule_count + 1);
                        prop_assert_eq!(got.book_date, day_date(to_day));
                        prop_assert_eq!(got.moved_to, None);
                        prop_assert_eq!(got.status, self.appts[i].status);
                        if to_day == from_day {
                            self.appts[i].slot = got.slot;
                            self.appts[i].reschedule_count += 1;
                        } else {
                            prop_assert_eq!(got.moved_from, Some(day_date(from_day)), "{}", what);
                            self.moved(i, to_day, got.slot);
                        }
                    }
                    _ => {}
                }
            }
            Op::Rule { doctor, change } => {
                let d = doctor as usize % nd;
                self.change_rules(&what, d, &change)?;
            }
        }
        self.step += 1;
        self.check_books(&what)
    }

    /// Whether `actor` may reschedule live record `i`: its status, its owner, and the policy
    /// it was booked under (even if its type changed or left the schedule).
    fn may_reschedule(&self, i: usize, actor: &Actor) -> Result<(), String> {
        self.appt_status(Some(i), UPCOMING, "reschedule")?;
        let ap = &self.appts[i];
        Self::own(actor, &ap.patient)?;
        let p = &ap.policy;
        if let Some(max) = p.max_reschedules
            && ap.reschedule_count >= max
        {
            return Err("policy_violation:reschedule_limit".to_owned());
        }
        if actor.is_patient() {
            if !p.allow_patient_reschedule {
                return Err("policy_violation:patient_reschedule_not_allowed".to_owned());
            }
            if self.now + mins(p.reschedule_notice_minutes) > ap.slot.start {
                return Err("policy_violation:reschedule_notice".to_owned());
            }
        }
        Ok(())
    }

    /// A direct booking with a fresh id. A patient who holds that very slot (an active hold
    /// of theirs, same doctor, type and start; the first placed) books it from the hold.
    #[allow(clippy::too_many_arguments)]
    fn book_direct(
        &mut self,
        what: &str,
        who: &Who,
        patient: String,
        d: usize,
        t: usize,
        day: usize,
        start: i64,
        wrapper: bool,
    ) -> Result<(), TestCaseError> {
        let now = self.now_t();
        let actor = self.actor(who, &patient);
        let id = self.fresh("a");
        let own_hold = self.holds.iter().position(|h| {
            h.day == day
                && h.status == HoldStatus::Held
                && h.expires_at > now
                && h.patient == patient
                && h.doctor == d
                && h.ty == t
                && minute(h.slot.start) == start
        });
        let hold_id = own_hold.map(|i| self.holds[i].id.clone());
        let expected = Self::own(&actor, &patient).and_then(|_| {
            self.expect_slot(Ask {
                except: hold_id.as_deref(),
                held_since: own_hold.map(|i| self.holds[i].placed_at),
                ..Ask::new(d, t, day, start)
            })
        });
        let actual = if wrapper {
            let request = BookRequest {
                appointment_id: id.as_str().into(),
                patient_id: patient.as_str().into(),
                doctor_id: doctor_id(d).into(),
                appointment_type_id: self.types[t].id.clone(),
                start: instant(start),
            };
            let r = self.bookings.book(&self.schedule, &actor, now, request);
            if r.is_ok() {
                self.last_book[day] = None;
            }
            r
        } else {
            let command = Command::Book {
                appointment_id: id.as_str().into(),
                patient_id: patient.as_str().into(),
                doctor_id: doctor_id(d).into(),
                appointment_type_id: self.types[t].id.clone(),
                start: instant(start),
            };
            self.exec(day, &command, &actor)
                .and_then(|(book, _)| appointment_in(&book, &id))
        };
        if let Ok(a) = &actual {
            self.assert_within_capacity(what, day, &a.slot, hold_id.as_deref())?;
        }
        agree(what, &expected, &actual)?;
        if let (Ok(claim), Ok(a)) = (expected, actual) {
            self.booked(
                what,
                day,
                d,
                t,
                &id,
                &patient,
                &actor,
                claim,
                &a,
                hold_id.as_deref(),
            )?;
            if let Some(i) = own_hold {
                self.holds[i].status = HoldStatus::Booked;
            }
        }
        Ok(())
    }

    /// A request's patient, type and start, as they were (`vary % 4 == 0`) or with one of
    /// them changed: the start 5 minutes later, the next patient or the next type.
    fn varied(&self, patient: &str, t: usize, start: i64, vary: u8) -> (String, usize, i64) {
        match vary % 4 {
            0 => (patient.to_owned(), t, start),
            1 => (patient.to_owned(), t, start + 5),
            2 => {
                let n: u8 = patient[1..].parse().unwrap();
                (format!("p{}", (n + 1) % PATIENTS), t, start)
            }
            _ => (patient.to_owned(), (t + 1) % self.types.len(), start),
        }
    }

    /// The version of a day's stream.
    fn version(&self, day: usize) -> Result<u64, TestCaseError> {
        let stream = StreamId::new(TENANT, day_date(day));
        let loaded = self
            .bookings
            .store()
            .load(&stream)
            .map_err(|e| fail(format!("load failed: {e}")))?;
        Ok(loaded.version)
    }

    /// The UTC minute a slot selection names for doctor `d` and type `t`.
    fn slot_start(&self, d: usize, t: usize, day: usize, slot: SlotSel) -> i64 {
        match slot {
            SlotSel::Grid(k) => {
                let doc = &self.doctors[d];
                let step = self.sc.types[t].step.unwrap_or(doc.spec.slot_minutes);
                doc.session(day).0 + i64::from(k) * i64::from(step)
            }
            SlotSel::Raw(n) => local(day, BASE + 5 * i64::from(n)),
        }
    }

    /// The record a command on record `a` acts on: the wrappers follow an appointment to the
    /// day it moved to; `execute` on a day it left finds nothing.
    fn target(&self, a: Option<usize>, wrapper: bool) -> Option<usize> {
        let i = a?;
        if wrapper {
            let id = &self.appts[i].id;
            self.appts
                .iter()
                .position(|r| r.id == *id && r.moved_to.is_none())
        } else {
            self.appts[i].moved_to.is_none().then_some(i)
        }
    }

    /// Records a move of live record `i` to `to_day`: the record there (if it left that day
    /// before) is replaced in place, else a new one is added.
    fn moved(&mut self, i: usize, to_day: usize, slot: SlotClaim) {
        let from = self.appts[i].clone();
        self.appts[i].moved_to = Some(to_day);
        let arrived = MAppt {
            day: to_day,
            slot,
            reschedule_count: from.reschedule_count + 1,
            hold_id: None,
            moved_to: None,
            moved_from: Some(from.day),
            ..from
        };
        match self
            .appts
            .iter()
            .position(|r| r.id == arrived.id && r.day == to_day)
        {
            Some(j) => self.appts[j] = arrived,
            None => self.appts.push(arrived),
        }
    }

    fn appt_ref(&self, a: Option<usize>) -> (String, usize, String) {
        match a {
            Some(i) => (
                self.appts[i].id.clone(),
                self.appts[i].day,
                self.appts[i].patient.clone(),
            ),
            None => ("a-missing".to_owned(), 0, "p0".to_owned()),
        }
    }

    /// A status change through `execute` or the service's method for it (`confirm`,
    /// `decline`, `cancel`, `complete`, `mark_no_show`).
    fn lifecycle(
        &mut self,
        day: usize,
        command: &Command,
        actor: &Actor,
        wrapper: bool,
    ) -> Result<Appointment, Error> {
        if !wrapper {
            let (Command::Confirm { appointment_id }
            | Command::Decline { appointment_id, .. }
            | Command::Cancel { appointment_id, .. }
            | Command::Complete { appointment_id }
            | Command::MarkNoShow { appointment_id }) = command
            else {
                unreachable!()
            };
            let id = appointment_id.clone();
            return self
                .exec(day, command, actor)
                .and_then(|(book, _)| appointment_in(&book, &id));
        }
        let (b, s, now, date) = (&self.bookings, &self.schedule, self.now_t(), day_date(day));
        let r = match command {
            Command::Confirm { appointment_id } => b.confirm(s, actor, now, date, appointment_id),
            Command::Decline {
                appointment_id,
                reason,
            } => b.decline(s, actor, now, date, appointment_id, reason.clone()),
            Command::Cancel {
                appointment_id,
                reason,
            } => b.cancel(s, actor, now, date, appointment_id, reason.clone()),
            Command::Complete { appointment_id } => b.complete(s, actor, now, date, appointment_id),
            Command::MarkNoShow { appointment_id } => {
                b.mark_no_show(s, actor, now, date, appointment_id)
            }
            _ => unreachable!(),
        };
        if r.is_ok() {
            self.last_book = [None, None];
        }
        r
    }

    /// Checks a new appointment against the model's expectation and records it.
    #[allow(clippy::too_many_arguments)]
    fn booked(
        &mut self,
        what: &str,
        day: usize,
        d: usize,
        t: usize,
        id: &str,
        patient: &str,
        actor: &Actor,
        claim: SlotClaim,
        a: &Appointment,
        hold_id: Option<&str>,
    ) -> Result<(), TestCaseError> {
        let status = self.booked_status(t, actor);
        prop_assert_eq!(&a.slot, &claim, "{}", what);
        prop_assert_eq!(a.status, status, "{}", what);
        prop_assert_eq!(a.patient_id.as_str(), patient, "{}", what);
        prop_assert_eq!(a.book_date, day_date(day), "{}", what);
        prop_assert_eq!(a.hold_id.as_deref(), hold_id, "{}", what);
        prop_assert_eq!(&a.booked_by, actor, "{}", what);
        self.appts.push(MAppt {
            id: id.to_owned(),
            day,
            doctor: d,
            ty: t,
            patient: patient.to_owned(),
            slot: claim,
            status,
            reschedule_count: 0,
            hold_id: hold_id.map(str::to_owned),
            moved_to: None,
            moved_from: None,
            policy: self.types[t].policy.clone(),
        });
        Ok(())
    }

    /// Adds leave or a forced block, or lowers `max_parallel` (through
    /// `Schedule::set_calendar`, which also brings a removed doctor back); or changes a
    /// type's policy, removes or restores a type or the doctor, or lowers a room's capacity
    /// (through a new `Schedule`). Then checks every doctor's collisions.
    fn change_rules(
        &mut self,
        what: &str,
        d: usize,
        change: &RuleChange,
    ) -> Result<(), TestCaseError> {
        self.rule_seq += 1;
        let seq = self.rule_seq;
        let mut new_closure = None;
        let (nt, nr) = (self.types.len(), self.room_capacity.len());
        let mut new_schedule = true;
        {
            let doc = &mut self.doctors[d];
            match *change {
                RuleChange::Policy { ty, preset } => {
                    self.types[ty as usize % nt].policy = policy(preset);
                }
                RuleChange::ToggleType { ty } => {
                    let gone = &mut self.type_gone[ty as usize % nt];
                    *gone = !*gone;
                }
                RuleChange::ShrinkRoom { room } => {
                    let capacity = &mut self.room_capacity[room as usize % nr];
                    *capacity = (*capacity - 1).max(1);
                }
                RuleChange::ToggleDoctor => doc.removed = !doc.removed,
                RuleChange::Leave {
                    day,
                    from,
                    len,
                    whole_day,
                    approved,
                } => {
                    let day = day as usize;
                    let (start, end) = if whole_day {
                        (0, 1440)
                    } else {
                        let start = BASE + 5 * i64::from(from);
                        (start, start + 5 * i64::from(len))
                    };
                    new_schedule = false;
                    let status = if approved {
                        LeaveStatus::Approved
                    } else {
                        LeaveStatus::Requested
                    };
                    let mut leave =
                        Leave::new(format!("leave-{seq}"), status, day_date(day), day_date(day));
                    if !whole_day {
                        leave.start_time = Some(time_of_day(start));
                        leave.end_time = Some(time_of_day(end));
                    }
                    doc.leaves.push(leave);
                    if approved {
                        new_closure = Some(Closure {
                            from: local(day, start),
                            to: local(day, end),
                            kind: RuleKind::Leave,
                        });
                    }
                }
                RuleChange::Block { day, from, len } => {
                    new_schedule = false;
                    let start = local(day as usize, BASE + 5 * i64::from(from));
                    let end = start + 5 * i64::from(len);
                    doc.blocks.push(Unavailability::new(
                        format!("block-{seq}"),
                        instant(start),
                        instant(end),
                    ));
                    new_closure = Some(Closure {
                        from: start,
                        to: end,
                        kind: RuleKind::ForcedBlock,
                    });
                }
                RuleChange::ReduceParallel => {
                    new_schedule = false;
                    doc.max_parallel = (doc.max_parallel - 1).max(1);
                }
            }
            if let Some(c) = &new_closure {
                doc.closures.push(c.clone());
            }
        }
        if new_schedule {
            let calendars: Vec<DoctorCalendar> = (0..self.doctors.len())
                .filter(|&i| !self.doctors[i].removed)
                .map(|i| self.doctors[i].calendar(i))
                .collect();
            let types: Vec<AppointmentType> = (0..nt)
                .filter(|&t| !self.type_gone[t])
                .map(|t| self.types[t].clone())
                .collect();
            self.schedule = Schedule::new(TENANT, &clinic(&self.room_capacity), &calendars, &types)
                .map_err(|e| fail(format!("{what}: new schedule refused: {e}")))?;
        } else {
            let calendar = self.doctors[d].calendar(d);
            self.schedule
                .set_calendar(&calendar)
                .map_err(|e| fail(format!("{what}: set_calendar refused: {e}")))?;
            self.doctors[d].removed = false;
        }

        let got = self
            .bookings
            .collisions(&self.schedule, day_date(0)..=day_date(1), self.now_t())
            .map_err(|e| fail(format!("{what}: collisions failed: {e}")))?;
        let got: Vec<(String, String)> = got
            .iter()
            .map(|c| (c.appointment.id.to_string(), reason_code(&c.reason)))
            .collect();
        // (c) every upcoming appointment of the doctor overlapping the newly closed period.
        if let Some(c) = &new_closure {
            for a in &self.appts {
                let (s, e) = (minute(a.slot.start), minute(a.slot.end));
                if a.doctor == d
                    && a.moved_to.is_none()
                    && occupies(a.status)
                    && upcoming(a.status)
                    && a.slot.end > self.now
                    && s < c.to
                    && c.from < e
                {
                    prop_assert!(
                        got.iter().any(|(id, _)| *id == a.id),
                        "MISSED COLLISION {}: appointment {} at {}..{} overlaps new closure {:?} ({}..{}), not listed in {:?}",
                        what,
                        a.id,
                        a.slot.start,
                        a.slot.end,
                        c.kind,
                        instant(c.from),
                        instant(c.to),
                        got
                    );
                }
            }
        }
        let want = self.expected_collisions();
        prop_assert_eq!(got, want, "{}: collisions", what);
        Ok(())
    }

    /// The model's collisions: on each day, in booking order, each upcoming appointment
    /// still to end is checked against the schedule (a doctor no longer in it closes it
    /// `outside_hours`), its doctor's closures, and the appointments kept before it, of
    /// every doctor (those not checked, and the checked ones that still fit).
    fn expected_collisions(&self) -> Vec<(String, String)> {
        let mut found = Vec::new();
        for day in 0..2 {
            let on_day = || {
                self.appts
                    .iter()
                    .filter(|a| a.day == day && a.moved_to.is_none() && occupies(a.status))
            };
            let checked = |a: &MAppt| upcoming(a.status) && a.slot.end > self.now;
            let mut kept: Vec<&MAppt> = on_day().filter(|a| !checked(a)).collect();
            for a in on_day().filter(|a| checked(a)) {
                let doc = &self.doctors[a.doctor];
                if doc.removed {
                    found.push((a.id.clone(), "closed:OutsideHours".to_owned()));
                    continue;
                }
                let (s, e) = (minute(a.slot.start), minute(a.slot.end));
                if let Some(rule) = (s..e).find_map(|m| doc.closed_at(day, m)) {
                    found.push((a.id.clone(), format!("closed:{rule:?}")));
                    continue;
                }
                let claims: Vec<OClaim<'_>> = kept
                    .iter()
                    .map(|k| {
                        let (from, to) = span(&k.slot);
                        OClaim {
                            id: &k.id,
                            doctor: k.slot.doctor_id.as_str(),
                            room: k.slot.room_id.as_deref(),
                            mode: k.slot.mode,
                            from,
                            to,
                            held: false,
                        }
                    })
                    .collect();
                let c = counts(
                    &claims,
                    a.slot.doctor_id.as_str(),
                    a.slot.mode,
                    a.slot.room_id.as_deref(),
                    span(&a.slot),
                );
                if c.doctor_all >= doc.max_parallel || c.mode_all >= doc.mode_capacity(a.slot.mode)
                {
                    found.push((a.id.clone(), "booked".to_owned()));
                } else if let Some(room) = a.slot.room_id.as_deref()
                    && c.room_all >= self.room_cap(room)
                {
                    found.push((a.id.clone(), "room_full".to_owned()));
                } else {
                    kept.push(a);
                }
            }
        }
        found
    }

    /// Replay and model agreement, for both day books.
    fn check_books(&self, what: &str) -> Result<(), TestCaseError> {
        for day in 0..2 {
            let stream = StreamId::new(TENANT, day_date(day));
            let loaded = self
                .bookings
                .store()
                .load(&stream)
                .map_err(|e| fail(format!("{what}: load failed: {e}")))?;
            prop_assert_eq!(loaded.version, loaded.events.len() as u64);
            let book = DayBook::from_events(loaded.events.clone());
            let again = DayBook::from_events(loaded.events.clone());
            prop_assert_eq!(&book, &again, "{}: folding twice differs", what);
            if let Some(last) = &self.last_book[day] {
                prop_assert_eq!(
                    &book,
                    last,
                    "{}: replay differs from the last execute's book",
                    what
                );
            }
            let by_service = self
                .bookings
                .day(&self.schedule, day_date(day))
                .map_err(|e| fail(format!("{what}: day failed: {e}")))?;
            prop_assert_eq!(&book, &by_service);

            let holds: Vec<&MHold> = self.holds.iter().filter(|h| h.day == day).collect();
            prop_assert_eq!(
                book.holds().len(),
                holds.len(),
                "{}: holds on day {}",
                what,
                day
            );
            for (got, want) in book.holds().iter().zip(holds) {
                prop_assert_eq!(got.id.as_str(), want.id.as_str(), "{}", what);
                prop_assert_eq!(got.status, want.status, "{}: hold {}", what, want.id);
                prop_assert_eq!(
                    got.expires_at,
                    want.expires_at,
                    "{}: hold {}",
                    what,
                    want.id
                );
                prop_assert_eq!(&got.slot, &want.slot, "{}: hold {}", what, want.id);
                prop_assert_eq!(got.patient_id.as_str(), want.patient.as_str());
                prop_assert_eq!(got.placed_at, want.placed_at);
            }
            let appts: Vec<&MAppt> = self.appts.iter().filter(|a| a.day == day).collect();
            prop_assert_eq!(
                book.appointments().len(),
                appts.len(),
                "{}: appointments on day {}",
                what,
                day
            );
            for (got, want) in book.appointments().iter().zip(appts) {
                prop_assert_eq!(got.id.as_str(), want.id.as_str(), "{}", what);
                prop_assert_eq!(got.status, want.status, "{}: appointment {}", what, want.id);
                prop_assert_eq!(&got.slot, &want.slot, "{}: appointment {}", what, want.id);
                prop_assert_eq!(got.reschedule_count, want.reschedule_count);
                prop_assert_eq!(got.patient_id.as_str(), want.patient.as_str());
                prop_assert_eq!(got.hold_id.as_deref(), want.hold_id.as_deref());
                prop_assert_eq!(
                    &*got.policy,
                    &want.policy,
                    "{}: appointment {}",
                    what,
                    want.id
                );
                prop_assert_eq!(
                    got.moved_to,
                    want.moved_to.map(day_date),
                    "{}: appointment {}",
                    what,
                    want.id
                );
                prop_assert_eq!(
                    got.moved_from,
                    want.moved_from.map(day_date),
                    "{}: appointment {}",
                    what,
                    want.id
                );
            }
        }
        Ok(())
    }

    /// The tenant feed: positions 1..=n without gaps, each stream's events in order.
    fn check_feed(&self) -> Result<(), TestCaseError> {
        let feed = self
            .bookings
            .feed(&self.schedule, 0, usize::MAX)
            .map_err(|e| fail(format!("feed failed: {e}")))?;
        let mut per_day: [Vec<Event>; 2] = [Vec::new(), Vec::new()];
        for (i, entry) in feed.iter().enumerate() {
            prop_assert_eq!(entry.position, i as u64 + 1);
            let day = (0..2).find(|&d| day_date(d) == entry.stream.date);
            let Some(day) = day else {
                return Err(fail(format!(
                    "feed entry of an unknown stream {}",
                    entry.stream
                )));
            };
            per_day[day].push(entry.event.clone());
            prop_assert_eq!(entry.version, per_day[day].len() as u64);
        }
        for (day, events) in per_day.into_iter().enumerate() {
            let loaded = self
                .bookings
                .store()
                .load(&StreamId::new(TENANT, day_date(day)))
                .map_err(|e| fail(format!("load failed: {e}")))?;
            prop_assert_eq!(events, loaded.events);
        }
        Ok(())
    }
}

const UPCOMING: &[AppointmentStatus] = &[AppointmentStatus::Pending, AppointmentStatus::Confirmed];

fn hold_in(book: &DayBook, id: &str) -> Result<Hold, Error> {
    book.hold(id).cloned().ok_or_else(|| Error::Storage {
        message: format!("test: hold {id} missing from the returned book"),
    })
}

fn appointment_in(book: &DayBook, id: &str) -> Result<Appointment, Error> {
    book.appointment(id).cloned().ok_or_else(|| Error::Storage {
        message: format!("test: appointment {id} missing from the returned book"),
    })
}

fn run_scenario(sc: &Scenario) -> Result<(), TestCaseError> {
    let mut run = Run::new(sc)?;
    for op in &sc.ops {
        run.step(op)?;
    }
    run.check_feed()
}

proptest! {
    #![proptest_config(config(512))]

    /// Random interleavings of commands and rule changes agree with the model, never
    /// overbook a doctor, mode or room, replay to the same books, and report collisions.
    #[test]
    fn bookings_follow_the_model(sc in arb_scenario()) {
        run_scenario(&sc)?;
    }
}
