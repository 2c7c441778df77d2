//! The one place that knows how a page's URL is formed.
//!
//! A page is named by its *site path*: relative to the site root, no leading slash, a
//! directory ending in `/` (`briefs/kl-trilateral/`) or a file (`accord.css`). [`Urls`] turns a
//! site path into the link written in HTML (`/briefs/briefs/kl-trilateral/` under the base URL
//! `https://org.github.io/briefs/`) or into an absolute URL, and into the file it is written to.

use url::Url;

/// Builds links from site paths under the base URL's path prefix.
#[derive(Debug, Clone)]
pub struct Urls {
    base: Url,
    /// The base URL's path, always starting and ending with `/`.
    prefix: String,
}

impl Urls {
    pub fn new(base: &Url) -> Self {
        let mut prefix = base.path().to_string();
        if !prefix.ends_with('/') {
            prefix.push('/');
        }
        Urls {
            base: base.clone(),
            prefix,
        }
    }

    /// The base URL's path, e.g. `/briefs/` (or `/`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The link to a site path, from the host root: `/briefs/` + `parties/jp/`.
    pub fn path(&self, site_path: &str) -> String {
        format!("{}{}", self.prefix, site_path.trim_start_matches('/'))
    }

    /// The absolute URL of a site path, for feeds, canonical links and sitemaps.
    pub fn absolute(&self, site_path: &str) -> String {
        let origin = self.base.origin().ascii_serialization();
        format!("{origin}{}", self.path(site_path))
    }
}

/// Site paths of the pages Accord writes.
pub mod site_path {
    pub fn brief(slug: &str) -> String {
        format!("briefs/{slug}/")
    }
    pub fn party(id: &str) -> String {
        format!("parties/{id}/")
    }
    pub fn topic(id: &str) -> String {
        format!("topics/{id}/")
    }
    pub fn commitment(id: &str) -> String {
        format!("commitments/{id}/")
    }
    /// Page `n` of a party's briefs: the party's page, then `parties/<id>/page/2/`...
    pub fn party_page(id: &str, n: usize) -> String {
        if n <= 1 {
            party(id)
        } else {
            format!("parties/{id}/page/{n}/")
        }
    }
    pub fn person_page(slug: &str, n: usize) -> String {
        if n <= 1 {
            person(slug)
        } else {
            format!("people/{slug}/page/{n}/")
        }
    }
    pub fn topic_page(id: &str, n: usize) -> String {
        if n <= 1 {
            topic(id)
        } else {
            format!("topics/{id}/page/{n}/")
        }
    }
    pub fn person(slug: &str) -> String {
        format!("people/{slug}/")
    }
    /// The citation downloads of a brief.
    pub fn brief_bibtex(slug: &str) -> String {
        format!("briefs/{slug}/cite.bib")
    }
    pub fn brief_csl(slug: &str) -> String {
        format!("briefs/{slug}/cite.json")
    }
    /// An old address given in a brief's `aliases:`, as a site path: `/2024/old/` and
    /// `2024/old` are `2024/old/`; a file name (`old.html`) stays a file.
    pub fn alias(written: &str) -> Result<String, &'static str> {
        let path = written.trim().trim_start_matches('/');
        if path.is_empty() {
            return Err("it is the site's home page");
        }
        if path.contains("://") || path.starts_with("//") {
            return Err("it is a full URL; give only the path");
        }
        if path.contains(['?', '#', '\\']) {
            return Err("a path cannot hold `?`, `#` or `\\`");
        }
        if path.split('/').any(|seg| seg == ".." || seg == ".") || path.contains("//") {
            return Err("it has `.`, `..` or an empty segment");
        }
        // Hidden names (`.git/`, Accord's manifest) and the search bundle are not pages.
        if path.split('/').any(|seg| seg.starts_with('.')) {
            return Err("a hidden name (starting with `.`) is not a page address");
        }
        if path == "pagefind" || path.starts_with("pagefind/") {
            return Err("`pagefind/` holds the search index");
        }
        let is_file = path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.ends_with(".html") || last.ends_with(".htm"));
        Ok(if is_file || path.ends_with('/') {
            path.to_string()
        } else {
            format!("{path}/")
        })
    }
    pub const PEOPLE: &str = "people/";
    pub const SEARCH: &str = "search/";
    pub const PARTIES: &str = "parties/";
    pub const TOPICS: &str = "topics/";
    pub const COMMITMENTS: &str = "commitments/";
    /// The tracker's data for its script: `commitments/data/meta.json` and the shards.
    pub const TRACKER_DATA: &str = "commitments/data/";
    /// Commitment ids that would collide with the tracker's own pages under `commitments/`.
    pub const RESERVED_COMMITMENT_IDS: &[&str] = &["all", "status", "overdue", "data", "page"];
    /// Page `n` of a list whose first page is `first` (a directory): `first`, then
    /// `first` + `page/2/`...
    pub fn paged(first: &str, n: usize) -> String {
        if n <= 1 {
            first.to_string()
        } else {
            format!("{first}page/{n}/")
        }
    }
    /// Page `n` (1-based) of the index of briefs: `` for the first, `page/2/` after.
    pub fn index(n: usize) -> String {
        if n <= 1 {
            String::new()
        } else {
            format!("page/{n}/")
        }
    }
}

