//! The rebuild `serve` does after a change gives exactly what a full build of the same files
//! gives, while re-rendering only what the change touches.

mod common;

use std::collections::BTreeSet;

use accord::build::{self, BuildOptions};
use accord::rebuild::{Change, Rebuilder};
use common::Site;

fn options(site: &Site) -> BuildOptions {
    BuildOptions {
        root: site.root().to_path_buf(),
        ..BuildOptions::default()
    }
}

fn brief_front(title: &str, date: &str, parties: &str, commitments: &str) -> String {
    format!(
        "title: {title}\ndate: {date}\nparties: [{parties}]\ntopics: [defense]\ncommitments:\n{commitments}"
    )
}

/// A site with six briefs over three index pages, sharing two commitments.
fn site() -> Site {
    let site = Site::new();
    site.brief(
        "a",
        &brief_front(
            "A",
            "2025-01-01",
            "us, jp",
            "  - id: c1\n    text: Meet often.\n    by: [us, jp]\n    topic: defense",
        ),
        "Body of A with [[jp]].",
    );
    site.brief(
        "b",
        &brief_front(
            "B",
            "2025-02-01",
            "us, kr",
            "  - id: c2\n    text: Build ships.\n    by: [us, kr]",
        ),
        "Body of B.",
    );
    site.brief(
        "c",
        &brief_front(
            "C",
            "2025-03-01",
            "jp",
            "  - id: c1\n    status: in-progress",
        ),
        "Body of C.",
    );
    site.brief(
        "d",
        &brief_front("D", "2025-04-01", "kr", "  []"),
        "Body of D.",
    );
    site.brief(
        "e",
        &brief_front("E", "2025-05-01", "us", "  - id: c2\n    status: stalled"),
        "Body of E.",
    );
    site.brief(
        "f",
        &brief_front("F", "2025-06-01", "asean", "  []"),
        "Body of F.",
    );
    site
}

/// Apply `paths` as a change and check the result against a full build.
fn step(site: &Site, rebuilder: &mut Rebuilder, paths: &[&str]) -> accord::rebuild::Update {
    let change = Change {
        paths: paths.iter().map(|p| p.to_string()).collect(),
        rescan: false,
    };
    let update = rebuilder
        .apply(&change)
        .unwrap_or_else(|e| panic!("rebuild failed after {paths:?}:\n{e}"));
    assert_same_as_full_build(site, rebuilder, paths);
    update
}

fn assert_same_as_full_build(site: &Site, rebuilder: &Rebuilder, context: &[&str]) {
    let sources = accord::content::load(site.root()).unwrap();
    let full = build::generate(&sources, &options(site)).unwrap_or_else(|e| panic!("{e}"));
    let partial = rebuilder.output().expect("a build");
    let differ: BTreeSet<String> = partial.diff(&full.output);
    assert!(
        differ.is_empty(),
        "after {context:?}, the rebuild differs from a full build in {differ:?}"
    );
}

#[test]
fn editing_one_brief_re_renders_only_the_pages_that_show_it() {
    let site = site();
    let mut rb = Rebuilder::new(options(&site));
    let first = rb.build_all().unwrap();
    assert!(first.full);
    let total = first.rendered;

    // Body text only: the brief itself and the pages listing it.
    site.brief(
        "d",
        &brief_front("D", "2025-04-01", "kr", "  []"),
        "New body of D.",
    );
    let u = step(&site, &mut rb, &["content/briefs/d.md"]);
    assert!(
        !u.full && u.rendered < total / 2,
        "rendered {} of {total}",
        u.rendered
    );
    // Its page, and the feeds that carry its text; no other page.
    assert!(u.changed.contains("briefs/d/index.html"), "{:?}", u.changed);
    let others: Vec<&String> = u
        .changed
        .iter()
        .filter(|p| {
            *p != "briefs/d/index.html" && !p.ends_with("atom.xml") && !p.ends_with("feed.json")
        })
        .collect();
    assert!(others.is_empty(), "{others:?}");
    assert!(
        u.changed.contains("parties/kr/atom.xml") && u.changed.contains("topics/defense/feed.json")
    );

    // A status change reaches the commitment, its parties, and the other brief naming it.
    site.brief(
        "c",
        &brief_front("C", "2025-03-01", "jp", "  - id: c1\n    status: fulfilled"),
        "Body of C.",
    );
    let u = step(&site, &mut rb, &["content/briefs/c.md"]);
    for page in [
        "commitments/c1/index.html",
        "briefs/a/index.html",
        "parties/us/index.html",
        "commitments/index.html",
    ] {
        assert!(u.changed.contains(page), "{page} not in {:?}", u.changed);
    }
}

