//! Fuzz target `fhir`: see `medsched_fuzz::fhir`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| medsched_fuzz::fhir(data));