/// The output file of a site path: directories get `index.html`.
pub fn output_file(site_path: &str) -> String {
    if site_path.is_empty() || site_path.ends_with('/') {
        format!("{site_path}index.html")
    } else {
        site_path.to_string()
    }
}

/// The scheme of a link as a browser reads it, lowercased (`https` of `https://x`, and
/// `javascript` of ` Java\tScript:x`: browsers ignore leading spaces and control characters
/// and drop tabs and newlines anywhere). `None` for a relative link.
pub fn link_scheme(link: &str) -> Option<String> {
    let cleaned: String = link
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let end = cleaned.find([':', '/', '?', '#'])?;
    let scheme = &cleaned[..end];
    let valid = cleaned[end..].starts_with(':')
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// A link that would run script or open a document made of the link itself (`javascript:`,
/// `vbscript:`, `data:`): refused wherever a site's author writes a link.
pub fn is_script_link(link: &str) -> bool {
    matches!(
        link_scheme(link).as_deref(),
        Some("javascript" | "vbscript" | "data")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_schemes_are_read_as_a_browser_reads_them() {
        assert_eq!(link_scheme("https://x.org").as_deref(), Some("https"));
        assert_eq!(
            link_scheme(" \u{1}Java\tScr\nipt:alert(1)").as_deref(),
            Some("javascript")
        );
        assert_eq!(link_scheme("../kl/"), None);
        assert_eq!(link_scheme("a/b:c"), None);
        assert_eq!(link_scheme("#x:y"), None);
        for bad in [
            "javascript:x",
            "VBScript:x",
            "data:text/html,<b>",
            "jav\rascript:x",
        ] {
            assert!(is_script_link(bad), "{bad}");
        }
        for good in [
            "https://x.org",
            "mailto:a@b.org",
            "/briefs/",
            "javascript.html",
            "#data:x",
        ] {
            assert!(!is_script_link(good), "{good}");
        }
    }

    fn urls(base: &str) -> Urls {
        Urls::new(&Url::parse(base).unwrap())
    }

    #[test]
    fn links_carry_the_sub_path() {
        let u = urls("https://org.github.io/briefs/");
        assert_eq!(u.path("parties/jp/"), "/briefs/parties/jp/");
        assert_eq!(u.path(""), "/briefs/");
        assert_eq!(u.path("/accord.css"), "/briefs/accord.css");
        assert_eq!(
            u.absolute("atom.xml"),
            "https://org.github.io/briefs/atom.xml"
        );
    }

    #[test]
    fn root_site() {
        let u = urls("https://example.org");
        assert_eq!(u.path("briefs/x/"), "/briefs/x/");
        assert_eq!(u.absolute(""), "https://example.org/");
    }

    #[test]
    fn aliases_are_site_paths() {
        assert_eq!(
            site_path::alias("/2024/old-name").unwrap(),
            "2024/old-name/"
        );
        assert_eq!(site_path::alias("old/").unwrap(), "old/");
        assert_eq!(site_path::alias("/old.html").unwrap(), "old.html");
        for bad in [
            "/",
            "https://x.org/a/",
            "../up/",
            "a/./b",
            "a//b",
            "a?b=1",
            ".accord-manifest",
            ".git/x/",
            "pagefind/pagefind.js",
        ] {
            assert!(site_path::alias(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn directories_become_index_files() {
        assert_eq!(output_file(""), "index.html");
        assert_eq!(output_file("briefs/x/"), "briefs/x/index.html");
        assert_eq!(output_file("accord.css"), "accord.css");
        assert_eq!(site_path::index(1), "");
        assert_eq!(site_path::index(3), "page/3/");
    }
}
