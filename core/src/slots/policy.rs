//! The booking policy of an appointment type: holds, confirmation, rescheduling, cancelling
//! and reminders.

use serde::{Deserialize, Serialize};

/// How holds, bookings, reschedules, cancellations and reminders of one appointment type
/// behave. Every field has a default, so `BookingPolicy::default()` is a complete policy.
///
/// Staff actors are exempt from the notice and patient-only rules; the reschedule limit
/// binds everyone.
///
/// # Example
///
/// ```
/// use medsched::{AppointmentType, BookingPolicy};
///
/// let surgery_consult = AppointmentType {
///     policy: BookingPolicy {
///         requires_confirmation: true,
///         allow_patient_reschedule: false,
///         cancel_notice_minutes: 24 * 60,
///         ..BookingPolicy::default()
///     },
///     ..AppointmentType::new("surgery-consult", 30)
/// };
/// assert_eq!(surgery_consult.policy.patient_hold_minutes, 10);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct BookingPolicy {
    /// How long a patient's hold lasts when the hold asks for no length (10).
    pub patient_hold_minutes: u32,
    /// How long a staff member's hold lasts when the hold asks for no length (30).
    pub staff_hold_minutes: u32,
    /// The longest a hold may last from its placing, extensions included (60).
    pub max_hold_minutes: u32,
    /// A booking starts `pending` until staff confirm or decline it (`false`: it starts
    /// `confirmed`).
    pub requires_confirmation: bool,
    /// Patients may reschedule themselves (`true`); staff always may.
    pub allow_patient_reschedule: bool,
    /// The most reschedules of one appointment (`Some(3)`); `None` for no limit.
    pub max_reschedules: Option<u32>,
    /// A patient must reschedule at least this long before the appointment starts (0).
    pub reschedule_notice_minutes: u32,
    /// A patient must cancel at least this long before the appointment starts (0).
    pub cancel_notice_minutes: u32,
    /// Reminders are due this many minutes before the start (24 hours and 2 hours).
    pub reminder_minutes_before: Vec<u32>,
}

impl Default for BookingPolicy {
    fn default() -> Self {
        BookingPolicy {
            patient_hold_minutes: 10,
            staff_hold_minutes: 30,
            max_hold_minutes: 60,
            requires_confirmation: false,
            allow_patient_reschedule: true,
            max_reschedules: Some(3),
            reschedule_notice_minutes: 0,
            cancel_notice_minutes: 0,
            reminder_minutes_before: vec![24 * 60, 120],
        }
    }
}
