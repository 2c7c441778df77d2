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
        // One build date for the rebuild and the full build it is compared with.
        today: Some(jiff::civil::date(2025, 9, 1)),
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

/// Apply a change of `path`, which must fail: the error.
fn apply_fails(rebuilder: &mut Rebuilder, path: &str) -> String {
    rebuilder
        .apply(&Change {
            paths: [path.to_string()].into(),
            rescan: false,
        })
        .map(|_| ())
        .expect_err("the rebuild should fail")
        .to_string()
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
    // Its page, and the site's feeds, which carry its text; no other page (a party's and a
    // topic's feeds carry titles and summaries).
    let changed: Vec<&str> = u.changed.iter().map(String::as_str).collect();
    assert_eq!(
        changed,
        ["atom.xml", "briefs/d/index.html", "feed.json"],
        "{:?}",
        u.changed
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
fn a_status_change_reaches_the_exports_of_later_briefs_that_carry_it() {
    let site = site();
    // G names c1 without a status: it shows the status carried from the briefs before it.
    site.brief(
        "g",
        &brief_front("G", "2025-07-01", "jp", "  - id: c1"),
        "Body of G.",
    );
    let mut rb = Rebuilder::new(options(&site));
    rb.build_all().unwrap();
    site.brief(
        "c",
        &brief_front("C", "2025-03-01", "jp", "  - id: c1\n    status: abandoned"),
        "Body of C.",
    );
    let update = step(&site, &mut rb, &["content/briefs/c.md"]);
    assert!(
        update.changed.contains("data/briefs/1.json"),
        "{:?}",
        update.changed
    );
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
    // The tracker's rows are kept between rebuilds: a new row template must replace them all,
    // and a later status change must render its row with that template.
    site.write(
        "templates/tracker_row.html",
        "<tr data-row=\"{{ c.id }}\"><td>{{ c.status.label }}</td></tr>",
    );
    let u = step(&site, &mut rb, &["templates/tracker_row.html"]);
    // It is the tracker's alone (its overview and lists): no other page is rendered again.
    assert!(u.rendered > 1, "{:?}", u.changed);
    for path in &u.changed {
        let tracker = path.starts_with("commitments/") || path.contains("/commitments/");
        assert!(
            tracker && path.ends_with("index.html"),
            "{path} rendered again"
        );
    }
    site.brief(
        "c",
        &brief_front("C", "2025-03-01", "jp", "  - id: c1\n    status: stalled"),
        "Body of C.",
    );
    step(&site, &mut rb, &["content/briefs/c.md"]);
    let tracker = match rb
        .output()
        .and_then(|o| o.content("commitments/index.html"))
    {
        Some(accord::output::Content::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
        _ => panic!("no tracker page"),
    };
    assert!(
        tracker.contains("<tr data-row=\"c1\"><td>Stalled</td></tr>")
            && tracker.contains("<tr data-row=\"c2\">"),
        "{tracker}"
    );
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
fn a_tracker_row_that_queries_the_site_is_not_kept_between_rebuilds() {
    let site = site();
    // Each row lists Japan's briefs: a new title of one must reach the rows of commitments
    // that brief does not name (c2 is only in B).
    site.write(
        "templates/tracker_row.html",
        r#"<tr data-row="{{ c.id }}"><td>{% for b in get_briefs(party="jp") %}{{ b.title }};{% endfor %}</td></tr>"#,
    );
    let mut rb = Rebuilder::new(options(&site));
    rb.build_all().unwrap();
    site.brief(
        "a",
        &brief_front(
            "A, renamed",
            "2025-01-01",
            "us, jp",
            "  - id: c1\n    text: Meet often.\n    by: [us, jp]\n    topic: defense",
        ),
        "Body of A with [[jp]].",
    );
    step(&site, &mut rb, &["content/briefs/a.md"]);
}

#[test]
fn people_aliases_and_site_queries_match_a_full_build_after_edits() {
    let site = site();
    site.write(
        "templates/topic.html",
        r#"{% extends "base.html" %}{% block content %}{% for b in get_briefs(party="kr") %}<p>{{ b.title }}</p>{% endfor %}{% endblock content %}"#,
    );
    let mut rb = Rebuilder::new(options(&site));
    rb.build_all().unwrap();
    let person = "  - name: Iwaya Takeshi\n    role: Minister\n    party: jp";
    site.brief(
        "c",
        &format!(
            "{}\npeople:\n{person}\naliases: [old/c/]",
            brief_front(
                "C",
                "2025-03-01",
                "jp",
                "  - id: c1\n    status: in-progress"
            )
        ),
        "Body of C.",
    );
    step(&site, &mut rb, &["content/briefs/c.md"]);
    // A registry entry claims the name as an alias: the person's page moves.
    site.write(
        "content/people/iwaya.md",
        "---\nname: Takeshi Iwaya\naliases: [Iwaya Takeshi]\n---\n",
    );
    step(&site, &mut rb, &["content/people/iwaya.md"]);
    // A new title shows on the pages listing the brief: related briefs, the person, queries.
    site.brief(
        "b",
        &brief_front(
            "B, renamed",
            "2025-02-01",
            "us, kr",
            "  - id: c2\n    text: Build ships.\n    by: [us, kr]",
        ),
        "Body of B.",
    );
    step(&site, &mut rb, &["content/briefs/b.md"]);
    site.brief(
        "c",
        &format!(
            "{}\npeople:\n{person}\naliases: [old/c2/]",
            brief_front(
                "C",
                "2025-03-01",
                "jp",
                "  - id: c1\n    status: in-progress\n    due: 2025-06-01"
            )
        ),
        "Body of C, edited.",
    );
    step(&site, &mut rb, &["content/briefs/c.md"]);
    std::fs::remove_file(site.path("content/people/iwaya.md")).unwrap();
    step(&site, &mut rb, &["content/people/iwaya.md"]);
}

#[test]
fn an_alias_over_another_page_fails_the_rebuild_as_it_fails_a_build() {
    let site = site();
    let mut rb = Rebuilder::new(options(&site));
    rb.build_all().unwrap();
    site.brief(
        "d",
        &format!(
            "{}\naliases: [parties/jp/]",
            brief_front("D", "2025-04-01", "kr", "  []")
        ),
        "Body of D.",
    );
    let change = Change {
        paths: ["content/briefs/d.md".to_string()].into(),
        rescan: false,
    };
    let err = match rb.apply(&change) {
        Ok(_) => panic!("the clash must fail the rebuild"),
        Err(e) => e.to_string(),
    };
    assert!(
        err.contains("two sources would write the same file `parties/jp/index.html`"),
        "{err}"
    );
    // Fixed, the rebuild catches up with a full build.
    site.brief(
        "d",
        &brief_front("D", "2025-04-01", "kr", "  []"),
        "Body of D.",
    );
    step(&site, &mut rb, &["content/briefs/d.md"]);
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
    let err = apply_fails(&mut rb, "content/briefs/d.md");
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
    let err = apply_fails(&mut rb, "content/briefs/g.md");
    assert!(
        err.to_string().contains("static/briefs/g/index.html"),
        "{err}"
    );
}

/// Regression tests for rebuild bugs found in review: each sequence of edits must end with
/// exactly the output of a full build.
mod regressions {
    use super::*;

    fn ch(paths: &[&str]) -> Change {
        Change {
            paths: paths.iter().map(|p| p.to_string()).collect(),
            rescan: false,
        }
    }
    fn front(title: &str, date: &str, parties: &str, commitments: &str) -> String {
        format!(
            "title: {title}\ndate: {date}\nparties: [{parties}]\ntopics: [defense]\ncommitments:\n{commitments}"
        )
    }
    fn base() -> Site {
        let site = Site::new();
        site.brief(
            "a",
            &front(
                "A",
                "2025-01-01",
                "us, jp",
                "  - id: c1\n    text: Meet often.\n    by: [us, jp]\n    topic: defense",
            ),
            "Body of A.",
        );
        site.brief("b", &front("B", "2025-02-01", "us", "  []"), "Body of B.");
        site.brief(
            "c",
            &front(
                "C",
                "2025-03-01",
                "jp",
                "  - id: c1\n    status: in-progress",
            ),
            "Body of C.",
        );
        site
    }
    fn differ(site: &Site, rb: &Rebuilder) -> BTreeSet<String> {
        let sources = accord::content::load(site.root()).unwrap();
        let full =
            build::generate(&sources, &options(site)).unwrap_or_else(|e| panic!("full build: {e}"));
        rb.output().unwrap().diff(&full.output)
    }

    /// Regression 1: a body's [[commitment:c1]] label is the commitment text; changing the text in the
    /// defining brief leaves the pages of briefs that only link to it in their body stale.
    #[test]
    fn commitment_text_in_other_bodies() {
        let site = base();
        site.brief(
            "b",
            &front("B", "2025-02-01", "us", "  []"),
            "See [[commitment:c1]].",
        );
        // Regression 6: a party's profile linking to it, too.
        site.write(
            "content/parties/kr.md",
            "---\nname: Republic of Korea\n---\nWatching [[commitment:c1]].\n",
        );
        let mut rb = Rebuilder::new(options(&site));
        rb.build_all().unwrap();
        site.brief(
            "a",
            &front(
                "A",
                "2025-01-01",
                "us, jp",
                "  - id: c1\n    text: Meet every month.\n    by: [us, jp]\n    topic: defense",
            ),
            "Body of A.",
        );
        step(&site, &mut rb, &["content/briefs/a.md"]);
    }

    /// Regression 2: a failed full re-resolve leaves the cache holding the broken version; the fix is then
    /// compared with it, not with what the site was built from, and patched in place.
    #[test]
    fn fix_after_failed_structural_edit() {
        let site = base();
        let mut rb = Rebuilder::new(options(&site));
        rb.build_all().unwrap();
        // Adds kr (structural) and a bad person party (an error outside `shape`).
        site.brief(
            "b",
            &format!(
                "{}\npeople:\n  - {{ name: X, party: zz }}",
                front("B", "2025-02-01", "us, kr", "  []")
            ),
            "Body of B.",
        );
        assert!(rb.apply(&ch(&["content/briefs/b.md"])).is_err());
        site.brief(
            "b",
            &front("B", "2025-02-01", "us, kr", "  []"),
            "Body of B.",
        );
        step(&site, &mut rb, &["content/briefs/b.md"]);
    }

    /// Regression 3: After an output clash error, the next unrelated brief edit takes the fast path and
    /// "succeeds", patching the clashing page over the static file, while a full build fails.
    #[test]
    fn clash_error_then_unrelated_edit() {
        let site = base();
        site.write("static/briefs/g/index.html", "static");
        let mut rb = Rebuilder::new(options(&site));
        rb.build_all().unwrap();
        site.brief("g", &front("G", "2025-08-01", "my", "  []"), "Body of G.");
        assert!(rb.apply(&ch(&["content/briefs/g.md"])).is_err());
        site.brief(
            "b",
            &front("B", "2025-02-01", "us", "  []"),
            "New body of B.",
        );
        let r = rb.apply(&ch(&["content/briefs/b.md"]));
        let sources = accord::content::load(site.root()).unwrap();
        let full = build::generate(&sources, &options(&site));
        assert_eq!(
            r.is_ok(),
            full.is_ok(),
            "rebuild ok={} but full build ok={}",
            r.is_ok(),
            full.is_ok()
        );
    }

    /// Regression 4: A folder of static files moved out of the site: the watcher reports the folder path
    /// (it is gone, so not seen as a directory) and refresh drops nothing.
    #[test]
    fn static_folder_removed_reported_as_path() {
        let site = base();
        site.write("static/img/logo.svg", "<svg/>");
        let mut rb = Rebuilder::new(options(&site));
        rb.build_all().unwrap();
        std::fs::rename(site.path("static/img"), site.root().join("../moved-img-rv")).unwrap();
        let change = accord::watch::classify(
            site.root(),
            &[accord::watch::RawEvent {
                paths: vec![site.path("static/img")],
                dir: false,
                rescan: false,
            }],
        );
        assert!(!change.rescan, "classified as rescan");
        rb.apply(&change).unwrap();
        let _ = std::fs::remove_dir_all(site.root().join("../moved-img-rv"));
        let d = differ(&site, &rb);
        assert!(d.is_empty(), "differs: {d:?}");
    }

    /// Regression 5: A page template extended by another page template: only the pages of the edited one
    /// are re-rendered.
    #[test]
    fn page_template_extended_by_another() {
        let site = base();
        site.write("templates/topics.html", "{% extends \"parties.html\" %}");
        site.write(
            "templates/parties.html",
            "{% extends \"base.html\" %}{% block content %}<h1>P1</h1>{% endblock content %}",
        );
        let mut rb = Rebuilder::new(options(&site));
        rb.build_all().unwrap();
        site.write(
            "templates/parties.html",
            "{% extends \"base.html\" %}{% block content %}<h1>P2</h1>{% endblock content %}",
        );
        step(&site, &mut rb, &["templates/parties.html"]);
    }

    /// Regression 7: A symlinked brief: skipped by a full build (walkdir does not follow), read by refresh.
    #[test]
    fn symlinked_brief() {
        let site = base();
        let mut rb = Rebuilder::new(options(&site));
        rb.build_all().unwrap();
        site.write(
            "elsewhere/z.md",
            &format!("---\n{}\n---\nZ", front("Z", "2025-09-01", "us", "  []")),
        );
        std::os::unix::fs::symlink(
            site.path("elsewhere/z.md"),
            site.path("content/briefs/z.md"),
        )
        .unwrap();
        step(&site, &mut rb, &["content/briefs/z.md"]);
    }

    #[test]
    fn more_sequences() {
        let site = base();
        site.brief(
            "d",
            &format!(
                "{}\ndraft: true",
                front("D", "2025-04-01", "kr", "  - id: c1\n    status: stalled")
            ),
            "D",
        );
        let mut rb = Rebuilder::new(options(&site));
        rb.build_all().unwrap();
        // Move a brief to another folder (same file name, so same slug).
        std::fs::create_dir_all(site.path("content/briefs/2025")).unwrap();
        std::fs::rename(
            site.path("content/briefs/b.md"),
            site.path("content/briefs/2025/b.md"),
        )
        .unwrap();
        step(
            &site,
            &mut rb,
            &["content/briefs/b.md", "content/briefs/2025/b.md"],
        );
        // Two at once, one structural, one not.
        site.brief("a", &front("A2", "2025-01-01", "us, jp", "  - id: c1\n    text: Meet often.\n    by: [us, jp]\n    topic: defense\n    due: 2026-01-01"), "A");
        site.brief(
            "c",
            &front(
                "C",
                "2025-03-01",
                "jp, kr",
                "  - id: c1\n    status: fulfilled\n    due: 2027-01-01",
            ),
            "C",
        );
        step(
            &site,
            &mut rb,
            &["content/briefs/a.md", "content/briefs/c.md"],
        );
        // Later due only.
        site.brief(
            "c",
            &front(
                "C",
                "2025-03-01",
                "jp, kr",
                "  - id: c1\n    status: fulfilled",
            ),
            "C",
        );
        step(&site, &mut rb, &["content/briefs/c.md"]);
        // Draft published.
        site.brief(
            "d",
            &front("D", "2025-04-01", "kr", "  - id: c1\n    status: stalled"),
            "D",
        );
        step(&site, &mut rb, &["content/briefs/d.md"]);
        // New template that did not exist, included by an override.
        site.write("templates/part.html", "<p>part1</p>");
        site.write("templates/brief.html", "{% extends \"base.html\" %}{% block content %}{% include \"part.html\" %}{{ brief.title }}{% endblock content %}");
        step(
            &site,
            &mut rb,
            &["templates/part.html", "templates/brief.html"],
        );
        site.write("templates/part.html", "<p>part2</p>");
        step(&site, &mut rb, &["templates/part.html"]);
        std::fs::remove_file(site.path("templates/brief.html")).unwrap();
        step(&site, &mut rb, &["templates/brief.html"]);
        // A party added, then used.
        site.party("cn", "name: China\nkind: state\niso: CN");
        step(&site, &mut rb, &["content/parties/cn.md"]);
        site.brief(
            "d",
            &front(
                "D",
                "2025-04-01",
                "kr, cn",
                "  - id: c1\n    status: stalled",
            ),
            "D",
        );
        step(&site, &mut rb, &["content/briefs/d.md"]);
        // Error in patch path, then fix.
        site.brief(
            "d",
            &front("D", "2025-04-01", "kr, cn", "  - id: c1\n    status: nope"),
            "D",
        );
        assert!(rb.apply(&ch(&["content/briefs/d.md"])).is_err());
        site.brief("a", &front("A3", "2025-01-01", "us, jp", "  - id: c1\n    text: Meet often.\n    by: [us, jp]\n    topic: defense\n    due: 2026-01-01"), "A");
        assert!(rb.apply(&ch(&["content/briefs/a.md"])).is_err());
        site.brief(
            "d",
            &front(
                "D",
                "2025-04-01",
                "kr, cn",
                "  - id: c1\n    status: abandoned",
            ),
            "D",
        );
        step(&site, &mut rb, &["content/briefs/d.md"]);
        // Same date: a move changes the tie order (path), so the timeline's order changes.
        // (Two same-date statuses for c1 would be an error: nothing orders them.)
        site.brief(
            "e",
            &front("E", "2025-04-01", "us", "  - id: c1\n    note: Seen again."),
            "E",
        );
        step(&site, &mut rb, &["content/briefs/e.md"]);
        std::fs::rename(
            site.path("content/briefs/e.md"),
            site.path("content/briefs/2025/e.md"),
        )
        .unwrap();
        step(
            &site,
            &mut rb,
            &["content/briefs/e.md", "content/briefs/2025/e.md"],
        );
    }

    #[test]
    fn drafts_option() {
        let site = base();
        site.brief(
            "d",
            &format!(
                "{}\ndraft: true",
                front("D", "2025-04-01", "kr", "  - id: c1\n    status: stalled")
            ),
            "D",
        );
        let opts = BuildOptions {
            drafts: true,
            ..options(&site)
        };
        let mut rb = Rebuilder::new(opts.clone());
        rb.build_all().unwrap();
        let chk = |rb: &Rebuilder| {
            let sources = accord::content::load(site.root()).unwrap();
            let full = build::generate(&sources, &opts).unwrap();
            let d = rb.output().unwrap().diff(&full.output);
            assert!(d.is_empty(), "{d:?}");
        };
        site.brief(
            "d",
            &format!(
                "{}\ndraft: true",
                front(
                    "D2",
                    "2025-04-01",
                    "kr",
                    "  - id: c1\n    status: fulfilled"
                )
            ),
            "D",
        );
        rb.apply(&ch(&["content/briefs/d.md"])).unwrap();
        chk(&rb);
        site.brief(
            "d",
            &front(
                "D2",
                "2025-04-01",
                "kr",
                "  - id: c1\n    status: fulfilled",
            ),
            "D",
        );
        rb.apply(&ch(&["content/briefs/d.md"])).unwrap();
        chk(&rb);
    }
}

/// Two briefs of one date naming a commitment, one without a status: a status edit in
/// `serve` that makes their order ambiguous is the same error as in a full build, and the
/// edit that resolves it (a time) rebuilds to what a full build gives.
#[test]
fn a_status_edit_that_makes_a_same_day_order_ambiguous_is_an_error() {
    let site = site();
    site.brief(
        "g",
        &brief_front(
            "G",
            "2025-03-01",
            "jp",
            "  - id: c1\n    note: Same day as C.",
        ),
        "Body of G.",
    );
    let mut rb = Rebuilder::new(options(&site));
    rb.build_all().unwrap();
    let good = rb.output().unwrap().clone();
    // G now gives a status that differs from C's, on C's date.
    site.brief(
        "g",
        &brief_front("G", "2025-03-01", "jp", "  - id: c1\n    status: stalled"),
        "Body of G.",
    );
    let err = apply_fails(&mut rb, "content/briefs/g.md");
    assert!(
        err.to_string()
            .contains("give commitment `c1` different statuses"),
        "{err}"
    );
    assert!(rb.output().unwrap().diff(&good).is_empty());
    site.brief(
        "g",
        &brief_front(
            "G",
            "2025-03-01T18:00",
            "jp",
            "  - id: c1\n    status: stalled",
        ),
        "Body of G.",
    );
    step(&site, &mut rb, &["content/briefs/g.md"]);
}

/// With small sitemap files, adding and removing a brief moves pages between them, adds a
/// file and drops it again: the rebuild matches a full build each time.
#[test]
fn sitemap_files_follow_briefs_added_and_removed() {
    let site = site();
    site.write(
        "accord.toml",
        &format!("{}sitemap_urls = 4\n", common::CONFIG),
    );
    let mut rb = Rebuilder::new(options(&site));
    rb.build_all().unwrap();
    let files_before = rb.output().unwrap().len();
    site.brief(
        "new",
        &brief_front(
            "New",
            "2025-07-01",
            "us, jp",
            "  - id: c1\n    status: stalled",
        ),
        "Body.",
    );
    step(&site, &mut rb, &["content/briefs/new.md"]);
    std::fs::remove_file(site.path("content/briefs/new.md")).unwrap();
    step(&site, &mut rb, &["content/briefs/new.md"]);
    assert_eq!(rb.output().unwrap().len(), files_before);
}

/// A tracker with lists of several pages and data of several shards: status and due-date
/// edits move commitments between lists, add and drop pages, and the rebuild matches a full
/// build each time.
#[test]
fn status_edits_on_a_tracker_of_many_pages_match_a_full_build() {
    let site = site();
    site.write(
        "accord.toml",
        &format!("{}sitemap_urls = 7\n", common::CONFIG),
    );
    let many: String = (0..620)
        .map(|i| {
            let due = if i % 3 == 0 { "\n    due: 2025-08-01" } else { "" };
            format!("  - id: m{i:03}\n    text: Pledge number {i}.\n    by: [us, jp]\n    status: announced{due}\n")
        })
        .collect();
    site.brief(
        "many",
        &brief_front("Many", "2025-01-15", "us, jp", &many),
        "Many pledges.",
    );
    let updates = |status: &str, from: usize| -> String {
        (from..from + 120)
            .map(|i| format!("  - id: m{i:03}\n    status: {status}\n"))
            .collect()
    };
    site.brief(
        "upd",
        &brief_front("Upd", "2025-02-15", "us", &updates("stalled", 0)),
        "Updates.",
    );
    let mut rb = Rebuilder::new(options(&site));
    rb.build_all().unwrap();
    for (status, from) in [("fulfilled", 0), ("fulfilled", 200), ("abandoned", 450)] {
        site.brief(
            "upd",
            &brief_front("Upd", "2025-02-15", "us", &updates(status, from)),
            "Updates.",
        );
        let u = step(&site, &mut rb, &["content/briefs/upd.md"]);
        assert!(!u.full, "rendered {}", u.rendered);
    }
    // A due date moved: the commitment's place in `sort/due` changes.
    let moved = many.replacen("due: 2025-08-01", "due: 2027-01-01", 1);
    site.brief(
        "many",
        &brief_front("Many", "2025-01-15", "us, jp", &moved),
        "Many pledges.",
    );
    step(&site, &mut rb, &["content/briefs/many.md"]);
    // One commitment deep in its lists changes status, one at a time: the lists' first pages
    // (their lengths), the pages after it, and the sitemap's files (a list gains or loses a
    // page, and with seven URLs a file, the sitemap a file) must follow.
    let mut current = moved;
    for (i, from, to) in [
        (450, "announced", "stalled"),
        (451, "announced", "stalled"),
        (450, "stalled", "announced"),
        (600, "announced", "fulfilled"),
    ] {
        let mention = |status: &str| {
            format!(
                "id: m{i:03}\n    text: Pledge number {i}.\n    by: [us, jp]\n    status: {status}"
            )
        };
        let next = current.replacen(&mention(from), &mention(to), 1);
        assert_ne!(next, current, "m{i:03} is {from}");
        current = next;
        site.brief(
            "many",
            &brief_front("Many", "2025-01-15", "us, jp", &current),
            "Many pledges.",
        );
        let u = step(&site, &mut rb, &["content/briefs/many.md"]);
        assert!(!u.full);
    }
}

/// Briefs of one moment are ordered by what they say of commitments: an edit to one can move
/// another, which the rebuild must show as a full build does.
#[test]
fn an_edit_that_reorders_briefs_of_one_moment_matches_a_full_build() {
    let site = site();
    // C defines z, which A updates; A defines w, which B updates: C, A, B.
    site.brief(
        "x1",
        &brief_front(
            "A",
            "2025-08-01",
            "us",
            "  - id: w\n    text: W.\n    by: [us]\n  - id: z\n    status: stalled",
        ),
        "A.",
    );
    // B and C, which the edit below does not touch, name one person, whose page lists them
    // in the order of the site.
    let with_person = |front: String| format!("{front}\npeople:\n  - name: Jane Roe");
    site.brief(
        "x2",
        &with_person(brief_front(
            "B",
            "2025-08-01",
            "jp",
            "  - id: w\n    status: stalled",
        )),
        "B.",
    );
    site.brief(
        "x3",
        &with_person(brief_front(
            "C",
            "2025-08-01",
            "kr",
            "  - id: z\n    text: Z.\n    by: [kr]",
        )),
        "C.",
    );
    let mut rb = Rebuilder::new(options(&site));
    rb.build_all().unwrap();
    // A no longer names z: A, B, C, and C moved without being edited.
    site.brief(
        "x1",
        &brief_front(
            "A",
            "2025-08-01",
            "us",
            "  - id: w\n    text: W.\n    by: [us]",
        ),
        "A.",
    );
    step(&site, &mut rb, &["content/briefs/x1.md"]);
}

/// A body whose reference failed is not kept as if it had passed: the same failure again,
/// after a good build in between, fails again (the random-edit test found this).
#[test]
fn a_reference_that_failed_fails_again_after_a_good_build() {
    let site = site();
    site.brief(
        "d",
        &brief_front("D", "2025-04-01", "kr", "  []"),
        "Body of D, recalling [[commitment:c2]].",
    );
    let mut rb = Rebuilder::new(options(&site));
    rb.build_all().unwrap();
    let b_text = site.read("content/briefs/b.md");
    let drafted = b_text.replacen("title: B", "title: B\ndraft: true", 1);
    for round in 0..2 {
        site.write("content/briefs/b.md", &drafted);
        let error = apply_fails(&mut rb, "content/briefs/b.md");
        assert!(
            error.contains("unknown commitment `c2`"),
            "round {round}: {error}"
        );
        site.write("content/briefs/b.md", &b_text);
        step(&site, &mut rb, &["content/briefs/b.md"]);
    }
}
