//! Nothing is lost: a failed build keeps the previous output, the output directory can never
//! be the site itself, and files Accord did not write are never deleted.

mod common;

use std::fs;

use common::{Site, snapshot};

fn site_with_brief() -> Site {
    let site = Site::new();
    site.brief(
        "kl",
        "title: Kuala Lumpur\ndate: 2025-07-11\nparties: [us]",
        "Body.",
    );
    site
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = site_with_brief();
    site.build();
    let before = snapshot(&site.path("public"));
    site.brief(
        "broken",
        "title: Broken\ndate: 2025-07-12\nparties: [nope]",
        "",
    );
    site.build_fails();
    assert_eq!(
        before,
        snapshot(&site.path("public")),
        "output changed after a failed build"
    );
    // And nothing was left beside it.
    let siblings: Vec<_> = fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("accord-") && !n.ends_with("accord-lock"))
        .collect();
    assert!(siblings.is_empty(), "{siblings:?}");
}

#[test]
fn refuses_output_dirs_that_would_clobber_the_site() {
    let site = site_with_brief();
    for (out, why) in [
        (".", "site root"),
        ("..", "contains the site"),
        ("content/public", "content/"),
    ] {
        let r = site.run(&["build", "--output", out]);
        assert_eq!(r.code, Some(1), "--output {out} must be refused");
        assert!(r.stderr.contains(why), "--output {out}: {}", r.stderr);
    }
    // A directory with content/ in it (another site) is refused too.
    let other = Site::new();
    let r = site.run(&["build", "--output", other.root().to_str().unwrap()]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(other.path("content/parties/us.md").exists());
    assert!(site.path("content/briefs/kl.md").exists());
}

#[test]
fn files_accord_did_not_write_survive_rebuilds() {
    let site = site_with_brief();
    site.build();
    site.write("public/.git/HEAD", "ref: refs/heads/gh-pages\n");
    site.write("public/CNAME", "briefs.example.org\n");
    site.write("public/briefs/notes.txt", "mine\n");
    // The brief goes away; its page must go, the foreign files must stay.
    fs::remove_file(site.path("content/briefs/kl.md")).unwrap();
    site.brief("other", "title: Other\ndate: 2025-07-12", "");
    site.build();
    assert!(!site.path("public/briefs/kl").exists(), "stale page kept");
    assert!(site.path("public/briefs/other/index.html").exists());
    assert_eq!(site.read("public/.git/HEAD"), "ref: refs/heads/gh-pages\n");
    assert_eq!(site.read("public/CNAME"), "briefs.example.org\n");
    assert_eq!(site.read("public/briefs/notes.txt"), "mine\n");
}

#[test]
fn refuses_to_replace_a_directory_it_did_not_write() {
    let site = site_with_brief();
    site.write("public/index.html", "hand-made\n");
    let r = site.run(&["build"]);
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("did not write"), "{}", r.stderr);
    assert_eq!(site.read("public/index.html"), "hand-made\n");
}

#[test]
fn a_static_file_and_a_page_on_one_path_is_an_error_naming_both() {
    let site = site_with_brief();
    site.write("static/briefs/kl/index.html", "clash");
    let err = site.build_fails();
    assert!(
        err.contains("content/briefs/kl.md") && err.contains("static/briefs/kl/index.html"),
        "{err}"
    );
}

#[test]
fn a_conflict_with_a_foreign_file_is_refused_before_anything_moves() {
    let site = site_with_brief();
    site.write("static/p/index.html", "page p");
    site.build();
    site.write("public/.git/HEAD", "ref\n");
    site.write("public/CNAME", "x.org\n");
    site.write("public/p/extra.txt", "mine\n");
    // static/p becomes a file: the new output has `p` where the foreign p/extra.txt lives.
    fs::remove_dir_all(site.path("static/p")).unwrap();
    site.write("static/p", "now a file");
    let err = site.build_fails();
    assert!(err.contains("not written by Accord"), "{err}");
    assert_eq!(site.read("public/.git/HEAD"), "ref\n");
    assert_eq!(site.read("public/CNAME"), "x.org\n");
    assert_eq!(site.read("public/p/extra.txt"), "mine\n");
    assert_eq!(site.read("public/p/index.html"), "page p");
}

#[test]
fn a_tampered_manifest_cannot_delete_files_outside_the_output() {
    let site = site_with_brief();
    site.build();
    site.write("victim.txt", "keep me\n");
    let manifest = site.path("public/.accord-manifest");
    let mut text = fs::read_to_string(&manifest).unwrap();
    text.push_str("../victim.txt\n");
    text.push_str(&format!("{}\n", site.path("victim.txt").display()));
    fs::write(&manifest, text).unwrap();
    site.build();
    assert_eq!(site.read("victim.txt"), "keep me\n");
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_dir_is_refused() {
    let site = site_with_brief();
    let elsewhere = tempfile::tempdir().unwrap();
    fs::write(elsewhere.path().join("keep.txt"), "keep").unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), site.path("public")).unwrap();
    let err = site.build_fails();
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(
        fs::read_to_string(elsewhere.path().join("keep.txt")).unwrap(),
        "keep"
    );
}

#[test]
fn a_static_content_folder_does_not_block_the_next_build() {
    let site = site_with_brief();
    site.write("static/content/logo.svg", "<svg/>");
    site.build();
    site.build();
    assert_eq!(site.read("public/content/logo.svg"), "<svg/>");
}

#[test]
fn a_file_where_a_folder_is_needed_is_an_error_in_check_too() {
    let site = site_with_brief();
    site.write("static/briefs", "a file");
    for cmd in ["check", "build"] {
        let r = site.run(&[cmd]);
        assert_eq!(r.code, Some(1), "{cmd}: {}", r.stdout);
        assert!(
            r.stderr.contains("static/briefs") && r.stderr.contains("content/briefs/kl.md"),
            "{}",
            r.stderr
        );
    }
}
