//! Hostile and careless input (issue "Hostile input"): each numbered hole the red-team found,
//! shut by a test that failed before its fix.

mod common;

use std::fs;

use common::{CONFIG, Site};

fn with_config(extra: &str) -> Site {
    let site = Site::new();
    site.write("accord.toml", &format!("{extra}\n{CONFIG}"));
    site.brief(
        "kl",
        "title: Kuala Lumpur\ndate: 2025-07-11\nparties: [us, jp]",
        "Body.",
    );
    site
}

/// Item 1: `language` names files of the search index: a path is refused, and so is a long word
/// that made Pagefind panic.
#[test]
fn language_must_be_a_language_tag() {
    let outside = tempfile::tempdir().unwrap();
    let escape = format!("{}/zz", outside.path().display());
    let long = "a".repeat(40);
    for language in [format!("../../../../..{escape}"), long] {
        let site = with_config(&format!("language = \"{language}\""));
        let err = site.build_fails();
        assert!(err.contains("accord.toml:1:12"), "{err}");
        assert!(err.contains("BCP 47 language tag"), "{err}");
        assert!(!site.path("public").exists());
        let written: Vec<_> = fs::read_dir(outside.path()).unwrap().collect();
        assert!(written.is_empty(), "wrote outside the output: {written:?}");
    }
    // A well-formed tag in any case is kept in its canonical form.
    let site = with_config("language = \"EN-gb\"");
    site.build();
    assert_eq!(
        site.html("public/index.html").attrs("html", "lang"),
        ["en-GB"]
    );
}

/// Item 2: A symbolic link out of the site is not published by `build` or passed by `check`,
/// unless `allow_outside` names its folder.
#[cfg(unix)]
#[test]
fn links_out_of_the_site_are_refused_unless_allowed() {
    use std::os::unix::fs::symlink;
    let secrets = tempfile::tempdir().unwrap();
    fs::write(secrets.path().join("env.txt"), "TOKEN=hunter2").unwrap();
    let site = with_config("");
    fs::create_dir_all(site.path("static")).unwrap();
    symlink(secrets.path().join("env.txt"), site.path("static/env.txt")).unwrap();
    symlink("/proc/self/environ", site.path("static/environ")).unwrap();
    symlink(secrets.path(), site.path("static/shared")).unwrap();
    for command in ["build", "check"] {
        let r = site.run(&[command]);
        assert_eq!(r.code, Some(1), "{command}: {}", r.stderr);
        for link in ["static/env.txt", "static/environ", "static/shared"] {
            assert!(
                r.stderr.contains(&format!("--> {link}\n")),
                "{command} {link}: {}",
                r.stderr
            );
        }
        assert_eq!(
            r.stderr.matches("outside the site").count(),
            3,
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("allow_outside"), "{}", r.stderr);
    }
    assert!(!site.path("public").exists());

    // A brief linked from outside is refused the same way.
    fs::remove_file(site.path("static/environ")).unwrap();
    fs::write(
        secrets.path().join("b.md"),
        "---\ntitle: B\ndate: 2025-07-12\n---\n",
    )
    .unwrap();
    symlink(
        secrets.path().join("b.md"),
        site.path("content/briefs/b.md"),
    )
    .unwrap();
    let err = site.build_fails();
    assert!(err.contains("outside the site"), "{err}");
    assert!(err.contains("--> content/briefs/b.md\n"), "{err}");

    // Allowed on purpose, the same links build.
    let allowed = secrets.path().display().to_string();
    site.write(
        "accord.toml",
        &format!("allow_outside = [\"{allowed}\"]\n{CONFIG}"),
    );
    site.build();
    assert_eq!(site.read("public/env.txt"), "TOKEN=hunter2");
    assert_eq!(site.read("public/shared/env.txt"), "TOKEN=hunter2");
    assert!(site.path("public/briefs/b/index.html").exists());

    // A link inside the site is fine without it.
    let site = with_config("");
    site.write("notes/readme.txt", "inside");
    fs::create_dir_all(site.path("static")).unwrap();
    symlink(
        site.path("notes/readme.txt"),
        site.path("static/readme.txt"),
    )
    .unwrap();
    site.build();
    assert_eq!(site.read("public/readme.txt"), "inside");
    // ...but not into a hidden folder or file (a checkout's `.git/config` holds its CI token)
    // or into the output.
    site.write(
        ".git/config",
        "[http] extraheader = AUTHORIZATION: basic c2VjcmV0",
    );
    site.write(".env", "TOKEN=hunter2");
    symlink("../.git/config", site.path("static/config.txt")).unwrap();
    symlink("../.env", site.path("static/env.txt")).unwrap();
    symlink("../public", site.path("static/previous")).unwrap();
    let err = site.build_fails();
    for link in ["static/config.txt", "static/env.txt", "static/previous"] {
        assert!(err.contains(&format!("--> {link}\n")), "{link}: {err}");
    }
}

