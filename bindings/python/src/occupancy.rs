//! A `medsched.Occupancy` data class read straight from its attributes, without going through
//! JSON: what a handler that builds its bookings per request pays on every call. Anything
//! unexpected (a subclass, a naive or non-UTC datetime, a bool for an int) is left to the
//! JSON path, which refuses bad values naming their field.

use chrono::{DateTime, Utc};
use medsched::{BusyTime, ConsultationMode, Id, Occupancy, Reservation};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyInt, PyList, PyString};

/// The record classes and the mode enum of the Python package.
struct Classes<'py> {
    occupancy: Bound<'py, PyAny>,
    reservation: Bound<'py, PyAny>,
    busy: Bound<'py, PyAny>,
    mode: Bound<'py, PyAny>,
}

/// `value` read as an `Occupancy`, or `None` when it is anything but a plain, well-formed
/// `medsched.Occupancy`.
pub fn read(value: &Bound<'_, PyAny>) -> PyResult<Option<Occupancy>> {
    let py = value.py();
    let slots = py.import("medsched.slots")?;
    let classes = Classes {
        occupancy: slots.getattr("Occupancy")?,
        reservation: slots.getattr("Reservation")?,
        busy: slots.getattr("BusyTime")?,
        mode: py
            .import("medsched.calendar")?
            .getattr("ConsultationMode")?,
    };
    if !value.get_type().is(&classes.occupancy) {
        return Ok(None);
    }
    Ok(occupancy(value, &classes))
}

fn occupancy<'py>(value: &Bound<'py, PyAny>, classes: &Classes<'_>) -> Option<Occupancy> {
    let py = value.py();
    let list = |name: &Bound<'py, PyString>| {
        let items = value.getattr(name).ok()?;
        items.cast_into_exact::<PyList>().ok()
    };
    let (reservations, busy) = (
        list(intern!(py, "reservations"))?,
        list(intern!(py, "busy"))?,
    );
    let mut out = Occupancy {
        reservations: Vec::with_capacity(reservations.len()),
        busy: Vec::with_capacity(busy.len()),
    };
    for r in reservations.iter() {
        out.reservations.push(reservation(&r, classes)?);
    }
    for b in busy.iter() {
        if !b.get_type().is(&classes.busy) {
            return None;
        }
        out.busy.push(BusyTime {
            id: text(&b, intern!(py, "id"))?,
            start: instant(&b, intern!(py, "start"))?,
            end: instant(&b, intern!(py, "end"))?,
        });
    }
    Some(out)
}

fn reservation<'py>(r: &Bound<'py, PyAny>, classes: &Classes<'_>) -> Option<Reservation> {
    if !r.get_type().is(&classes.reservation) {
        return None;
    }
    let py = r.py();
    let mode = r.getattr(intern!(py, "mode")).ok()?;
    if !mode.is_instance(&classes.mode).ok()? {
        return None;
    }
    let mode = match mode
        .getattr(intern!(py, "value"))
        .ok()?
        .extract::<String>()
        .ok()?
        .as_str()
    {
        "in_person" => ConsultationMode::InPerson,
        "video" => ConsultationMode::Video,
        "phone" => ConsultationMode::Phone,
        _ => return None,
    };
    let optional =
        |name: &Bound<'py, PyString>| r.getattr(name).ok().map(|v| (!v.is_none()).then_some(v));
    Some(Reservation {
        id: text(r, intern!(py, "id"))?,
        doctor_id: text(r, intern!(py, "doctor_id"))?,
        start: instant(r, intern!(py, "start"))?,
        end: instant(r, intern!(py, "end"))?,
        buffer_before_minutes: count(r, intern!(py, "buffer_before_minutes"))?,
        buffer_after_minutes: count(r, intern!(py, "buffer_after_minutes"))?,
        seats: count(r, intern!(py, "seats"))?,
        mode,
        room_id: match optional(intern!(py, "room_id"))? {
            None => None,
            Some(v) => Some(exact_text(&v)?),
        },
        expires_at: match optional(intern!(py, "expires_at"))? {
            None => None,
            Some(v) => Some(v.extract::<DateTime<Utc>>().ok()?),
        },
        appointment_type_id: match optional(intern!(py, "appointment_type_id"))? {
            None => None,
            Some(v) => Some(exact_text(&v)?),
        },
    })
}

fn exact_text(v: &Bound<'_, PyAny>) -> Option<Id> {
    let s = v.cast_exact::<PyString>().ok()?;
    Some(Id::from(&*s.to_cow().ok()?))
}

fn text(record: &Bound<'_, PyAny>, name: &Bound<'_, PyString>) -> Option<Id> {
    exact_text(&record.getattr(name).ok()?)
}

fn instant(record: &Bound<'_, PyAny>, name: &Bound<'_, PyString>) -> Option<DateTime<Utc>> {
    record.getattr(name).ok()?.extract::<DateTime<Utc>>().ok()
}

fn count(record: &Bound<'_, PyAny>, name: &Bound<'_, PyString>) -> Option<u32> {
    let v = record.getattr(name).ok()?;
    v.cast_exact::<PyInt>().ok()?.extract::<u32>().ok()
}
