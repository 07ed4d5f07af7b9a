//! What slot generation is asked with: the appointment type, the range, and what already
//! occupies the doctor and the rooms.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{BookingLimits, BookingPolicy, ConsultationMode, Id};

/// A kind of appointment a patient can book, with its booking policy.
///
/// Slot length is `duration_minutes`. Slot starts are `step_minutes` apart, or the session's
/// `slot_minutes` when the type sets no step (15 minutes unless the calendar sets another),
/// shifted by `start_offset_minutes`. Buffers are the larger of the type's and the session's
/// on each side. `restart_after_bookings` and `fill_gaps` add starts around what is already
/// booked or blocked; `booking_limits` caps the doctor's bookings of this type (docs/RULES.md).
///
/// # Example
///
/// ```
/// use medsched::AppointmentType;
///
/// let consult = AppointmentType {
///     buffer_after_minutes: 5,
///     min_notice_minutes: 120,
///     max_days_ahead: Some(30),
///     ..AppointmentType::new("consult", 20)
/// };
/// assert_eq!(consult.duration_minutes, 20);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AppointmentType {
    /// The type's id.
    pub id: Id,
    /// Length of the appointment (at least 1 minute).
    pub duration_minutes: u32,
    /// Minutes between candidate starts; the session's `slot_minutes` when `None`.
    #[serde(default)]
    pub step_minutes: Option<u32>,
    /// Where candidate starts are counted from.
    #[serde(default)]
    pub alignment: Alignment,
    /// Minutes the grid is shifted by (below 1440): with a 30-minute step and an offset of
    /// 5, clock-aligned slots start at :05 and :35, session-aligned ones 5 minutes after
    /// each stretch starts.
    #[serde(default)]
    pub start_offset_minutes: u32,
    /// Start the grid again where each booking, hold, busy time or closing rule ends (with
    /// the buffers that keep the next slot clear of it): a booking 10:10–10:40 lets the next
    /// slot start at 10:40 instead of 10:45. Session-aligned grids continue step by step
    /// from there; the clock grid stays on the clock, the restart an extra start.
    #[serde(default)]
    pub restart_after_bookings: bool,
    /// Also offer, around each booking, hold, busy time and closing rule, the slot that ends
    /// right where it starts and the slot that starts right where it ends (with buffers), so
    /// a gap between bookings long enough for an appointment is offered one.
    #[serde(default)]
    pub fill_gaps: bool,
    /// Minutes kept free before the appointment.
    #[serde(default)]
    pub buffer_before_minutes: u32,
    /// Minutes kept free after the appointment.
    #[serde(default)]
    pub buffer_after_minutes: u32,
    /// A slot must start at least this long after `now`.
    #[serde(default)]
    pub min_notice_minutes: u32,
    /// A slot's local date may be at most this many days after today's local date (at the
    /// slot's location); no limit when `None`.
    #[serde(default)]
    pub max_days_ahead: Option<u32>,
    /// The consultation mode; a session must offer it.
    #[serde(default)]
    pub mode: ConsultationMode,
    /// How holds, bookings, reschedules and cancellations of this type behave. Slot
    /// generation does not read it.
    #[serde(default)]
    pub policy: BookingPolicy,
    /// The most bookings of this type a doctor takes per local day, week and month, and
    /// the most minutes of it per local day; none by default.
    #[serde(default)]
    pub booking_limits: BookingLimits,
}

impl AppointmentType {
    /// An in-person type of the given length, with no buffers, notice or horizon.
    pub fn new(id: impl Into<Id>, duration_minutes: u32) -> Self {
        AppointmentType {
            id: id.into(),
            duration_minutes,
            step_minutes: None,
            alignment: Alignment::default(),
            start_offset_minutes: 0,
            restart_after_bookings: false,
            fill_gaps: false,
            buffer_before_minutes: 0,
            buffer_after_minutes: 0,
            min_notice_minutes: 0,
            max_days_ahead: None,
            mode: ConsultationMode::InPerson,
            policy: BookingPolicy::default(),
            booking_limits: BookingLimits::default(),
        }
    }
}

