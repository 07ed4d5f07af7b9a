//! Fuzz target `tokens`: see `medsched_fuzz::tokens`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| medsched_fuzz::tokens(data));
