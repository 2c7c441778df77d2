//! Machine-readable pages: Atom and JSON Feed 1.1 feeds (of the whole site, and of each party
//! and topic) and `robots.txt`. They are pages like the others (a render job
//! each), made in Rust rather than from templates, since their formats are fixed.

use atom_syndication::{Content, Entry, Feed, FixedDateTime, Link, Person, Text};
use serde_json::json;

use super::deps::{Input, List, RecordedRefs, read};
use crate::model::{Brief, Refs, Site};
use crate::urls::site_path;

/// Briefs in a feed: the newest ones.
pub const FEED_ENTRIES: usize = 20;

/// Which briefs a feed lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedOf {
    Site,
    Party(String),
    Topic(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFormat {
    Atom,
    Json,
}

impl FeedOf {
    /// The site path of the feed: `atom.xml`, `parties/jp/feed.json`...
    pub fn path(&self, format: FeedFormat) -> String {
        let file = match format {
            FeedFormat::Atom => "atom.xml",
            FeedFormat::Json => "feed.json",
        };
        match self {
            FeedOf::Site => file.to_string(),
            FeedOf::Party(id) => format!("{}{file}", site_path::party(id)),
            FeedOf::Topic(id) => format!("{}{file}", site_path::topic(id)),
        }
    }

    /// The page the feed follows.
    fn home(&self) -> String {
        match self {
            FeedOf::Site => String::new(),
            FeedOf::Party(id) => site_path::party(id),
            FeedOf::Topic(id) => site_path::topic(id),
        }
    }

    /// Whether its entries carry the briefs' whole text: the site's feeds do; a party's or
    /// topic's carry the summary and link, as at 10,000 briefs their 180 files with the newest
    /// 20 briefs' text took 50 MB, each brief's text written into a dozen of them.
    pub fn full_text(&self) -> bool {
        matches!(self, FeedOf::Site)
    }

    /// The list of briefs the feed follows.
    fn list(&self) -> List {
        match self {
            FeedOf::Site => List::Index,
            FeedOf::Party(id) => List::Party(id.clone()),
            FeedOf::Topic(id) => List::Topic(id.clone()),
        }
    }

    pub fn title(&self, site: &Site) -> String {
        match self {
            FeedOf::Site => {}
            FeedOf::Party(id) => read(Input::PartyLink(id.clone())),
            FeedOf::Topic(id) => read(Input::TopicLink(id.clone())),
        }
        let name = |n: &str| format!("{n} · {}", site.config.title);
        match self {
            FeedOf::Site => site.config.title.clone(),
            FeedOf::Party(id) => name(
                site.parties
                    .get(id)
                    .map_or(id.as_str(), |p| p.name.as_str()),
            ),
            FeedOf::Topic(id) => name(site.topics.get(id).map_or(id.as_str(), |t| t.name.as_str())),
        }
    }

    fn briefs<'a>(&self, site: &'a Site) -> Vec<&'a Brief> {
        let indexes: Vec<usize> = match self {
            FeedOf::Site => (0..site.briefs.len()).collect(),
            FeedOf::Party(id) => site
                .parties
                .get(id)
                .map(|p| p.briefs.clone())
                .unwrap_or_default(),
            FeedOf::Topic(id) => site
                .topics
                .get(id)
                .map(|t| t.briefs.clone())
                .unwrap_or_default(),
        };
        read(Input::Newest(self.list(), FEED_ENTRIES));
        let briefs: Vec<&Brief> = indexes
            .into_iter()
            .take(FEED_ENTRIES)
            .filter_map(|i| site.briefs.get(i))
            .collect();
        for b in &briefs {
            read(Input::Brief(b.source.clone()));
            // A JSON feed's tags are the names of its topics.
            b.topics
                .iter()
                .for_each(|t| read(Input::TopicLink(t.clone())));
        }
        briefs
    }
}

/// RFC 3339 time of a brief's day (briefs carry dates, feeds want instants).
fn instant(date: jiff::civil::Date) -> FixedDateTime {
    format!("{date}T00:00:00Z")
        .parse()
        .unwrap_or_else(|_| FixedDateTime::default())
}

/// Attributes that hold a link, by the elements that have them.
const LINK_ATTRIBUTES: &[(&str, &str)] = &[
    ("a[href], area[href], link[href]", "href"),
    (
        "img[src], source[src], video[src], audio[src], track[src], iframe[src], embed[src]",
        "src",
    ),
    ("img[srcset], source[srcset]", "srcset"),
    ("video[poster]", "poster"),
    ("blockquote[cite], q[cite], del[cite], ins[cite]", "cite"),
];

/// Feed readers show content out of the site, so every link in it is made absolute against
/// the brief's own URL, as a browser on the brief's page would read it: `../other/`,
/// `img/a.png`, `#notes` and `/x/` land on the site, `//host/x` on that host. Raw HTML's links
/// are rewritten as well as Markdown's.
fn absolute_links(html: &str, page: &url::Url) -> String {
    let absolute = |link: &str| match page.join(link.trim()) {
        Ok(url) => url.to_string(),
        Err(_) => link.to_string(),
    };
    let mut settings = lol_html::RewriteStrSettings::new().with_enable_esi_tags(false);
    for &(selector, attribute) in LINK_ATTRIBUTES {
        settings =
            settings.append_element_content_handler(lol_html::element!(selector, move |el| {
                if let Some(value) = el.get_attribute(attribute) {
                    let rewritten = if attribute == "srcset" {
                        srcset_absolute(&value, &absolute)
                    } else {
                        absolute(&value)
                    };
                    el.set_attribute(attribute, &rewritten)?;
                }
                Ok(())
            }));
    }
    // The input is the HTML Accord just rendered; should the rewriter refuse it, the
    // relative links are left as they are rather than losing the entry.
    lol_html::rewrite_str(html, settings).unwrap_or_else(|_| html.to_string())
}

