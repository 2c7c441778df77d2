//! The commitment tracker, made to scale to hundreds of thousands of commitments by never
//! putting them all on one page:
//!
//! - `commitments/`, the overview: the status chart, the counts (each linking to its list),
//!   and the most recently changed commitments; with JavaScript, a filter form that works
//!   over all commitments by reading the tracker's data in parts ([`super::tracker_data`]);
//! - static lists of [`ROWS_PER_PAGE`] rows a page, most recently changed first, usable
//!   without JavaScript: all commitments (`commitments/all/`), each status
//!   (`commitments/status/<id>/`), the overdue ones (`commitments/overdue/`), and each
//!   party's and topic's (`parties/<id>/commitments/`, `topics/<id>/commitments/`).
//!
//! Each row is rendered on its own, by `tracker_row.html`, so that `serve` can keep the rows of
//! unchanged commitments between rebuilds: a status change re-renders a few rows.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, TeraResult, Value};

use super::context::{StatusView, Views};
use super::deps::{self, Input};
use super::memo::Memo;
use super::pages::{Page, PageKind, Slice, slices};
use super::prepared::Link;
use super::queries;
use crate::model::{Commitment, Site};
use crate::urls::site_path;

/// The template of one row of the tracker's tables.
pub const ROW_TEMPLATE: &str = "tracker_row.html";

/// Rows on a page of a list.
pub const ROWS_PER_PAGE: usize = 100;

/// Commitments on the overview, the most recently changed.
pub const RECENT: usize = 25;

/// A list of commitments with pages of its own (and a part of the tracker's data).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListOf {
    All,
    Status(String),
    Overdue,
    Party(String),
    Topic(String),
}

impl ListOf {
    /// The commitments of the party or topic whose briefs `list` is (all, for the others).
    pub fn of_briefs_list(list: &deps::List) -> ListOf {
        match list {
            deps::List::Party(id) => ListOf::Party(id.clone()),
            deps::List::Topic(id) => ListOf::Topic(id.clone()),
            deps::List::Index | deps::List::Person(_) => ListOf::All,
        }
    }

    /// The site path of the list's first page.
    pub fn first_page(&self) -> String {
        match self {
            ListOf::All => format!("{}all/", site_path::COMMITMENTS),
            ListOf::Status(s) => format!("{}status/{s}/", site_path::COMMITMENTS),
            ListOf::Overdue => format!("{}overdue/", site_path::COMMITMENTS),
            ListOf::Party(p) => format!("{}commitments/", site_path::party(p)),
            ListOf::Topic(t) => format!("{}commitments/", site_path::topic(t)),
        }
    }

    /// The site path of page `n` (from 1).
    pub fn page_path(&self, n: usize) -> String {
        site_path::paged(&self.first_page(), n)
    }

    /// The list's name in the tracker's data: `all`, `status/fulfilled`, `party/jp`...
    pub fn key(&self) -> String {
        match self {
            ListOf::All => "all".into(),
            ListOf::Status(s) => format!("status/{s}"),
            ListOf::Overdue => "overdue".into(),
            ListOf::Party(p) => format!("party/{p}"),
            ListOf::Topic(t) => format!("topic/{t}"),
        }
    }

    /// Whether a commitment is on the list.
    pub fn contains(&self, site: &Site, c: &Commitment) -> bool {
        match self {
            ListOf::All => true,
            ListOf::Status(s) => &c.status == s,
            ListOf::Overdue => c.is_overdue(site.today, &site.config),
            ListOf::Party(p) => c.by.contains(p),
            ListOf::Topic(t) => c.topic.as_ref() == Some(t),
        }
    }

    /// The list's heading.
    pub fn title(&self, site: &Site) -> String {
        match self {
            ListOf::All => "All commitments".into(),
            ListOf::Status(s) => {
                let label = site.config.status(s).map_or(s.as_str(), |s| &s.label);
                format!("Commitments: {label}")
            }
            ListOf::Overdue => "Overdue commitments".into(),
            ListOf::Party(p) => {
                let name = site.parties.get(p).map_or(p.as_str(), |p| &p.name);
                format!("Commitments of {name}")
            }
            ListOf::Topic(t) => {
                let name = site.topics.get(t).map_or(t.as_str(), |t| &t.name);
                format!("Commitments on {name}")
            }
        }
    }
}

