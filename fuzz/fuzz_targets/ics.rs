//! Fuzz target `ics`: see `medsched_fuzz::ics`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| medsched_fuzz::ics(data));
