//! An appointment type checked and turned into seconds.

use crate::availability::compile::{DAY_MINUTES, check_booking_limits, check_minutes};
use crate::{
    Alignment, AppointmentType, BookingLimits, ConsultationMode, Error, Id, Problem, Result,
};

/// The longest booking horizon an appointment type may set (about a century).
const MAX_DAYS_AHEAD: u32 = 36_500;

/// An appointment type in seconds, checked.
#[derive(Debug, Clone)]
pub(crate) struct TypeParams {
    pub(crate) duration: i64,
    pub(crate) step: Option<i64>,
    pub(crate) alignment: Alignment,
    pub(crate) buffer_before: i64,
    pub(crate) buffer_after: i64,
    pub(crate) notice: i64,
    pub(crate) max_days_ahead: Option<u64>,
    pub(crate) mode: ConsultationMode,
    pub(crate) id: Id,
    /// Seconds the grid is shifted by.
    pub(crate) start_offset: i64,
    pub(crate) restart_after_bookings: bool,
    pub(crate) fill_gaps: bool,
    pub(crate) booking_limits: BookingLimits,
}

impl TypeParams {
    pub(crate) fn new(t: &AppointmentType) -> Result<TypeParams> {
        let field = |name: &str| format!("appointment_type.{name}");
        let minutes = |name: &str, value: u32, min: u32, max: u32| {
            check_minutes(|| field(name), value, min, max)
        };
        let step = match t.step_minutes {
            None => None,
            Some(m) => Some(minutes("step_minutes", m, 1, DAY_MINUTES)?),
        };
        Ok(TypeParams {
            duration: minutes("duration_minutes", t.duration_minutes, 1, DAY_MINUTES)?,
            step,
            alignment: t.alignment,
            buffer_before: minutes(
                "buffer_before_minutes",
                t.buffer_before_minutes,
                0,
                DAY_MINUTES,
            )?,
            buffer_after: minutes(
                "buffer_after_minutes",
                t.buffer_after_minutes,
                0,
                DAY_MINUTES,
            )?,
            notice: minutes(
                "min_notice_minutes",
                t.min_notice_minutes,
                0,
                1_100 * DAY_MINUTES,
            )?,
            max_days_ahead: match t.max_days_ahead {
                Some(days) if days > MAX_DAYS_AHEAD => {
                    return Err(Error::invalid(
                        field("max_days_ahead"),
                        days,
                        Problem::OutOfRange(format!("at most {MAX_DAYS_AHEAD} days")),
                    ));
                }
                days => days.map(u64::from),
            },
            mode: t.mode,
            id: t.id.clone(),
            start_offset: minutes(
                "start_offset_minutes",
                t.start_offset_minutes,
                0,
                DAY_MINUTES - 1,
            )?,
            restart_after_bookings: t.restart_after_bookings,
            fill_gaps: t.fill_gaps,
            booking_limits: check_booking_limits(
                "appointment_type.booking_limits",
                t.booking_limits,
            )?,
        })
    }
}
