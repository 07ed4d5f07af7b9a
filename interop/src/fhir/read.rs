//! Another system's FHIR Slots and Appointments as busy time and appointments to import.

use chrono::{DateTime, Utc};
use medsched::booking::AppointmentStatus as Status;
use medsched::{BusyTime, Error, Id, Problem, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::model::{Appointment, AppointmentStatus, Reference, Slot, SlotStatus};
use crate::InteropLimits;

/// What [`read_fhir`] found: busy times for slot generation
/// ([`Occupancy::busy`](medsched::Occupancy::busy)), and the appointments to import.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FhirImport {
    /// Busy Slots and occupying Appointments, by start then id; ids are `Slot/…` and
    /// `Appointment/…` with the resource's business identifier (or its id).
    pub busy: Vec<BusyTime>,
    /// Every appointment that has a time, in bundle order.
    pub appointments: Vec<ImportedAppointment>,
}

/// An appointment of another system, mapped to medsched's terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportedAppointment {
    /// Its business identifier's value, else its FHIR id.
    pub id: Id,
    /// The Practitioner participant (its identifier's value, else the referenced id).
    pub doctor_id: Id,
    /// The Patient participant, if any.
    pub patient_id: Option<Id>,
    /// The Location participant, if any.
    pub location_id: Option<Id>,
    /// The first `serviceType` code, if any.
    pub appointment_type_id: Option<Id>,
    /// Start.
    pub start: DateTime<Utc>,
    /// End.
    pub end: DateTime<Utc>,
    /// The lifecycle status: `proposed` and `pending` → pending; `booked`, `arrived` and
    /// `checked-in` → confirmed; `fulfilled` → completed; `noshow` → no_show;
    /// `cancelled` → cancelled, or declined when its cancelation reason's code is.
    pub status: Status,
    /// The FHIR status as given.
    pub fhir_status: AppointmentStatus,
}

/// Reads a FHIR R4 Bundle (any type) of Slots and Appointments, or one Slot or Appointment,
/// as busy time and appointments. Schedules in the bundle are skipped; free and
/// entered-in-error Slots give nothing; cancelled, entered-in-error and waitlist
/// Appointments are not busy, and those without a start and end are skipped unless they
/// should have them (all but proposed, cancelled and waitlist).
///
/// Refused, naming the JSON path: text that is not JSON or is past
/// [`InteropLimits::max_bytes`]; another resource type; a Slot or Appointment that does not
/// fit the R4 model (a missing status, a bad instant, an unknown status code); an
/// appointment without a Practitioner participant or ending before it starts; more entries
/// than [`InteropLimits::max_components`].
///
/// ```
/// use medsched_interop::{InteropLimits, read_fhir};
///
/// let bundle = r#"{"resourceType": "Bundle", "type": "searchset", "entry": [
///     {"resource": {"resourceType": "Slot", "id": "s1", "status": "busy",
///      "schedule": {"reference": "Schedule/x"},
///      "start": "2026-03-02T09:00:00+05:30", "end": "2026-03-02T09:30:00+05:30"}},
///     {"resource": {"resourceType": "Patient", "id": "p"}}]}"#;
/// let err = read_fhir(bundle, &InteropLimits::DEFAULT).unwrap_err();
/// assert_eq!(err.field(), Some("entry[1].resource.resourceType"));
///
/// let found = read_fhir(&bundle.replace("Patient", "Schedule"), &InteropLimits::DEFAULT)?;
/// assert_eq!(found.busy[0].id.as_str(), "Slot/s1");
/// assert_eq!(found.busy[0].start.to_rfc3339(), "2026-03-02T03:30:00+00:00");
/// # Ok::<(), medsched::Error>(())
/// ```
pub fn read_fhir(json: &str, limits: &InteropLimits) -> Result<FhirImport> {
    InteropLimits::check("fhir", json.len(), limits.max_bytes, "bytes")?;
    let root: Value = serde_json::from_str(json)
        .map_err(|e| Error::invalid_input("fhir", cut(json), Problem::Malformed(e.to_string())))?;
    let mut found = FhirImport::default();
    match kind(&root) {
        Some("Bundle") => {
            let entries = match root.get("entry") {
                None => &[][..],
                Some(Value::Array(entries)) => entries.as_slice(),
                Some(other) => {
                    return Err(Error::invalid_input(
                        "entry",
                        cut(&other.to_string()),
                        Problem::Malformed("a Bundle's entry is an array".into()),
                    ));
                }
            };
            InteropLimits::check("entry", entries.len(), limits.max_components, "entries")?;
            for (i, e) in entries.iter().enumerate() {
                let path = format!("entry[{i}].resource");
                match e.get("resource") {
                    Some(resource) => read_resource(&path, resource, &mut found)?,
                    None => {
                        return Err(Error::invalid_input(
                            path,
                            "",
                            Problem::Missing("the entry's resource".into()),
                        ));
                    }
                }
            }
        }
        _ => read_resource("", &root, &mut found)?,
    }
    found
        .busy
        .sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    Ok(found)
}

fn kind(resource: &Value) -> Option<&str> {
    resource.get("resourceType").and_then(Value::as_str)
}

/// The path of the resource itself: `fhir` for a lone resource.
fn root(path: &str) -> String {
    if path.is_empty() {
        "fhir".to_owned()
    } else {
        path.to_owned()
    }
}

