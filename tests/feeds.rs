//! Feeds, sitemap, robots.txt, the 404 page and page metadata, parsed with real parsers.

mod common;

use std::str::FromStr;

use common::Site;

fn site() -> Site {
    let site = Site::new();
    site.brief(
        "kl",
        "title: Kuala Lumpur talks\ndate: 2025-07-11\nupdated: 2025-07-14\nsummary: Three allies met.\nlocation: Kuala Lumpur\nparties: [us, jp]\ntopics: [defense]",
        "Met [[jp]] on [[topic:defense]] & more.\n",
    );
    site.brief(
        "manila",
        "title: Manila talks\ndate: 2025-06-01\nparties: [us]",
        "Earlier.\n",
    );
    site
}

#[test]
fn atom_feeds_of_the_site_and_of_each_party_and_topic_parse_and_link_absolutely() {
    let site = site();
    site.build();
    let feed = atom_syndication::Feed::from_str(&site.read("public/atom.xml")).expect("valid Atom");
    assert_eq!(feed.id, "https://org.github.io/briefs/atom.xml");
    assert_eq!(feed.updated.to_rfc3339(), "2025-07-14T00:00:00+00:00");
    assert!(!feed.authors.is_empty());
    assert!(
        feed.links
            .iter()
            .any(|l| l.rel == "self" && l.href == "https://org.github.io/briefs/atom.xml")
    );
    let titles: Vec<&str> = feed.entries.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["Kuala Lumpur talks", "Manila talks"]);
    let kl = &feed.entries[0];
    assert_eq!(kl.id, "https://org.github.io/briefs/briefs/kl/");
    assert_eq!(
        kl.published.unwrap().to_rfc3339(),
        "2025-07-11T00:00:00+00:00"
    );
    let content = kl.content.as_ref().and_then(|c| c.value.clone()).unwrap();
    assert!(
        content.contains(r#"href="https://org.github.io/briefs/parties/jp/""#),
        "{content}"
    );
    assert!(
        !content.contains("href=\"/"),
        "relative link in feed content: {content}"
    );

    let jp = atom_syndication::Feed::from_str(&site.read("public/parties/jp/atom.xml"))
        .expect("valid Atom");
    assert_eq!(jp.entries.len(), 1);
    assert!(jp.title.as_str().starts_with("Japan"));
    // A party's feed carries the summary and the link, not the whole text.
    assert!(jp.entries[0].content.is_none());
    assert_eq!(
        jp.entries[0].summary.as_ref().map(|s| s.as_str()),
        Some("Three allies met.")
    );
    assert_eq!(
        jp.entries[0].links[0].href,
        "https://org.github.io/briefs/briefs/kl/"
    );
    let defense =
        atom_syndication::Feed::from_str(&site.read("public/topics/defense/atom.xml")).unwrap();
    assert_eq!(defense.entries.len(), 1);
}

#[test]
fn json_feeds_follow_json_feed_1_1() {
    let site = site();
    site.build();
    let feed: serde_json::Value = serde_json::from_str(&site.read("public/feed.json")).unwrap();
    assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(feed["feed_url"], "https://org.github.io/briefs/feed.json");
    assert_eq!(feed["home_page_url"], "https://org.github.io/briefs/");
    let items = feed["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], "https://org.github.io/briefs/briefs/kl/");
    assert_eq!(items[0]["summary"], "Three allies met.");
    assert_eq!(items[0]["date_modified"], "2025-07-14T00:00:00+00:00");
    assert_eq!(items[0]["tags"], serde_json::json!(["Defence"]));
    let us: serde_json::Value =
        serde_json::from_str(&site.read("public/parties/us/feed.json")).unwrap();
    assert_eq!(us["items"].as_array().unwrap().len(), 2);
    assert!(us["items"][0]["content_html"].is_null());
    assert_eq!(us["items"][0]["content_text"], "Three allies met.");
    assert!(items[0]["content_html"].as_str().unwrap().contains("Met "));
}

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// The `(loc, lastmod)` of each entry of a sitemap or sitemap index, checking its root element.
fn sitemap_entries(xml: &str, root_tag: &str) -> Vec<(String, Option<String>)> {
    let doc = roxmltree::Document::parse(xml).expect("well-formed sitemap");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), root_tag);
    assert_eq!(root.tag_name().namespace(), Some(SITEMAP_NS));
    root.children()
        .filter(|n| n.is_element())
        .map(|entry| {
            let child = |name: &str| {
                entry
                    .children()
                    .find(|n| n.has_tag_name(name))
                    .and_then(|n| n.text())
                    .map(String::from)
            };
            (child("loc").expect("a loc"), child("lastmod"))
        })
        .collect()
}

