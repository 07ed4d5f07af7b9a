//! `medsched._native`: the Python binding's native module. It converts types and errors;
//! every rule lives in the `medsched` crate. Data crosses as the core's JSON form (the
//! Python package's data classes read and write it); slot results stay native until read.

mod analytics;
mod body;
mod bookings;
mod canonical;
mod clinic_ops;
mod errors;
mod instants;
mod interop;
mod intervals;
mod occupancy;
mod schedule;
mod slots;
mod store;
mod tokens;

use pyo3::prelude::*;

/// The native module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(canonical::canonical, m)?)?;
    m.add("TYPE_NAMES", canonical::TYPE_NAMES.to_vec())?;
    m.add_class::<schedule::ClinicRules>()?;
    m.add_class::<schedule::Availability>()?;
    m.add_class::<schedule::Schedule>()?;
    m.add_class::<schedule::PreparedOccupancy>()?;
    m.add_function(wrap_pyfunction!(schedule::first_available_slots, m)?)?;
    m.add_function(wrap_pyfunction!(schedule::slots_for_doctors, m)?)?;
    m.add_class::<slots::SlotSeries>()?;
    m.add_class::<slots::SlotList>()?;
    m.add_class::<store::NativeStore>()?;
    m.add_function(wrap_pyfunction!(store::check_store, m)?)?;
    m.add_class::<bookings::DayBook>()?;
    m.add_class::<bookings::Bookings>()?;
    m.add_function(wrap_pyfunction!(bookings::decide_booking, m)?)?;
    m.add_function(wrap_pyfunction!(bookings::booking_notifications, m)?)?;
    m.add_class::<tokens::Queue>()?;
    m.add_class::<tokens::Tokens>()?;
    m.add_function(wrap_pyfunction!(tokens::decide_token_command, m)?)?;
    m.add_function(wrap_pyfunction!(tokens::token_notifications, m)?)?;
    m.add_function(wrap_pyfunction!(tokens::check_meet_link, m)?)?;
    m.add_function(wrap_pyfunction!(tokens::history_from_days, m)?)?;
    m.add_function(wrap_pyfunction!(tokens::history_from_durations, m)?)?;
    m.add_function(wrap_pyfunction!(tokens::estimate_waits, m)?)?;
    m.add_function(wrap_pyfunction!(clinic_ops::evaluate_bookability, m)?)?;
    m.add_function(wrap_pyfunction!(clinic_ops::gather_calendar_facts, m)?)?;
    m.add_function(wrap_pyfunction!(clinic_ops::score_bookability, m)?)?;
    m.add_function(wrap_pyfunction!(clinic_ops::check_rate, m)?)?;
    m.add_class::<clinic_ops::RateLimiter>()?;
    m.add_class::<analytics::Analytics>()?;
    m.add_function(wrap_pyfunction!(analytics::report_csv, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::week_svg, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::queue_svg, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::calibration_svg, m)?)?;
    m.add_function(wrap_pyfunction!(interop::fhir_bundle, m)?)?;
    m.add_function(wrap_pyfunction!(interop::fhir_slot_search, m)?)?;
    m.add_function(wrap_pyfunction!(interop::ics_feed, m)?)?;
    m.add_function(wrap_pyfunction!(interop::freebusy, m)?)?;
    m.add_function(wrap_pyfunction!(interop::read_ics, m)?)?;
    m.add_function(wrap_pyfunction!(interop::read_fhir, m)?)?;
    Ok(())
}
