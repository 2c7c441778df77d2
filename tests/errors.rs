//! One test per class of content error: where it is reported (`file:line:column`), what it
//! says, and how it says to fix it. Every failing build exits 1.

mod common;

use common::Site;

const OK_FRONT: &str = "title: Fine\ndate: 2025-07-11\nparties: [us]";

/// Build `front` as a brief in a fresh site and return stderr.
fn error_for(front: &str, body: &str) -> String {
    let site = Site::new();
    site.brief("b", front, body);
    site.build_fails()
}

fn assert_has(stderr: &str, needles: &[&str]) {
    for n in needles {
        assert!(stderr.contains(n), "missing {n:?} in:\n{stderr}");
    }
}

#[test]
fn unknown_party_suggests_the_nearest_id() {
    let err = error_for("title: T\ndate: 2025-07-11\nparties: [us, jpn]", "");
    assert_has(
        &err,
        &[
            "error: unknown party `jpn`",
            "content/briefs/b.md:4:15",
            "parties: [us, jpn]",
            "did you mean `jp`?",
        ],
    );
}

#[test]
fn unknown_topic_and_person_party() {
    let err = error_for(
        "title: T\ndate: 2025-07-11\ntopics: [defence]\npeople:\n  - name: A\n    party: usa",
        "",
    );
    assert_has(
        &err,
        &[
            "unknown topic `defence`",
            "content/briefs/b.md:4:10",
            "did you mean `defense`?",
            "unknown party `usa`",
            "content/briefs/b.md:7:12",
            "did you mean `us`?",
        ],
    );
}

#[test]
fn unknown_field_is_an_error_with_the_nearest_field() {
    let err = error_for("title: T\ndate: 2025-07-11\nsumary: x", "");
    assert_has(
        &err,
        &[
            "unknown field `sumary`",
            "content/briefs/b.md:4:1",
            "did you mean `summary`?",
            "extra:",
        ],
    );
}

#[test]
fn missing_required_field() {
    let err = error_for("title: T", "");
    assert_has(
        &err,
        &[
            "missing field `date`",
            "content/briefs/b.md:",
            "add `date:`",
        ],
    );
}

#[test]
fn bad_date() {
    let err = error_for("title: T\ndate: 2025-13-40", "");
    assert_has(
        &err,
        &[
            "`date: 2025-13-40` is not a date",
            "content/briefs/b.md:3:7",
            "YYYY-MM-DD",
        ],
    );
}

#[test]
fn yaml_syntax_error() {
    let err = error_for("title: \"unterminated\ndate: 2025-07-11", "");
    assert_has(&err, &["invalid front matter", "content/briefs/b.md:2:"]);
}

#[test]
fn missing_and_unclosed_front_matter() {
    let site = Site::new();
    site.write("content/briefs/none.md", "# No front matter\n");
    site.write(
        "content/briefs/open.md",
        "---\ntitle: T\ndate: 2025-07-11\n",
    );
    let err = site.build_fails();
    assert_has(
        &err,
        &[
            "missing front matter",
            "content/briefs/none.md:1:1",
            "front matter is never closed",
            "content/briefs/open.md:1:1",
        ],
    );
}

#[test]
fn unknown_reference_in_the_body_is_reported_at_its_line() {
    let err = error_for(
        OK_FRONT,
        "First paragraph.\n\nWe met [[jpn]] and [[topic:trad]] and [[commitment:nope]].\n",
    );
    assert_has(
        &err,
        &[
            "unknown party `jpn`",
            "content/briefs/b.md:8:8",
            "did you mean `jp`?",
            "unknown topic `trad`",
            "content/briefs/b.md:8:20",
            "did you mean `trade`?",
            "unknown commitment `nope`",
        ],
    );
}

#[test]
fn unknown_status_and_commitment_parties() {
    let err = error_for(
        "title: T\ndate: 2025-07-11\ncommitments:\n  - id: c1\n    text: Do it.\n    by: [us, jpn]\n    topic: trad\n    status: fulfiled",
        "",
    );
    assert_has(
        &err,
        &[
            "unknown party `jpn`",
            "content/briefs/b.md:7:14",
            "unknown topic `trad`",
            "unknown commitment status `fulfiled`",
            "content/briefs/b.md:9:13",
            "did you mean `fulfilled`?",
            "accord.toml",
        ],
    );
}

