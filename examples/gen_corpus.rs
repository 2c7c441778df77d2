//! A deterministic synthetic corpus of briefs, for benchmarks.
//!
//! `cargo run --release --example gen_corpus -- --briefs 10000 --out /dev/shm/corpus`
//! writes an Accord site: 60 parties, 30 topics, and N briefs of 600-900 words with headings,
//! paragraphs, a list, a table, a quotation, links and footnotes; 2-5 parties, 2-4 topics,
//! people, and 2-6 commitments, about 2.4 new commitment ids a brief, updated with changing
//! status the same day or years later. Three briefs a day, some with times (see
//! [`for_each_brief`]). The same arguments always give the same files.
//!
//! `--hugo DIR` also writes the same briefs as a Hugo site (see [`generate_hugo`]), for
//! `benches/compare.sh`; either of `--out` and `--hugo` may be given alone.

// Benchmarks and tests include this file as a module and use parts of it.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// A small deterministic generator (SplitMix64): the corpus must not depend on a seed source.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    /// `k` distinct indexes below `n`, sorted.
    fn pick(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::with_capacity(k);
        while out.len() < k {
            let i = self.below(n);
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out.sort_unstable();
        out
    }
}

const WORDS: &[&str] = &[
    "ministers",
    "agreed",
    "security",
    "cooperation",
    "regional",
    "dialogue",
    "framework",
    "supply",
    "chains",
    "maritime",
    "defence",
    "trade",
    "investment",
    "energy",
    "climate",
    "partnership",
    "talks",
    "delegation",
    "summit",
    "statement",
    "commitment",
    "review",
    "progress",
    "stability",
    "infrastructure",
    "technology",
    "exchange",
    "working",
    "group",
    "officials",
    "agenda",
    "priority",
    "implementation",
    "timeline",
    "funding",
    "capacity",
    "resilience",
    "coordination",
    "measures",
    "joint",
];

const STATUSES: &[&str] = &[
    "announced",
    "reaffirmed",
    "in-progress",
    "fulfilled",
    "stalled",
    "abandoned",
];

pub const PARTIES: usize = 60;
pub const TOPICS: usize = 30;

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        let w = WORDS[rng.below(WORDS.len())];
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

fn paragraph(rng: &mut Rng, words: &mut usize) -> String {
    let n = rng.between(3, 5);
    let mut p = Vec::new();
    for _ in 0..n {
        let len = rng.between(10, 18);
        *words += len;
        p.push(sentence(rng, len));
    }
    p.join(" ")
}

fn party_id(i: usize) -> String {
    format!("p{i:02}")
}

fn topic_id(i: usize) -> String {
    format!("t{i:02}")
}

/// The Markdown body of brief `i`: 600-900 words.
fn body(rng: &mut Rng, party: usize, topic: usize) -> String {
    let target = rng.between(600, 900);
    let mut words = 0;
    let mut out = String::new();
    let mut section = 0;
    while words < target {
        section += 1;
        let _ = writeln!(
            out,
            "## Section {section}: {}\n",
            sentence(rng, 3).trim_end_matches('.')
        );
        let _ = writeln!(
            out,
            "{} The talks involved [[{}]].\n",
            paragraph(rng, &mut words),
            party_id(party)
        );
        if section == 1 {
            for _ in 0..4 {
                let _ = writeln!(out, "- {}", sentence(rng, 6));
                words += 6;
            }
            let _ = writeln!(out, "\n| Area | Outcome |\n|---|---|");
            for _ in 0..3 {
                let _ = writeln!(
                    out,
                    "| {} | {} |",
                    WORDS[rng.below(WORDS.len())],
                    sentence(rng, 5)
                );
                words += 6;
            }
            out.push('\n');
        }
        if section == 2 {
            let _ = writeln!(out, "> {}\n", sentence(rng, 12));
            words += 12;
            let _ = writeln!(
                out,
                "See the [official readout](https://example.org/readout/{section}) and [[topic:{}]][^n{section}].\n\n[^n{section}]: {}\n",
                topic_id(topic),
                sentence(rng, 8)
            );
            words += 12;
        }
    }
    out
}

/// A person named by a brief.
pub struct Person {
    pub name: String,
    pub role: &'static str,
    pub party: String,
}

/// What the earliest brief naming a commitment says of it.
pub struct Definition {
    pub text: String,
    pub by: Vec<String>,
    pub topic: String,
    /// A deadline for a third of them, 6 to 36 months after the brief.
    pub due: Option<jiff::civil::Date>,
}

