//! What each fuzz target checks, shared by the fuzz targets (`fuzz_targets/`) and by the
//! regression test that replays the seeds and every finding (`tests/fuzz_regressions.rs`), so
//! both stay compiled and in step.

use std::path::Path;
use std::sync::OnceLock;

use accord::build::{self, BuildOptions};
use accord::content::raw::{BRIEF_FIELDS, PARTY_FIELDS, RawBrief, RawParty};
use accord::content::{self, Sources, frontmatter};
use accord::diagnostics::SourceFile;
use accord::markdown::{self, Flavor, LinkError, LinkResolver, ResolvedLink};

/// Front matter: any text as a brief's or a party's file gives a parse or a diagnostic that
/// renders, never a panic.
pub fn front_matter(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let brief = SourceFile::new("content/briefs/fuzz.md", text);
    let split = match frontmatter::split(&brief) {
        Ok(split) => split,
        Err(d) => {
            let _ = d.render();
            return;
        }
    };
    if let Err(d) = frontmatter::parse::<RawBrief>(&brief, &split, BRIEF_FIELDS) {
        let _ = d.render();
    }
    let party = SourceFile::new("content/parties/fuzz.md", text);
    if let Err(d) = frontmatter::parse::<RawParty>(&party, &split, PARTY_FIELDS) {
        let _ = d.render();
    }
}

/// Knows two parties and one commitment, like a small site.
struct Known;

impl LinkResolver for Known {
    fn resolve(&self, target: &str) -> Result<ResolvedLink, LinkError> {
        let (kind, id) = target.split_once(':').unwrap_or(("party", target));
        let known = matches!((kind, id), ("party", "jp" | "us") | ("commitment", "c-1"));
        if known {
            Ok(ResolvedLink {
                href: format!("/{kind}/{id}/"),
                label: id.to_uppercase(),
                class: "ref-party",
            })
        } else {
            Err(LinkError {
                message: format!("unknown {kind} `{id}`"),
                help: None,
            })
        }
    }
}

/// Markdown bodies with `[[...]]` references, raw HTML on and off: rendering never panics,
/// every reported range lies on character boundaries of the input, and the HTML and the
/// plain text agree on whether the body is good.
pub fn references(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for raw_html in [true, false] {
        let flavor = Flavor { raw_html };
        let html = markdown::render(text, &Known, flavor);
        if let Err(bad) = &html {
            for b in bad {
                assert!(b.range.start <= b.range.end && b.range.end <= text.len());
                assert!(text.is_char_boundary(b.range.start) && text.is_char_boundary(b.range.end));
            }
        }
        let plain = markdown::plain_text(text, &Known, flavor);
        // A body that renders has plain text; refused links only stop the HTML.
        if html.is_ok() {
            assert!(plain.is_ok(), "renders but its plain text fails");
        }
    }
}

/// The example site, read once per process.
fn example(root: &Path) -> &'static (Sources, BuildOptions) {
    static SITE: OnceLock<(Sources, BuildOptions)> = OnceLock::new();
    SITE.get_or_init(|| {
        let sources = content::load(root).expect("the example site loads");
        let options = BuildOptions {
            root: root.to_path_buf(),
            no_search: true,
            today: Some(jiff::civil::date(2026, 1, 1)),
            ..Default::default()
        };
        (sources, options)
    })
}

/// The whole pipeline on the example site at `root` with its last brief replaced by the
/// input: a site or diagnostics that render, never a panic; and the same input renders the
/// same bytes twice.
pub fn brief_pipeline(root: &Path, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (sources, options) = example(root);
    let mut sources = sources.clone();
    let target = sources.briefs.len() - 1;
    sources.briefs[target].text = text.into();
    match build::generate(&sources, options) {
        Ok(generated) => {
            let again = build::generate(&sources, options).expect("a second run succeeds");
            assert!(
                generated.output.diff(&again.output).is_empty(),
                "output differs between runs"
            );
        }
        Err(diagnostics) => {
            for d in diagnostics.iter() {
                let _ = d.render();
            }
        }
    }
}
