//! Stores: the core's in-memory store, and stores written in Python (through the adapter
//! of `medsched.stores`, which speaks JSON text).

use medsched::{Error, HostError, Id, Problem, store::Event, store::EventStore, store::StreamId};
use medsched_facade::{HostStore, SharedStore};
use medsched_testkit::Checks;
use pyo3::exceptions::PyAssertionError;
use pyo3::prelude::*;

use crate::errors::{Failure, Result};
use medsched_facade::json::{parse, text};

/// A store of the native side: the core's in-memory store (`medsched.InMemoryStore` holds
/// one) or a database opened by URL (`medsched.open_store`).
#[pyclass(frozen, name = "NativeStore", module = "medsched._native")]
pub struct NativeStore {
    pub inner: SharedStore,
}

#[pymethods]
impl NativeStore {
    /// A fresh in-memory store.
    #[new]
    fn new() -> Self {
        NativeStore {
            inner: SharedStore::memory(),
        }
    }

    /// The store at `url` (`memory:`, `sqlite:///path`, `sqlite::memory:`,
    /// `postgresql://…`), migrated.
    #[staticmethod]
    fn open(py: Python<'_>, url: &str) -> Result<NativeStore> {
        let inner = py.detach(|| SharedStore::open(url))?;
        Ok(NativeStore { inner })
    }

    /// The stream as `LoadedStream` JSON.
    fn load(&self, py: Python<'_>, stream: &str) -> Result<String> {
        let stream: StreamId = parse("stream", stream)?;
        Ok(text(&py.detach(|| self.inner.load(&stream))?))
    }

    /// Appends `Event` JSON (a list) if the stream is at `expected_version`.
    fn append(
        &self,
        py: Python<'_>,
        stream: &str,
        expected_version: u64,
        events: &str,
    ) -> Result<u64> {
        let stream: StreamId = parse("stream", stream)?;
        let events: Vec<Event> = parse("events", events)?;
        Ok(py.detach(|| self.inner.append(&stream, expected_version, &events))?)
    }

    /// The tenant's feed after `after`, as `FeedEntry` JSON (a list).
    fn feed(&self, py: Python<'_>, tenant: &str, after: u64, limit: usize) -> Result<String> {
        let tenant = Id::from(tenant);
        Ok(text(&py.detach(|| self.inner.feed(&tenant, after, limit))?))
    }
}

/// A store written in Python, called through its JSON adapter: a host store of the facade.
pub struct PythonStore {
    adapter: Py<PyAny>,
}

/// The store a service runs over: a native store (in memory or opened by URL), or else the
/// Python adapter object as a host store.
pub fn shared_store(store: &Bound<'_, PyAny>) -> SharedStore {
    match store.cast::<NativeStore>() {
        Ok(native) => native.get().inner.clone(),
        Err(_) => SharedStore::host(PythonStore {
            adapter: store.clone().unbind(),
        }),
    }
}

impl PythonStore {
    /// Calls the adapter's `method`; what it raises becomes the core's error (see
    /// [`store_error`]).
    fn call<T>(
        &self,
        stream: &str,
        method: &str,
        call: impl FnOnce(&Bound<'_, PyAny>) -> PyResult<T>,
    ) -> medsched::Result<T> {
        Python::attach(|py| {
            call(self.adapter.bind(py)).map_err(|err| store_error(py, &err, stream, method))
        })
    }
}

/// An exception raised by a Python store as the core's error: `ConflictError` is a
/// conflict, `InvalidInputError` (an event of another tenant) an invalid input, anything
/// else a storage failure naming the exception.
fn store_error(py: Python<'_>, err: &PyErr, stream: &str, method: &str) -> Error {
    let is = |class: &str| {
        py.import("medsched.errors")
            .and_then(|m| m.getattr(class))
            .is_ok_and(|cls| err.matches(py, cls).unwrap_or(false))
    };
    let value = err.value(py);
    let text = |name: &str| {
        value
            .getattr(name)
            .and_then(|v| v.extract::<String>())
            .unwrap_or_default()
    };
    let number = |name: &str| {
        value
            .getattr(name)
            .and_then(|v| v.extract::<u64>())
            .unwrap_or(0)
    };
    if is("ConflictError") {
        Error::Conflict {
            stream: stream.to_owned(),
            expected: number("expected"),
            actual: number("actual"),
        }
    } else if is("InvalidInputError") {
        Error::InvalidInput {
            field: text("field"),
            value: text("value"),
            problem: Problem::from_code(&text("problem"), &text("problem_message")),
        }
    } else {
        let kind = err
            .get_type(py)
            .name()
            .map_or_else(|_| "Exception".to_owned(), |n| n.to_string());
        Error::Storage {
            message: format!("{method}: {kind}: {value}"),
            kind,
            source: Some(HostError::new(err.clone_ref(py))),
        }
    }
}

impl HostStore for PythonStore {
    fn load(&self, stream: &StreamId, stream_json: &str) -> medsched::Result<String> {
        self.call(&stream.to_string(), "load", |adapter| {
            adapter.call_method1("load", (stream_json,))?.extract()
        })
    }

    fn append(
        &self,
        stream: &StreamId,
        stream_json: &str,
        expected_version: u64,
        events: Vec<String>,
    ) -> medsched::Result<u64> {
        self.call(&stream.to_string(), "append", |adapter| {
            adapter
                .call_method1("append", (stream_json, expected_version, events))?
                .extract()
        })
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> medsched::Result<String> {
        self.call(tenant.as_str(), "feed", |adapter| {
            adapter
                .call_method1("feed", (tenant.as_str(), after, limit))?
                .extract()
        })
    }
}

/// Runs the store checks of `medsched-testkit` on `store`: the sequential contract, tenant
/// isolation and, with `threads` of 2 or more, writers racing on one stream and the feed read
/// while writers commit (each Rust thread calls into the store with the GIL). A breach is an
/// AssertionError saying which check failed and how. `threads` above 256 or below 0 is
/// refused (`InvalidInputError` on `threads`).
#[pyfunction]
pub fn check_store(
    py: Python<'_>,
    store: &Bound<'_, PyAny>,
    tenant_prefix: &str,
    threads: i64,
) -> PyResult<()> {
    let store = shared_store(store);
    let checks = Checks::new(tenant_prefix)
        .try_threads(threads)
        .map_err(Failure::from)?;
    py.detach(|| checks.run(&store))
        .map_err(|breach| PyAssertionError::new_err(breach.to_string()))
}
