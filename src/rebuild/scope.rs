//! The hand-written rules of the rebuild, where the record of what each page read (see
//! [`crate::render::deps`]) cannot answer or would cost more than the change:
//! - a patched brief (same parties, topics and commitments, same place in the order): the
//!   pages showing what it changed, chosen from the model in a few milliseconds, then
//!   recorded like any other;
//! - a changed template: Tera does not say which templates a render used beyond the page's
//!   own, so a template other templates name (or none names) counts as used by every page.

use std::collections::BTreeSet;

use super::Change;
use crate::model::Site;
use crate::render::exports::{self, Export};
use crate::render::feeds::{FEED_ENTRIES, FeedFormat, FeedOf};
use crate::render::tracker::{self, TrackerIndex};
use crate::render::tracker_data::Sorted;
use crate::render::{Page, PageKind, Theme};
use crate::urls::site_path;

/// Pages showing what a patched brief changed. Its structure is the same (same parties,
/// topics, commitments, place in the order), so: its own page, and where its title or summary
/// changed, the lists that show them.
pub(super) fn pages_touched_by_patch(
    site: &Site,
    patched: &crate::model::Patched,
    tracker: &TrackerIndex,
    sorted: &Sorted,
) -> Scope {
    let mut scope = Scope::default();
    let per_page = site.config.options.per_page.max(1);
    // A replayed commitment shows on its page, the tracker, the briefs naming it (their
    // badges), the records of the parties that made it, and its topic.
    for id in &patched.commitments {
        let Some(c) = site.commitments.get(id) else {
            continue;
        };
        scope.paths.insert(site_path::commitment(id));
        if let Some(before) = patched.before.get(id) {
            scope.paths.extend(tracker::paths_showing_replayed(
                site, tracker, sorted, c, before,
            ));
        }
        // Statuses are in the commitments' exports, the parties' records and the briefs'
        // mentions: the parts holding them.
        let at = place_of(site.commitments.keys(), id);
        for export in [Export::Commitments, Export::CommitmentsCsv] {
            scope.paths.insert(export.part_of(at).path());
        }
        for party in &c.by {
            let at = place_of(site.parties.keys(), party);
            scope.paths.insert(Export::Parties.part_of(at).path());
        }
        for entry in &c.timeline {
            scope.paths.insert(brief_export_part(site, entry.brief));
        }
        scope.paths.extend(c.by.iter().map(|p| site_path::party(p)));
        scope
            .paths
            .extend(c.topic.iter().map(|t| site_path::topic(t)));
        for entry in &c.timeline {
            scope
                .paths
                .insert(site_path::brief(&site.briefs[entry.brief].slug));
        }
    }
    for (index, old) in &patched.replaced {
        let new = &site.briefs[*index];
        scope.paths.extend(brief_files(new));
        if exports::brief_entry(site, old) != exports::brief_entry(site, new) {
            scope.paths.insert(brief_export_part(site, *index));
        }
        // The site's feeds carry the newest briefs' text: redone if they list this one. A
        // party's or topic's carry titles and summaries: redone below if those changed.
        let in_feed = |list: &[usize]| list.iter().take(FEED_ENTRIES).any(|i| i == index);
        let mut feeds = Vec::new();
        if *index < FEED_ENTRIES {
            feeds.push(FeedOf::Site);
        }
        let listed = |b: &crate::model::Brief| {
            (
                b.title.clone(),
                b.summary.clone(),
                b.event.clone(),
                b.location.clone(),
            )
        };
        let relisted = listed(old) != listed(new);
        feeds.extend(
            new.parties
                .iter()
                .filter(|p| site.parties.get(*p).is_some_and(|p| in_feed(&p.briefs)))
                .filter(|_| relisted)
                .map(|p| FeedOf::Party(p.clone())),
        );
        feeds.extend(
            new.topics
                .iter()
                .filter(|t| site.topics.get(*t).is_some_and(|t| in_feed(&t.briefs)))
                .filter(|_| relisted)
                .map(|t| FeedOf::Topic(t.clone())),
        );
        for of in feeds {
            scope
                .paths
                .extend([FeedFormat::Atom, FeedFormat::Json].map(|f| of.path(f)));
        }
        if relisted {
            // The pages of the lists it is on, at the same place as before.
            let page_of = |list: &[usize]| {
                list.iter()
                    .position(|i| i == index)
                    .map_or(1, |at| at / per_page + 1)
            };
            scope.paths.insert(site_path::index(index / per_page + 1));
            for p in new.parties.iter().filter_map(|p| site.parties.get(p)) {
                scope
                    .paths
                    .insert(site_path::party_page(&p.id, page_of(&p.briefs)));
            }
            for t in new.topics.iter().filter_map(|t| site.topics.get(t)) {
                scope
                    .paths
                    .insert(site_path::topic_page(&t.id, page_of(&t.briefs)));
            }
            scope
                .paths
                .extend(new.commitments.iter().map(|m| site_path::commitment(&m.id)));
            // The briefs listing it as related, and the pages of the people it names.
            scope.paths.extend(
                site.briefs
                    .iter()
                    .filter(|b| b.related.contains(index))
                    .map(|b| site_path::brief(&b.slug)),
            );
            for person in new.people.iter().filter_map(|m| site.people.get(&m.person)) {
                scope.paths.insert(site_path::person_page(
                    &person.slug,
                    page_of(&person.briefs),
                ));
            }
        }
    }
    scope
}

