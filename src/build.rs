//! The pipeline end to end: load → resolve → render → (write). `build` and `check` go
//! through [`generate`]; `serve` keeps the [`Stages`] and redoes part of them (see
//! [`crate::rebuild`]).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::content::{self, Sources};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::error::Error;
use crate::model::{self, ModelCache, ResolveOptions, Site};
use crate::output::{self, Output};
use crate::render::{self, Theme, theme::DEFAULT_ASSETS};

/// What a build is asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site root.
    pub root: PathBuf,
    /// Overrides `base_url` of `accord.toml`.
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Overrides `output_dir` of `accord.toml`; relative to the current directory.
    pub output: Option<PathBuf>,
    /// The date the site is built as of; see [`BuildOptions::resolve_options`].
    pub today: Option<jiff::civil::Date>,
    /// Leave search out, whatever `options.search` says.
    pub no_search: bool,
}

impl BuildOptions {
    /// The options of the model stage. The build date is `today` if set, else the date of
    /// `SOURCE_DATE_EPOCH` (the reproducible-builds convention), else today's date in UTC.
    pub fn resolve_options(&self) -> ResolveOptions {
        ResolveOptions {
            drafts: self.drafts,
            today: self.today.unwrap_or_else(build_date),
        }
    }
}

fn build_date() -> jiff::civil::Date {
    match source_date_epoch() {
        Ok(Some(date)) => date,
        // `main` has already refused a malformed value; a library caller gets today.
        Ok(None) | Err(_) => jiff::Timestamp::now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date(),
    }
}

/// The date (UTC) of `SOURCE_DATE_EPOCH`, the reproducible-builds convention: seconds since
/// 1970 as a decimal integer. Unset or empty means none; anything else is an error, since a
/// build that silently used today's date would not be reproducible.
pub fn source_date_epoch() -> Result<Option<jiff::civil::Date>, Error> {
    let Some(value) = std::env::var_os("SOURCE_DATE_EPOCH") else {
        return Ok(None);
    };
    let text = value.to_string_lossy();
    if text.is_empty() {
        return Ok(None);
    }
    let refused = || Error::Refused {
        message: format!(
            "SOURCE_DATE_EPOCH is `{}`, not a number of seconds since 1970",
            text.escape_debug()
        ),
        help: "set it to a Unix time such as 1752192000 (`git log -1 --format=%ct`), or unset it"
            .into(),
    };
    let seconds: i64 = text.parse().map_err(|_| refused())?;
    let at = jiff::Timestamp::from_second(seconds).map_err(|_| refused())?;
    Ok(Some(at.to_zoned_datetime(jiff::tz::TimeZone::UTC).date()))
}

/// What a build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub briefs: usize,
    pub output_dir: Option<PathBuf>,
    pub elapsed: Duration,
    /// Time spent in each stage, for `--verbose`.
    pub stages: Vec<(&'static str, Duration)>,
    /// The written site's size by kind of file (`build` only).
    pub size: Option<output::size::SizeReport>,
}

/// Everything a build makes, in memory.
pub struct Generated {
    pub site: Site,
    pub output: Output,
    pub pages: usize,
}

/// Read, check and render the site; nothing is written, and the search index is not made
/// (`build` makes it beside the rendering, `serve` in the background).
pub fn generate(sources: &Sources, options: &BuildOptions) -> Result<Generated, Diagnostics> {
    let site = resolve_once(sources, options).map_err(sorted)?;
    generate_from(site, sources)
}

/// The site model, checked, for a build that will not be redone (see [`model::resolve`]).
pub fn resolve_once(sources: &Sources, options: &BuildOptions) -> Result<Site, Diagnostics> {
    let config = config(sources, options)?;
    model::resolve(sources, config, options.resolve_options())
}

/// Render a resolved site and assemble its output.
fn generate_from(site: Site, sources: &Sources) -> Result<Generated, Diagnostics> {
    let stages = Stages::render(site, sources, None).map_err(sorted)?;
    let Stages {
        site, pages_output, ..
    } = stages;
    let pages = pages_output.len();
    let output = assemble(pages_output, sources, &site.config).map_err(sorted)?;
    Ok(Generated {
        site,
        output,
        pages,
    })
}

/// Add the search bundle, already written to the staging directory, to the output.
fn add_search_bundle(written: Vec<String>, output: &mut Output) -> Result<(), Diagnostics> {
    let mut errors = Diagnostics::new();
    for path in written {
        output.add_staged_file(path, "the search index", &mut errors);
    }
    errors.into_result(())
}

/// Diagnostics in file order, as every command prints them.
pub fn sorted(mut d: Diagnostics) -> Diagnostics {
    d.sort();
    d
}

