//! The list of pages a site has, and the context each is rendered with.

use serde::Serialize;
use tera::Context;

use super::context::{PageLink, Pagination, Views};
use super::feeds::{FeedFormat, FeedOf};
use crate::model::Site;
use crate::urls::site_path;

/// One page to render.
#[derive(Debug, Clone)]
pub struct Page {
    pub path: String,
    pub template: String,
    /// The source it was made from (for errors and collisions).
    pub origin: String,
    pub kind: PageKind,
}

#[derive(Debug, Clone)]
pub enum PageKind {
    /// A page of the index of briefs.
    Index(Slice),
    Brief(usize),
    /// A page of a party: its profile and record on the first, its briefs on all.
    Party(String, Slice),
    Parties,
    Topic(String, Slice),
    Topics,
    Commitment(String),
    Commitments,
    /// `404.html`, which GitHub Pages serves for any missing address.
    NotFound,
    /// A feed, made in Rust (see [`super::feeds`]).
    Feed(FeedOf, FeedFormat),
    Sitemap,
    Robots,
}

/// Page `number` of `total` of a list, showing its items `start..end`.
#[derive(Debug, Clone, Copy)]
pub struct Slice {
    pub number: usize,
    pub total: usize,
    pub start: usize,
    pub end: usize,
}

/// The pages of a list of `len` items, `per_page` a page; an empty list has one page.
pub fn slices(len: usize, per_page: usize) -> impl Iterator<Item = Slice> {
    let per_page = per_page.max(1);
    let total = len.div_ceil(per_page).max(1);
    (1..=total).map(move |number| {
        let start = (number - 1) * per_page;
        Slice {
            number,
            total,
            start,
            end: (start + per_page).min(len),
        }
    })
}

/// Every page of the site, in a stable order.
pub fn pages(site: &Site) -> Vec<Page> {
    let mut out = Vec::new();
    let per_page = site.config.options.per_page;
    for s in slices(site.briefs.len(), per_page) {
        out.push(Page {
            path: site_path::index(s.number),
            template: "index.html".into(),
            origin: format!("the index (page {})", s.number),
            kind: PageKind::Index(s),
        });
    }
    for (i, b) in site.briefs.iter().enumerate() {
        out.push(page(
            site_path::brief(&b.slug),
            "brief.html",
            &b.source,
            PageKind::Brief(i),
        ));
    }
    for p in site.parties.values() {
        for s in slices(p.briefs.len(), per_page) {
            out.push(page(
                site_path::party_page(&p.id, s.number),
                "party.html",
                &p.source,
                PageKind::Party(p.id.clone(), s),
            ));
        }
    }
    out.push(page(
        site_path::PARTIES.into(),
        "parties.html",
        "the list of parties",
        PageKind::Parties,
    ));
    for t in site.topics.values() {
        for s in slices(t.briefs.len(), per_page) {
            out.push(page(
                site_path::topic_page(&t.id, s.number),
                "topic.html",
                &t.source,
                PageKind::Topic(t.id.clone(), s),
            ));
        }
    }
    out.push(page(
        site_path::TOPICS.into(),
        "topics.html",
        "the list of topics",
        PageKind::Topics,
    ));
    for c in site.commitments.values() {
        let origin = c
            .timeline
            .first()
            .and_then(|e| site.briefs.get(e.brief))
            .map_or_else(
                || format!("commitment `{}`", c.id),
                |b| format!("commitment `{}` ({})", c.id, b.source),
            );
        out.push(page(
            site_path::commitment(&c.id),
            "commitment.html",
            &origin,
            PageKind::Commitment(c.id.clone()),
        ));
    }
    out.push(page(
        site_path::COMMITMENTS.into(),
        "commitments.html",
        "the commitment tracker",
        PageKind::Commitments,
    ));
    out.push(page(
        "404.html".into(),
        "404.html",
        "the 404 page",
        PageKind::NotFound,
    ));
    let feeds = std::iter::once(FeedOf::Site)
        .chain(site.parties.keys().map(|id| FeedOf::Party(id.clone())))
        .chain(site.topics.keys().map(|id| FeedOf::Topic(id.clone())));
    for of in feeds {
        for format in [FeedFormat::Atom, FeedFormat::Json] {
            out.push(page(
                of.path(format),
                "",
                "a feed",
                PageKind::Feed(of.clone(), format),
            ));
        }
    }
    out.push(page(
        "sitemap.xml".into(),
        "",
        "the sitemap",
        PageKind::Sitemap,
    ));
    out.push(page(
        "robots.txt".into(),
        "",
        "robots.txt",
        PageKind::Robots,
    ));
    out
}

