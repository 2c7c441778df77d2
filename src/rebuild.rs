//! Rebuilding after a change, for `serve`: re-read only the changed files, reuse the parse and
//! Markdown of the others, and re-render only the pages a change can touch.
//!
//! Which pages those are is computed from the site model (the briefs, parties, topics and
//! commitments a changed brief is part of, before and after the change), never guessed. Anything
//! this module cannot narrow down (a registry file, `accord.toml`, a base template, a change in
//! the number of briefs) re-renders everything. The partial result is the full result: the
//! tests compare both byte for byte.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::build::{self, BuildOptions, Stages};
use crate::content::{self, SourceKind, Sources};
use crate::diagnostics::Diagnostics;
use crate::model::{self, ModelCache, ResolveOptions, Site};
use crate::output::Output;
use crate::render::feeds::{FEED_ENTRIES, FeedFormat, FeedOf};
use crate::render::{self, Page, Theme};
use crate::urls::{output_file, site_path};

/// Phase timings on stderr when `ACCORD_TRACE` is set, for performance work.
struct Trace {
    on: bool,
    lap: Instant,
}

impl Trace {
    fn new() -> Self {
        Trace {
            on: std::env::var_os("ACCORD_TRACE").is_some(),
            lap: Instant::now(),
        }
    }

    fn mark(&mut self, what: &str) {
        if self.on {
            eprintln!(
                "  {what}: {:.1} ms",
                self.lap.elapsed().as_secs_f64() * 1000.0
            );
            self.lap = Instant::now();
        }
    }
}

/// What changed on disk, as paths relative to the site root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// Files Accord reads that were written, created or removed.
    pub paths: BTreeSet<String>,
    /// Read the whole site again (a directory changed, or events were lost).
    pub rescan: bool,
}

impl Change {
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && !self.rescan
    }

    fn kinds(&self) -> BTreeSet<SourceKind> {
        self.paths
            .iter()
            .filter_map(|p| content::kind_of(p))
            .collect()
    }

    /// Only stylesheets changed: a browser can swap them without reloading the page.
    pub fn css_only(&self) -> bool {
        !self.rescan
            && !self.paths.is_empty()
            && self
                .paths
                .iter()
                .all(|p| p.starts_with("static/") && p.ends_with(".css"))
    }
}

/// The result of a (re)build.
#[derive(Debug, Clone)]
pub struct Update {
    /// Output files whose bytes changed (added, removed or rewritten).
    pub changed: BTreeSet<String>,
    /// Pages rendered for this update.
    pub rendered: usize,
    /// Whether everything was rebuilt.
    pub full: bool,
    pub elapsed: Duration,
}

/// The result of redoing (part of) a build.
struct Redone {
    stages: Stages,
    /// Pages rendered.
    rendered: usize,
    /// The output files rendered or removed, when the rest of the output is unchanged; `None`
    /// when the output must be assembled anew (everything rendered, static files changed).
    touched: Option<Vec<String>>,
}

/// Keeps a site in memory between changes.
pub struct Rebuilder {
    options: BuildOptions,
    sources: Option<Sources>,
    cache: ModelCache,
    /// The stages of the last good build, to redo part of them. `None` after a failure that
    /// left them unusable: the next change rebuilds everything.
    stages: Option<Stages>,
    /// The output of the last good build, which `serve` keeps serving whatever happens.
    output: Option<Output>,
    /// Changes since the last good build: after a failed build they are applied again with the
    /// next change, so the pages they touch are not left stale.
    pending: Change,
}

impl Rebuilder {
    pub fn new(options: BuildOptions) -> Self {
        Rebuilder {
            options,
            sources: None,
            cache: ModelCache::default(),
            stages: None,
            output: None,
            pending: Change::default(),
        }
    }

    /// The output of the last successful build.
    pub fn output(&self) -> Option<&Output> {
        self.output.as_ref()
    }

    pub fn site(&self) -> Option<&Site> {
        self.stages.as_ref().map(|s| &s.site)
    }

    /// Read and build everything.
    pub fn build_all(&mut self) -> Result<Update, Diagnostics> {
        self.apply(&Change {
            paths: BTreeSet::new(),
            rescan: true,
        })
    }

    /// Bring the build up to date with `change`. On error the last good output is kept.
    pub fn apply(&mut self, change: &Change) -> Result<Update, Diagnostics> {
        self.pending.paths.extend(change.paths.iter().cloned());
        self.pending.rescan |= change.rescan;
        let change = &self.pending.clone();
        let result = self.apply_pending(change);
        if result.is_ok() {
            self.pending = Change::default();
        }
        result
    }

