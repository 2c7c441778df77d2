//! Helpers for integration tests: fixture sites in temp dirs, running the real binary, and
//! parsing its HTML.
#![allow(dead_code)]

pub mod browser;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{Html, Selector};

pub const CONFIG: &str = r#"title = "Test Briefs"
base_url = "https://org.github.io/briefs/"
description = "Fixture site"
[options]
per_page = 2
"#;

/// A site in a temp dir, written file by file.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// An empty site with the standard config and a small registry.
    pub fn new() -> Site {
        let site = Site::bare();
        site.write("accord.toml", CONFIG);
        site.party("us", "name: United States\nkind: state\nshort: US\niso: US");
        site.party("jp", "name: Japan\nkind: state\niso: JP");
        site.party(
            "kr",
            "name: Republic of Korea\nkind: state\nshort: ROK\niso: KR",
        );
        site.party("asean", "name: ASEAN\nkind: organization\nmembers: [my]");
        site.party("my", "name: Malaysia\nkind: state\niso: MY");
        site.topic(
            "defense",
            "name: Defence\ndescription: Deterrence and readiness.",
        );
        site.topic("trade", "name: Trade");
        site
    }

    /// A temp dir with nothing in it.
    pub fn bare() -> Site {
        Site {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) -> &Site {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
        self
    }

    pub fn party(&self, id: &str, front: &str) -> &Site {
        self.write(
            &format!("content/parties/{id}.md"),
            &format!("---\n{front}\n---\nProfile of {id}.\n"),
        )
    }

    pub fn topic(&self, id: &str, front: &str) -> &Site {
        self.write(
            &format!("content/topics/{id}.md"),
            &format!("---\n{front}\n---\n"),
        )
    }

    pub fn brief(&self, name: &str, front: &str, body: &str) -> &Site {
        self.write(
            &format!("content/briefs/{name}.md"),
            &format!("---\n{front}\n---\n{body}"),
        )
    }

    /// Run `accord ARGS` with the site as current directory.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.root(), args)
    }

    /// `accord build`, which must succeed.
    pub fn build(&self) -> Run {
        let r = self.run(&["build"]);
        assert!(r.ok(), "build failed:\n{}", r.stderr);
        r
    }

    /// `accord build`, which must fail; its stderr.
    pub fn build_fails(&self) -> String {
        let r = self.run(&["build"]);
        assert_eq!(
            r.code,
            Some(1),
            "expected exit 1, got {:?}\nstdout: {}\nstderr: {}",
            r.code,
            r.stdout,
            r.stderr
        );
        r.stderr
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn html(&self, rel: &str) -> Page {
        Page(Html::parse_document(&self.read(rel)))
    }
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_accord")
}

pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run accord");
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// A parsed HTML page with small query helpers.
pub struct Page(pub Html);

impl Page {
    fn sel(css: &str) -> Selector {
        Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e}"))
    }

    /// Text of every element matching `css`, whitespace collapsed.
    pub fn texts(&self, css: &str) -> Vec<String> {
        self.0
            .select(&Self::sel(css))
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    pub fn text(&self, css: &str) -> String {
        let all = self.texts(css);
        assert!(!all.is_empty(), "nothing matches {css}");
        all[0].clone()
    }

    pub fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        self.0
            .select(&Self::sel(css))
            .filter_map(|e| e.value().attr(attr).map(str::to_string))
            .collect()
    }

    pub fn count(&self, css: &str) -> usize {
        self.0.select(&Self::sel(css)).count()
    }

    pub fn has(&self, css: &str) -> bool {
        self.count(css) > 0
    }
}

/// Every file under `dir`, relative, sorted, with contents.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, fs::read(e.path()).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// What a run of the binary cost: wall time and peak resident memory.
pub struct Cost {
    pub run: Run,
    pub elapsed: std::time::Duration,
    /// Peak resident set in MiB (`VmHWM`, read while it ran).
    pub peak_mib: u64,
}

/// Run `accord ARGS` in `dir`, measuring its time and peak memory, for the tests that put a
/// ceiling on what hostile input may cost. The ceilings are far above what a fixed build
/// takes (a tenth or less), so a noisy machine cannot fail them, while the quadratic or
/// multiplicative paths they guard against overshoot them many times.
pub fn run_costed(dir: &Path, args: &[&str]) -> Cost {
    use std::io::Read;
    use std::process::Stdio;
    let start = std::time::Instant::now();
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run accord");
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    let status = loop {
        if let Ok(status) = fs::read_to_string(&status_file)
            && let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:"))
        {
            let kib = line
                .split_whitespace()
                .nth(1)
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    Cost {
        run: Run {
            code: status.code(),
            stdout: reader.join().unwrap(),
            stderr: err_reader.join().unwrap(),
        },
        elapsed: start.elapsed(),
        peak_mib: peak_kib / 1024,
    }
}

/// A copy of the repository's example site in `root`, for benchmarks that edit it (they never
/// touch the repository's own files).
pub fn copy_example_site(root: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::create_dir_all(root).expect("mkdir");
    for entry in ["accord.toml", "content", "static"] {
        copy_tree(&repo.join(entry), &root.join(entry));
    }
}

fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        fs::create_dir_all(to).expect("mkdir");
        for e in fs::read_dir(from).expect("read dir").flatten() {
            copy_tree(&e.path(), &to.join(e.file_name()));
        }
    } else {
        fs::copy(from, to).expect("copy");
    }
}
