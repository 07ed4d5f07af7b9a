//! Validation of the host's records and their compilation into the form resolution reads.

mod calendar;
mod checks;
mod clinic;
mod model;

pub(crate) use calendar::compile_calendar;
pub(crate) use checks::*;
pub(crate) use clinic::{compile_clinic, compile_roster};
pub(crate) use model::*;