/// The lists with pages of their own: all commitments, each status of the vocabulary, the
/// overdue ones, and each party and topic with commitments.
pub fn list_names(site: &Site) -> Vec<ListOf> {
    let mut out = vec![ListOf::All];
    out.extend(
        site.config
            .statuses
            .iter()
            .map(|s| ListOf::Status(s.id.clone())),
    );
    out.push(ListOf::Overdue);
    out.extend(
        site.parties
            .values()
            .filter(|p| !p.commitments.is_empty())
            .map(|p| ListOf::Party(p.id.clone())),
    );
    out.extend(
        site.topics
            .values()
            .filter(|t| !t.commitments.is_empty())
            .map(|t| ListOf::Topic(t.id.clone())),
    );
    out
}

/// The lists of [`list_names`] with their lengths.
pub fn lists(site: &Site) -> Vec<(ListOf, usize)> {
    let mut by_status: HashMap<&str, usize> = HashMap::new();
    let mut overdue = 0;
    for c in site.commitments.values() {
        *by_status.entry(c.status.as_str()).or_default() += 1;
        if c.is_overdue(site.today, &site.config) {
            overdue += 1;
        }
    }
    list_names(site)
        .into_iter()
        .map(|list| {
            let len = match &list {
                ListOf::All => site.commitments.len(),
                ListOf::Status(s) => by_status.get(s.as_str()).copied().unwrap_or(0),
                ListOf::Overdue => overdue,
                ListOf::Party(p) => site.parties.get(p).map_or(0, |p| p.commitments.len()),
                ListOf::Topic(t) => site.topics.get(t).map_or(0, |t| t.commitments.len()),
            };
            (list, len)
        })
        .collect()
}

/// The commitments in the tracker's order (most recently changed first: by the newest brief
/// naming them, then by id), and the members of each list, as positions in that order.
#[derive(Clone)]
pub struct TrackerIndex {
    pub order: Vec<String>,
    pub members: HashMap<ListOf, Vec<usize>>,
}

impl TrackerIndex {
    pub fn new(site: &Site) -> TrackerIndex {
        let mut order: Vec<&Commitment> = site.commitments.values().collect();
        // Briefs are indexed newest first: the smallest index is the latest change.
        order.sort_by(|a, b| {
            let last = |c: &Commitment| c.timeline.last().map_or(usize::MAX, |e| e.brief);
            last(a).cmp(&last(b)).then_with(|| a.id.cmp(&b.id))
        });
        // Keyed by borrowed ids while filling (a quarter of a million insertions at 100,000
        // briefs), made owned once per list.
        let mut by: HashMap<(u8, &str), Vec<usize>> = HashMap::new();
        for (at, c) in order.iter().enumerate() {
            by.entry((0, "")).or_default().push(at);
            by.entry((1, c.status.as_str())).or_default().push(at);
            if c.is_overdue(site.today, &site.config) {
                by.entry((2, "")).or_default().push(at);
            }
            for p in &c.by {
                by.entry((3, p.as_str())).or_default().push(at);
            }
            if let Some(t) = &c.topic {
                by.entry((4, t.as_str())).or_default().push(at);
            }
        }
        let members = by
            .into_iter()
            .map(|((kind, id), places)| {
                let list = match kind {
                    0 => ListOf::All,
                    1 => ListOf::Status(id.to_string()),
                    2 => ListOf::Overdue,
                    3 => ListOf::Party(id.to_string()),
                    _ => ListOf::Topic(id.to_string()),
                };
                (list, places)
            })
            .collect();
        TrackerIndex {
            order: order.into_iter().map(|c| c.id.clone()).collect(),
            members,
        }
    }

