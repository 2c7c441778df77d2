//! Hundreds of random edits of every kind a desk makes, each followed by the rebuild `serve`
//! does and compared byte for byte with a cold build of the same files.
//!
//! The generator is our own and seeded: a failure prints the seed, the step and the edit, and
//! `ACCORD_EDIT_SEED=<seed> ACCORD_EDITS=<n> cargo test --test random_edits` replays it. An
//! edit may make the site invalid (an update dated before the brief that defines its
//! commitment, a reference to a deleted brief's commitment): then the rebuild and the cold
//! build must both fail, and the edit is undone, which must bring both back.

mod common;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use accord::build::{self, BuildOptions};
use accord::rebuild::{Change, Rebuilder};
use common::Site;

const STATUSES: &[&str] = &[
    "announced",
    "reaffirmed",
    "in-progress",
    "fulfilled",
    "stalled",
    "abandoned",
];
const PARTIES: &[&str] = &["us", "jp", "kr", "asean", "my", "cn"];
const TOPICS: &[&str] = &["defense", "trade", "climate"];
const PEOPLE: &[&str] = &[
    "Iwaya Takeshi",
    "Takeshi Iwaya",
    "Marco Rubio",
    "Penny Wong",
    "Cho Tae-yul",
    "Anwar Ibrahim",
];
const ROLES: &[&str] = &["Foreign Minister", "Secretary of State", "Prime Minister"];

/// splitmix64: small, seeded, and the same on every machine.
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
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Between one and `most` distinct items, in the order given.
    fn some<T: Clone>(&mut self, items: &[T], most: usize) -> Vec<T> {
        let n = 1 + self.below(most.min(items.len()));
        let mut chosen: BTreeSet<usize> = BTreeSet::new();
        while chosen.len() < n {
            chosen.insert(self.below(items.len()));
        }
        chosen.into_iter().map(|i| items[i].clone()).collect()
    }
}

#[derive(Clone, Debug)]
enum Said {
    /// The brief that names a commitment first gives its text.
    Defines {
        id: String,
        text: String,
        by: Vec<String>,
        topic: Option<String>,
        due: Option<String>,
        status: Option<String>,
    },
    Updates {
        id: String,
        status: Option<String>,
        note: Option<String>,
    },
}

impl Said {
    fn id(&self) -> &str {
        match self {
            Said::Defines { id, .. } | Said::Updates { id, .. } => id,
        }
    }
}

#[derive(Clone, Debug)]
struct Brief {
    file: String,
    title: String,
    day: u32,
    time: Option<(u32, u32)>,
    summary: Option<String>,
    parties: Vec<String>,
    topics: Vec<String>,
    people: Vec<(String, Option<String>, Option<String>)>,
    said: Vec<Said>,
    body: String,
    aliases: Vec<String>,
    draft: bool,
}

impl Brief {
    fn path(&self) -> String {
        format!("content/briefs/{}.md", self.file)
    }

    /// The date: day `day` counted from 1 January 2024.
    fn date(&self) -> String {
        let date = jiff::civil::date(2024, 1, 1)
            .checked_add(jiff::Span::new().days(i64::from(self.day)))
            .expect("a date in range");
        match self.time {
            Some((h, m)) => format!("{date}T{h:02}:{m:02}"),
            None => date.to_string(),
        }
    }

