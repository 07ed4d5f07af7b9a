//! FHIR R4 and iCalendar in and out: JSON and text through the facade's `interop` calls.

use medsched_facade::interop;

use crate::error::Result;

/// An export (JSON) as a FHIR R4 Bundle (JSON).
#[uniffi::export]
pub fn fhir_bundle(export_json: String) -> Result<String> {
    Ok(interop::fhir_bundle(&export_json)?)
}

/// A FHIR Slot search (JSON) over an export (JSON): a searchset Bundle (JSON).
#[uniffi::export]
pub fn fhir_slot_search(export_json: String, search_json: String) -> Result<String> {
    Ok(interop::fhir_slot_search(&export_json, &search_json)?)
}

/// An export (JSON) as the doctor's iCalendar feed.
#[uniffi::export]
pub fn ics_feed(export_json: String) -> Result<String> {
    Ok(interop::ics(&export_json)?)
}

/// An export (JSON) as a VFREEBUSY calendar.
#[uniffi::export]
pub fn freebusy(export_json: String) -> Result<String> {
    Ok(interop::freebusy(&export_json)?)
}

/// An iCalendar text as busy times (JSON) in the window of `request_json`.
#[uniffi::export]
pub fn read_ics(ics: String, request_json: String) -> Result<String> {
    Ok(interop::read_ics(&ics, &request_json)?)
}

/// A FHIR bundle or resource (JSON) as busy times and appointments (JSON).
#[uniffi::export]
pub fn read_fhir(fhir_json: String, limits_json: Option<String>) -> Result<String> {
    Ok(interop::read_fhir(&fhir_json, limits_json.as_deref())?)
}
