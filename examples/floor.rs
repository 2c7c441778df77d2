//! The floor: the least work a generator built on pulldown-cmark can do for a corpus of briefs.
//! It reads every brief, drops its front matter, renders the Markdown with the options Accord
//! uses (src/markdown.rs) and writes one HTML file per brief. No generator on this parser can
//! beat it by much, so Accord's time over it is Accord's own.
//!
//! `cargo run --release --example floor -- SITE/content OUT_DIR` writes
//! `OUT_DIR/briefs/<file stem>/index.html` for every `*.md` under `SITE/content/briefs`.
//!
//! Briefs are rendered in parallel with rayon, as Accord renders Markdown and pages (the
//! floor should be the best such a generator could do on these cores); finding the files is
//! one walk, as Accord's is.

// Benchmarks and tests include this file as a module and use parts of it.
#![allow(dead_code)]

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use pulldown_cmark::Parser;
use rayon::prelude::*;

/// The text after a `---` or `+++` front matter block (all of it when there is none).
pub fn strip_front_matter(text: &str) -> &str {
    for fence in ["---", "+++"] {
        let Some(rest) = text.strip_prefix(fence).and_then(|r| r.strip_prefix('\n')) else {
            continue;
        };
        let closing = format!("\n{fence}\n");
        if let Some(end) = rest.find(&closing) {
            return &rest[end + closing.len()..];
        }
        if rest.starts_with(&closing[1..]) {
            return &rest[closing.len() - 1..];
        }
    }
    text
}

/// One brief's page: a minimal HTML document around the rendered body.
pub fn render(markdown: &str) -> String {
    let body = strip_front_matter(markdown);
    let mut html = String::with_capacity(body.len() * 3 / 2 + 128);
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<meta charset=\"utf-8\">\n<main>\n");
    pulldown_cmark::html::push_html(
        &mut html,
        Parser::new_ext(body, accord::markdown::options()),
    );
    html.push_str("</main>\n</html>\n");
    html
}

/// Render every brief under `content/briefs` of `content` into `out`. Returns the number of
/// files written.
pub fn render_dir(content: &Path, out: &Path) -> io::Result<usize> {
    let briefs: Vec<PathBuf> = walkdir::WalkDir::new(content.join("briefs"))
        .follow_links(true)
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map_err(io::Error::other)?
        .into_iter()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    briefs
        .par_iter()
        .map(|path| {
            let text = fs::read_to_string(path)?;
            let stem = path.file_stem().unwrap_or_default();
            let dir = out.join("briefs").join(stem);
            fs::create_dir_all(&dir)?;
            fs::write(dir.join("index.html"), render(&text))
        })
        .collect::<io::Result<()>>()?;
    Ok(briefs.len())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [content, out] = args.as_slice() else {
        eprintln!("usage: floor SITE/content OUT_DIR");
        std::process::exit(2);
    };
    match render_dir(Path::new(content), Path::new(out)) {
        Ok(n) => println!("rendered {n} briefs into {out}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
