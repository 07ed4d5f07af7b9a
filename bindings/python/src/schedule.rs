//! Clinic rules, one doctor's availability, and a tenant's schedule.

use std::sync::Arc;

use medsched::{
    Availability as CoreAvailability, Clinic, ClinicRules as CoreClinicRules, DoctorCalendar, Id,
    Occupancy, PreparedOccupancy as CorePrepared, SlotOptions, SlotRequest, SlotSet,
    booking::Schedule as CoreSchedule,
};
use medsched_facade::ScheduleHandle;
use medsched_facade::occupancy::{Taken, first_available};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString};

use crate::body::body;
use crate::errors::Result;
use crate::intervals::interval_list;
use crate::slots::{SlotList, SlotSeries};
use medsched_facade::json::{parse, text};
use medsched_facade::values::{date, instant, zone};

/// A clinic's compiled rules.
#[pyclass(frozen, name = "ClinicRules", module = "medsched._native")]
pub struct ClinicRules {
    pub inner: Arc<CoreClinicRules>,
}

#[pymethods]
impl ClinicRules {
    #[new]
    #[pyo3(signature = (clinic, limits=None, roster=None))]
    fn new(
        py: Python<'_>,
        clinic: &str,
        limits: Option<&str>,
        roster: Option<Vec<String>>,
    ) -> Result<Self> {
        let inner = py.detach(|| {
            medsched_facade::resources::clinic_rules(clinic, limits, roster.as_deref())
        })?;
        Ok(ClinicRules {
            inner: Arc::new(inner),
        })
    }

    fn time_zone(&self, location_id: &str) -> Option<String> {
        self.inner
            .time_zone(location_id)
            .map(|tz| tz.name().to_owned())
    }
}

/// One doctor's compiled availability.
#[pyclass(frozen, name = "Availability", module = "medsched._native")]
pub struct Availability {
    pub inner: Arc<CoreAvailability>,
}

#[pymethods]
impl Availability {
    #[new]
    fn new(py: Python<'_>, rules: &ClinicRules, calendar: &str) -> Result<Self> {
        let calendar: DoctorCalendar = parse("", calendar)?;
        let inner = py.detach(|| CoreAvailability::new(&rules.inner, &calendar))?;
        Ok(Availability {
            inner: Arc::new(inner),
        })
    }

    #[getter]
    fn doctor_id(&self) -> &str {
        self.inner.doctor_id().as_str()
    }

    #[pyo3(signature = (start, end, merge_open=false))]
    fn resolve<'py>(
        &self,
        py: Python<'py>,
        start: &str,
        end: &str,
        merge_open: bool,
    ) -> Result<Bound<'py, PyList>> {
        let (start, end) = (instant("start", start)?, instant("end", end)?);
        let options = medsched::ResolveOptions { merge_open };
        let timeline = py.detach(|| self.inner.resolve_with(start, end, options))?;
        Ok(interval_list(py, &timeline)?)
    }

    /// As `resolve`, returned as the intervals' JSON bytes (a list): the body of an HTTP
    /// response, resolved and written without the GIL and without a Python object per
    /// interval.
    fn resolve_json<'py>(
        &self,
        py: Python<'py>,
        start: &str,
        end: &str,
    ) -> Result<Bound<'py, PyBytes>> {
        let (start, end) = (instant("start", start)?, instant("end", end)?);
        body(py, |out| {
            let timeline = self.inner.resolve(start, end)?;
            medsched::Interval::write_json_list(&timeline, out);
            Ok(())
        })
    }

    fn resolve_dates<'py>(
        &self,
        py: Python<'py>,
        location_id: &str,
        first: &str,
        last: &str,
    ) -> Result<Bound<'py, PyList>> {
        let (first, last) = (date("first", first)?, date("last", last)?);
        let timeline = py.detach(|| self.inner.resolve_dates(location_id, first, last))?;
        Ok(interval_list(py, &timeline)?)
    }

    fn explain(&self, py: Python<'_>, at: &str) -> Result<String> {
        let at = instant("at", at)?;
        Ok(text(&py.detach(|| self.inner.explain(at))?))
    }

    /// `occupancy`: `Occupancy` JSON, a `PreparedOccupancy`, or `None`.
    #[pyo3(signature = (request, occupancy=None, options=None))]
    fn slots(
        &self,
        py: Python<'_>,
        request: &str,
        occupancy: Option<&Bound<'_, PyAny>>,
        options: Option<&str>,
    ) -> Result<SlotSeries> {
        let request: SlotRequest = parse("request", request)?;
        let occupancy = occupancy_arg("occupancy", occupancy)?;
        let options = slot_options(options)?;
        let set = py.detach(|| occupancy.slot_set(&self.inner, &request, options))?;
        Ok(SlotSeries::new(set))
    }

    /// The slots of `request` this doctor can take with every doctor of `others` and a seat
    /// of every piece of `equipment` at once (`Availability::joint_slots`), as `SlotSeries`
    /// JSON text.
    #[pyo3(signature = (others, equipment, request, occupancy=None, limit=None))]
    fn joint_slots(
        &self,
        py: Python<'_>,
        others: Vec<Py<Availability>>,
        equipment: Vec<String>,
        request: &str,
        occupancy: Option<&Bound<'_, PyAny>>,
        limit: Option<u32>,
    ) -> Result<String> {
        let request: SlotRequest = parse("request", request)?;
        let occupancy = occupancy_arg("occupancy", occupancy)?;
        let others: Vec<Arc<CoreAvailability>> =
            others.iter().map(|o| o.get().inner.clone()).collect();
        let equipment: Vec<Id> = equipment.into_iter().map(Id::from).collect();
        let series = py.detach(|| {
            let prepared = occupancy.prepared()?;
            let others: Vec<&CoreAvailability> = others.iter().map(Arc::as_ref).collect();
            self.inner
                .joint_slots(&others, &equipment, &request, &prepared, limit)
        })?;
        Ok(text(&series))
    }

    /// As `slots`, returned as the core's `SlotSeries` JSON bytes: the body of an HTTP
    /// response, made and written without the GIL and without a Python object per slot.
    #[pyo3(signature = (request, occupancy=None, options=None))]
    fn slots_json<'py>(
        &self,
        py: Python<'py>,
        request: &str,
        occupancy: Option<&Bound<'_, PyAny>>,
        options: Option<&str>,
    ) -> Result<Bound<'py, PyBytes>> {
        let occupancy = occupancy_arg("occupancy", occupancy)?;
        let options = slot_options(options)?;
        body(py, |out| {
            let request: SlotRequest = parse("request", request)?;
            let set = occupancy.slot_set(&self.inner, &request, options)?;
            set.write_json(out);
            Ok(())
        })
    }
}

