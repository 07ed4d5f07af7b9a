//! FHIR R4 JSON: the resources medsched writes ([`Bundle`] of [`Schedule`]s, [`Slot`]s and
//! [`Appointment`]s, made by [`Export::to_fhir`](crate::Export::to_fhir)) and reads
//! ([`read_fhir`]).
//!
//! The model is a minimal serde model of the four resources, not a full FHIR model crate:
//! it has the elements medsched maps and nothing else, and the tests check what it writes
//! with an independent validator (the `fhir.resources` R4B models in the Python tests).

mod model;
mod out;
mod read;

pub use model::{
    Appointment, AppointmentStatus, Bundle, CodeableConcept, Coding, Entry, Identifier, Meta,
    Participant, Period, Reference, Resource, Schedule, Search, Slot, SlotStatus,
};
pub use out::SlotSearch;
pub use read::{FhirImport, ImportedAppointment, read_fhir};