/// Where the candidate starts of a session are counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Alignment {
    /// From the start of each scheduled stretch: a session's start, the end of a break, the
    /// start of override hours. Blocks and leave do not move the grid.
    #[default]
    SessionStart,
    /// At local clock times that are whole multiples of the step since local midnight
    /// (e.g. :00, :15, :30, :45).
    Clock,
}

/// The question slot generation answers: slots of one appointment type starting in
/// `[start, end)`, as seen at `now`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SlotRequest {
    /// What is being booked.
    pub appointment_type: AppointmentType,
    /// Earliest slot start (inclusive).
    pub start: DateTime<Utc>,
    /// Latest slot start (exclusive).
    pub end: DateTime<Utc>,
    /// The present instant: holds expire, minimum notice and horizon count from it.
    pub now: DateTime<Utc>,
}

/// What already occupies a doctor: appointments, holds and external busy times.
///
/// Include the reservations of *other* doctors in the rooms this doctor uses, so that a
/// shared room is never double-booked; reservations of other doctors in other rooms are
/// ignored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Occupancy {
    /// Booked appointments and active holds.
    #[serde(default)]
    pub reservations: Vec<Reservation>,
    /// Busy times imported from the doctor's other calendars.
    #[serde(default)]
    pub busy: Vec<BusyTime>,
}

/// A booked appointment, or a hold on a slot when `expires_at` is set. A hold occupies its
/// slot until `expires_at` (exclusive, compared with `now`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Reservation {
    /// The appointment's or hold's id.
    pub id: Id,
    /// The doctor it is with.
    pub doctor_id: Id,
    /// Start of the appointment.
    pub start: DateTime<Utc>,
    /// End of the appointment.
    pub end: DateTime<Utc>,
    /// Minutes it keeps free before its start.
    #[serde(default)]
    pub buffer_before_minutes: u32,
    /// Minutes it keeps free after its end.
    #[serde(default)]
    pub buffer_after_minutes: u32,
    /// Capacity it uses (at least 1).
    #[serde(default = "one")]
    pub seats: u32,
    /// Its consultation mode; only in-person reservations occupy a room.
    #[serde(default)]
    pub mode: ConsultationMode,
    /// The room it occupies.
    #[serde(default)]
    pub room_id: Option<Id>,
    /// For a hold: when it lapses.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// Its appointment type, if known: the type's
    /// [`booking_limits`](AppointmentType::booking_limits) count only reservations naming it.
    #[serde(default)]
    pub appointment_type_id: Option<Id>,
}

impl Reservation {
    /// A booked, in-person appointment of one seat with no buffers and no room.
    pub fn new(
        id: impl Into<Id>,
        doctor_id: impl Into<Id>,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Self {
        Reservation {
            id: id.into(),
            doctor_id: doctor_id.into(),
            start,
            end,
            buffer_before_minutes: 0,
            buffer_after_minutes: 0,
            seats: 1,
            mode: ConsultationMode::InPerson,
            room_id: None,
            expires_at: None,
            appointment_type_id: None,
        }
    }
}

fn one() -> u32 {
    1
}

/// A time the doctor is busy elsewhere, e.g. imported from a personal calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BusyTime {
    /// The busy time's id (e.g. the external event id).
    pub id: Id,
    /// Start (inclusive).
    pub start: DateTime<Utc>,
    /// End (exclusive).
    pub end: DateTime<Utc>,
}

impl BusyTime {
    /// A busy time.
    pub fn new(id: impl Into<Id>, start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        BusyTime {
            id: id.into(),
            start,
            end,
        }
    }
}

/// How much slot generation returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct SlotOptions {
    /// Also return the candidate slots that cannot be booked, each with its reason.
    pub include_unavailable: bool,
    /// Stop after this many bookable slots.
    pub limit: Option<u32>,
}