    /// The ids on a list, in order.
    pub fn ids<'a>(&'a self, list: &ListOf) -> impl Iterator<Item = &'a str> + 'a {
        self.members
            .get(list)
            .into_iter()
            .flatten()
            .map(|&at| self.order[at].as_str())
    }

    /// Where commitment `id` is on `list` (from 0), if it is on it.
    pub fn place(&self, list: &ListOf, id: &str) -> Option<usize> {
        let members = self.members.get(list)?;
        members.iter().position(|&at| self.order[at] == id)
    }

    /// Where a commitment at `at` (in the order) is or would go on `list`.
    pub fn slot(&self, list: &ListOf, at: usize) -> usize {
        self.members
            .get(list)
            .map_or(0, |m| m.binary_search(&at).unwrap_or_else(|i| i))
    }

    /// Where commitment `id` is in the order.
    pub fn at(&self, id: &str) -> Option<usize> {
        self.order.iter().position(|o| o == id)
    }

    /// Move a commitment between the lists of statuses and of the overdue after its status
    /// or due date changed from `old` to `new` (its place in the order is the same).
    pub fn moved(&mut self, site: &Site, old: &Commitment, new: &Commitment) {
        let Some(at) = self.at(&new.id) else {
            return;
        };
        let overdue = |c: &Commitment| c.is_overdue(site.today, &site.config);
        let mut leave = |list: ListOf| {
            if let Some(m) = self.members.get_mut(&list)
                && let Ok(i) = m.binary_search(&at)
            {
                m.remove(i);
            }
        };
        if old.status != new.status {
            leave(ListOf::Status(old.status.clone()));
        }
        if overdue(old) && !overdue(new) {
            leave(ListOf::Overdue);
        }
        let mut join = |list: ListOf| {
            let m = self.members.entry(list).or_default();
            if let Err(i) = m.binary_search(&at) {
                m.insert(i, at);
            }
        };
        if old.status != new.status {
            join(ListOf::Status(new.status.clone()));
        }
        if overdue(new) && !overdue(old) {
            join(ListOf::Overdue);
        }
    }
}

/// The tracker's pages and data files that show commitment `c` after a patch replayed its
/// timeline (`before`: as it was): the pages and shards holding it on the lists whose order
/// did not change, and every page and shard of the lists it left or joined, whose rows shift.
pub fn paths_showing_replayed(
    site: &Site,
    index: &TrackerIndex,
    sorted: &super::tracker_data::Sorted,
    c: &Commitment,
    before: &Commitment,
) -> Vec<String> {
    let mut paths = vec![site_path::COMMITMENTS.to_string()];
    let overdue = |c: &Commitment| c.is_overdue(site.today, &site.config);
    let mut stable = vec![ListOf::All];
    stable.extend(c.by.iter().map(|p| ListOf::Party(p.clone())));
    stable.extend(c.topic.iter().map(|t| ListOf::Topic(t.clone())));
    let mut shifted = Vec::new();
    if c.status == before.status {
        stable.push(ListOf::Status(c.status.clone()));
    } else {
        shifted.push(ListOf::Status(c.status.clone()));
        shifted.push(ListOf::Status(before.status.clone()));
    }
    match (overdue(c), overdue(before)) {
        (true, true) => stable.push(ListOf::Overdue),
        (false, false) => {}
        _ => shifted.push(ListOf::Overdue),
    }
    for list in &stable {
        if let Some(place) = index.place(list, &c.id) {
            paths.push(list.page_path(place / ROWS_PER_PAGE + 1));
        }
    }
    // On a list it left or joined, the rows after it moved by one: its page and those after
    // (one more row than now: the list may have had it before), the first page (it shows the
    // length), and the page before the last (its link to a next page may have come or gone).
    let at = index.at(&c.id).unwrap_or(0);
    for list in &shifted {
        let from = index.slot(list, at) / ROWS_PER_PAGE + 1;
        let len = index.members.get(list).map_or(0, Vec::len);
        let last = len.div_ceil(ROWS_PER_PAGE).max(1);
        let before_last = last.saturating_sub(1).max(1);
        let pages = (from.min(before_last)..=(len + 1).div_ceil(ROWS_PER_PAGE)).chain([1]);
        paths.extend(pages.map(|n| list.page_path(n)));
    }
    paths.extend(super::tracker_data::paths_showing_replayed(
        site, index, sorted, c, before, &stable, &shifted,
    ));
    paths
}

