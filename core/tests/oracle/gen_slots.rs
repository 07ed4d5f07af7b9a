//! Generators for slot scenarios: appointment types, reservations and busy times.

use medsched::{
    Alignment, AppointmentType, BookingLimits, BusyTime, ConsultationMode, Id, Occupancy,
    Reservation, SlotOptions, SlotRequest,
};
use proptest::prelude::*;
use proptest::sample::Index;

use super::decide::Oracle;
use super::gen_scenario::{Scenario, arb_scenario};
use super::time::{DAY, at, minute_of};

/// A valid scenario plus a slot request, occupancy and options.
#[derive(Debug, Clone)]
pub struct SlotScenario {
    pub base: Scenario,
    pub request: SlotRequest,
    pub occupancy: Occupancy,
    pub options: SlotOptions,
    /// How many slots `first_available` is asked for.
    pub count: u32,
}

/// An appointment type on the 5-minute grid, aligned to session starts or to the clock.
pub fn arb_appointment_type() -> impl Strategy<Value = AppointmentType> {
    (
        prop_oneof![
            3 => (1u32..=12).prop_map(|k| k * 5),
            1 => (1u32..=24).prop_map(|k| k * 5),
        ],
        prop::option::weighted(0.5, prop::sample::select(vec![5u32, 10, 15, 20, 30])),
        (0u32..=3).prop_map(|k| k * 5),
        (0u32..=3).prop_map(|k| k * 5),
        prop_oneof![2 => Just(0u32), 1 => 0u32..=240],
        prop::option::weighted(0.4, 0u32..=3),
        prop_oneof![
            3 => Just(ConsultationMode::InPerson),
            1 => Just(ConsultationMode::Video),
            1 => Just(ConsultationMode::Phone),
        ],
        prop_oneof![
            3 => Just(Alignment::SessionStart),
            2 => Just(Alignment::Clock),
        ],
    )
        .prop_map(
            |(duration, step, bb, ba, notice, days, mode, alignment)| AppointmentType {
                step_minutes: step,
                alignment,
                buffer_before_minutes: bb,
                buffer_after_minutes: ba,
                min_notice_minutes: notice,
                max_days_ahead: days,
                mode,
                ..AppointmentType::new("appt", duration)
            },
        )
}

fn arb_mode() -> impl Strategy<Value = ConsultationMode> {
    prop_oneof![
        3 => Just(ConsultationMode::InPerson),
        1 => Just(ConsultationMode::Video),
        1 => Just(ConsultationMode::Phone),
    ]
}

/// Where a reservation or busy time starts: at `off` 5-minute steps into the window, or,
/// when `snap` is given, shifted `shift` 5-minute steps from one of the oracle's candidate
/// starts (so that occupancy meets candidates often).
type Place = (i64, Option<(Index, i64)>);

type RawReservation = (
    bool,
    Place,
    i64,
    (u32, u32),
    u32,
    ConsultationMode,
    Option<Index>,
    Option<i64>,
);

fn arb_place(max_minutes: i64) -> impl Strategy<Value = Place> {
    (
        0i64..=(max_minutes / 5),
        prop::option::weighted(0.7, (any::<Index>(), -3i64..=3)),
    )
}