/// Every URL of every sitemap the index lists, after checking the index and each file.
fn all_sitemap_urls(site: &Site, max_per_file: usize) -> Vec<(String, Option<String>)> {
    let index = sitemap_entries(&site.read("public/sitemap.xml"), "sitemapindex");
    assert!(!index.is_empty());
    let mut urls = Vec::new();
    for (n, (loc, lastmod)) in index.iter().enumerate() {
        assert_eq!(
            loc,
            &format!("https://org.github.io/briefs/sitemap-{}.xml", n + 1)
        );
        let file = loc.trim_start_matches("https://org.github.io/briefs/");
        let part = sitemap_entries(&site.read(&format!("public/{file}")), "urlset");
        assert!(
            !part.is_empty() && part.len() <= max_per_file,
            "{file}: {}",
            part.len()
        );
        // The file's lastmod is the latest of its URLs'.
        assert_eq!(lastmod, &part.iter().filter_map(|(_, l)| l.clone()).max());
        urls.extend(part);
    }
    urls
}

#[test]
fn sitemap_index_lists_sitemaps_of_every_page_with_lastmod_and_robots_points_at_it() {
    let site = site();
    site.build();
    let urls = all_sitemap_urls(&site, 50_000);
    let locs: Vec<&str> = urls.iter().map(|(l, _)| l.as_str()).collect();
    assert!(locs.contains(&"https://org.github.io/briefs/briefs/kl/"));
    assert!(locs.contains(&"https://org.github.io/briefs/parties/jp/"));
    assert!(
        locs.iter()
            .all(|l| l.starts_with("https://org.github.io/briefs/"))
    );
    assert!(!locs.iter().any(|l| l.ends_with("404.html")));
    // Every HTML file but 404.html is listed, once, with a lastmod.
    let html_files = common::snapshot(&site.path("public"))
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html") && p != "404.html")
        .count();
    assert_eq!(locs.len(), html_files);
    let unique: std::collections::BTreeSet<&&str> = locs.iter().collect();
    assert_eq!(unique.len(), locs.len());
    assert!(urls.iter().all(|(_, lastmod)| lastmod.is_some()));
    let lastmod = |loc: &str| {
        urls.iter()
            .find(|(l, _)| l == &format!("https://org.github.io/briefs/{loc}"))
            .and_then(|(_, m)| m.clone())
    };
    // A brief's last change; a party's page, its newest brief's; a list, the site's newest.
    assert_eq!(lastmod("briefs/kl/").as_deref(), Some("2025-07-14"));
    assert_eq!(lastmod("briefs/manila/").as_deref(), Some("2025-06-01"));
    assert_eq!(lastmod("parties/jp/").as_deref(), Some("2025-07-14"));
    // A party without briefs: the site's newest change.
    assert_eq!(lastmod("parties/kr/").as_deref(), Some("2025-07-14"));
    assert_eq!(lastmod("parties/").as_deref(), Some("2025-07-14"));
    assert!(
        site.read("public/robots.txt")
            .contains("Sitemap: https://org.github.io/briefs/sitemap.xml")
    );
}

