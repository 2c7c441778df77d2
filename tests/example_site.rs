//! The repository's own example site builds, and every internal link and asset resolves when
//! it is served under a GitHub Pages sub-path.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use scraper::{Html, Selector};

const BASE: &str = "https://example.org/my-repo/";
const PREFIX: &str = "/my-repo/";

fn build_example() -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("site");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let r = common::run_in(
        root,
        &[
            "build",
            "--quiet",
            "--base-url",
            BASE,
            "--output",
            dir.to_str().unwrap(),
        ],
    );
    assert!(r.ok(), "example site failed to build:\n{}", r.stderr);
    (out, dir)
}

/// The file a URL path under the prefix is served from, as GitHub Pages does.
fn file_for(site: &Path, url_path: &str) -> Option<PathBuf> {
    let rel = url_path.strip_prefix(PREFIX)?;
    let rel = percent_decode(rel);
    let path = site.join(&rel);
    if rel.is_empty() || rel.ends_with('/') {
        let index = path.join("index.html");
        return index.is_file().then_some(index);
    }
    path.is_file().then_some(path)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Resolve `href` found on the page at `page_path` to an absolute path on the host, or None
/// for links to other sites.
fn resolve(page_path: &str, href: &str) -> Option<String> {
    if href.starts_with("mailto:") || href.starts_with("tel:") {
        return None;
    }
    if let Some(rest) = href.strip_prefix("https://example.org") {
        return Some(rest.to_string());
    }
    if href.starts_with("http://") || href.starts_with("https://") || href.starts_with("//") {
        return None;
    }
    if href.starts_with('/') {
        return Some(href.to_string());
    }
    if let Some(frag) = href.strip_prefix('#') {
        return Some(format!("{page_path}#{frag}"));
    }
    let dir = &page_path[..page_path.rfind('/').map_or(0, |i| i + 1)];
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in href.split('/') {
        match seg {
            "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

#[test]
fn every_internal_link_and_asset_resolves_under_a_sub_path() {
    let (_tmp, site) = build_example();
    let link_attrs = [
        ("a[href]", "href"),
        ("link[href]", "href"),
        ("script[src]", "src"),
        ("img[src]", "src"),
        ("source[src]", "src"),
    ];
    let mut pages: BTreeMap<String, Html> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&site)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.path().extension().is_some_and(|e| e == "html") {
            let rel = entry
                .path()
                .strip_prefix(&site)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let url = format!("{PREFIX}{}", rel.strip_suffix("index.html").unwrap_or(&rel));
            pages.insert(
                url,
                Html::parse_document(&std::fs::read_to_string(entry.path()).unwrap()),
            );
        }
    }
    assert!(
        pages.len() >= 20,
        "expected the example site's pages, got {}",
        pages.len()
    );
    let id_sel = Selector::parse("[id]").unwrap();
    let ids: BTreeMap<&String, BTreeSet<String>> = pages
        .iter()
        .map(|(url, doc)| {
            (
                url,
                doc.select(&id_sel)
                    .filter_map(|e| e.value().attr("id").map(str::to_string))
                    .collect(),
            )
        })
        .collect();
    let mut problems = Vec::new();
    let mut checked = 0;
    for (page_url, doc) in &pages {
        for (css, attr) in link_attrs {
            for el in doc.select(&Selector::parse(css).unwrap()) {
                let href = el.value().attr(attr).unwrap();
                let Some(target) = resolve(page_url, href) else {
                    // External: only plain links may leave the site; no external scripts or styles.
                    if css != "a[href]" {
                        problems.push(format!("{page_url}: external asset {href}"));
                    }
                    continue;
                };
                checked += 1;
                let (path, frag) = target.split_once('#').unwrap_or((&target, ""));
                // A query (the tracker's filters) is read by a script, not the server.
                let path = path.split('?').next().unwrap_or(path);
                if !path.starts_with(PREFIX) {
                    problems.push(format!("{page_url}: {href} escapes {PREFIX}"));
                    continue;
                }
                if file_for(&site, path).is_none() {
                    problems.push(format!("{page_url}: {href} is broken"));
                    continue;
                }
                if !frag.is_empty()
                    && ids
                        .get(&path.to_string())
                        .is_some_and(|set| !set.contains(frag))
                {
                    problems.push(format!("{page_url}: {href} has no #{frag}"));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(checked > 200, "only {checked} links checked");
}

#[test]
fn example_site_has_the_kuala_lumpur_briefs_and_their_registry() {
    let (_tmp, site) = build_example();
    let read =
        |p: &str| std::fs::read_to_string(site.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let kl = common::Page(Html::parse_document(&read(
        "briefs/kl-trilateral/index.html",
    )));
    assert!(kl.text("h1").contains("Kuala Lumpur"));
    assert_eq!(
        kl.texts(".people .person-name"),
        ["Marco Rubio", "Iwaya Takeshi", "Park Yoon-joo"]
    );
    let bilateral = common::Page(Html::parse_document(&read(
        "briefs/rubio-wang-yi/index.html",
    )));
    assert!(
        bilateral
            .texts(".people .person-name")
            .contains(&"Wang Yi".to_string())
    );
    for party in ["us", "jp", "kr", "cn", "kp", "my", "asean"] {
        assert!(
            site.join(format!("parties/{party}/index.html")).is_file(),
            "party {party}"
        );
    }
}
