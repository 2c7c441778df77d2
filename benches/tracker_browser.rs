//! The commitment tracker in a real headless Chromium, on generated archives (see
//! examples/gen_corpus.rs) served by `accord serve` under `/briefs/`: the overview's first
//! contentful paint and bytes, a static list page's, and the time from choosing a filter to
//! its result on screen, with the bytes that filter read. Prints a table; needs Debian's
//! `chromium` and `chromium-driver`.
//!
//! `cargo bench --bench tracker_browser` (1,000 and 10,000 briefs: about 2,500 and 25,000
//! commitments), or `-- --briefs 1000,10000 --runs 3`.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

use std::time::Duration;

use common::browser::{Browser, Server};
use serde_json::{Value, json};

/// The filters measured, as the tracker's address gives them.
const FILTERS: &[(&str, &str)] = &[
    ("party", "party=p07"),
    ("status", "status=fulfilled"),
    ("status, page 3", "status=stalled&page=3"),
    ("word", "q=resilience"),
    ("party, topic, words", "party=p03&topic=t05&q=energy%20sup"),
    ("overdue, by due date", "overdue=1&sort=due"),
    ("all, by text", "sort=text"),
    ("all, most briefs, reversed", "sort=mentions&reverse=1"),
];

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let sizes: Vec<usize> = arg("--briefs")
        .unwrap_or_else(|| "1000,10000".into())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    let runs: usize = arg("--runs").and_then(|r| r.parse().ok()).unwrap_or(3);
    println!(
        "| briefs | commitments | page or filter | first contentful paint / time to result (median of {runs}) | bytes transferred | requests |"
    );
    println!("|---|---|---|---|---|---|");
    for briefs in sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        gen_corpus::generate(dir.path(), briefs).expect("generate the archive");
        // Search indexing would run in the background during the measurements.
        let config = dir.path().join("accord.toml");
        let text = std::fs::read_to_string(&config).expect("config");
        std::fs::write(
            &config,
            text.replace("[options]\n", "[options]\nsearch = false\n"),
        )
        .expect("config");
        let server = Server::start_within(dir.path(), Duration::from_secs(300));
        common::browser::runtime().block_on(async {
            let b = Browser::start().await;
            let tracker = format!("{}commitments/", server.url);
            b.client.goto(&tracker).await.expect("open the tracker");
            let meta = b.eval(&format!("return fetch({}).then(r => r.json())", json!(format!("{tracker}data/meta.json")))).await;
            let commitments = meta["lists"]["all"]["count"].as_u64().unwrap_or(0);
            let pages = [
                ("overview", tracker.clone()),
                ("list of all, page 2", format!("{tracker}all/page/2/")),
            ];
            for (name, url) in pages {
                let mut samples = Vec::new();
                let mut last = (0, 0);
                for _ in 0..runs {
                    let (fcp, bytes, requests) = page_load(&b, &url).await;
                    samples.push(fcp);
                    last = (bytes, requests);
                }
                println!(
                    "| {briefs} | {commitments} | {name} | {:.0} ms | {} | {} |",
                    median(&mut samples),
                    kb(last.0),
                    last.1
                );
            }
            for (name, query) in FILTERS {
                let mut samples = Vec::new();
                let mut last = (0, 0);
                for _ in 0..runs {
                    let (ms, bytes, requests) = filter(&b, &tracker, query, &server).await;
                    samples.push(ms);
                    last = (bytes, requests);
                }
                println!(
                    "| {briefs} | {commitments} | filter: {name} (`?{query}`) | {:.0} ms | {} | {} |",
                    median(&mut samples),
                    kb(last.0),
                    last.1
                );
            }
            b.stop().await;
        });
    }
}

/// Open `url` in a fresh tab state: its first contentful paint (ms), and the bytes and
/// requests of the page and everything it loaded.
async fn page_load(b: &Browser, url: &str) -> (f64, u64, u64) {
    b.client.goto("about:blank").await.expect("blank");
    b.client.goto(url).await.expect("open the page");
    let probe = "return new Promise(done => { const read = () => { const p = performance.getEntriesByName('first-contentful-paint')[0]; if (p && document.readyState === 'complete') { const all = [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')]; done([p.startTime, all.reduce((s, e) => s + (e.transferSize || e.encodedBodySize || 0), 0), all.length]); } else setTimeout(read, 20); }; read(); })";
    let v = b.eval(probe).await;
    (num(&v[0]), num(&v[1]) as u64, num(&v[2]) as u64)
}

/// Load the overview, then choose the filters of `query` in the form: the time until the
/// result is on screen (ms), and the bytes and requests of the tracker's data it read.
async fn filter(b: &Browser, tracker: &str, query: &str, server: &Server) -> (f64, u64, u64) {
    b.client.goto("about:blank").await.expect("blank");
    b.client.goto(tracker).await.expect("open the tracker");
    b.wait_for(
        "return !document.querySelector('form.tracker-filters').hidden",
        "the filters",
        server,
    )
    .await;
    let script = format!(
        "const done = arguments[arguments.length - 1];
         const form = document.querySelector('form.tracker-filters');
         const before = performance.getEntriesByType('resource').length;
         const started = performance.now();
         form.addEventListener('accord:tracker-shown', () => {{
           const read = performance.getEntriesByType('resource').slice(before);
           done([performance.now() - started, read.reduce((s, e) => s + (e.transferSize || e.encodedBodySize || 0), 0), read.length]);
         }}, {{ once: true }});
         const params = new URLSearchParams({});
         history.replaceState(null, '', '?' + params.toString());
         for (const [name, value] of params) {{
           const field = form.elements[name];
           if (!field) continue;
           if (field.type === 'checkbox') field.checked = value === '1'; else field.value = value;
         }}
         form.dispatchEvent(new Event('change', {{ bubbles: true }}));",
        json!(query)
    );
    // `page` is not a form field: the script reads it from the address, set above... but a
    // change resets it to 1, so a page past the first is measured by opening its address.
    if query.contains("page=") {
        b.client.goto("about:blank").await.expect("blank");
        let started = std::time::Instant::now();
        b.client
            .goto(&format!("{tracker}?{query}"))
            .await
            .expect("open");
        b.wait_for(
            "return document.getElementById('tracker-results-heading').textContent === 'Matching commitments' && !/Loading/.test(document.getElementById('tracker-count').textContent)",
            "the filtered page",
            server,
        )
        .await;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let v = b.eval("const read = performance.getEntriesByType('resource').filter(e => e.name.includes('/commitments/data/')); return [read.reduce((s, e) => s + (e.transferSize || e.encodedBodySize || 0), 0), read.length]").await;
        return (ms, num(&v[0]) as u64, num(&v[1]) as u64);
    }
    let v = b
        .client
        .execute_async(&script, vec![])
        .await
        .unwrap_or(Value::Null);
    (num(&v[0]), num(&v[1]) as u64, num(&v[2]) as u64)
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn kb(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.2} MB", bytes as f64 / 1e6)
    } else {
        format!("{:.0} KB", bytes as f64 / 1e3)
    }
}

fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    samples.get(samples.len() / 2).copied().unwrap_or(f64::NAN)
}