#[test]
fn commitment_with_two_texts_names_both_places() {
    let site = Site::new();
    site.brief("first", "title: A\ndate: 2025-07-01\ncommitments:\n  - id: c1\n    text: Meet every year.\n    by: [us]", "");
    site.brief("second", "title: B\ndate: 2025-08-01\ncommitments:\n  - id: c1\n    text: Meet every month.\n    status: in-progress", "");
    let err = site.build_fails();
    assert_has(
        &err,
        &[
            "commitment `c1` has a different text",
            "content/briefs/second.md:6:11",
            "first defined here",
            "content/briefs/first.md:6:11",
        ],
    );
}

#[test]
fn earliest_mention_must_define_the_commitment() {
    let site = Site::new();
    // The later brief defines it; the earlier one names it with a status only.
    site.brief(
        "early",
        "title: A\ndate: 2025-07-01\ncommitments:\n  - id: c1\n    status: announced",
        "",
    );
    site.brief(
        "late",
        "title: B\ndate: 2025-08-01\ncommitments:\n  - id: c1\n    text: Meet.\n    by: [us]",
        "",
    );
    let err = site.build_fails();
    assert_has(
        &err,
        &[
            "commitment `c1` is first named here without its `text`",
            "content/briefs/early.md:5:9",
            "earliest brief",
        ],
    );
}

#[test]
fn two_briefs_with_one_slug_name_both_files() {
    let site = Site::new();
    site.brief("2024/talks", "title: A\ndate: 2024-01-01", "");
    site.brief("2025/talks", "title: B\ndate: 2025-01-01", "");
    let err = site.build_fails();
    assert_has(
        &err,
        &[
            "two briefs would be written to /briefs/talks/",
            "content/briefs/2024/talks.md",
            "content/briefs/2025/talks.md",
        ],
    );
}

#[test]
fn registry_errors() {
    let site = Site::new();
    site.party("xx", "name: X\nkind: stat\niso: XYZ\nmembers: [jpn]");
    site.write("content/parties/Bad Id.md", "---\nname: B\n---\n");
    let err = site.build_fails();
    assert_has(
        &err,
        &[
            "unknown party kind `stat`",
            "content/parties/xx.md:3:7",
            "did you mean `state`?",
            "`XYZ` is not an ISO 3166-1 alpha-2 code",
            "content/parties/xx.md:4:6",
            "unknown party `jpn`",
            "content/parties/xx.md:5:11",
            "`Bad Id` is not a valid party id",
        ],
    );
}

#[test]
fn bad_config_is_located() {
    let site = Site::new();
    site.write(
        "accord.toml",
        "title = \"T\"\nbase_url = \"https://x.org/\"\noutput = \"out\"\n",
    );
    let err = site.build_fails();
    assert_has(
        &err,
        &[
            "unknown field `output`",
            "accord.toml:3:1",
            "did you mean `output_dir`?",
        ],
    );
    let site = Site::bare();
    assert_has(&site.build_fails(), &["no accord.toml", "accord init"]);
}

#[test]
fn template_error_names_the_template_file_and_line() {
    let site = Site::new();
    site.brief("b", OK_FRONT, "");
    site.write("templates/brief.html", "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ brief.titel }}</h1>\n{% endblock content %}\n");
    let err = site.build_fails();
    assert_has(
        &err,
        &["templates/brief.html:3:", "`titel` is not defined", "title"],
    );
    site.write("templates/brief.html", "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ brief.title }</h1>\n{% endblock content %}\n");
    assert_has(
        &site.build_fails(),
        &["templates/brief.html:3:", "does not compile"],
    );
}

#[test]
fn an_error_in_the_tracker_row_template_names_that_file() {
    let site = Site::new();
    site.brief(
        "b",
        &format!("{OK_FRONT}\ncommitments:\n  - id: c1\n    text: Talk.\n    by: [us]"),
        "",
    );
    site.write(
        "templates/tracker_row.html",
        "<tr>\n<td>{{ c.stauts }}</td></tr>",
    );
    assert_has(
        &site.build_fails(),
        &[
            "templates/tracker_row.html:2:",
            "`stauts` is not defined",
            "status",
            "help: fix templates/tracker_row.html",
        ],
    );
}

#[test]
fn every_error_of_a_build_is_reported_at_once() {
    let site = Site::new();
    site.brief("one", "title: T\ndate: 2025-07-11\nparties: [jpn]", "");
    site.brief("two", "title: T\ndate: nope", "");
    site.brief(
        "three",
        "title: T\ndate: 2025-07-11\ntopics: [trad]",
        "[[zz]]",
    );
    let err = site.build_fails();
    assert_has(
        &err,
        &[
            "[1/4]",
            "[4/4]",
            "4 problems found",
            "one.md",
            "two.md",
            "three.md",
        ],
    );
    // Ordered by file, then by position within it.
    let one = err.find("one.md").unwrap();
    let three = err.find("three.md").unwrap();
    let two = err.find("two.md").unwrap();
    assert!(one < three && three < two, "{err}");
}