    fn apply_pending(&mut self, change: &Change) -> Result<Update, Diagnostics> {
        let started = Instant::now();
        let mut trace = Trace::new();
        let sources = self.refresh_sources(change)?;
        trace.mark("read changed files");
        let kinds = change.kinds();
        let narrow = !change.rescan && !kinds.contains(&SourceKind::Config);
        let result = match self.stages.take() {
            Some(stages) if narrow => self.partial(&sources, change, &kinds, stages),
            previous => match Stages::run(&sources, &self.options, &mut self.cache) {
                Ok(stages) => Ok(Redone {
                    rendered: stages.pages.len(),
                    stages,
                    touched: None,
                }),
                Err(e) => Err((build::sorted(e), previous)),
            },
        };
        let Redone {
            stages,
            rendered,
            touched,
        } = result.map_err(|(e, previous)| {
            self.stages = previous;
            e
        })?;
        let full = rendered == stages.pages.len();
        trace.mark("resolve and render");
        let statics_changed = change.rescan || kinds.contains(&SourceKind::Static);
        let (output, changed) = match (touched, self.output.take()) {
            // Only some pages changed: patch the output, compare only what was redone.
            (Some(touched), Some(mut output)) if !statics_changed => {
                let changed = output.update_from(&stages.pages_output, &touched);
                (output, changed)
            }
            (_, old) => {
                let old_output = old.unwrap_or_default();
                match build::assemble(stages.pages_output.clone(), &sources, &stages.site.config) {
                    Ok(output) => {
                        let changed = changed_between(&old_output, &output, change);
                        (output, changed)
                    }
                    Err(e) => {
                        // These stages never made an output: the next change starts afresh,
                        // so a later patch cannot slip past the clash.
                        drop(stages);
                        self.output = Some(old_output);
                        return Err(build::sorted(e));
                    }
                }
            }
        };
        trace.mark("update output");
        self.stages = Some(stages);
        self.output = Some(output);
        Ok(Update {
            changed,
            rendered,
            full,
            elapsed: started.elapsed(),
        })
    }

    /// Apply `change` to the sources kept in memory (or read them all).
    fn refresh_sources(&mut self, change: &Change) -> Result<Sources, Diagnostics> {
        match self.sources.as_mut() {
            Some(sources) if !change.rescan => {
                let paths: Vec<String> = change.paths.iter().cloned().collect();
                sources.refresh(&paths).map_err(build::sorted)?;
            }
            _ => self.sources = Some(content::load(&self.options.root)?),
        }
        Ok(self.sources.clone().expect("loaded above"))
    }

    /// Rebuild after a change that is not to the configuration, re-rendering what it touches.
    #[allow(clippy::type_complexity)]
    fn partial(
        &mut self,
        sources: &Sources,
        change: &Change,
        kinds: &BTreeSet<SourceKind>,
        mut old: Stages,
    ) -> Result<Redone, (Diagnostics, Option<Stages>)> {
        let content_changed = kinds
            .iter()
            .any(|k| matches!(k, SourceKind::Brief | SourceKind::Party | SourceKind::Topic));
        let templates_changed = kinds.contains(&SourceKind::Template);
        if !content_changed && !templates_changed {
            // Static files only: the pages stay as they are.
            return Ok(Redone {
                stages: old,
                rendered: 0,
                touched: None,
            });
        }
        let mut trace = Trace::new();
        if kinds.iter().all(|k| *k == SourceKind::Brief) {
            let paths: Vec<&str> = change.paths.iter().map(String::as_str).collect();
            match model::patch_briefs(&mut old.site, sources, &mut self.cache, &paths) {
                Ok(Some(patched)) => {
                    trace.mark("patch briefs");
                    let scope = pages_touched_by_patch(&old.site, &patched);
                    let jobs: Vec<Page> = old
                        .pages
                        .iter()
                        .filter(|p| scope.contains(&p.path))
                        .cloned()
                        .collect();
                    return self.finish(
                        old.site,
                        old.theme,
                        old.tera,
                        old.pages,
                        old.pages_output,
                        jobs,
                        Vec::new(),
                        &mut trace,
                    );
                }
                Ok(None) => {}
                Err(e) => return Err((build::sorted(e), Some(old))),
            }
        }
        let site = if content_changed {
            let config = old.site.config.clone();
            let options = ResolveOptions {
                drafts: self.options.drafts,
            };
            match model::resolve_cached(sources, config, options, &mut self.cache) {
                Ok(site) => site,
                Err(e) => return Err((build::sorted(e), Some(old))),
            }
        } else {
            old.site.clone()
        };
        let (theme, tera) = if templates_changed {
            let theme = Theme::for_site(sources);
            match theme.tera(&site) {
                Ok(tera) => (theme, Arc::new(tera)),
                Err(e) => return Err((build::sorted(e), Some(old))),
            }
        } else {
            (old.theme.clone(), old.tera.clone())
        };
        trace.mark("resolve");
        let pages = render::pages(&site);
        let mut scope = Scope::default();
        if content_changed {
            scope.add(pages_touched_by_content(&old.site, &site, change));
        }
        if templates_changed {
            scope.add(pages_using_templates(change, &pages, &theme));
        }
        let old_paths: BTreeSet<&str> = old.pages.iter().map(|p| p.path.as_str()).collect();
        let jobs: Vec<Page> = pages
            .iter()
            .filter(|p| scope.contains(&p.path) || !old_paths.contains(p.path.as_str()))
            .cloned()
            .collect();
        let mut pages_output = old.pages_output;
        let new_paths: BTreeSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
        let removed: Vec<String> = old_paths
            .difference(&new_paths)
            .map(|gone| output_file(gone))
            .collect();
        for gone in &removed {
            pages_output.remove(gone);
        }
        let added = new_paths.difference(&old_paths).next().is_some();
        trace.mark("list pages");
        let redone = self.finish(
            site,
            theme,
            tera,
            pages,
            pages_output,
            jobs,
            removed,
            &mut trace,
        )?;
        // A new page may clash with a static file: the output is then assembled (and checked) anew.
        Ok(if added {
            Redone {
                touched: None,
                ..redone
            }
        } else {
            redone
        })
    }

