//! Rebuild after editing one brief, through the same code path `serve` uses, against a full
//! in-memory build of the same site. Prints a table; not a test.
//!
//! `cargo bench --bench rebuild` (10,000 briefs), or `-- --briefs N`.

#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use accord::build::BuildOptions;
use accord::rebuild::{Change, Rebuilder};

// The same allocator as the `accord` binary, whose `serve` this measures.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn scratch_dir() -> tempfile::TempDir {
    // Disk timings vary several-fold here; memory-backed storage keeps the figures comparable.
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        tempfile::tempdir_in(shm)
    } else {
        tempfile::tempdir()
    }
    .expect("temp dir")
}

fn edit(path: &Path, n: usize) {
    let mut text = std::fs::read_to_string(path).expect("read brief");
    text.push_str(&format!("\nEdit number {n} adds this sentence.\n"));
    std::fs::write(path, text).expect("write brief");
}

fn change(root: &Path, path: &Path) -> Change {
    let rel = path
        .strip_prefix(root)
        .unwrap()
        .to_string_lossy()
        .into_owned();
    Change {
        paths: BTreeSet::from([rel]),
        rescan: false,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let briefs = args
        .iter()
        .position(|a| a == "--briefs")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = scratch_dir();
    let root: PathBuf = dir.path().join("site");
    let paths = gen_corpus::generate(&root, briefs).expect("generate corpus");
    let options = BuildOptions {
        root: root.clone(),
        ..BuildOptions::default()
    };

    let mut full = Vec::new();
    let mut rebuilder = Rebuilder::new(options.clone());
    for _ in 0..3 {
        rebuilder = Rebuilder::new(options.clone());
        let t = Instant::now();
        let update = rebuilder.build_all().unwrap_or_else(|e| panic!("{e}"));
        full.push(t.elapsed());
        assert!(update.full);
    }
    let pages = rebuilder.output().map_or(0, |o| o.len());

    // A body edit of a brief in the middle of the site, and a later one's.
    let mut body_edits = Vec::new();
    let mut rendered = Vec::new();
    for n in 0..15 {
        let path = &paths[paths.len() / 2 + (n % 3)];
        edit(path, n);
        let t = Instant::now();
        let update = rebuilder
            .apply(&change(&root, path))
            .unwrap_or_else(|e| panic!("{e}"));
        body_edits.push(t.elapsed());
        rendered.push(update.rendered);
    }
    rendered.sort();

    // The newest brief, the one an author is most likely writing: it is also in the full-text
    // feeds of the site and of its parties and topics, which render its neighbours' bodies too.
    let newest = rebuilder
        .site()
        .and_then(|s| s.briefs.first())
        .map(|b| root.join(&b.source))
        .expect("a brief");
    let mut newest_edits = Vec::new();
    for n in 0..15 {
        edit(&newest, n);
        let t = Instant::now();
        rebuilder
            .apply(&change(&root, &newest))
            .unwrap_or_else(|e| panic!("{e}"));
        newest_edits.push(t.elapsed());
    }

    // A status change reaches the commitment's pages, its parties' records and the tracker:
    // the patch replays the commitment's timeline across the briefs naming it.
    let mut status_edits = Vec::new();
    for n in 0..15 {
        let path = &paths[paths.len() / 2];
        let text = std::fs::read_to_string(path).expect("read brief");
        let status = if n % 2 == 0 { "fulfilled" } else { "stalled" };
        let text: String = text
            .lines()
            .scan(false, |done, line| {
                Some(if !*done && line.starts_with("    status: ") {
                    *done = true;
                    format!("    status: {status}\n")
                } else {
                    format!("{line}\n")
                })
            })
            .collect();
        std::fs::write(path, text).expect("write brief");
        let t = Instant::now();
        let update = rebuilder
            .apply(&change(&root, path))
            .unwrap_or_else(|e| panic!("{e}"));
        status_edits.push(t.elapsed());
        assert!(!update.changed.is_empty());
    }

    // A brief's topics changed: its place in lists changes, so the site is resolved anew and
    // the record of what each page read chooses the pages to render.
    let mut topic_edits = Vec::new();
    let mut topic_rendered = Vec::new();
    let path = &paths[paths.len() / 3];
    let original = std::fs::read_to_string(path).expect("read brief");
    for n in 0..10 {
        let text: String = if n % 2 == 0 {
            original
                .lines()
                .map(|line| match line.starts_with("topics:") {
                    true => "topics: []\n".to_string(),
                    false => format!("{line}\n"),
                })
                .collect()
        } else {
            original.clone()
        };
        std::fs::write(path, text).expect("write brief");
        let t = Instant::now();
        let update = rebuilder
            .apply(&change(&root, path))
            .unwrap_or_else(|e| panic!("{e}"));
        topic_edits.push(t.elapsed());
        topic_rendered.push(update.rendered);
    }
    topic_rendered.sort();

    let full_median = median(full.clone());
    let edit_median = median(body_edits.clone());
    println!(
        "Accord rebuild benchmark: {briefs} briefs, {pages} output files, {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    println!("| what | runs | median ms | min ms | max ms |");
    println!("|---|---|---|---|---|");
    for (what, runs) in [
        ("full build (in memory)", &full),
        ("rebuild after editing one brief's text", &body_edits),
        (
            "rebuild after editing the newest brief's text",
            &newest_edits,
        ),
        (
            "rebuild after changing a commitment's status",
            &status_edits,
        ),
        (
            "rebuild after changing a brief's topics (resolved anew)",
            &topic_edits,
        ),
    ] {
        let min = runs.iter().min().copied().unwrap_or_default();
        let max = runs.iter().max().copied().unwrap_or_default();
        println!(
            "| {what} | {} | {} | {} | {} |",
            runs.len(),
            ms(median(runs.clone())),
            ms(min),
            ms(max)
        );
    }
    println!();
    println!(
        "one-brief rebuild re-renders {} pages (median) of {pages}; it is {:.0}x faster than a full build",
        rendered[rendered.len() / 2],
        full_median.as_secs_f64() / edit_median.as_secs_f64()
    );
    println!(
        "a change of topics re-renders {} pages (median)",
        topic_rendered[topic_rendered.len() / 2]
    );
}
