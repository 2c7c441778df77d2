//! Cross-references across briefs: the tracker, timelines, party records, people, related
//! briefs, redirects, citations, data exports and the template query functions, on a fixture
//! site built by the real binary.

mod common;

use common::Site;

const A: &str = r#"title: Allies meet in Kuala Lumpur
date: 2025-07-11
summary: The allies met & agreed.
event: Trilateral meeting
location: Kuala Lumpur
aliases: [2025/07/allies-meet/, /old-allies.html]
parties: [us, jp, kr]
people:
  - name: Iwaya Takeshi
    role: Minister for Foreign Affairs
    party: jp
  - name: Marco Rubio
    role: Secretary of State
    party: us
topics: [defense]
commitments:
  - id: joint-drills
    text: Hold joint drills every quarter.
    by: [us, jp, kr]
    topic: defense
    status: announced
    due: 2025-09-30
  - id: ship-deal
    text: Sign the shipbuilding deal.
    by: [us, kr]
    status: announced
    due: 2025-08-01"#;

const B: &str = r#"title: Drills slip as deal is signed
date: 2025-10-02
parties: [us, jp]
people:
  - name: Takeshi Iwaya
    role: Minister for Foreign Affairs
    party: jp
  - name: 岩屋毅
    role: Member of the House of Representatives
    party: jp
  - name: iwaya  TAKESHI
    role: Minister for Foreign Affairs
    party: jp
topics: [defense]
commitments:
  - id: joint-drills
    status: stalled
    note: The first drill was postponed.
  - id: ship-deal
    status: fulfilled
    quote: The deal is done."#;

const C: &str = r#"title: Trade talks
date: 2025-03-01
parties: [my]
topics: [trade]"#;

fn site() -> Site {
    let site = Site::new();
    site.write(
        "content/people/iwaya-takeshi.md",
        "---\nname: Iwaya Takeshi\nnative: 岩屋毅\naliases: [Takeshi Iwaya]\n---\nJapan's foreign minister.\n",
    );
    site.brief("a", A, "Body of A.");
    site.brief("b", B, "Body of B.");
    site.brief("c", C, "Body of C.");
    site
}

fn build(site: &Site) {
    let r = site.run(&["build", "--as-of", "2026-01-15"]);
    assert!(r.ok(), "build failed:\n{}", r.stderr);
}

