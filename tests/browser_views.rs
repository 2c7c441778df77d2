//! The tracker's filters and sorting and the search page, in real headless Chromium, on a
//! site served under a sub-path (`/briefs/`). Ignored in a plain `cargo test`; `.ci/run`
//! runs them with `-- --include-ignored`.

mod common;
#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

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

/// The commitments the tracker's table shows, by id, in order.
const ROWS: &str = "return Array.from(document.querySelectorAll('#tracker-results tbody th a')).map(a => a.getAttribute('href').split('/').filter(Boolean).pop()).join(',')";

fn select(name: &str, value: &str) -> String {
    format!(
        "const s = document.querySelector('form [name={name}]'); s.value = {}; s.dispatchEvent(new Event('change', {{bubbles: true}})); return true",
        json!(value)
    )
}

fn check(name: &str, on: bool) -> String {
    format!(
        "const c = document.querySelector('form [name={name}]'); c.checked = {on}; c.dispatchEvent(new Event('change', {{bubbles: true}})); return true"
    )
}

/// Wait until the tracker shows `ids` (comma-separated) as the result of the filters.
async fn wait_rows(b: &Browser, ids: &str, server: &Server) {
    b.wait_for(
        &format!(
            "{}; return document.getElementById('tracker-results-heading').textContent === 'Matching commitments' && rows() === {}",
            ROWS.replacen("return ", "const rows = () => ", 1),
            json!(ids)
        ),
        &format!("the rows {ids}"),
        server,
    )
    .await;
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
        // Before any filter: the static rows, most recently changed first.
        assert_eq!(b.eval(ROWS).await, "drills,trade-deal,ships");
        b.eval(&select("status", "stalled")).await;
        wait_rows(&b, "drills", &server).await;
        assert_eq!(
            b.eval("return document.getElementById('tracker-count').textContent")
                .await,
            "1 commitment matches; showing 1 to 1."
        );
        assert_eq!(b.eval("return location.search").await, "?status=stalled");
        // Dates read as on the pages (`date_format`).
        assert_eq!(
            b.eval("return document.querySelector('#tracker-results tbody td:nth-child(5)').textContent")
                .await,
            "11 July 2025"
        );
        b.eval(&select("status", "")).await;
        b.eval(&select("party", "kr")).await;
        wait_rows(&b, "drills,ships", &server).await;
        // Sorting is kept in the address, as filters are.
        b.eval(&select("party", "")).await;
        b.eval(&select("sort", "text")).await;
        wait_rows(&b, "ships,trade-deal,drills", &server).await;
        b.eval(&check("reverse", true)).await;
        wait_rows(&b, "drills,trade-deal,ships", &server).await;
        assert_eq!(b.eval("return location.search").await, "?sort=text&reverse=1");
        // Words, by their beginnings; overdue as of the build date.
        b.client
            .goto(&format!("{}commitments/?q=joint%20dr", server.url))
            .await
            .unwrap();
        wait_rows(&b, "drills", &server).await;
        b.client
            .goto(&format!("{}commitments/?overdue=1", server.url))
            .await
            .unwrap();
        wait_rows(&b, "drills", &server).await;
        // A party page's record links open the tracker filtered.
        b.client
            .goto(&format!(
                "{}commitments/?party=jp&status=fulfilled",
                server.url
            ))
            .await
            .unwrap();
        wait_rows(&b, "trade-deal", &server).await;
        // Clearing the filters brings back the most recently changed.
        b.client
            .find(Locator::Css("form.tracker-filters button[type=reset]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        b.wait_for(
            "return document.getElementById('tracker-results-heading').textContent === 'Recently changed' && location.search === ''",
            "the overview again",
            &server,
        )
        .await;
        b.stop().await;
    });
}

/// The ids of a static list page's rows, fetched and parsed in the page.
fn static_rows(url: &str) -> String {
    format!(
        "return fetch({}).then(r => r.text()).then(t => Array.from(new DOMParser().parseFromString(t, 'text/html').querySelectorAll('tbody th a')).map(a => a.getAttribute('href').split('/').filter(Boolean).pop()).join(','))",
        json!(url)
    )
}