/// A commitment as one brief names it.
pub struct Mention {
    pub id: String,
    pub status: &'static str,
    /// Given in the first brief naming the id only.
    pub definition: Option<Definition>,
}

/// One brief, as both sites carry it.
pub struct Brief {
    pub index: usize,
    pub date: jiff::civil::Date,
    /// The time of day written after the date, if any (`13:30:00`, `12:00:00+08:00`).
    pub time: Option<&'static str>,
    pub title: String,
    pub summary: String,
    pub event: String,
    pub location: String,
    pub parties: Vec<String>,
    pub people: Vec<Person>,
    pub topics: Vec<String>,
    pub commitments: Vec<Mention>,
    pub source_title: String,
    pub source_url: String,
    /// Markdown, with Accord's `[[party]]` and `[[topic:id]]` references.
    pub body: String,
}

impl Brief {
    /// The file name without `.md`, which both sites use as the slug.
    pub fn stem(&self) -> String {
        format!("brief-{:06}", self.index)
    }

    /// The file as Accord reads it (YAML front matter, then the body).
    pub fn accord_text(&self) -> String {
        format!("---\n{}---\n{}", self.front_matter(), self.body)
    }

    /// Accord's front matter, without the `---` lines.
    fn front_matter(&self) -> String {
        let mut fm = String::new();
        let _ = writeln!(fm, "title: {}", self.title);
        match self.time {
            Some(time) => writeln!(fm, "date: {}T{time}", self.date),
            None => writeln!(fm, "date: {}", self.date),
        }
        .ok();
        let _ = writeln!(fm, "summary: {}", self.summary);
        let _ = writeln!(fm, "event: {}", self.event);
        let _ = writeln!(fm, "location: {}", self.location);
        let _ = writeln!(fm, "parties: [{}]", self.parties.join(", "));
        let _ = writeln!(fm, "people:");
        for p in &self.people {
            let _ = writeln!(
                fm,
                "  - name: {}\n    role: {}\n    party: {}",
                p.name, p.role, p.party
            );
        }
        let _ = writeln!(fm, "topics: [{}]", self.topics.join(", "));
        let _ = writeln!(fm, "commitments:");
        write_mentions(&mut fm, &self.commitments);
        let _ = writeln!(
            fm,
            "sources:\n  - title: {}\n    url: {}",
            self.source_title, self.source_url
        );
        fm
    }

    /// The file as Hugo reads it: the same front matter, plus `commitment_ids` (the
    /// commitments taxonomy: Hugo's taxonomies are lists of strings), and the same body with
    /// each `[[reference]]` written as the Markdown link Accord renders it to.
    pub fn hugo_text(&self) -> String {
        let mut fm = self.front_matter();
        let ids: Vec<&str> = self.commitments.iter().map(|m| m.id.as_str()).collect();
        let _ = writeln!(fm, "commitment_ids: [{}]", ids.join(", "));
        format!("---\n{fm}---\n{}", hugo_markdown(&self.body))
    }
}

fn write_mentions(fm: &mut String, mentions: &[Mention]) {
    for m in mentions {
        let _ = writeln!(fm, "  - id: {}\n    status: {}", m.id, m.status);
        if let Some(d) = &m.definition {
            let _ = writeln!(fm, "    text: {}", d.text);
            let _ = writeln!(fm, "    by: [{}]", d.by.join(", "));
            let _ = writeln!(fm, "    topic: {}", d.topic);
            if let Some(due) = d.due {
                let _ = writeln!(fm, "    due: {due}");
            }
        }
    }
}

/// The display name of a registry id (`p07` → `Party 7`, `t03` → `Topic 3`).
pub fn registry_name(id: &str) -> String {
    let n = registry_index(id);
    match &id[..1] {
        "p" => format!("Party {n}"),
        _ => format!("Topic {n}"),
    }
}

/// Accord's `[[p07]]` and `[[topic:t03]]` as plain Markdown links with the same label and
/// target Accord gives them (under the site's base path `/briefs/`).
pub fn hugo_markdown(body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 256);
    let mut rest = body;
    while let Some(open) = rest.find("[[") {
        let Some(close) = rest[open..].find("]]").map(|i| open + i) else {
            break;
        };
        out.push_str(&rest[..open]);
        let target = &rest[open + 2..close];
        let (section, id) = match target.strip_prefix("topic:") {
            Some(t) => ("topics", t),
            None => ("parties", target),
        };
        let _ = write!(out, "[{}](/briefs/{section}/{id}/)", registry_name(id));
        rest = &rest[close + 2..];
    }
    out.push_str(rest);
    out
}