    /// Render `jobs` into `pages_output` and put the stages together.
    #[allow(clippy::too_many_arguments, clippy::type_complexity)]
    fn finish(
        &self,
        site: Site,
        theme: Theme,
        tera: Arc<tera::Tera>,
        pages: Vec<Page>,
        mut pages_output: Output,
        jobs: Vec<Page>,
        removed: Vec<String>,
        trace: &mut Trace,
    ) -> Result<Redone, (Diagnostics, Option<Stages>)> {
        let rendered = render::render_pages(&site, &theme, &tera, &jobs)
            .map_err(|e| (build::sorted(e), None))?;
        trace.mark(&format!("render {} pages", rendered.len()));
        let count = rendered.len();
        let mut touched = removed;
        for page in rendered {
            touched.push(output_file(&page.path));
            pages_output.replace_page(page);
        }
        Ok(Redone {
            stages: Stages {
                site,
                theme,
                tera,
                pages,
                pages_output,
            },
            rendered: count,
            touched: Some(touched),
        })
    }
}

/// Output files that differ between two outputs. A static file is copied from disk, so its
/// entry is the same after an edit: a changed one counts if the change names it.
fn changed_between(old: &Output, new: &Output, change: &Change) -> BTreeSet<String> {
    let mut changed = old.diff(new);
    for path in &change.paths {
        if let Some(rel) = path.strip_prefix("static/")
            && (new.content(rel).is_some() || old.content(rel).is_some())
        {
            changed.insert(rel.to_string());
        }
    }
    changed
}

/// Pages showing what a patched brief changed. Its structure is the same (same parties,
/// topics, commitments, place in the order), so: its own page, and where its title or summary
/// changed, the lists that show them.
fn pages_touched_by_patch(site: &Site, patched: &crate::model::Patched) -> Scope {
    let mut scope = Scope::default();
    let per_page = site.config.options.per_page.max(1);
    // A replayed commitment shows on its page, the tracker, the briefs naming it (their
    // badges), the records of the parties that made it, and its topic.
    for id in &patched.commitments {
        let Some(c) = site.commitments.get(id) else {
            continue;
        };
        scope.paths.insert(site_path::commitment(id));
        scope.paths.insert(site_path::COMMITMENTS.to_string());
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
        scope.paths.insert(site_path::brief(&new.slug));
        // Feeds carry the newest briefs' text: those listing this one are redone.
        let in_feed = |list: &[usize]| list.iter().take(FEED_ENTRIES).any(|i| i == index);
        let mut feeds = Vec::new();
        if *index < FEED_ENTRIES {
            feeds.push(FeedOf::Site);
        }
        feeds.extend(
            new.parties
                .iter()
                .filter(|p| site.parties.get(*p).is_some_and(|p| in_feed(&p.briefs)))
                .map(|p| FeedOf::Party(p.clone())),
        );
        feeds.extend(
            new.topics
                .iter()
                .filter(|t| site.topics.get(*t).is_some_and(|t| in_feed(&t.briefs)))
                .map(|t| FeedOf::Topic(t.clone())),
        );
        for of in feeds {
            scope
                .paths
                .extend([FeedFormat::Atom, FeedFormat::Json].map(|f| of.path(f)));
        }
        let listed = |b: &crate::model::Brief| {
            (
                b.title.clone(),
                b.summary.clone(),
                b.event.clone(),
                b.location.clone(),
            )
        };
        if listed(old) != listed(new) {
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
        }
    }
    scope
}

