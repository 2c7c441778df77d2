//! Rebuilding after a change, for `serve`: re-read only the changed files, reuse the parse and
//! Markdown of the others, and re-render only the pages a change can touch.
//!
//! Which pages those are is asked of the record of what each page read when it was last
//! rendered ([`crate::render::record`]): the pages with an input that is different in the new
//! site. Two rules of `scope.rs` answer where the record cannot, or not as fast: a brief
//! edited in place (patched, [`crate::model::patch_briefs`]) and a changed template.
//! `accord.toml` or a rescan rebuilds everything. The partial result is the full result:
//! `tests/random_edits.rs` and `tests/rebuild.rs` compare both byte for byte.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::build::{self, BuildOptions, Stages};
use crate::content::{self, SourceKind, Sources};
use crate::diagnostics::Diagnostics;
use crate::model::{self, ModelCache, Site};
use crate::output::Output;
use crate::render::{self, Page, PageKind, Theme};
use crate::urls::output_file;

mod scope;

use crate::render::context::Views;
use crate::render::deps::Input;
use crate::render::prepared::Prepared;
use crate::render::record::{Prints, Record};
use scope::{Scope, pages_touched_by_patch, pages_using_templates};

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
            crate::errln!(
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
    /// What each page rendered read.
    read: Vec<(String, Vec<Input>)>,
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
    /// The data exports' entries and the tracker's rows, so that a patch redoes only those it
    /// touched.
    memo: crate::render::memo::Memo,
    /// What each page read, to find the pages a change touches (see [`crate::render::deps`]).
    record: Record,
}