/// A valid slot scenario; windows last `min_minutes..=max_minutes`.
pub fn arb_slot_scenario(
    min_minutes: i64,
    max_minutes: i64,
) -> impl Strategy<Value = SlotScenario> {
    let reservation = (
        prop::bool::weighted(0.75),
        arb_place(max_minutes),
        1i64..=18,
        (
            (0u32..=2).prop_map(|k| k * 5),
            (0u32..=2).prop_map(|k| k * 5),
        ),
        prop_oneof![3 => Just(1u32), 1 => 2u32..=3],
        arb_mode(),
        prop::option::weighted(0.6, any::<Index>()),
        prop::option::weighted(0.3, -60i64..=60),
    );
    (
        arb_scenario(min_minutes, max_minutes),
        arb_appointment_type(),
        -2 * DAY..=DAY,
        prop::collection::vec(reservation, 0..=6),
        prop::collection::vec((arb_place(max_minutes), 1i64..=24), 0..=3),
        prop::bool::weighted(0.85),
        prop::option::weighted(0.2, 0u32..=4),
        1u32..=3,
    )
        .prop_map(
            |(
                base,
                appointment_type,
                now_offset,
                reservations,
                busy,
                include_unavailable,
                limit,
                count,
            )| {
                let start = minute_of(base.start);
                let now = start + now_offset;
                let request = SlotRequest {
                    appointment_type,
                    start: base.start,
                    end: base.end,
                    now: at(now),
                };
                let candidates: Vec<(i64, Option<Id>)> = {
                    let dur = i64::from(request.appointment_type.duration_minutes);
                    let oracle = Oracle::new(
                        &base.clinic,
                        &base.calendar,
                        start,
                        minute_of(base.end) + dur,
                    );
                    oracle
                        .slots(&request, &Occupancy::default())
                        .iter()
                        .map(|e| (e.start, e.room_id.clone()))
                        .collect()
                };
                // The start, and the room of the candidate snapped to.
                let place = |(off, snap): Place| match snap {
                    Some((ix, shift)) if !candidates.is_empty() => {
                        let (s, room) = &candidates[ix.index(candidates.len())];
                        (s + shift * 5, room.clone())
                    }
                    _ => (start + off * 5, None),
                };
                let rooms: Vec<Id> = base
                    .clinic
                    .locations
                    .iter()
                    .flat_map(|l| l.rooms.iter().map(|r| r.id.clone()))
                    .collect();
                let cal = &base.calendar;
                let used_rooms: Vec<Id> = (cal.templates.iter().filter_map(|t| t.room_id.clone()))
                    .chain(cal.overrides.iter().filter_map(|o| o.room_id.clone()))
                    .collect();
                let reservations = reservations
                    .into_iter()
                    .enumerate()
                    .map(|(i, r): (usize, RawReservation)| {
                        let (own, at_, len, (bb, ba), seats, mode, room, expires) = r;
                        let (s, snapped_room) = place(at_);
                        let room_id = match room {
                            Some(_) if snapped_room.is_some() => snapped_room,
                            Some(ix) if !rooms.is_empty() => {
                                Some(rooms[ix.index(rooms.len())].clone())
                            }
                            _ => None,
                        };
                        // Another doctor's reservation is given only in a room the doctor
                        // uses (elsewhere it would be refused as blocking nothing).
                        let shared = room_id.as_ref().is_some_and(|r| used_rooms.contains(r));
                        Reservation {
                            id: format!("res-{i}").into(),
                            doctor_id: if own || !shared { "dr-a" } else { "dr-b" }.into(),
                            start: at(s),
                            end: at(s + len * 5),
                            buffer_before_minutes: bb,
                            buffer_after_minutes: ba,
                            seats,
                            mode,
                            room_id,
                            expires_at: expires.map(|e| at(now + e)),
                            appointment_type_id: None,
                        }
                    })
                    .collect();
                let busy = busy
                    .into_iter()
                    .enumerate()
                    .map(|(i, (at_, len))| {
                        let (s, _) = place(at_);
                        BusyTime {
                            id: format!("busy-{i}").into(),
                            start: at(s),
                            end: at(s + len * 5),
                        }
                    })
                    .collect();
                SlotScenario {
                    request,
                    base,
                    occupancy: Occupancy { reservations, busy },
                    options: SlotOptions {
                        include_unavailable,
                        limit,
                    },
                    count,
                }
            },
        )
}

fn arb_booking_limits() -> impl Strategy<Value = BookingLimits> {
    (
        prop::option::weighted(0.4, 1u32..=4),
        prop::option::weighted(0.3, 1u32..=6),
        prop::option::weighted(0.2, 1u32..=8),
        prop::option::weighted(0.3, (3u32..=24).prop_map(|k| k * 5)),
    )
        .prop_map(
            |(per_day, per_week, per_month, minutes_per_day)| BookingLimits {
                per_day,
                per_week,
                per_month,
                minutes_per_day,
            },
        )
}

/// A slot scenario with booking limits on the calendar and the type, reservations naming
/// their type (or another, or none), and the grid options: a start offset, restarts after
/// bookings and filled gaps.
pub fn arb_limited_slot_scenario(
    min_minutes: i64,
    max_minutes: i64,
) -> impl Strategy<Value = SlotScenario> {
    (
        arb_slot_scenario(min_minutes, max_minutes),
        prop::option::weighted(0.5, arb_booking_limits()),
        prop::option::weighted(0.5, arb_booking_limits()),
        prop_oneof![2 => Just(0u32), 1 => (1u32..=11).prop_map(|k| k * 5)],
        prop::bool::weighted(0.4),
        prop::bool::weighted(0.4),
        prop::collection::vec(0u8..3, 6),
    )
        .prop_map(|(mut sc, doctor, of_type, offset, restart, fill, kinds)| {
            sc.base.calendar.booking_limits = doctor.unwrap_or_default();
            let ty = &mut sc.request.appointment_type;
            ty.booking_limits = of_type.unwrap_or_default();
            ty.start_offset_minutes = offset;
            ty.restart_after_bookings = restart;
            ty.fill_gaps = fill;
            for (r, kind) in sc.occupancy.reservations.iter_mut().zip(kinds) {
                r.appointment_type_id = match kind {
                    0 => Some("appt".into()),
                    1 => Some("other".into()),
                    _ => None,
                };
            }
            sc
        })
}
