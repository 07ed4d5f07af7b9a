//! The core's errors as Python exceptions of `medsched.errors`.

use medsched::Error;
use pyo3::exceptions::{PyException, PyRuntimeError};

use crate::store::raised_for;
use pyo3::prelude::*;
use serde_json::{Value, json};

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
                let Error::Storage { message } = &error else {
                    return made;
                };
                match raised_for(message) {
                    Some(raised) if !raised.is_instance_of::<PyException>(py) => raised,
                    Some(raised) => {
                        made.set_cause(py, Some(raised));
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
    let details = details(error).to_string();
    let made = py
        .import("medsched.errors")
        .and_then(|m| m.getattr("MedschedError"))
        .and_then(|base| base.call_method1("_from_native", (error.to_string(), details)));
    match made {
        Ok(instance) => PyErr::from_value(instance),
        Err(err) => PyRuntimeError::new_err(format!("{error} (and medsched.errors failed: {err})")),
    }
}

/// The error's code and fields, as the exception classes read them.
pub fn details(error: &Error) -> Value {
    let mut out = match error {
        Error::InvalidInput {
            field,
            value,
            problem,
        } => json!({
            "field": field,
            "value": value,
            "problem": problem.code(),
            "problem_message": problem.to_string(),
        }),
        Error::NotFound { kind, id } => json!({ "kind": kind, "id": id }),
        Error::SlotUnavailable {
            doctor_id,
            start,
            reason,
        } => json!({ "doctor_id": doctor_id, "start": start, "reason": reason }),
        Error::InvalidTransition {
            kind,
            id,
            from,
            action,
        } => json!({ "kind": kind, "id": id, "from": from, "action": action }),
        Error::PolicyViolation { id, action, rule } => json!({
            "id": id,
            "action": action,
            "rule": rule.code(),
            "rule_message": rule.to_string(),
        }),
        Error::Conflict {
            stream,
            expected,
            actual,
        } => json!({ "stream": stream, "expected": expected, "actual": actual }),
        Error::Storage { message } => json!({ "message": message }),
        _ => json!({}),
    };
    out["code"] = json!(error.code());
    out
}
