//! The sitemap. `sitemap.xml` is a sitemap index (robots.txt points at it) listing
//! `sitemap-1.xml`, `sitemap-2.xml`..., each a sitemap of at most `sitemap_urls` URLs, by default
//! [`MAX_URLS_PER_FILE`], the protocol's limit (its other limit, 50 MB a file, is far off: an
//! entry is about 130 bytes).
//! Every URL has a `lastmod`: the last change of the briefs its page shows.

use jiff::civil::Date;

use super::{Page, PageKind};
use crate::html::escape;
use crate::model::Site;
use crate::urls::output_file;

/// The most URLs the sitemaps protocol allows in one file.
pub const MAX_URLS_PER_FILE: usize = 50_000;

fn per_file(site: &Site) -> usize {
    site.config.options.sitemap_urls.clamp(1, MAX_URLS_PER_FILE)
}

const NAMESPACE: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// Whether a page is listed: every HTML page but the 404 page and redirects.
pub fn listed(page: &Page) -> bool {
    !matches!(page.kind, PageKind::Redirect(..))
        && page.path != "404.html"
        && output_file(&page.path).ends_with(".html")
}

/// The site path of sitemap number `n` (from 1).
pub fn part_path(n: usize) -> String {
    format!("sitemap-{n}.xml")
}

/// How many sitemap files `listed` URLs take (at least one, so the index is never empty).
pub fn part_count(site: &Site, listed: usize) -> usize {
    listed.div_ceil(per_file(site)).max(1)
}

/// The site paths of a site's sitemap files (not the index).
pub fn part_paths(site: &Site) -> Vec<String> {
    (1..=part_count(site, listed_pages(site).len()))
        .map(part_path)
        .collect()
}

/// The pages the sitemap lists, in the order of [`super::pages`]. Made once per render (see
/// `Prepared::sitemap_pages`), not once per sitemap file: at 100,000 briefs there are 600,000.
pub fn listed_pages(site: &Site) -> Vec<Page> {
    super::pages(site).into_iter().filter(listed).collect()
}

/// `sitemap.xml`: the sitemap files, each with the latest `lastmod` of its URLs (`listed`:
/// [`listed_pages`]).
pub fn index(site: &Site, listed: &[Page]) -> String {
    let latest = latest_change(site);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"{NAMESPACE}\">\n"
    );
    for n in 1..=part_count(site, listed.len()) {
        let chunk = listed.chunks(per_file(site)).nth(n - 1).unwrap_or_default();
        let lastmod = chunk.iter().filter_map(|p| lastmod(site, p, latest)).max();
        xml.push_str("  <sitemap><loc>");
        xml.push_str(&escape(&site.urls.absolute(&part_path(n))));
        xml.push_str("</loc>");
        push_lastmod(&mut xml, lastmod);
        xml.push_str("</sitemap>\n");
    }
    xml.push_str("</sitemapindex>\n");
    xml
}

/// Sitemap number `n`: its share of the `listed` pages ([`listed_pages`]).
pub fn part(site: &Site, listed: &[Page], n: usize) -> String {
    let latest = latest_change(site);
    let mut xml =
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"{NAMESPACE}\">\n");
    let chunk = listed
        .iter()
        .skip((n.max(1) - 1) * per_file(site))
        .take(per_file(site));
    for page in chunk {
        xml.push_str("  <url><loc>");
        xml.push_str(&escape(&site.urls.absolute(&page.path)));
        xml.push_str("</loc>");
        push_lastmod(&mut xml, lastmod(site, page, latest));
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

fn push_lastmod(xml: &mut String, date: Option<Date>) {
    if let Some(d) = date {
        xml.push_str(&format!("<lastmod>{d}</lastmod>"));
    }
}

/// The latest change of any brief: what a list of the whole site last changed with.
fn latest_change(site: &Site) -> Option<Date> {
    site.briefs.iter().map(|b| b.last_changed()).max()
}

/// When a page's content last changed: the latest change of the briefs it shows (a brief's
/// `updated`, else its date). Pages listing the whole site, and pages showing no brief,
/// change with its newest brief.
fn lastmod(site: &Site, page: &Page, latest: Option<Date>) -> Option<Date> {
    own_lastmod(site, page).or(latest)
}

fn own_lastmod(site: &Site, page: &Page) -> Option<Date> {
    let of = |indexes: &[usize]| {
        indexes
            .iter()
            .filter_map(|&i| site.briefs.get(i))
            .map(|b| b.last_changed())
            .max()
    };
    let slice = |list: &[usize], s: &super::pages::Slice| {
        of(list.get(s.start..s.end.min(list.len())).unwrap_or_default())
    };
    match &page.kind {
        PageKind::Brief(i) => site.briefs.get(*i).map(|b| b.last_changed()),
        PageKind::Index(s) => {
            let all: Vec<usize> = (s.start..s.end.min(site.briefs.len())).collect();
            of(&all)
        }
        // The first page of a party, topic or person also shows its record or roles, which any
        // of its briefs can change.
        PageKind::Party(id, s) => site.parties.get(id).and_then(|p| {
            if s.number == 1 {
                of(&p.briefs)
            } else {
                slice(&p.briefs, s)
            }
        }),
        PageKind::Topic(id, s) => site.topics.get(id).and_then(|t| {
            if s.number == 1 {
                of(&t.briefs)
            } else {
                slice(&t.briefs, s)
            }
        }),
        PageKind::Person(slug, s) => site.people.get(slug).and_then(|p| {
            if s.number == 1 {
                of(&p.briefs)
            } else {
                slice(&p.briefs, s)
            }
        }),
        PageKind::Commitment(id) => site.commitments.get(id).and_then(|c| {
            let briefs: Vec<usize> = c.timeline.iter().map(|e| e.brief).collect();
            of(&briefs)
        }),
        _ => None,
    }
}