/// The site's configuration, with the command line's overrides applied.
pub fn config(sources: &Sources, options: &BuildOptions) -> Result<Config, Diagnostics> {
    let mut config = Config::parse(&sources.config)?;
    if let Some(url) = &options.base_url {
        config.set_base_url(url).map_err(Diagnostics::from)?;
    }
    if options.no_search {
        config.options.search = false;
    }
    Ok(config)
}

/// The results of every stage of a full build, kept by [`crate::rebuild`] to redo only part
/// of it later.
pub struct Stages {
    pub site: Site,
    pub theme: Theme,
    pub tera: std::sync::Arc<tera::Tera>,
    pub pages: Vec<render::Page>,
    /// The rendered pages alone (no assets, no static files).
    pub pages_output: Output,
    /// What each page rendered read of the site (see [`render::deps`]), for the rebuild to
    /// take.
    pub read: Vec<(String, Vec<render::deps::Input>)>,
}

impl Stages {
    /// Resolve and render everything.
    /// Resolve and render everything; `memo` keeps the exports' entries for later rebuilds.
    pub fn run(
        sources: &Sources,
        options: &BuildOptions,
        cache: &mut ModelCache,
        memo: Option<&render::memo::Memo>,
    ) -> Result<Stages, Diagnostics> {
        Stages::render(Stages::resolve(sources, options, cache)?, sources, memo)
    }

    /// The site model, checked; `cache` keeps the parses for the next time.
    pub fn resolve(
        sources: &Sources,
        options: &BuildOptions,
        cache: &mut ModelCache,
    ) -> Result<Site, Diagnostics> {
        let config = config(sources, options)?;
        model::resolve_cached(sources, config, options.resolve_options(), cache)
    }

    /// Every page of a resolved site.
    pub fn render(
        site: Site,
        sources: &Sources,
        memo: Option<&render::memo::Memo>,
    ) -> Result<Stages, Diagnostics> {
        let theme = Theme::for_site(sources);
        let tera = theme.tera(&site)?;
        let pages = render::pages(&site);
        let mut rendered = render::render_pages(&site, &theme, &tera, &pages, memo)?;
        let read = rendered
            .iter_mut()
            .map(|page| (page.path.clone(), std::mem::take(&mut page.inputs)))
            .collect();
        let mut errors = Diagnostics::new();
        let mut pages_output = Output::new();
        pages_output.add_pages(rendered, &mut errors);
        errors.into_result(Stages {
            site,
            theme,
            tera: std::sync::Arc::new(tera),
            pages,
            pages_output,
            read,
        })
    }
}

/// The full output: rendered pages, the theme's assets, `.nojekyll` and the site's static
/// files (which may replace theme assets, but not pages).
pub fn assemble(
    mut output: Output,
    sources: &Sources,
    config: &Config,
) -> Result<Output, Diagnostics> {
    let mut errors = Diagnostics::new();
    if let Some(domain) = &config.cname {
        output.add_file(
            "CNAME",
            format!("{domain}\n").into_bytes(),
            "`cname` in accord.toml",
            false,
            &mut errors,
        );
    }
    for (path, bytes) in DEFAULT_ASSETS {
        output.add_file(path, bytes.to_vec(), "the default theme", true, &mut errors);
    }
    // GitHub Pages runs Jekyll on a site without it, which hides files starting with `_`.
    output.add_file(
        ".nojekyll",
        Vec::new(),
        "Accord (.nojekyll for GitHub Pages)",
        true,
        &mut errors,
    );
    for file in &sources.static_files {
        output.add_copy(
            &file.rel,
            file.disk.clone(),
            format!("static/{}", file.rel),
            &mut errors,
        );
    }
    output.check_paths(&mut errors);
    errors.into_result(output)
}

/// `accord build`: generate, then write to the output directory.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Error> {
    run(options, true)
}

/// `accord check`: everything `build` does but writing.
pub fn check(options: &BuildOptions) -> Result<BuildReport, Error> {
    run(options, false)
}

