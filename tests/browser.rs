//! End-to-end tests of `accord serve` in real headless Chromium, driven over WebDriver
//! (Debian's `chromium` and `chromium-driver`). Ignored in a plain `cargo test`; `.ci/run`
//! installs both and runs them with `cargo test -- --include-ignored`.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Site;
use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

/// Browser tests share two cores: one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// `accord serve` on a free port, killed on drop.
struct Server {
    child: Child,
    /// The site's URL, e.g. `http://127.0.0.1:40123/briefs/`.
    url: String,
    output: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(site: &Site) -> Server {
        let mut child = Command::new(common::bin())
            .args(["serve", "--port", "0", "--root"])
            .arg(site.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start accord serve");
        let output = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let output = output.clone();
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if let Some(url) = line
                        .strip_prefix("Serving at ")
                        .and_then(|r| r.split_whitespace().next())
                    {
                        let _ = tx.send(url.to_string());
                    }
                    output.lock().unwrap().push(line);
                }
            });
        }
        let url = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("accord serve printed its URL");
        Server { child, url, output }
    }

    fn log(&self) -> String {
        self.output.lock().unwrap().join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// chromedriver and a headless Chromium session.
struct Browser {
    driver: Child,
    client: Client,
}

impl Browser {
    async fn start() -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian package chromium-driver) must be installed");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--no-first-run", "--window-size=1200,900"]
            }),
        );
        let started = Instant::now();
        loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => return Browser { driver, client },
                Err(e) if started.elapsed() < Duration::from_secs(20) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("cannot start Chromium through chromedriver: {e}"),
            }
        }
    }

    async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or(Value::Null)
    }

    /// Wait until `script` returns something truthy; panic with `what` after 10 s.
    async fn wait_for(&self, script: &str, what: &str, server: &Server) -> Duration {
        let started = Instant::now();
        loop {
            let v = self.eval(script).await;
            if matches!(v, Value::Bool(true)) || matches!(&v, Value::String(s) if !s.is_empty()) {
                return started.elapsed();
            }
            if started.elapsed() > Duration::from_secs(10) {
                let text = self
                    .eval("return document.body ? document.body.innerText : ''")
                    .await;
                panic!(
                    "timed out waiting for {what}\npage: {text}\nserver:\n{}",
                    server.log()
                );
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    async fn stop(self) {
        let _ = self.client.close().await;
        let mut driver = self.driver;
        let _ = driver.kill();
        let _ = driver.wait();
    }
}

fn brief(title: &str, body: &str) -> (String, String) {
    (
        format!("title: {title}\ndate: 2025-07-11\nparties: [us, jp]"),
        body.to_string(),
    )
}

fn site() -> Site {
    let site = Site::new();
    let (f, b) = brief("Kuala Lumpur talks", "The ministers met.\n");
    site.brief("kl", &f, &b);
    let (f, b) = brief("Manila talks", "Another meeting.\n");
    site.brief("manila", &f, &b);
    site
}

fn text_contains(needle: &str) -> String {
    format!("return document.body.innerText.includes({})", json!(needle))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
#[ignore = "needs chromium and chromium-driver (run by .ci/run)"]
fn an_edit_appears_in_the_open_page_and_keeps_its_scroll_position() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let site = site();
    let long_body = "Paragraph of text.\n\n".repeat(200);
    let (f, _) = brief("Kuala Lumpur talks", "");
    site.brief("kl", &f, &long_body);
    let server = Server::start(&site);
    runtime().block_on(async {
        let b = Browser::start().await;
        b.client
            .goto(&format!("{}briefs/kl/", server.url))
            .await
            .unwrap();
        b.eval("window.scrollTo(0, 1500); return true").await;
        site.brief("kl", &f, &format!("{long_body}FIRST EDIT MARKER\n"));
        let took = b
            .wait_for(
                &text_contains("FIRST EDIT MARKER"),
                "the edited text",
                &server,
            )
            .await;
        eprintln!("edit visible after {took:?}");
        let y = b
            .eval("return window.scrollY")
            .await
            .as_f64()
            .unwrap_or(0.0);
        assert!((y - 1500.0).abs() < 60.0, "scroll position lost: {y}");
        b.stop().await;
    });
}

#[test]
#[ignore = "needs chromium and chromium-driver (run by .ci/run)"]
fn a_write_to_a_temp_file_renamed_over_the_brief_is_seen() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let site = site();
    let server = Server::start(&site);
    runtime().block_on(async {
        let b = Browser::start().await;
        b.client
            .goto(&format!("{}briefs/kl/", server.url))
            .await
            .unwrap();
        let (f, _) = brief("Kuala Lumpur talks", "");
        // What vim, JetBrains IDEs and VS Code do: write elsewhere, rename over the file.
        let tmp = site.path("content/briefs/kl.md___jb_tmp___");
        std::fs::write(&tmp, format!("---\n{f}\n---\nRENAMED SAVE MARKER\n")).unwrap();
        std::fs::rename(&tmp, site.path("content/briefs/kl.md")).unwrap();
        b.wait_for(
            &text_contains("RENAMED SAVE MARKER"),
            "the renamed save",
            &server,
        )
        .await;
        b.stop().await;
    });
}

#[test]
#[ignore = "needs chromium and chromium-driver (run by .ci/run)"]
fn a_css_change_is_swapped_in_without_a_reload() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let site = site();
    site.write(
        "static/accord.css",
        "body { background: rgb(250, 250, 250); }\n",
    );
    let server = Server::start(&site);
    runtime().block_on(async {
        let b = Browser::start().await;
        b.client
            .goto(&format!("{}briefs/kl/", server.url))
            .await
            .unwrap();
        b.wait_for(
            "return getComputedStyle(document.body).backgroundColor === 'rgb(250, 250, 250)'",
            "the first stylesheet",
            &server,
        )
        .await;
        b.eval("window.__notReloaded = 42; return true").await;
        site.write("static/accord.css", "body { background: rgb(1, 2, 3); }\n");
        b.wait_for(
            "return getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)'",
            "the new stylesheet",
            &server,
        )
        .await;
        assert_eq!(
            b.eval("return window.__notReloaded").await,
            json!(42),
            "the page reloaded for a CSS change"
        );
        b.stop().await;
    });
}

