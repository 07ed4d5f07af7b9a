//! Fuzz target `recurrence`: see `medsched_fuzz::recurrence`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| medsched_fuzz::recurrence(data));
