//! The list of pages a site has, and the context each is rendered with.

use serde::Serialize;
use tera::Context;

use super::context::{PageLink, Pagination, Views};
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
    /// Page `n` (1-based) of the index, showing `briefs[range]`.
    Index {
        number: usize,
        total: usize,
        start: usize,
        end: usize,
    },
    Brief(usize),
    Party(String),
    Parties,
    Topic(String),
    Topics,
    Commitment(String),
    Commitments,
}

/// Every page of the site, in a stable order.
pub fn pages(site: &Site) -> Vec<Page> {
    let mut out = Vec::new();
    let per_page = site.config.options.per_page.max(1);
    let total = site.briefs.len().div_ceil(per_page).max(1);
    for number in 1..=total {
        let start = (number - 1) * per_page;
        let end = (start + per_page).min(site.briefs.len());
        out.push(Page {
            path: site_path::index(number),
            template: "index.html".into(),
            origin: format!("the index (page {number})"),
            kind: PageKind::Index {
                number,
                total,
                start,
                end,
            },
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
        out.push(page(
            site_path::party(&p.id),
            "party.html",
            &p.source,
            PageKind::Party(p.id.clone()),
        ));
    }
    out.push(page(
        site_path::PARTIES.into(),
        "parties.html",
        "the list of parties",
        PageKind::Parties,
    ));
    for t in site.topics.values() {
        out.push(page(
            site_path::topic(&t.id),
            "topic.html",
            &t.source,
            PageKind::Topic(t.id.clone()),
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
    out
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
        PageKind::Index {
            number,
            total,
            start,
            end,
        } => {
            ctx.insert(
                "page",
                &v.page("index", &site.config.title, page.path.clone()),
            );
            let indexes: Vec<usize> = (*start..*end).collect();
            ctx.insert("briefs", &v.briefs(&indexes));
            ctx.insert("pagination", &pagination(site, *number, *total));
        }
        PageKind::Brief(i) => {
            let b = &site.briefs[*i];
            ctx.insert("page", &v.page("brief", &b.title, page.path.clone()));
            ctx.insert("brief", &v.brief(b));
        }
        PageKind::Party(id) => {
            let p = &site.parties[id];
            ctx.insert("page", &v.page("party", &p.name, page.path.clone()));
            ctx.insert("party", &v.party(p));
            ctx.insert("briefs", &v.briefs(&p.briefs));
            ctx.insert("commitments_by_status", &v.status_groups(&p.commitments));
        }
        PageKind::Parties => {
            ctx.insert("page", &v.page("parties", "Parties", page.path.clone()));
            let parties: Vec<_> = site.parties.values().map(|p| v.party(p)).collect();
            ctx.insert("parties", &parties);
        }
        PageKind::Topic(id) => {
            let t = &site.topics[id];
            ctx.insert("page", &v.page("topic", &t.name, page.path.clone()));
            ctx.insert("topic", &v.topic(t));
            ctx.insert("briefs", &v.briefs(&t.briefs));
            ctx.insert("commitments", &v.commitments(&t.commitments));
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

fn pagination(site: &Site, current: usize, total: usize) -> Pagination {
    let url = |n: usize| site.urls.path(&site_path::index(n));
    Pagination {
        current,
        total,
        prev_url: (current > 1).then(|| url(current - 1)),
        next_url: (current < total).then(|| url(current + 1)),
        pages: (1..=total)
            .map(|number| PageLink {
                number,
                url: url(number),
            })
            .collect(),
    }
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
