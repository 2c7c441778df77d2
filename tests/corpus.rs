//! The benchmark corpus (examples/gen_corpus.rs) and the floor (examples/floor.rs): the
//! generator is deterministic, its Accord and Hugo sites describe the same briefs, Accord
//! builds its site, and the floor renders every brief.

mod common;
#[path = "../examples/floor.rs"]
mod floor;
#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde::Deserialize;

#[derive(Clone, Debug, Deserialize, PartialEq)]
struct Person {
    name: String,
    role: String,
    party: String,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
struct Mention {
    id: String,
    status: String,
    text: Option<String>,
    by: Option<Vec<String>>,
    topic: Option<String>,
    due: Option<String>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
struct Source {
    title: String,
    url: String,
}

/// The front matter of a brief of either site. Unknown fields are errors, so a field that
/// one site has and the other lacks is caught.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Front {
    title: String,
    date: String,
    summary: String,
    event: String,
    location: String,
    parties: Vec<String>,
    people: Vec<Person>,
    topics: Vec<String>,
    commitments: Vec<Mention>,
    sources: Vec<Source>,
    /// Hugo's taxonomy of commitment ids; absent from the Accord site.
    commitment_ids: Option<Vec<String>>,
}

/// A brief file split into its parsed front matter and its body.
fn parse(path: &Path) -> (Front, String) {
    let text = fs::read_to_string(path).unwrap();
    let rest = text.strip_prefix("---\n").expect("front matter");
    let end = rest.find("\n---\n").expect("end of front matter");
    let front: Front = serde_saphyr::from_str(&rest[..end + 1])
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (front, rest[end + 5..].to_string())
}

/// Every brief of a site by file stem.
fn briefs(content: &Path) -> BTreeMap<String, (Front, String)> {
    walkdir::WalkDir::new(content.join("briefs"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let stem = e.path().file_stem().unwrap().to_string_lossy().into_owned();
            (stem, parse(e.path()))
        })
        .collect()
}

/// The text a reader sees of an Accord body: `[[p07]]` and `[[topic:t03]]` become the
/// registry names Accord shows for them.
fn accord_visible(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some(open) = rest.find("[[") {
        let close = open + rest[open..].find("]]").expect("closed reference");
        out.push_str(&rest[..open]);
        let target = &rest[open + 2..close];
        let id = target.strip_prefix("topic:").unwrap_or(target);
        let n: usize = id[1..].parse().unwrap();
        let kind = if target.starts_with("topic:") {
            "Topic"
        } else {
            "Party"
        };
        out.push_str(&format!("{kind} {n}"));
        rest = &rest[close + 2..];
    }
    out.push_str(rest);
    out
}

/// The same for a Hugo body: a link into the site, `[label](/briefs/...)`, becomes its label.
/// Returns the text and the link targets.
fn hugo_visible(body: &str) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut targets = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find("](/briefs/") {
        let open = rest[..at].rfind('[').expect("link label");
        let close = at + rest[at..].find(')').expect("link end");
        out.push_str(&rest[..open]);
        out.push_str(&rest[open + 1..at]);
        targets.push(rest[at + 2..close].to_string());
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    (out, targets)
}

fn generate_both(dir: &Path, n: usize) {
    gen_corpus::generate(&dir.join("accord"), n).unwrap();
    gen_corpus::generate_hugo(&dir.join("hugo"), n).unwrap();
}

#[test]
fn generating_twice_gives_identical_sites() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    generate_both(a.path(), 80);
    generate_both(b.path(), 80);
    for site in ["accord", "hugo"] {
        let first = common::snapshot(&a.path().join(site));
        let second = common::snapshot(&b.path().join(site));
        assert!(first.len() > 80, "{site}: only {} files", first.len());
        assert!(first == second, "{site}: the two corpora differ");
    }
}

