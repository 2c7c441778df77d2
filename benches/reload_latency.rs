//! From saving a brief to the new text visible in an open Chromium tab, end to end, on the
//! example site: `accord serve`, a real headless Chromium over chromedriver, the page never
//! reloaded by the benchmark. Prints a table; needs Debian's `chromium` and `chromium-driver`.
//!
//! `cargo bench --bench reload_latency` (20 edits), or `-- --edits N`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::browser::{Browser, Server};
use serde_json::json;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let edits: usize = args
        .iter()
        .position(|a| a == "--edits")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    // A copy of the example site, so the benchmark never touches the repository's files.
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("site");
    common::copy_example_site(&root);
    let brief = root.join("content/briefs/2025/kl-trilateral.md");
    let original = std::fs::read_to_string(&brief).expect("example brief");
    let server = Server::start_at(&root);
    let mut samples: Vec<Duration> = Vec::new();
    common::browser::runtime().block_on(async {
        let b = Browser::start().await;
        b.client
            .goto(&format!("{}briefs/kl-trilateral/", server.url))
            .await
            .expect("open the brief");
        for n in 0..edits {
            let marker = format!("Latency marker {n}");
            let started = Instant::now();
            std::fs::write(&brief, format!("{original}\n{marker}\n")).expect("write");
            let probe = format!("return document.body.innerText.includes({})", json!(marker));
            b.wait_for(&probe, "the edit", &server).await;
            samples.push(started.elapsed());
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
        b.stop().await;
    });
    samples.sort();
    let pick = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    let ms = |d: Duration| format!("{:.0}", d.as_secs_f64() * 1000.0);
    println!(
        "Accord live reload, example site, save to new text visible in Chromium ({edits} edits)"
    );
    println!();
    println!("| median ms | p90 ms | min ms | max ms |");
    println!("|---|---|---|---|");
    println!(
        "| {} | {} | {} | {} |",
        ms(pick(0.5)),
        ms(pick(0.9)),
        ms(samples[0]),
        ms(samples[samples.len() - 1])
    );
}