#[test]
fn every_kind_of_edit_matches_a_full_build() {
    let site = site();
    let mut rb = Rebuilder::new(options(&site));
    rb.build_all().unwrap();
    // What briefs say of commitments: replayed in place, statuses carried forward.
    site.brief(
        "a",
        &brief_front("A", "2025-01-01", "us, jp", "  - id: c1\n    text: Meet often.\n    by: [us, jp]\n    topic: defense\n    status: stalled\n    due: 2025-12-01\n    note: Slow start."),
        "Body of A with [[jp]].",
    );
    step(&site, &mut rb, &["content/briefs/a.md"]);
    site.brief(
        "c",
        &brief_front(
            "C",
            "2025-03-01",
            "jp",
            "  - id: c1\n    quote: We will meet.\n    source: https://example.org/c",
        ),
        "Body of C.",
    );
    step(&site, &mut rb, &["content/briefs/c.md"]);
    site.brief(
        "e",
        &brief_front(
            "E",
            "2025-05-01",
            "us",
            "  - id: c2\n    status: fulfilled\n    due: 2026-01-01",
        ),
        "Body of E.",
    );
    step(&site, &mut rb, &["content/briefs/e.md"]);
    // The fast path: same structure, another title; then lines moved around.
    site.brief(
        "c",
        &brief_front(
            "C renamed",
            "2025-03-01",
            "jp",
            "  - id: c1\n    status: in-progress",
        ),
        "Body of C.",
    );
    let u = step(&site, &mut rb, &["content/briefs/c.md"]);
    assert!(
        u.changed.contains("commitments/c1/index.html")
            && u.changed.contains("parties/jp/index.html"),
        "{:?}",
        u.changed
    );
    site.write(
        "content/briefs/c.md",
        &format!(
            "---\n\n{}\nsummary: Now with a summary.\n---\nBody of C.",
            brief_front(
                "C renamed",
                "2025-03-01",
                "jp",
                "  - id: c1\n    status: in-progress"
            )
        ),
    );
    step(&site, &mut rb, &["content/briefs/c.md"]);
    // Move a brief across index pages by its date.
    site.brief(
        "d",
        &brief_front("D", "2025-07-01", "kr", "  []"),
        "Body of D.",
    );
    step(&site, &mut rb, &["content/briefs/d.md"]);
    // Change its parties and title, and its slug.
    site.brief(
        "b",
        &format!(
            "{}\nslug: bee",
            brief_front(
                "Bee",
                "2025-02-01",
                "jp",
                "  - id: c2\n    text: Build ships.\n    by: [us, kr]"
            )
        ),
        "Body.",
    );
    step(&site, &mut rb, &["content/briefs/b.md"]);
    // A new commitment, then a new brief, then a removed one.
    site.brief(
        "d",
        &brief_front(
            "D",
            "2025-04-01",
            "kr",
            "  - id: c3\n    text: New pledge.\n    by: [kr]",
        ),
        "Body of D.",
    );
    step(&site, &mut rb, &["content/briefs/d.md"]);
    site.brief(
        "g",
        &brief_front("G", "2025-08-01", "my", "  []"),
        "Body of G.",
    );
    step(&site, &mut rb, &["content/briefs/g.md"]);
    std::fs::remove_file(site.path("content/briefs/f.md")).unwrap();
    step(&site, &mut rb, &["content/briefs/f.md"]);
    // Registry, template and static changes.
    site.party("jp", "name: Nippon\nkind: state\niso: JP");
    step(&site, &mut rb, &["content/parties/jp.md"]);
    site.write("templates/topic.html", "{% extends \"base.html\" %}{% block content %}<h1>{{ topic.name }}!</h1>{% endblock content %}");
    step(&site, &mut rb, &["templates/topic.html"]);
    site.write(
        "templates/base.html",
        &accord::render::theme::DEFAULT_TEMPLATES[0]
            .1
            .replace("<body", "<body data-x=\"1\""),
    );
    step(&site, &mut rb, &["templates/base.html"]);
    site.write("static/accord.css", "body { color: red }");
    let u = step(&site, &mut rb, &["static/accord.css"]);
    assert_eq!(u.rendered, 0);
    assert_eq!(u.changed, BTreeSet::from(["accord.css".to_string()]));
    std::fs::remove_file(site.path("static/accord.css")).unwrap();
    step(&site, &mut rb, &["static/accord.css"]);
    site.write(
        "accord.toml",
        &common::CONFIG.replace("per_page = 2", "per_page = 3"),
    );
    step(&site, &mut rb, &["accord.toml"]);
}

#[test]
fn a_failed_rebuild_keeps_the_last_good_output_and_catches_up_after_the_fix() {
    let site = site();
    let mut rb = Rebuilder::new(options(&site));
    rb.build_all().unwrap();
    let good = rb.output().unwrap().clone();
    // A valid edit to E while D is broken must not be lost once D is fixed.
    site.brief(
        "d",
        &brief_front("D", "2025-04-01", "nope", "  []"),
        "Body of D.",
    );
    let err = rb
        .apply(&Change {
            paths: ["content/briefs/d.md".to_string()].into(),
            rescan: false,
        })
        .unwrap_err();
    assert!(err.to_string().contains("unknown party `nope`"), "{err}");
    assert!(rb.output().unwrap().diff(&good).is_empty());
    site.brief(
        "e",
        &brief_front(
            "E changed",
            "2025-05-01",
            "us",
            "  - id: c2\n    status: stalled",
        ),
        "Body of E.",
    );
    assert!(
        rb.apply(&Change {
            paths: ["content/briefs/e.md".to_string()].into(),
            rescan: false
        })
        .is_err()
    );
    site.brief(
        "d",
        &brief_front("D", "2025-04-01", "kr", "  []"),
        "Body of D.",
    );
    step(&site, &mut rb, &["content/briefs/d.md"]);
}

#[test]
fn a_new_page_over_a_static_file_is_an_error_in_a_rebuild_too() {
    let site = site();
    site.write("static/briefs/g/index.html", "static");
    let mut rb = Rebuilder::new(options(&site));
    rb.build_all().unwrap();
    site.brief(
        "g",
        &brief_front("G", "2025-08-01", "my", "  []"),
        "Body of G.",
    );
    let err = rb
        .apply(&Change {
            paths: ["content/briefs/g.md".to_string()].into(),
            rescan: false,
        })
        .unwrap_err();
    assert!(
        err.to_string().contains("static/briefs/g/index.html"),
        "{err}"
    );
}
