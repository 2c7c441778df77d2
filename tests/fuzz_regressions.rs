//! The fuzz targets' checks (`fuzz/bodies.rs`) on their seeds (the example site's files) and
//! on every input a fuzzing run found worth keeping (`fuzz/regressions/<target>/`), so what
//! fuzzing found stays fixed without nightly.

#![allow(dead_code)]

#[path = "../fuzz/bodies.rs"]
mod bodies;

use std::path::{Path, PathBuf};

fn inputs(dirs: &[&str]) -> Vec<(PathBuf, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in dirs {
        for entry in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                out.push((
                    entry.path().to_path_buf(),
                    std::fs::read(entry.path()).unwrap(),
                ));
            }
        }
    }
    out
}

#[test]
fn front_matter_seeds_and_findings() {
    let all = inputs(&["content", "fuzz/regressions/front_matter"]);
    assert!(all.len() > 10);
    for (path, data) in all {
        eprintln!("{}", path.display());
        bodies::front_matter(&data);
    }
}

#[test]
fn references_seeds_and_findings() {
    for (path, data) in inputs(&["content/briefs", "fuzz/regressions/references"]) {
        eprintln!("{}", path.display());
        bodies::references(&data);
    }
}

#[test]
fn brief_pipeline_seeds_and_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (path, data) in inputs(&["content/briefs", "fuzz/regressions/brief_pipeline"]) {
        eprintln!("{}", path.display());
        bodies::brief_pipeline(root, &data);
    }
}
