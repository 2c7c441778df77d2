//! `accord serve` under load while the site is edited: keep-alive clients request pages,
//! assets and the tracker's data as fast as they can while a brief is saved again and again.
//! Every response must be a 200 with a whole body; prints requests per second and latency.
//! The clients go on until every edit is saved, so the requests are at least as many as asked.
//!
//! `cargo bench --bench serve_load` (40,000 requests over 50 connections during 100 edits),
//! or `-- --requests N --connections C --edits E` (`.ci/run` runs a short form).

#[path = "../tests/common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::browser::Server;

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let requests = arg(&args, "--requests", 40_000);
    let connections = arg(&args, "--connections", 50);
    let edits = arg(&args, "--edits", 100);
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("site");
    common::copy_example_site(&root);
    let brief = root.join("content/briefs/2025/kl-trilateral.md");
    let original = std::fs::read_to_string(&brief).expect("example brief");
    let server = Server::start_at(&root);
    let authority = server
        .url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let prefix = format!("/{}", server.url.splitn(4, '/').nth(3).unwrap_or(""));
    let paths: Vec<String> = [
        "",
        "briefs/kl-trilateral/",
        "parties/jp/",
        "commitments/",
        "commitments/all/",
        "commitments/data/meta.json",
        "accord.css",
        "atom.xml",
        "sitemap.xml",
        "data/commitments.json",
    ]
    .iter()
    .map(|p| format!("{prefix}{p}"))
    .collect();

    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let latencies = Arc::new(Mutex::new(Vec::<Duration>::with_capacity(requests)));
    let done = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let clients: Vec<_> = (0..connections)
        .map(|_| {
            let (next, errors, latencies) = (next.clone(), errors.clone(), latencies.clone());
            let edited = done.clone();
            let (authority, paths) = (authority.clone(), paths.clone());
            std::thread::spawn(move || {
                let mut conn: Option<BufReader<TcpStream>> = None;
                let mut mine = Vec::new();
                loop {
                    // At least `requests`, and on until every edit is made.
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= requests && edited.load(Ordering::Relaxed) {
                        break;
                    }
                    let path = &paths[n % paths.len()];
                    let t = Instant::now();
                    match get(&mut conn, &authority, path) {
                        Ok(()) => mine.push(t.elapsed()),
                        Err(e) => {
                            conn = None;
                            errors.lock().unwrap().push(format!("{path}: {e}"));
                        }
                    }
                }
                latencies.lock().unwrap().extend(mine);
            })
        })
        .collect();
    // Save the brief again and again while the clients run.
    for i in 0..edits {
        let text = original.replacen("title:", &format!("title: (edit {i})"), 1);
        std::fs::write(&brief, text).expect("save");
        std::thread::sleep(Duration::from_millis(15));
    }
    done.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().expect("client");
    }
    let elapsed = started.elapsed();
    let mut latencies = latencies.lock().unwrap().clone();
    latencies.sort();
    let errors = errors.lock().unwrap().clone();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "| requests | connections | edits during the run | errors | requests/s | p50 (ms) | p99 (ms) | max (ms) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {} | {connections} | {edits} | {} | {:.0} | {:.1} | {:.1} | {:.1} |",
        latencies.len() + errors.len(),
        errors.len(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50),
        pct(0.99),
        pct(1.0)
    );
    if !errors.is_empty() {
        eprintln!("first errors: {:?}", &errors[..errors.len().min(5)]);
        std::process::exit(1);
    }
}

/// One GET on a kept-alive connection (opened when there is none): a 200 with as many body
/// bytes as its `content-length` says.
fn get(conn: &mut Option<BufReader<TcpStream>>, authority: &str, path: &str) -> Result<(), String> {
    if conn.is_none() {
        let stream = TcpStream::connect(authority).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .map_err(|e| e.to_string())?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        *conn = Some(BufReader::new(stream));
    }
    let reader = conn.as_mut().expect("connected");
    // One write: `write!` on a socket sends each piece as its own packet.
    let request = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\n\r\n");
    reader
        .get_mut()
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut status = String::new();
    reader.read_line(&mut status).map_err(|e| e.to_string())?;
    let mut length = None;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).map_err(|e| e.to_string())?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse::<usize>().ok();
        }
    }
    if !status.starts_with("HTTP/1.1 200") {
        return Err(format!("status {}", status.trim()));
    }
    let length = length.ok_or("no content-length")?;
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).map_err(|e| e.to_string())?;
    Ok(())
}