/// The pages of every list, and the tracker's data files.
pub fn pages(site: &Site) -> Vec<Page> {
    let mut out = Vec::new();
    for (list, len) in lists(site) {
        let origin = format!("the tracker's list {}", list.key());
        for s in slices(len, ROWS_PER_PAGE) {
            out.push(Page {
                path: list.page_path(s.number),
                template: "commitment_list.html".into(),
                origin: origin.clone(),
                kind: PageKind::CommitmentList(list.clone(), s),
            });
        }
    }
    out.extend(super::tracker_data::pages(site));
    out
}

/// Add the overview's variables to `ctx`: `total`, `overdue_count`, `status_chart`, `counts`
/// (each status with its count and list), `recent` (the rows of the most recently changed
/// commitments), `lists` (the links to the full lists), `filters` and `data_url`.
pub(super) fn insert_overview(
    v: &Views,
    ctx: &mut Context,
    tera: &Tera,
    memo: Option<&Memo>,
) -> TeraResult<()> {
    let site = v.site;
    let index = v.prepared.tracker(site);
    let length = |list: &ListOf| index.members.get(list).map_or(0, Vec::len);
    let recent: Vec<&str> = index.ids(&ListOf::All).take(RECENT).collect();
    ctx.insert("total", &site.commitments.len());
    ctx.insert("overdue_count", &length(&ListOf::Overdue));
    ctx.insert("status_chart", &status_chart(site, index));
    let counts: Vec<StatusCount> = site
        .config
        .statuses
        .iter()
        .map(|s| {
            let list = ListOf::Status(s.id.clone());
            StatusCount {
                status: v.status(&s.id),
                count: length(&list),
                url: site.urls.path(&list.first_page()),
            }
        })
        .collect();
    ctx.insert("counts", &counts);
    ctx.insert("recent", &rows(v, tera, memo, &recent)?);
    ctx.insert(
        "lists",
        &ListLinks {
            all: site.urls.path(&ListOf::All.first_page()),
            overdue: site.urls.path(&ListOf::Overdue.first_page()),
        },
    );
    ctx.insert("filters", &filters(v));
    ctx.insert("data_url", &site.urls.path(site_path::TRACKER_DATA));
    let csv = super::exports::Export::CommitmentsCsv;
    let csv_parts: Vec<String> = (1..=csv.parts(site))
        .map(|n| {
            site.urls
                .path(&super::exports::ExportFile::Part(csv, n).path())
        })
        .collect();
    ctx.insert("csv_parts", &csv_parts);
    ctx.insert("csv_per_part", &csv.per_part());
    Ok(())
}

/// Add a list page's variables: `list` (`title`, `key`, `count`, `url`), `rows` (this page's
/// rendered rows), `pages` (`current`, `first_url`, `prev_url`, `next_url`), `statuses` (each status with the URL of its list) and
/// `lists` (as on the overview), to move between lists, and `tracker_url`.
pub(super) fn insert_list(
    v: &Views,
    ctx: &mut Context,
    tera: &Tera,
    memo: Option<&Memo>,
    list: &ListOf,
    s: &Slice,
) -> TeraResult<()> {
    let site = v.site;
    let index = v.prepared.tracker(site);
    let ids: Vec<&str> = index
        .ids(list)
        .skip(s.start)
        .take(s.end - s.start)
        .collect();
    let count = index.members.get(list).map_or(0, Vec::len);
    ctx.insert(
        "list",
        &ListView {
            title: list.title(site),
            key: list.key(),
            count,
            url: site.urls.path(&list.first_page()),
        },
    );
    ctx.insert("rows", &rows(v, tera, memo, &ids)?);
    // No page but the first shows the list's length or number of pages: a status change
    // elsewhere on the list then leaves the pages before it as they are.
    ctx.insert(
        "pages",
        &ListPager {
            current: s.number,
            first_url: (s.number > 1).then(|| site.urls.path(&list.page_path(1))),
            prev_url: (s.number > 1).then(|| site.urls.path(&list.page_path(s.number - 1))),
            next_url: (s.number < s.total).then(|| site.urls.path(&list.page_path(s.number + 1))),
        },
    );
    // Links to the other lists, without their counts: a status change elsewhere must not
    // change every list's pages.
    let statuses: Vec<StatusLink> = site
        .config
        .statuses
        .iter()
        .map(|st| StatusLink {
            status: v.status(&st.id),
            url: site.urls.path(&ListOf::Status(st.id.clone()).first_page()),
        })
        .collect();
    ctx.insert("statuses", &statuses);
    ctx.insert(
        "lists",
        &ListLinks {
            all: site.urls.path(&ListOf::All.first_page()),
            overdue: site.urls.path(&ListOf::Overdue.first_page()),
        },
    );
    ctx.insert("tracker_url", &site.urls.path(site_path::COMMITMENTS));
    Ok(())
}