/// The files made from one brief alone: its page, its citations and its redirects.
fn brief_files(b: &crate::model::Brief) -> impl Iterator<Item = String> + '_ {
    [
        site_path::brief(&b.slug),
        site_path::brief_bibtex(&b.slug),
        site_path::brief_csl(&b.slug),
    ]
    .into_iter()
    .chain(b.aliases.iter().cloned())
}

/// A set of site paths to re-render, or all of them.
#[derive(Default)]
pub(super) struct Scope {
    all: bool,
    paths: BTreeSet<String>,
}

impl Scope {
    pub(super) fn add(&mut self, pages: Option<BTreeSet<String>>) {
        match pages {
            None => self.all = true,
            Some(p) => self.paths.extend(p),
        }
    }

    pub(super) fn contains(&self, path: &str) -> bool {
        self.all || self.paths.contains(path)
    }
}

/// Pages rendered with a changed template.
pub(super) fn pages_using_templates(
    change: &Change,
    pages: &[Page],
    theme: &Theme,
) -> Option<BTreeSet<String>> {
    let changed = change
        .paths
        .iter()
        .filter_map(|path| path.strip_prefix("templates/"));
    pages_of_templates(changed, pages, theme)
}

/// The pages rendered with the templates `names`. A template other templates name (extends,
/// include), one that is no page's own (components, which any template may call, or a new
/// one) may be used anywhere: then every page (`None`).
fn pages_of_templates<'a>(
    names: impl Iterator<Item = &'a str>,
    pages: &[Page],
    theme: &Theme,
) -> Option<BTreeSet<String>> {
    let names: Vec<&str> = names.collect();
    if names.is_empty() {
        // The usual case (no template queries the site, or none changed): no need to list
        // every page.
        return Some(BTreeSet::new());
    }
    let page_templates: std::collections::HashSet<&str> =
        pages.iter().map(|p| p.template.as_str()).collect();
    let mut out = BTreeSet::new();
    for name in names {
        let quoted = format!("\"{name}\"");
        let named_by_others = theme
            .templates
            .iter()
            .any(|(other, text, _)| other != name && text.contains(&quoted));
        // The tracker's row template is rendered for the tracker's pages alone.
        let is_row = name == crate::render::TRACKER_ROW_TEMPLATE;
        if named_by_others || !(is_row || page_templates.contains(name)) {
            return None;
        }
        out.extend(
            pages
                .iter()
                .filter(|p| match is_row {
                    true => matches!(p.kind, PageKind::Commitments | PageKind::CommitmentList(..)),
                    false => p.template == name,
                })
                .map(|p| p.path.clone()),
        );
    }
    Some(out)
}

/// Where `key` is among `keys` (the order of an export by id).
fn place_of<'a>(mut keys: impl Iterator<Item = &'a String>, key: &str) -> usize {
    keys.position(|k| k == key).unwrap_or(0)
}

/// The part of `data/briefs/` holding the brief at `index` (the parts are oldest first).
fn brief_export_part(site: &Site, index: usize) -> String {
    let oldest_first = site.briefs.len().saturating_sub(index + 1);
    Export::Briefs.part_of(oldest_first).path()
}
