//! A timeline as Python `medsched.Interval`s, made natively. A 90-day `resolve` (473
//! intervals) took 4.2 ms when Python decoded its JSON and takes about 0.7 ms so; making the
//! objects is still about 15 times the core's resolution (docs/SPEED.md, stop 32).

use std::collections::HashMap;

use medsched::{Id, Interval, RuleKind, Status};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use serde::Serialize;

use crate::instants::Instants;

/// Makes `Interval`s in order. Their fields are set directly (the values come from the core,
/// so the constructor's checks have nothing to refuse); each enum member and id string is
/// made once per call, instants by [`Instants`].
struct IntervalMaker<'py> {
    py: Python<'py>,
    class: Bound<'py, PyAny>,
    new: Bound<'py, PyAny>,
    status: Members<'py, Status>,
    rule: Members<'py, RuleKind>,
    ids: HashMap<Id, Bound<'py, PyAny>>,
    instants: Instants<'py>,
}

/// A Python enum's members by the core's value, looked up (by its serde name) on first use.
struct Members<'py, T> {
    class: Bound<'py, PyAny>,
    made: Vec<(T, Bound<'py, PyAny>)>,
}

impl<'py, T: Copy + PartialEq + Serialize> Members<'py, T> {
    fn new(class: Bound<'py, PyAny>) -> Self {
        Members {
            class,
            made: Vec::new(),
        }
    }

    fn member(&mut self, value: T) -> PyResult<Bound<'py, PyAny>> {
        if let Some((_, member)) = self.made.iter().find(|(v, _)| *v == value) {
            return Ok(member.clone());
        }
        let name = match serde_json::to_value(value) {
            Ok(serde_json::Value::String(name)) => name,
            other => format!("{other:?}"),
        };
        let member = self.class.call1((name,))?;
        self.made.push((value, member.clone()));
        Ok(member)
    }
}

impl<'py> IntervalMaker<'py> {
    fn new(py: Python<'py>) -> PyResult<Self> {
        let timeline = py.import("medsched.timeline")?;
        let class = timeline.getattr("Interval")?;
        let new = class.getattr(intern!(py, "__new__"))?;
        Ok(IntervalMaker {
            py,
            class,
            new,
            status: Members::new(timeline.getattr("Status")?),
            rule: Members::new(timeline.getattr("RuleKind")?),
            ids: HashMap::new(),
            instants: Instants::new(py),
        })
    }

    /// An id as a Python `str` (one object per id), or `None`.
    fn id(&mut self, id: Option<&Id>) -> Bound<'py, PyAny> {
        let Some(id) = id else {
            return self.py.None().into_bound(self.py);
        };
        if let Some(made) = self.ids.get(id) {
            return made.clone();
        }
        let made = PyString::new(self.py, id.as_str()).into_any();
        self.ids.insert(id.clone(), made.clone());
        made
    }

    fn interval(&mut self, i: &Interval) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        let fields = PyDict::new(py);
        fields.set_item(
            intern!(py, "start"),
            self.instants.utc(i.start.timestamp())?,
        )?;
        fields.set_item(intern!(py, "end"), self.instants.utc(i.end.timestamp())?)?;
        fields.set_item(intern!(py, "status"), self.status.member(i.status)?)?;
        fields.set_item(intern!(py, "rule"), self.rule.member(i.rule)?)?;
        fields.set_item(intern!(py, "rule_id"), self.id(i.rule_id.as_ref()))?;
        fields.set_item(intern!(py, "location_id"), self.id(i.location_id.as_ref()))?;
        fields.set_item(intern!(py, "room_id"), self.id(i.room_id.as_ref()))?;
        let leave = self.id(i.tentative_leave_id.as_ref());
        fields.set_item(intern!(py, "tentative_leave_id"), leave)?;
        let made = self.new.call1((&self.class,))?;
        made.setattr(intern!(py, "__dict__"), fields)?;
        Ok(made)
    }
}

/// The intervals as a list of Python `medsched.Interval`s.
pub fn interval_list<'py>(py: Python<'py>, intervals: &[Interval]) -> PyResult<Bound<'py, PyList>> {
    let mut maker = IntervalMaker::new(py)?;
    let made = (intervals.iter())
        .map(|i| maker.interval(i))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, made)
}
