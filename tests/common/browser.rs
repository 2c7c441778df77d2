//! Driving `accord serve` and headless Chromium (over chromedriver) from tests and benches.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

use super::Site;

/// Browser tests share two cores: one at a time.
pub static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// `accord serve` on a free port, killed on drop.
pub struct Server {
    child: Child,
    /// The site's URL, e.g. `http://127.0.0.1:40123/briefs/`.
    pub url: String,
    output: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub fn start(site: &Site) -> Server {
        Server::start_at(site.root())
    }

    /// `accord serve --root ROOT`.
    pub fn start_at(root: &std::path::Path) -> Server {
        Server::start_within(root, Duration::from_secs(20))
    }

    /// `accord serve --root ROOT`, waiting up to `startup` for its first build.
    pub fn start_within(root: &std::path::Path, startup: Duration) -> Server {
        let mut child = Command::new(super::bin())
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
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
            .recv_timeout(startup)
            .expect("accord serve printed its URL");
        Server { child, url, output }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn log(&self) -> String {
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
pub struct Browser {
    driver: Child,
    pub client: Client,
}

impl Browser {
    pub async fn start() -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // In a process group of its own, so that dropping the session (after a failed
        // assertion, too) can stop chromedriver and the Chromium it started, together.
        let driver = Command::new("chromedriver")
            .process_group(0)
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

    pub async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or(Value::Null)
    }

    /// Wait until `script` returns something truthy; panic with `what` after 10 s.
    pub async fn wait_for(&self, script: &str, what: &str, server: &Server) -> Duration {
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
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// End the session; dropping the `Browser` then stops chromedriver and Chromium.
    pub async fn stop(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let group = format!("-{}", self.driver.id());
        let killed = Command::new("kill").args(["-KILL", "--", &group]).status();
        if !killed.is_ok_and(|s| s.success()) {
            let _ = self.driver.kill();
        }
        let _ = self.driver.wait();
    }
}

/// A single-threaded runtime for one browser session.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}
