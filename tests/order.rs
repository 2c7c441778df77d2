//! The order of briefs in time: dates with times, several briefs on one day, and the errors
//! where the order is ambiguous (README: "Order of briefs").

mod common;

use common::Site;

fn assert_has(stderr: &str, needles: &[&str]) {
    for n in needles {
        assert!(stderr.contains(n), "missing {n:?} in:\n{stderr}");
    }
}

const DEFINE: &str = "commitments:\n  - id: c1\n    text: Hold joint drills.\n    by: [us, jp]";

fn update(status: &str) -> String {
    format!("commitments:\n  - id: c1\n    status: {status}")
}

/// A morning announcement and an afternoon follow-up with the same date and no time.
fn same_day(site: &Site, announcement: &str, follow_up: &str) {
    site.brief(
        announcement,
        &format!("title: Announced\ndate: 2025-07-11\n{DEFINE}"),
        "",
    );
    site.brief(
        follow_up,
        &format!(
            "title: Followed up\ndate: 2025-07-11\n{}",
            update("in-progress")
        ),
        "",
    );
}

fn timeline_titles(site: &Site) -> Vec<String> {
    site.html("public/commitments/c1/index.html")
        .texts(".timeline__entry a")
}

#[test]
fn a_same_day_update_builds_whichever_file_name_sorts_first() {
    for (announcement, follow_up) in [("a-announce", "b-follow-up"), ("b-announce", "a-follow-up")]
    {
        let site = Site::new();
        same_day(&site, announcement, follow_up);
        site.build();
        // Newest first: the follow-up, then the announcement it updates.
        assert_eq!(
            timeline_titles(&site),
            ["Followed up", "Announced"],
            "{announcement} / {follow_up}"
        );
        let tracker = site.html("public/commitments/index.html");
        assert_eq!(tracker.texts("tbody .status"), ["In progress"]);
        let index = site.html("public/index.html");
        assert_eq!(
            index.texts(".brief-card__title a"),
            ["Followed up", "Announced"]
        );
    }
}

#[test]
fn times_order_briefs_of_one_day_and_are_shown() {
    let site = Site::new();
    // The update's path sorts first and its time is later: the time decides.
    site.brief(
        "z-announce",
        &format!("title: Announced\ndate: 2025-07-11T09:00\n{DEFINE}"),
        "",
    );
    site.brief(
        "a-follow-up",
        &format!(
            "title: Followed up\ndate: 2025-07-11T14:30\n{}",
            update("fulfilled")
        ),
        "",
    );
    site.build();
    assert_eq!(timeline_titles(&site), ["Followed up", "Announced"]);
    let brief = site.html("public/briefs/a-follow-up/index.html");
    assert!(
        brief
            .attrs("time", "datetime")
            .contains(&"2025-07-11T14:30".to_string()),
        "{:?}",
        brief.attrs("time", "datetime")
    );
    assert!(brief.text(".meta").contains("11 July 2025, 14:30"));
}

#[test]
fn times_with_offsets_compare_as_instants() {
    let site = Site::new();
    // 09:00 in Kuala Lumpur is 01:00 UTC, before 03:00 UTC, whatever the clock says.
    site.brief(
        "z-announce",
        &format!("title: Announced\ndate: 2025-07-11T09:00+08:00\n{DEFINE}"),
        "",
    );
    site.brief(
        "a-follow-up",
        &format!(
            "title: Followed up\ndate: 2025-07-11T03:00Z\n{}",
            update("fulfilled")
        ),
        "",
    );
    site.build();
    assert_eq!(timeline_titles(&site), ["Followed up", "Announced"]);
    let feed = site.read("public/atom.xml");
    assert!(feed.contains("2025-07-11T09:00:00+08:00"), "{feed}");
}

#[test]
fn a_date_alone_is_the_start_of_its_day() {
    let site = Site::new();
    site.brief(
        "a-announce",
        &format!("title: Announced\ndate: 2025-07-11T08:00\n{DEFINE}"),
        "",
    );
    site.brief(
        "b-follow-up",
        &format!(
            "title: Followed up\ndate: 2025-07-11\n{}",
            update("stalled")
        ),
        "",
    );
    let err = site.build_fails();
    assert_has(
        &err,
        &[
            "b-follow-up.md",
            "commitment `c1` is first named here without its `text`",
        ],
    );
}

