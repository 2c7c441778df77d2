//! Commitments are keyed by id across briefs. The earliest brief (by date) naming an id
//! defines it (`text`, `by`); later briefs update its status. Assembling them is the one
//! place that reads briefs in chronological order.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use super::registry::{Doc, unknown_id};
use super::{BriefIndex, Commitment, Mention, TimelineEntry};
use crate::config::Config;
use crate::content::raw::{RawBrief, RawCommitment};
use crate::diagnostics::{Diagnostic, Diagnostics, suggestion};

/// A brief as commitments see it: its place in the final order, its date and front matter.
pub struct Dated<'a> {
    pub index: BriefIndex,
    pub date: Date,
    pub time: Option<super::TimeOfDay>,
    pub doc: &'a Doc<RawBrief>,
}

/// Ids known to the registries, for checking `by` and `topic`.
pub struct Known<'a> {
    pub parties: &'a BTreeMap<String, ()>,
    pub topics: &'a BTreeMap<String, ()>,
}

/// What [`assemble`] makes.
pub struct Assembled {
    pub commitments: BTreeMap<String, Commitment>,
    pub mentions: BTreeMap<BriefIndex, Vec<Mention>>,
    /// Commitments that could not be defined because the brief defining them could not be
    /// placed, with the source paths of the briefs naming them, whose errors were not reported.
    pub quieted: BTreeMap<String, Vec<String>>,
}

/// Build every commitment and each brief's mentions. `briefs` must be in chronological order.
/// `unplaced` holds the ids named by briefs that could not be read or placed.
pub fn assemble(
    briefs: &[Dated],
    config: &Config,
    known: &Known,
    unplaced: &BTreeSet<String>,
    errors: &mut Diagnostics,
) -> Assembled {
    let mut quieted: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut commitments: BTreeMap<String, Commitment> = BTreeMap::new();
    // Where each commitment's text was defined, for the "two different texts" error.
    let mut defined_at: BTreeMap<String, &Dated> = BTreeMap::new();
    let mut mentions: BTreeMap<BriefIndex, Vec<Mention>> = BTreeMap::new();
    for brief in briefs {
        let mut seen_here: BTreeSet<&str> = BTreeSet::new();
        for raw in &brief.doc.raw.commitments {
            check_references(brief.doc, raw, config, known, errors);
            let id = &raw.id.value;
            if !seen_here.insert(id) {
                errors.push(
                    brief
                        .doc
                        .error(
                            &raw.id,
                            format!("commitment `{id}` is named twice in this brief"),
                        )
                        .with_help("merge the two entries into one"),
                );
                continue;
            }
            let status_given = raw.status.is_some();
            let entry = match commitments.get_mut(id) {
                None => {
                    // Its definition may be in a brief that could not be placed (bad date).
                    let quiet = unplaced.contains(id);
                    let Some(c) = define(brief, raw, config, errors, quiet) else {
                        if quiet {
                            let naming = quieted.entry(id.clone()).or_default();
                            naming.push(brief.doc.file.path.clone());
                        }
                        continue;
                    };
                    defined_at.insert(id.clone(), brief);
                    commitments.entry(id.clone()).or_insert(c)
                }
                Some(existing) => {
                    if let Some(first) = defined_at.get(id) {
                        check_consistent(existing, first, brief, raw, errors);
                    }
                    if let Some(due) = raw
                        .due
                        .as_ref()
                        .and_then(|d| parse_due(brief.doc, d, errors))
                    {
                        existing.due = Some(due);
                    }
                    existing
                }
            };
            let status = raw
                .status
                .as_ref()
                .map(|s| s.value.clone())
                .unwrap_or_else(|| entry.status.clone());
            entry.status = status.clone();
            entry.timeline.push(TimelineEntry {
                brief: brief.index,
                date: brief.date,
                time: brief.time,
                status: status.clone(),
                status_given,
                note: raw.note.clone(),
                quote: raw.quote.clone(),
                source: raw.source.as_ref().map(|s| s.value.clone()),
            });
            mentions.entry(brief.index).or_default().push(Mention {
                id: id.clone(),
                status,
                status_given,
                note: raw.note.clone(),
                quote: raw.quote.clone(),
                source: raw.source.as_ref().map(|s| s.value.clone()),
            });
        }
    }
    Assembled {
        commitments,
        mentions,
        quieted,
    }
}