#[test]
fn duplicate_yaml_keys_are_errors() {
    let err = error_for("title: T\ndate: 2025-07-11\ntitle: U", "");
    assert_has(&err, &["duplicate", "content/briefs/b.md:4:"]);
}

#[test]
fn ids_listed_twice_are_errors() {
    let err = error_for(
        "title: T\ndate: 2025-07-11\nparties: [us, jp, us]\ntopics: [trade, trade]\ncommitments:\n  - id: c1\n    text: X.\n    by: [us, us]\n  - id: c1\n    status: stalled",
        "",
    );
    assert_has(
        &err,
        &[
            "`us` is listed twice in `parties`",
            "content/briefs/b.md:4:19",
            "`trade` is listed twice in `topics`",
            "`us` is listed twice in `by`",
            "commitment `c1` is named twice in this brief",
            "content/briefs/b.md:10:9",
        ],
    );
}

#[test]
fn links_must_be_web_addresses() {
    let err = error_for(
        "title: T\ndate: 2025-07-11\nsources:\n  - title: S\n    url: javascript:alert(1)\ncommitments:\n  - id: c1\n    text: X.\n    by: [us]\n    source: file:///etc/passwd",
        "",
    );
    assert_has(
        &err,
        &[
            "`javascript:alert(1)` is not a web address",
            "content/briefs/b.md:6:10",
            "`file:///etc/passwd` is not a web address",
        ],
    );
}

#[test]
fn a_typo_inside_a_nested_item_suggests_that_items_fields() {
    let err = error_for(
        "title: T\ndate: 2025-07-11\npeople:\n  - name: A\n    rol: Minister",
        "",
    );
    assert_has(
        &err,
        &[
            "unknown field `rol`",
            "content/briefs/b.md:6:5",
            "did you mean `role`?",
        ],
    );
    let err = error_for("title: T\ndate: 2025-07-11\nsources:\n  - name: S", "");
    assert!(!err.contains("did you mean `name`"), "{err}");
}

#[test]
fn empty_front_matter_says_what_to_add() {
    let site = Site::new();
    site.write("content/briefs/e.md", "---\n---\nBody\n");
    assert_has(
        &site.build_fails(),
        &[
            "the front matter is empty",
            "content/briefs/e.md:1:1",
            "`title:` and `date:`",
        ],
    );
}

#[test]
fn a_bad_date_does_not_cause_false_commitment_errors() {
    let site = Site::new();
    site.brief(
        "first",
        "title: A\ndate: 2025-1-01\ncommitments:\n  - id: c1\n    text: Meet.\n    by: [us]",
        "",
    );
    site.brief(
        "later",
        "title: B\ndate: 2025-02-01\ncommitments:\n  - id: c1\n    status: stalled",
        "See [[commitment:c1]].",
    );
    let err = site.build_fails();
    assert_has(
        &err,
        &["`date: 2025-1-01` is not a date", "1 problem found"],
    );
}

#[test]
fn an_invalid_date_format_is_reported_in_the_config() {
    let site = Site::new();
    site.write(
        "accord.toml",
        &format!("{}date_format = \"%Q\"\n", common::CONFIG),
    );
    assert_has(
        &site.build_fails(),
        &["`date_format` is not a valid date format", "accord.toml:6:"],
    );
}

#[test]
fn a_search_shard_size_of_zero_is_reported_in_the_config() {
    let site = Site::new();
    site.write(
        "accord.toml",
        &format!("{}search_shard_size = 0\n", common::CONFIG),
    );
    assert_has(
        &site.build_fails(),
        &["`search_shard_size` must be at least 1", "accord.toml:6:"],
    );
}

#[test]
fn a_file_name_without_letters_needs_a_slug() {
    let site = Site::new();
    site.write(
        "content/briefs/!!!.md",
        "---\ntitle: T\ndate: 2025-07-11\n---\n",
    );
    assert_has(
        &site.build_fails(),
        &[
            "cannot make a URL from this file name",
            "content/briefs/!!!.md",
            "slug:",
        ],
    );
}

#[test]
fn toml_values_are_located_at_the_quoted_id() {
    let site = Site::new();
    site.write(
        "content/briefs/t.md",
        "+++\ntitle = \"Talks with kr\"\ndate = 2025-07-11\nparties = [\"kr\", \"krr\"]\n+++\n",
    );
    assert_has(
        &site.build_fails(),
        &["unknown party `krr`", "content/briefs/t.md:4:19"],
    );
}