    fn text(&self) -> String {
        let mut s = String::from("---\n");
        let _ = writeln!(s, "title: \"{}\"", self.title);
        let _ = writeln!(s, "date: {}", self.date());
        if let Some(summary) = &self.summary {
            let _ = writeln!(s, "summary: \"{summary}\"");
        }
        let _ = writeln!(s, "parties: [{}]", self.parties.join(", "));
        let _ = writeln!(s, "topics: [{}]", self.topics.join(", "));
        if self.draft {
            s.push_str("draft: true\n");
        }
        if !self.aliases.is_empty() {
            let _ = writeln!(s, "aliases: [{}]", self.aliases.join(", "));
        }
        if !self.people.is_empty() {
            s.push_str("people:\n");
            for (name, role, party) in &self.people {
                let _ = writeln!(s, "  - name: {name}");
                field(&mut s, "role", role);
                field(&mut s, "party", party);
            }
        }
        s.push_str("commitments:\n");
        if self.said.is_empty() {
            s.push_str("  []\n");
        }
        for said in &self.said {
            match said {
                Said::Defines {
                    id,
                    text,
                    by,
                    topic,
                    due,
                    status,
                } => {
                    let _ = writeln!(s, "  - id: {id}\n    text: \"{text}\"");
                    let _ = writeln!(s, "    by: [{}]", by.join(", "));
                    field(&mut s, "topic", topic);
                    field(&mut s, "due", due);
                    field(&mut s, "status", status);
                }
                Said::Updates { id, status, note } => {
                    let _ = writeln!(s, "  - id: {id}");
                    field(&mut s, "status", status);
                    if let Some(note) = note {
                        let _ = writeln!(s, "    note: \"{note}\"");
                    }
                }
            }
        }
        s.push_str("---\n");
        s.push_str(&self.body);
        s.push('\n');
        s
    }
}

/// `    key: value` under a list item of the front matter, when there is a value.
fn field(s: &mut String, key: &str, value: &Option<String>) {
    if let Some(value) = value {
        let _ = writeln!(s, "    {key}: {value}");
    }
}

/// The whole site as the generator sees it; files are written from it.
struct World {
    rng: Rng,
    briefs: Vec<Brief>,
    next_brief: usize,
    next_commitment: usize,
    words: usize,
}

impl World {
    fn new(seed: u64) -> World {
        let mut world = World {
            rng: Rng(seed),
            briefs: Vec::new(),
            next_brief: 0,
            next_commitment: 0,
            words: 0,
        };
        // The first briefs on days of their own, so that the first build is valid.
        for i in 0..12 {
            let day = 50 * i + world.rng.below(50) as u32;
            let b = world.new_brief_on(day);
            world.briefs.push(b);
        }
        world
    }

    fn word(&mut self) -> String {
        self.words += 1;
        format!("w{}", self.words)
    }

    /// Commitments defined by briefs dated before `day` (excluding drafts).
    fn defined_before(&self, day: u32) -> Vec<String> {
        self.briefs
            .iter()
            .filter(|b| b.day < day && !b.draft)
            .flat_map(|b| b.said.iter())
            .filter(|s| matches!(s, Said::Defines { .. }))
            .map(|s| s.id().to_string())
            .collect()
    }

    fn new_brief(&mut self) -> Brief {
        let day = self.rng.below(600) as u32;
        self.new_brief_on(day)
    }

    fn new_brief_on(&mut self, day: u32) -> Brief {
        let n = self.next_brief;
        self.next_brief += 1;
        let parties = self.rng.some(PARTIES, 3);
        let parties: Vec<String> = parties.into_iter().map(String::from).collect();
        let topics: Vec<String> = if self.rng.chance(80) {
            self.rng
                .some(TOPICS, 2)
                .into_iter()
                .map(String::from)
                .collect()
        } else {
            Vec::new()
        };
        let mut said = Vec::new();
        for _ in 0..self.rng.below(3) {
            said.push(self.new_commitment(&parties));
        }
        let earlier = self.defined_before(day);
        if !earlier.is_empty() {
            for _ in 0..self.rng.below(3) {
                let id = self.rng.pick(&earlier).clone();
                if said.iter().all(|s| s.id() != id) {
                    let status = Some(self.rng.pick(STATUSES).to_string());
                    said.push(Said::Updates {
                        id,
                        status,
                        note: None,
                    });
                }
            }
        }
        let people = (0..self.rng.below(3))
            .map(|_| {
                (
                    self.rng.pick(PEOPLE).to_string(),
                    self.rng
                        .chance(70)
                        .then(|| self.rng.pick(ROLES).to_string()),
                    self.rng.chance(50).then(|| self.rng.pick(&parties).clone()),
                )
            })
            .collect::<Vec<_>>();
        let mut people_unique = Vec::new();
        for p in people {
            if people_unique
                .iter()
                .all(|(n, _, _): &(String, _, _)| *n != p.0)
            {
                people_unique.push(p);
            }
        }
        let body = self.body(&parties);
        Brief {
            file: format!("b{n:02}"),
            title: format!("Brief {n} {}", self.word()),
            day,
            time: self.rng.chance(20).then(|| (self.rng.below(24) as u32, 30)),
            summary: self.rng.chance(50).then(|| format!("Summary {}", n)),
            parties,
            topics,
            people: people_unique,
            said,
            body,
            aliases: Vec::new(),
            draft: false,
        }
    }

