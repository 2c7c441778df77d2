//! Which pages a change can touch, computed from the site model before and after it.

use std::collections::{BTreeSet, HashMap};

use super::Change;
use crate::content::{self, SourceKind};
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

/// Pages whose templates query the site (`get_briefs()`...): they may show anything, so any
/// content change re-renders them; all pages when such a template is shared.
pub(super) fn pages_querying_the_site(pages: &[Page], theme: &Theme) -> Option<BTreeSet<String>> {
    pages_of_templates(templates_querying_the_site(theme), pages, theme)
}

/// The theme's templates that call a query function.
pub(super) fn templates_querying_the_site(theme: &Theme) -> impl Iterator<Item = &str> {
    theme
        .templates
        .iter()
        .filter(|(_, text, _)| {
            crate::render::queries::FUNCTIONS
                .iter()
                .any(|f| text.contains(f))
        })
        .map(|(name, _, _)| name.as_str())
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

/// Whether two briefs at one moment (in the new site) are in another order than before
/// (`old_place`: where each source was in the old site's order).
fn same_moment_order_changed(old_place: &HashMap<&str, usize>, new: &Site) -> bool {
    new.briefs.windows(2).any(|w| {
        w[0].moment() == w[1].moment()
            && matches!(
                (old_place.get(w[0].source.as_str()), old_place.get(w[1].source.as_str())),
                (Some(a), Some(b)) if a > b
            )
    })
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

/// Pages that can show something of the changed briefs, before or after the change: their own
/// pages, the index pages they were and are on, their parties, topics and commitments, the
/// other briefs naming those commitments, and the lists. `None` when a registry file changed
/// or the site's totals did (every page shows them): then every page.
pub(super) fn pages_touched_by_content(
    old: &Site,
    new: &Site,
    change: &Change,
) -> Option<BTreeSet<String>> {
    let brief_paths: Vec<&String> = change
        .paths
        .iter()
        .filter(|p| content::kind_of(p) == Some(SourceKind::Brief))
        .collect();
    let registry_changed = change.paths.iter().any(|p| {
        matches!(
            content::kind_of(p),
            Some(SourceKind::Party | SourceKind::Topic | SourceKind::Person)
        )
    });
    let totals = |s: &Site| {
        (
            s.briefs.len(),
            s.commitments.len(),
            s.parties.len(),
            s.topics.len(),
            s.people.len(),
        )
    };
    // A commitment's text is the label of `[[commitment:id]]` in any body: when one changes,
    // every page may show it.
    let texts_changed = new
        .commitments
        .iter()
        .any(|(id, c)| old.commitments.get(id).is_some_and(|o| o.text != c.text));
    if registry_changed || texts_changed || totals(old) != totals(new) {
        return None;
    }
    let old_index: HashMap<&str, usize> = old
        .briefs
        .iter()
        .enumerate()
        .map(|(i, b)| (b.source.as_str(), i))
        .collect();
    let new_index: HashMap<&str, usize> = new
        .briefs
        .iter()
        .enumerate()
        .map(|(i, b)| (b.source.as_str(), i))
        .collect();
    // Briefs of one moment are ordered by what they say of commitments (`model::order`): an
    // edit can move a brief it did not touch. Rare enough to redo every page then.
    if same_moment_order_changed(&old_index, new) {
        return None;
    }
    let mut pages = BTreeSet::new();
    let mut parties = BTreeSet::new();
    let mut topics = BTreeSet::new();
    let mut commitments = BTreeSet::new();
    let mut people = BTreeSet::new();
    let mut positions = Vec::new();
    for path in brief_paths {
        for (site, index) in [(old, &old_index), (new, &new_index)] {
            let Some(&i) = index.get(path.as_str()) else {
                continue;
            };
            let b = &site.briefs[i];
            positions.push(i);
            pages.extend(brief_files(b));
            people.extend(b.people.iter().map(|m| m.person.clone()));
            parties.extend(b.parties.iter().cloned());
            topics.extend(b.topics.iter().cloned());
            commitments.extend(b.commitments.iter().map(|m| m.id.clone()));
        }
    }
    for id in &commitments {
        for site in [old, new] {
            let Some(c) = site.commitments.get(id) else {
                continue;
            };
            pages.insert(site_path::commitment(id));
            parties.extend(c.by.iter().cloned());
            topics.extend(c.topic.iter().cloned());
            for entry in &c.timeline {
                pages.insert(site_path::brief(&site.briefs[entry.brief].slug));
            }
        }
    }
    // Every page of their lists: a brief added to or dropped from one shifts those after it.
    let per_page = new.config.options.per_page.max(1);
    let list_pages = |len: &dyn Fn(&Site) -> Option<usize>, path: &dyn Fn(usize) -> String| {
        let n = [old, new]
            .into_iter()
            .filter_map(len)
            .map(|len| len.div_ceil(per_page).max(1))
            .max()
            .unwrap_or(1);
        (1..=n).map(path).collect::<Vec<_>>()
    };
    for p in &parties {
        pages.extend(list_pages(
            &|s| s.parties.get(p).map(|p| p.briefs.len()),
            &|i| site_path::party_page(p, i),
        ));
    }
    for t in &topics {
        pages.extend(list_pages(
            &|s| s.topics.get(t).map(|t| t.briefs.len()),
            &|i| site_path::topic_page(t, i),
        ));
    }
    // A person's name (the newest spelling of an unregistered one) shows on every brief naming
    // them: if it changed, all those briefs.
    for p in &people {
        let named = |s: &Site| s.people.get(p).map(|x| (x.name.clone(), x.native.clone()));
        if named(old) != named(new) {
            for site in [old, new] {
                if let Some(person) = site.people.get(p) {
                    pages.extend(
                        person
                            .briefs
                            .iter()
                            .map(|&i| site_path::brief(&site.briefs[i].slug)),
                    );
                }
            }
        }
    }
    for p in &people {
        pages.extend(list_pages(
            &|s| s.people.get(p).map(|p| p.briefs.len()),
            &|i| site_path::person_page(p, i),
        ));
    }
    pages.extend(related_changed(old, new));
    // Briefs listing a changed one as related show its title.
    let changed: Vec<usize> = change
        .paths
        .iter()
        .filter_map(|p| new_index.get(p.as_str()).copied())
        .collect();
    pages.extend(
        new.briefs
            .iter()
            .filter(|b| b.related.iter().any(|i| changed.contains(i)))
            .map(|b| site_path::brief(&b.slug)),
    );
    pages.extend(
        [
            site_path::PARTIES,
            site_path::TOPICS,
            site_path::COMMITMENTS,
            site_path::PEOPLE,
        ]
        .map(String::from),
    );
    pages.extend(exports::files(new).into_iter().map(|f| f.path()));
    pages.extend(exports::files(old).into_iter().map(|f| f.path()));
    // Feeds of everything touched, and the sitemaps: a page's lastmod is its briefs' dates,
    // and pages added or dropped move the others between sitemap files.
    let feeds = std::iter::once(FeedOf::Site)
        .chain(parties.iter().map(|p| FeedOf::Party(p.clone())))
        .chain(topics.iter().map(|t| FeedOf::Topic(t.clone())));
    for of in feeds {
        pages.extend([FeedFormat::Atom, FeedFormat::Json].map(|f| of.path(f)));
    }
    pages.insert("sitemap.xml".to_string());
    for site in [old, new] {
        pages.extend(crate::render::sitemap::part_paths(site));
        // A commitment whose latest brief changed moves in the tracker's order, and every row
        // after it on each list it is on: the tracker's lists and data, all of them.
        pages.extend(
            crate::render::tracker::pages(site)
                .into_iter()
                .map(|p| p.path),
        );
    }
    // Every index page between the brief's old and new place in the order.
    if let (Some(&lo), Some(&hi)) = (positions.iter().min(), positions.iter().max()) {
        pages.extend((lo / per_page + 1..=hi / per_page + 1).map(site_path::index));
    }
    Some(pages)
}

/// The pages of briefs whose related briefs are not the same before and after a change.
fn related_changed(old: &Site, new: &Site) -> Vec<String> {
    let related = |s: &Site, b: &crate::model::Brief| -> Vec<String> {
        b.related
            .iter()
            .map(|&i| s.briefs[i].source.clone())
            .collect()
    };
    let before: HashMap<&str, Vec<String>> = old
        .briefs
        .iter()
        .map(|b| (b.source.as_str(), related(old, b)))
        .collect();
    new.briefs
        .iter()
        .filter(|b| before.get(b.source.as_str()) != Some(&related(new, b)))
        .map(|b| site_path::brief(&b.slug))
        .collect()
}
