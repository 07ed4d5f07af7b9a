//! FHIR R4 and iCalendar in and out: JSON and text through the facade's `interop` calls.

use medsched_facade::interop;
use napi_derive::napi;

use crate::errors::{Result, done};

/// An export (JSON) as a FHIR R4 Bundle (JSON).
#[napi]
pub fn fhir_bundle(export_json: String) -> Result<String> {
    done(interop::fhir_bundle(&export_json))
}

/// A FHIR Slot search (JSON) over an export (JSON): a searchset Bundle (JSON).
#[napi]
pub fn fhir_slot_search(export_json: String, search_json: String) -> Result<String> {
    done(interop::fhir_slot_search(&export_json, &search_json))
}

/// An export (JSON) as the doctor's iCalendar feed.
#[napi]
pub fn ics_feed(export_json: String) -> Result<String> {
    done(interop::ics(&export_json))
}

/// An export (JSON) as a VFREEBUSY calendar.
#[napi]
pub fn freebusy(export_json: String) -> Result<String> {
    done(interop::freebusy(&export_json))
}

/// An iCalendar text as busy times (JSON) in the window of `request` (JSON).
#[napi]
pub fn read_ics(ics: String, request: String) -> Result<String> {
    done(interop::read_ics(&ics, &request))
}

/// A FHIR bundle or resource (JSON) as busy times and appointments (JSON).
#[napi]
pub fn read_fhir(fhir: String, limits: Option<String>) -> Result<String> {
    done(interop::read_fhir(&fhir, limits.as_deref()))
}
