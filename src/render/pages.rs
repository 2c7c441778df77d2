//! The list of pages a site has, and the context each is rendered with.

use serde::Serialize;
use tera::Context;

use super::context::{PageLink, Pagination, Views};
use super::deps::{Input, List, RecordedRefs, Registry, read};
use super::exports::ExportFile;
use super::feeds::{FeedFormat, FeedOf};
use super::memo::Memo;
use super::prepared::Prepared;
use super::sitemap;
use super::tracker::ListOf;
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
    /// The tracker's overview.
    Commitments,
    /// A page of one of the tracker's lists (see [`super::tracker`]).
    CommitmentList(super::tracker::ListOf, Slice),
    /// A file of the tracker's data, made in Rust (see [`super::tracker_data`]).
    TrackerData(super::tracker_data::DataFile),
    /// A page of a person: roles on the first, briefs on all.
    Person(String, Slice),
    People,
    /// A redirect from an old address (`aliases:`) of a brief: (brief, alias).
    Redirect(usize, usize),
    /// A brief's citation file.
    Citation(usize, CiteFormat),
    /// A file under `data/`.
    Export(ExportFile),
    /// The search page (the index itself is made after rendering, see `crate::search`).
    Search,
    /// `404.html`, which GitHub Pages serves for any missing address.
    NotFound,
    /// A feed, made in Rust (see [`super::feeds`]).
    Feed(FeedOf, FeedFormat),
    /// `sitemap.xml`, the sitemap index, and sitemap `n` (from 1) of the pages it lists.
    Sitemap,
    SitemapPart(usize),
    Robots,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiteFormat {
    BibTeX,
    CslJson,
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
        for (format, path) in [
            (CiteFormat::BibTeX, site_path::brief_bibtex(&b.slug)),
            (CiteFormat::CslJson, site_path::brief_csl(&b.slug)),
        ] {
            out.push(page(path, "", &b.source, PageKind::Citation(i, format)));
        }
        for (a, alias) in b.aliases.iter().enumerate() {
            out.push(page(
                alias.clone(),
                "",
                &format!("alias `{alias}` of {}", b.source),
                PageKind::Redirect(i, a),
            ));
        }
    }
    for p in site.parties.values() {
        out.extend(paginated(
            p.briefs.len(),
            per_page,
            |s| site_path::party_page(&p.id, s.number),
            "party.html",
            &p.source,
            |s| PageKind::Party(p.id.clone(), s),
        ));
    }
    out.push(page(
        site_path::PARTIES.into(),
        "parties.html",
        "the list of parties",
        PageKind::Parties,
    ));
    for t in site.topics.values() {
        out.extend(paginated(
            t.briefs.len(),
            per_page,
            |s| site_path::topic_page(&t.id, s.number),
            "topic.html",
            &t.source,
            |s| PageKind::Topic(t.id.clone(), s),
        ));
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
    out.extend(super::tracker::pages(site));
    for p in site.people.values() {
        let origin = p
            .source
            .clone()
            .unwrap_or_else(|| format!("person `{}`", p.name));
        out.extend(paginated(
            p.briefs.len(),
            per_page,
            |s| site_path::person_page(&p.slug, s.number),
            "person.html",
            &origin,
            |s| PageKind::Person(p.slug.clone(), s),
        ));
    }
    out.push(page(
        site_path::PEOPLE.into(),
        "people.html",
        "the list of people",
        PageKind::People,
    ));
    if site.config.options.search {
        out.push(page(
            site_path::SEARCH.into(),
            "search.html",
            "the search page",
            PageKind::Search,
        ));
    }
    for file in super::exports::files(site) {
        out.push(page(
            file.path(),
            "",
            "the data exports",
            PageKind::Export(file),
        ));
    }
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
    let listed = out.iter().filter(|p| sitemap::listed(p)).count();
    out.push(page(
        "sitemap.xml".into(),
        "",
        "the sitemap index",
        PageKind::Sitemap,
    ));
    for n in 1..=sitemap::part_count(site, listed) {
        out.push(page(
            sitemap::part_path(n),
            "",
            "a sitemap",
            PageKind::SitemapPart(n),
        ));
    }
    out.push(page(
        "robots.txt".into(),
        "",
        "robots.txt",
        PageKind::Robots,
    ));
    out
}

/// Note what a page made in Rust reads (see [`super::deps`]); template pages note theirs as
/// their context is made.
pub fn read_generated(site: &Site, page: &Page) {
    read(Input::Site);
    match &page.kind {
        PageKind::Citation(i, _) | PageKind::Redirect(i, _) => {
            read(Input::Brief(site.briefs[*i].source.clone()));
        }
        // Made from the whole site, or from lists of thousands (a feed notes its own).
        PageKind::Export(_)
        | PageKind::Sitemap
        | PageKind::SitemapPart(_)
        | PageKind::TrackerData(_) => read(Input::Everything),
        _ => {}
    }
}