    fn new_commitment(&mut self, parties: &[String]) -> Said {
        let n = self.next_commitment;
        self.next_commitment += 1;
        let word = self.word();
        Said::Defines {
            id: format!("c{n}"),
            text: format!("Commit to {word}"),
            by: self.rng.some(parties, 2),
            topic: self
                .rng
                .chance(60)
                .then(|| self.rng.pick(TOPICS).to_string()),
            due: self
                .rng
                .chance(40)
                .then(|| format!("2025-{:02}-01", 1 + self.rng.below(12))),
            status: self
                .rng
                .chance(30)
                .then(|| self.rng.pick(STATUSES).to_string()),
        }
    }

    fn body(&mut self, parties: &[String]) -> String {
        let mut body = format!("Paragraph {} with [[{}]].", self.word(), parties[0]);
        if self.rng.chance(40) {
            let _ = write!(body, " See [[topic:{}]].", self.rng.pick(TOPICS));
        }
        if self.rng.chance(30) {
            let defined: Vec<String> = self.defined_before(u32::MAX);
            if !defined.is_empty() {
                let _ = write!(body, " Recall [[commitment:{}]].", self.rng.pick(&defined));
            }
        }
        if self.rng.chance(30) {
            let _ = write!(body, "\n\n## Heading {}\n\nMore text.", self.word());
        }
        body
    }
}

/// One edit: files written (with their text) or removed, and what it was, for messages.
struct Edit {
    what: String,
    writes: Vec<(String, Option<String>)>,
}