#[test]
fn sitemaps_split_at_sitemap_urls() {
    let site = site();
    site.write(
        "accord.toml",
        &format!("{}sitemap_urls = 5\n", common::CONFIG),
    );
    site.build();
    let urls = all_sitemap_urls(&site, 5);
    let html_files = common::snapshot(&site.path("public"))
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html") && p != "404.html")
        .count();
    assert_eq!(urls.len(), html_files);
    let files = html_files.div_ceil(5);
    assert!(files > 2, "{files}");
    assert!(site.path(&format!("public/sitemap-{files}.xml")).is_file());
    assert!(
        !site
            .path(&format!("public/sitemap-{}.xml", files + 1))
            .exists()
    );

    site.write(
        "accord.toml",
        &format!("{}sitemap_urls = 50001\n", common::CONFIG),
    );
    let err = site.build_fails();
    assert!(
        err.contains("`sitemap_urls` must be between 1 and 50000")
            && err.contains("accord.toml:6:"),
        "{err}"
    );
}

#[test]
fn the_404_page_links_from_the_host_root() {
    let site = site();
    site.build();
    let page = site.html("public/404.html");
    assert_eq!(page.text("h1"), "Page not found");
    for href in page
        .attrs("a[href]", "href")
        .iter()
        .chain(page.attrs("link[href]", "href").iter())
    {
        assert!(
            href.starts_with("/briefs/") || href.starts_with('#') || href.starts_with("https://"),
            "relative link {href} breaks on a deep 404"
        );
    }
}

#[test]
fn pages_carry_canonical_open_graph_and_json_ld() {
    let site = site();
    site.build();
    let page = site.html("public/briefs/kl/index.html");
    assert_eq!(
        page.attrs("link[rel=canonical]", "href"),
        ["https://org.github.io/briefs/briefs/kl/"]
    );
    assert_eq!(
        page.attrs("meta[property='og:type']", "content"),
        ["article"]
    );
    assert_eq!(
        page.attrs("meta[property='og:url']", "content"),
        ["https://org.github.io/briefs/briefs/kl/"]
    );
    assert_eq!(
        page.attrs("meta[name=description]", "content"),
        ["Three allies met."]
    );
    assert_eq!(
        page.attrs("meta[name='twitter:card']", "content"),
        ["summary"]
    );
    assert_eq!(
        page.attrs("link[rel=alternate][type='application/atom+xml']", "href"),
        ["/briefs/atom.xml"]
    );
    let ld: serde_json::Value =
        serde_json::from_str(&page.text("script[type='application/ld+json']")).unwrap();
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], "Kuala Lumpur talks");
    assert_eq!(ld["datePublished"], "2025-07-11");
    assert_eq!(ld["dateModified"], "2025-07-14");
    assert_eq!(ld["about"][1]["name"], "Japan");
    assert_eq!(ld["about"][1]["@type"], "Country");
    let party = site.html("public/parties/jp/index.html");
    let ld: serde_json::Value =
        serde_json::from_str(&party.text("script[type='application/ld+json']")).unwrap();
    assert_eq!(ld["@type"], "Country");
    assert_eq!(
        party.attrs("link[rel=alternate][type='application/atom+xml']", "href"),
        ["/briefs/parties/jp/atom.xml"]
    );
    let asean = site.html("public/parties/asean/index.html");
    let ld: serde_json::Value =
        serde_json::from_str(&asean.text("script[type='application/ld+json']")).unwrap();
    assert_eq!(ld["@type"], "Organization");
}

#[test]
fn cname_is_written_when_set() {
    let site = site();
    site.build();
    assert!(!site.path("public/CNAME").exists());
    site.write(
        "accord.toml",
        &format!("cname = \"briefs.example.org\"\n{}", common::CONFIG),
    );
    site.build();
    assert_eq!(site.read("public/CNAME"), "briefs.example.org\n");
}
