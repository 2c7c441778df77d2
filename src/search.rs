//! Full-text search: the brief pages are indexed in process with Pagefind's Rust API, and its
//! bundle (the index, `pagefind.js` and its WebAssembly) is written under `pagefind/`. The
//! search page's script loads it from there, so search works under a sub-path, with no server
//! and no external request.
//!
//! Each brief is indexed as a record made from the model (its text, title, date, and filters by
//! party, topic and the current status of its commitments), not by parsing its page.

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::urls::site_path;

/// Where the bundle goes in the output.
pub const BUNDLE_DIR: &str = "pagefind";

/// A file of the search bundle: path in the output, bytes.
pub type BundleFile = (String, Vec<u8>);

/// One brief as the index sees it: its text, title and date, and what it can be filtered by.
pub struct Record {
    /// Relative to the site root (`/briefs/kl/`): the search script gives Pagefind the base path.
    pub url: String,
    pub text: String,
    pub meta: BTreeMap<String, String>,
    pub filters: BTreeMap<String, Vec<String>>,
    pub sort: BTreeMap<String, String>,
}

/// Index the briefs' [`records`] and return the bundle's files. The records own their data, so
/// this can run on a thread of its own while the site renders. Blocks: it runs Pagefind on a
/// runtime of its own, so call it outside any async context (or see [`index_async`]).
pub fn index_records(records: Vec<Record>, language: &str) -> Result<Vec<BundleFile>, Diagnostic> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| failed(e.to_string()))?;
    runtime.block_on(index_async(records, language))
}

/// The records of every brief, made from the model rather than the rendered pages: Pagefind
/// then skips parsing whole pages (navigation, footers) and indexes only what a brief says.
pub fn records(site: &Site) -> Vec<Record> {
    site.briefs
        .par_iter()
        .map(|b| {
            let mut text = String::with_capacity(b.body.html.len());
            for part in [
                Some(&b.title),
                b.summary.as_ref(),
                b.event.as_ref(),
                b.location.as_ref(),
            ]
            .into_iter()
            .flatten()
            {
                text.push_str(part);
                text.push_str(".\n");
            }
            for person in &b.people {
                text.push_str(&person.name);
                text.push_str(".\n");
            }
            push_html_text(&mut text, &b.body.html);
            let mut statuses = Vec::new();
            for m in &b.commitments {
                if let Some(c) = site.commitments.get(&m.id) {
                    text.push_str(&c.text);
                    text.push('\n');
                    let label = site
                        .config
                        .status(&c.status)
                        .map_or(c.status.as_str(), |s| &s.label);
                    if !statuses.iter().any(|s: &String| s == label) {
                        statuses.push(label.to_string());
                    }
                }
            }
            let names = |ids: &[String], name: &dyn Fn(&str) -> Option<String>| -> Vec<String> {
                ids.iter().filter_map(|id| name(id)).collect()
            };
            let filters = BTreeMap::from([
                (
                    "party".to_string(),
                    names(&b.parties, &|id| {
                        site.parties.get(id).map(|p| p.name.clone())
                    }),
                ),
                (
                    "topic".to_string(),
                    names(&b.topics, &|id| site.topics.get(id).map(|t| t.name.clone())),
                ),
                ("status".to_string(), statuses),
            ]);
            Record {
                url: format!("/{}", site_path::brief(&b.slug)),
                text,
                meta: BTreeMap::from([
                    ("title".to_string(), b.title.clone()),
                    (
                        "date".to_string(),
                        format_date(b.date, &site.config.options.date_format),
                    ),
                ]),
                filters,
                sort: BTreeMap::from([("date".to_string(), b.date.to_string())]),
            }
        })
        .collect()
}

fn format_date(date: jiff::civil::Date, format: &str) -> String {
    crate::render::theme::format_date(&date.to_string(), format)
        .unwrap_or_else(|_| date.to_string())
}

/// The text of an HTML fragment (a rendered body): tags dropped, the few entities the
/// Markdown renderer writes decoded, block ends kept as line breaks.
fn push_html_text(out: &mut String, html: &str) {
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        push_decoded(out, &rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        // A heading's anchor link (`#`) is not text of the brief.
        if tag.starts_with("a class=\"heading-anchor\"") {
            rest = rest[open + close + 1..]
                .split_once("</a>")
                .map_or("", |(_, after)| after);
            continue;
        }
        if tag.starts_with('/')
            && (tag.starts_with("/p")
                || tag.starts_with("/h")
                || tag.starts_with("/li")
                || tag.starts_with("/t"))
        {
            out.push('\n');
        } else if !out.ends_with([' ', '\n']) && (tag.starts_with("td") || tag.starts_with("br")) {
            out.push(' ');
        }
        rest = &rest[open + close + 1..];
    }
    push_decoded(out, rest);
    out.push('\n');
}

fn push_decoded(out: &mut String, text: &str) {
    if !text.contains('&') {
        out.push_str(text);
        return;
    }
    out.push_str(
        &text
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&"),
    );
}

/// Index `records` in `language` and return the bundle's files.
pub async fn index_async(
    records: Vec<Record>,
    language: &str,
) -> Result<Vec<BundleFile>, Diagnostic> {
    let language = primary_language(language);
    let config = PagefindServiceConfig::builder()
        .force_language(language.clone())
        .build();
    let mut index = PagefindIndex::new(Some(config)).map_err(|e| failed(e.to_string()))?;
    for r in records {
        index
            .add_custom_record(
                r.url.clone(),
                r.text,
                language.clone(),
                Some(r.meta),
                Some(r.filters),
                Some(r.sort),
            )
            .await
            .map_err(|e| failed(format!("{}: {e}", r.url)))?;
    }
    let files = index.get_files().await.map_err(|e| failed(e.to_string()))?;
    let mut out: Vec<BundleFile> = files
        .into_iter()
        .map(|f| {
            let rel = f.filename.to_string_lossy().replace('\\', "/");
            (
                format!("{BUNDLE_DIR}/{}", rel.trim_start_matches('/')),
                f.contents,
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Pagefind wants an ISO 639-1 code: `en` of `en-GB`.
fn primary_language(language: &str) -> String {
    language
        .split(['-', '_'])
        .next()
        .filter(|l| !l.is_empty())
        .unwrap_or("en")
        .to_lowercase()
}

fn failed(message: String) -> Diagnostic {
    Diagnostic::general(format!("the search index could not be built: {message}"))
        .with_help("this is a bug in Accord or Pagefind; please report it with the site")
}

#[cfg(test)]
mod tests {
    #[test]
    fn body_text_drops_tags_and_heading_anchors() {
        let mut text = String::new();
        super::push_html_text(
            &mut text,
            "<h2 id=\"x\">Next steps<a class=\"heading-anchor\" href=\"#x\">#</a></h2><p>Talks &amp; <em>more</em> talks.</p>",
        );
        assert_eq!(text, "Next steps\nTalks & more talks.\n\n");
    }

    #[test]
    fn languages_are_reduced_to_their_primary_code() {
        assert_eq!(super::primary_language("en-GB"), "en");
        assert_eq!(super::primary_language("ja"), "ja");
        assert_eq!(super::primary_language(""), "en");
    }
}
