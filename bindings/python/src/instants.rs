//! Python `datetime`s of instants met mostly in order (slots, timeline intervals): each made
//! from the one before it on its clock plus a `timedelta` (one per distance, kept), which
//! CPython adds in C, where calling `datetime(...)` through the stable ABI parses eight
//! arguments every time. An instant equal to the one before it (a slot's end and the next
//! slot's start) is the same object.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta};
use pyo3::prelude::*;

/// The last instant made on one clock (UTC or a location's wall clock), in seconds since the
/// epoch and as a Python `datetime`.
#[derive(Default)]
struct Chain<'py>(Option<(i64, Bound<'py, PyAny>)>);

/// Instants as aware (UTC) and naive (wall-clock) `datetime`s.
pub struct Instants<'py> {
    py: Python<'py>,
    utc: Chain<'py>,
    local: Chain<'py>,
    deltas: HashMap<i64, Bound<'py, PyAny>>,
}

impl<'py> Instants<'py> {
    pub fn new(py: Python<'py>) -> Self {
        Instants {
            py,
            utc: Chain::default(),
            local: Chain::default(),
            deltas: HashMap::new(),
        }
    }

    /// `secs` seconds after the epoch as an aware `datetime` in UTC.
    pub fn utc(&mut self, secs: i64) -> PyResult<Bound<'py, PyAny>> {
        self.made(true, secs)
    }

    /// `secs` seconds after the epoch as a naive `datetime` (a wall-clock time).
    pub fn local(&mut self, secs: i64) -> PyResult<Bound<'py, PyAny>> {
        self.made(false, secs)
    }

    fn made(&mut self, utc: bool, secs: i64) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        let chain = if utc { &mut self.utc } else { &mut self.local };
        let made = match chain.0.take() {
            Some((last, made)) if last == secs => made,
            Some((last, made)) => {
                let delta = match self.deltas.get(&(secs - last)) {
                    Some(delta) => delta.clone(),
                    None => {
                        let delta = TimeDelta::seconds(secs - last)
                            .into_pyobject(py)?
                            .into_any();
                        self.deltas.insert(secs - last, delta.clone());
                        delta
                    }
                };
                made.add(delta)?
            }
            None => {
                let at = DateTime::from_timestamp(secs, 0).unwrap_or_default();
                if utc {
                    at.into_pyobject(py)?.into_any()
                } else {
                    at.naive_utc().into_pyobject(py)?.into_any()
                }
            }
        };
        chain.0 = Some((secs, made.clone()));
        Ok(made)
    }
}
