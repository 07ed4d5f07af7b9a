//! The core's errors as Python exceptions of `medsched.errors`.

use medsched::Error;
use pyo3::exceptions::{PyException, PyRuntimeError};

use pyo3::prelude::*;

/// What a binding call returns: the core's error is turned into an exception by `?`.
pub type Result<T> = std::result::Result<T, Failure>;

/// An error on its way to Python: the core's, or one Python already raised (a conversion).
/// A storage failure from a store written in Python carries the store's exception as its
/// cause; a `KeyboardInterrupt` or `SystemExit` the store raised is raised again as it is.
pub enum Failure {
    Core(Error),
    Python(PyErr),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Core(error)
    }
}

impl From<PyErr> for Failure {
    fn from(error: PyErr) -> Self {
        Failure::Python(error)
    }
}

impl From<Failure> for PyErr {
    fn from(failure: Failure) -> PyErr {
        match failure {
            Failure::Python(err) => err,
            Failure::Core(error) => Python::attach(|py| {
                let made = exception(py, &error);
                let Error::Storage {
                    source: Some(host), ..
                } = &error
                else {
                    return made;
                };
                match host.get().downcast_ref::<PyErr>() {
                    Some(raised) if !raised.is_instance_of::<PyException>(py) => {
                        raised.clone_ref(py)
                    }
                    Some(raised) => {
                        made.set_cause(py, Some(raised.clone_ref(py)));
                        made
                    }
                    None => made,
                }
            }),
        }
    }
}

/// The `medsched.errors` exception for `error`, with its fields as details.
fn exception(py: Python<'_>, error: &Error) -> PyErr {
    let details = medsched_facade::report_json(error);
    let made = py
        .import("medsched.errors")
        .and_then(|m| m.getattr("MedschedError"))
        .and_then(|base| base.call_method1("_from_native", (error.to_string(), details)));
    match made {
        Ok(instance) => PyErr::from_value(instance),
        Err(err) => PyRuntimeError::new_err(format!("{error} (and medsched.errors failed: {err})")),
    }
}