/// Item 3: JSON-LD inside `<script>`: no `<!--`, `</script>` or U+2028 survives as such, and the
/// JSON still says what the title said.
#[test]
fn json_ld_cannot_end_its_script() {
    let site = Site::new();
    let title = "<!--<script> a </script> & \u{2028}b";
    site.brief(
        "kl",
        &format!(
            "title: \"{}\"\ndate: 2025-07-11\nparties: [us]",
            title.replace('\u{2028}', "\\u2028")
        ),
        "Body.",
    );
    site.build();
    let html = site.read("public/briefs/kl/index.html");
    let start = html.find("<script type=\"application/ld+json\">").unwrap();
    let json = &html[start..];
    let json = &json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()];
    for raw in ["<", ">", "&", "\u{2028}"] {
        assert!(!json.contains(raw), "{raw:?} in {json}");
    }
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(value["headline"], title);
    // The page after the script is still a page: its heading parses as HTML.
    let h1 = site.html("public/briefs/kl/index.html").text("h1");
    assert!(h1.starts_with("<!--<script> a </script> &"), "{h1}");
}

/// Item 4: A cell a spreadsheet would run as a formula starts with `'`.
#[test]
fn csv_cells_cannot_be_formulas() {
    let site = Site::new();
    site.party("eq", "name: \"=HYPERLINK(\\\"http://x\\\")\"");
    site.brief(
        "kl",
        "title: KL\ndate: 2025-07-11\nparties: [us]\ncommitments:\n  - id: c1\n    text: \"=1+1\"\n    by: [us]\n  - id: c2\n    text: \"@SUM(A1)\"\n    by: [us]\n  - id: c3\n    text: \"-2+3\"\n    by: [us]\n  - id: c4\n    text: \"+cmd|' /C calc'!A0\"\n    by: [us]\n  - id: c5\n    text: Plain text\n    by: [us]",
        "",
    );
    site.build();
    let csv = site.read("public/data/commitments/1.csv");
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let texts: Vec<String> = rows.records().map(|r| r.unwrap()[1].to_string()).collect();
    assert_eq!(
        texts,
        [
            "'=1+1",
            "'@SUM(A1)",
            "'-2+3",
            "'+cmd|' /C calc'!A0",
            "Plain text"
        ]
    );
}

/// Item 6: `cname` is a host name, or the build stops.
#[test]
fn cname_is_a_host_name() {
    let site = with_config("cname = \"x.org\\n<script>\"");
    let err = site.build_fails();
    assert!(err.contains("accord.toml:1:9"), "{err}");
    assert!(err.contains("`cname` must be a host name"), "{err}");
    let site = with_config("cname = \"Briefs.Example.org\"");
    site.build();
    assert_eq!(site.read("public/CNAME"), "briefs.example.org\n");
}

