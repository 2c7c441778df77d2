//! One hostile string in every field a user can write (front matter, registry, accord.toml),
//! then every output parsed as what it is (HTML with a real parser, JSON-LD as JSON, feeds
//! and sitemaps as XML, CSV, BibTeX), looking for the string where it could do harm. A new
//! field joins [`FIELDS`] and the fixture below. (Markdown bodies are left out: their raw HTML
//! is published as written, by design; see `[markdown] raw_html`.)

mod common;

use std::path::Path;

use common::{CONFIG, Site};

/// Markup that would end a comment, a script or CDATA, template syntax, a line separator a
/// script reads as a line end, a bidi override, and (at the start) a spreadsheet formula.
/// `HOSTILE` marks it, so a leak is found by searching for `<script>HOSTILE`.
const RAW: &str = "=<!--<script>HOSTILE\"'></script>]]>{{ x }}{% x %}\u{2028}\u{202E}end";

/// The string in a YAML or TOML double-quoted string.
fn quoted() -> String {
    format!(
        "\"{}\"",
        RAW.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\u{2028}', "\\u2028")
            .replace('\u{202E}', "\\u202E")
    )
}

/// Where the fixture writes the string (for the record, and for a reader adding a field).
const FIELDS: &[&str] = &[
    "accord.toml: title, description, extra.note, statuses[].label",
    "party: name, short, aliases[], url (query), extra.note",
    "topic: name, description, extra.note",
    "person registry: name, native, aliases[], extra.note",
    "brief: title, summary, event, location, people[].name, people[].role, sources[].title, \
     sources[].url (query), extra.note",
    "commitment: text, note, quote, source (query)",
];

fn fixture() -> Site {
    let h = quoted();
    let url = "\"https://example.org/?q=<script>HOSTILE\\\"'>\"";
    let site = Site::new();
    site.write(
        "accord.toml",
        &format!(
            "title = {h}\ndescription = {h}\n{}\n[extra]\nnote = {h}\n[[statuses]]\nid = \"announced\"\nlabel = {h}\n[[statuses]]\nid = \"done\"\nlabel = \"Done\"\ncloses = true\n",
            CONFIG
                .lines()
                .filter(|l| !l.starts_with("title") && !l.starts_with("description"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    );
    site.write(
        "content/parties/hx.md",
        &format!("---\nname: {h}\nshort: {h}\naliases: [{h}]\nurl: {url}\nextra:\n  note: {h}\n---\nProfile.\n"),
    );
    site.write(
        "content/topics/tx.md",
        &format!("---\nname: {h}\ndescription: {h}\nextra:\n  note: {h}\n---\n"),
    );
    site.write(
        "content/people/px.md",
        &format!("---\nname: {h}\nnative: {h}\naliases: [{h}]\nextra:\n  note: {h}\n---\n"),
    );
    site.brief(
        "hostile",
        &format!(
            "title: {h}\ndate: 2025-07-11\nsummary: {h}\nevent: {h}\nlocation: {h}\nparties: [hx, us]\ntopics: [tx]\npeople:\n  - name: {h}\n    role: {h}\n    party: hx\nsources:\n  - title: {h}\n    url: {url}\ncommitments:\n  - id: hc\n    text: {h}\n    by: [hx]\n    topic: tx\n    note: {h}\n    quote: {h}\n    source: {url}\nextra:\n  note: {h}"
        ),
        "Body.\n",
    );
    site
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    common::snapshot(dir)
}

#[test]
fn a_hostile_string_in_every_field_is_harmless_in_every_output() {
    assert!(!FIELDS.is_empty());
    let site = fixture();
    site.build();
    let out = site.path("public");
    let mut checked = std::collections::BTreeMap::<String, usize>::new();
    for (path, bytes) in files(&out) {
        let ext = path.rsplit('.').next().unwrap_or("");
        let text = String::from_utf8_lossy(&bytes);
        match ext {
            "html" => check_html(&path, &text),
            "xml" => {
                roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
                assert!(!text.contains("<script>HOSTILE"), "{path}: raw markup");
            }
            "json" => {
                serde_json::from_str::<serde_json::Value>(&text)
                    .unwrap_or_else(|e| panic!("{path}: {e}"));
            }
            "csv" => check_csv(&path, &text),
            "bib" => check_bibtex(&path, &text),
            _ => continue,
        }
        let kind = if ext == "xml" && path.contains("sitemap") {
            "sitemap"
        } else {
            ext
        };
        *checked.entry(kind.to_string()).or_default() += 1;
    }
    for kind in ["html", "xml", "sitemap", "json", "csv", "bib"] {
        assert!(
            checked.get(kind).copied().unwrap_or(0) > 0,
            "no {kind} checked: {checked:?}"
        );
    }
    // The string is shown, as text, where it was written.
    let brief = site.html("public/briefs/hostile/index.html");
    assert!(
        brief
            .text("h1")
            .starts_with("=<!--<script>HOSTILE\"'></script>]]>{{ x }}{% x %}")
    );
    let atom = site.read("public/atom.xml");
    let doc = roxmltree::Document::parse(&atom).unwrap();
    let title = doc
        .descendants()
        .find(|n| n.has_tag_name("entry"))
        .unwrap()
        .children()
        .find(|n| n.has_tag_name("title"))
        .unwrap()
        .text()
        .unwrap()
        .to_string();
    assert_eq!(title, RAW);
}

/// No raw markup from the string in the page's source; every JSON-LD block is JSON holding
/// the string as data; and the page parses to a whole page (its `main` and footer are there,
/// so nothing swallowed the rest of it).
fn check_html(path: &str, text: &str) {
    assert!(!text.contains("<script>HOSTILE"), "{path}: raw markup");
    assert!(!text.contains("<!--<script>"), "{path}: a comment opener");
    let page = scraper::Html::parse_document(text);
    let scripts = scraper::Selector::parse("script[type='application/ld+json']").unwrap();
    for script in page.select(&scripts) {
        let json = script.text().collect::<String>();
        for c in ['<', '>', '&', '\u{2028}'] {
            assert!(!json.contains(c), "{path}: {c:?} in JSON-LD");
        }
        serde_json::from_str::<serde_json::Value>(&json)
            .unwrap_or_else(|e| panic!("{path}: JSON-LD: {e}"));
    }
    if path.ends_with("index.html") && !is_redirect(text) {
        for part in ["main", "footer"] {
            let sel = scraper::Selector::parse(part).unwrap();
            assert!(page.select(&sel).next().is_some(), "{path}: no <{part}>");
        }
    }
}

fn is_redirect(text: &str) -> bool {
    text.contains("http-equiv=\"refresh\"")
}

/// Every record parses, and no cell starts as a formula.
fn check_csv(path: &str, text: &str) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    for record in reader.records() {
        let record = record.unwrap_or_else(|e| panic!("{path}: {e}"));
        for cell in record.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "{path}: formula cell {cell:?}"
            );
        }
    }
}

/// Braces balance (an unbalanced one would end a field early), counting `\{` and `\}` as text.
fn check_bibtex(path: &str, text: &str) {
    let mut depth = 0i64;
    let mut escaped = false;
    for c in text.chars() {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '{') => depth += 1,
            (false, '}') => {
                depth -= 1;
                assert!(depth >= 0, "{path}: a closing brace ends a field early");
            }
            _ => {}
        }
    }
    assert_eq!(depth, 0, "{path}: unbalanced braces");
}
