//! Slot results stay in Rust until read: a `SlotList` holds the core's compact `SlotSet`
//! (24 bytes a slot) and makes a Python `Slot` only for the items a caller reads, so a 90-day
//! search costs what the core costs.

use std::sync::Arc;

use medsched::{CompactSlot, SlotSet};
use pyo3::exceptions::PyIndexError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PySlice};

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

/// A Python `medsched.Slot` for one core slot. Its fields are set directly (the values come
/// from the core, so the constructor's checks have nothing to refuse).
fn make_slot<'py>(
    py: Python<'py>,
    class: &Bound<'py, PyAny>,
    set: &SlotSet,
    slot: &CompactSlot,
) -> PyResult<Bound<'py, PyAny>> {
    let p = &set.places()[slot.place()];
    let kwargs = PyDict::new(py);
    kwargs.set_item("doctor_id", p.place.doctor_id.as_str())?;
    kwargs.set_item("location_id", p.place.location_id.as_str())?;
    kwargs.set_item("room_id", p.place.room_id.as_ref().map(|r| r.as_str()))?;
    kwargs.set_item("start", slot.start())?;
    kwargs.set_item("end", slot.end())?;
    kwargs.set_item("local_start", slot.local_start())?;
    kwargs.set_item("buffer_before_minutes", p.buffer_before_minutes)?;
    kwargs.set_item("buffer_after_minutes", p.buffer_after_minutes)?;
    kwargs.set_item("capacity_left", slot.capacity_left())?;
    let made = class.call_method1("__new__", (class,))?;
    made.setattr("__dict__", kwargs)?;
    Ok(made)
}

fn slot_class(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    py.import("medsched.slots")?.getattr("Slot")
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
        let class = slot_class(py)?;
        let slots = self.set.compact();
        if let Ok(slice) = index.cast::<PySlice>() {
            let indices = slice.indices(slots.len() as isize)?;
            let mut out = Vec::with_capacity(indices.slicelength);
            let mut i = indices.start;
            for _ in 0..indices.slicelength {
                out.push(make_slot(py, &class, &self.set, &slots[i as usize])?);
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
        make_slot(py, &class, &self.set, &slots[at as usize])
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
        self.set
            .compact()
            .iter()
            .map(|s| s.start().into_pyobject(py).map(|d| d.into_any()))
            .collect()
    }
}