#[test]
fn two_same_day_statuses_without_times_are_an_error_naming_both_files() {
    let site = Site::new();
    site.brief(
        "first",
        &format!("title: First\ndate: 2025-07-01\n{DEFINE}"),
        "",
    );
    site.brief(
        "morning",
        &format!("title: Morning\ndate: 2025-07-11\n{}", update("stalled")),
        "",
    );
    site.brief(
        "evening",
        &format!("title: Evening\ndate: 2025-07-11\n{}", update("fulfilled")),
        "",
    );
    let err = site.build_fails();
    assert_has(
        &err,
        &[
            "give commitment `c1` different statuses",
            "content/briefs/evening.md",
            "content/briefs/morning.md",
            "give both briefs a time",
            "1 problem found",
        ],
    );
    // With times, the same briefs build.
    site.brief(
        "morning",
        &format!(
            "title: Morning\ndate: 2025-07-11T09:00\n{}",
            update("stalled")
        ),
        "",
    );
    site.brief(
        "evening",
        &format!(
            "title: Evening\ndate: 2025-07-11T18:00\n{}",
            update("fulfilled")
        ),
        "",
    );
    site.build();
    let tracker = site.html("public/commitments/index.html");
    assert_eq!(tracker.texts("tbody .status"), ["Fulfilled"]);
}

#[test]
fn two_briefs_defining_what_the_other_updates_are_an_error() {
    let site = Site::new();
    site.brief(
        "a",
        "title: A\ndate: 2025-07-11\ncommitments:\n  - id: c1\n    text: One.\n    by: [us]\n  - id: c2\n    status: stalled",
        "",
    );
    site.brief(
        "b",
        "title: B\ndate: 2025-07-11\ncommitments:\n  - id: c2\n    text: Two.\n    by: [jp]\n  - id: c1\n    status: stalled",
        "",
    );
    let err = site.build_fails();
    assert_has(
        &err,
        &[
            "2 briefs dated 2025-07-11 each define a commitment that another of them updates",
            "content/briefs/a.md",
            "content/briefs/b.md",
            "give these briefs times",
        ],
    );
}

#[test]
fn a_broken_defining_brief_is_reported_once_with_what_it_explains() {
    let site = Site::new();
    // A YAML error: the brief that defines c1 cannot be read at all.
    site.brief(
        "announce",
        "title: Announced\ndate: 2025-07-01\nparties: [us\ncommitments:\n  - id: c1\n    text: Hold joint drills.\n    by: [us, jp]",
        "",
    );
    for (name, date) in [("later-1", "2025-08-01"), ("later-2", "2026-08-01")] {
        site.brief(
            name,
            &format!("title: {name}\ndate: {date}\n{}", update("stalled")),
            "See [[commitment:c1]].",
        );
    }
    let err = site.build_fails();
    assert_has(
        &err,
        &[
            "content/briefs/announce.md",
            "1 problem found",
            "names commitment `c1`, which 2 other briefs also name (content/briefs/later-1.md, content/briefs/later-2.md)",
        ],
    );
    assert!(!err.contains("without its `text`"), "{err}");
}

#[test]
fn two_same_day_due_dates_without_times_are_an_error() {
    let site = Site::new();
    site.brief(
        "first",
        &format!("title: First\ndate: 2025-07-01\n{DEFINE}"),
        "",
    );
    for (name, due) in [("morning", "2026-01-01"), ("evening", "2026-06-01")] {
        site.brief(
            name,
            &format!("title: {name}\ndate: 2025-07-11\ncommitments:\n  - id: c1\n    due: {due}"),
            "",
        );
    }
    let err = site.build_fails();
    assert_has(
        &err,
        &[
            "give commitment `c1` different due dates (`2026-06-01` and `2026-01-01`)",
            "content/briefs/evening.md",
            "content/briefs/morning.md",
        ],
    );
}
