//! Commands: what an actor asks of a day book.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Id;

/// An intent to change a day book. [`decide`](crate::booking::decide) turns it into events or a
/// typed refusal; the [`Bookings`](crate::booking::Bookings) service routes it to its day and retries
/// on concurrent writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// Hold a slot for a patient. It lasts `minutes`, or the type's patient or staff hold
    /// length (by who asks) when `None`.
    PlaceHold {
        /// The new hold's id.
        hold_id: Id,
        /// The patient.
        patient_id: Id,
        /// The doctor.
        doctor_id: Id,
        /// The appointment type.
        appointment_type_id: Id,
        /// The slot's start.
        start: DateTime<Utc>,
        /// How long the hold lasts.
        #[serde(default)]
        minutes: Option<u32>,
    },
    /// Give an active hold `minutes` more from now (the type's hold length by who asks when
    /// `None`), up to the policy's longest hold.
    ExtendHold {
        /// The hold.
        hold_id: Id,
        /// Minutes from now.
        #[serde(default)]
        minutes: Option<u32>,
    },
    /// Release a hold.
    ReleaseHold {
        /// The hold.
        hold_id: Id,
    },
    /// End every hold that has lapsed at `now` (the host's every-minute job).
    ExpireHolds,
    /// Book a slot directly.
    Book {
        /// The new appointment's id.
        appointment_id: Id,
        /// The patient.
        patient_id: Id,
        /// The doctor.
        doctor_id: Id,
        /// The appointment type.
        appointment_type_id: Id,
        /// The slot's start.
        start: DateTime<Utc>,
    },
    /// Book the slot of an active hold, for the hold's patient.
    BookHold {
        /// The new appointment's id.
        appointment_id: Id,
        /// The hold.
        hold_id: Id,
    },
    /// Confirm a pending appointment (staff).
    Confirm {
        /// The appointment.
        appointment_id: Id,
    },
    /// Decline a pending appointment (staff).
    Decline {
        /// The appointment.
        appointment_id: Id,
        /// Why.
        #[serde(default)]
        reason: Option<String>,
    },
    /// Cancel an appointment.
    Cancel {
        /// The appointment.
        appointment_id: Id,
        /// Why.
        #[serde(default)]
        reason: Option<String>,
    },
    /// Record that a confirmed appointment took place (staff, once it has started).
    Complete {
        /// The appointment.
        appointment_id: Id,
    },
    /// Record that the patient did not come (staff, once it has started).
    MarkNoShow {
        /// The appointment.
        appointment_id: Id,
    },
    /// Move an appointment to another start on the same day book, with the same doctor and
    /// type. (A move to another day is two decisions, made by
    /// [`Bookings::reschedule`](crate::booking::Bookings::reschedule).)
    Reschedule {
        /// The appointment.
        appointment_id: Id,
        /// The new start.
        start: DateTime<Utc>,
    },
}
