//! See [`bodies::brief_pipeline`].
#![no_main]

// Each target calls one of the checks.
#[allow(dead_code)]
#[path = "../bodies.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    bodies::brief_pipeline(&root, data)
});