#[test]
#[ignore = "needs chromium and chromium-driver (run by .ci/run)"]
fn a_broken_edit_shows_an_overlay_over_the_last_good_page_and_the_fix_clears_it() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let site = site();
    let server = Server::start(&site);
    runtime().block_on(async {
        let b = Browser::start().await;
        b.client.goto(&format!("{}briefs/kl/", server.url)).await.unwrap();
        site.brief("kl", "title: Kuala Lumpur talks\ndate: 2025-07-11\nparties: [us, jpn]", "The ministers met.\n");
        b.wait_for(
            "const o = document.getElementById('accord-build-error'); return !!o && o.innerText.includes('content/briefs/kl.md:4:15') && o.innerText.includes('unknown party `jpn`')",
            "the error overlay naming file:line",
            &server,
        )
        .await;
        // The last good page is still under it.
        assert_eq!(b.eval("return document.querySelector('h1').innerText").await, json!("Kuala Lumpur talks"));
        let (f, _) = brief("Kuala Lumpur talks (fixed)", "");
        site.brief("kl", &f, "The ministers met.\n");
        b.wait_for(&text_contains("Kuala Lumpur talks (fixed)"), "the fixed page", &server).await;
        assert_eq!(b.eval("return document.getElementById('accord-build-error') === null").await, json!(true));
        b.stop().await;
    });
}

#[test]
#[ignore = "needs chromium and chromium-driver (run by .ci/run)"]
fn a_new_brief_appears_on_the_index_and_a_deleted_one_disappears() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let site = site();
    let server = Server::start(&site);
    runtime().block_on(async {
        let b = Browser::start().await;
        b.client.goto(&server.url).await.unwrap();
        b.wait_for(&text_contains("Manila talks"), "the index", &server)
            .await;
        let (f, body) = brief("Geneva talks", "New.\n");
        site.brief("geneva", &f.replace("2025-07-11", "2025-08-01"), &body);
        b.wait_for(
            &text_contains("Geneva talks"),
            "the new brief on the index",
            &server,
        )
        .await;
        std::fs::remove_file(site.path("content/briefs/manila.md")).unwrap();
        b.wait_for(
            &format!(
                "return !document.body.innerText.includes({})",
                json!("Manila talks")
            ),
            "the deleted brief to go",
            &server,
        )
        .await;
        b.stop().await;
    });
}
