//! `accord build` on fixture sites: every page kind, inspected as parsed HTML.

mod common;

use common::{Site, snapshot};

const KL: &str = r#"title: Trilateral in Kuala Lumpur
date: 2025-07-11
summary: The three allies met.
event: Trilateral meeting
location: Kuala Lumpur, Malaysia
parties: [us, jp, kr]
people:
  - name: Marco Rubio
    role: Secretary of State
    party: us
  - name: Iwaya Takeshi
    role: Minister for Foreign Affairs
    party: jp
topics: [defense]
commitments:
  - id: dprk-denuclearization
    text: Pursue complete denuclearization.
    by: [us, jp, kr]
    topic: defense
    status: reaffirmed
    quote: Our partnership is indispensable.
    source: https://example.org/readout
  - id: regular-meetings
    text: Meet regularly at all levels.
    by: [us, jp, kr]
sources:
  - title: Readout
    url: https://example.org/readout"#;

const KL_BODY: &str = "# Outcome\n\nMet with [[jp]] on [[topic:defense]]; see [[commitment:regular-meetings|the pledge]].\n\n## Details\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nA note[^1].\n\n[^1]: Footnote text.\n";

fn kl_site() -> Site {
    let site = Site::new();
    site.brief("2025/kl-trilateral", KL, KL_BODY);
    site
}

#[test]
fn brief_page_shows_everything_the_front_matter_names() {
    let site = kl_site();
    let out = site.build();
    assert!(out.stdout.contains("pages"), "summary line: {}", out.stdout);
    let page = site.html("public/briefs/kl-trilateral/index.html");
    assert_eq!(page.text("h1"), "Trilateral in Kuala Lumpur");
    assert_eq!(page.attrs("html", "lang"), ["en"]);
    assert_eq!(page.attrs(".meta time", "datetime")[0], "2025-07-11");
    assert_eq!(page.text(".meta time"), "11 July 2025");
    assert!(page.text(".kicker").contains("Kuala Lumpur, Malaysia"));
    assert_eq!(page.text(".key-points p"), "The three allies met.");
    // Parties with flags and links under the sub-path.
    let party_links = page.attrs(".glance .chip-party", "href");
    assert_eq!(
        party_links,
        [
            "/briefs/parties/us/",
            "/briefs/parties/jp/",
            "/briefs/parties/kr/"
        ]
    );
    assert!(page.text(".glance .chip-party").contains("🇺🇸"));
    // People with role and party.
    assert_eq!(
        page.texts(".people .person-name"),
        ["Marco Rubio", "Iwaya Takeshi"]
    );
    assert_eq!(page.texts(".people .person-role")[0], "Secretary of State");
    assert_eq!(
        page.attrs(".glance .chip-topic", "href"),
        ["/briefs/topics/defense/"]
    );
    // Commitments with their status badges.
    assert_eq!(page.count(".commitment"), 2);
    assert_eq!(
        page.texts(".commitment .status"),
        ["Reaffirmed", "Announced"]
    );
    assert_eq!(
        page.text(".commitment__quote p"),
        "Our partnership is indispensable."
    );
    assert_eq!(
        page.attrs(".sources a", "href"),
        ["https://example.org/readout"]
    );
    // Body: the `#` heading moved under the page's h1, with ids, anchors and a TOC.
    assert_eq!(page.attrs(".prose h2[id]", "id")[0], "outcome");
    assert_eq!(page.attrs(".prose h3[id]", "id"), ["details"]);
    assert!(page.has(".prose h2#outcome a.heading-anchor[href='#outcome']"));
    assert_eq!(page.attrs(".toc a", "href"), ["#outcome", "#details"]);
    assert!(page.has(".prose table"));
    assert!(page.has(".prose .footnote-definition"));
    // [[references]] became links with names.
    assert_eq!(page.text(".prose a.ref-party"), "Japan");
    assert_eq!(
        page.attrs(".prose a.ref-topic", "href"),
        ["/briefs/topics/defense/"]
    );
    assert_eq!(page.text(".prose a.ref-commitment"), "the pledge");
}