#[derive(Serialize)]
struct StatusCount<'a> {
    status: StatusView<'a>,
    count: usize,
    url: String,
}

/// Moving through a list's pages: the first, the previous and the next.
#[derive(Serialize)]
struct ListPager {
    current: usize,
    first_url: Option<String>,
    prev_url: Option<String>,
    next_url: Option<String>,
}

#[derive(Serialize)]
struct StatusLink<'a> {
    status: StatusView<'a>,
    url: String,
}

#[derive(Serialize)]
struct ListLinks {
    all: String,
    overdue: String,
}

#[derive(Serialize)]
struct ListView {
    title: String,
    key: String,
    count: usize,
    url: String,
}

/// The rows of `ids`, rendered (or kept from an earlier rebuild), in order.
fn rows(v: &Views, tera: &Tera, memo: Option<&Memo>, ids: &[&str]) -> TeraResult<Vec<Value>> {
    let rows: Vec<TeraResult<(Value, Vec<Input>)>> = ids
        .par_iter()
        .filter_map(|id| v.site.commitments.get(*id))
        .map(|c| {
            let value = || {
                let make = || Value::from_serializable(&v.commitment_summary(c));
                match memo {
                    Some(memo) => memo.commitment(&c.id, make),
                    None => make(),
                }
            };
            let make = || row(v, tera, &value());
            match memo {
                Some(memo) => memo.row(&c.id, make),
                None => make(),
            }
        })
        .collect();
    // The first failing row in the table's order, whichever thread failed first. The rows
    // were rendered on other threads: what they read is the page's, noted on its own.
    rows.into_iter()
        .map(|row| {
            row.map(|(value, inputs)| {
                inputs.into_iter().for_each(deps::read);
                value
            })
        })
        .collect()
}

/// One commitment's `<tr>`, as HTML that templates print unescaped.
fn row(v: &Views, tera: &Tera, commitment: &Value) -> TeraResult<(Value, Vec<Input>)> {
    let (html, inputs) = deps::recording(|| {
        let mut ctx = Context::new();
        ctx.insert("site", v.site_view());
        ctx.insert("c", commitment);
        // Rows render on whichever thread is free: each needs the site for the query functions.
        queries::with_site(v.site, v.prepared, || tera.render(ROW_TEMPLATE, &ctx))
    });
    Ok((Value::safe_string(&html?), inputs))
}

/// The chart: how many commitments are in each status of the vocabulary.
fn status_chart(site: &Site, index: &TrackerIndex) -> String {
    let bars: Vec<super::chart::Bar> = site
        .config
        .statuses
        .iter()
        .map(|s| super::chart::Bar {
            id: &s.id,
            label: &s.label,
            count: index
                .members
                .get(&ListOf::Status(s.id.clone()))
                .map_or(0, Vec::len),
        })
        .collect();
    super::chart::status_chart(&bars, "Commitments by current status")
}

/// What the tracker can be filtered by: the parties and topics that have commitments, and
/// the statuses.
#[derive(Serialize)]
struct Filters<'a> {
    parties: Vec<Link>,
    topics: Vec<Link>,
    statuses: Vec<StatusView<'a>>,
}

fn filters<'a>(v: &Views<'a>) -> Filters<'a> {
    let site = v.site;
    Filters {
        parties: site
            .parties
            .values()
            .filter(|p| !p.commitments.is_empty())
            .filter_map(|p| v.party_ref(&p.id))
            .collect(),
        topics: site
            .topics
            .values()
            .filter(|t| !t.commitments.is_empty())
            .filter_map(|t| v.topic_ref(&t.id))
            .collect(),
        statuses: site
            .config
            .statuses
            .iter()
            .map(|s| v.status(&s.id))
            .collect(),
    }
}
