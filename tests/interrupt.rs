//! Builds stopped half-way (issue "Hostile input"): Ctrl-C or SIGTERM at any point leaves the
//! previous output or the new one, complete, and nothing beside it; a build killed outright
//! is put right by the next one. Files Accord did not write survive every time.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Site, snapshot};

/// A site whose briefs all say `version`, so two versions give two different outputs.
fn write_version(site: &Site, version: &str) {
    for i in 0..40 {
        site.brief(
            &format!("b{i:02}"),
            &format!(
                "title: Brief {i} ({version})\ndate: 2025-07-{:02}\nparties: [us, jp]\ncommitments:\n  - id: c{i}\n    text: Commitment {i} {version}\n    by: [us]",
                1 + i % 28
            ),
            &format!("Body of brief {i}, {version}.\n\n## Details\n\nMore [[jp]] text.\n"),
        );
    }
}

/// What the output holds, and whether anything is left beside it.
fn state(site: &Site) -> (Vec<(String, Vec<u8>)>, Vec<String>) {
    let leftovers = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("accord-new") || n.contains("accord-old"))
        .collect();
    (snapshot(&site.path("public")), leftovers)
}

/// A small deterministic sequence of delays, so a failure can be replayed.
fn delays(n: usize, max: Duration) -> Vec<Duration> {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            max.mul_f64((x % 1000) as f64 / 1000.0)
        })
        .collect()
}

fn start_build(site: &Site) -> std::process::Child {
    Command::new(common::bin())
        .arg("build")
        .current_dir(site.root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn signal(child: &std::process::Child, name: &str) {
    let status = Command::new("kill")
        .args(["-s", name, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn interrupted_builds_leave_the_old_or_the_new_output() {
    let site = Site::new();
    let versions = ["first", "second"];
    let mut expected = Vec::new();
    let mut took = Duration::ZERO;
    for version in versions {
        write_version(&site, version);
        let started = Instant::now();
        site.build();
        took = took.max(started.elapsed());
        site.write("public/keep.txt", "a file Accord did not write");
        expected.push(snapshot(&site.path("public")));
    }
    let mut outcomes = [0usize; 2];
    for (i, delay) in delays(50, took.mul_f64(1.3)).into_iter().enumerate() {
        write_version(&site, versions[i % 2]);
        let mut child = start_build(&site);
        std::thread::sleep(delay);
        signal(&child, if i % 2 == 0 { "TERM" } else { "INT" });
        let code = child.wait().unwrap().code();
        assert!(
            matches!(code, Some(0) | Some(130) | None),
            "kill {i}: exit {code:?}"
        );
        let (output, leftovers) = state(&site);
        assert!(
            leftovers.is_empty(),
            "kill {i} after {delay:?} left {leftovers:?}"
        );
        assert!(
            expected.contains(&output),
            "kill {i} after {delay:?}: the output is neither build"
        );
        outcomes[usize::from(code == Some(0))] += 1;
    }
    // The delays cover the whole build: some kills cut it, some came after it ended.
    assert!(
        outcomes[0] > 5 && outcomes[1] > 0,
        "interrupted, finished: {outcomes:?}"
    );

    // Killed outright, a build may leave its work beside the output; the next one puts it
    // right: the output is whole, the foreign file kept, nothing left over.
    for (i, delay) in delays(10, took).into_iter().enumerate() {
        write_version(&site, versions[i % 2]);
        let mut child = start_build(&site);
        std::thread::sleep(delay);
        child.kill().unwrap();
        child.wait().unwrap();
        site.build();
        let (output, leftovers) = state(&site);
        assert!(leftovers.is_empty(), "kill -9 {i}: {leftovers:?}");
        assert_eq!(output, expected[i % 2], "kill -9 {i} after {delay:?}");
    }
}

/// Two builds of one output at once: the second is refused, and the first's output is whole.
#[test]
fn a_second_build_of_the_same_output_waits_its_turn() {
    let site = Site::new();
    write_version(&site, "only");
    let lock = std::fs::File::create(site.path(".public.accord-lock")).unwrap();
    lock.lock().unwrap();
    let r = site.run(&["build"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("another build is writing to it"),
        "{}",
        r.stderr
    );
    drop(lock);
    site.build();
}