/// Pages made in Rust, not from a template: their text, or `None` for a template page.
pub fn generated(
    site: &Site,
    prepared: &Prepared,
    page: &Page,
    memo: Option<&Memo>,
) -> Option<Result<String, String>> {
    match &page.kind {
        PageKind::Feed(of, format) => {
            Some(super::feeds::render(site, prepared.refs(site), of, *format))
        }
        PageKind::TrackerData(file) => {
            let (index, sorted) = (prepared.tracker(site), prepared.tracker_sorted());
            Some(Ok(super::tracker_data::render(site, index, sorted, file)))
        }
        PageKind::Sitemap => Some(Ok(sitemap::index(site, prepared.sitemap_pages(site)))),
        PageKind::SitemapPart(n) => Some(Ok(sitemap::part(site, prepared.sitemap_pages(site), *n))),
        _ => generated_text(site, page, memo).map(Ok),
    }
}

/// The pages of [`generated`] that cannot fail.
fn generated_text(site: &Site, page: &Page, memo: Option<&Memo>) -> Option<String> {
    match &page.kind {
        PageKind::Robots => Some(super::feeds::robots(site)),
        PageKind::Export(file) => Some(super::exports::render(site, *file, memo)),
        PageKind::Citation(i, format) => {
            let b = &site.briefs[*i];
            Some(match format {
                CiteFormat::BibTeX => super::cite::bibtex(site, b),
                CiteFormat::CslJson => super::cite::csl_json(site, b),
            })
        }
        PageKind::Redirect(i, _) => Some(redirect(site, &site.briefs[*i])),
        _ => None,
    }
}

impl Page {
    /// A rough measure of the work of rendering this page: the items it lists.
    pub fn weight(&self, site: &Site) -> usize {
        match &self.kind {
            PageKind::Commitments => super::tracker::RECENT,
            PageKind::CommitmentList(_, s) => s.end - s.start,
            PageKind::TrackerData(_) => super::tracker_data::SHARD,
            PageKind::People => site.people.len(),
            PageKind::Person(_, s) => s.end - s.start,
            PageKind::Export(_) => 1000,
            PageKind::Parties => site.parties.len(),
            PageKind::Topics => site.topics.len(),
            PageKind::Index(s) | PageKind::Party(_, s) | PageKind::Topic(_, s) => s.end - s.start,
            PageKind::Sitemap | PageKind::SitemapPart(_) => site.briefs.len(),
            PageKind::Feed(..) => super::feeds::FEED_ENTRIES,
            PageKind::Brief(_)
            | PageKind::Commitment(_)
            | PageKind::NotFound
            | PageKind::Search
            | PageKind::Robots
            | PageKind::Redirect(..)
            | PageKind::Citation(..) => 1,
        }
    }
}