/// The times of a day's three briefs, by the day's pattern (see [`for_each_brief`]).
const TIMES: [[Option<&str>; 3]; 3] = [
    [None, None, None],
    [Some("09:00:00"), Some("13:30:00"), Some("17:45:00")],
    [
        Some("08:30:00+08:00"),
        Some("12:00:00+08:00"),
        Some("16:15:00+08:00"),
    ],
];

/// Which commitments one brief names: new ids (defined there) and updates of earlier ones,
/// some made earlier the same day, most months or years before.
struct Commitments {
    /// Ids defined so far.
    count: usize,
    /// Ids defined today, by the day's briefs so far.
    defined_today: Vec<usize>,
    /// Ids updated today: on a day without times, a second update of one id the same day
    /// would give two statuses that nothing orders (an error), so there is none.
    updated_today: Vec<usize>,
}

impl Commitments {
    fn new_day(&mut self) {
        self.defined_today.clear();
        self.updated_today.clear();
    }

    /// The ids of one brief: `(id, defines)`. About 60 % of mentions define a new id, so a
    /// brief brings 2.4 new ids on average; a third of the rest update an id defined earlier
    /// that day when there is one.
    fn pick(&mut self, rng: &mut Rng, n: usize, timed: bool) -> Vec<(usize, bool)> {
        let mut out: Vec<(usize, bool)> = Vec::with_capacity(n);
        while out.len() < n {
            let taken = |id: usize, out: &[(usize, bool)]| out.iter().any(|&(o, _)| o == id);
            let update = if self.count > 0 && rng.below(5) >= 3 {
                let same_day = !self.defined_today.is_empty() && rng.below(3) == 0;
                (0..4).find_map(|_| {
                    let id = if same_day {
                        self.defined_today[rng.below(self.defined_today.len())]
                    } else {
                        rng.below(self.count)
                    };
                    let free = timed || !self.updated_today.contains(&id);
                    (free && !taken(id, &out)).then_some(id)
                })
            } else {
                None
            };
            match update {
                Some(id) => {
                    self.updated_today.push(id);
                    out.push((id, false));
                }
                None => {
                    let id = self.count;
                    self.count += 1;
                    self.defined_today.push(id);
                    out.push((id, true));
                }
            }
        }
        out
    }
}

/// Every brief of a corpus of `briefs`, handed to `each` in the order written (oldest first).
/// The same `briefs` always gives the same briefs.
///
/// Three briefs a day, ending in 2025, as a desk writes them: days alternate between dates
/// alone, times without an offset and times with `+08:00`. On days without times the file
/// names run against the order of writing (the morning's brief has the largest name), so
/// Accord's same-moment rule (a brief giving a commitment's text comes first) is what puts
/// a same-day update after its announcement.
pub fn for_each_brief(
    briefs: usize,
    mut each: impl FnMut(Brief) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut rng = Rng(0x5EED_ACC0);
    let mut ids = Commitments {
        count: 0,
        defined_today: Vec::new(),
        updated_today: Vec::new(),
    };
    let days = briefs.div_ceil(3);
    let start = jiff::civil::date(2025, 1, 1)
        .checked_sub(jiff::Span::new().days(days as i64))
        .unwrap_or(jiff::civil::date(1800, 1, 1));
    for i in 0..briefs {
        let (day, k) = (i / 3, i % 3);
        if k == 0 {
            ids.new_day();
        }
        let date = start
            .checked_add(jiff::Span::new().days(day as i64))
            .unwrap_or(start);
        let time = TIMES[day % 3][k];
        let index = if time.is_none() && 3 * day + 2 < briefs {
            3 * day + 2 - k
        } else {
            i
        };
        let n_parties = rng.between(2, 5);
        let parties: Vec<String> = rng
            .pick(PARTIES, n_parties)
            .into_iter()
            .map(party_id)
            .collect();
        let n_topics = rng.between(2, 4);
        let topic_indexes = rng.pick(TOPICS, n_topics);
        let topics: Vec<String> = topic_indexes.iter().map(|&t| topic_id(t)).collect();
        let title = format!(
            "Brief {index}, {}",
            sentence(&mut rng, 5).trim_end_matches('.')
        );
        let summary = sentence(&mut rng, 20);
        let location = format!("City {}", rng.below(200));
        let people = parties
            .iter()
            .take(3)
            .map(|p| Person {
                name: format!("Person {}", rng.below(400)),
                role: "Minister",
                party: p.clone(),
            })
            .collect();
        let n_commitments = rng.between(2, 6);
        let mut commitments = Vec::with_capacity(n_commitments);
        for (c, defines) in ids.pick(&mut rng, n_commitments, time.is_some()) {
            let status = STATUSES[rng.below(STATUSES.len())];
            let definition = defines.then(|| Definition {
                text: sentence(&mut rng, 10),
                by: parties[..2].to_vec(),
                topic: topics[0].clone(),
                due: (rng.below(3) == 0).then(|| {
                    let months = rng.between(6, 36) as i64;
                    date.checked_add(jiff::Span::new().months(months))
                        .unwrap_or(date)
                }),
            });
            commitments.push(Mention {
                id: format!("c{c:06}"),
                status,
                definition,
            });
        }
        let body = body(&mut rng, registry_index(&parties[0]), topic_indexes[0]);
        each(Brief {
            index,
            date,
            time,
            title,
            summary,
            event: format!("Meeting {index}"),
            location,
            parties,
            people,
            topics,
            commitments,
            source_title: format!("Readout {index}"),
            source_url: format!("https://example.org/readout/{index}"),
            body,
        })?;
    }
    Ok(())
}