/// `a.png 1x, b.png 2x` with each URL made absolute.
fn srcset_absolute(srcset: &str, absolute: &dyn Fn(&str) -> String) -> String {
    srcset
        .split(',')
        .map(|candidate| {
            let candidate = candidate.trim();
            match candidate.split_once(char::is_whitespace) {
                Some((url, descriptor)) => format!("{} {}", absolute(url), descriptor.trim()),
                None => absolute(candidate),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// When a brief was published: its date's time, or the start of the day.
fn published(b: &Brief) -> FixedDateTime {
    b.published_rfc3339()
        .parse()
        .unwrap_or_else(|_| instant(b.date))
}

/// When a brief last changed: the day of `updated` if later than its date.
fn modified(b: &Brief) -> FixedDateTime {
    match b.updated {
        // Never before it was published (a late time with an offset can pass midnight UTC).
        Some(u) if u > b.date => instant(u).max(published(b)),
        _ => published(b),
    }
}

fn updated(briefs: &[&Brief]) -> FixedDateTime {
    briefs
        .iter()
        .map(|b| modified(b))
        .max()
        .unwrap_or_else(|| instant(jiff::civil::date(1970, 1, 1)))
}

/// A feed, with each brief's whole body; `Err` if a body no longer renders (see
/// [`Refs::render`]).
pub fn render(site: &Site, refs: &Refs, of: &FeedOf, format: FeedFormat) -> Result<String, String> {
    match format {
        FeedFormat::Atom => atom(site, refs, of),
        FeedFormat::Json => json_feed(site, refs, of),
    }
}

fn content_html(site: &Site, refs: &Refs, b: &Brief) -> Result<String, String> {
    let page = site
        .config
        .base_url
        .join(&site.urls.path(&site_path::brief(&b.slug)));
    let page = page.map_err(|e| format!("the URL of brief `{}`: {e}", b.slug))?;
    refs.render_via(&b.body, &RecordedRefs(refs))
        .map(|r| absolute_links(&r.html, &page))
}

fn atom(site: &Site, refs: &Refs, of: &FeedOf) -> Result<String, String> {
    let briefs = of.briefs(site);
    let self_url = site.urls.absolute(&of.path(FeedFormat::Atom));
    let author = Person {
        name: site.config.title.clone(),
        uri: Some(site.urls.absolute("")),
        ..Person::default()
    };
    let entries = briefs
        .iter()
        .map(|b| {
            let url = site.urls.absolute(&site_path::brief(&b.slug));
            Ok(Entry {
                title: Text::plain(b.title.clone()),
                id: url.clone(),
                updated: modified(b),
                published: Some(published(b)),
                authors: vec![author.clone()],
                links: vec![Link {
                    href: url,
                    rel: "alternate".into(),
                    mime_type: Some("text/html".into()),
                    ..Link::default()
                }],
                summary: b.summary.clone().map(Text::plain),
                content: match of.full_text() {
                    true => Some(Content {
                        value: Some(content_html(site, refs, b)?),
                        content_type: Some("html".into()),
                        ..Content::default()
                    }),
                    false => None,
                },
                ..Entry::default()
            })
        })
        .collect::<Result<_, String>>()?;
    let feed = Feed {
        title: Text::plain(of.title(site)),
        id: self_url.clone(),
        updated: updated(&briefs),
        authors: vec![author],
        links: vec![
            Link {
                href: self_url,
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Link::default()
            },
            Link {
                href: site.urls.absolute(&of.home()),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Link::default()
            },
        ],
        subtitle: (!site.config.description.is_empty())
            .then(|| Text::plain(site.config.description.clone())),
        entries,
        ..Feed::default()
    };
    let mut xml = feed.to_string();
    if !xml.starts_with("<?xml") {
        xml.insert_str(0, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    }
    Ok(xml)
}

fn json_feed(site: &Site, refs: &Refs, of: &FeedOf) -> Result<String, String> {
    let items: Vec<serde_json::Value> = of
        .briefs(site)
        .iter()
        .map(|b| {
            let url = site.urls.absolute(&site_path::brief(&b.slug));
            let mut item = json!({
                "id": url,
                "url": url,
                "title": b.title,
                "date_published": published(b).to_rfc3339(),
                "tags": b.topics.iter().filter_map(|t| site.topics.get(t)).map(|t| t.name.clone()).collect::<Vec<_>>(),
            });
            if of.full_text() {
                item["content_html"] = json!(content_html(site, refs, b)?);
            } else {
                item["content_text"] = json!(b.summary.as_deref().unwrap_or(&b.title));
            }
            if let Some(summary) = &b.summary {
                item["summary"] = json!(summary);
            }
            if b.updated.is_some() {
                item["date_modified"] = json!(modified(b).to_rfc3339());
            }
            Ok(item)
        })
        .collect::<Result<_, String>>()?;
    let feed = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": of.title(site),
        "home_page_url": site.urls.absolute(&of.home()),
        "feed_url": site.urls.absolute(&of.path(FeedFormat::Json)),
        "description": site.config.description,
        "language": site.config.language,
        "authors": [{ "name": site.config.title, "url": site.urls.absolute("") }],
        "items": items,
    });
    serde_json::to_string_pretty(&feed).map_err(|e| e.to_string())
}

pub fn robots(site: &Site) -> String {
    format!(
        "User-agent: *\nAllow: /\nSitemap: {}\n",
        site.urls.absolute("sitemap.xml")
    )
}