/// The first mention of an id: it must say what was committed and by whom.
fn define(
    brief: &Dated,
    raw: &RawCommitment,
    config: &Config,
    errors: &mut Diagnostics,
    quiet: bool,
) -> Option<Commitment> {
    let doc = brief.doc;
    let id = &raw.id.value;
    let Some(text) = &raw.text else {
        if quiet {
            return None;
        }
        errors.push(
            doc.error(&raw.id, format!("commitment `{id}` is first named here without its `text`"))
                .with_label("earliest brief naming this id")
                .with_help("the earliest brief (by date) that names a commitment must give its `text` and `by`"),
        );
        return None;
    };
    if raw.by.is_empty() {
        if quiet {
            return None;
        }
        errors.push(
            doc.error(
                &raw.id,
                format!("commitment `{id}` is first named here without `by`"),
            )
            .with_help("list the parties that made it, e.g. `by: [us, jp]`"),
        );
        return None;
    }
    let initial = config
        .statuses
        .first()
        .map(|s| s.id.clone())
        .unwrap_or_default();
    Some(Commitment {
        id: id.clone(),
        text: text.value.trim().to_string(),
        by: raw.by.iter().map(|p| p.value.clone()).collect(),
        topic: raw.topic.as_ref().map(|t| t.value.clone()),
        due: raw.due.as_ref().and_then(|d| parse_due(doc, d, errors)),
        status: initial,
        timeline: Vec::new(),
    })
}

/// A later mention may repeat `text`, `by` and `topic`, but not change them.
fn check_consistent(
    existing: &Commitment,
    first: &Dated,
    brief: &Dated,
    raw: &RawCommitment,
    errors: &mut Diagnostics,
) {
    let id = &existing.id;
    let first_raw = first.doc.raw.commitments.iter().find(|c| &c.id.value == id);
    if let Some(text) = &raw.text
        && text.value.trim() != existing.text
    {
        let mut d = brief
            .doc
            .error(text, format!("commitment `{id}` has a different text here than where it was first defined"))
            .with_label("this text differs")
            .with_help("a commitment's text is fixed by its earliest brief: drop `text:` here, or give this commitment a new id");
        if let Some(t) = first_raw.and_then(|c| c.text.as_ref()) {
            d = d.with_related(&first.doc.file, first.doc.span(t), "first defined here");
        }
        errors.push(d);
    }
    // The same parties in another order are the same parties.
    let by: BTreeSet<&str> = raw.by.iter().map(|p| p.value.as_str()).collect();
    if !by.is_empty()
        && by
            != existing
                .by
                .iter()
                .map(String::as_str)
                .collect::<BTreeSet<_>>()
    {
        errors.push(
            brief
                .doc
                .error(&raw.by[0], format!("commitment `{id}` names other parties in `by` than where it was first defined"))
                .with_help(format!("drop `by:` here, or use the original list: [{}]", existing.by.join(", "))),
        );
    }
    if let Some(topic) = &raw.topic
        && existing.topic.as_deref() != Some(topic.value.as_str())
    {
        errors.push(
            brief
                .doc
                .error(
                    topic,
                    format!(
                        "commitment `{id}` has another topic here than where it was first defined"
                    ),
                )
                .with_help("drop `topic:` here; the earliest brief sets it"),
        );
    }
}