/// The pages of a list of `len` briefs, `per_page` a page.
fn paginated<'a>(
    len: usize,
    per_page: usize,
    path: impl Fn(Slice) -> String + 'a,
    template: &'a str,
    origin: &'a str,
    kind: impl Fn(Slice) -> PageKind + 'a,
) -> impl Iterator<Item = Page> + 'a {
    slices(len, per_page).map(move |s| page(path(s), template, origin, kind(s)))
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
/// `tera` renders the tracker's rows; `memo` holds those of an earlier rebuild.
pub fn context(
    site: &Site,
    prepared: &Prepared,
    page: &Page,
    tera: &tera::Tera,
    memo: Option<&Memo>,
) -> tera::TeraResult<Context> {
    let v = Views { site, prepared };
    let mut ctx = Context::new();
    ctx.insert("site", v.site_view());
    match &page.kind {
        PageKind::Index(s) => {
            ctx.insert(
                "page",
                &v.page("index", &site.config.title, page.path.clone()),
            );
            read(Input::ListPage(List::Index, s.number));
            let indexes: Vec<usize> = (s.start..s.end).collect();
            ctx.insert("briefs", &v.briefs(&indexes));
            ctx.insert("pagination", &pagination(site, s, site_path::index));
        }
        PageKind::Brief(i) => {
            let b = &site.briefs[*i];
            let body = prepared
                .refs(site)
                .render_via(&b.body, &RecordedRefs(prepared.refs(site)))
                .map_err(tera::Error::message)?;
            ctx.insert("page", &v.brief_page(b, page.path.clone()));
            ctx.insert("brief", &v.brief(b, &body));
        }
        PageKind::Party(id, s) => {
            let p = &site.parties[id];
            read(Input::ListPage(List::Party(id.clone()), s.number));
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
                v.status_groups(id, &p.commitments)
            } else {
                Vec::new()
            };
            ctx.insert("commitments_by_status", &record);
            insert_recent_commitments(&v, &mut ctx, List::Party(id.clone()), s);
        }
        PageKind::Parties => {
            ctx.insert("page", &v.page("parties", "Parties", page.path.clone()));
            read(Input::Ids(Registry::Parties));
            let parties: Vec<_> = site.parties.values().map(|p| v.party(p)).collect();
            ctx.insert("parties", &parties);
        }
        PageKind::Topic(id, s) => {
            let t = &site.topics[id];
            read(Input::ListPage(List::Topic(id.clone()), s.number));
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
            ctx.insert("commitment_count", &t.commitments.len());
            insert_recent_commitments(&v, &mut ctx, List::Topic(id.clone()), s);
        }
        PageKind::Topics => {
            ctx.insert("page", &v.page("topics", "Topics", page.path.clone()));
            read(Input::Ids(Registry::Topics));
            let topics: Vec<_> = site.topics.values().map(|t| v.topic(t)).collect();
            ctx.insert("topics", &topics);
        }
        PageKind::Commitment(id) => {
            let c = &site.commitments[id];
            read(Input::Timeline(id.clone()));
            ctx.insert("page", &v.page("commitment", &c.text, page.path.clone()));
            ctx.insert("commitment", &v.commitment(c));
            ctx.insert("timeline", &timeline(&v, c));
        }
        PageKind::Search => {
            ctx.insert("page", &v.page("search", "Search", page.path.clone()));
        }
        PageKind::NotFound => {
            ctx.insert(
                "page",
                &v.page("not_found", "Page not found", page.path.clone()),
            );
        }
        PageKind::Feed(..)
        | PageKind::Sitemap
        | PageKind::SitemapPart(_)
        | PageKind::TrackerData(_)
        | PageKind::Robots
        | PageKind::Export(_)
        | PageKind::Citation(..)
        | PageKind::Redirect(..) => {}
        PageKind::Commitments => {
            // The tracker's lists, orders, counts and filters come from every commitment.
            read(Input::Everything);
            ctx.insert(
                "page",
                &v.page("commitments", "Commitment tracker", page.path.clone()),
            );
            super::tracker::insert_overview(&v, &mut ctx, tera, memo)?;
        }
        PageKind::CommitmentList(list, s) => {
            read(Input::Everything);
            let title = list.title(site);
            ctx.insert(
                "page",
                &v.page("commitment_list", &title, page.path.clone()),
            );
            super::tracker::insert_list(&v, &mut ctx, tera, memo, list, s)?;
        }
        PageKind::Person(slug, s) => {
            let p = &site.people[slug];
            read(Input::ListPage(List::Person(slug.clone()), s.number));
            ctx.insert("page", &v.page("person", &p.name, page.path.clone()));
            ctx.insert("person", &v.person_page(p));
            ctx.insert("briefs", &v.briefs(&p.briefs[s.start..s.end]));
            ctx.insert(
                "pagination",
                &pagination(site, s, |n| site_path::person_page(slug, n)),
            );
        }
        PageKind::People => {
            ctx.insert("page", &v.page("people", "People", page.path.clone()));
            read(Input::Ids(Registry::People));
            let people: Vec<_> = site.people.values().map(|p| v.person_page(p)).collect();
            ctx.insert("people", &people);
        }
    }
    Ok(ctx)
}

/// A party's or topic's most recently changed commitments (on its first page only), and the
/// link to its list of all of them: `recent_commitments`, `commitments_url`.
fn insert_recent_commitments(v: &Views, ctx: &mut Context, of: List, s: &Slice) {
    let list = ListOf::of_briefs_list(&of);
    let recent: Vec<_> = if s.number == 1 {
        read(Input::Recent(of, RECENT_OF_ONE));
        let index = v.prepared.tracker(v.site);
        index
            .ids(&list)
            .take(RECENT_OF_ONE)
            .filter_map(|id| v.site.commitments.get(id))
            .map(|c| v.commitment_summary(c))
            .collect()
    } else {
        Vec::new()
    };
    ctx.insert("recent_commitments", &recent);
    ctx.insert("commitments_url", &v.site.urls.path(&list.first_page()));
}

/// Commitments on the first page of a party or topic: its most recently changed.
const RECENT_OF_ONE: usize = 10;

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
pub(super) struct TimelineView<'a> {
    brief: super::context::BriefSummary<'a>,
    date: String,
    status: super::context::StatusView<'a>,
    status_given: bool,
    note: Option<&'a str>,
    quote: Option<&'a str>,
    source: Option<&'a str>,
}

pub(super) fn timeline<'a>(
    v: &Views<'a>,
    c: &'a crate::model::Commitment,
) -> Vec<TimelineView<'a>> {
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

/// The page at an old address of a brief: a link to it, followed at once by browsers, with
/// the brief as canonical so search engines move their entry.
fn redirect(site: &Site, b: &crate::model::Brief) -> String {
    let to = site.urls.path(&site_path::brief(&b.slug));
    let canonical = site.urls.absolute(&site_path::brief(&b.slug));
    let title = crate::html::escape(&b.title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved: {title}</title>\n\
         <link rel=\"canonical\" href=\"{canonical}\">\n<meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={to}\">\n</head>\n<body>\n\
         <p>This brief has moved: <a href=\"{to}\">{title}</a>.</p>\n</body>\n</html>\n",
        lang = crate::html::escape(&site.config.language),
    )
}
