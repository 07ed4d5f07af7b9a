//! Fuzz target `events`: see `medsched_fuzz::events`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| medsched_fuzz::events(data));