fn slot_options(options: Option<&str>) -> Result<SlotOptions> {
    Ok(match options {
        Some(o) => parse("options", o)?,
        None => SlotOptions::default(),
    })
}

/// What is taken, read, checked and indexed once in Rust (the core's `PreparedOccupancy`)
/// and kept for many searches.
#[pyclass(frozen, name = "Occupancy", module = "medsched._native")]
pub struct PreparedOccupancy {
    pub inner: Arc<CorePrepared>,
}

#[pymethods]
impl PreparedOccupancy {
    #[new]
    fn new(py: Python<'_>, occupancy: &str) -> Result<Self> {
        let inner = py.detach(|| {
            let occupancy = parse::<Occupancy>("occupancy", occupancy)?;
            CorePrepared::new(occupancy)
        })?;
        Ok(PreparedOccupancy {
            inner: Arc::new(inner),
        })
    }

    fn to_json(&self) -> String {
        text(self.inner.occupancy())
    }
}

/// An occupancy argument: JSON text, a `PreparedOccupancy`, a `medsched.Occupancy` data
/// class (read from its attributes, or through its JSON when it holds anything unexpected),
/// or `None` (nothing taken).
fn occupancy_arg(what: &str, arg: Option<&Bound<'_, PyAny>>) -> Result<Taken> {
    let Some(arg) = arg.filter(|a| !a.is_none()) else {
        return Ok(Taken::Given(Arc::new(Occupancy::default())));
    };
    if let Ok(prepared) = arg.cast::<PreparedOccupancy>() {
        return Ok(Taken::Prepared(prepared.get().inner.clone()));
    }
    if let Ok(json) = arg.cast::<PyString>() {
        return Ok(Taken::Given(Arc::new(parse(what, &json.to_cow()?)?)));
    }
    if let Some(read) = crate::occupancy::read(arg)? {
        return Ok(Taken::Given(Arc::new(read)));
    }
    let to_json = arg.py().import("medsched._codec")?.getattr("to_json")?;
    let json: String = to_json.call1((arg, "occupancy"))?.extract()?;
    Ok(Taken::Given(Arc::new(parse(what, &json)?)))
}

/// Each doctor's slots for one request, each with its occupancy (as for `slots`), in one
/// call: the request is read once and the GIL released once.
#[pyfunction]
#[pyo3(signature = (doctors, request, options=None))]
pub fn slots_for_doctors(
    py: Python<'_>,
    doctors: Vec<(Py<Availability>, Option<Py<PyAny>>)>,
    request: &str,
    options: Option<&str>,
) -> Result<Vec<SlotSeries>> {
    let request: SlotRequest = parse("request", request)?;
    let options = slot_options(options)?;
    let pairs = doctor_pairs(py, &doctors)?;
    let found = py.detach(|| {
        pairs
            .iter()
            .map(|(doctor, occupancy)| occupancy.slot_set(doctor, &request, options))
            .collect::<medsched::Result<Vec<_>>>()
    })?;
    Ok(found.into_iter().map(SlotSeries::new).collect())
}