/// On a generated archive of 1,700 commitments (lists of many pages, data of several
/// shards), the script's pages agree with the static lists, sorts hold across shards, and a
/// filter reads only its own list's shards.
#[test]
#[ignore = "needs chromium and chromium-driver (run by .ci/run)"]
fn the_tracker_pages_through_a_large_archive_as_the_static_lists_do() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    gen_corpus::generate(dir.path(), 700).unwrap();
    let server = Server::start_at(dir.path());
    assert!(server.url.ends_with("/briefs/"), "{}", server.url);
    common::browser::runtime().block_on(async {
        let b = Browser::start().await;
        let tracker = format!("{}commitments/", server.url);
        b.client.goto(&format!("{tracker}?status=fulfilled")).await.unwrap();
        b.wait_for(
            "return document.getElementById('tracker-results-heading').textContent === 'Matching commitments'",
            "the fulfilled commitments",
            &server,
        )
        .await;
        let first = b.eval(ROWS).await.as_str().unwrap().to_string();
        assert_eq!(first.split(',').count(), 50);
        b.client
            .find(Locator::XPath("//nav[contains(@class,'tracker-pager')]/button[.='Next page']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        b.wait_for(
            &format!("{}; return rows() !== {} && location.search === '?status=fulfilled&page=2'", ROWS.replacen("return ", "const rows = () => ", 1), json!(first)),
            "the second page",
            &server,
        )
        .await;
        let second = b.eval(ROWS).await.as_str().unwrap().to_string();
        let listed = b
            .eval(&static_rows(&format!("{tracker}status/fulfilled/")))
            .await;
        assert_eq!(format!("{first},{second}"), listed.as_str().unwrap());
        let count = b.eval("return document.getElementById('tracker-count').textContent").await;
        let lede = b
            .eval(&format!("return fetch({}).then(r => r.text()).then(t => new DOMParser().parseFromString(t, 'text/html').querySelector('.lede').textContent)", json!(format!("{tracker}status/fulfilled/"))))
            .await;
        let n = lede.as_str().unwrap().split(' ').next().unwrap().to_string();
        assert!(count.as_str().unwrap().starts_with(&format!("{n} commitments match")), "{count} / {lede}");

        // Most briefs first, over every commitment, without a filter: read in order from the
        // sorted list, a shard at a time.
        b.client.goto(&format!("{tracker}?sort=mentions")).await.unwrap();
        b.wait_for(
            "return document.getElementById('tracker-results-heading').textContent === 'Matching commitments'",
            "the commitments with most briefs",
            &server,
        )
        .await;
        let briefs = b
            .eval("return Array.from(document.querySelectorAll('#tracker-results tbody td.num')).map(td => Number(td.textContent))")
            .await;
        let briefs: Vec<u64> = briefs.as_array().unwrap().iter().filter_map(|v| v.as_u64()).collect();
        assert_eq!(briefs.len(), 50);
        assert!(briefs.windows(2).all(|w| w[0] >= w[1]), "{briefs:?}");
        assert!(briefs[0] > 1);

        // One party, by due date: only that party's shards are read.
        b.client.goto(&format!("{tracker}?party=p07&sort=due")).await.unwrap();
        b.wait_for(
            "return document.getElementById('tracker-results-heading').textContent === 'Matching commitments'",
            "party p07 by due date",
            &server,
        )
        .await;
        let dues = b
            .eval("return Array.from(document.querySelectorAll('#tracker-results tbody td:nth-child(7) time')).map(t => t.getAttribute('datetime'))")
            .await;
        let dues: Vec<&str> = dues.as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
        assert!(!dues.is_empty() && dues.windows(2).all(|w| w[0] <= w[1]), "{dues:?}");
        let read = b
            .eval("return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/commitments/data/')).map(n => n.split('/commitments/data/')[1]).join(',')")
            .await;
        let read = read.as_str().unwrap();
        assert!(read.contains("party/p07/1.json"), "{read}");
        assert!(!read.contains("all/") && !read.contains("sort/"), "{read}");
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
    // Two briefs a shard, from the oldest: [tokyo, manila], [seoul, kl], [later]. Every search
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