/// Item 5: raw HTML is on by default and can be turned off; a `javascript:` link in a body is
/// an error at its place in either mode.
#[test]
fn script_links_in_bodies_are_errors_and_raw_html_can_be_off() {
    let site = Site::new();
    site.brief(
        "kl",
        "title: KL\ndate: 2025-07-11\nparties: [us]",
        "Intro.\n\nSee [the note](javascript:alert(document.cookie)).\n",
    );
    let err = site.build_fails();
    assert!(err.contains("content/briefs/kl.md:8:5"), "{err}");
    assert!(err.contains("links may not run script"), "{err}");

    site.brief(
        "kl",
        "title: KL\ndate: 2025-07-11\nparties: [us]",
        "<aside class=\"note\">Raw</aside>\n",
    );
    site.build();
    let page = site.html("public/briefs/kl/index.html");
    assert_eq!(page.count("aside.note"), 1);

    site.write(
        "accord.toml",
        &format!("{CONFIG}[markdown]\nraw_html = false\n"),
    );
    site.build();
    let page = site.html("public/briefs/kl/index.html");
    assert_eq!(page.count("aside.note"), 0);
    assert!(
        page.text("main")
            .contains("<aside class=\"note\">Raw</aside>")
    );
}

/// Item 11: labels with Markdown link, an unknown one is an error, a labelled reference fits
/// in a table with `\|`, an unclosed one is an error, and alt text holds no markup.
#[test]
fn references_with_markup_tables_and_images() {
    let site = Site::new();
    site.brief(
        "kl",
        "title: KL\ndate: 2025-07-11\nparties: [us, jp]",
        "Met [[jp|*Japan*]].\n\n| who | note |\n|---|---|\n| [[jp\\|Nippon]] | host |\n\n![[[jp]] flag](flag.png)\n",
    );
    site.build();
    let page = site.html("public/briefs/kl/index.html");
    assert_eq!(page.texts("a.ref-party em"), ["Japan"]);
    assert_eq!(page.texts("td a.ref-party"), ["Nippon"]);
    assert_eq!(page.attrs("img[src='flag.png']", "alt"), ["Japan flag"]);

    site.brief(
        "kl",
        "title: KL\ndate: 2025-07-11\nparties: [us, jp]",
        "Met [[nosuch|the *new* party]].\n\n| who | note |\n|---|---|\n| [[jp|Nippon]] | host |\n",
    );
    let err = site.build_fails();
    assert!(err.contains("content/briefs/kl.md:6:5"), "{err}");
    assert!(err.contains("unknown party `nosuch`"), "{err}");
    assert!(err.contains("content/briefs/kl.md:10:3"), "{err}");
    assert!(err.contains("`[[` without its `]]`"), "{err}");
}

