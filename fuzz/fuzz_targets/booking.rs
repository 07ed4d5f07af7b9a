//! Fuzz target `booking`: see `medsched_fuzz::booking`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| medsched_fuzz::booking(data));
