//! Response bodies: bytes written without the GIL into a buffer each thread keeps from call
//! to call, then copied once into a new `bytes`. A 90-day search's body is about 300 KB; a
//! fresh buffer each call costs its page faults (and the allocator's unmapping) every time.

use std::cell::RefCell;

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::errors::Result;

/// A kept buffer larger than this is let go after use (a body of many doctors' months).
const KEPT_BYTES: usize = 8 << 20;

thread_local! {
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The bytes `write` writes, the GIL released while it runs, as a new `bytes`.
pub fn body<'py>(
    py: Python<'py>,
    write: impl FnOnce(&mut Vec<u8>) -> medsched::Result<()> + Send,
) -> Result<Bound<'py, PyBytes>> {
    SCRATCH.with_borrow_mut(|bytes| {
        bytes.clear();
        let written = py.detach(|| write(bytes));
        let made = written.map(|()| PyBytes::new(py, bytes));
        if bytes.capacity() > KEPT_BYTES {
            *bytes = Vec::new();
        }
        Ok(made?)
    })
}