impl Rebuilder {
    pub fn new(mut options: BuildOptions) -> Self {
        // One build date for the whole session: a partial rebuild after midnight must not
        // mark overdue what the pages it leaves alone do not.
        options.today = Some(options.resolve_options().today);
        Rebuilder {
            options,
            sources: None,
            cache: ModelCache::default(),
            memo: Default::default(),
            stages: None,
            output: None,
            pending: Change::default(),
            record: Record::default(),
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

    /// Everything anew (the first build, a configuration change, a rescan).
    fn full_build(&mut self, sources: &Sources) -> Result<Stages, Diagnostics> {
        self.memo.clear();
        self.record.clear();
        let mut stages = Stages::run(sources, &self.options, &mut self.cache, Some(&self.memo))?;
        let read = std::mem::take(&mut stages.read);
        self.commit_record(&stages, None, read);
        Ok(stages)
    }

    /// Keep in the record what the pages just rendered read (see [`Record::commit`]); `now`,
    /// the fingerprints computed to choose them, or `None` if the content did not change.
    fn commit_record(
        &mut self,
        stages: &Stages,
        now: Option<Prints>,
        read: Vec<(String, Vec<Input>)>,
    ) {
        let live: std::collections::HashSet<&str> =
            stages.pages.iter().map(|p| p.path.as_str()).collect();
        let record = &mut self.record;
        with_views(&stages.site, &self.memo, |views| {
            record.commit(&stages.site, views, now, read, &live)
        });
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
            previous => match self.full_build(&sources) {
                Ok(stages) => Ok(Redone {
                    rendered: stages.pages.len(),
                    stages,
                    touched: None,
                    read: Vec::new(),
                }),
                Err(e) => Err((build::sorted(e), previous)),
            },
        };
        let Redone {
            stages,
            rendered,
            touched,
            ..
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
        let content_changed = kinds.iter().any(|k| {
            matches!(
                k,
                SourceKind::Brief | SourceKind::Party | SourceKind::Topic | SourceKind::Person
            )
        });
        let templates_changed = kinds.contains(&SourceKind::Template);
        if !content_changed && !templates_changed {
            // Static files only: the pages stay as they are.
            return Ok(Redone {
                stages: old,
                rendered: 0,
                touched: None,
                read: Vec::new(),
            });
        }
        let mut trace = Trace::new();
        if kinds.iter().all(|k| *k == SourceKind::Brief) {
            let paths: Vec<&str> = change.paths.iter().map(String::as_str).collect();
            match model::patch_briefs(&mut old.site, sources, &mut self.cache, &paths) {
                Ok(Some(patched)) => {
                    trace.mark("patch briefs");
                    let replaced = patched
                        .replaced
                        .iter()
                        .map(|(i, _)| old.site.briefs[*i].slug.as_str());
                    self.memo.forget(&old.site, replaced, &patched.commitments);
                    self.memo.replayed(&old.site, &patched.before);
                    let (tracker, sorted) = self.memo.tracker(&old.site);
                    let mut scope = pages_touched_by_patch(&old.site, &patched, &tracker, &sorted);
                    // A status change moves a commitment between the tracker's lists, whose
                    // pages (and their rows' ranges) are those of the patched site.
                    let (pages, tracker_changed) = if patched.commitments.is_empty() {
                        (old.pages, TrackerPagesChanged::default())
                    } else {
                        with_tracker_pages_of(old.pages, &old.site)
                    };
                    // A template query may show anything of the site: the pages whose
                    // queries now give something else.
                    if self.record.has_queries() {
                        let querying = with_views(&old.site, &self.memo, |views| {
                            self.record.stale_queries(&old.site, views)
                        });
                        scope.add(Some(querying.into_iter().collect()));
                    }
                    trace.mark("pages whose queries changed");
                    if tracker_changed.any() {
                        scope.add(Some(sitemap_paths(&old.site)));
                    }
                    let jobs: Vec<Page> = pages
                        .iter()
                        .filter(|p| {
                            scope.contains(&p.path) || tracker_changed.added.contains(&p.path)
                        })
                        .cloned()
                        .collect();
                    let mut pages_output = old.pages_output;
                    let removed: Vec<String> = tracker_changed
                        .removed
                        .iter()
                        .map(|gone| output_file(gone))
                        .collect();
                    for gone in &removed {
                        pages_output.remove(gone);
                    }
                    let mut redone = self.finish(
                        old.site,
                        old.theme,
                        old.tera,
                        pages,
                        pages_output,
                        jobs,
                        removed,
                        &mut trace,
                    )?;
                    // These pages were chosen by the patch's own rules, not by the record.
                    let read = std::mem::take(&mut redone.read);
                    let stages = &redone.stages;
                    let record = &mut self.record;
                    with_views(&stages.site, &self.memo, |views| {
                        record.refresh(&stages.site, views, read)
                    });
                    trace.mark("record what they read");
                    // A new page may clash with a static file: the output is then assembled
                    // (and checked) anew.
                    return Ok(if tracker_changed.added.is_empty() {
                        redone
                    } else {
                        Redone {
                            touched: None,
                            ..redone
                        }
                    });
                }
                Ok(None) => {}
                Err(e) => return Err((build::sorted(e), Some(old))),
            }
        }
        if content_changed {
            self.memo.clear();
        }
        if templates_changed {
            // The tracker's rows are rendered HTML (the other kept entries are data).
            self.memo.forget_rows();
        }
        let site = if content_changed {
            let config = old.site.config.clone();
            let options = self.options.resolve_options();
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
        // Two sources claiming one path (an alias over a page, a new person page over an
        // alias, a page over a static file) fail here as in a full build; the output set kept
        // between rebuilds is keyed by path and would hide the clash.
        let mut errors = Diagnostics::new();
        let mut planned = Output::new();
        planned.add_staged_pages(&pages, &mut errors);
        if let Err(e) = errors
            .into_result(())
            .and_then(|()| build::assemble(planned, sources, &site.config).map(|_| ()))
        {
            return Err((build::sorted(e), Some(old)));
        }
        let mut scope = Scope::default();
        let now = if content_changed {
            let (stale, now) =
                with_views(&site, &self.memo, |views| self.record.stale(&site, views));
            scope.add(Some(stale.into_iter().collect()));
            Some(now)
        } else {
            None
        };
        if templates_changed {
            scope.add(pages_using_templates(change, &pages, &theme));
        }
        trace.mark("pages whose inputs changed");
        let old_paths: BTreeSet<&str> = old.pages.iter().map(|p| p.path.as_str()).collect();
        let jobs: Vec<Page> = pages
            .iter()
            .filter(|p| {
                scope.contains(&p.path)
                    || !old_paths.contains(p.path.as_str())
                    || !self.record.knows(&p.path)
            })
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
        let mut redone = self.finish(
            site,
            theme,
            tera,
            pages,
            pages_output,
            jobs,
            removed,
            &mut trace,
        )?;
        let read = std::mem::take(&mut redone.read);
        self.commit_record(&redone.stages, now, read);
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
        let rendered = render::render_pages(&site, &theme, &tera, &jobs, Some(&self.memo))
            .map_err(|e| (build::sorted(e), None))?;
        trace.mark(&format!("render {} pages", rendered.len()));
        let count = rendered.len();
        let mut touched = removed;
        let mut read = Vec::with_capacity(count);
        for mut page in rendered {
            touched.push(output_file(&page.path));
            read.push((page.path.clone(), std::mem::take(&mut page.inputs)));
            pages_output.replace_page(page);
        }
        Ok(Redone {
            stages: Stages {
                site,
                theme,
                tera,
                pages,
                pages_output,
                read: Vec::new(),
            },
            rendered: count,
            touched: Some(touched),
            read,
        })
    }
}

/// Run `f` with the views of `site`, which the record's fingerprints are made from.
fn with_views<R>(site: &Site, memo: &crate::render::memo::Memo, f: impl FnOnce(&Views) -> R) -> R {
    let prepared = Prepared::new(site, Some(memo));
    f(&Views {
        site,
        prepared: &prepared,
    })
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

/// The tracker's pages that a patch added or removed (a list grew or shrank by a page).
#[derive(Default)]
struct TrackerPagesChanged {
    added: BTreeSet<String>,
    removed: BTreeSet<String>,
}

impl TrackerPagesChanged {
    fn any(&self) -> bool {
        !self.added.is_empty() || !self.removed.is_empty()
    }
}

/// `pages` with the tracker's list pages and data files made anew for `site`.
fn with_tracker_pages_of(pages: Vec<Page>, site: &Site) -> (Vec<Page>, TrackerPagesChanged) {
    let is_tracker = |p: &Page| {
        matches!(
            p.kind,
            PageKind::CommitmentList(..) | PageKind::TrackerData(_)
        )
    };
    let (old_tracker, kept): (Vec<Page>, Vec<Page>) = pages.into_iter().partition(is_tracker);
    let fresh = render::tracker::pages(site);
    let (pages, mut changed) = tracker_pages_changed(old_tracker, kept, fresh);
    if !changed.any() {
        return (pages, changed);
    }
    // A list gained or lost a page: the sitemap's files may have too.
    let is_part = |p: &Page| matches!(p.kind, PageKind::SitemapPart(_));
    let (old_parts, mut pages): (Vec<Page>, Vec<Page>) = pages.into_iter().partition(is_part);
    let new_parts: Vec<Page> = render::pages(site).into_iter().filter(is_part).collect();
    let old_paths: BTreeSet<&str> = old_parts.iter().map(|p| p.path.as_str()).collect();
    let new_paths: BTreeSet<&str> = new_parts.iter().map(|p| p.path.as_str()).collect();
    changed
        .added
        .extend(new_paths.difference(&old_paths).map(|p| p.to_string()));
    changed
        .removed
        .extend(old_paths.difference(&new_paths).map(|p| p.to_string()));
    pages.extend(new_parts);
    (pages, changed)
}

/// `kept` with `fresh` added, and which of `fresh` are new and which of `old` are gone.
fn tracker_pages_changed(
    old_tracker: Vec<Page>,
    mut kept: Vec<Page>,
    fresh: Vec<Page>,
) -> (Vec<Page>, TrackerPagesChanged) {
    let old_paths: BTreeSet<&str> = old_tracker.iter().map(|p| p.path.as_str()).collect();
    let new_paths: BTreeSet<&str> = fresh.iter().map(|p| p.path.as_str()).collect();
    let changed = TrackerPagesChanged {
        added: new_paths
            .difference(&old_paths)
            .map(|p| p.to_string())
            .collect(),
        removed: old_paths
            .difference(&new_paths)
            .map(|p| p.to_string())
            .collect(),
    };
    kept.extend(fresh);
    (kept, changed)
}

/// The sitemap index and files of `site`.
fn sitemap_paths(site: &Site) -> BTreeSet<String> {
    let mut paths: BTreeSet<String> = render::sitemap::part_paths(site).into_iter().collect();
    paths.insert("sitemap.xml".to_string());
    paths
}