/// `p07` → 7.
fn registry_index(id: &str) -> usize {
    id[1..].parse().unwrap_or(0)
}

/// Write the corpus as an Accord site. Returns the path of every brief, for benchmarks that
/// edit one.
pub fn generate(out: &Path, briefs: usize) -> std::io::Result<Vec<PathBuf>> {
    fs::create_dir_all(out.join("content/parties"))?;
    fs::create_dir_all(out.join("content/topics"))?;
    fs::write(
        out.join("accord.toml"),
        "title = \"Synthetic briefs\"\nbase_url = \"https://example.org/briefs/\"\n[options]\nper_page = 20\n",
    )?;
    for i in 0..PARTIES {
        let kind = if i % 10 == 9 { "organization" } else { "state" };
        fs::write(
            out.join(format!("content/parties/{}.md", party_id(i))),
            format!(
                "---\nname: Party {i}\nkind: {kind}\nshort: P{i}\niso: {}\n---\nProfile of party {i}.\n",
                iso(i)
            ),
        )?;
    }
    for i in 0..TOPICS {
        fs::write(
            out.join(format!("content/topics/{}.md", topic_id(i))),
            format!("---\nname: Topic {i}\ndescription: Things about topic {i}.\n---\n"),
        )?;
    }
    let mut paths = Vec::with_capacity(briefs);
    let mut year = None;
    for_each_brief(briefs, |brief| {
        let dir = out.join(format!("content/briefs/{}", brief.date.year()));
        if year != Some(brief.date.year()) {
            fs::create_dir_all(&dir)?;
            year = Some(brief.date.year());
        }
        let path = dir.join(format!("{}.md", brief.stem()));
        fs::write(&path, brief.accord_text())?;
        paths.push(path);
        Ok(())
    })?;
    Ok(paths)
}

fn iso(i: usize) -> String {
    format!(
        "{}{}",
        (b'A' + (i / 26) as u8) as char,
        (b'A' + (i % 26) as u8) as char
    )
}

/// Hugo's files besides the content: the configuration and templates doing the work Accord's
/// theme does (see `examples/hugo/`).
const HUGO_FILES: &[(&str, &str)] = &[
    ("hugo.toml", include_str!("hugo/hugo.toml")),
    (
        "layouts/baseof.html",
        include_str!("hugo/layouts/baseof.html"),
    ),
    ("layouts/home.html", include_str!("hugo/layouts/home.html")),
    ("layouts/page.html", include_str!("hugo/layouts/page.html")),
    ("layouts/term.html", include_str!("hugo/layouts/term.html")),
    (
        "layouts/taxonomy.html",
        include_str!("hugo/layouts/taxonomy.html"),
    ),
    ("layouts/404.html", include_str!("hugo/layouts/404.html")),
    ("layouts/rss.xml", include_str!("hugo/layouts/rss.xml")),
    (
        "layouts/_partials/brief_card.html",
        include_str!("hugo/layouts/_partials/brief_card.html"),
    ),
    (
        "layouts/_partials/status.html",
        include_str!("hugo/layouts/_partials/status.html"),
    ),
    (
        "layouts/_markup/render-heading.html",
        include_str!("hugo/layouts/_markup/render-heading.html"),
    ),
    (
        "content/commitment_ids/_index.md",
        include_str!("hugo/commitment_ids.md"),
    ),
    // The same stylesheets as Accord's default theme, so both outputs carry them.
    ("static/accord.css", include_str!("../static/accord.css")),
    (
        "static/accord-print.css",
        include_str!("../static/accord-print.css"),
    ),
];

