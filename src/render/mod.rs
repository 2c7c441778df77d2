//! Rendering: the theme (the default templates embedded in the binary, overridden file by
//! file by the site's `templates/`), Tera set up with Accord's functions and filters, and one
//! render job per page. Rendering reads the [`Site`]; it never changes it.

mod chart;
pub mod cite;
pub mod context;
pub mod deps;
pub mod exports;
pub mod feeds;
mod json_ld;
pub mod memo;
mod pages;
pub mod prepared;
pub mod queries;
pub mod record;
pub mod sitemap;
pub mod theme;
pub mod tracker;
pub mod tracker_data;

use rayon::prelude::*;
use tera::Tera;

pub use pages::{Page, PageKind, pages};
pub use theme::{TemplateOrigin, Theme};
pub use tracker::ROW_TEMPLATE as TRACKER_ROW_TEMPLATE;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Site;

/// A rendered page: where it goes, and its bytes.
#[derive(Debug, Clone)]
pub struct RenderedPage {
    /// Site path of the page (`briefs/kl/`).
    pub path: String,
    /// What it was made from, for error messages (`content/briefs/kl.md`).
    pub origin: String,
    pub html: String,
    /// What it read of the site (see [`deps`]).
    pub inputs: Vec<deps::Input>,
}

/// Render the given pages (all of them, or those a change touched) with a compiled theme, in
/// parallel. Every failing page is reported.
pub fn render_pages(
    site: &Site,
    theme: &Theme,
    tera: &Tera,
    jobs: &[Page],
    memo: Option<&memo::Memo>,
) -> Result<Vec<RenderedPage>, Diagnostics> {
    let out = std::sync::Mutex::new(Vec::with_capacity(jobs.len()));
    render_each(site, theme, tera, jobs, memo, |page| {
        if let Ok(mut out) = out.lock() {
            out.push(page);
        }
        Ok(())
    })?;
    Ok(out.into_inner().unwrap_or_default())
}

/// Render the given pages in parallel and hand each to `sink` as soon as it is done (a build
/// writes it to disk there, so the pages are never all in memory at once). Every failing page
/// is reported, and every error of the sink.
pub fn render_each(
    site: &Site,
    theme: &Theme,
    tera: &Tera,
    jobs: &[Page],
    memo: Option<&memo::Memo>,
    sink: impl Fn(RenderedPage) -> Result<(), Diagnostic> + Sync,
) -> Result<(), Diagnostics> {
    // The longest pages first, so they do not finish alone at the end of a parallel run.
    let mut jobs: Vec<&Page> = jobs.iter().collect();
    jobs.sort_by_key(|p| std::cmp::Reverse(p.weight(site)));
    let prepared = prepared::Prepared::new(site, memo);
    let results: Vec<Result<(), Failure>> = jobs
        .into_par_iter()
        .map(|page| {
            let _timer = SlowPage::start(page);
            let (rendered, inputs) =
                deps::recording(|| render_one(site, &prepared, tera, page, memo));
            sink(RenderedPage {
                inputs,
                ..rendered?
            })
            .map_err(Failure::Sink)
        })
        .collect();
    let mut errors = Diagnostics::new();
    // One template mistake fails every page using it: report it once, with a count.
    let mut failures: Vec<(String, Vec<&Page>)> = Vec::new();
    for r in results {
        match r {
            Ok(()) => {}
            Err(Failure::Generated(page, e)) => {
                errors.push(Diagnostic::general(format!("{}: {e}", page.path)));
            }
            Err(Failure::Sink(d)) => {
                if errors.len() < 20 {
                    errors.push(d);
                }
            }
            Err(Failure::Template(page, e)) => {
                let text = theme.locate_error(&e.to_string());
                match failures.iter_mut().find(|(t, _)| *t == text) {
                    Some((_, pages)) => pages.push(page),
                    None => failures.push((text, vec![page])),
                }
            }
        }
    }
    for (text, pages) in failures {
        errors.push(template_error(theme, &text, &pages));
    }
    errors.into_result(())
}

/// With `ACCORD_TRACE` set, pages that take 3 ms or more to render are named on stderr, for
/// performance work.
struct SlowPage<'a>(&'a Page, std::time::Instant);

impl<'a> SlowPage<'a> {
    fn start(page: &'a Page) -> Self {
        SlowPage(page, std::time::Instant::now())
    }
}

impl Drop for SlowPage<'_> {
    fn drop(&mut self) {
        let took = self.1.elapsed();
        if took.as_millis() >= 3 && std::env::var_os("ACCORD_TRACE").is_some() {
            crate::errln!(
                "  slow page {}: {:.1} ms",
                self.0.path,
                took.as_secs_f64() * 1000.0
            );
        }
    }
}

enum Failure<'a> {
    Template(&'a Page, tera::Error),
    /// A page made in Rust (a feed) failed.
    Generated(&'a Page, String),
    Sink(Diagnostic),
}

/// One page, made in Rust or rendered with its template.
fn render_one<'p>(
    site: &Site,
    prepared: &prepared::Prepared,
    tera: &Tera,
    page: &'p Page,
    memo: Option<&memo::Memo>,
) -> Result<RenderedPage, Failure<'p>> {
    let html = match pages::generated(site, prepared, page, memo) {
        Some(text) => {
            pages::read_generated(site, page);
            text.map_err(|e| Failure::Generated(page, e))?
        }
        None => queries::with_site(site, prepared, || {
            let context = pages::context(site, prepared, page, tera, memo)?;
            tera.render(&page.template, &context)
        })
        .map_err(|e| Failure::Template(page, e))?,
    };
    Ok(RenderedPage {
        path: page.path.clone(),
        origin: page.origin.clone(),
        html,
        inputs: Vec::new(),
    })
}

/// A Tera error (already located by [`Theme::locate_error`]) for the pages it failed.
fn template_error(theme: &Theme, text: &str, pages: &[&Page]) -> Diagnostic {
    let first = pages[0];
    let others = match pages.len() {
        1 => String::new(),
        2 => " and 1 other page".to_string(),
        n => format!(" and {} other pages", n - 1),
    };
    let message = format!(
        "template `{}` failed while rendering the page for {}{others}\n{}",
        first.template,
        first.origin,
        text.trim_end().trim_start_matches("error: ")
    );
    Diagnostic::general(message).with_help(theme.help_for(&first.template, text))
}