#[test]
fn hugo_and_accord_sites_describe_the_same_briefs() {
    let dir = tempfile::tempdir().unwrap();
    let n = 150;
    generate_both(dir.path(), n);
    let accord = briefs(&dir.path().join("accord/content"));
    let hugo = briefs(&dir.path().join("hugo/content"));
    assert_eq!(accord.len(), n);
    assert_eq!(
        accord.keys().collect::<Vec<_>>(),
        hugo.keys().collect::<Vec<_>>()
    );
    let mut references = 0;
    for (stem, (a_front, a_body)) in &accord {
        let (h_front, h_body) = &hugo[stem];
        // Everything Accord reads is the same; Hugo has the commitment ids besides.
        let ids: Vec<String> = a_front.commitments.iter().map(|m| m.id.clone()).collect();
        assert_eq!(h_front.commitment_ids.as_ref(), Some(&ids), "{stem}");
        assert!(a_front.commitment_ids.is_none(), "{stem}");
        let mut h_front = h_front.clone();
        h_front.commitment_ids = None;
        assert_eq!(a_front, &h_front, "{stem}");
        // The same text, with the references as links to the same pages.
        let (h_text, targets) = hugo_visible(h_body);
        assert_eq!(accord_visible(a_body), h_text, "{stem}");
        assert!(a_body.contains("[[") && !h_body.contains("[["), "{stem}");
        for target in targets {
            let rel = target.trim_start_matches("/briefs/").trim_end_matches('/');
            let term = dir.path().join(format!("hugo/content/{rel}/_index.md"));
            assert!(term.is_file(), "{stem}: {target} has no term page");
            references += 1;
        }
    }
    assert!(references > n, "only {references} references");

    // The registries: a Hugo term page per party and topic, with Accord's name as its title.
    for (folder, count) in [
        ("parties", gen_corpus::PARTIES),
        ("topics", gen_corpus::TOPICS),
    ] {
        for i in 0..count {
            let id = format!("{}{i:02}", &folder[..1]);
            let accord =
                fs::read_to_string(dir.path().join(format!("accord/content/{folder}/{id}.md")))
                    .unwrap();
            let hugo = fs::read_to_string(
                dir.path()
                    .join(format!("hugo/content/{folder}/{id}/_index.md")),
            )
            .unwrap();
            let name = gen_corpus::registry_name(&id);
            assert!(accord.contains(&format!("\nname: {name}\n")), "{id}");
            assert!(hugo.contains(&format!("\ntitle: {name}\n")), "{id}");
        }
    }
}

#[test]
fn accord_builds_the_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let n = 120;
    gen_corpus::generate(&root, n).unwrap();
    let run = common::run_in(&root, &["build", "--quiet"]);
    assert!(run.ok(), "build failed:\n{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let pages = fs::read_dir(root.join("public/briefs")).unwrap().count();
    assert_eq!(pages, n);
    let brief = fs::read_to_string(root.join("public/briefs/brief-000007/index.html")).unwrap();
    assert!(brief.contains("<table>") && brief.contains("<blockquote>"));
    assert!(
        brief.contains("class=\"ref ref-party\""),
        "references resolved"
    );
}

