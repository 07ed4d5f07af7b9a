//! The requests that create holds and appointments, as the service takes them.

use chrono::{DateTime, Utc};

use crate::{Id, booking::Command};

/// A new hold: the patient, doctor, appointment type and slot start; its length (`None` for
/// the type's default by who asks).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HoldRequest {
    /// The new hold's id.
    pub hold_id: Id,
    /// The patient.
    pub patient_id: Id,
    /// The doctor.
    pub doctor_id: Id,
    /// The appointment type.
    pub appointment_type_id: Id,
    /// The slot's start.
    pub start: DateTime<Utc>,
    /// How long the hold lasts, in minutes.
    #[serde(default)]
    pub minutes: Option<u32>,
}

/// A direct booking: the patient, doctor, appointment type and slot start.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BookRequest {
    /// The new appointment's id.
    pub appointment_id: Id,
    /// The patient.
    pub patient_id: Id,
    /// The doctor.
    pub doctor_id: Id,
    /// The appointment type.
    pub appointment_type_id: Id,
    /// The slot's start.
    pub start: DateTime<Utc>,
}

impl From<HoldRequest> for Command {
    fn from(r: HoldRequest) -> Command {
        Command::PlaceHold {
            hold_id: r.hold_id,
            patient_id: r.patient_id,
            doctor_id: r.doctor_id,
            appointment_type_id: r.appointment_type_id,
            start: r.start,
            minutes: r.minutes,
        }
    }
}

impl From<BookRequest> for Command {
    fn from(r: BookRequest) -> Command {
        Command::Book {
            appointment_id: r.appointment_id,
            patient_id: r.patient_id,
            doctor_id: r.doctor_id,
            appointment_type_id: r.appointment_type_id,
            start: r.start,
        }
    }
}