#[test]
fn a_status_change_in_a_later_brief_shows_on_the_tracker_timeline_and_party_record() {
    let site = site();
    build(&site);
    let tracker = site.html("public/commitments/index.html");
    // The overview's table: each row's commitment (by its link), cells by column.
    let ids: Vec<String> = tracker
        .attrs("tbody th a", "href")
        .into_iter()
        .map(|h| {
            h.trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    let row = |id: &str, column: &str| {
        let at = ids.iter().position(|i| i == id).expect("a row");
        let columns = [
            "",
            "Parties",
            "Topic",
            "Status",
            "First seen",
            "Last seen",
            "Due",
        ];
        let n = columns.iter().position(|c| *c == column).expect("a column") + 1;
        tracker.texts(&format!("tbody td:nth-child({n})"))[at].clone()
    };
    assert_eq!(row("joint-drills", "Status"), "Stalled");
    assert!(row("joint-drills", "Due").contains("Overdue"));
    assert_eq!(row("joint-drills", "Parties"), "US, Japan, ROK");
    // Fulfilled closes a commitment: past its due date, it is not overdue.
    assert_eq!(row("ship-deal", "Status"), "Fulfilled");
    assert!(!row("ship-deal", "Due").contains("Overdue"));
    assert_eq!(tracker.count("tbody .overdue"), 1);
    assert!(tracker.text(".as-of").contains("15 January 2026"));
    assert!(tracker.text(".as-of").contains("1 overdue"));
    // The chart is drawn at build time, one bar per status, with its count as text.
    let desc = tracker.text("svg.status-chart desc");
    assert!(
        desc.contains("Stalled: 1")
            && desc.contains("Fulfilled: 1")
            && desc.contains("Announced: 0"),
        "{desc}"
    );
    assert_eq!(tracker.count("svg.status-chart g.bar"), 6);
    // Filters list the parties and topics that have commitments; the form is hidden until the
    // script shows it.
    assert_eq!(tracker.attrs("form.tracker-filters", "hidden").len(), 1);
    let parties = tracker.attrs("select[name=party] option", "value");
    assert_eq!(parties, ["", "jp", "kr", "us"]);

    let timeline = site.html("public/commitments/joint-drills/index.html");
    assert_eq!(
        timeline.attrs(".timeline time", "datetime"),
        ["2025-10-02", "2025-07-11"]
    );
    assert_eq!(
        timeline.texts(".timeline .status"),
        ["Stalled", "Announced"]
    );
    assert!(
        timeline
            .text(".timeline")
            .contains("The first drill was postponed.")
    );
    assert_eq!(timeline.count(".page-header .overdue"), 1);
    assert!(timeline.text(".as-of").contains("15 January 2026"));

    let us = site.html("public/parties/us/index.html");
    let links = us.attrs(".record__counts a", "href");
    assert_eq!(
        links,
        [
            "/briefs/commitments/?party=us&status=fulfilled",
            "/briefs/commitments/?party=us&status=stalled"
        ]
    );
    assert_eq!(us.texts(".record__counts strong"), ["1", "1"]);
    // Met most often: Japan in both briefs, Korea in one.
    assert_eq!(
        us.texts(".met-list .chip"),
        ["🇯🇵 Japan", "Republic of Korea"].map(|s| s.replace("Republic", "🇰🇷 Republic"))
    );
    assert_eq!(us.texts(".met-list .small"), ["2 briefs", "1 brief"]);
}

#[test]
fn people_are_one_person_however_briefs_spell_them() {
    let site = site();
    build(&site);
    let iwaya = site.html("public/people/iwaya-takeshi/index.html");
    assert_eq!(iwaya.text("h1"), "Iwaya Takeshi 岩屋毅");
    assert_eq!(iwaya.text("#briefs-heading"), "Briefs (2)");
    let roles = iwaya.texts(".roles li strong");
    assert_eq!(
        roles,
        [
            "Member of the House of Representatives",
            "Minister for Foreign Affairs"
        ]
    );
    assert!(
        iwaya
            .text(".roles")
            .contains("11 July 2025 to 2 October 2025")
    );
    // Named twice in one brief in one role (two spellings): that brief counts once, and a
    // spelling differing only in case and spaces is not another alias.
    assert!(
        iwaya.text(".roles").contains("2 briefs"),
        "{}",
        iwaya.text(".roles")
    );
    assert_eq!(
        iwaya.text(".page-header .muted"),
        "Also written: Takeshi Iwaya"
    );
    // Names no registry entry claims are people of their own.
    let rubio = site.html("public/people/marco-rubio/index.html");
    assert_eq!(rubio.text("#briefs-heading"), "Briefs (1)");
    let people = site.html("public/people/index.html");
    assert_eq!(people.texts("tbody th a"), ["Iwaya Takeshi", "Marco Rubio"]);
    // A brief links each name, as written, to the person.
    let b = site.html("public/briefs/b/index.html");
    assert_eq!(
        b.texts(".people .person-name"),
        ["Takeshi Iwaya", "岩屋毅", "iwaya TAKESHI"]
    );
    assert_eq!(
        b.attrs(".people .person-name", "href"),
        ["/briefs/people/iwaya-takeshi/"; 3]
    );
}

#[test]
fn two_people_claiming_one_name_is_an_error_at_the_name() {
    let site = site();
    site.write(
        "content/people/takeshi.md",
        "---\nname: Takeshi Other\naliases: [Takeshi Iwaya]\n---\n",
    );
    let err = site.build_fails();
    assert!(err.contains("content/people/takeshi.md:3:"), "{err}");
    assert!(
        err.contains("`Takeshi Iwaya` already names the person `iwaya-takeshi`"),
        "{err}"
    );
}

#[test]
fn related_briefs_share_commitments_and_topics() {
    let site = site();
    build(&site);
    let a = site.html("public/briefs/a/index.html");
    assert_eq!(
        a.texts(".related-list a"),
        ["Drills slip as deal is signed"]
    );
    // C shares nothing with A: not related to it.
    let c = site.html("public/briefs/c/index.html");
    assert_eq!(c.count(".related-list a"), 0);
}

#[test]
fn aliases_redirect_to_the_brief_and_stay_out_of_the_sitemap() {
    let site = site();
    build(&site);
    for file in [
        "public/2025/07/allies-meet/index.html",
        "public/old-allies.html",
    ] {
        let page = site.html(file);
        assert_eq!(
            page.attrs("meta[http-equiv=refresh]", "content"),
            ["0; url=/briefs/briefs/a/"]
        );
        assert_eq!(
            page.attrs("link[rel=canonical]", "href"),
            ["https://org.github.io/briefs/briefs/a/"]
        );
        assert_eq!(page.attrs("a", "href"), ["/briefs/briefs/a/"]);
    }
    let sitemap = site.read("public/sitemap-1.xml");
    assert!(sitemap.contains("briefs/a/"));
    assert!(!sitemap.contains("allies-meet") && !sitemap.contains("old-allies"));
}

#[test]
fn a_bad_alias_or_one_over_another_page_is_an_error() {
    let site = site();
    site.brief(
        "c",
        &C.replace("topics: [trade]", "topics: [trade]\naliases: [../outside/]"),
        "",
    );
    let err = site.build_fails();
    assert!(err.contains("content/briefs/c.md:6:11"), "{err}");
    assert!(err.contains("cannot be an alias"), "{err}");
    site.brief(
        "c",
        &C.replace("topics: [trade]", "topics: [trade]\naliases: [briefs/b/]"),
        "",
    );
    let err = site.build_fails();
    assert!(err.contains("briefs/b/index.html"), "{err}");
    assert!(
        err.contains("content/briefs/c.md") && err.contains("content/briefs/b.md"),
        "{err}"
    );
}

#[test]
fn each_brief_can_be_cited_as_text_bibtex_and_csl_json() {
    let site = site();
    build(&site);
    let a = site.html("public/briefs/a/index.html");
    assert_eq!(
        a.text(".cite__text"),
        "Test Briefs. \u{201c}Allies meet in Kuala Lumpur.\u{201d} Policy brief, 11 July 2025. https://org.github.io/briefs/briefs/a/"
    );
    assert_eq!(
        a.attrs(".cite a[download]", "href"),
        ["/briefs/briefs/a/cite.bib", "/briefs/briefs/a/cite.json"]
    );
    let bib = site.read("public/briefs/a/cite.bib");
    assert!(bib.starts_with("@misc{a-2025,\n"), "{bib}");
    assert!(
        bib.contains("  title = {Allies meet in Kuala Lumpur},"),
        "{bib}"
    );
    assert!(bib.contains("  author = {{Test Briefs}},"), "{bib}");
    assert!(
        bib.contains("  abstract = {The allies met \\& agreed.},"),
        "{bib}"
    );
    assert!(bib.contains("  date = {2025-07-11},"), "{bib}");
    let csl: serde_json::Value =
        serde_json::from_str(&site.read("public/briefs/a/cite.json")).unwrap();
    let item = &csl[0];
    assert_eq!(item["type"], "report");
    assert_eq!(item["title"], "Allies meet in Kuala Lumpur");
    assert_eq!(
        item["issued"]["date-parts"],
        serde_json::json!([[2025, 7, 11]])
    );
    assert_eq!(item["URL"], "https://org.github.io/briefs/briefs/a/");
    assert_eq!(item["author"][0]["literal"], "Test Briefs");
}

#[test]
fn data_exports_hold_what_the_pages_show() {
    let site = site();
    build(&site);
    let json = |rel: &str| -> serde_json::Value {
        serde_json::from_str(&site.read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    };
    // Each export is an index of parts; a small site's fit in one part each.
    let index = json("public/data/briefs.json");
    assert_eq!(index["schema"], "accord.briefs/2");
    assert_eq!(index["as_of"], "2026-01-15");
    assert_eq!(index["count"], 3);
    assert_eq!(
        index["parts"],
        serde_json::json!(["https://org.github.io/briefs/data/briefs/1.json"])
    );
    let briefs = json("public/data/briefs/1.json");
    assert_eq!(briefs["schema"], "accord.briefs/2");
    assert_eq!(
        (briefs["part"].clone(), briefs["parts"].clone()),
        (1.into(), 1.into())
    );
    let list = briefs["briefs"].as_array().unwrap();
    // Oldest first, so that a new brief changes the last part only.
    assert_eq!(
        list.iter()
            .map(|b| b["slug"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["c", "a", "b"]
    );
    assert_eq!(list[2]["people"][1]["person"], "iwaya-takeshi");
    assert_eq!(list[2]["people"][1]["name"], "岩屋毅");
    assert_eq!(list[2]["commitments"][0]["status"], "stalled");
    assert_eq!(list[1]["url"], "https://org.github.io/briefs/briefs/a/");

    let index = json("public/data/commitments.json");
    assert_eq!(
        index["csv_parts"],
        serde_json::json!(["https://org.github.io/briefs/data/commitments/1.csv"])
    );
    let commitments = json("public/data/commitments/1.json");
    let drills = &commitments["commitments"][0];
    assert_eq!(drills["id"], "joint-drills");
    assert_eq!(drills["status"], "stalled");
    assert_eq!(drills["overdue"], true);
    assert_eq!(drills["by"], serde_json::json!(["us", "jp", "kr"]));
    assert_eq!(drills["timeline"].as_array().unwrap().len(), 2);
    assert_eq!(drills["timeline"][1]["brief"], "b");

    let text = site.read("public/data/commitments/1.csv");
    let mut csv = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[..5], ["id", "text", "by", "topic", "status"]);
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][0], "joint-drills");
    assert_eq!(&rows[0][2], "us;jp;kr");
    assert_eq!(&rows[1][4], "fulfilled");
    assert_eq!(&rows[1][8], "false");

    let parties = json("public/data/parties/1.json");
    let us = parties["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "us")
        .unwrap();
    assert_eq!(us["record"]["stalled"], 1);
    assert_eq!(us["record"]["fulfilled"], 1);
    assert_eq!(
        us["met"][0],
        serde_json::json!({ "party": "jp", "briefs": 2 })
    );
    let people = json("public/data/people/1.json");
    assert_eq!(people["people"][0]["native"], "岩屋毅");
    assert_eq!(people["people"][0]["briefs"], serde_json::json!(["b", "a"]));
    let topics = json("public/data/topics/1.json");
    assert_eq!(
        topics["topics"][0]["commitments"],
        serde_json::json!(["joint-drills"])
    );
}

#[test]
fn templates_can_query_the_site() {
    let site = site();
    site.write(
        "templates/index.html",
        r#"{% extends "base.html" %}{% block content %}
<ul id="jp">{% for b in get_briefs(party="jp", limit=1) %}<li>{{ b.title }}</li>{% endfor %}</ul>
<ul id="stalled">{% for c in get_commitments(status="stalled") %}<li>{{ c.id }}</li>{% endfor %}</ul>
<ul id="overdue">{% for c in get_commitments(overdue=true) %}<li>{{ c.id }}</li>{% endfor %}</ul>
{% set person = get_person(slug="iwaya-takeshi") %}<p id="person">{{ person.native }}</p>
{% set party = get_party(id="kr") %}<p id="party">{{ party.name }}</p>
{% endblock content %}"#,
    );
    build(&site);
    let index = site.html("public/index.html");
    assert_eq!(index.texts("#jp li"), ["Drills slip as deal is signed"]);
    assert_eq!(index.texts("#stalled li"), ["joint-drills"]);
    assert_eq!(index.texts("#overdue li"), ["joint-drills"]);
    assert_eq!(index.text("#person"), "岩屋毅");
    assert_eq!(index.text("#party"), "Republic of Korea");

    site.write(
        "templates/index.html",
        r#"{% extends "base.html" %}{% block content %}{{ get_briefs(party="jpn") | length }}{% endblock content %}"#,
    );
    let err = site.build_fails();
    assert!(err.contains("templates/index.html"), "{err}");
    assert!(
        err.contains("no party `jpn`") && err.contains("did you mean `jp`?"),
        "{err}"
    );
    site.write(
        "templates/index.html",
        r#"{% extends "base.html" %}{% block content %}{{ get_briefs(person="iwaya-takeshl") | length }}{% endblock content %}"#,
    );
    let err = site.build_fails();
    assert!(
        err.contains("no person `iwaya-takeshl`") && err.contains("did you mean `iwaya-takeshi`?"),
        "{err}"
    );
}

/// The tracker's lists: 100 rows a page with a pager, most recently changed first; a view per
/// status and of the overdue; the overview keeps to the 25 most recently changed.
#[test]
fn the_tracker_lists_every_commitment_on_static_pages() {
    let site = common::Site::new();
    let pledges = |from: usize, to: usize, status: &str| -> String {
        (from..to)
            .map(|i| format!("  - id: p{i:03}\n    text: Pledge {i}.\n    by: [us, jp]\n    topic: defense\n    status: {status}\n    due: 2025-06-01\n"))
            .collect()
    };
    site.brief(
        "first",
        &format!(
            "title: First\ndate: 2025-01-01\nparties: [us, jp]\ncommitments:\n{}",
            pledges(0, 230, "announced")
        ),
        "",
    );
    let updates: String = (200..230)
        .map(|i| format!("  - id: p{i:03}\n    status: fulfilled\n"))
        .collect();
    site.brief(
        "later",
        &format!("title: Later\ndate: 2025-03-01\nparties: [us]\ncommitments:\n{updates}"),
        "",
    );
    let run = site.run(&["build", "--as-of", "2025-09-01"]);
    assert!(run.ok(), "{}", run.stderr);
    let rows = |path: &str| site.html(path).attrs("tbody th a", "href");
    let all = [
        rows("public/commitments/all/index.html"),
        rows("public/commitments/all/page/2/index.html"),
        rows("public/commitments/all/page/3/index.html"),
    ];
    assert_eq!(all.iter().map(Vec::len).collect::<Vec<_>>(), [100, 100, 30]);
    // Most recently changed first: the 30 updated later, then the rest by id.
    assert_eq!(all[0][0], "/briefs/commitments/p200/");
    assert_eq!(all[0][30], "/briefs/commitments/p000/");
    assert!(
        !site
            .path("public/commitments/all/page/4/index.html")
            .exists()
    );
    let first = site.html("public/commitments/all/index.html");
    assert_eq!(
        first.attrs(".pagination a[rel=next]", "href"),
        ["/briefs/commitments/all/page/2/"]
    );
    assert!(first.text("h1").contains("All commitments"));
    assert!(first.text(".lede").starts_with("230 commitments"));
    // A view per status, and of the overdue (due 1 June, not fulfilled, as of September).
    assert_eq!(
        rows("public/commitments/status/fulfilled/index.html").len(),
        30
    );
    assert_eq!(
        rows("public/commitments/status/announced/index.html").len(),
        100
    );
    assert!(
        site.path("public/commitments/status/announced/page/2/index.html")
            .exists()
    );
    assert!(
        site.path("public/commitments/status/stalled/index.html")
            .exists()
    );
    assert_eq!(
        rows("public/commitments/overdue/page/2/index.html").len(),
        100
    );
    assert!(
        !site
            .path("public/commitments/overdue/page/3/index.html")
            .exists()
    );
    // Each party's and topic's list, which their pages link to.
    assert_eq!(
        rows("public/parties/jp/commitments/page/3/index.html").len(),
        30
    );
    assert_eq!(
        rows("public/topics/defense/commitments/index.html").len(),
        100
    );
    let jp = site.html("public/parties/jp/index.html");
    assert_eq!(jp.count(".record .commitment-item"), 10);
    assert_eq!(
        jp.attrs(".record a[href$='/parties/jp/commitments/']", "href")
            .len(),
        1
    );
    // The overview: the 25 most recently changed, links to every list.
    let overview = site.html("public/commitments/index.html");
    assert_eq!(overview.count("tbody tr"), 25);
    assert_eq!(
        overview.attrs("tbody th a", "href")[0],
        "/briefs/commitments/p200/"
    );
    let lists = overview.attrs(".tracker-lists a", "href");
    for list in ["all/", "status/announced/", "status/fulfilled/", "overdue/"] {
        assert!(
            lists.contains(&format!("/briefs/commitments/{list}")),
            "{list}: {lists:?}"
        );
    }
    assert!(overview.text(".as-of").contains("200 overdue"));
}

#[test]
fn a_commitment_id_the_tracker_uses_is_an_error() {
    let site = common::Site::new();
    site.brief(
        "first",
        "title: First\ndate: 2025-01-01\ncommitments:\n  - id: overdue\n    text: Pledge.\n    by: [us]",
        "",
    );
    let err = site.build_fails();
    assert!(
        err.contains("`overdue` cannot be a commitment id") && err.contains("first.md:5:9"),
        "{err}"
    );
}
