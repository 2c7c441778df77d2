//! Full-text search: the brief pages are indexed in process with Pagefind's Rust API, and its
//! bundle (the index, `pagefind.js` and its WebAssembly) is written under `pagefind/`. The
//! search page's script loads it from there, so search works under a sub-path, with no server
//! and no external request.
//!
//! A brief page marks what is indexed (`data-pagefind-body`) and its filters (party, topic,
//! status); see `templates/brief.html`.

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::output::{Content, Output};
use crate::urls::{output_file, site_path};

/// Where the bundle goes in the output.
pub const BUNDLE_DIR: &str = "pagefind";

/// A file of the search bundle: path in the output, bytes.
pub type BundleFile = (String, Vec<u8>);

/// Index the site's brief pages (from `output`) and return the bundle's files. Blocks: it
/// runs Pagefind on a runtime of its own, so call it outside any async context (or see
/// [`index_async`]).
pub fn index(site: &Site, output: &Output) -> Result<Vec<BundleFile>, Diagnostic> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| failed(e.to_string()))?;
    runtime.block_on(index_async(
        pages_to_index(site, output),
        &site.config.language,
    ))
}

/// A page to index: its URL path and its HTML (shared with the output, not copied).
pub type PageToIndex = (String, std::sync::Arc<[u8]>);

/// The brief pages, the input of [`index_async`], with URLs relative to the site root.
pub fn pages_to_index(site: &Site, output: &Output) -> Vec<PageToIndex> {
    site.briefs
        .iter()
        .filter_map(|b| {
            let path = site_path::brief(&b.slug);
            match output.content(&output_file(&path)) {
                // Relative to the site: the search script gives Pagefind the base path.
                Some(Content::Bytes(bytes)) => Some((format!("/{path}"), bytes.clone())),
                _ => None,
            }
        })
        .collect()
}

/// Index `pages` (URL path, HTML) in `language` and return the bundle's files.
pub async fn index_async(
    pages: Vec<PageToIndex>,
    language: &str,
) -> Result<Vec<BundleFile>, Diagnostic> {
    let config = PagefindServiceConfig::builder()
        .force_language(primary_language(language))
        .build();
    let mut index = PagefindIndex::new(Some(config)).map_err(|e| failed(e.to_string()))?;
    for (url, html) in pages {
        let html = String::from_utf8_lossy(&html).into_owned();
        index
            .add_html_file(None, Some(url.clone()), html)
            .await
            .map_err(|e| failed(format!("{url}: {e}")))?;
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
    fn languages_are_reduced_to_their_primary_code() {
        assert_eq!(super::primary_language("en-GB"), "en");
        assert_eq!(super::primary_language("ja"), "ja");
        assert_eq!(super::primary_language(""), "en");
    }
}