fn run(options: &BuildOptions, write: bool) -> Result<BuildReport, Error> {
    let started = Instant::now();
    let mut stages = Vec::new();
    let mut lap = Instant::now();
    let mut stage = |name: &'static str| {
        stages.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    let mut sources = content::load(&options.root)?;
    stage("read files");
    let site = resolve_once(&sources, options).map_err(sorted)?;
    // The site holds all it needs of the content files: their text goes (a tenth of the peak
    // memory), keeping what later stages read (templates, static files).
    sources.drop_content_text();
    let theme = Theme::for_site(&sources);
    let tera = theme.tera(&site)?;
    let pages = render::pages(&site);
    // Every path is known before anything is rendered: clashes are found first.
    let mut errors = Diagnostics::new();
    let mut planned = Output::new();
    planned.add_staged_pages(&pages, &mut errors);
    errors.into_result(())?;
    let mut output = assemble(planned, &sources, &site.config).map_err(sorted)?;
    let out_dir = output_dir(options, &site.config);
    output::check_output_dir(&options.root, &out_dir)?;
    stage("check");
    // Pages go to disk as they are rendered, so they are never all in memory.
    let staging = if write {
        Some(output::Staging::begin(&out_dir, &output)?)
    } else {
        None
    };
    let (rendered, bundle) = render_and_index(
        &site,
        &theme,
        &tera,
        &pages,
        staging.as_ref(),
        site.config.options.search,
        &mut stage,
    );
    let bundle = match (rendered, bundle) {
        (Err(e), _) => Err(sorted(e)),
        (Ok(()), Some(bundle)) => {
            let added = bundle.and_then(|bundle| add_search_bundle(bundle, &mut output));
            stage("search index (beside rendering)");
            added
        }
        (Ok(()), None) => Ok(()),
    };
    if let Err(e) = bundle {
        if let Some(s) = staging {
            s.abandon();
        }
        return Err(e.into());
    }
    let mut size = None;
    if let Some(s) = staging {
        s.finish(&output)?;
        stage("write the rest and swap in");
        size = Some(output::size::SizeReport::measure(&out_dir, output.paths()));
    }
    Ok(BuildReport {
        pages: pages.len(),
        files: output.len(),
        briefs: site.briefs.len(),
        output_dir: write.then_some(out_dir),
        elapsed: started.elapsed(),
        stages,
        size,
    })
}

/// The paths of the search bundle's files, written to the staging directory.
type Indexed = Result<Vec<String>, Diagnostics>;

/// Render every page (each written to `staging` as soon as it is done) and, with `search` and
/// a staging directory to write to, build the search index beside the rendering (both borrow
/// the site), writing each shard's files there as it is done; the paths of the files it wrote.
/// A failed rendering stops the indexer after its current shard.
fn render_and_index(
    site: &Site,
    theme: &Theme,
    tera: &tera::Tera,
    pages: &[render::Page],
    staging: Option<&output::Staging>,
    search: bool,
    stage: &mut dyn FnMut(&'static str),
) -> (Result<(), Diagnostics>, Option<Indexed>) {
    let stop_indexing = std::sync::atomic::AtomicBool::new(false);
    let written = std::sync::Mutex::new(Vec::new());
    let (stop, written_to) = (&stop_indexing, &written);
    std::thread::scope(|scope| {
        let indexer = staging.filter(|_| search).map(|staging| {
            scope.spawn(move || {
                let put = |(path, bytes): crate::search::BundleFile| {
                    staging
                        .write_file(&path, &bytes)
                        .map_err(|e| Diagnostic::general(e.to_string()))?;
                    match written_to.lock() {
                        Ok(mut w) => w.push(path),
                        Err(poisoned) => poisoned.into_inner().push(path),
                    }
                    Ok(())
                };
                crate::search::index_site(site, stop, &put)
            })
        });
        let rendered = render::render_each(site, theme, tera, pages, None, |page| match staging {
            Some(s) => s
                .write_file(&crate::urls::output_file(&page.path), page.html.as_bytes())
                .map_err(|e| Diagnostic::general(e.to_string())),
            None => Ok(()),
        });
        if rendered.is_err() {
            stop_indexing.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        stage("render and write pages");
        let bundle = indexer.map(|indexer| {
            indexer
                .join()
                .map_err(|_| {
                    Diagnostics::from(Diagnostic::general(
                        "the search indexer stopped unexpectedly",
                    ))
                })
                .and_then(|r| r.map_err(Diagnostics::from))
                .map(|()| std::mem::take(&mut *written.lock().unwrap_or_else(|p| p.into_inner())))
        });
        (rendered, bundle)
    })
}

/// `--output` (relative to the current directory) or `output_dir` (relative to the root).
pub fn output_dir(options: &BuildOptions, config: &Config) -> PathBuf {
    match &options.output {
        Some(dir) => dir.clone(),
        None if config.output_dir.is_absolute() => config.output_dir.clone(),
        None => options.root.join(&config.output_dir),
    }
}

/// A diagnostic for a root that does not exist.
pub fn check_root(root: &Path) -> Result<(), Error> {
    if root.is_dir() {
        Ok(())
    } else {
        Err(Error::Content(
            Diagnostic::general(format!("site root {} is not a directory", root.display()))
                .with_help("pass an existing directory with --root")
                .into(),
        ))
    }
}