/// A set of site paths to re-render, or all of them.
#[derive(Default)]
struct Scope {
    all: bool,
    paths: BTreeSet<String>,
}

impl Scope {
    fn add(&mut self, pages: Option<BTreeSet<String>>) {
        match pages {
            None => self.all = true,
            Some(p) => self.paths.extend(p),
        }
    }

    fn contains(&self, path: &str) -> bool {
        self.all || self.paths.contains(path)
    }
}

/// Pages rendered with a changed template. A template other pages extend or include (or a new
/// one) may be used anywhere: then every page.
fn pages_using_templates(
    change: &Change,
    pages: &[Page],
    theme: &Theme,
) -> Option<BTreeSet<String>> {
    let page_templates: BTreeSet<&str> = pages.iter().map(|p| p.template.as_str()).collect();
    let mut out = BTreeSet::new();
    for path in &change.paths {
        let Some(name) = path.strip_prefix("templates/") else {
            continue;
        };
        // Another template naming it (extends, include) makes it a base of other pages too.
        let quoted = format!("\"{name}\"");
        let used_by_others = theme
            .templates
            .iter()
            .any(|(other, text, _)| other != name && text.contains(&quoted));
        if !page_templates.contains(name) || used_by_others {
            return None;
        }
        out.extend(
            pages
                .iter()
                .filter(|p| p.template == name)
                .map(|p| p.path.clone()),
        );
    }
    Some(out)
}

/// Pages that can show something of the changed briefs, before or after the change: their own
/// pages, the index pages they were and are on, their parties, topics and commitments, the
/// other briefs naming those commitments, and the lists. `None` when a registry file changed
/// or the site's totals did (every page shows them): then every page.
fn pages_touched_by_content(old: &Site, new: &Site, change: &Change) -> Option<BTreeSet<String>> {
    let brief_paths: Vec<&String> = change
        .paths
        .iter()
        .filter(|p| content::kind_of(p) == Some(SourceKind::Brief))
        .collect();
    let registry_changed = change.paths.iter().any(|p| {
        matches!(
            content::kind_of(p),
            Some(SourceKind::Party | SourceKind::Topic)
        )
    });
    let totals = |s: &Site| {
        (
            s.briefs.len(),
            s.commitments.len(),
            s.parties.len(),
            s.topics.len(),
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
    let mut pages = BTreeSet::new();
    let mut parties = BTreeSet::new();
    let mut topics = BTreeSet::new();
    let mut commitments = BTreeSet::new();
    let mut positions = Vec::new();
    for path in brief_paths {
        for (site, index) in [(old, &old_index), (new, &new_index)] {
            let Some(&i) = index.get(path.as_str()) else {
                continue;
            };
            let b = &site.briefs[i];
            positions.push(i);
            pages.insert(site_path::brief(&b.slug));
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
    let count = |len: usize| len.div_ceil(per_page).max(1);
    for p in &parties {
        let n = [old, new]
            .iter()
            .filter_map(|s| s.parties.get(p))
            .map(|p| count(p.briefs.len()))
            .max()
            .unwrap_or(1);
        pages.extend((1..=n).map(|i| site_path::party_page(p, i)));
    }
    for t in &topics {
        let n = [old, new]
            .iter()
            .filter_map(|s| s.topics.get(t))
            .map(|t| count(t.briefs.len()))
            .max()
            .unwrap_or(1);
        pages.extend((1..=n).map(|i| site_path::topic_page(t, i)));
    }
    pages.extend(
        [
            site_path::PARTIES,
            site_path::TOPICS,
            site_path::COMMITMENTS,
        ]
        .map(String::from),
    );
    // Feeds of everything touched, and the sitemap (a brief's date is its lastmod).
    let feeds = std::iter::once(FeedOf::Site)
        .chain(parties.iter().map(|p| FeedOf::Party(p.clone())))
        .chain(topics.iter().map(|t| FeedOf::Topic(t.clone())));
    for of in feeds {
        pages.extend([FeedFormat::Atom, FeedFormat::Json].map(|f| of.path(f)));
    }
    pages.insert("sitemap.xml".to_string());
    // Every index page between the brief's old and new place in the order.
    if let (Some(&lo), Some(&hi)) = (positions.iter().min(), positions.iter().max()) {
        pages.extend((lo / per_page + 1..=hi / per_page + 1).map(site_path::index));
    }
    Some(pages)
}