#[test]
fn index_is_newest_first_and_paginated() {
    let site = Site::new();
    for (name, date) in [
        ("a", "2025-01-01"),
        ("b", "2025-03-01"),
        ("c", "2025-02-01"),
    ] {
        site.brief(
            name,
            &format!("title: Brief {name}\ndate: {date}\nparties: [us]"),
            "Body.",
        );
    }
    site.build();
    let first = site.html("public/index.html");
    assert_eq!(first.texts(".brief-card__title"), ["Brief b", "Brief c"]);
    assert_eq!(
        first.attrs(".pagination a[rel=next]", "href"),
        ["/briefs/page/2/"]
    );
    let second = site.html("public/page/2/index.html");
    assert_eq!(second.texts(".brief-card__title"), ["Brief a"]);
    assert_eq!(
        second.attrs(".pagination a[rel=prev]", "href"),
        ["/briefs/"]
    );
}

#[test]
fn party_page_has_profile_briefs_and_commitments_by_current_status() {
    let site = kl_site();
    // A later brief moves one commitment on; the party page must show the latest status.
    site.brief(
        "2025/follow-up",
        "title: Follow-up\ndate: 2025-09-01\nparties: [us, kr]\ncommitments:\n  - id: regular-meetings\n    status: in-progress\n    note: First working-level meeting held.",
        "Later.",
    );
    site.build();
    let us = site.html("public/parties/us/index.html");
    assert_eq!(us.text("h1"), "🇺🇸 United States");
    assert!(us.text(".prose").contains("Profile of us."));
    assert_eq!(
        us.texts(".brief-card__title"),
        ["Follow-up", "Trilateral in Kuala Lumpur"]
    );
    // The record: a count per current status, the most recently changed commitments, and
    // the party's own list of all of them.
    assert_eq!(
        us.texts(".record__counts .status"),
        ["Reaffirmed", "In progress"]
    );
    assert_eq!(
        us.texts(".record .commitment-item a[href*='commitments/']"),
        [
            "Meet regularly at all levels.",
            "Pursue complete denuclearization."
        ]
    );
    assert_eq!(
        us.attrs(".record a[href$='/parties/us/commitments/']", "href"),
        ["/briefs/parties/us/commitments/"]
    );
    let list = site.html("public/parties/us/commitments/index.html");
    assert_eq!(list.text("h1"), "Commitments of United States");
    assert_eq!(
        list.texts("tbody th a"),
        [
            "Meet regularly at all levels.",
            "Pursue complete denuclearization."
        ]
    );
    // The first brief shows the status it reported, and what it is now.
    let kl = site.html("public/briefs/kl-trilateral/index.html");
    assert!(kl.texts(".commitment")[1].contains("Announced"));
    assert!(kl.texts(".commitment")[1].contains("now In progress"));
    // The commitment's own page has its timeline, newest first.
    let c = site.html("public/commitments/regular-meetings/index.html");
    assert_eq!(
        c.texts(".timeline__entry .status"),
        ["In progress", "Announced"]
    );
    assert!(
        c.text(".timeline__entry")
            .contains("First working-level meeting held.")
    );
}

#[test]
fn topic_and_list_pages() {
    let site = kl_site();
    site.build();
    let topic = site.html("public/topics/defense/index.html");
    assert_eq!(topic.text("h1"), "Defence");
    assert_eq!(topic.text(".lede"), "Deterrence and readiness.");
    assert_eq!(
        topic.texts(".brief-card__title"),
        ["Trilateral in Kuala Lumpur"]
    );
    assert_eq!(
        topic.texts(".commitment-item a[href*='commitments/']"),
        ["Pursue complete denuclearization."]
    );
    let parties = site.html("public/parties/index.html");
    assert_eq!(parties.count("tbody tr"), 5);
    let asean = site.html("public/parties/asean/index.html");
    assert_eq!(asean.attrs(".chip-party", "href"), ["/briefs/parties/my/"]);
    let my = site.html("public/parties/my/index.html");
    assert!(my.text("body").contains("Member of"));
    let topics = site.html("public/topics/index.html");
    assert_eq!(topics.texts(".topic-list h2"), ["Defence", "Trade"]);
    let tracker = site.html("public/commitments/index.html");
    assert_eq!(tracker.count("tbody tr"), 2);
}

