//! FHIR R4 and iCalendar in and out: JSON and text through the facade's `interop` calls.

use medsched_facade::interop;
use pyo3::prelude::*;

use crate::errors::Result;

/// An export (JSON) as a FHIR R4 Bundle (JSON).
#[pyfunction]
pub fn fhir_bundle(py: Python<'_>, export: &str) -> Result<String> {
    Ok(py.detach(|| interop::fhir_bundle(export))?)
}

/// A FHIR Slot search (JSON) over an export (JSON): a searchset Bundle (JSON).
#[pyfunction]
pub fn fhir_slot_search(py: Python<'_>, export: &str, search: &str) -> Result<String> {
    Ok(py.detach(|| interop::fhir_slot_search(export, search))?)
}

/// An export (JSON) as the doctor's iCalendar feed.
#[pyfunction]
pub fn ics_feed(py: Python<'_>, export: &str) -> Result<String> {
    Ok(py.detach(|| interop::ics(export))?)
}

/// An export (JSON) as a VFREEBUSY calendar.
#[pyfunction]
pub fn freebusy(py: Python<'_>, export: &str) -> Result<String> {
    Ok(py.detach(|| interop::freebusy(export))?)
}

/// An iCalendar text as busy times (JSON) in the window of `request` (JSON).
#[pyfunction]
pub fn read_ics(py: Python<'_>, ics: &str, request: &str) -> Result<String> {
    Ok(py.detach(|| interop::read_ics(ics, request))?)
}

/// A FHIR bundle or resource (JSON) as busy times and appointments (JSON).
#[pyfunction]
#[pyo3(signature = (fhir, limits=None))]
pub fn read_fhir(py: Python<'_>, fhir: &str, limits: Option<&str>) -> Result<String> {
    Ok(py.detach(|| interop::read_fhir(fhir, limits))?)
}
