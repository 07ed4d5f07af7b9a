//! Fuzz target `calendar`: see `medsched_fuzz::calendar`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| medsched_fuzz::calendar(data));