/// `by`, `topic` and `status` must name things that exist.
fn check_references(
    doc: &Doc<RawBrief>,
    raw: &RawCommitment,
    config: &Config,
    known: &Known,
    errors: &mut Diagnostics,
) {
    super::registry::check_duplicates(doc, &raw.by, "by", errors);
    for party in &raw.by {
        if !known.parties.contains_key(&party.value) {
            errors.push(unknown_id(
                doc,
                party,
                "party",
                known.parties.keys().map(String::as_str),
                "content/parties",
            ));
        }
    }
    if let Some(topic) = &raw.topic
        && !known.topics.contains_key(&topic.value)
    {
        errors.push(unknown_id(
            doc,
            topic,
            "topic",
            known.topics.keys().map(String::as_str),
            "content/topics",
        ));
    }
    if let Some(status) = &raw.status
        && config.status(&status.value).is_none()
    {
        let ids = config.statuses.iter().map(|s| s.id.as_str());
        errors.push(
            doc.error(
                status,
                format!("unknown commitment status `{}`", status.value),
            )
            .with_help(format!(
                "{} (statuses are set in accord.toml)",
                suggestion(&status.value, ids, "status")
            )),
        );
    }
    if !super::registry::is_valid_id(&raw.id.value) {
        errors.push(
            doc.error(
                &raw.id,
                format!("`{}` is not a valid commitment id", raw.id.value),
            )
            .with_help(super::registry::invalid_id_help(&raw.id.value)),
        );
    } else if crate::urls::site_path::RESERVED_COMMITMENT_IDS.contains(&raw.id.value.as_str()) {
        errors.push(
            doc.error(
                &raw.id,
                format!(
                    "`{}` cannot be a commitment id: the tracker's own pages use /commitments/{}/",
                    raw.id.value, raw.id.value
                ),
            )
            .with_help(format!(
                "choose a longer id that says what was committed, e.g. `{}-pledge`",
                raw.id.value
            )),
        );
    }
}

/// The checks of one mention that `assemble` makes, for a brief patched alone.
pub fn check_mention(
    doc: &Doc<RawBrief>,
    raw: &RawCommitment,
    config: &Config,
    known: &Known,
    errors: &mut Diagnostics,
) {
    check_references(doc, raw, config, known, errors);
    if let Some(due) = &raw.due {
        parse_due(doc, due, errors);
    }
}

/// Recompute commitment `id` from the briefs already on its timeline (the same briefs, in the
/// same order), reading each one's mention anew: statuses carried forward, the latest due
/// date, notes, quotes and sources; and the mentions those briefs hold. `doc_of` gives the
/// parsed brief of a source path.
pub fn replay(
    site: &mut super::Site,
    id: &str,
    doc_of: impl Fn(&str) -> Option<std::sync::Arc<Doc<RawBrief>>>,
) {
    let Some(commitment) = site.commitments.get_mut(id) else {
        return;
    };
    let mut status = site
        .config
        .statuses
        .first()
        .map(|s| s.id.clone())
        .unwrap_or_default();
    let mut due = None;
    for entry in &mut commitment.timeline {
        let brief = &mut site.briefs[entry.brief];
        let Some(doc) = doc_of(&brief.source) else {
            continue;
        };
        let Some(raw) = doc.raw.commitments.iter().find(|c| c.id.value == id) else {
            continue;
        };
        if let Some(d) = raw
            .due
            .as_ref()
            .and_then(|d| super::dates::parse_date(&d.value).ok())
        {
            due = Some(d);
        }
        if let Some(s) = &raw.status {
            status = s.value.clone();
        }
        entry.status = status.clone();
        entry.status_given = raw.status.is_some();
        entry.note = raw.note.clone();
        entry.quote = raw.quote.clone();
        entry.source = raw.source.as_ref().map(|s| s.value.clone());
        if let Some(m) = brief.commitments.iter_mut().find(|m| m.id == id) {
            m.status = entry.status.clone();
            m.status_given = entry.status_given;
            m.note = entry.note.clone();
            m.quote = entry.quote.clone();
            m.source = entry.source.clone();
        }
    }
    commitment.status = status;
    commitment.due = due;
}

fn parse_due(
    doc: &Doc<RawBrief>,
    due: &crate::content::raw::Spanned<String>,
    errors: &mut Diagnostics,
) -> Option<Date> {
    match super::dates::parse_date(&due.value) {
        Ok(d) => Some(d),
        Err(msg) => {
            errors.push(date_error(doc, due, "due", &msg));
            None
        }
    }
}

pub fn date_error(
    doc: &Doc<RawBrief>,
    value: &crate::content::raw::Spanned<String>,
    field: &str,
    msg: &str,
) -> Diagnostic {
    doc.error(
        value,
        format!("`{field}: {}` is not a date: {msg}", value.value),
    )
    .with_help(if field == "date" {
        "write the date as YYYY-MM-DD, with a time if you like: `2025-07-11`, `2025-07-11T14:30` or `2025-07-11T14:30+08:00`"
    } else {
        "write dates as YYYY-MM-DD, e.g. `2025-07-11`"
    })
}
