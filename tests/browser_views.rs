//! The tracker's filters and sorting and the search page, in real headless Chromium, on a
//! site served under a sub-path (`/briefs/`). Ignored in a plain `cargo test`; `.ci/run`
//! runs them with `-- --include-ignored`.

mod common;

use common::Site;
use common::browser::{Browser, ONE_AT_A_TIME, Server};
use fantoccini::Locator;
use serde_json::json;

fn site() -> Site {
    let site = Site::new();
    site.brief(
        "kl",
        "title: Kuala Lumpur trilateral\ndate: 2025-07-11\nparties: [us, jp, kr]\ntopics: [defense]\ncommitments:\n  - id: drills\n    text: Hold joint drills.\n    by: [us, jp, kr]\n    topic: defense\n    status: announced\n    due: 2025-09-01\n  - id: ships\n    text: Build ships together.\n    by: [us, kr]\n    status: announced",
        "The ministers discussed maritime deterrence near the Spratly reefs.\n",
    );
    site.brief(
        "later",
        "title: Drills postponed\ndate: 2025-10-01\nparties: [us, jp]\ntopics: [defense]\ncommitments:\n  - id: drills\n    status: stalled\n  - id: trade-deal\n    text: Conclude a trade deal.\n    by: [jp, my]\n    status: fulfilled",
        "The first drill slipped to next year.\n",
    );
    site.brief(
        "manila",
        "title: Manila trade talks\ndate: 2025-03-01\nparties: [my]\ntopics: [trade]",
        "Officials compared tariff schedules for semiconductors.\n",
    );
    site
}

const VISIBLE_ROWS: &str = "return Array.from(document.querySelectorAll('table.tracker tbody tr')).filter(r => !r.hidden).map(r => r.dataset.id).join(',')";

fn select(name: &str, value: &str) -> String {
    format!(
        "const s = document.querySelector('form [name={name}]'); s.value = {}; s.dispatchEvent(new Event('change', {{bubbles: true}})); return true",
        json!(value)
    )
}

