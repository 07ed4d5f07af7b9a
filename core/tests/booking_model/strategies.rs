//! Scenarios: the random clinics, actors, slots, rule changes and steps a case runs.

use proptest::prelude::*;

use super::PATIENTS;

#[derive(Debug, Clone)]
pub struct DoctorSpec {
    /// Local minute of day.
    pub session_start: i64,
    pub session_end: i64,
    pub slot_minutes: u32,
    pub buffer_before: u32,
    pub buffer_after: u32,
    pub max_parallel: u32,
    /// Index into the rooms (taken modulo their number).
    pub room: Option<u8>,
    /// `modes = [in person: max_parallel, video: 1]` instead of every mode.
    pub video_capacity: bool,
}

#[derive(Debug, Clone)]
pub struct TypeSpec {
    pub duration: u32,
    pub step: Option<u32>,
    pub buffer_before: u32,
    pub buffer_after: u32,
    pub video: bool,
    pub min_notice: u32,
    pub policy: u8,
}

#[derive(Debug, Clone)]
pub enum Who {
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
pub enum SlotSel {
    Grid(u8),
    Raw(u8),
}

#[derive(Debug, Clone)]
pub enum RuleChange {
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
pub enum Op {
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
pub struct Scenario {
    pub rooms: Vec<u32>,
    pub doctors: Vec<DoctorSpec>,
    pub types: Vec<TypeSpec>,
    /// Local minute of day on Monday, plus seconds.
    pub start_now: i64,
    pub start_seconds: i64,
    pub ops: Vec<Op>,
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
        3 => (
            0u8..2,
            0u8..24,
            1u8..=12,
            proptest::bool::weighted(0.1),
            proptest::bool::weighted(0.85)
        )
            .prop_map(|(day, from, len, whole_day, approved)| RuleChange::Leave {
                day,
                from,
                len,
                whole_day,
                approved,
            }),
        3 => (0u8..2, 0u8..24, 1u8..=12)
            .prop_map(|(day, from, len)| RuleChange::Block { day, from, len }),
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
        5 => (
            arb_who(),
            0..PATIENTS,
            any::<u8>(),
            any::<u8>(),
            arb_day(),
            arb_slot(),
            arb_hold_minutes(),
            any::<bool>()
        )
            .prop_map(|(who, patient, doctor, ty, day, slot, minutes, wrapper)| Op::Hold {
                who, patient, doctor, ty, day, slot, minutes, wrapper,
            }),
        1 => (arb_who(), any::<u8>(), arb_hold_minutes(), any::<bool>())
            .prop_map(|(who, hold, minutes, wrapper)| Op::Extend { who, hold, minutes, wrapper }),
        1 => (arb_who(), any::<u8>(), any::<bool>())
            .prop_map(|(who, hold, wrapper)| Op::Release { who, hold, wrapper }),
        1 => (0u8..2, any::<bool>()).prop_map(|(day, wrapper)| Op::Expire { day, wrapper }),
        5 => (
            arb_who(),
            0..PATIENTS,
            any::<u8>(),
            any::<u8>(),
            arb_day(),
            arb_slot(),
            any::<bool>()
        )
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
        3 => (
            arb_who(),
            any::<u8>(),
            arb_slot(),
            proptest::bool::weighted(0.4),
            proptest::bool::weighted(0.15),
            proptest::bool::weighted(0.7)
        )
            .prop_map(|(who, appt, slot, other_day, same_start, wrapper)| Op::Reschedule {
                who, appt, slot, other_day, same_start, wrapper,
            }),
        2 => (any::<u8>(), arb_rule()).prop_map(|(doctor, change)| Op::Rule { doctor, change }),
    ]
}

pub fn arb_scenario() -> impl Strategy<Value = Scenario> {
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
