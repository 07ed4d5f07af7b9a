//! Slot results stay in Rust until read: a `SlotList` holds the core's compact `SlotSet`
//! (24 bytes a slot) and makes a Python `Slot` only for the items a caller reads, so a 90-day
//! search costs what the core costs.

use std::sync::Arc;

use medsched::{CompactSlot, SlotSet};
use pyo3::exceptions::PyIndexError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PySlice, PyString};

use crate::instants::Instants;
use medsched_facade::json::text;

/// The result of a slot search: bookable slots, unavailable candidates and whether the
/// search stopped at its limit.
#[pyclass(frozen, name = "SlotSeries", module = "medsched._native")]
pub struct SlotSeries {
    set: Arc<SlotSet>,
}

impl SlotSeries {
    pub fn new(set: SlotSet) -> Self {
        SlotSeries { set: Arc::new(set) }
    }
}

#[pymethods]
impl SlotSeries {
    #[getter]
    fn slots(&self) -> SlotList {
        SlotList::new(self.set.clone())
    }

    #[getter]
    fn truncated(&self) -> bool {
        self.set.truncated()
    }

    /// The unavailable candidates as `UnavailableSlot` JSON (a list).
    fn unavailable_json(&self) -> String {
        text(self.set.unavailable())
    }

    /// The whole series as the core's `SlotSeries` JSON.
    fn to_json(&self, py: Python<'_>) -> String {
        py.detach(|| {
            let mut body = Vec::new();
            self.set.write_json(&mut body);
            String::from_utf8(body)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
        })
    }
}

/// A read-only sequence of slots.
#[pyclass(frozen, sequence, name = "SlotList", module = "medsched._native")]
pub struct SlotList {
    set: Arc<SlotSet>,
}

impl SlotList {
    pub fn new(set: Arc<SlotSet>) -> Self {
        SlotList { set }
    }
}

/// Makes Python `medsched.Slot`s of one set, in order. Their fields are set directly (the
/// values come from the core, so the constructor's checks have nothing to refuse). Each
/// place's strings and numbers are made once; instants are made by [`Instants`].
struct SlotMaker<'py> {
    py: Python<'py>,
    class: Bound<'py, PyAny>,
    new: Bound<'py, PyAny>,
    /// Per place of the set: doctor, location, room (or `None`), buffer before, buffer
    /// after; made when a slot of the place is first made.
    places: Vec<Option<[Bound<'py, PyAny>; 5]>>,
    instants: Instants<'py>,
}

impl<'py> SlotMaker<'py> {
    fn new(py: Python<'py>, set: &SlotSet) -> PyResult<Self> {
        let class = py.import("medsched.slots")?.getattr("Slot")?;
        let new = class.getattr(intern!(py, "__new__"))?;
        Ok(SlotMaker {
            py,
            class,
            new,
            places: vec![None; set.places().len()],
            instants: Instants::new(py),
        })
    }

    /// The Python values of place `at` of `set`, made on first use.
    fn place(&mut self, set: &SlotSet, at: usize) -> PyResult<[Bound<'py, PyAny>; 5]> {
        if let Some(made) = &self.places[at] {
            return Ok(made.clone());
        }
        let py = self.py;
        let p = &set.places()[at];
        let made = [
            PyString::new(py, p.place.doctor_id.as_str()).into_any(),
            PyString::new(py, p.place.location_id.as_str()).into_any(),
            p.place
                .room_id
                .as_ref()
                .map(|r| r.as_str())
                .into_pyobject(py)?,
            p.buffer_before_minutes.into_pyobject(py)?.into_any(),
            p.buffer_after_minutes.into_pyobject(py)?.into_any(),
        ];
        self.places[at] = Some(made.clone());
        Ok(made)
    }

    fn slot(&mut self, set: &SlotSet, slot: &CompactSlot) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        let start = self.instants.utc(slot.start_secs())?;
        let end = self.instants.utc(slot.end_secs())?;
        let local_start =
            (self.instants).local(slot.start_secs() + i64::from(slot.utc_offset_secs()))?;
        let [doctor, location, room, before, after] = self.place(set, slot.place())?;
        let fields = PyDict::new(py);
        fields.set_item(intern!(py, "doctor_id"), doctor)?;
        fields.set_item(intern!(py, "location_id"), location)?;
        fields.set_item(intern!(py, "room_id"), room)?;
        fields.set_item(intern!(py, "start"), start)?;
        fields.set_item(intern!(py, "end"), end)?;
        fields.set_item(intern!(py, "local_start"), local_start)?;
        fields.set_item(intern!(py, "buffer_before_minutes"), before)?;
        fields.set_item(intern!(py, "buffer_after_minutes"), after)?;
        fields.set_item(intern!(py, "capacity_left"), slot.capacity_left())?;
        let made = self.new.call1((&self.class,))?;
        made.setattr(intern!(py, "__dict__"), fields)?;
        Ok(made)
    }
}

#[pymethods]
impl SlotList {
    fn __len__(&self) -> usize {
        self.set.len()
    }

    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        index: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut maker = SlotMaker::new(py, &self.set)?;
        let slots = self.set.compact();
        if let Ok(slice) = index.cast::<PySlice>() {
            let indices = slice.indices(slots.len() as isize)?;
            let mut out = Vec::with_capacity(indices.slicelength);
            let mut i = indices.start;
            for _ in 0..indices.slicelength {
                out.push(maker.slot(&self.set, &slots[i as usize])?);
                i += indices.step;
            }
            return Ok(pyo3::types::PyList::new(py, out)?.into_any());
        }
        let len = slots.len() as isize;
        let i: isize = match index.extract() {
            Ok(i) => i,
            Err(_) if index.is_instance_of::<pyo3::types::PyInt>() => {
                return Err(PyIndexError::new_err(format!(
                    "slot index {index} out of range for {len} slots"
                )));
            }
            Err(err) => return Err(err),
        };
        let at = if i < 0 { i + len } else { i };
        if at < 0 || at >= len {
            return Err(PyIndexError::new_err(format!(
                "slot index {i} out of range for {len} slots"
            )));
        }
        maker.slot(&self.set, &slots[at as usize])
    }

    /// Whether the search behind the list stopped looking (a work bound or limit), so more
    /// slots may exist.
    #[getter]
    fn truncated(&self) -> bool {
        self.set.truncated()
    }

    /// The slots as the core's `Slot` JSON (a list).
    fn to_json(&self, py: Python<'_>) -> String {
        py.detach(|| text(&self.set.slots_json()))
    }

    /// The slots' starts, as aware UTC datetimes.
    fn starts<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let mut maker = SlotMaker::new(py, &self.set)?;
        self.set
            .compact()
            .iter()
            .map(|s| maker.instants.utc(s.start_secs()))
            .collect()
    }
}