#[test]
#[ignore = "needs chromium and chromium-driver (run by .ci/run)"]
fn the_tracker_filters_and_sorts_in_the_browser() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let site = site();
    let server = Server::start(&site);
    assert!(server.url.ends_with("/briefs/"), "{}", server.url);
    common::browser::runtime().block_on(async {
        let b = Browser::start().await;
        b.client
            .goto(&format!("{}commitments/", server.url))
            .await
            .unwrap();
        b.wait_for(
            "return !document.querySelector('form.tracker-filters').hidden",
            "the filters to show",
            &server,
        )
        .await;
        assert_eq!(b.eval(VISIBLE_ROWS).await, "drills,ships,trade-deal");
        b.eval(&select("status", "stalled")).await;
        assert_eq!(b.eval(VISIBLE_ROWS).await, "drills");
        assert_eq!(
            b.eval("return document.getElementById('tracker-count').textContent")
                .await,
            "1 of 3 commitments shown"
        );
        assert_eq!(b.eval("return location.search").await, "?status=stalled");
        b.eval(&select("status", "")).await;
        b.eval(&select("party", "kr")).await;
        assert_eq!(b.eval(VISIBLE_ROWS).await, "drills,ships");
        // A party page's record links open the tracker filtered.
        b.client
            .goto(&format!(
                "{}commitments/?party=jp&status=fulfilled",
                server.url
            ))
            .await
            .unwrap();
        b.wait_for(
            "return !document.querySelector('form.tracker-filters').hidden",
            "the filters to show",
            &server,
        )
        .await;
        assert_eq!(b.eval(VISIBLE_ROWS).await, "trade-deal");
        // Sorting by due date puts dated rows first, empty last, either way.
        b.client
            .goto(&format!("{}commitments/", server.url))
            .await
            .unwrap();
        b.wait_for(
            "return document.querySelector('th[data-sort=text] button.sort') !== null",
            "sort buttons",
            &server,
        )
        .await;
        b.client
            .find(Locator::Css("th[data-sort=text] button.sort"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        assert_eq!(b.eval(VISIBLE_ROWS).await, "ships,trade-deal,drills");
        assert_eq!(
            b.eval("return document.querySelector('th[data-sort=text]').getAttribute('aria-sort')")
                .await,
            "ascending"
        );
        b.client
            .find(Locator::Css("th[data-sort=text] button.sort"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        assert_eq!(b.eval(VISIBLE_ROWS).await, "drills,trade-deal,ships");
        b.stop().await;
    });
}

const RESULT_TITLES: &str = "Array.from(document.querySelectorAll('#search-results h2 a')).map(a => a.textContent + ' ' + a.getAttribute('href')).join('|')";

#[test]
#[ignore = "needs chromium and chromium-driver (run by .ci/run)"]
fn search_finds_briefs_and_filters_them_under_a_sub_path() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let site = site();
    site.brief(
        "seoul",
        "title: Seoul follow-up\ndate: 2025-05-01\nparties: [jp]",
        "A short follow-up meeting.\n",
    );
    site.brief(
        "tokyo",
        "title: Tokyo opening\ndate: 2025-01-15\nparties: [jp]",
        "The first meeting of the year.\n",
    );
    // Two briefs a shard, newest first: [later, kl], [seoul, manila], [tokyo]. Every search
    // below merges the shards, and a listing of Japan's briefs spans all three.
    site.write(
        "accord.toml",
        &format!("{}search_shard_size = 2\n", common::CONFIG),
    );
    let server = Server::start(&site);
    common::browser::runtime().block_on(async {
        let b = Browser::start().await;
        // The index is built in the background after the pages; wait for it to be served.
        let entry = format!("{}pagefind/pagefind-entry.json", server.url);
        b.client.goto(&format!("{}search/", server.url)).await.unwrap();
        b.wait_for(
            &format!("return fetch({}).then(r => r.ok)", json!(entry)),
            "the search index",
            &server,
        )
        .await;
        b.client.goto(&format!("{}search/", server.url)).await.unwrap();
        b.wait_for(
            "return !document.querySelector('.search-filters').hidden",
            "the search filters",
            &server,
        )
        .await;
        let input = b.client.find(Locator::Css("#search-q")).await.unwrap();
        input.send_keys("tariff").await.unwrap();
        b.wait_for(
            "return document.querySelectorAll('#search-results li').length > 0",
            "search results",
            &server,
        )
        .await;
        assert_eq!(b.eval(&format!("return {RESULT_TITLES}")).await, "Manila trade talks /briefs/briefs/manila/");
        assert!(b.eval("return document.querySelector('#search-results mark').textContent").await.as_str().unwrap_or("").to_lowercase().contains("tariff"));
        assert_eq!(b.eval("return location.search").await, "?q=tariff");

        // Filters alone list the briefs they match, newest first; a brief's status filter is
        // the current status of the commitments it names. With a query, both apply.
        b.client.goto(&format!("{}search/?status=Stalled", server.url)).await.unwrap();
        b.wait_for(
            &format!("return {RESULT_TITLES} === 'Drills postponed /briefs/briefs/later/|Kuala Lumpur trilateral /briefs/briefs/kl/'"),
            "the briefs naming a stalled commitment",
            &server,
        )
        .await;
        b.client.goto(&format!("{}search/?q=drill&party=Republic%20of%20Korea", server.url)).await.unwrap();
        b.wait_for(
            &format!("return {RESULT_TITLES} === 'Kuala Lumpur trilateral /briefs/briefs/kl/'"),
            "the Korea brief about drills",
            &server,
        )
        .await;
        let options = b
            .eval("return Array.from(document.querySelectorAll('select[name=party] option')).map(o => o.value).join(',')")
            .await;
        assert_eq!(options, ",Japan,Malaysia,Republic of Korea,United States");
        // Counts add up across the shards.
        let japan = b
            .eval("return document.querySelector('select[name=party] option[value=Japan]').textContent")
            .await;
        assert_eq!(japan, "Japan (4)");
        // A filter alone lists newest first across the shards (merging by score would put
        // `seoul` second: each shard scores its own date order).
        b.client.goto(&format!("{}search/?party=Japan", server.url)).await.unwrap();
        b.wait_for(
            &format!("return {RESULT_TITLES} === 'Drills postponed /briefs/briefs/later/|Kuala Lumpur trilateral /briefs/briefs/kl/|Seoul follow-up /briefs/briefs/seoul/|Tokyo opening /briefs/briefs/tokyo/'"),
            "Japan's briefs, newest first",
            &server,
        )
        .await;
        assert_eq!(b.eval("return document.getElementById('search-status').textContent").await, "4 briefs match.");
        b.stop().await;
    });
}
