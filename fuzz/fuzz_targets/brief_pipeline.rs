//! The whole pipeline on the example site with one brief replaced by the input: load is
//! skipped (the site is read once), then resolve and render. Any input gives a site or
//! diagnostics that render, never a panic; and the same input renders the same bytes twice.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use accord::build::{self, BuildOptions};
use accord::content::{self, Sources};
use libfuzzer_sys::fuzz_target;

fn example() -> &'static (Sources, BuildOptions) {
    static SITE: OnceLock<(Sources, BuildOptions)> = OnceLock::new();
    SITE.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let sources = content::load(&root).expect("the example site loads");
        let options = BuildOptions {
            root,
            no_search: true,
            today: Some(jiff::civil::date(2026, 1, 1)),
            ..Default::default()
        };
        (sources, options)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (sources, options) = example();
    let mut sources = sources.clone();
    let target = sources.briefs.len() - 1;
    sources.briefs[target].text = text.into();
    match build::generate(&sources, options) {
        Ok(generated) => {
            let again = build::generate(&sources, options).expect("a second run succeeds");
            assert!(generated.output.diff(&again.output).is_empty(), "output differs between runs");
        }
        Err(diagnostics) => {
            for d in diagnostics.iter() {
                let _ = d.render();
            }
        }
    }
});