/// Pages made in Rust, not from a template: their text, or `None` for a template page.
pub fn generated(site: &Site, page: &Page) -> Option<String> {
    match &page.kind {
        PageKind::Feed(of, format) => Some(super::feeds::render(site, of, *format)),
        PageKind::Robots => Some(super::feeds::robots(site)),
        PageKind::Sitemap => {
            let listed: Vec<(String, Option<jiff::civil::Date>)> = pages(site)
                .into_iter()
                .map(|p| {
                    let lastmod = match p.kind {
                        PageKind::Brief(i) => site
                            .briefs
                            .get(i)
                            .map(|b| b.updated.unwrap_or(b.date).max(b.date)),
                        _ => None,
                    };
                    (p.path, lastmod)
                })
                .collect();
            Some(super::feeds::sitemap(site, &listed))
        }
        _ => None,
    }
}

impl Page {
    /// A rough measure of the work of rendering this page: the items it lists.
    pub fn weight(&self, site: &Site) -> usize {
        match &self.kind {
            PageKind::Commitments => site.commitments.len(),
            PageKind::Parties => site.parties.len(),
            PageKind::Topics => site.topics.len(),
            PageKind::Index(s) | PageKind::Party(_, s) | PageKind::Topic(_, s) => s.end - s.start,
            PageKind::Sitemap => site.briefs.len(),
            PageKind::Feed(..) => super::feeds::FEED_ENTRIES,
            PageKind::Brief(_)
            | PageKind::Commitment(_)
            | PageKind::NotFound
            | PageKind::Robots => 1,
        }
    }
}

fn page(path: String, template: &str, origin: &str, kind: PageKind) -> Page {
    Page {
        path,
        template: template.into(),
        origin: origin.into(),
        kind,
    }
}

