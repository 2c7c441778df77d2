//! See [`bodies::references`].
#![no_main]

// Each target calls one of the checks.
#[allow(dead_code)]
#[path = "../bodies.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::references(data));
