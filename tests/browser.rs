//! End-to-end tests of `accord serve` in real headless Chromium, driven over WebDriver
//! (Debian's `chromium` and `chromium-driver`). Ignored in a plain `cargo test`; `.ci/run`
//! installs both and runs them with `cargo test -- --include-ignored`.

mod common;

use common::Site;
use common::browser::{Browser, ONE_AT_A_TIME, Server};
use serde_json::json;

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

#[test]
#[ignore = "needs chromium and chromium-driver (run by .ci/run)"]
fn an_edit_appears_in_the_open_page_and_keeps_its_scroll_position() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let site = site();
    let long_body = "Paragraph of text.\n\n".repeat(200);
    let (f, _) = brief("Kuala Lumpur talks", "");
    site.brief("kl", &f, &long_body);
    let server = Server::start(&site);
    common::browser::runtime().block_on(async {
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
    common::browser::runtime().block_on(async {
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
    common::browser::runtime().block_on(async {
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
    common::browser::runtime().block_on(async {
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
    common::browser::runtime().block_on(async {
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

#[test]
#[ignore = "needs chromium and chromium-driver (run by .ci/run)"]
fn rapid_saves_leave_the_page_current() {
    // Regression: a rebuild finishing between a page's load and its event stream's start
    // used to go unnoticed, leaving the page one save behind.
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let site = Site::new();
    let f = "title: KL\ndate: 2025-07-11\nparties: [us, jp]";
    site.brief("kl", f, "v0\n");
    let server = Server::start(&site);
    common::browser::runtime().block_on(async {
        let b = Browser::start().await;
        b.client
            .goto(&format!("{}briefs/kl/", server.url))
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let mut stale = Vec::new();
        for round in 0..6 {
            for i in 0..8 {
                site.brief("kl", f, &format!("MARK-{round}-{i}\n"));
                tokio::time::sleep(std::time::Duration::from_millis(20 + 10 * (i % 3))).await;
            }
            tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
            let shown = b
                .eval("return document.body.innerText.match(/MARK-\\d+-\\d+/)?.[0] || ''")
                .await;
            let want = format!("MARK-{round}-7");
            if shown.as_str() != Some(want.as_str()) {
                stale.push(format!("round {round}: page shows {shown}, want {want}"));
            }
        }
        b.stop().await;
        assert!(stale.is_empty(), "{}", stale.join("\n"));
    });
}
