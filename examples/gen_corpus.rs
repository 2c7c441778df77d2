//! A deterministic synthetic corpus of briefs, for benchmarks.
//!
//! `cargo run --release --example gen_corpus -- --briefs 10000 --out /dev/shm/corpus`
//! writes an Accord site: 60 parties, 30 topics, and N briefs of 600-900 words with headings,
//! paragraphs, a list, a table, a quotation, links and footnotes; 2-5 parties, 2-4 topics,
//! people, and 2-6 commitments whose ids recur across briefs with changing status. The same
//! arguments always give the same files.

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
fn body(rng: &mut Rng, parties: &[usize], topic: usize) -> String {
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
            party_id(parties[0])
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

/// Write the corpus. Returns the path of every brief, for benchmarks that edit one.
pub fn generate(out: &Path, briefs: usize) -> std::io::Result<Vec<PathBuf>> {
    let mut rng = Rng(0x5EED_ACC0);
    fs::create_dir_all(out.join("content/parties"))?;
    fs::create_dir_all(out.join("content/topics"))?;
    fs::write(
        out.join("accord.toml"),
        "title = \"Synthetic briefs\"\nbase_url = \"https://example.org/briefs/\"\n[options]\nper_page = 20\n",
    )?;
    for i in 0..PARTIES {
        let kind = if i % 10 == 9 { "organization" } else { "state" };
        let iso = format!(
            "{}{}",
            (b'A' + (i / 26) as u8) as char,
            (b'A' + (i % 26) as u8) as char
        );
        fs::write(
            out.join(format!("content/parties/{}.md", party_id(i))),
            format!(
                "---\nname: Party {i}\nkind: {kind}\nshort: P{i}\niso: {iso}\n---\nProfile of party {i}.\n"
            ),
        )?;
    }
    for i in 0..TOPICS {
        fs::write(
            out.join(format!("content/topics/{}.md", topic_id(i))),
            format!("---\nname: Topic {i}\ndescription: Things about topic {i}.\n---\n"),
        )?;
    }
    // Commitments recur: a pool of a third as many ids as briefs (at least 10).
    let pool = (briefs / 3).max(10);
    let mut defined = vec![false; pool];
    let mut paths = Vec::with_capacity(briefs);
    // One brief a day, ending in 2025: dates alone give the order, as the generator assumes
    // when it defines each commitment in its first brief.
    let start = jiff::civil::date(2025, 1, 1)
        .checked_sub(jiff::Span::new().days(briefs as i64))
        .unwrap_or(jiff::civil::date(1800, 1, 1));
    for i in 0..briefs {
        let date = start
            .checked_add(jiff::Span::new().days(i as i64))
            .unwrap_or(start);
        let n_parties = rng.between(2, 5);
        let parties = rng.pick(PARTIES, n_parties);
        let n_topics = rng.between(2, 4);
        let topics = rng.pick(TOPICS, n_topics);
        let mut fm = String::new();
        let _ = writeln!(
            fm,
            "title: Brief {i}, {}",
            sentence(&mut rng, 5).trim_end_matches('.')
        );
        let _ = writeln!(fm, "date: {date}");
        let _ = writeln!(fm, "summary: {}", sentence(&mut rng, 20));
        let _ = writeln!(fm, "event: Meeting {i}");
        let _ = writeln!(fm, "location: City {}", rng.below(200));
        let party_list: Vec<String> = parties.iter().map(|&p| party_id(p)).collect();
        let _ = writeln!(fm, "parties: [{}]", party_list.join(", "));
        let _ = writeln!(fm, "people:");
        for &p in parties.iter().take(3) {
            let _ = writeln!(
                fm,
                "  - name: Person {}\n    role: Minister\n    party: {}",
                rng.below(400),
                party_id(p)
            );
        }
        let topic_list: Vec<String> = topics.iter().map(|&t| topic_id(t)).collect();
        let _ = writeln!(fm, "topics: [{}]", topic_list.join(", "));
        let _ = writeln!(fm, "commitments:");
        let n_commitments = rng.between(2, 6);
        for c in rng.pick(pool, n_commitments) {
            let status = STATUSES[rng.below(STATUSES.len())];
            let _ = writeln!(fm, "  - id: c{c:05}\n    status: {status}");
            if !defined[c] {
                defined[c] = true;
                let _ = writeln!(fm, "    text: {}", sentence(&mut rng, 10));
                let _ = writeln!(fm, "    by: [{}]", party_list[..2].join(", "));
                let _ = writeln!(fm, "    topic: {}", topic_list[0]);
            }
        }
        let _ = writeln!(
            fm,
            "sources:\n  - title: Readout {i}\n    url: https://example.org/readout/{i}"
        );
        let text = format!("---\n{fm}---\n{}", body(&mut rng, &parties, topics[0]));
        let dir = out.join(format!("content/briefs/{}", date.year()));
        fs::create_dir_all(&dir)?;
        let path = dir.join(format!("brief-{i:06}.md"));
        fs::write(&path, text)?;
        paths.push(path);
    }
    Ok(paths)
}

#[allow(dead_code)]
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let briefs: usize = value("--briefs")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let out = PathBuf::from(value("--out").unwrap_or_else(|| "corpus".into()));
    if out.exists()
        && fs::read_dir(&out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false)
    {
        eprintln!(
            "error: {} exists and is not empty; pass a new directory",
            out.display()
        );
        std::process::exit(1);
    }
    match generate(&out, briefs) {
        Ok(paths) => println!("wrote {} briefs to {}", paths.len(), out.display()),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