/// Write the same corpus as a Hugo site: `parties` and `topics` are taxonomies whose term
/// pages (`content/parties/<id>/_index.md`) carry the registry, and the commitment ids a third
/// (`commitment_ids`, served under `/commitments/`), so that Hugo writes a page per commitment
/// and a tracker as Accord does. Briefs are `content/briefs/<stem>.md`, giving Accord's URLs.
pub fn generate_hugo(out: &Path, briefs: usize) -> std::io::Result<Vec<PathBuf>> {
    for (rel, text) in HUGO_FILES {
        let path = out.join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(path, text)?;
    }
    for i in 0..PARTIES {
        let kind = if i % 10 == 9 { "organization" } else { "state" };
        let dir = out.join(format!("content/parties/{}", party_id(i)));
        fs::create_dir_all(&dir)?;
        fs::write(
            dir.join("_index.md"),
            format!(
                "---\ntitle: Party {i}\nparams:\n  kind: {kind}\n  short: P{i}\n  iso: {}\n---\nProfile of party {i}.\n",
                iso(i)
            ),
        )?;
    }
    for i in 0..TOPICS {
        let dir = out.join(format!("content/topics/{}", topic_id(i)));
        fs::create_dir_all(&dir)?;
        fs::write(
            dir.join("_index.md"),
            format!("---\ntitle: Topic {i}\ndescription: Things about topic {i}.\n---\n"),
        )?;
    }
    let dir = out.join("content/briefs");
    fs::create_dir_all(&dir)?;
    let mut paths = Vec::with_capacity(briefs);
    for_each_brief(briefs, |brief| {
        let path = dir.join(format!("{}.md", brief.stem()));
        fs::write(&path, brief.hugo_text())?;
        paths.push(path);
        Ok(())
    })?;
    Ok(paths)
}

fn usage_error(message: &str) -> ! {
    eprintln!("error: {message}");
    eprintln!("usage: gen_corpus [--briefs N] [--out DIR] [--hugo DIR]");
    std::process::exit(2);
}

fn check_empty(dir: &Path) {
    if dir.exists()
        && fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false)
    {
        eprintln!(
            "error: {} exists and is not empty; pass a new directory",
            dir.display()
        );
        std::process::exit(1);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("usage: gen_corpus [--briefs N] [--out DIR] [--hugo DIR]");
        return;
    }
    // Every argument is a known flag followed by its value: a typo must not write a corpus.
    let mut values = std::collections::HashMap::new();
    let mut rest = args.iter().skip(1);
    while let Some(flag) = rest.next() {
        if !["--briefs", "--out", "--hugo"].contains(&flag.as_str()) {
            usage_error(&format!("unknown argument {flag}"));
        }
        match rest.next() {
            Some(v) if !v.starts_with("--") => {
                if values.insert(flag.as_str(), v.clone()).is_some() {
                    usage_error(&format!("{flag} given twice"));
                }
            }
            _ => usage_error(&format!("{flag} needs a value")),
        }
    }
    let value = |flag: &str| values.get(flag).cloned();
    let briefs: usize = match value("--briefs") {
        Some(v) => v
            .parse()
            .unwrap_or_else(|_| usage_error(&format!("--briefs {v}: not a number"))),
        None => 1000,
    };
    let hugo = value("--hugo").map(PathBuf::from);
    // As before `--hugo` existed: without either flag, the Accord site goes to `corpus`.
    let out = match (value("--out"), &hugo) {
        (Some(o), _) => Some(PathBuf::from(o)),
        (None, Some(_)) => None,
        (None, None) => Some(PathBuf::from("corpus")),
    };
    for dir in out.iter().chain(hugo.iter()) {
        check_empty(dir);
    }
    let result = (|| {
        if let Some(out) = &out {
            let paths = generate(out, briefs)?;
            println!("wrote {} briefs to {} (Accord)", paths.len(), out.display());
        }
        if let Some(hugo) = &hugo {
            let paths = generate_hugo(hugo, briefs)?;
            println!("wrote {} briefs to {} (Hugo)", paths.len(), hugo.display());
        }
        std::io::Result::Ok(())
    })();
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