/// The corpus is written the way desks write (three briefs a day, 2-6 commitments each, about
/// 2.4 new ids a brief, updates the same day and years later), and Accord builds it as
/// generated: same-day updates whose file names sort before their announcement's included.
#[test]
fn the_corpus_is_a_desks_archive_and_builds_as_generated() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    // Over a year of briefs, so that some updates come more than a year later.
    let n = 1200;
    gen_corpus::generate(&root, n).unwrap();
    let all = briefs(&root.join("content"));
    let day = |f: &Front| f.date[..10].to_string();
    // Where each id is defined: (date as written, file stem).
    let mut defined: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (stem, (front, _)) in &all {
        for m in front.commitments.iter().filter(|m| m.text.is_some()) {
            let first = defined.insert(m.id.clone(), (front.date.clone(), stem.clone()));
            assert!(first.is_none(), "{} defined twice", m.id);
        }
    }
    let (mut same_day_name_first, mut same_day_name_after, mut years_later) = (0, 0, 0);
    let mut per_day: BTreeMap<String, usize> = BTreeMap::new();
    for (stem, (front, _)) in &all {
        *per_day.entry(day(front)).or_default() += 1;
        assert!((2..=6).contains(&front.commitments.len()), "{stem}");
        for m in front.commitments.iter().filter(|m| m.text.is_none()) {
            let (date, by) = &defined[&m.id];
            if date[..10] == front.date[..10] {
                if stem < by {
                    same_day_name_first += 1;
                } else {
                    same_day_name_after += 1;
                }
            } else {
                let from: jiff::civil::Date = date[..10].parse().unwrap();
                let to: jiff::civil::Date = front.date[..10].parse().unwrap();
                if (to - from).get_days() > 365 {
                    years_later += 1;
                }
            }
        }
    }
    let ids_per_brief = defined.len() as f64 / n as f64;
    assert!(
        (2.2..2.6).contains(&ids_per_brief),
        "{ids_per_brief} ids a brief"
    );
    assert!(per_day.values().all(|&k| k <= 3) && per_day.len() == n / 3);
    eprintln!(
        "same day: {same_day_name_first} named first, {same_day_name_after} after; {years_later} years later"
    );
    assert!(same_day_name_first > 5, "{same_day_name_first}");
    assert!(same_day_name_after > 5, "{same_day_name_after}");
    // Updates pick any earlier id: at 1,200 briefs (400 days) few reach back over a year.
    assert!(years_later > 0, "{years_later}");
    assert!(all.values().any(|(f, _)| f.date.ends_with("+08:00")));
    assert!(all.values().any(|(f, _)| f.date.len() == 19));

    let run = common::run_in(&root, &["build", "--quiet"]);
    assert!(run.ok(), "build failed:\n{}", run.stderr);
    // Every commitment is on the tracker's list of all, 100 a page.
    let mut rows = 0;
    for n in 1..=defined.len().div_ceil(100) {
        let page = match n {
            1 => "public/commitments/all/index.html".to_string(),
            n => format!("public/commitments/all/page/{n}/index.html"),
        };
        let html = fs::read_to_string(root.join(page)).unwrap();
        rows += html.matches("<tr>").count() - 1;
    }
    assert_eq!(rows, defined.len());
}

#[test]
fn the_floor_renders_every_brief() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let out = dir.path().join("out");
    let n = 40;
    gen_corpus::generate(&root, n).unwrap();
    assert_eq!(floor::render_dir(&root.join("content"), &out).unwrap(), n);
    let written: Vec<_> = walkdir::WalkDir::new(&out)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .collect();
    assert_eq!(written.len(), n);
    let accord = briefs(&root.join("content"));
    for (stem, (front, body)) in accord {
        let html = fs::read_to_string(out.join(format!("briefs/{stem}/index.html"))).unwrap();
        // The body's text, not its front matter.
        let first_sentence = body
            .lines()
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .and_then(|l| l.split(". ").next())
            .unwrap();
        assert!(html.contains(first_sentence), "{stem}: {first_sentence}");
        assert!(
            !html.contains(&front.summary),
            "{stem}: front matter rendered"
        );
        for tag in [
            "<h2>",
            "<ul>",
            "<table>",
            "<blockquote>",
            "footnote-definition",
        ] {
            assert!(html.contains(tag), "{stem}: no {tag}");
        }
    }
}

#[test]
fn the_floor_strips_front_matter() {
    assert_eq!(
        floor::strip_front_matter("---\na: 1\n---\nBody\n"),
        "Body\n"
    );
    assert_eq!(
        floor::strip_front_matter("+++\na = 1\n+++\nBody\n"),
        "Body\n"
    );
    assert_eq!(floor::strip_front_matter("---\n---\nBody\n"), "Body\n");
    assert_eq!(floor::strip_front_matter("No front\n"), "No front\n");
}
