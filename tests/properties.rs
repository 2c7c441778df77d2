//! Properties over generated input (proptest, a bounded number of cases each): parsing and
//! rendering never panic, the same input gives the same bytes, and whatever text a field
//! holds, a page shows exactly that text (so it was escaped, not interpreted).

use accord::build::{self, BuildOptions};
use accord::content::{Boundary, Sources, frontmatter, raw::BRIEF_FIELDS, raw::RawBrief};
use accord::diagnostics::SourceFile;
use accord::markdown::{self, Flavor, LinkError, LinkResolver, ResolvedLink};
use accord::output::Content;
use proptest::prelude::*;

/// Any text, weighted towards what breaks markup: brackets, quotes, ampersands, line and
/// paragraph separators, bidi controls.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<".to_string()),
        Just(">".to_string()),
        Just("&".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("</script>".to_string()),
        Just("<!--".to_string()),
        Just("]]>".to_string()),
        Just("{{".to_string()),
        Just("{%".to_string()),
        Just("[[".to_string()),
        Just("\u{2028}".to_string()),
        Just("\u{202E}".to_string()),
        Just("=".to_string()),
        "[a-zA-Z0-9 ]{1,8}",
        // Control characters are left out: an HTML parser rewrites CR and NUL, so the text it
        // reads back could not equal what was written.
        any::<char>()
            .prop_filter("not a control", |c| !c.is_control())
            .prop_map(String::from),
    ];
    proptest::collection::vec(piece, 1..12).prop_map(|v| v.concat())
}

/// Knows one party, `jp`, so that references both link and fail.
struct OneParty;

/// Markdown made of the pieces references and their neighbours are made of.
fn markdown_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("[[".to_string()),
        Just("]]".to_string()),
        Just("[[jp]]".to_string()),
        Just("[[jp|".to_string()),
        Just("|".to_string()),
        Just("\\".to_string()),
        Just("\\[".to_string()),
        Just("&#91;".to_string()),
        Just("*".to_string()),
        Just("`".to_string()),
        Just("\n".to_string()),
        Just("\n| a | b |\n|---|---|\n| ".to_string()),
        Just("![".to_string()),
        Just("](x)".to_string()),
        Just("é€".to_string()),
        Just("<b>".to_string()),
        "[a-z ]{1,5}",
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

impl LinkResolver for OneParty {
    fn resolve(&self, target: &str) -> Result<ResolvedLink, LinkError> {
        match target {
            "jp" => Ok(ResolvedLink {
                href: "/parties/jp/".into(),
                label: "Japan".into(),
                class: "ref-party",
            }),
            _ => Err(LinkError {
                message: format!("unknown `{target}`"),
                help: None,
            }),
        }
    }
}

/// A one-brief site in memory, with `title` as the brief's title.
fn site(title: &str) -> (Sources, BuildOptions) {
    let root = std::env::temp_dir();
    let yaml_title = serde_json::to_string(title).unwrap();
    let sources = Sources {
        root: root.clone(),
        config: SourceFile::new(
            "accord.toml",
            "title = \"T\"\nbase_url = \"https://org.github.io/briefs/\"\n",
        ),
        briefs: vec![SourceFile::new(
            "content/briefs/p.md",
            format!("---\ntitle: {yaml_title}\ndate: 2025-07-11\nparties: [us]\n---\nBody.\n"),
        )],
        parties: vec![SourceFile::new(
            "content/parties/us.md",
            "---\nname: United States\n---\n",
        )],
        topics: Vec::new(),
        people: Vec::new(),
        templates: Vec::new(),
        static_files: Vec::new(),
        boundary: Boundary::of_site(&root).unwrap(),
    };
    let options = BuildOptions {
        root,
        no_search: true,
        today: Some(jiff::civil::date(2026, 1, 1)),
        ..Default::default()
    };
    (sources, options)
}

fn page(output: &accord::output::Output, path: &str) -> String {
    match output.content(path) {
        Some(Content::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
        _ => panic!("no {path}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn front_matter_never_panics(text in "(---\n)?[ -~\n]{0,200}(\n---\n)?") {
        let file = SourceFile::new("content/briefs/x.md", text);
        if let Ok(split) = frontmatter::split(&file) {
            let _ = frontmatter::parse::<RawBrief>(&file, &split, BRIEF_FIELDS);
        }
    }

    #[test]
    fn markdown_never_panics_and_renders_the_same_twice(text in markdown_text()) {
        for raw_html in [true, false] {
            let once = markdown::render(&text, &OneParty, Flavor { raw_html });
            let twice = markdown::render(&text, &OneParty, Flavor { raw_html });
            match (once, twice) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a.html, b.html),
                (Err(a), Err(b)) => {
                    prop_assert_eq!(a.len(), b.len());
                    for bad in a {
                        prop_assert!(text.get(bad.range.clone()).is_some(), "{:?} is not a range of the text", bad.range);
                    }
                }
                _ => prop_assert!(false, "one run failed and the other did not"),
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever a title holds, the page's heading reads it back exactly, its JSON-LD is JSON
    /// with that headline, and building twice gives the same bytes.
    #[test]
    fn any_title_is_shown_as_written(title in hostile_text()) {
        prop_assume!(title.chars().any(|c| !c.is_whitespace() && !c.is_control() && c != '\u{202E}' && c != '\u{2028}'));
        let (sources, options) = site(&title);
        let first = match build::generate(&sources, &options) {
            Ok(first) => first,
            Err(d) => return Err(TestCaseError::fail(format!("{title:?} does not build: {d}"))),
        };
        let second = build::generate(&sources, &options).unwrap();
        prop_assert!(first.output.diff(&second.output).is_empty());
        let html = page(&first.output, "briefs/p/index.html");
        let doc = scraper::Html::parse_document(&html);
        let h1 = scraper::Selector::parse("h1").unwrap();
        let shown: String = doc.select(&h1).next().unwrap().text().collect();
        prop_assert_eq!(shown.trim(), title.trim());
        let ld = scraper::Selector::parse("script[type='application/ld+json']").unwrap();
        let json: String = doc.select(&ld).next().unwrap().text().collect();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(value["headline"].as_str(), Some(title.as_str()));
    }
}