#[test]
fn static_files_are_copied_and_nojekyll_written() {
    let site = kl_site();
    site.write(
        "static/images/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.write("static/accord.css", "/* site's own theme css */");
    site.build();
    assert_eq!(
        site.read("public/images/logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
    );
    assert_eq!(site.read("public/accord.css"), "/* site's own theme css */");
    assert_eq!(site.read("public/.nojekyll"), "");
}

#[test]
fn output_is_byte_identical_across_builds() {
    let site = kl_site();
    site.build();
    let first = snapshot(&site.path("public"));
    site.build();
    assert_eq!(first, snapshot(&site.path("public")));
    assert!(first.len() > 10);
}

#[test]
fn the_search_index_is_cut_into_shards_from_the_oldest_and_the_same_every_time() {
    let site = Site::new();
    site.write(
        "accord.toml",
        &format!("{}search_shard_size = 2\n", common::CONFIG),
    );
    for (i, day) in ["01", "05", "03", "04", "02"].iter().enumerate() {
        site.brief(
            &format!("b{i}"),
            &format!("title: Brief {i}\ndate: 2025-03-{day}\nparties: [us]"),
            "Talks on trade.",
        );
    }
    site.build();
    let first = snapshot(&site.path("public"));
    site.build();
    assert!(
        first == snapshot(&site.path("public")),
        "a rebuild changed the output"
    );
    assert_eq!(
        site.read("public/pagefind/accord-shards.json"),
        "{\"shards\":[\"shard-1/\",\"shard-2/\"]}\n"
    );
    let pages = |entry: &str| -> u64 {
        let json: serde_json::Value = serde_json::from_str(&site.read(entry)).unwrap();
        json["languages"]["en"]["page_count"].as_u64().unwrap()
    };
    assert_eq!(pages("public/pagefind/pagefind-entry.json"), 2);
    assert_eq!(pages("public/pagefind/shard-1/pagefind-entry.json"), 2);
    assert_eq!(pages("public/pagefind/shard-2/pagefind-entry.json"), 1);
    // The shards after the first share its scripts and WebAssembly.
    assert!(site.path("public/pagefind/pagefind.js").exists());
    assert!(!site.path("public/pagefind/shard-1/pagefind.js").exists());
    // From the oldest: the first shard holds b0 and b4 (1 and 2 March), the last the newest,
    // b1 (5 March).
    assert_eq!(
        shard_urls(&site, "public/pagefind"),
        ["/briefs/b0/", "/briefs/b4/"]
    );
    assert_eq!(
        shard_urls(&site, "public/pagefind/shard-2"),
        ["/briefs/b1/"]
    );
    // A new brief, the newest, changes the last shard alone: the others' files stay the same.
    site.brief(
        "b5",
        "title: Brief 5\ndate: 2025-03-06\nparties: [us]",
        "Talks on trade.",
    );
    site.build();
    let second = snapshot(&site.path("public"));
    let files = |snap: &[(String, Vec<u8>)], dir: &str| -> Vec<(String, Vec<u8>)> {
        snap.iter()
            .filter(|(path, _)| path.starts_with(dir))
            .filter(|(path, _)| !path.starts_with("pagefind/shard-") || dir != "pagefind/")
            .cloned()
            .collect()
    };
    for dir in ["pagefind/", "pagefind/shard-1/"] {
        assert!(!files(&first, dir).is_empty());
        assert!(
            files(&first, dir) == files(&second, dir),
            "{dir} changed when a newer brief was added"
        );
    }
    assert!(files(&first, "pagefind/shard-2/") != files(&second, "pagefind/shard-2/"));
    assert_eq!(
        shard_urls(&site, "public/pagefind/shard-2"),
        ["/briefs/b1/", "/briefs/b5/"]
    );
}

/// The URLs of the pages a shard's fragments describe (gzipped JSON after a marker).
fn shard_urls(site: &Site, shard: &str) -> Vec<String> {
    use std::io::Read;
    let mut urls: Vec<String> = std::fs::read_dir(site.path(&format!("{shard}/fragment")))
        .unwrap()
        .map(|entry| {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let mut text = String::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_string(&mut text)
                .unwrap();
            let json = text.trim_start_matches("pagefind_dcd");
            let fragment: serde_json::Value = serde_json::from_str(json).unwrap();
            fragment["url"].as_str().unwrap().to_string()
        })
        .collect();
    urls.sort();
    urls
}

#[test]
fn drafts_only_with_the_flag() {
    let site = kl_site();
    site.brief(
        "wip",
        "title: Work in progress\ndate: 2025-08-01\ndraft: true",
        "Draft body.",
    );
    site.build();
    assert!(!site.path("public/briefs/wip").exists());
    let r = site.run(&["build", "--drafts"]);
    assert!(r.ok(), "{}", r.stderr);
    assert!(
        site.html("public/index.html")
            .text("body")
            .contains("Work in progress")
    );
}

#[test]
fn base_url_and_output_can_be_overridden() {
    let site = kl_site();
    let out = site.path("elsewhere");
    let r = site.run(&[
        "build",
        "--base-url",
        "http://127.0.0.1:8000/my-repo",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(r.ok(), "{}", r.stderr);
    let page = common::Page(scraper::Html::parse_document(
        &std::fs::read_to_string(out.join("index.html")).unwrap(),
    ));
    assert_eq!(
        page.attrs("link[rel=stylesheet]", "href")[0],
        "/my-repo/accord.css"
    );
    assert_eq!(
        page.attrs("link[rel=canonical]", "href"),
        ["http://127.0.0.1:8000/my-repo/"]
    );
}

#[test]
fn toml_front_matter_and_slug() {
    let site = Site::new();
    site.write(
        "content/briefs/x.md",
        "+++\ntitle = \"TOML brief\"\ndate = 2025-07-11\nslug = \"custom-slug\"\nparties = [\"jp\"]\n+++\nBody with [[jp]].\n",
    );
    site.build();
    let page = site.html("public/briefs/custom-slug/index.html");
    assert_eq!(page.text("h1"), "TOML brief");
    assert_eq!(page.text(".prose a.ref-party"), "Japan");
}

#[test]
fn a_site_template_overrides_the_default_one_file_by_file() {
    let site = kl_site();
    site.write(
        "templates/brief.html",
        "{% extends \"base.html\" %}{% block content %}<h1 class=\"custom\">{{ brief.title | upper }}</h1>{{ brief.extra.desk }}{% endblock content %}",
    );
    site.write(
        "content/briefs/2025/kl-trilateral.md",
        &format!("---\n{KL}\nextra:\n  desk: Asia desk\n---\nBody"),
    );
    site.build();
    let page = site.html("public/briefs/kl-trilateral/index.html");
    assert_eq!(page.text("h1.custom"), "TRILATERAL IN KUALA LUMPUR");
    assert!(page.text("main").contains("Asia desk"));
    // Other pages still use the default theme.
    assert!(site.html("public/index.html").has(".brief-card"));
}

#[test]
fn check_validates_and_writes_nothing() {
    let site = kl_site();
    let r = site.run(&["check"]);
    assert!(r.ok(), "{}", r.stderr);
    assert!(r.stdout.contains("No problems"), "{}", r.stdout);
    assert!(!site.path("public").exists());
}

#[test]
fn init_makes_a_site_that_builds_and_new_brief_adds_a_draft() {
    let dir = tempfile::tempdir().unwrap();
    let r = common::run_in(dir.path(), &["init", "mysite"]);
    assert!(r.ok(), "{}", r.stderr);
    let root = dir.path().join("mysite");
    let r = common::run_in(&root, &["build"]);
    assert!(r.ok(), "{}", r.stderr);
    assert!(root.join("public/briefs/first-brief/index.html").is_file());
    assert!(root.join("public/parties/exr/index.html").is_file());
    assert!(root.join("public/topics/trade/index.html").is_file());
    // The site publishes itself: the GitHub Pages workflow, building with Pages' own address.
    let workflow = std::fs::read_to_string(root.join(".github/workflows/pages.yml")).unwrap();
    assert!(
        workflow.contains("uses: actions/deploy-pages@"),
        "{workflow}"
    );
    assert!(
        workflow.contains("accord build --base-url \"${{ steps.pages.outputs.base_url }}/\""),
        "{workflow}"
    );
    // init refuses to run over an existing site.
    assert_eq!(
        common::run_in(dir.path(), &["init", "mysite"]).code,
        Some(1)
    );

    let r = common::run_in(&root, &["new", "brief", "Talks in Geneva"]);
    assert!(r.ok(), "{}", r.stderr);
    let text = std::fs::read_to_string(root.join("content/briefs/talks-in-geneva.md")).unwrap();
    assert!(text.contains("title: \"Talks in Geneva\""));
    let r = common::run_in(&root, &["build", "--drafts"]);
    assert!(r.ok(), "the new brief must build as is: {}", r.stderr);
    assert!(
        root.join("public/briefs/talks-in-geneva/index.html")
            .is_file()
    );
    // new never overwrites.
    assert_eq!(
        common::run_in(&root, &["new", "brief", "Talks in Geneva"]).code,
        Some(1)
    );
}

#[test]
fn quiet_prints_nothing_on_success() {
    let site = kl_site();
    let r = site.run(&["build", "--quiet"]);
    assert!(r.ok());
    assert_eq!(r.stdout, "");
}

#[test]
fn same_day_briefs_agree_on_which_is_latest() {
    // Same date: `updated` and then the index order decide; the commitment's current status
    // comes from the brief the index shows first.
    let site = Site::new();
    site.brief("a", "title: A\ndate: 2025-01-01\nupdated: 2025-03-01\ncommitments:\n  - id: c1\n    status: stalled", "");
    site.brief("z", "title: Z\ndate: 2025-01-01\ncommitments:\n  - id: c1\n    text: X.\n    by: [us]\n    status: fulfilled", "");
    site.build();
    let index = site.html("public/index.html");
    assert_eq!(index.texts(".brief-card__title")[0], "A");
    let c = site.html("public/commitments/c1/index.html");
    assert_eq!(c.text(".page-header .status"), "Stalled");
    assert_eq!(c.texts(".timeline__entry a[href*='briefs/']"), ["A", "Z"]);
}

#[test]
fn the_same_parties_in_another_order_are_the_same_commitment() {
    let site = Site::new();
    site.brief(
        "a",
        "title: A\ndate: 2025-01-01\ncommitments:\n  - id: c1\n    text: X.\n    by: [jp, us]",
        "",
    );
    site.brief("b", "title: B\ndate: 2025-02-01\ncommitments:\n  - id: c1\n    by: [us, jp]\n    status: in-progress", "");
    site.build();
}

#[test]
fn references_keep_their_ids_under_smart_punctuation() {
    let site = Site::new();
    site.topic("us--jp", "name: US–Japan");
    site.brief(
        "a",
        "title: A\ndate: 2025-01-01",
        "On [[topic:us--jp|Japan's \"view\"]].",
    );
    site.build();
    let page = site.html("public/briefs/a/index.html");
    assert_eq!(
        page.attrs(".prose a.ref-topic", "href"),
        ["/briefs/topics/us--jp/"]
    );
}

#[test]
fn party_and_topic_pages_page_their_briefs() {
    let site = Site::new();
    for (name, date) in [
        ("a", "2025-01-01"),
        ("b", "2025-02-01"),
        ("c", "2025-03-01"),
    ] {
        site.brief(name, &format!("title: Brief {name}\ndate: {date}\nparties: [us]\ntopics: [trade]\ncommitments:\n  - id: c-{name}\n    text: Do {name}.\n    by: [us]"), "");
    }
    site.build();
    let first = site.html("public/parties/us/index.html");
    assert_eq!(first.texts(".brief-card__title"), ["Brief c", "Brief b"]);
    assert!(first.has(".record"));
    assert_eq!(
        first.attrs(".pagination a[rel=next]", "href"),
        ["/briefs/parties/us/page/2/"]
    );
    let second = site.html("public/parties/us/page/2/index.html");
    assert_eq!(second.texts(".brief-card__title"), ["Brief a"]);
    assert!(
        !second.has(".record"),
        "the record is on the first page only"
    );
    assert!(second.text("h1").contains("page 2 of 2"));
    let topic = site.html("public/topics/trade/page/2/index.html");
    assert_eq!(topic.texts(".brief-card__title"), ["Brief a"]);
}

#[test]
fn long_paginations_link_a_window_of_pages() {
    let site = Site::new();
    for i in 0..30 {
        site.brief(
            &format!("b{i:02}"),
            &format!("title: Brief {i}\ndate: 2025-01-{:02}", i + 1),
            "",
        );
    }
    site.build();
    let page = site.html("public/page/8/index.html");
    let numbers = page.texts(".pagination li a:not([rel])");
    assert_eq!(numbers, ["1", "6", "7", "8", "9", "10", "15"]);
    assert_eq!(page.count(".pagination .gap"), 2);
}
