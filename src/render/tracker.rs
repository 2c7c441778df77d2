//! The commitment tracker's context: every commitment, each one's table row, the status chart
//! and the filters.
//!
//! Each row is rendered on its own, by `tracker_row.html`, so that `serve` can keep the rows of
//! unchanged commitments between rebuilds: a status change re-renders one row of thousands.

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, TeraResult, Value};

use super::context::{StatusView, Views};
use super::memo::Memo;
use super::prepared::Link;
use super::queries;
use crate::model::{Commitment, Site};

/// The template of one row of the tracker's table.
pub const ROW_TEMPLATE: &str = "tracker_row.html";

/// Add the tracker's variables to `ctx`: `commitments`, `rows`, `overdue_count`,
/// `status_chart` and `filters`.
pub(super) fn insert(
    v: &Views,
    ctx: &mut Context,
    tera: &Tera,
    memo: Option<&Memo>,
) -> TeraResult<()> {
    let site = v.site;
    let commitments: Vec<&Commitment> = site.commitments.values().collect();
    let values: Vec<Value> = commitments
        .par_iter()
        .map(|c| {
            let make = || Value::from_serializable(&v.commitment_summary(c));
            match memo {
                Some(memo) => memo.commitment(&c.id, make),
                None => make(),
            }
        })
        .collect();
    let rows: Vec<TeraResult<Value>> = commitments
        .par_iter()
        .zip(&values)
        .map(|(c, value)| {
            let make = || row(v, tera, value);
            match memo {
                Some(memo) => memo.row(&c.id, make),
                None => make(),
            }
        })
        .collect();
    // The first failing row in the table's order, whichever thread failed first.
    let rows: Vec<Value> = rows.into_iter().collect::<TeraResult<_>>()?;
    let overdue = commitments
        .iter()
        .filter(|c| c.is_overdue(site.today, &site.config))
        .count();
    ctx.insert("overdue_count", &overdue);
    ctx.insert("commitments", &values);
    ctx.insert("rows", &rows);
    ctx.insert("status_chart", &status_chart(site));
    ctx.insert("filters", &filters(v));
    Ok(())
}

/// One commitment's `<tr>`, as HTML that templates print unescaped.
fn row(v: &Views, tera: &Tera, commitment: &Value) -> TeraResult<Value> {
    let mut ctx = Context::new();
    ctx.insert("site", v.site_view());
    ctx.insert("c", commitment);
    // Rows render on whichever thread is free: each needs the site for the query functions.
    let html = queries::with_site(v.site, v.prepared, || tera.render(ROW_TEMPLATE, &ctx))?;
    Ok(Value::safe_string(&html))
}

/// The chart: how many commitments are in each status of the vocabulary.
fn status_chart(site: &Site) -> String {
    let bars: Vec<super::chart::Bar> = site
        .config
        .statuses
        .iter()
        .map(|s| super::chart::Bar {
            id: &s.id,
            label: &s.label,
            count: site
                .commitments
                .values()
                .filter(|c| c.status == s.id)
                .count(),
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