/// The context of one page: `site` and `page` always, plus the page kind's own variables.
pub fn context(site: &Site, page: &Page) -> tera::TeraResult<Context> {
    let v = Views { site };
    let mut ctx = Context::new();
    ctx.insert("site", &v.site());
    match &page.kind {
        PageKind::Index(s) => {
            ctx.insert(
                "page",
                &v.page("index", &site.config.title, page.path.clone()),
            );
            let indexes: Vec<usize> = (s.start..s.end).collect();
            ctx.insert("briefs", &v.briefs(&indexes));
            ctx.insert("pagination", &pagination(site, s, site_path::index));
        }
        PageKind::Brief(i) => {
            let b = &site.briefs[*i];
            ctx.insert("page", &v.brief_page(b, page.path.clone()));
            ctx.insert("brief", &v.brief(b));
        }
        PageKind::Party(id, s) => {
            let p = &site.parties[id];
            ctx.insert(
                "page",
                &v.with_feeds(
                    v.party_page(p, page.path.clone()),
                    &FeedOf::Party(id.clone()),
                ),
            );
            ctx.insert("party", &v.party(p));
            ctx.insert("briefs", &v.briefs(&p.briefs[s.start..s.end]));
            ctx.insert(
                "pagination",
                &pagination(site, s, |n| site_path::party_page(id, n)),
            );
            let record = if s.number == 1 {
                v.status_groups(&p.commitments)
            } else {
                Vec::new()
            };
            ctx.insert("commitments_by_status", &record);
        }
        PageKind::Parties => {
            ctx.insert("page", &v.page("parties", "Parties", page.path.clone()));
            let parties: Vec<_> = site.parties.values().map(|p| v.party(p)).collect();
            ctx.insert("parties", &parties);
        }
        PageKind::Topic(id, s) => {
            let t = &site.topics[id];
            let mut view = v.page("topic", &t.name, page.path.clone());
            if let Some(d) = &t.description {
                view.description = d;
            }
            ctx.insert("page", &v.with_feeds(view, &FeedOf::Topic(id.clone())));
            ctx.insert("topic", &v.topic(t));
            ctx.insert("briefs", &v.briefs(&t.briefs[s.start..s.end]));
            ctx.insert(
                "pagination",
                &pagination(site, s, |n| site_path::topic_page(id, n)),
            );
            let commitments = if s.number == 1 {
                v.commitments(&t.commitments)
            } else {
                Vec::new()
            };
            ctx.insert("commitments", &commitments);
        }
        PageKind::Topics => {
            ctx.insert("page", &v.page("topics", "Topics", page.path.clone()));
            let topics: Vec<_> = site.topics.values().map(|t| v.topic(t)).collect();
            ctx.insert("topics", &topics);
        }
        PageKind::Commitment(id) => {
            let c = &site.commitments[id];
            ctx.insert("page", &v.page("commitment", &c.text, page.path.clone()));
            ctx.insert("commitment", &v.commitment_summary(c));
            ctx.insert("timeline", &timeline(&v, c));
        }
        PageKind::NotFound => {
            ctx.insert(
                "page",
                &v.page("not_found", "Page not found", page.path.clone()),
            );
        }
        PageKind::Feed(..) | PageKind::Sitemap | PageKind::Robots => {}
        PageKind::Commitments => {
            ctx.insert(
                "page",
                &v.page("commitments", "Commitment tracker", page.path.clone()),
            );
            let all: Vec<_> = site
                .commitments
                .values()
                .map(|c| v.commitment_summary(c))
                .collect();
            ctx.insert("commitments", &all);
        }
    }
    Ok(ctx)
}

fn pagination(site: &Site, s: &Slice, path_of: impl Fn(usize) -> String) -> Pagination {
    let url = |n: usize| site.urls.path(&path_of(n));
    Pagination {
        current: s.number,
        total: s.total,
        prev_url: (s.number > 1).then(|| url(s.number - 1)),
        next_url: (s.number < s.total).then(|| url(s.number + 1)),
        pages: window(s.number, s.total)
            .into_iter()
            .scan(0, |last, number| {
                let gap_before = number > *last + 1;
                *last = number;
                Some(PageLink {
                    number,
                    url: url(number),
                    gap_before,
                })
            })
            .collect(),
    }
}

/// The page numbers worth a link: the first, the last, and two either side of the current.
fn window(current: usize, total: usize) -> Vec<usize> {
    let mut numbers: Vec<usize> = [1, total]
        .into_iter()
        .chain(current.saturating_sub(2).max(1)..=(current + 2).min(total))
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    numbers
}

/// One entry of a commitment's timeline, newest first.
#[derive(Serialize)]
struct TimelineView<'a> {
    brief: super::context::BriefSummary<'a>,
    date: String,
    status: super::context::StatusView<'a>,
    status_given: bool,
    note: Option<&'a str>,
    quote: Option<&'a str>,
    source: Option<&'a str>,
}

fn timeline<'a>(v: &Views<'a>, c: &'a crate::model::Commitment) -> Vec<TimelineView<'a>> {
    c.timeline
        .iter()
        .rev()
        .map(|e| TimelineView {
            brief: v.brief_summary(&v.site.briefs[e.brief]),
            date: e.date.to_string(),
            status: v.status(&e.status),
            status_given: e.status_given,
            note: e.note.as_deref(),
            quote: e.quote.as_deref(),
            source: e.source.as_deref(),
        })
        .collect()
}