fn default_template(name: &str) -> String {
    let path = format!("{}/templates/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The default `name` with `extra` put at the start of its content block (or, for the base
/// template, before it).
fn template_with(name: &str, extra: &str) -> String {
    let text = default_template(name);
    let anchor = "{% block content %}";
    let at = text
        .find(anchor)
        .unwrap_or_else(|| panic!("{name} has no content block"));
    let at = if name == "base.html" {
        at
    } else {
        at + anchor.len()
    };
    format!("{}{extra}{}", &text[..at], &text[at..])
}

const QUERIES: &[&str] = &[
    r#"<p class="q">{% for b in get_briefs(party="jp", limit=3) %}{{ b.title }};{% endfor %}</p>"#,
    r#"<p class="q">{% for c in get_commitments(status="stalled") %}{{ c.id }} {{ c.text }};{% endfor %}</p>"#,
    r#"<p class="q">{{ get_party(id="kr").name }} {{ get_topic(id="trade").name }}</p>"#,
    r#"<p class="q">{% for b in get_briefs(topic="defense") %}{{ b.title }}{% endfor %}</p>"#,
];
fn query(rng: &mut Rng) -> &'static str {
    QUERIES[rng.below(QUERIES.len())]
}

const PLAIN: &str = r#"<p class="plain">A note of the desk.</p>"#;

impl World {
    fn brief_index(&mut self) -> usize {
        self.rng.below(self.briefs.len())
    }

    fn write_brief(&self, i: usize) -> (String, Option<String>) {
        let b = &self.briefs[i];
        (b.path(), Some(b.text()))
    }

    /// Change the world at random; the files to write.
    fn edit(&mut self) -> Edit {
        let kind = self.rng.below(100);
        let i = self.brief_index();
        let mut what;
        let mut writes = Vec::new();
        match kind {
            0..=11 => {
                // A status given, changed or dropped.
                let status = self
                    .rng
                    .chance(80)
                    .then(|| self.rng.pick(STATUSES).to_string());
                let b = &mut self.briefs[i];
                what = format!("status of a commitment in {} → {status:?}", b.file);
                match b.said.first_mut() {
                    Some(Said::Defines { status: s, .. } | Said::Updates { status: s, .. }) => {
                        *s = status;
                    }
                    None => what.push_str(" (none: no change)"),
                }
                writes.push(self.write_brief(i));
            }
            12..=19 => {
                let word = self.word();
                self.briefs[i].title = format!("Retitled {word}");
                what = format!("title of {}", self.briefs[i].file);
                writes.push(self.write_brief(i));
            }
            20..=29 => {
                let parties = self.briefs[i].parties.clone();
                self.briefs[i].body = self.body(&parties);
                what = format!("body of {}", self.briefs[i].file);
                writes.push(self.write_brief(i));
            }
            30..=36 => {
                let day = self.rng.below(600) as u32;
                let time = self.rng.chance(30).then(|| (self.rng.below(24) as u32, 0));
                let b = &mut self.briefs[i];
                b.day = day;
                b.time = time;
                what = format!("date of {} → {}", b.file, b.date());
                writes.push(self.write_brief(i));
            }
            37..=41 => {
                let topics = if self.rng.chance(80) {
                    self.rng
                        .some(TOPICS, 2)
                        .into_iter()
                        .map(String::from)
                        .collect()
                } else {
                    Vec::new()
                };
                self.briefs[i].topics = topics;
                what = format!("topics of {}", self.briefs[i].file);
                writes.push(self.write_brief(i));
            }
            42..=46 => {
                let due = self
                    .rng
                    .chance(70)
                    .then(|| format!("2025-{:02}-15", 1 + self.rng.below(12)));
                let b = &mut self.briefs[i];
                what = format!("due date in {} → {due:?}", b.file);
                if let Some(Said::Defines { due: d, .. }) = b
                    .said
                    .iter_mut()
                    .find(|s| matches!(s, Said::Defines { .. }))
                {
                    *d = due;
                }
                writes.push(self.write_brief(i));
            }
            47..=51 => {
                let role = self
                    .rng
                    .chance(80)
                    .then(|| self.rng.pick(ROLES).to_string());
                let name = self.rng.pick(PEOPLE).to_string();
                let b = &mut self.briefs[i];
                what = format!("role of {name} in {} → {role:?}", b.file);
                match b.people.iter_mut().find(|p| p.0 == name) {
                    Some(p) => p.1 = role,
                    None => b.people.push((name, role, None)),
                }
                writes.push(self.write_brief(i));
            }
            52..=55 => {
                let party = *self.rng.pick(PARTIES);
                let word = self.word();
                what = format!("name of party {party}");
                writes.push((
                    format!("content/parties/{party}.md"),
                    Some(party_file(party, &format!("Party {word}"))),
                ));
            }
            56..=62 => {
                let b = self.new_brief();
                what = format!("new brief {}", b.file);
                self.briefs.push(b);
                writes.push(self.write_brief(self.briefs.len() - 1));
            }
            63..=66 => {
                let old = self.briefs[i].path();
                let n = self.next_brief;
                self.next_brief += 1;
                self.briefs[i].file = format!("renamed{n}");
                what = format!("rename {old} → {}", self.briefs[i].path());
                writes.push((old, None));
                writes.push(self.write_brief(i));
            }
            67..=70 if self.briefs.len() > 4 => {
                let b = self.briefs.remove(i);
                what = format!("delete {}", b.file);
                writes.push((b.path(), None));
            }
            71..=80 => {
                let name = *self.rng.pick(&[
                    "brief.html",
                    "party.html",
                    "base.html",
                    "commitment.html",
                    "index.html",
                    "tracker_row.html",
                ]);
                let path = format!("templates/{name}");
                let text = match self.rng.below(3) {
                    0 => None,
                    1 if name == "tracker_row.html" => Some(
                        r#"<tr data-row="{{ c.id }}"><td>{{ c.text }}</td><td>{% for b in get_briefs(party="us", limit=2) %}{{ b.title }};{% endfor %}</td></tr>"#
                            .to_string(),
                    ),
                    1 => Some(template_with(name, query(&mut self.rng))),
                    _ if name == "tracker_row.html" => Some(
                        r#"<tr data-row="{{ c.id }}"><td>{{ c.text }} · {{ c.status.label }}</td></tr>"#
                            .to_string(),
                    ),
                    _ => Some(template_with(name, PLAIN)),
                };
                what = format!(
                    "template {name}: {}",
                    match &text {
                        None => "back to the default".to_string(),
                        Some(t) if t.contains("get_") => "queries the site".to_string(),
                        Some(_) => "plain override".to_string(),
                    }
                );
                writes.push((path, text));
            }
            81..=84 => {
                let (path, text) = match self.rng.below(3) {
                    0 => (
                        "static/extra.css",
                        Some(format!("p {{ color: #{:03} }}", self.rng.below(999))),
                    ),
                    1 => ("static/notes.txt", Some(format!("notes {}", self.word()))),
                    _ => ("static/notes.txt", None),
                };
                what = format!("static file {path}");
                writes.push((path.to_string(), text));
            }
            85..=87 => {
                let word = self.word();
                let per_page = 1 + self.rng.below(3);
                what = format!("accord.toml: title, per_page = {per_page}");
                writes.push(("accord.toml".into(), Some(config(&word, per_page))));
            }
            88..=90 => {
                let aliases = if self.rng.chance(50) {
                    "[Takeshi Iwaya]"
                } else {
                    "[]"
                };
                what = format!("person registry: aliases {aliases}");
                writes.push((
                    "content/people/iwaya-takeshi.md".into(),
                    Some(format!(
                        "---\nname: Iwaya Takeshi\nnative: 岩屋毅\naliases: {aliases}\n---\nProfile {}.\n",
                        self.word()
                    )),
                ));
            }
            91..=93 => {
                let summary = self
                    .rng
                    .chance(70)
                    .then(|| format!("New summary {}", self.word()));
                self.briefs[i].summary = summary;
                what = format!("summary of {}", self.briefs[i].file);
                writes.push(self.write_brief(i));
            }
            94..=95 => {
                self.briefs[i].draft = !self.briefs[i].draft;
                what = format!(
                    "draft of {} → {}",
                    self.briefs[i].file, self.briefs[i].draft
                );
                writes.push(self.write_brief(i));
            }
            96..=97 => {
                let word = self.word();
                let b = &mut self.briefs[i];
                b.aliases = if b.aliases.is_empty() {
                    vec![format!("old/{word}/")]
                } else {
                    Vec::new()
                };
                what = format!("aliases of {}", b.file);
                writes.push(self.write_brief(i));
            }
            _ => {
                let word = self.word();
                let topic = *self.rng.pick(TOPICS);
                what = format!("topic {topic} renamed");
                writes.push((
                    format!("content/topics/{topic}.md"),
                    Some(format!("---\nname: Topic {word}\n---\nAbout {topic}.\n")),
                ));
            }
        }
        Edit { what, writes }
    }
}

fn party_file(id: &str, name: &str) -> String {
    let kind = if id == "asean" {
        "organization"
    } else {
        "state"
    };
    format!("---\nname: {name}\nkind: {kind}\n---\nProfile of {id}.\n")
}

fn config(title: &str, per_page: usize) -> String {
    format!(
        "title = \"Desk {title}\"\nbase_url = \"https://org.github.io/briefs/\"\n[options]\nper_page = {per_page}\n"
    )
}

fn options(site: &Site) -> BuildOptions {
    BuildOptions {
        root: site.root().to_path_buf(),
        today: Some(jiff::civil::date(2025, 6, 1)),
        ..BuildOptions::default()
    }
}

/// Write (or remove) the files of an edit; what they held before, to undo it.
fn apply_files(site: &Site, writes: &[(String, Option<String>)]) -> Vec<(String, Option<String>)> {
    let mut before = Vec::new();
    for (path, text) in writes {
        before.push((path.clone(), std::fs::read_to_string(site.path(path)).ok()));
        match text {
            Some(text) => {
                site.write(path, text);
            }
            None => {
                let _ = std::fs::remove_file(site.path(path));
            }
        }
    }
    before.reverse();
    before
}

fn change_of(writes: &[(String, Option<String>)]) -> Change {
    Change {
        paths: writes.iter().map(|(p, _)| p.clone()).collect(),
        rescan: false,
    }
}

/// The cold build of the site's files as they are now: its output, or its errors.
fn cold(site: &Site) -> Result<accord::output::Output, String> {
    let sources = accord::content::load(site.root()).map_err(|e| e.to_string())?;
    build::generate(&sources, &options(site))
        .map(|g| g.output)
        .map_err(|e| e.to_string())
}

/// Build the site anew and check the rebuild against it: whether the rebuild was full, or
/// `Err` when both failed.
fn check_step(
    site: &Site,
    rb: &mut Rebuilder,
    change: &Change,
    context: &dyn Fn() -> String,
) -> Result<bool, ()> {
    let before = rb.output().cloned();
    let rebuilt = rb.apply(change);
    let cold = cold(site);
    match (rebuilt, cold) {
        (Ok(update), Ok(full)) => {
            let partial = rb.output().expect("an output after a good rebuild");
            let differ = partial.diff(&full);
            assert!(
                differ.is_empty(),
                "{}\nthe rebuild differs from a cold build in {differ:?}",
                context()
            );
            // What `serve` tells browsers to reload: every file that changed, at least.
            if let Some(before) = before {
                let missed: Vec<String> = before
                    .diff(partial)
                    .difference(&update.changed)
                    .cloned()
                    .collect();
                assert!(
                    missed.is_empty(),
                    "{}\nchanged files not reported as changed: {missed:?}",
                    context()
                );
            }
            Ok(update.full)
        }
        (Err(_), Err(_)) => Err(()),
        (Ok(_), Err(e)) => panic!(
            "{}\nthe rebuild succeeded but a cold build fails:\n{e}",
            context()
        ),
        (Err(e), Ok(_)) => panic!(
            "{}\nthe rebuild fails but a cold build succeeds:\n{e}",
            context()
        ),
    }
}

fn run_edits(seed: u64, edits: usize) {
    let site = Site::bare();
    let mut world = World::new(seed);
    site.write("accord.toml", &config("start", 2));
    for id in PARTIES {
        site.write(
            &format!("content/parties/{id}.md"),
            &party_file(id, &id.to_uppercase()),
        );
    }
    for id in TOPICS {
        site.write(
            &format!("content/topics/{id}.md"),
            &format!("---\nname: {id}\n---\n"),
        );
    }
    site.write(
        "content/people/iwaya-takeshi.md",
        "---\nname: Iwaya Takeshi\nnative: 岩屋毅\naliases: []\n---\nProfile.\n",
    );
    for i in 0..world.briefs.len() {
        let (path, text) = world.write_brief(i);
        site.write(&path, &text.expect("a brief's text"));
    }
    let mut rb = Rebuilder::new(options(&site));
    rb.build_all()
        .unwrap_or_else(|e| panic!("seed {seed}: the first build failed:\n{e}"));
    let mut history: Vec<String> = Vec::new();
    let (mut undone, mut partial) = (0, 0);
    for step in 0..edits {
        let saved = world.briefs.clone();
        let edit = world.edit();
        history.push(edit.what.clone());
        let context = || {
            format!(
                "seed {seed}, step {step}: {}\n(replay: ACCORD_EDIT_SEED={seed} ACCORD_EDITS={})\nlast edits: {:?}",
                edit.what,
                step + 1,
                &history[history.len().saturating_sub(6)..]
            )
        };
        let undo = apply_files(&site, &edit.writes);
        let checked = check_step(&site, &mut rb, &change_of(&edit.writes), &context);
        partial += usize::from(checked == Ok(false));
        if checked.is_err() {
            undone += 1;
            // Both failed: undo the edit in the files and the world, which must bring both back.
            apply_files(&site, &undo);
            world.briefs = saved;
            check_step(&site, &mut rb, &change_of(&undo), &|| {
                format!("{} (undone)", context())
            })
            .unwrap_or_else(|()| panic!("{}\nundoing the edit did not fix the build", context()));
        }
    }
    eprintln!(
        "seed {seed}: {edits} edits, {partial} rebuilt in part, {undone} failed in both and undone"
    );
}

fn seeds() -> Vec<(u64, usize)> {
    match std::env::var("ACCORD_EDIT_SEED") {
        Ok(seed) => {
            let edits = std::env::var("ACCORD_EDITS")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(100);
            vec![(seed.parse().expect("ACCORD_EDIT_SEED is a number"), edits)]
        }
        Err(_) => vec![(1, 100), (2, 100), (3, 100)],
    }
}

#[test]
fn hundreds_of_random_edits_rebuild_as_a_cold_build_does() {
    for (seed, edits) in seeds() {
        run_edits(seed, edits);
    }
}