/// The doctors' availabilities and occupancies, read.
fn doctor_pairs(
    py: Python<'_>,
    doctors: &[(Py<Availability>, Option<Py<PyAny>>)],
) -> Result<Vec<(Arc<CoreAvailability>, Taken)>> {
    let mut pairs = Vec::with_capacity(doctors.len());
    for (i, (doctor, occupancy)) in doctors.iter().enumerate() {
        let what = format!("doctors[{i}].occupancy");
        let occupancy = occupancy_arg(&what, occupancy.as_ref().map(|o| o.bind(py)))?;
        pairs.push((doctor.get().inner.clone(), occupancy));
    }
    Ok(pairs)
}

/// The first `count` slots across doctors, each with its occupancy (as for `slots`).
#[pyfunction]
pub fn first_available_slots(
    py: Python<'_>,
    doctors: Vec<(Py<Availability>, Option<Py<PyAny>>)>,
    request: &str,
    count: u32,
) -> Result<SlotList> {
    let request: SlotRequest = parse("request", request)?;
    let pairs = doctor_pairs(py, &doctors)?;
    let slots = py.detach(|| first_available(&pairs, &request, count))?;
    let set: SlotSet = slots.slots.into_iter().collect();
    Ok(SlotList::new(Arc::new(set.with_truncated(slots.truncated))))
}

/// A tenant's compiled clinic, doctors and appointment types.
#[pyclass(frozen, name = "Schedule", module = "medsched._native")]
pub struct Schedule {
    inner: ScheduleHandle,
}

impl Schedule {
    /// The schedule as it is now (a calendar set later does not change it).
    pub fn current(&self) -> Arc<CoreSchedule> {
        self.inner.current()
    }
}

#[pymethods]
impl Schedule {
    #[new]
    #[pyo3(signature = (tenant, clinic, calendars, appointment_types, book_time_zone=None, limits=None))]
    fn new(
        py: Python<'_>,
        tenant: &str,
        clinic: &str,
        calendars: &str,
        appointment_types: &str,
        book_time_zone: Option<&str>,
        limits: Option<&str>,
    ) -> Result<Self> {
        let clinic: Clinic = parse("clinic", clinic)?;
        let calendars: Vec<DoctorCalendar> = parse("calendars", calendars)?;
        let types: Vec<medsched::AppointmentType> = parse("appointment_types", appointment_types)?;
        let zone = book_time_zone
            .map(|z| zone("book_time_zone", z))
            .transpose()?;
        let limits = medsched_facade::json::limits(limits)?;
        let schedule =
            py.detach(|| CoreSchedule::with_limits(tenant, &clinic, &calendars, &types, &limits))?;
        let schedule = match zone {
            Some(zone) => schedule.with_book_time_zone(zone),
            None => schedule,
        };
        Ok(Schedule {
            inner: ScheduleHandle::new(schedule),
        })
    }

    #[getter]
    fn tenant(&self) -> String {
        self.current().tenant().as_str().to_owned()
    }

    #[getter]
    fn book_time_zone(&self) -> String {
        self.current().book_time_zone().name().to_owned()
    }

    fn book_date(&self, instant_text: &str) -> Result<String> {
        let at = instant("instant", instant_text)?;
        Ok(self.current().book_date(at)?.to_string())
    }

    /// Compiles the calendar into a copy of the schedule and swaps it in (see
    /// `ScheduleHandle`): concurrent changes each land, searches keep the schedule they
    /// started with.
    fn set_calendar(&self, py: Python<'_>, calendar: &str) -> Result<()> {
        let calendar: DoctorCalendar = parse("calendar", calendar)?;
        py.detach(|| self.inner.set_calendar(&calendar))?;
        Ok(())
    }

    fn availability(&self, doctor_id: &str) -> Result<Availability> {
        let schedule = self.current();
        Ok(Availability {
            inner: Arc::new(schedule.availability(doctor_id)?.clone()),
        })
    }

    fn appointment_type(&self, id: &str) -> Result<String> {
        Ok(text(self.current().appointment_type(id)?))
    }

    fn doctor_ids(&self) -> Vec<String> {
        self.inner.doctor_ids()
    }

    fn clinic_rules(&self) -> ClinicRules {
        ClinicRules {
            inner: Arc::new(self.current().clinic().clone()),
        }
    }
}
