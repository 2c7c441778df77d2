//! The size of a written site, by kind of file: `build` reports it, and warns as it nears
//! GitHub Pages' limit of 1 GB a site.

use std::collections::BTreeMap;
use std::path::Path;

/// Past this many bytes, `build` warns (GitHub Pages refuses sites over 1 GB).
pub const WARN_BYTES: u64 = 800_000_000;

/// What a kind of file takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindSize {
    pub kind: &'static str,
    pub bytes: u64,
    pub files: usize,
}

/// A written site's size: in all, and by kind, largest first.
#[derive(Debug, Clone, Default)]
pub struct SizeReport {
    pub bytes: u64,
    pub kinds: Vec<KindSize>,
}

impl SizeReport {
    /// The sizes of the files at `paths` (relative to `dir`), as written there.
    pub fn measure<'a>(dir: &Path, paths: impl Iterator<Item = &'a str>) -> SizeReport {
        let mut kinds: BTreeMap<&'static str, (u64, usize)> = BTreeMap::new();
        for path in paths {
            let bytes = std::fs::metadata(dir.join(path)).map_or(0, |m| m.len());
            let kind = kinds.entry(kind_of(path)).or_default();
            kind.0 += bytes;
            kind.1 += 1;
        }
        let mut kinds: Vec<KindSize> = kinds
            .into_iter()
            .map(|(kind, (bytes, files))| KindSize { kind, bytes, files })
            .collect();
        kinds.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.kind.cmp(b.kind)));
        SizeReport {
            bytes: kinds.iter().map(|k| k.bytes).sum(),
            kinds,
        }
    }

    /// Whether the site is large enough to warn about.
    pub fn near_the_limit(&self) -> bool {
        self.bytes > WARN_BYTES
    }

    /// The warning `build` prints past [`WARN_BYTES`]: the largest kinds and what to do.
    pub fn warning(&self) -> String {
        let mut text = format!(
            "warning: the site is {}; GitHub Pages refuses sites over 1 GB\n  largest:",
            megabytes(self.bytes)
        );
        for k in self.kinds.iter().take(4) {
            text.push_str(&format!(
                " {} {} ({} files);",
                k.kind,
                megabytes(k.bytes),
                k.files
            ));
        }
        text.pop();
        text.push_str("\n  = help: ");
        let search_is_large = self.kinds.iter().take(4).any(|k| k.kind == "search index");
        if search_is_large {
            text.push_str("`search = false` under [options] drops the search index; ");
        }
        text.push_str(
            "publish on a host without a 1 GB limit (Netlify, Cloudflare Pages, any static host), or split the archive into one site per period",
        );
        text
    }
}

/// `812.4 MB`.
pub fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// The kind of an output file, by its path.
pub fn kind_of(path: &str) -> &'static str {
    let segments: Vec<&str> = path.split('/').collect();
    let file = segments.last().copied().unwrap_or_default();
    if file == "atom.xml" || file == "feed.json" {
        return "feeds";
    }
    match segments.as_slice() {
        ["briefs", _, "cite.bib" | "cite.json"] => "citation files",
        ["briefs", ..] => "brief pages",
        ["commitments", "data", ..] => "tracker data",
        ["commitments", "all" | "status" | "overdue", ..] => "tracker lists",
        ["commitments", "index.html"] => "tracker overview",
        ["commitments", ..] => "commitment pages",
        ["parties" | "topics", _, "commitments", ..] => "tracker lists",
        ["parties", ..] => "party pages",
        ["topics", ..] => "topic pages",
        ["people", ..] => "person pages",
        ["index.html"] | ["page", ..] => "index pages",
        ["data", ..] => "data exports",
        ["pagefind", ..] => "search index",
        [name] if name.starts_with("sitemap") => "sitemaps",
        _ => "other (assets, static files, redirects)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_grouped_by_kind() {
        for (path, kind) in [
            ("briefs/kl/index.html", "brief pages"),
            ("briefs/kl/cite.bib", "citation files"),
            ("commitments/drills/index.html", "commitment pages"),
            ("commitments/index.html", "tracker overview"),
            ("commitments/all/page/2/index.html", "tracker lists"),
            ("commitments/data/all/1.json", "tracker data"),
            ("parties/jp/commitments/index.html", "tracker lists"),
            ("parties/jp/page/2/index.html", "party pages"),
            ("parties/jp/atom.xml", "feeds"),
            ("index.html", "index pages"),
            ("page/3/index.html", "index pages"),
            ("sitemap-2.xml", "sitemaps"),
            ("pagefind/pagefind.js", "search index"),
            ("accord.css", "other (assets, static files, redirects)"),
        ] {
            assert_eq!(kind_of(path), kind, "{path}");
        }
    }

    #[test]
    fn the_warning_names_the_largest_kinds_and_what_to_do() {
        let report = SizeReport {
            bytes: 900_000_000,
            kinds: vec![
                KindSize {
                    kind: "brief pages",
                    bytes: 500_000_000,
                    files: 20_000,
                },
                KindSize {
                    kind: "search index",
                    bytes: 300_000_000,
                    files: 9_000,
                },
                KindSize {
                    kind: "feeds",
                    bytes: 100_000_000,
                    files: 200,
                },
            ],
        };
        assert!(report.near_the_limit());
        let w = report.warning();
        assert!(w.contains("the site is 900.0 MB"), "{w}");
        assert!(
            w.contains("brief pages 500.0 MB (20000 files); search index 300.0 MB"),
            "{w}"
        );
        assert!(w.contains("`search = false`"), "{w}");
    }
}