/// Item 14: a reader that goes away (`accord build | head -1`) does not turn a build into a
/// panic: the exit status is the build's own.
#[test]
fn a_closed_pipe_keeps_the_builds_exit_status() {
    use std::process::{Command, Stdio};
    let site = with_config("");
    let run = |args: &[&str]| {
        let mut child = Command::new(common::bin())
            .args(args)
            .current_dir(site.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close both pipes before the build prints anything.
        drop(child.stdout.take());
        drop(child.stderr.take());
        child.wait().unwrap().code()
    };
    assert_eq!(run(&["build", "--verbose"]), Some(0));
    assert_eq!(run(&["check", "--verbose"]), Some(0));
    site.brief("bad", "title: Bad\ndate: 2025-07-12\nparties: [nope]", "");
    assert_eq!(run(&["build"]), Some(1));
}

/// Item 8: "did you mean" on long ids is bounded: 100 unknown references with
/// 1,000-character ids took over 60 s.
#[test]
fn suggestions_for_long_unknown_ids_stay_cheap() {
    let site = Site::new();
    // Ids are names in the output, so at most 255 bytes; a reference can be any length.
    let long = |c: &str, n: usize, i: usize| format!("{}-{i}", c.repeat(n));
    let commitments: String = (0..100)
        .map(|i| {
            format!(
                "  - id: {}\n    text: T{i}\n    by: [us]\n",
                long("a", 250, i)
            )
        })
        .collect();
    let refs: String = (0..100)
        .map(|i| format!("[[commitment:{}]] ", long("b", 1000, i)))
        .collect();
    site.brief(
        "kl",
        &format!("title: KL\ndate: 2025-07-11\nparties: [us]\ncommitments:\n{commitments}"),
        &refs,
    );
    let cost = common::run_costed(site.root(), &["check"]);
    assert_eq!(cost.run.code, Some(1), "{}", cost.run.stderr);
    assert!(
        cost.run.stderr.contains("100 problems found"),
        "{}",
        cost.run.stderr
    );
    assert!(cost.elapsed.as_secs() < 10, "took {:?}", cost.elapsed);
    assert!(cost.peak_mib < 500, "peak {} MiB", cost.peak_mib);
}

/// Item 15: a malformed `SOURCE_DATE_EPOCH` is an error, not silently today.
#[test]
fn a_malformed_source_date_epoch_is_an_error() {
    use std::process::Command;
    let site = with_config("");
    let run = |value: &str| {
        Command::new(common::bin())
            .arg("build")
            .current_dir(site.root())
            .env("SOURCE_DATE_EPOCH", value)
            .output()
            .unwrap()
    };
    for bad in ["yesterday", "1.5e9", "99999999999999999999"] {
        let out = run(bad);
        assert_eq!(out.status.code(), Some(1), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("SOURCE_DATE_EPOCH"), "{bad}: {err}");
    }
    assert_eq!(run("1752192000").status.code(), Some(0));
}

/// Item 15: names and titles that show nothing, and `updated` before `date`, are errors at
/// their place.
#[test]
fn blank_names_and_backward_updates_are_errors() {
    let site = Site::new();
    site.party("zw", "name: \"\\u200B\\u200D\"");
    site.topic("blank", "name: \"  \"");
    site.brief(
        "kl",
        "title: \"\\u2060\"\ndate: 2025-07-11\nupdated: 2025-07-01\nparties: [us]\npeople:\n  - name: \"\"\n    party: us",
        "",
    );
    let err = site.build_fails();
    for expected in [
        "content/parties/zw.md:2:7",
        "content/topics/blank.md:2:7",
        "content/briefs/kl.md:2:8",
        "content/briefs/kl.md:4:10",
        "content/briefs/kl.md:7:11",
    ] {
        assert!(err.contains(expected), "{expected} missing:\n{err}");
    }
    assert!(err.contains("`name` has no visible characters"), "{err}");
    assert!(
        err.contains("`updated` (2025-07-01) is before `date` (2025-07-11)"),
        "{err}"
    );
}

/// Item 15: each page's feed links are titled for the feed they point at.
#[test]
fn feed_links_are_titled_for_their_feed() {
    let site = with_config("");
    site.build();
    let links = |page: &str| {
        let page = site.html(page);
        page.attrs("link[type='application/atom+xml']", "title")
            .into_iter()
            .zip(page.attrs("link[type='application/atom+xml']", "href"))
            .collect::<Vec<_>>()
    };
    let site_feed = (
        "Test Briefs (Atom)".to_string(),
        "/briefs/atom.xml".to_string(),
    );
    assert_eq!(
        links("public/briefs/kl/index.html"),
        std::slice::from_ref(&site_feed)
    );
    assert_eq!(links("public/commitments/index.html"), [site_feed]);
    assert_eq!(
        links("public/parties/jp/index.html"),
        [(
            "Japan · Test Briefs (Atom)".to_string(),
            "/briefs/parties/jp/atom.xml".to_string()
        )]
    );
}

/// Item 12: every link in a feed's content is absolute and lands where it does on the page:
/// relative paths and fragments on the site, `//host/x` on that host, raw HTML's links too.
#[test]
fn feed_content_links_are_absolute_and_right() {
    let site = Site::new();
    site.brief(
        "kl",
        "title: KL\ndate: 2025-07-11\nparties: [us]",
        "[r](../other/) ![a](img/a.png) [x](#notes) [s](/briefs/x/) [e](//evil.example/x) [[jp]]\n\n\
         <a href=\"raw/\">raw</a> <img srcset=\"a.png 1x, b.png 2x\" alt=\"\">\n",
    );
    site.build();
    let page = "https://org.github.io/briefs/briefs/kl/";
    let expected = [
        "https://org.github.io/briefs/briefs/other/".to_string(),
        format!("{page}#notes"),
        "https://org.github.io/briefs/x/".to_string(),
        "https://evil.example/x".to_string(),
        "https://org.github.io/briefs/parties/jp/".to_string(),
        format!("{page}raw/"),
    ];
    let atom = site.read("public/atom.xml");
    let doc = roxmltree::Document::parse(&atom).unwrap();
    let content = doc
        .descendants()
        .find(|n| n.has_tag_name("content"))
        .and_then(|n| n.text())
        .unwrap()
        .to_string();
    let json: serde_json::Value = serde_json::from_str(&site.read("public/feed.json")).unwrap();
    let json_content = json["items"][0]["content_html"]
        .as_str()
        .unwrap()
        .to_string();
    for html in [content, json_content] {
        let html = common::Page(scraper::Html::parse_fragment(&html));
        assert_eq!(html.attrs("a", "href"), expected);
        assert_eq!(
            html.attrs("img[alt='a']", "src"),
            [format!("{page}img/a.png")]
        );
        assert_eq!(
            html.attrs("img[srcset]", "srcset"),
            [format!("{page}a.png 1x, {page}b.png 2x")]
        );
    }
}

/// Item 13: `check` finds the names `build` could not write, or that another system could
/// not check out: too long, reserved on Windows, or equal but for case.
#[test]
fn check_finds_names_that_cannot_be_written_everywhere() {
    // Names given in front matter are reported where they are written.
    let site = with_config("");
    let long_name = "A".repeat(300);
    site.brief(
        "long",
        &format!("title: Long\ndate: 2025-07-12\nparties: [us]\npeople:\n  - name: {long_name}\n    party: us\ncommitments:\n  - id: con\n    text: T\n    by: [us]"),
        "",
    );
    let r = site.run(&["check"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("content/briefs/long.md:6:11"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("is 300 bytes long, and file systems take at most 255"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("content/briefs/long.md:9:9"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("`con` in the site's addresses, which is a name Windows reserves"),
        "{}",
        r.stderr
    );

    // Names from file names are reported with the file that makes them.
    let site = with_config("");
    site.brief("aux", "title: Aux\ndate: 2025-07-13\nparties: [us]", "");
    site.write("static/Index.html", "<p>static</p>");
    site.write("static/Briefs/kl/note.txt", "case");
    site.write("static/Briefs/kl/other.txt", "case");
    let r = site.run(&["check"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    for expected in [
        "content/briefs/aux.md would write `briefs/aux/cite.bib`, but `aux` is a name Windows reserves",
        "`index.html` (the index (page 1)) and `Index.html` (static/Index.html) differ only by case",
        "`briefs` (content/briefs/aux.md) and `Briefs` (static/Briefs/kl/note.txt) differ only by case",
        "3 problems found",
    ] {
        assert!(
            r.stderr.contains(expected),
            "{expected} missing:\n{}",
            r.stderr
        );
    }
    assert_eq!(site.run(&["build"]).code, Some(1));
    assert!(!site.path("public").exists());
}

/// A party file of about 400 bytes whose `extra` grows to `9^levels` values through nested
/// YAML aliases.
fn alias_bomb(levels: usize) -> String {
    let names = ["a", "b", "c", "d", "e", "f", "g", "h"];
    let mut front = String::from("name: Bomb\nextra:\n  a: &a [x, x, x, x, x, x, x, x, x]\n");
    for pair in names[..levels].windows(2) {
        let alias = format!("*{}", pair[0]);
        front.push_str(&format!(
            "  {}: &{} [{}]\n",
            pair[1],
            pair[1],
            vec![alias; 9].join(", ")
        ));
    }
    front
}

/// Item 7: aliases cannot make a small site huge. 30 party files of 400 bytes took 5.2 s and
/// 683 MB and wrote a 34.6 MB `parties.json`; the expansion allowed is now proportional to
/// each file's size, so the site's total is bounded by its text.
#[test]
fn yaml_aliases_cannot_blow_up_a_site() {
    let site = with_config("");
    for i in 0..30 {
        site.party(&format!("bomb{i}"), &alias_bomb(5));
    }
    let cost = common::run_costed(site.root(), &["build", "--no-search"]);
    assert_eq!(cost.run.code, Some(1), "{}", cost.run.stderr);
    assert!(
        cost.run.stderr.contains("content/parties/bomb0.md"),
        "{}",
        cost.run.stderr
    );
    assert!(
        cost.run.stderr.contains("anchors and aliases"),
        "{}",
        cost.run.stderr
    );
    assert!(cost.elapsed.as_secs() < 10, "took {:?}", cost.elapsed);
    assert!(cost.peak_mib < 200, "peak {} MiB", cost.peak_mib);

    // Aliases used as people use them (a list written once, reused) still work.
    let site = with_config("");
    site.brief(
        "reuse",
        "title: Reuse\ndate: 2025-07-12\nparties: &both [us, jp]\ncommitments:\n  - id: c1\n    text: T\n    by: *both",
        "",
    );
    site.build();
}

/// Item 10: a list page's size does not grow with the product of two counts. 50 briefs
/// naming the same 1,000 parties wrote 785 KB per party page (ten cards of 1,000 chips); a
/// card now shows eight parties and says how many more, and the brief's page lists them all.
#[test]
fn list_pages_do_not_grow_with_parties_per_brief() {
    let site = with_config("");
    site.write("accord.toml", &format!("{CONFIG}search = false\n"));
    let ids: Vec<String> = (0..300).map(|i| format!("p{i}")).collect();
    for id in &ids {
        site.party(id, &format!("name: Party number {id}"));
    }
    for b in 0..20 {
        site.brief(
            &format!("b{b}"),
            &format!(
                "title: Brief {b}\ndate: 2025-07-{:02}\nparties: [{}]",
                b + 1,
                ids.join(", ")
            ),
            "",
        );
    }
    let cost = common::run_costed(site.root(), &["build"]);
    assert!(cost.run.ok(), "{}", cost.run.stderr);
    for page in [
        "public/index.html",
        "public/parties/p1/index.html",
        "public/people/index.html",
    ] {
        let size = std::fs::metadata(site.path(page)).map_or(0, |m| m.len());
        assert!(size < 30_000, "{page}: {size} bytes");
    }
    let index = site.html("public/index.html");
    assert_eq!(index.texts(".chip-more a")[0], "and 292 more");
    assert_eq!(
        site.html("public/briefs/b1/index.html")
            .count(".brief-glance a.chip-party, dd .chip-party"),
        300
    );
    assert!(cost.peak_mib < 500, "peak {} MiB", cost.peak_mib);
}

/// Held, kept: a body of 100,000 nested blockquotes builds (or fails) without a stack
/// overflow, in bounded time.
#[test]
fn deeply_nested_markdown_does_not_crash() {
    let site = with_config("");
    site.brief(
        "deep",
        "title: Deep\ndate: 2025-07-12\nparties: [us]",
        &format!("{} deep\n", ">".repeat(100_000)),
    );
    site.write("accord.toml", &format!("{CONFIG}search = false\n"));
    let cost = common::run_costed(site.root(), &["build"]);
    assert!(
        matches!(cost.run.code, Some(0) | Some(1)),
        "exit {:?}: {}",
        cost.run.code,
        cost.run.stderr
    );
    assert!(cost.elapsed.as_secs() < 60, "took {:?}", cost.elapsed);
}