/// The value at a serde path, as text (a string without its quotes).
fn field_value(resource: &Value, path: &serde_path_to_error::Path) -> Option<String> {
    let mut at = resource;
    for segment in path {
        at = match segment {
            serde_path_to_error::Segment::Seq { index } => at.get(index)?,
            serde_path_to_error::Segment::Map { key } => at.get(key)?,
            _ => return None,
        };
    }
    Some(match at {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

fn cut(text: &str) -> String {
    text.chars().take(200).collect()
}

fn read_resource(path: &str, resource: &Value, found: &mut FhirImport) -> Result<()> {
    fn model<T: serde::de::DeserializeOwned>(path: &str, resource: &Value) -> Result<T> {
        serde_path_to_error::deserialize(resource).map_err(|e| {
            let inner = e.path().to_string();
            let field = if inner == "." {
                root(path)
            } else {
                join(path, &inner)
            };
            let value = field_value(resource, e.path()).unwrap_or_else(|| resource.to_string());
            Error::invalid_input(
                field,
                cut(&value),
                Problem::Malformed(e.into_inner().to_string()),
            )
        })
    }
    match kind(resource) {
        Some("Schedule") => Ok(()),
        Some("Slot") => {
            let slot: Slot = model(path, resource)?;
            check_order(path, slot.start, slot.end)?;
            if matches!(slot.status, SlotStatus::Free | SlotStatus::EnteredInError) {
                return Ok(());
            }
            let id = business_id(slot.identifier.first(), slot.id.as_deref())
                .ok_or_else(|| missing(path, "id", "an id or identifier"))?;
            found
                .busy
                .push(BusyTime::new(format!("Slot/{id}"), slot.start, slot.end));
            Ok(())
        }
        Some("Appointment") => {
            let a: Appointment = model(path, resource)?;
            read_appointment(path, a, found)
        }
        other => Err(Error::invalid_input(
            join(path, "resourceType"),
            other.unwrap_or(""),
            Problem::Malformed("only Slot, Appointment and Schedule resources are read".into()),
        )),
    }
}

fn missing(path: &str, field: &str, what: &str) -> Error {
    Error::invalid_input(join(path, field), "", Problem::Missing(what.into()))
}

fn check_order(path: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<()> {
    if end <= start {
        return Err(Error::invalid_input(
            join(path, "end"),
            end.to_rfc3339(),
            Problem::EndNotAfterStart,
        ));
    }
    Ok(())
}

fn business_id(identifier: Option<&super::model::Identifier>, id: Option<&str>) -> Option<String> {
    identifier
        .and_then(|i| i.value.clone())
        .or_else(|| id.map(str::to_owned))
        .filter(|id| !id.is_empty())
}

/// The id of a participant of `kind` (`Practitioner`, `Patient`, `Location`).
fn participant(a: &Appointment, kind: &str) -> Option<String> {
    a.participant.iter().find_map(|p| {
        let actor: &Reference = p.actor.as_ref()?;
        let literal = actor.reference.as_deref()?;
        let id = literal
            .rsplit_once('/')
            .filter(|(k, _)| k.ends_with(kind))?
            .1;
        business_id(actor.identifier.as_ref(), Some(id))
    })
}

fn read_appointment(path: &str, a: Appointment, found: &mut FhirImport) -> Result<()> {
    let status = match a.status {
        AppointmentStatus::Proposed | AppointmentStatus::Pending => Some(Status::Pending),
        AppointmentStatus::Booked | AppointmentStatus::Arrived | AppointmentStatus::CheckedIn => {
            Some(Status::Confirmed)
        }
        AppointmentStatus::Fulfilled => Some(Status::Completed),
        AppointmentStatus::Noshow => Some(Status::NoShow),
        AppointmentStatus::Cancelled => {
            let declined = (a.cancelation_reason.iter())
                .flat_map(|r| &r.coding)
                .any(|c| c.code.as_deref() == Some("declined"));
            Some(if declined {
                Status::Declined
            } else {
                Status::Cancelled
            })
        }
        AppointmentStatus::EnteredInError | AppointmentStatus::Waitlist => None,
    };
    let Some(status) = status else {
        return Ok(());
    };
    let (start, end) = match (a.start, a.end) {
        (Some(start), Some(end)) => (start, end),
        _ if matches!(
            a.status,
            AppointmentStatus::Proposed | AppointmentStatus::Cancelled
        ) =>
        {
            return Ok(());
        }
        (None, _) => return Err(missing(path, "start", "a start (the status has one)")),
        (Some(_), None) => return Err(missing(path, "end", "an end (the status has one)")),
    };
    check_order(path, start, end)?;
    let id = business_id(a.identifier.first(), a.id.as_deref())
        .ok_or_else(|| missing(path, "id", "an id or identifier"))?;
    let doctor_id = participant(&a, "Practitioner")
        .ok_or_else(|| missing(path, "participant", "a Practitioner participant"))?;
    if status.occupies() {
        found
            .busy
            .push(BusyTime::new(format!("Appointment/{id}"), start, end));
    }
    let appointment_type_id = (a.service_type.iter())
        .flat_map(|s| &s.coding)
        .find_map(|c| c.code.clone())
        .map(Id::from);
    found.appointments.push(ImportedAppointment {
        id: id.into(),
        doctor_id: doctor_id.into(),
        patient_id: participant(&a, "Patient").map(Id::from),
        location_id: participant(&a, "Location").map(Id::from),
        appointment_type_id,
        start,
        end,
        status,
        fhir_status: a.status,
    });
    Ok(())
}
