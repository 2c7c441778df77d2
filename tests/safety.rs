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
        .filter(|n| n.contains("accord-"))
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
