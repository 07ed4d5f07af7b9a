//! The part of FHIR R4 medsched writes and reads: Schedule, Slot, Appointment, Bundle and
//! the data types they use. Elements medsched does not use are left out when writing and
//! ignored when reading.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A business identifier: `system` namespaces `value`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Identifier {
    /// The namespace, e.g. `urn:medsched/appointment`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The identifier, e.g. medsched's appointment id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// A reference to another resource: `Practitioner/dr-asha`, with the medsched id as an
/// identifier.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Reference {
    /// The literal reference, `Type/id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The referenced resource's business identifier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<Identifier>,
    /// Text for the resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

/// A code in a code system.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Coding {
    /// The code system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// Codes and text for one concept.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CodeableConcept {
    /// The codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coding: Vec<Coding>,
    /// Plain text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A time range.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Period {
    /// Start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<DateTime<Utc>>,
    /// End.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<DateTime<Utc>>,
}

/// Resource metadata.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    /// When the resource last changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<DateTime<Utc>>,
}

/// A doctor's schedule at one location (FHIR `Schedule`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    /// The id: the doctor's and location's ids joined by `.`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The same as an identifier.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<Identifier>,
    /// Whether it is in use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// The Practitioner and the Location.
    #[serde(default)]
    pub actor: Vec<Reference>,
    /// The range exported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planning_horizon: Option<Period>,
}

/// FHIR `Slot.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SlotStatus {
    /// Bookable.
    Free,
    /// Taken by an appointment (or an external busy time).
    Busy,
    /// Closed: a block, leave, holiday; or out of the booking window.
    BusyUnavailable,
    /// Held for a patient.
    BusyTentative,
    /// Recorded by mistake.
    EnteredInError,
}

/// A bookable or busy stretch of a schedule (FHIR `Slot`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Slot {
    /// A stable id (see `docs/INTEROP.md`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The same key as an identifier.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<Identifier>,
    /// The appointment type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_type: Vec<CodeableConcept>,
    /// The schedule it belongs to.
    pub schedule: Reference,
    /// Free or busy, and how.
    pub status: SlotStatus,
    /// Start.
    pub start: DateTime<Utc>,
    /// End.
    pub end: DateTime<Utc>,
    /// Why it is busy, e.g. `closed by leave "conference"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// FHIR `Appointment.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AppointmentStatus {
    /// A hold.
    Proposed,
    /// Booked, waiting for staff to confirm.
    Pending,
    /// Confirmed.
    Booked,
    /// The patient has arrived (a waiting token).
    Arrived,
    /// Took place.
    Fulfilled,
    /// Cancelled or declined.
    Cancelled,
    /// The patient did not come.
    Noshow,
    /// Recorded by mistake.
    EnteredInError,
    /// With the doctor (a consulting token).
    CheckedIn,
    /// On a waiting list.
    Waitlist,
}

/// A participant of an appointment: the patient, the doctor, the location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    /// Who or where.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<Reference>,
    /// `accepted`, `tentative`, `needs-action` or `declined`.
    pub status: String,
}

/// An appointment or a hold (FHIR `Appointment`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Appointment {
    /// The id: medsched's appointment id, or `hold.` and the hold's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// When it last changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// medsched's id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<Identifier>,
    /// The status.
    pub status: AppointmentStatus,
    /// Why it was cancelled: code `cancelled` or `declined` and the reason given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancelation_reason: Option<CodeableConcept>,
    /// The appointment type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_type: Vec<CodeableConcept>,
    /// Start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<DateTime<Utc>>,
    /// End.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<DateTime<Utc>>,
    /// Length in minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minutes_duration: Option<i64>,
    /// Patient, doctor, location.
    #[serde(default)]
    pub participant: Vec<Participant>,
}

/// A resource of an exported bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "resourceType")]
pub enum Resource {
    /// A schedule.
    Schedule(Schedule),
    /// A slot.
    Slot(Slot),
    /// An appointment.
    Appointment(Appointment),
}

/// How a searchset entry matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Search {
    /// `match` or `include`.
    pub mode: String,
}

/// An entry of a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// The resource's absolute URL, when the host gives a base URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_url: Option<String>,
    /// The resource.
    pub resource: Resource,
    /// For a searchset: whether the entry matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<Search>,
}

/// A bundle of schedules, slots and appointments (FHIR `Bundle`, type `collection`, or
/// `searchset` for a search's answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bundle {
    /// Always `Bundle`.
    #[serde(rename = "resourceType")]
    pub resource_type: String,
    /// `collection` or `searchset`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When it was made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<DateTime<Utc>>,
    /// For a searchset: how many entries matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u32>,
    /// The entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entry: Vec<Entry>,
}
