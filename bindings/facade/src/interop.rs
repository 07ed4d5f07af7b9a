//! FHIR R4 and iCalendar in and out ([`medsched_interop`]) as JSON text, as every binding
//! calls them: an export ([`Export`]) in, a Bundle or `.ics` text out; an `.ics` text or a
//! FHIR bundle in, busy times and imports as JSON out.
//!
//! ```
//! use medsched_facade::interop;
//!
//! let export = r#"{"doctor_id": "dr-asha", "time_zone": "Asia/Kolkata",
//!     "start": "2026-03-02T00:00:00Z", "end": "2026-03-03T00:00:00Z",
//!     "now": "2026-03-01T06:00:00Z"}"#;
//! let bundle: serde_json::Value = serde_json::from_str(&interop::fhir_bundle(export)?).unwrap();
//! assert_eq!(bundle["resourceType"], "Bundle");
//! assert!(interop::ics(export)?.starts_with("BEGIN:VCALENDAR\r\n"));
//! let refused = interop::read_ics("BEGIN:VCALENDAR\r\n", r#"{"start": "x"}"#).unwrap_err();
//! assert_eq!(refused.report().field.as_deref(), Some("request.start"));
//! # Ok::<(), medsched::Error>(())
//! ```

use medsched::Error;
use medsched_interop::fhir::SlotSearch;
use medsched_interop::{Export, IcsRead, InteropLimits};

use crate::json::{parse, text};

/// [`Export::to_fhir`]: `export` is [`Export`] JSON; the FHIR Bundle as JSON.
pub fn fhir_bundle(export: &str) -> Result<String, Error> {
    Ok(text(&parse::<Export>("export", export)?.to_fhir()?))
}

/// A FHIR Slot search over [`Export::to_fhir`]: `search` is
/// [`SlotSearch`] JSON; the `searchset` Bundle as JSON.
pub fn fhir_slot_search(export: &str, search: &str) -> Result<String, Error> {
    let search: SlotSearch = parse("search", search)?;
    let bundle = parse::<Export>("export", export)?.to_fhir()?;
    Ok(text(&bundle.slot_search(&search)))
}

/// [`Export::to_ics`]: the doctor's iCalendar feed.
pub fn ics(export: &str) -> Result<String, Error> {
    parse::<Export>("export", export)?.to_ics()
}

/// [`Export::to_freebusy`]: the doctor's `VFREEBUSY`.
pub fn freebusy(export: &str) -> Result<String, Error> {
    parse::<Export>("export", export)?.to_freebusy()
}

/// [`medsched_interop::read_ics`]: `request` is [`IcsRead`] JSON; the busy times as JSON.
pub fn read_ics(ics: &str, request: &str) -> Result<String, Error> {
    let request: IcsRead = parse("request", request)?;
    Ok(text(&medsched_interop::read_ics(ics, &request)?))
}

/// [`medsched_interop::read_fhir`]: `limits` is [`InteropLimits`] JSON (none: the
/// defaults); the [`FhirImport`](medsched_interop::FhirImport) as JSON.
pub fn read_fhir(fhir: &str, limits: Option<&str>) -> Result<String, Error> {
    let limits: InteropLimits = match limits {
        Some(l) => parse("limits", l)?,
        None => InteropLimits::DEFAULT,
    };
    Ok(text(&medsched_interop::read_fhir(fhir, &limits)?))
}
